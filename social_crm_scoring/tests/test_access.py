# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringAccess(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner._social_score_recompute(companies=cls.score_company)
        cls.row = cls.env["social.crm.score.history"].search([("partner_id", "=", cls.star.id)])

    def test_internal_users_see_scores_and_history(self):
        for user in (self.plain_user, self.user, self.manager):
            star = self.star.with_user(user)
            self.assertEqual(star.social_score, 100)
            self.assertEqual(star.social_score_tier, "top_influencer")
            self.assertIn("250,000", str(star.social_score_explanation))
            self.assertEqual(star.social_score_history_ids, self.row)
            self.assertEqual(self.row.with_user(user).score, 100)

    def test_only_managers_change_history(self):
        for user in (self.plain_user, self.user):
            with self.assertRaises(AccessError):
                self.row.with_user(user).write({"score": 1})
            with self.assertRaises(AccessError):
                self.row.with_user(user).unlink()
        # managers may delete rows (the contact is then unscored), not forge them
        with self.assertRaises(AccessError):
            self.row.with_user(self.manager).write({"score": 1})
        self.row.with_user(self.manager).unlink()

    def test_recompute_needs_social_crm_user(self):
        with self.assertRaisesRegex(AccessError, "Only Social CRM users"):
            self.star.with_user(self.plain_user).action_social_score_recompute()
        self.assertTrue(self.star.with_user(self.user).action_social_score_recompute())

    def test_portal(self):
        with self.assertRaises(AccessError):
            self.row.with_user(self.portal).read(["score"])
        portal_partner = self.portal.partner_id.with_user(self.portal)
        with self.assertRaises(AccessError):
            portal_partner.read(["social_score"])

    def test_other_company(self):
        History = self.env["social.crm.score.history"].with_user(self.other_user)
        self.assertFalse(History.search([("partner_id", "=", self.star.id)]))
        with self.assertRaises(AccessError):
            self.row.with_user(self.other_user).read(["score"])
