# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer sees of their own social ticket in the portal: the ticket, never the internal
profiling (tier, influencer flag, deadline, reach, complaint probability)."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalRendering(HttpCase):
    def test_portal_page_shows_no_internal_profiling(self):
        ticket = self.env["helpdesk.ticket"].search(
            [("social_tier", "=", "top_influencer"), ("partner_id", "!=", False)], limit=1
        )
        self.assertTrue(ticket, "the demo has a top influencer's social ticket")
        partner = ticket.partner_id
        new_test_user(
            self.env, login="sc_portal_customer", groups="base.group_portal",
            partner_id=partner.id, password="sc_portal_customer",
        )
        # what an agent sees on the ticket, which the customer must not
        internal = [
            "Top influencer", "Top-Influencer", "Influencer", "Multiplier", "Respond By",
            "Antworten bis", "Reach", "Reichweite", "complaint with", "Beschwerde mit",
            "Escalat", "Eskal",
        ]
        self.authenticate("sc_portal_customer", "sc_portal_customer")
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(ticket.name, page)  # the customer sees their ticket
        for text in internal:
            self.assertNotIn(text, page, f"the portal page shows {text!r}")
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        for text in internal:
            self.assertNotIn(text, listing.text, f"the portal list shows {text!r}")
