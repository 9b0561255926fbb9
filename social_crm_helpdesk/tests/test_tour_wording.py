# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.social_crm.connectors.base import Author
from odoo.tests import tagged

from .common import SocialTourCase


@tagged("post_install", "-at_install")
class TestWordingTour(SocialTourCase):
    def test_wording_tour(self):
        env = self.env
        team = self.tour_team("Wording Tour Team")
        env["social.crm.reply.guideline"].create(
            {"team_id": team.id, "name": "Apologise once, do not argue in public"}
        )
        wording = env["social.crm.wording"].create(
            {
                "name": "Tour Entschuldigung",
                "lang": "de",
                "category": "apology",
                "team_ids": [(6, 0, team.ids)],
                "body": "{{ handle }} Hallo {{ first_name }}, das tut uns leid! "
                "Vorgang {{ ticket_ref }}. {{ agent_first_name }}",
            }
        )
        wording.action_approve()
        source = self.tour_source("Wording Tour X")
        partner = env["res.partner"].create({"name": "Tina Tour"})
        env["social.crm.identity"].create(
            {"partner_id": partner.id, "network_id": source.network_id.id, "external_id": "7008",
             "handle": "tina_tour"}
        )
        ticket = self.tour_ingest(
            [self.tour_post("1880000000000000301",
                            "@acme_support Router kaputt, keiner antwortet! Frechheit!",
                            Author(network="x", external_id="7008", handle="tina_tour",
                                   display_name="Tina Tour"))],
            source,
        ).ticket_id
        self.assertEqual(ticket.team_id, team)
        with self.fake_network():
            self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}",
                            "social_crm_helpdesk_wording_tour", login="admin")
        ticket.invalidate_recordset()
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertEqual(
            reply.text,
            f"@tina_tour Hallo Tina, das tut uns leid! Vorgang {ticket.number}. Mitchell",
        )

    def test_inbox_reply_tour(self):
        env = self.env
        self.env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        wording = env["social.crm.wording"].create(
            {
                "name": "Tour Öffnungszeiten",
                "lang": "de",
                "category": "question",
                "body": "{{ handle }} Hallo {{ first_name }}, wir haben von 9 bis 18 Uhr "
                "geöffnet. {{ agent_first_name }}",
            }
        )
        wording.action_approve()
        source = self.tour_source("Inbox Tour X")
        post = self.tour_ingest(
            [self.tour_post("1880000000000000401", "@acme_support Wann habt ihr morgen geöffnet?",
                            Author(network="x", external_id="7009", handle="otto_tour",
                                   display_name="Otto Tour"))],
            source,
        )
        self.assertFalse(post.ticket_id)
        with self.fake_network():
            self.start_tour(f"/odoo/social.crm.post/{post.id}",
                            "social_crm_helpdesk_inbox_reply_tour", login="admin")
        post.invalidate_recordset()
        reply = post.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertFalse(reply.ticket_id)
        self.assertFalse(post.ticket_id, "no ticket")
        self.assertEqual(
            reply.text, "@otto_tour Hallo Otto, wir haben von 9 bis 18 Uhr geöffnet. Mitchell"
        )
