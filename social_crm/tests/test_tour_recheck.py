# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The re-check of posts on screen (Chromium), in English and in German: a Social CRM manager
(who is also a Settings administrator: Odoo opens its Settings to those only) finds *Re-check
Posts (days)* in the Social CRM settings, the *Re-check Posts* switch on a Mastodon polling
source, and, after the re-check job ran (``_cron_recheck_due``, Mastodon mocked at the HTTP
boundary with its documented ``GET /api/v1/statuses`` answer: the status was edited), the
*Last Re-check* column of the inbox and the *Edited* badge and *Last Re-check* of the post;
a post of an instance the company's instance no longer shows (defederation: 404 there, still
shown by its author's own instance) is kept and marked *Not visible from your instance* in the
inbox and the form."""

import copy
import datetime as dt
import json
import pathlib
from unittest.mock import patch

from odoo.addons.social_crm.connectors import mastodon
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FakeNetwork

PAYLOADS = pathlib.Path(__file__).resolve().parents[2] / "tests/connectors/payloads"
MASTO = "https://mastodon.example"
STATUS_ID = "113500000000000777"
ORIGINAL = "Router kaputt"
EDITED = "Router kaputt, seit drei Tagen kein Internet!"


def fresh(hours):
    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    return when.isoformat().replace("+00:00", "Z")


def status(text, edited=None):
    """A Mastodon status (``GET /api/v1/statuses/:id`` entity) of Kim, posted an hour ago."""
    body = json.loads((PAYLOADS / "recheck/mastodon_statuses.json").read_text(encoding="utf-8"))
    entity = copy.deepcopy(body[0])
    entity.update(id=STATUS_ID, created_at=fresh(1), edited_at=edited,
                  content=f"<p>{text}</p>")
    return entity


@tagged("post_install", "-at_install")
class TestRecheckTour(HttpCase):
    def setUp(self):
        super().setUp()
        Source = self.env["social.crm.source"]
        Source.search([]).write({"active": False})  # the demo's sources take no part
        self.env.company.social_recheck_days = 3
        self.source = Source.create({
            "name": "Tour Mastodon mentions",
            "network_id": self.env.ref("social_crm.network_mastodon").id,
            "kind": "mentions", "base_url": MASTO, "access_token": "masto-token",
        })
        self.manager = new_test_user(
            self.env, login="tour_recheck_manager", name="Rita Recheck",
            groups="base.group_user,base.group_system,social_crm.group_social_crm_manager",
        )

    def language(self, code):
        lang = "de_DE" if code == "de" else "en_US"
        if code == "de":
            self.env["res.lang"]._activate_lang(lang)
            addons = self.env["ir.module.module"].search(
                [("name", "=like", "social_crm%"), ("state", "=", "installed")])
            self.env["ir.module.module"]._load_module_terms(addons.mapped("name"), [lang],
                                                            overwrite=True)
        self.manager.lang = lang

    def rechecked_edit(self):
        """A status polled, then edited on Mastodon: the re-check job reads the edit."""
        Post = self.env["social.crm.post"]
        result = Post._ingest_posts(
            [mastodon.parse_status(status(ORIGINAL), "mastodon.example")], self.source)
        post = Post.browse(result.post_ids)
        self.assertTrue(self.source.recheck_posts)
        self.assertFalse(post.edited_at or post.rechecked_at)
        net = FakeNetwork()
        net.add("GET", f"{MASTO}/api/v1/statuses",
                json_body=[status(EDITED, edited=fresh(0.5))])
        with patch.object(type(self), "_request_handler", net.handler), patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            Post._cron_recheck_due()
        self.env.invalidate_all()
        self.assertEqual(len(net.requests), 1)
        self.assertEqual(post.text, EDITED)
        self.assertEqual(post.previous_text, ORIGINAL)
        self.assertTrue(post.edited_at and post.rechecked_at)
        return post

    def recheck_tour(self, code):
        self.language(code)
        post = self.rechecked_edit()
        self.start_tour("/odoo/settings", f"social_crm_recheck_settings_tour_{code}",
                        login="tour_recheck_manager")
        self.start_tour(f"/odoo/action-social_crm.social_crm_source_action/{self.source.id}",
                        f"social_crm_recheck_source_tour_{code}", login="tour_recheck_manager")
        self.start_tour("/odoo/action-social_crm.social_crm_post_action",
                        f"social_crm_recheck_post_tour_{code}", login="tour_recheck_manager")
        self.assertEqual(self.env.company.social_recheck_days, 3)
        self.assertTrue(post.exists())

    def rechecked_defederated(self):
        """A status of lena@remote.example, then remote.example suspended by the company's
        instance: 404 there (status and account), 200 on remote.example."""
        Post = self.env["social.crm.post"]
        remote = "https://remote.example"
        entity = status("@acme Paket nie angekommen")
        entity.update(id="113500000000000990", url=f"{remote}/@lena/110200000000000099",
                      uri=f"{remote}/users/lena/statuses/110200000000000099",
                      account=dict(entity["account"], id="109000000000000001",
                                   username="lena", acct="lena@remote.example"))
        post = Post.browse(Post._ingest_posts(
            [mastodon.parse_status(entity, "mastodon.example")], self.source).post_ids)
        net = FakeNetwork()
        net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000990", status=404,
                json_body={"error": "Record not found"})
        net.add("GET", f"{MASTO}/api/v1/accounts/lookup", status=404,
                json_body={"error": "Record not found"})
        net.add("GET", f"{remote}/api/v1/statuses/110200000000000099",
                json_body=dict(entity, id="110200000000000099",
                               account=dict(entity["account"], id="1", acct="lena")))
        with patch.object(type(self), "_request_handler", net.handler), patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            Post._cron_recheck_due()
        self.env.invalidate_all()
        self.assertEqual(post.network_visibility, "hidden")
        return post

    def hidden_tour(self, code):
        self.language(code)
        post = self.rechecked_defederated()
        self.start_tour("/odoo/action-social_crm.social_crm_post_action",
                        f"social_crm_recheck_hidden_tour_{code}", login="tour_recheck_manager")
        self.assertTrue(post.exists())

    def test_defederated_english(self):
        self.hidden_tour("en")

    def test_defederated_german(self):
        self.hidden_tour("de")

    def test_recheck_english(self):
        self.recheck_tour("en")

    def test_recheck_german(self):
        self.recheck_tour("de")
