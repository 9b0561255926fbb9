# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringExclusion(ScoringCase):
    def test_objection_removes_score_and_history(self):
        self.recompute()
        lead = self.env["crm.lead"].create(
            {"name": "Star deal", "partner_id": self.star.id, "company_id": self.score_company.id}
        )
        self.assertEqual(lead.social_score_tier, "top_influencer")
        self.assertTrue(self.history(self.star))
        self.star.with_user(self.manager).social_score_excluded = True
        self.assertFalse(self.star.social_score_tier)
        self.assertFalse(self.star.is_social_influencer)
        self.assertEqual(self.star.social_score, 0)
        self.assertFalse(self.history(self.star), "the history is deleted")
        self.assertFalse(lead.social_score_tier)
        self.assertIn("objected", str(self.star.social_score_explanation))
        # never scored again, neither by the run nor on demand
        counts = self.recompute()
        self.assertEqual(counts[self.score_company.id], 3)
        self.assertFalse(self.star.social_score_tier)
        self.assertFalse(self.history(self.star))
        with self.assertRaisesRegex(UserError, "excluded from social scoring"):
            self.star.with_user(self.user).action_social_score_recompute()
        # the others are ranked without the star
        self.assertEqual(self.fan.social_score_rank + self.pro.social_score_rank, 3)

    def test_exclusion_is_visible(self):
        self.star.social_score_excluded = True
        found = self.Partner.search([("social_score_excluded", "=", True)])
        self.assertIn(self.star, found)
        arch = self.Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('title="No Scoring"', arch)
        self.assertIn("Excluded from scoring", arch)
        search = self.Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn("filter_social_score_excluded", search)
        self.assertIn("filter_social_influencer", search)

    def test_lifting_the_exclusion(self):
        self.star.social_score_excluded = True
        self.recompute()
        self.star.social_score_excluded = False
        self.recompute()
        self.assertEqual(self.star.social_score_tier, "top_influencer")
        self.assertEqual(len(self.history(self.star)), 1)
