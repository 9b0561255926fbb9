# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A complaint by an employee of a key account is marked on the ticket: "works at …, key
account, account score …, expected revenue …"."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestKeyAccountTicket(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"social_key_account_min_score": 0, "social_key_account_min_revenue": 30000}
        )
        Partner = cls.env["res.partner"]
        cls.firm = Partner.create({"name": "Hanse Kurier GmbH", "is_company": True})
        cls.clerk = Partner.create({"name": "Ole Clerk", "parent_id": cls.firm.id})
        cls.private = Partner.create({"name": "Pia Private"})
        cls.network = cls.env.ref("social_crm.network_x")
        cls.Ticket = cls.env["helpdesk.ticket"]

    def make_ticket(self, partner):
        return self.Ticket.create(
            {
                "name": "Where is my delivery?",
                "description": "Three weeks late.",
                "partner_id": partner.id,
                "social_network_id": self.network.id,
            }
        )

    def test_ticket_of_a_key_account_employee(self):
        ticket = self.make_ticket(self.clerk)
        other = self.make_ticket(self.private)
        self.assertFalse(ticket.social_is_key_account)
        self.assertFalse(other.social_account_note)
        # the open opportunities of the company and its people reach the revenue threshold
        self.env["crm.lead"].create(
            [
                {
                    "name": "Courier bikes",
                    "type": "opportunity",
                    "partner_id": self.firm.id,
                    "expected_revenue": 25000,
                },
                {
                    "name": "Spare parts",
                    "type": "opportunity",
                    "partner_id": self.clerk.id,
                    "expected_revenue": 8000,
                },
            ]
        )
        self.env.invalidate_all()
        self.assertTrue(ticket.social_is_key_account)
        note = ticket.social_account_note
        self.assertTrue(note.startswith("Works at Hanse Kurier GmbH, key account"), note)
        self.assertIn("expected revenue", note)
        self.assertIn("33,000.00", note)
        self.assertFalse(other.social_is_key_account)
        found = self.Ticket.search([("social_is_key_account", "=", True)])
        self.assertIn(ticket, found)
        self.assertNotIn(other, found)

    def test_key_account_by_hand_and_lost_opportunity(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Courier bikes",
                "type": "opportunity",
                "partner_id": self.firm.id,
                "expected_revenue": 50000,
            }
        )
        ticket = self.make_ticket(self.clerk)
        self.assertTrue(ticket.social_is_key_account)
        lead.action_set_lost()
        self.env.invalidate_all()
        self.assertFalse(ticket.social_is_key_account)
        self.firm.social_key_account_manual = True
        self.env.invalidate_all()
        self.assertTrue(ticket.social_is_key_account)
        self.assertEqual(ticket.social_account_note, "Works at Hanse Kurier GmbH, key account")

    def test_demo_complaint_of_the_key_account(self):
        post = self.env.ref(
            "social_crm_helpdesk_scoring.post_demo_paul_key_account", raise_if_not_found=False
        )
        if not post:
            self.skipTest("no demo data")
        # the complaint reached its ticket the way every demo complaint does
        ticket = post.ticket_id
        self.assertEqual(ticket.social_post_id, post)
        self.assertEqual(ticket.partner_id, self.env.ref("social_crm_scoring.partner_demo_paul"))
        self.company.social_key_account_min_revenue = 0
        self.env["res.partner"]._social_score_recompute()
        self.env.invalidate_all()
        self.assertTrue(ticket.social_is_key_account)
        self.assertIn("Works at Nordwind Logistik GmbH, key account", ticket.social_account_note)
