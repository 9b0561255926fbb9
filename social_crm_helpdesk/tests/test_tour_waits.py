# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The screens of the current wait and of network deletions, as a helpdesk agent sees them in
Chromium, in English and in German: a ticket reopened by a new complaint after the answer
says it waits again and shows its new deadline (form and list); a ticket whose post its author
deleted on the network shows the scrubbed title and the note, and offers no public reply.
The data comes through the product's path: ``_ingest_posts`` (the complaint, the company's
answer in the network's app, the new complaint), the agent closing the ticket, and the X
Account Activity ``tweet_delete_events`` delivery processed as an intake event."""

import datetime as dt

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors.base import Author
from odoo.tests import new_test_user, tagged

from .common import SocialTourCase

COMPANY_ACCOUNT = "1"  # the tour X source's account (SocialTourCase.X_KEYS): the company's posts
GRUMBLE = "@acme_support Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"


@tagged("post_install", "-at_install")
class TestWaitAndDeleteTours(SocialTourCase):
    def setUp(self):
        super().setUp()
        self.agent = new_test_user(
            self.env, login="tour_agent", name="Anke Agentin", tz="Europe/Berlin",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        self.team = self.tour_team("Tour Wait Team")
        self.team.user_ids = [(4, self.agent.id)]
        self.env.company.write({"social_influencer_response_minutes": 15,
                                "social_regular_response_minutes": 60,
                                "social_helpdesk_team_id": self.team.id})
        self.source = self.tour_source("Tour wait X")

    def language(self, code):
        """The agent reads the product in ``code``; the company writes its notes in it."""
        self.use_language(code)
        lang = "de_DE" if code == "de" else "en_US"
        self.agent.lang = lang
        self.env.company.partner_id.lang = lang

    def post(self, ext, author, text, minutes_ago, **kw):
        return self.tour_post(ext, text, author, minutes_ago=minutes_ago, **kw)

    def ingest(self, *posts):
        return self.tour_ingest(posts, self.source)

    # --- a ticket reopened by a new complaint after the answer -------------------------------
    def reopened_ticket(self):
        klara = Author(network="x", external_id="7401", handle="klara_k",
                       display_name="Klara Kundin", followers_count=50)
        acme = Author(network="x", external_id=COMPANY_ACCOUNT, handle="acme_support",
                      display_name="ACME Support")
        first = self.ingest(self.post("1884000000000000001", klara, GRUMBLE, 2 * 24 * 60,
                                      conversation_external_id="1884000000000000001"))
        ticket = first.ticket_id
        self.assertTrue(ticket)
        # answered in the network's app ten minutes later: the first wait is met
        self.ingest(self.post("1884000000000000002", acme,
                              "@klara_k Das tut uns leid, wir melden uns per DM.",
                              2 * 24 * 60 - 10,
                              conversation_external_id="1884000000000000001",
                              in_reply_to_external_id="1884000000000000001"))
        self.assertEqual(ticket.social_deadline_state, "met")
        ticket.with_user(self.agent).write(
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self.assertTrue(ticket.closed)
        first_deadline = ticket.social_response_deadline
        # two days later the customer complains again in the same conversation
        again = self.ingest(self.post(
            "1884000000000000003", klara, "@acme_support Schon wieder kaputt! Frechheit!", 2,
            conversation_external_id="1884000000000000001",
            in_reply_to_external_id="1884000000000000002"))
        self.assertEqual(again.ticket_id, ticket)
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.social_reopen_count, 1)
        self.assertEqual(ticket.social_wait_deadline,
                         again.posted_at + dt.timedelta(minutes=60))
        self.assertEqual(ticket.social_response_deadline, first_deadline)
        self.assertEqual(ticket.social_deadline_state, "pending")
        return ticket

    def reopened_tour(self, code):
        self.language(code)
        ticket = self.reopened_ticket()
        # the other social tickets (the demo's) are answered: the tour's waits first
        self.env["helpdesk.ticket"].search(
            [("social_network_id", "!=", False), ("id", "!=", ticket.id)]
        ).write({"social_first_reply_at": fields.Datetime.now()})
        self.start_tour("/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social",
                        f"social_crm_helpdesk_waits_again_{code}", login="tour_agent")

    def test_reopened_ticket_english(self):
        self.reopened_tour("en")

    def test_reopened_ticket_german(self):
        self.reopened_tour("de")

    # --- a ticket whose post its author deleted on the network -------------------------------
    def deleted_post_ticket(self):
        karl = Author(network="x", external_id="7402", handle="karl_k",
                      display_name="Karl Kunde", followers_count=80)
        post = self.ingest(self.post("1884000000000000101", karl, GRUMBLE, 5))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertTrue(ticket.social_can_reply)
        stamp = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        body = {"for_user_id": COMPANY_ACCOUNT, "tweet_delete_events": [
            {"status": {"id": "1884000000000000101", "user_id": "7402"},
             "timestamp_ms": str(int(stamp.timestamp() * 1000))}]}
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            self.source, connector_events.split_x_activity(body), "push"))
        events._process()
        self.assertEqual(events.mapped("state"), ["done"])
        self.env.invalidate_all()
        self.assertFalse(post.exists())
        self.assertFalse(ticket.social_wait_deadline)
        return ticket

    def deleted_tour(self, code):
        self.language(code)
        ticket = self.deleted_post_ticket()
        self.assertNotIn("Router", ticket.name)
        self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}",
                        f"social_crm_helpdesk_deleted_post_{code}", login="tour_agent")

    def test_deleted_post_ticket_english(self):
        self.deleted_tour("en")

    def test_deleted_post_ticket_german(self):
        self.deleted_tour("de")
