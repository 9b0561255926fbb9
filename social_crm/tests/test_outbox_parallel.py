# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import fields
from odoo.addons.social_crm.models import social_crm_outbox as outbox_model
from odoo.tests import tagged
from odoo.tests.common import _super_send

from .common import SocialCrmCase
from .loopback_servers import HoldServer, StatusServer


@tagged("post_install", "-at_install")
class TestOutboxParallel(SocialCrmCase):
    """The sender's writes to different servers do not wait for each other (real sockets,
    two loopback Mastodon instances)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Outbox = cls.env["social.crm.outbox"]
        Account = cls.env["social.crm.account"]
        cls.stalled_account = Account.create(
            {"name": "Acme on the stalled instance", "network_id": cls.mastodon.id,
             "base_url": "https://stalled.example", "access_token": "stalled-token"})
        cls.healthy_account = Account.create(
            {"name": "Acme on the healthy instance", "network_id": cls.mastodon.id,
             "base_url": "https://healthy.example", "access_token": "healthy-token"})
        author = cls.make_author(cls, "8", "karl", network="mastodon")
        result = cls.env["social.crm.post"]._ingest_posts(
            [cls.make_post(cls, f"m-{n}", author, network="mastodon") for n in range(1, 5)])
        cls.posts = cls.env["social.crm.post"].browse(result.post_ids)

    def route(self, servers):
        """Requests to ``https://<name>.example`` go to the loopback server of that name."""

        def handler(session, prepared, /, **kwargs):
            parts = urlsplit(prepared.url)
            prepared.url = servers[parts.hostname].url + parts.path
            return _super_send(session, prepared, **kwargs)

        return patch.object(type(self), "_request_handler", handler)

    def run_sender(self):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Outbox._cron_send()
        self.env.invalidate_all()

    def test_a_healthy_instance_s_replies_do_not_wait_for_a_stalled_one_s_deadline(self):
        """Probe: a company answers through two Mastodon instances; one accepts the
        connection and never answers. The sender sent one write after the other, so the
        replies through the healthy instance, queued after, went out only when the stalled
        one's write deadline (30 s) had cut it. Now each server has its own worker: the
        healthy instance is asked (and its answer recorded) while the stalled one still holds
        its request; the stalled instance's next reply waits for its next attempt, unasked."""
        first, second, third, fourth = self.Outbox._queue([
            {"action": "reply", "post_id": self.posts[0].id, "text": "@karl One.",
             "account_id": self.stalled_account.id},
            {"action": "reply", "post_id": self.posts[1].id, "text": "@karl Two.",
             "account_id": self.stalled_account.id},
            {"action": "reply", "post_id": self.posts[2].id, "text": "@karl Three.",
             "account_id": self.healthy_account.id},
            {"action": "reply", "post_id": self.posts[3].id, "text": "@karl Four.",
             "account_id": self.healthy_account.id},
        ])
        with HoldServer() as stalled, \
                StatusServer(on_request=lambda: stalled.waiting()) as healthy, \
                self.route({"stalled.example": stalled, "healthy.example": healthy}), \
                patch.object(outbox_model, "WRITE_DEADLINE", 3):
            self.run_sender()
            self.assertEqual(stalled.requests, 1, "the stalled instance is asked once")
            self.assertFalse(stalled.waiting(), "its write was cut at the deadline")
        self.assertEqual(
            [(json.loads(body)["status"], stalled_held) for body, stalled_held in healthy.calls],
            [("@karl Three.", True), ("@karl Four.", True)],
            "the healthy instance's replies, in their order, while the stalled one still held "
            "the first reply's request")
        self.assertEqual((third.state, third.external_id), ("sent", "113600000000000001"))
        self.assertEqual((fourth.state, fourth.external_id), ("sent", "113600000000000002"))
        self.assertTrue(third.sent_at and fourth.sent_at)
        # the stalled instance: its write was cut (Mastodon deduplicates by Idempotency-Key:
        # retried), its next reply waits for that retry, unasked and not counted
        self.assertEqual((first.state, first.attempts), ("queued", 1))
        self.assertIn("did not finish within 3s", first.error_message)
        self.assertEqual((second.state, second.attempts), ("queued", 0))
        self.assertEqual(second.next_attempt_at, first.next_attempt_at)
        self.assertIn("did not answer another request in time", second.error_message)
        self.assertIn("stalled.example", second.error_message)

    def test_after_its_budget_a_run_claims_no_more_but_records_the_writes_under_way(self):
        """A run claims items for SEND_BUDGET seconds; the writes under way then (one per
        server) end by their deadline and are recorded, the rest goes to a fresh run."""
        first, second, third, fourth = self.Outbox._queue([
            {"action": "reply", "post_id": post.id, "text": f"@karl {n}.", "account_id": account.id}
            for n, (post, account) in enumerate(zip(self.posts, [
                self.stalled_account, self.stalled_account, self.healthy_account,
                self.healthy_account], strict=True))
        ])
        cron = self.env.ref("social_crm.ir_cron_social_crm_outbox")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        with HoldServer() as stalled, StatusServer(delay=1) as healthy, \
                self.route({"stalled.example": stalled, "healthy.example": healthy}), \
                patch.object(outbox_model, "WRITE_DEADLINE", 2), \
                patch.object(outbox_model, "SEND_BUDGET", 0.5):
            self.run_sender()
        self.assertEqual((stalled.requests, len(healthy.calls)), (1, 1))
        self.assertEqual(third.state, "sent", "under way when the budget passed: recorded")
        self.assertIn("did not finish within 2s", first.error_message)
        self.assertEqual((second.state, second.attempts), ("queued", 0))
        self.assertEqual((fourth.state, fourth.attempts, fourth.error_message),
                         ("queued", 0, False), "not claimed after the budget")
        fresh = Trigger.search([("cron_id", "=", cron.id), ("id", "not in", before.ids)])
        self.assertTrue(fresh.filtered(lambda t: t.call_at <= fields.Datetime.now()),
                        "a fresh run at once")
