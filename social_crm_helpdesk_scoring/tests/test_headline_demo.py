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
        """The headline ticket goes above every waiting ticket of a lower priority, the
        demo's regular complaints overdue for hours included; only three-star tickets that
        wait with an earlier deadline (the demo's overdue top influencers, the complaints
        replayed before it) stay above it, in deadline order."""
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
        # the Social Tickets action: social tickets, open ones (its default filter)
        tickets = self.env["helpdesk.ticket"].search(
            [("social_network_id", "!=", False), ("closed", "=", False)],
            order=social_list_order(self.env),
        )
        position = list(tickets).index(ticket)
        above, below = tickets[:position], tickets[position + 1:]
        for other in above:
            self.assertEqual(other.priority, "3", other.name)
            self.assertTrue(other.social_waiting_deadline, other.name)
            self.assertLessEqual(other.social_waiting_deadline, ticket.social_waiting_deadline,
                                 other.name)
        overdue_regular = tickets.filtered(
            lambda t: t.social_deadline_state == "overdue" and t.priority < "3"
        )
        self.assertTrue(overdue_regular, "the demo has regular complaints overdue for hours")
        self.assertLessEqual(overdue_regular, below, "all of them below the headline ticket")
        lower = tickets.filtered(lambda t: t.social_waiting_deadline and t.priority < "3")
        self.assertLessEqual(lower, below)
