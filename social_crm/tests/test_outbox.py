# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.addons.social_crm.models.social_crm_outbox import _strip_secrets, backoff
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SocialCrmCase


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
