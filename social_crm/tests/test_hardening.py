# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile input and access (issue 18): what a Social CRM user may write over RPC, and what a
hostile network answer does to a poll (at the HTTP boundary, real connector code)."""

import datetime as dt
import json
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FakeNetwork, SocialCrmCase
from .test_poll import BASE, TAG_URL, TOKEN, status

FB_TOKEN = "EAAB-page-token-SECRET-77"
FB_POSTS = "https://graph.facebook.com/v23.0/102030405060/posts"


@tagged("post_install", "-at_install")
class TestHardening(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.identity = cls.env["social.crm.identity"].create(
            {"partner_id": cls.partner.id, "network_id": cls.x.id, "handle": "petra_vogel",
             "external_id": "42"}
        )
        cls.Post._ingest_posts([cls.make_post(cls, "p1", cls.make_author(cls, "42", "petra"))])
        cls.post = cls.Post.search([("external_id", "=", "p1")])
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Other Co Contact", "company_id": cls.other_company.id}
        )
        cls.other_identity = cls.env["social.crm.identity"].with_company(cls.other_company).create(
            {"partner_id": cls.other_partner.id, "network_id": cls.x.id, "handle": "other_co",
             "company_id": cls.other_company.id}
        )
        cls.user.write({"company_ids": [(4, cls.other_company.id)]})
        cls.source = cls.env["social.crm.source"].create(
            {"name": "#acme", "network_id": cls.mastodon.id, "kind": "hashtag", "query": "acme",
             "base_url": BASE, "access_token": TOKEN, "max_pages": 1, "page_size": 40}
        )

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    # --- field-level protection (RPC as a Social CRM user) ---------------------------------
    def test_user_cannot_move_posts_or_identities_to_another_company(self):
        env = self.env(user=self.user, context={"allowed_company_ids": [
            self.company.id, self.other_company.id]})
        with self.assertRaises(AccessError):
            env["social.crm.post"].browse(self.post.id).write(
                {"company_id": self.other_company.id})
        with self.assertRaises(AccessError):
            env["social.crm.identity"].browse(self.identity.id).write(
                {"company_id": self.other_company.id})
        self.assertEqual(self.post.company_id, self.company)
        self.assertEqual(self.identity.company_id, self.company)

    def test_user_cannot_rewrite_what_the_listening_stored(self):
        post = self.env(user=self.user)["social.crm.post"].browse(self.post.id)
        for vals in ({"text": "forged"}, {"author_name": "Admin"},
                     {"url": "javascript:alert(1)"}, {"like_count": 10**6},
                     {"posted_at": "2030-01-01 00:00:00"}):
            with self.assertRaises(AccessError, msg=str(vals)):
                post.write(vals)
        post.action_mark_reviewed()  # what the UI lets a user do still works
        self.assertEqual(self.post.state, "reviewed")
        self.assertNotEqual(self.post.text, "forged")
        # a manager may correct a post, with a web address only
        manager_post = self.env(user=self.manager)["social.crm.post"].browse(self.post.id)
        manager_post.write({"url": "https://x.com/petra/status/1"})
        for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "https://", "ftp://a.b"):
            with self.assertRaises(ValidationError, msg=url):
                manager_post.write({"url": url})

    def test_every_stored_url_is_a_web_address(self):
        with self.assertRaises(ValidationError):
            self.env["social.crm.identity"].create(
                {"partner_id": self.partner.id, "network_id": self.mastodon.id,
                 "profile_url": "javascript:alert(1)"})
        for vals in ({"base_url": "javascript://x"}, {"base_url": "https://"}):
            with self.assertRaises(ValidationError, msg=str(vals)):
                self.source.write(vals)
        with self.assertRaises(ValidationError):
            self.env["social.crm.source"].create(
                {"name": "feed", "network_id": self.rss.id, "kind": "feed",
                 "query": "file:///etc/passwd"})
        with self.assertRaises(ValidationError):
            self.env["social.crm.account"].create(
                {"name": "Brand", "network_id": self.mastodon.id,
                 "base_url": "javascript:alert(1)"})

    def test_relations_stay_inside_the_company(self):
        with self.assertRaises(UserError):
            self.post.write({"identity_id": self.other_identity.id})
        with self.assertRaises(UserError):
            self.env["social.crm.identity"].create(
                {"partner_id": self.other_partner.id, "network_id": self.mastodon.id,
                 "handle": "x@mastodon.example", "company_id": self.company.id})

    def test_user_may_only_review_match_suggestions(self):
        suggestion = self.env["social.crm.match.suggestion"].create(
            {"company_id": self.company.id, "network_id": self.x.id,
             "author_external_id": "77", "author_name": "Petra V", "partner_id": self.partner.id}
        )
        as_user = self.env(user=self.user)["social.crm.match.suggestion"].browse(suggestion.id)
        for vals in ({"partner_id": self.env.ref("base.partner_admin").id},
                     {"author_data": {"bio": "<img src=x>"}},
                     {"company_id": self.other_company.id}):
            with self.assertRaises(AccessError, msg=str(vals)):
                as_user.write(vals)
        as_user.action_reject()
        self.assertEqual(suggestion.state, "rejected")

    # --- hostile answers through a poll ---------------------------------------------------
    def test_poll_cleans_hostile_values_before_storing(self):
        hostile = status(
            901, created_at="9999-12-31T23:59:59.000Z", url="javascript:alert(1)",
            favourites_count=2**40, reblogs_count=-5, language="de\x00\ud800",
            content="<p>Paket\x00 kaputt \ud800</p>",
        )
        hostile["account"]["acct"] = "ev\x00il@evil.example"
        hostile["account"]["display_name"] = {"not": "a string"}
        hostile["account"]["url"] = "javascript:alert(document.cookie)"
        hostile["account"]["followers_count"] = "9" * 400
        long_id = status(902, acct="lena@mastodon.example")
        long_id["id"] = "9" * 9000
        self.net.add("GET", TAG_URL, json_body=[hostile, long_id])
        result = self.source._poll()
        self.assertFalse(self.source.last_error)
        self.assertEqual(result.created, 2)
        post = self.Post.search([("external_id", "=", "901")])
        self.assertEqual(post.text.strip(), "Paket kaputt")
        self.assertFalse(post.url)
        self.assertEqual((post.like_count, post.repost_count), ((2**31 - 1) // 4, 0))
        self.assertEqual(post.lang, "de")  # NUL and the lone surrogate removed
        # year 9999 read as "now" (the time of reading, not of storing: a day of slack)
        self.assertLess(post.posted_at, post.fetched_at + dt.timedelta(days=1))
        self.assertEqual(post.author_handle, "evil@evil.example")
        identity = post.identity_id
        self.assertFalse(identity.profile_url and identity.profile_url.startswith("javascript"))
        self.assertEqual(identity.followers_count, 0)
        long_post = self.Post.search([("external_id", "=like", "9999%")])
        self.assertLessEqual(len(long_post.external_id), 512)

    def test_poll_hostile_answers_end_with_a_typed_message(self):
        cases = [
            ({"body": "[" * 100_000 + "]" * 100_000}, "nested too deeply"),
            ({"status": 429, "json_body": {"error": "slow down"},
              "headers": {"X-RateLimit-Reset": "9" * 5000}}, "rate limited"),
            ({"json_body": [status(5)], "headers": {
                "Link": '<https://evil.example/api/v1/timelines/tag/acme?max_id=1>; rel="next"'}},
             "another host"),
        ]
        self.source.max_pages = 2
        for answer, expected in cases:
            self.net.routes.clear()
            self.net.add("GET", TAG_URL, **answer)
            with mute_logger("odoo.addons.social_crm.models.social_crm_source"):
                self.source._poll()
            self.assertIn(expected, self.source.last_error or "", answer.get("headers"))
            self.assertNotIn("Storing the posts failed", self.source.last_error)
            self.assertNotIn(TOKEN, self.source.last_error)
        # the token was never sent to the other host
        for prepared, _kwargs in self.net.requests:
            self.assertIn("mastodon.example", prepared.url)

    def test_facebook_errors_never_show_the_token(self):
        source = self.env["social.crm.source"].create(
            {"name": "Page", "network_id": self.env.ref("social_crm.network_facebook").id,
             "kind": "page", "account_id": "102030405060", "access_token": FB_TOKEN}
        )
        echo = {"error": {"message": f"Invalid OAuth access token {FB_TOKEN}.",
                          "type": f"OAuthException {FB_TOKEN}", "code": 100,
                          "fbtrace_id": "A1"}}
        for status_code, code in ((400, 100), (400, 190), (500, 2), (400, 4)):
            echo["error"]["code"] = code
            self.net.routes.clear()
            self.net.add("GET", FB_POSTS, status=status_code, json_body=echo)
            with self.assertLogs("odoo.addons.social_crm.models.social_crm_source",
                                 "WARNING") as logs:
                source._poll()
            self.assertTrue(source.last_error)
            self.assertNotIn(FB_TOKEN, source.last_error)
            self.assertNotIn(FB_TOKEN, json.dumps(logs.output))
