# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringSettings(ScoringCase):
    def test_defaults(self):
        settings = self.score_company._social_score_settings()
        self.assertEqual(settings.window_days, 90)
        self.assertEqual(settings.half_life_days, 30)
        self.assertAlmostEqual(sum(settings.normalised_weights.values()), 1.0)
        self.assertEqual(
            [tier.code for tier in settings.tiers], ["top_influencer", "multiplier", "regular"]
        )
        self.assertEqual(settings.tiers[0].label, "Top influencer")

    def assert_refused(self, vals, message):
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            self.score_company.write(vals)
            self.score_company.flush_recordset()
        self.env.invalidate_all(flush=False)

    def test_validation_messages(self):
        self.assert_refused({"social_score_weight_reach": -1}, "“Reach” cannot be negative")
        self.assert_refused(
            {
                f"social_score_weight_{part}": 0
                for part in ("reach", "engagement", "mentions", "network", "professional")
            },
            "At least one part .* needs a weight above 0",
        )
        self.assert_refused(
            {"social_score_window_days": 0}, "engagement window must be at least 1 day"
        )
        self.assert_refused({"social_score_half_life_days": -3}, "half-life of news mentions")
        self.assert_refused({"social_score_multiplier_threshold": 0}, "above 0 and at most 100")
        self.assert_refused({"social_score_top_threshold": 120}, "above 0 and at most 100")
        self.assert_refused(
            {"social_score_top_threshold": 60, "social_score_multiplier_threshold": 70},
            r"top influencer threshold \(60.0\) must be higher than the multiplier threshold",
        )

    def test_config_settings(self):
        settings = Form(self.env["res.config.settings"].with_company(self.score_company))
        settings.social_score_weight_reach = 50
        settings.social_score_window_days = 30
        settings.save().execute()
        self.assertEqual(self.score_company.social_score_weight_reach, 50)
        self.assertEqual(self.score_company.social_score_window_days, 30)
        settings = Form(self.env["res.config.settings"].with_company(self.score_company))
        settings.social_score_half_life_days = 0
        with self.assertRaisesRegex(ValidationError, "half-life"):
            settings.save().execute()

    def test_weights_change_the_ranking(self):
        # only the professional part counts: the LinkedIn/Xing contact leads
        self.score_company.write(
            {
                "social_score_weight_reach": 0,
                "social_score_weight_engagement": 0,
                "social_score_weight_mentions": 0,
                "social_score_weight_network": 0,
                "social_score_weight_professional": 1,
            }
        )
        self.recompute()
        self.assertEqual(self.pro.social_score, 100)
        self.assertEqual(self.pro.social_score_tier, "top_influencer")
        self.assertEqual(self.star.social_score, 0)
        self.assertFalse(self.star.is_social_influencer)
