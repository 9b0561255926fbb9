# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestLeadInfluencer(ScoringCase):
    def test_lead_fields_filter_and_group_by(self):
        Lead = self.env["crm.lead"]
        star_lead = Lead.create(
            {
                "name": "Star deal",
                "partner_id": self.star.id,
                "type": "opportunity",
                "company_id": self.score_company.id,
            }
        )
        fan_lead = Lead.create(
            {
                "name": "Fan deal",
                "partner_id": self.fan.id,
                "type": "opportunity",
                "company_id": self.score_company.id,
            }
        )
        ghost_lead = Lead.create(
            {"name": "Ghost deal", "partner_id": self.ghost.id, "company_id": self.score_company.id}
        )
        leads = star_lead | fan_lead | ghost_lead
        self.assertFalse(star_lead.social_score_tier)
        self.recompute()
        # written by SQL, read back from the database
        self.assertEqual(star_lead.social_score_tier, "top_influencer")
        self.assertTrue(star_lead.is_social_influencer)
        self.assertEqual(star_lead.social_score, 100)
        self.assertEqual(fan_lead.social_score_tier, "regular")
        self.assertFalse(ghost_lead.social_score_tier)
        self.assertEqual(
            Lead.search([("id", "in", leads.ids), ("is_social_influencer", "=", True)]), star_lead
        )
        groups = dict(
            Lead._read_group([("id", "in", leads.ids)], ["social_score_tier"], ["__count"])
        )
        self.assertEqual(groups, {"top_influencer": 1, "regular": 1, False: 1})
        # a new lead of a scored contact gets the tier at once (stored related field)
        new_lead = Lead.create(
            {"name": "Again", "partner_id": self.star.id, "company_id": self.score_company.id}
        )
        self.assertEqual(new_lead.social_score_tier, "top_influencer")
        # changing the customer updates the tier
        new_lead.partner_id = self.fan
        self.assertEqual(new_lead.social_score_tier, "regular")

    def test_lead_views(self):
        views = self.env["crm.lead"].get_views(
            [(False, "form"), (False, "kanban"), (False, "list"), (False, "search")]
        )["views"]
        self.assertIn("o_social_score_lead_badge", views["form"]["arch"])
        self.assertIn("o_social_score_lead_kanban", views["kanban"]["arch"])
        self.assertIn("social_score_tier", views["list"]["arch"])
        self.assertIn("filter_social_influencer", views["search"]["arch"])
        self.assertIn("groupby_social_score_tier", views["search"]["arch"])
