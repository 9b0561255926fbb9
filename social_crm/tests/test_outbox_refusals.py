# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A network refuses a reply (Mastodon HTTP 422 ``{"error": "Validation failed: ..."}``,
Bluesky HTTP 400 ``InvalidRequest``, a Graph API error): the outbox says why and what to do in
the language of the user who queued it, the network's own words after it."""

import datetime as dt
from unittest.mock import patch

from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase

STATUSES = "https://mastodon.example/api/v1/statuses"
LIMIT = "Validation failed: Text character limit of 500 exceeded"


@tagged("post_install", "-at_install")
class TestOutboxRefusals(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Outbox = cls.env["social.crm.outbox"]
        cls.env["social.crm.account"].create(
            {"name": "Acme on Mastodon", "network_id": cls.mastodon.id,
             "base_url": "https://mastodon.example", "access_token": "brand-token"})
        cls.env["social.crm.account"].create(
            {"name": "Acme on Facebook", "network_id": cls.env.ref(
                "social_crm.network_facebook").id, "access_token": "page-token"})
        Post = cls.env["social.crm.post"]
        cls.post = Post.browse(Post._ingest_posts([cls.make_post(
            cls, "113400000000000001", cls.make_author(cls, "7", "emily", network="mastodon"),
            network="mastodon")]).post_ids)
        cls.fb_post = Post.browse(Post._ingest_posts([cls.make_post(
            cls, "1234567890_987654321", cls.make_author(cls, "55", None, "Emily F",
                                                        network="facebook"),
            network="facebook")]).post_ids)
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"],
                                                        overwrite=True)

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def send(self, post, lang="en_US", text="@emily Wir kümmern uns darum."):
        """Queue a reply by a user reading ``lang``; the sender's run delivers it."""
        self.env.user.lang = lang
        item = self.Outbox._queue([{"action": "reply", "post_id": post.id, "text": text}])
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Outbox._cron_send()
        self.env.invalidate_all()
        return item

    def test_mastodon_s_character_limit_says_what_to_do(self):
        self.net.add("POST", STATUSES, status=422, json_body={"error": LIMIT})
        item = self.send(self.post, text="x" * 600)
        self.assertEqual((item.state, item.failure), ("failed", "refused"))
        self.assertEqual(item.error_message, (
            "Mastodon refused the text: it is longer than Mastodon allows. Nothing was "
            "published: shorten it and send it again from the ticket (Reply on the Network); "
            f"Retry would send the same text. Mastodon says: “{LIMIT}”"))

    def test_mastodon_s_refusal_in_german(self):
        self.net.add("POST", STATUSES, status=422, json_body={"error": LIMIT})
        item = self.send(self.post, lang="de_DE", text="x" * 600)
        self.assertEqual(item.failure, "refused")
        self.assertTrue(item.error_message.startswith(
            "Mastodon hat den Text abgelehnt: Er ist länger, als Mastodon erlaubt."),
            item.error_message)
        self.assertTrue(item.error_message.endswith(f"Mastodon sagt: „{LIMIT}“"),
                        item.error_message)

    def test_a_reply_to_a_deleted_status_and_a_rate_limit(self):
        self.net.add("POST", STATUSES, status=404, json_body={
            "error": "The post you are trying to reply to does not appear to exist."})
        item = self.send(self.post, lang="de_DE")
        self.assertEqual(item.failure, "refused")
        self.assertIn("nicht mehr auf Mastodon", item.error_message)
        self.assertIn("does not appear to exist", item.error_message)
        # Mastodon's posting limit (HTTP 429): sent again when it allows
        self.net.routes.clear()
        reset = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
        self.net.add("POST", STATUSES, status=429, json_body={"error": "Too many requests"},
                     headers={"X-RateLimit-Reset": reset})
        item = self.send(self.post, lang="de_DE", text="@emily Noch einmal.")
        self.assertEqual(item.state, "queued")
        self.assertTrue(item.error_message.startswith(
            "Mastodon begrenzt, wie viele Beiträge das Konto"), item.error_message)
        self.assertIn("Too many requests", item.error_message)

    def test_facebook_refusing_a_comment_as_abusive(self):
        words = ("The action attempted has been deemed abusive or is otherwise disallowed")
        self.net.add("POST", "https://graph.facebook.com/v23.0/1234567890_987654321/comments",
                     status=400, json_body={"error": {
                         "message": words, "type": "OAuthException", "code": 368,
                         "error_subcode": 1390008, "fbtrace_id": "AbCdEfGh"}})
        item = self.send(self.fb_post)
        self.assertEqual(item.failure, "refused")
        self.assertTrue(item.error_message.startswith(
            "Facebook refused it as spam or abuse"), item.error_message)
        self.assertTrue(item.error_message.endswith(f"Facebook says: “{words}”"))
