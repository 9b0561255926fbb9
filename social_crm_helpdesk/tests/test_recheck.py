# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The re-check job of polling sources, on the helpdesk side: the customer who edits an old
complaint to add a card number, or deletes it, is seen while its ticket is open, however old
the post (Mastodon REST answers as documented, mocked at the HTTP boundary). The edit goes
through the edit path (redaction, note, priority), the deletion through the network delete
(the ticket loses the words); a fault changes nothing."""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors import mastodon
from odoo.tests import tagged

from .common import SocialHelpdeskCase
from .test_edits import CARD, GRUMBLE, HOST, mastodon_status

STATUS_ID = "113500000000000777"
STATUSES = "https://mastodon.example/api/v1/statuses"
LOGGER = "odoo.addons.social_crm.models.social_crm_post_recheck"


@tagged("post_install", "-at_install")
class TestRecheckTickets(SocialHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only this test's sources take part (the demo's are left alone)
        cls.env["social.crm.source"].search(
            [("id", "not in", (cls.mastodon_source | cls.x_source).ids)]
        ).write({"active": False})
        cls.company.social_recheck_days = 3

    def run_cron(self):
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.Post._cron_recheck_due()
        self.env.invalidate_all()

    def complaint_of_last_month(self):
        """A complaint polled weeks ago (``mastodon_status`` is dated 2026-11-21): older than
        the re-check period, re-checked only because its ticket is open."""
        post = self.ingest(mastodon.parse_status(mastodon_status(GRUMBLE), HOST),
                           source=self.mastodon_source)
        self.assertTrue(post.ticket_id)
        self.assertLess(post.posted_at, fields.Datetime.now() - dt.timedelta(days=3))
        return post

    def all_text(self, ticket):
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        return " ".join([ticket.name or "", str(ticket.description or ""),
                         *(str(m.body or "") for m in messages)])

    def test_edit_adding_a_card_number_is_redacted_and_noted(self):
        post = self.complaint_of_last_month()
        ticket = post.ticket_id
        self.assertNotEqual(ticket.priority, "3")
        self.net.add("GET", STATUSES, json_body=[
            mastodon_status(f"{GRUMBLE} Erstattet das auf meine Karte {CARD}!", 4)])
        self.run_cron()
        self.assertEqual(self.net.requests[0][0].url.split("?")[0], STATUSES)
        self.assertTrue(post.rechecked_at)
        self.assertIn("[card number removed, ends 1111]", post.text)
        self.assertTrue(post.has_sensitive_data)
        self.assertEqual(post.previous_text, GRUMBLE)
        self.assertEqual(post.ticket_id, ticket)
        self.assertEqual(ticket.priority, "3")
        note = ticket.message_ids.filtered(lambda m: "edited the post" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("[card number removed, ends 1111]", note.body)
        for needle in ("1111 1111 1111", "4111 1111"):
            self.assertFalse(self.Post.search([("text", "ilike", needle)]))
            self.assertNotIn(needle, str(post.sudo().raw_payload))
            self.assertFalse(self.env["mail.message"].search([("body", "ilike", needle)]))

    def test_deletion_scrubs_the_ticket(self):
        post = self.complaint_of_last_month()
        ticket = post.ticket_id
        self.assertIn("Router", self.all_text(ticket))
        self.net.add("GET", STATUSES, json_body=[])  # not among the statuses it can show
        self.net.add("GET", f"{STATUSES}/{STATUS_ID}", status=404,
                     json_body={"error": "Record not found"})
        # its author's account is there, not suspended, has not blocked the company's
        # account: the status was deleted
        self.net.add("GET", "https://mastodon.example/api/v1/accounts/lookup",
                     json_body={"id": "109", "username": "kim", "acct": "kim"})
        self.net.add("GET", "https://mastodon.example/api/v1/accounts/relationships",
                     json_body=[{"id": "109", "following": False, "followed_by": False,
                                 "blocking": False, "blocked_by": False,
                                 "domain_blocking": False}])
        self.run_cron()
        self.assertFalse(post.exists())
        self.assertTrue(ticket.exists())
        text = self.all_text(ticket)
        self.assertNotIn("Router", text)
        self.assertNotIn("Frechheit", text)
        self.assertIn("deleted the post on Mastodon", text)
        self.assertFalse(ticket.social_wait_deadline)

    def test_closed_ticket_old_post_is_not_rechecked(self):
        post = self.complaint_of_last_month()
        closed = self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        post.ticket_id.stage_id = closed
        self.run_cron()
        self.assertFalse(self.net.requests)
        self.assertFalse(post.rechecked_at)

    def test_server_error_and_malformed_answer_change_nothing(self):
        post = self.complaint_of_last_month()
        ticket = post.ticket_id
        before = (post.text, ticket.name, ticket.priority, len(ticket.message_ids))
        for status, body in ((503, {"error": "Service Unavailable"}), (200, {"statuses": []})):
            post.sudo().rechecked_at = False
            self.net.routes.clear()
            self.net.add("GET", STATUSES, status=status, json_body=body)
            with self.assertLogs(LOGGER, level="WARNING") as logs:
                self.run_cron()
            self.assertIn("nothing deleted", logs.output[0])
            self.assertTrue(post.exists())
            self.assertEqual(
                (post.text, ticket.name, ticket.priority, len(ticket.message_ids)), before)
            self.assertIn("Re-check of posts failed", self.mastodon_source.last_error)
