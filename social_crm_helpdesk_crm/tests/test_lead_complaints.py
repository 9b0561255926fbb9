# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLeadComplaints(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="lc_sales", name="Sam Sales", groups="sales_team.group_sale_salesman"
        )
        cls.company = cls.env["res.partner"].create(
            {"name": "Acme Kunden GmbH", "is_company": True}
        )
        cls.person = cls.env["res.partner"].create(
            {"name": "Clara Kunde", "parent_id": cls.company.id}
        )
        cls.calm = cls.env["res.partner"].create({"name": "Rudi Ruhig"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Fleet deal",
                "partner_id": cls.company.id,
                "type": "opportunity",
                "user_id": cls.salesperson.id,
            }
        )
        cls.calm_lead = cls.env["crm.lead"].create(
            {
                "name": "Small deal",
                "partner_id": cls.calm.id,
                "type": "opportunity",
                "user_id": cls.salesperson.id,
            }
        )
        now = fields.Datetime.now()
        Ticket = cls.env["helpdesk.ticket"].sudo()
        cls.open_ticket = Ticket.create(
            {"name": "Router broken", "description": "x", "partner_id": cls.person.id}
        )
        cls.overdue_ticket = Ticket.create(
            {
                "name": "Still no answer",
                "description": "x",
                "partner_id": cls.person.id,
                "social_response_deadline": now - dt.timedelta(hours=2),
            }
        )
        closed = cls.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        Ticket.create(
            {
                "name": "Done",
                "description": "x",
                "partner_id": cls.calm.id,
                "stage_id": closed.id,
                "social_response_deadline": now - dt.timedelta(hours=2),
            }
        )

    def test_counts_seen_by_a_salesperson_without_helpdesk_rights(self):
        lead = self.lead.with_user(self.salesperson)
        self.assertEqual(lead.social_open_ticket_count, 2, "the company's contacts count")
        self.assertEqual(lead.social_overdue_ticket_count, 1)
        calm = self.calm_lead.with_user(self.salesperson)
        self.assertEqual(calm.social_open_ticket_count, 0, "closed tickets do not count")
        self.assertEqual(calm.social_overdue_ticket_count, 0)

    def test_filters(self):
        Lead = self.env["crm.lead"].with_user(self.salesperson)
        leads = self.lead | self.calm_lead
        overdue = Lead.search([("id", "in", leads.ids), ("social_overdue_ticket_count", ">", 0)])
        self.assertEqual(overdue, self.lead)
        none = Lead.search([("id", "in", leads.ids), ("social_open_ticket_count", "=", 0)])
        self.assertEqual(none, self.calm_lead)

    def test_answered_ticket_is_no_longer_overdue(self):
        self.overdue_ticket.sudo().social_first_reply_at = fields.Datetime.now()
        self.lead.invalidate_recordset()
        self.assertEqual(self.lead.social_overdue_ticket_count, 0)
        self.assertEqual(self.lead.social_open_ticket_count, 2)

    def test_link_to_the_tickets(self):
        action = self.lead.action_view_social_tickets()
        tickets = self.env["helpdesk.ticket"].search(action["domain"])
        self.assertEqual(tickets, self.open_ticket | self.overdue_ticket)
        self.assertIn("Acme Kunden GmbH", action["display_name"])


@tagged("post_install", "-at_install")
class TestLeadComplaintsDemo(TransactionCase):
    def test_demo_leads_tell_the_demo_tickets(self):
        """The demo's leads say what the demo's tickets are: James Carter's complaint of
        yesterday waits past its deadline (red warning), Sophie Turner's and Lena Hoffmann's
        were answered (late) in the network's app and stay open (an open complaint, no
        overdue warning)."""
        james = self.env.ref("social_crm_scoring.lead_demo_james", raise_if_not_found=False)
        if not james or not self.env["ir.module.module"].search_count(
            [("name", "=", "social_crm_helpdesk"), ("demo", "=", True)]
        ):
            self.skipTest("installed without the demo data of the helpdesk and the scoring")
        self.assertGreaterEqual(james.social_overdue_ticket_count, 1)
        for xmlid in ("social_crm_scoring.lead_demo_sophie", "social_crm_scoring.lead_demo_lena"):
            lead = self.env.ref(xmlid)
            self.assertGreaterEqual(lead.social_open_ticket_count, 1, lead.name)
            self.assertEqual(lead.social_overdue_ticket_count, 0, lead.name)
