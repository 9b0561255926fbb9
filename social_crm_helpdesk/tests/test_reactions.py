# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestReactions(SocialHelpdeskCase):
    """The company's replies written in the network's own app, and calls, are reactions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["social.crm.account"].create(
            {"name": "ACME on Mastodon", "network_id": cls.mastodon.id, "handle": "@acme",
             "company_id": cls.company.id}
        )

    def test_own_post_on_x_is_the_first_reply(self):
        post = self.ingest(self.complaint("1990000000000000501", author=self.ina(),
                                          minutes_ago=10))
        ticket = post.ticket_id
        self.assertFalse(ticket.social_first_reply_at)
        # the X source's own account id (1440000000000000000) answers in the thread
        own_author = self.make_author("1440000000000000000", "acme_support", "ACME Support")
        answer = self.ingest(
            self.make_post("1990000000000000502", own_author,
                           text="@ina_influencer Sorry! We sent you a DM.",
                           conversation_external_id="1990000000000000501",
                           in_reply_to_external_id="1990000000000000501", minutes_ago=5)
        )
        self.assertEqual(answer.ticket_id, ticket, "shown in the ticket's history")
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        self.assertTrue(ticket.social_deadline_met)
        self.assertEqual(ticket.social_deadline_state, "met")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "network's own app" in (m.body or "")))

    def test_own_mastodon_account_by_handle(self):
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        post = self.ingest(
            self.complaint("555000000000009501", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please!",
                           minutes_ago=30),
            source=self.mastodon_source,
        )
        ticket = post.ticket_id
        own = self.make_author("1", "acme", "ACME", network="mastodon")
        self.ingest(
            self.make_post("555000000000009502", own, network="mastodon",
                           text="@emily@fosstodon.org We are on it.",
                           # as Mastodon says it: the status answered (no conversation id)
                           in_reply_to_external_id="555000000000009501", minutes_ago=2),
            source=self.mastodon_source,
        )
        self.assertEqual(ticket.social_first_reply_channel, "network_app")

    def test_own_post_opens_no_ticket(self):
        own = self.make_author("1440000000000000000", "acme_support", "ACME Support")
        post = self.ingest(
            self.make_post("1990000000000000503", own,
                           text="Störung: Router kaputt, keiner antwortet, Frechheit!", lang="de")
        )
        self.assertFalse(post.ticket_id)

    def test_completed_call_is_a_reaction(self):
        post = self.ingest(self.complaint("1990000000000000504", author=self.ina()))
        ticket = post.ticket_id
        activity = ticket.activity_schedule("mail.mail_activity_data_call", user_id=self.agent.id)
        activity.with_user(self.agent).action_feedback(feedback="Called, voucher promised")
        self.assertEqual(ticket.social_first_reply_channel, "phone")
        self.assertTrue(ticket.social_first_reply_at)

    def test_channel_not_writable_by_hand(self):
        post = self.ingest(self.complaint("1990000000000000505", author=self.ina()))
        with self.assertRaises(AccessError):
            post.ticket_id.with_user(self.agent).write({"social_first_reply_channel": "phone"})

    def test_first_reaction_only(self):
        post = self.ingest(self.complaint("1990000000000000506", author=self.ina()))
        ticket = post.ticket_id
        when = dt.datetime(2026, 1, 1, 12, 0)
        ticket._social_record_reaction(when, "phone")
        ticket._social_record_reaction(when + dt.timedelta(hours=1), "odoo")
        self.assertEqual(ticket.social_first_reply_at, when)
        self.assertEqual(ticket.social_first_reply_channel, "phone")
