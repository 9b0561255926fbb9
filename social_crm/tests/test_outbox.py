# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
from unittest.mock import patch

import requests

from odoo import fields
from odoo.addons.social_crm.models.social_crm_outbox import _strip_secrets, backoff
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase


@tagged("post_install", "-at_install")
class TestOutbox(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Outbox = cls.env["social.crm.outbox"]
        cls.account = cls.env["social.crm.account"].create(
            {"name": "Acme on Mastodon", "network_id": cls.mastodon.id,
             "base_url": "https://mastodon.example", "access_token": "brand-token"}
        )
        result = cls.env["social.crm.post"]._ingest_posts(
            [cls.make_post(cls, "m-1", cls.make_author(cls, "7", "emily"), network="mastodon")]
        )
        cls.post = cls.env["social.crm.post"].browse(result.post_ids)

    def test_queue_triggers_the_sender_at_once(self):
        cron = self.env.ref("social_crm.ir_cron_social_crm_outbox")
        before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        item = self.Outbox._queue([{"action": "reply", "post_id": self.post.id, "text": "Hi"}])
        self.assertEqual(item.state, "queued")
        self.assertEqual(item.account_id, self.account, "the company's account of the network")
        self.assertEqual(item.company_id, self.post.company_id)
        self.assertEqual(len(item.idempotency_key), 32)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), before + 1
        )
        self.assertEqual(self.Outbox._credentials_for(self.post),
                         ({"access_token": "brand-token", "page_access_token": "brand-token"},
                          "https://mastodon.example"))

    def test_publishing_account_credentials_for_managers_only(self):
        self.assertEqual(self.account.with_user(self.user).read(["name"])[0]["name"],
                         "Acme on Mastodon")
        with self.assertRaises(AccessError):
            self.account.with_user(self.user).read(["access_token"])
        with self.assertRaises(AccessError):
            self.env["social.crm.account"].with_user(self.user).create(
                {"name": "Mine", "network_id": self.x.id})
        # another company's manager neither sees nor uses it
        self.assertFalse(self.env["social.crm.account"].with_user(self.other_user).search([]))
        other_post = self.post.sudo().copy({"external_id": "m-2", "identity_id": False,
                                            "company_id": self.other_company.id})
        self.assertEqual(self.Outbox._credentials_for(other_post), ({}, ""))
        self.assertIn("No credentials", self.Outbox._publish_problem(other_post))

    def test_outbox_rows_are_written_by_the_product_only(self):
        item = self.Outbox._queue([{"action": "hide", "post_id": self.post.id}])
        with self.assertRaises(AccessError):
            item.with_user(self.manager).write({"state": "sent"})
        with self.assertRaises(AccessError):
            self.Outbox.with_user(self.user).create(
                {"action": "reply", "post_id": self.post.id, "company_id": self.company.id})
        with self.assertRaises(AccessError):
            item.with_user(self.user).action_cancel()
        self.assertFalse(self.Outbox.with_user(self.other_user).search([("id", "=", item.id)]))
        item.with_user(self.manager).action_cancel()
        self.assertEqual(item.state, "cancelled")
        item.with_user(self.manager).action_retry()
        self.assertEqual(item.state, "queued")

    def test_what_cannot_be_queued_says_why(self):
        self.assertIn("does not allow hiding", self.Outbox._publish_problem(self.post, "hide"))
        # a public post takes no direct message ("not available yet" without the addon
        # social_crm_helpdesk_dm, which names the private chats it can answer)
        self.assertTrue(self.Outbox._publish_problem(self.post, "message"))
        self.assertFalse(self.Outbox._publish_problem(self.post, "reply"))

    def test_backoff_and_scrubbing(self):
        self.assertEqual(backoff(1), dt.timedelta(minutes=1))
        self.assertEqual(backoff(2), dt.timedelta(minutes=2))
        self.assertEqual(backoff(4), dt.timedelta(minutes=8))
        self.assertEqual(backoff(30), dt.timedelta(hours=6))
        self.assertEqual(_strip_secrets("bad token brand-token here", ["brand-token", ""]),
                         "bad token *** here")

    def test_a_stalled_instance_does_not_hold_the_replies_through_another(self):
        """Probe: a company answers on two Mastodon instances (two publishing accounts). One
        instance did not answer (a read time-out): the reply through the other instance,
        queued after, was deferred with it and not sent in the run, since the deferral was
        per network. Now per server (the item's ``endpoint``, the account's instance): the
        stalled instance's own next reply waits, the other instance's goes out."""
        fast = self.env["social.crm.account"].create(
            {"name": "Acme on the fast instance", "network_id": self.mastodon.id,
             "base_url": "https://fast.example/", "access_token": "fast-token"})
        author = self.make_author("8", "karl", network="mastodon")
        result = self.env["social.crm.post"]._ingest_posts(
            [self.make_post("m-2", author, network="mastodon"),
             self.make_post("m-3", author, network="mastodon")])
        second_post, third_post = self.env["social.crm.post"].browse(result.post_ids)
        first, second, third = self.Outbox._queue([
            {"action": "reply", "post_id": self.post.id, "text": "@emily We are on it."},
            {"action": "reply", "post_id": second_post.id, "text": "@karl We are on it."},
            {"action": "reply", "post_id": third_post.id, "text": "@karl Fixed.",
             "account_id": fast.id},
        ])
        self.assertEqual((first.endpoint, second.endpoint, third.endpoint),
                         ("https://mastodon.example", "https://mastodon.example",
                          "https://fast.example"))
        net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", net.handler))
        net.add("POST", "https://mastodon.example/api/v1/statuses",
                exc=requests.exceptions.ReadTimeout("timed out"))
        net.add("POST", "https://fast.example/api/v1/statuses", json_body={
            "id": "113600000000000001", "created_at": "2026-12-05T03:00:00.000Z",
            "visibility": "public", "language": "en", "spoiler_text": "",
            "uri": "https://fast.example/users/acme/statuses/113600000000000001",
            "url": "https://fast.example/@acme/113600000000000001",
            "content": "<p>@karl Fixed.</p>", "in_reply_to_id": "m-3",
            "account": {"id": "1", "username": "acme", "acct": "acme",
                        "url": "https://fast.example/@acme"},
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0})
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Outbox._cron_send()
        self.env.invalidate_all()
        slow_calls = [p for p, _kw in net.requests if "mastodon.example" in p.url]
        self.assertEqual(len(slow_calls), 1, "the stalled instance is asked once in the run")
        self.assertEqual((third.state, third.external_id), ("sent", "113600000000000001"),
                         "the other instance's reply does not wait behind the stalled one")
        self.assertEqual((second.state, second.attempts), ("queued", 0), "not attempted")
        self.assertGreater(second.next_attempt_at, fields.Datetime.now())
        self.assertIn("did not answer another request in time", second.error_message)
        self.assertIn("mastodon.example", second.error_message, "which server")
