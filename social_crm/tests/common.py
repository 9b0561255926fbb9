# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared fixtures: users of each kind, and a fake network at the HTTP boundary.

Odoo's test cases route every ``requests`` call through ``BaseCase._request_handler``
(and block non-local hosts). :class:`FakeNetwork` replaces that handler, so the real
connector code (requests, tweepy) runs and only the network's answers are canned.
"""

import dataclasses
import datetime as dt
import json
from urllib.parse import urlsplit

import requests

from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import TransactionCase, new_test_user


class FakeNetwork:
    """Canned HTTP answers by (method, host+path), in order; records every request."""

    def __init__(self):
        self.routes = {}
        self.requests = []

    def add(self, method, url, *, json_body=None, status=200, headers=None, body=None, exc=None):
        parts = urlsplit(url)
        key = (method.upper(), parts.netloc + parts.path)
        self.routes.setdefault(key, []).append((status, json_body, headers or {}, body, exc))

    def handler(self, session, prepared, /, **kwargs):
        self.requests.append((prepared, kwargs))
        parts = urlsplit(prepared.url)
        key = (prepared.method.upper(), parts.netloc + parts.path)
        answers = self.routes.get(key)
        if not answers:
            raise AssertionError(f"unexpected request {prepared.method} {prepared.url}")
        status, json_body, headers, body, exc = answers.pop(0) if len(answers) > 1 else answers[0]
        if exc is not None:
            raise exc
        response = requests.Response()
        response.status_code = status
        response.url = prepared.url
        response.request = prepared
        response.headers.update(headers)
        if body is not None:
            response._content = body.encode() if isinstance(body, str) else body
        else:
            response._content = json.dumps(json_body).encode()
            response.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        response.encoding = "utf-8"
        return response


class SocialCrmCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Company GmbH"})
        cls.user = new_test_user(
            cls.env, login="sc_user", groups="base.group_user,social_crm.group_social_crm_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="sc_manager",
            groups="base.group_user,base.group_partner_manager,social_crm.group_social_crm_manager",
        )
        cls.portal = new_test_user(cls.env, login="sc_portal", groups="base.group_portal")
        cls.plain_user = new_test_user(cls.env, login="sc_plain", groups="base.group_user")
        cls.other_user = new_test_user(
            cls.env,
            login="sc_other",
            groups="base.group_user,social_crm.group_social_crm_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.x = cls.env.ref("social_crm.network_x")
        cls.mastodon = cls.env.ref("social_crm.network_mastodon")
        cls.bluesky = cls.env.ref("social_crm.network_bluesky")
        cls.linkedin = cls.env.ref("social_crm.network_linkedin")
        cls.rss = cls.env.ref("social_crm.network_rss")
        cls.partner = cls.env["res.partner"].create(
            {"name": "Petra Vogel", "email": "petra.vogel@example.de"}
        )

    def make_author(self, ext, handle=None, name=None, network="x", **kw):
        return Author(network=network, external_id=ext, handle=handle, display_name=name, **kw)

    def make_post(self, ext, author=None, network="x", text="Hallo @acme", minutes_ago=5, **kw):
        """A post as a connector builds it; ``ext=None``: a post without id that skipped the
        checks of ``Post`` (see :func:`unchecked_post`), for the ingestion's own refusal."""
        posted = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
        build = unchecked_post if ext is None else Post
        return build(
            network=network, external_id=ext, text=text, posted_at=posted, author=author, **kw
        )


def unchecked_post(**values):
    """A :class:`Post` built without its checks (``Post(external_id=None)`` raises
    ``InvalidItemError``, and connectors put such items in ``Page.rejected``): what a caller
    that bypassed them, or mutated a post, would hand to ingestion, which must still refuse
    it into the quarantine rather than store it as "None"."""
    post = object.__new__(Post)
    for field in dataclasses.fields(Post):
        if field.name in values:
            value = values[field.name]
        elif field.default is not dataclasses.MISSING:
            value = field.default
        elif field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        else:
            value = None
        object.__setattr__(post, field.name, value)
    return post
