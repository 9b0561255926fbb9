# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestScoringTour(HttpCase):
    def test_lead_influencer_badge_tour(self):
        sophie = self.env.ref("social_crm.partner_demo_sophie")
        lead = self.env.ref("social_crm_scoring.lead_demo_sophie", raise_if_not_found=False)
        if not lead:
            lead = self.env["crm.lead"].create(
                {
                    "name": "Sophie Turner: brand ambassador programme",
                    "type": "opportunity",
                    "partner_id": sophie.id,
                    "user_id": self.env.ref("base.user_admin").id,
                }
            )
        self.env["res.partner"]._social_score_recompute()
        self.env.invalidate_all()
        self.assertTrue(sophie.is_social_influencer)
        self.assertTrue(lead.is_social_influencer)
        self.start_tour("/odoo/crm", "social_crm_scoring_lead_tour", login="admin")
