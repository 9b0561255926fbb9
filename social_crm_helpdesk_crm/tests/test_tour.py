# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSalespersonTour(HttpCase):
    """The salesperson's path in a browser, in English and German: the contact's score with
    its explanation, the lead with the influencer badge and the overdue-complaint warning."""

    def setUp(self):
        super().setUp()
        self.sophie = self.env.ref("social_crm.partner_demo_sophie")
        self.lead = self.env["crm.lead"].create(
            {
                "name": "Sophie Turner: spring campaign",
                "type": "opportunity",
                "partner_id": self.sophie.id,
                "user_id": self.env.ref("base.user_admin").id,
            }
        )
        self.env["helpdesk.ticket"].sudo().create(
            {
                "name": "Still waiting for the refund",
                "description": "Charged twice, no answer.",
                "partner_id": self.sophie.id,
                "social_response_deadline": fields.Datetime.now() - dt.timedelta(hours=1),
            }
        )
        self.env["res.partner"]._social_score_recompute()
        self.env.invalidate_all()
        self.assertEqual(self.sophie.social_score_tier, "top_influencer")
        self.assertGreaterEqual(self.lead.social_overdue_ticket_count, 1)

    def run_tours(self, lang):
        self.start_tour(
            f"/odoo/contacts/{self.sophie.id}",
            f"social_crm_salesperson_contact_tour_{lang}",
            login="admin",
        )
        self.start_tour(
            f"/odoo/crm/{self.lead.id}", f"social_crm_salesperson_lead_tour_{lang}", login="admin"
        )

    def test_salesperson_tour_english(self):
        self.env.ref("base.user_admin").lang = "en_US"
        self.run_tours("en")

    def test_salesperson_tour_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring", "social_crm_helpdesk", "social_crm_helpdesk_crm"],
            ["de_DE"],
            overwrite=True,
        )
        self.env.ref("base.user_admin").lang = "de_DE"
        self.run_tours("de")
