# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from unittest.mock import patch

from odoo.addons.social_crm.connectors.base import Author
from odoo.addons.social_crm.tests.common import FakeNetwork
from odoo.tests import HttpCase, tagged

from .common import SocialTourCase


@tagged("post_install", "-at_install")
class TestAgentTour(SocialTourCase):
    def test_agent_tour(self):
        env = self.env
        team = self.tour_team("Tour Social Team")
        source = self.tour_source("Tour X")
        self.tour_influencer("Tina Tour", "7007", "tina_tour")
        ticket = self.tour_ingest(
            [self.tour_post(
                "1880000000000000001",
                "@acme_support Router kaputt, keiner antwortet! Meine IBAN: "
                "DE89 3704 0044 0532 0130 00 – Geld zurück, sofort!",
                Author(network="x", external_id="7007", handle="tina_tour",
                       display_name="Tina Tour"),
                url=None,
            )],
            source,
        ).ticket_id
        self.assertEqual(ticket.team_id, team)
        net = FakeNetwork()
        net.add("POST", "https://api.twitter.com/2/tweets", status=201,
                json_body={"data": {"id": "1880000000000000999", "text": "Sorry"}})
        with self.fake_network(net):
            self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}", "social_crm_helpdesk_tour",
                            login="admin")
            ticket.invalidate_recordset()
            self.assertEqual(ticket.social_reply_ids.state, "queued")
            self.assertFalse(net.requests, "nothing is published in the agent's transaction")
            with patch.object(type(env["ir.cron"]), "_commit_progress",
                              lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
                env["social.crm.outbox"]._cron_send()
        env.invalidate_all()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "We are on it and sent you a DM." in (m.body or "")))
        self.assertEqual(
            json.loads(net.requests[-1][0].body)["reply"]["in_reply_to_tweet_id"],
            "1880000000000000001",
        )
        self.start_tour("/odoo/social-helpdesk-analysis", "social_crm_helpdesk_report_tour",
                        login="admin")


@tagged("post_install", "-at_install")
class TestAlertTour(HttpCase):
    def demo_ticket(self):
        post = self.env["social.crm.post"].search(
            [("external_id", "=", "1862000000000000500")], limit=1
        )
        if not post:
            self.skipTest("the demo data is not installed")
        return post.ticket_id

    def test_demo_critic_case(self):
        """The demo database shows the headline case: the unknown critic's complaint is a
        top-priority ticket, assigned (never to OdooBot), announced in Discuss, with the wave
        of replies in it; every demo complaint has a ticket."""
        ticket = self.demo_ticket()
        self.assertTrue(ticket)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertTrue(ticket.partner_id.social_score_history_ids.filtered("is_current"))
        self.assertTrue(ticket.user_id)
        self.assertNotEqual(ticket.user_id, self.env.ref("base.user_root"))
        # the critic and ten customers replying (enough for the demo's pile-on incident)
        self.assertEqual(ticket.social_post_count, 11)
        self.assertEqual(ticket.social_reach, 10000 + 120 + 340 + 2100 + 85
                         + 210 + 480 + 95 + 1300 + 60 + 180)
        self.assertTrue(ticket.social_alerted_at)
        channel = ticket.team_id.social_alert_channel_id
        self.assertTrue(channel)
        self.assertIn(
            f'data-oe-id="{ticket.id}"', " ".join(channel.message_ids.mapped("body"))
        )
        waiting = self.env["social.crm.post"].search(
            [("complaint_label", "=", "complaint"), ("ticket_id", "=", False)]
        )
        self.assertFalse(waiting, "every demo complaint has a ticket")
        odoobot = self.env.ref("base.user_root")
        self.assertFalse(
            self.env["helpdesk.ticket"].search(
                [("social_network_id", "!=", False), ("user_id", "=", odoobot.id)]
            )
        )

    def test_alert_tour(self):
        ticket = self.demo_ticket()
        channel = ticket.team_id.social_alert_channel_id
        self.start_tour(
            f"/odoo/discuss?active_id=discuss.channel_{channel.id}",
            "social_crm_helpdesk_alert_tour",
            login="admin",
        )
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.env["social.crm.outbox"]._cron_send()
        self.env.invalidate_all()
        reply = ticket.social_reply_ids
        self.assertIn("Ein Techniker meldet sich heute noch", reply.text)
        self.assertEqual(reply.state, "demo")
        # recorded, not sent: it answers nobody (the demo's own answer, if any, was given in
        # the network's app)
        self.assertNotEqual(ticket.social_first_reply_channel, "odoo")
