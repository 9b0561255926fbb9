# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo's headline case where ``scripts/run`` shows it: Markus Brandt's complaint arrives
through the replayed live stream (``critic_wave.jsonl``, as the stream listener plays it)
and takes its place in the Social Tickets list of the demo database, in the list's own
order."""

import threading

from odoo.addons.social_crm.connectors import streams
from odoo.addons.social_crm_helpdesk.tests.common import social_list_order
from odoo.tests import TransactionCase, tagged

HEADLINE_POST = "1871000000000000001"


@tagged("post_install", "-at_install")
class TestHeadlineDemo(TransactionCase):
    def play_live_stream(self):
        """The listener's reading of the demo's live stream (every post stamped as posted
        now), stored and processed as the listener and the processing job do."""
        source = self.env.ref("social_crm.source_demo_live_stream")
        spec = source._listener_spec()
        lines = sum(1 for line in open(spec["path"], encoding="utf-8") if line.strip())
        events, stop = [], threading.Event()

        def collect(event):
            events.append(event)
            if int(event.cursor) >= lines:
                stop.set()

        streams.ReplayStream(spec["path"], pace=0).run(stop, collect)
        self.assertEqual(len(events), lines)
        stored = self.env["social.crm.event"].browse(source._listener_store(events))
        stored._process()
        self.assertEqual(set(stored.mapped("state")), {"done"})

    def test_headline_ticket_in_the_social_tickets_order(self):
        """The headline ticket is the first row of the Social Tickets list: the demo team
        answered the demo's other top-priority complaints in the network's own app (recorded
        on their tickets, nothing sent from Odoo; the older top influencers' late), so no
        three-star ticket waits above it; every waiting ticket of a lower priority is below
        it, the demo's regular complaints overdue for hours included."""
        if not self.env["ir.module.module"].search_count(
            [("name", "=", "social_crm_helpdesk"), ("demo", "=", True)]
        ):
            self.skipTest("installed without demo data")
        self.play_live_stream()
        post = self.env["social.crm.post"].search([("external_id", "=", HEADLINE_POST)])
        ticket = post.ticket_id
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertTrue(ticket.user_id)
        self.assertNotEqual(ticket.user_id, self.env.ref("base.user_root"))
        self.assertTrue(ticket.social_waiting_deadline, "it waits for its answer")
        # the Social Tickets action: social tickets, open ones (its default filter)
        tickets = self.env["helpdesk.ticket"].search(
            [("social_network_id", "!=", False), ("closed", "=", False)],
            order=social_list_order(self.env),
        )
        self.assertEqual(tickets[0], ticket, "the first row of Social Tickets: "
                         + ", ".join(tickets[:6].mapped("name")))
        overdue_regular = tickets.filtered(
            lambda t: t.social_deadline_state == "overdue" and t.priority < "3"
        )
        self.assertTrue(overdue_regular, "the demo has regular complaints overdue for hours")
        # the other top-priority complaints of the demo: answered in the network's app, by
        # their owners, each after its complaint and not in the future; none by a reply that
        # was only recorded (those answer nobody)
        answered = tickets.filtered(lambda t: t.priority == "3") - ticket
        self.assertTrue(answered)
        for other in answered:
            self.assertFalse(other.social_waiting_deadline, other.name)
            self.assertEqual(other.social_first_reply_channel, "network_app_recorded",
                             other.name)
            self.assertGreaterEqual(other.social_first_reply_at, other.social_posted_at)
            self.assertTrue(other.message_ids.filtered(
                lambda m: "nothing was sent from Odoo" in (m.body or "")), other.name)
        # the older top influencers' were answered late (the demo's KPIs show both)
        lena = self.env.ref("social_crm.post_demo_lena_1").ticket_id
        sophie = self.env.ref("social_crm.post_demo_sophie_1").ticket_id
        self.assertEqual((lena.social_tier, sophie.social_tier),
                         ("top_influencer", "top_influencer"))
        self.assertFalse(lena.social_deadline_met or sophie.social_deadline_met)
