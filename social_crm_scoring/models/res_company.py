# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..scoring import DEFAULT_MIN_POPULATION, DEFAULT_WEIGHTS, PARTS, ScoringSettings, Tier

WEIGHT_FIELDS = {part: f"social_score_weight_{part}" for part in PARTS}
SETTING_FIELDS = (
    *WEIGHT_FIELDS.values(),
    "social_score_window_days",
    "social_score_half_life_days",
    "social_score_top_threshold",
    "social_score_multiplier_threshold",
    "social_score_top_followers",
    "social_score_multiplier_followers",
    "social_score_min_population",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    social_score_weight_reach = fields.Float(
        string="Reach Weight", default=DEFAULT_WEIGHTS["reach"]
    )
    social_score_weight_engagement = fields.Float(
        string="Engagement Weight", default=DEFAULT_WEIGHTS["engagement"]
    )
    social_score_weight_mentions = fields.Float(
        string="News Mentions Weight", default=DEFAULT_WEIGHTS["mentions"]
    )
    social_score_weight_network = fields.Float(
        string="Network Position Weight", default=DEFAULT_WEIGHTS["network"]
    )
    social_score_weight_professional = fields.Float(
        string="Professional Weight", default=DEFAULT_WEIGHTS["professional"]
    )
    social_score_window_days = fields.Integer(
        string="Engagement Window (days)",
        default=90,
        help="Only posts of the last days count for the engagement (reactions per post).",
    )
    social_score_half_life_days = fields.Integer(
        string="Mention Half-Life (days)",
        default=30,
        help="A news mention counts half after this many days, a quarter after twice as many.",
    )
    social_score_top_threshold = fields.Float(
        string="Top Influencer From Score",
        default=90.0,
        help="Contacts with at least this score (0-100) are top influencers.",
    )
    social_score_multiplier_threshold = fields.Float(
        string="Multiplier From Score",
        default=70.0,
        help="Contacts with at least this score (0-100), below the top influencer threshold, "
        "are multipliers. Top influencers and multipliers count as influencers.",
    )
    social_score_top_followers = fields.Integer(
        string="Top Influencer From Followers",
        default=10000,
        help="Contacts with at least this many followers (all their identities together) are "
        "always top influencers, whatever their score among the company's contacts. 0: no "
        "floor.",
    )
    social_score_multiplier_followers = fields.Integer(
        string="Multiplier From Followers",
        default=1000,
        help="Contacts with at least this many followers are at least multipliers, whatever "
        "their score. 0: no floor.",
    )
    social_score_min_population = fields.Integer(
        string="Percentiles From Scored Contacts",
        default=DEFAULT_MIN_POPULATION,
        help="A score is the percentile among the company's scored contacts once there are at "
        "least this many. With fewer (a new company, the first days of listening), a lone or "
        "top contact would rank at 100 %: a score is then at most what the contact's followers "
        "give on a fixed scale, anchored at the tiers' follower floors (by default 1,000 "
        "followers = 70, 10,000 = 90, 100,000 = 100). 0: always percentiles.",
    )
    social_score_last_run = fields.Datetime(
        string="Social Scores Computed On", readonly=True, copy=False
    )

    def _social_score_check_settings(self):
        """Raise a ValidationError saying what is wrong with the scoring settings."""
        labels = self._social_score_part_labels()
        for company in self:
            for part, field_name in WEIGHT_FIELDS.items():
                if company[field_name] < 0:
                    raise ValidationError(
                        self.env._(
                            "The weight of “%(part)s” cannot be negative (%(company)s): use 0 "
                            "to leave the part out of the Social Customer Score.",
                            part=labels[part],
                            company=company.name,
                        )
                    )
            if not any(company[field_name] > 0 for field_name in WEIGHT_FIELDS.values()):
                raise ValidationError(
                    self.env._(
                        "At least one part of the Social Customer Score needs a weight above 0 "
                        "(%(company)s).",
                        company=company.name,
                    )
                )
            if company.social_score_window_days < 1:
                raise ValidationError(
                    self.env._(
                        "The engagement window must be at least 1 day (%(company)s).",
                        company=company.name,
                    )
                )
            if company.social_score_half_life_days < 1:
                raise ValidationError(
                    self.env._(
                        "The half-life of news mentions must be at least 1 day (%(company)s).",
                        company=company.name,
                    )
                )
            top = company.social_score_top_threshold
            multiplier = company.social_score_multiplier_threshold
            if not (0 < multiplier <= 100 and 0 < top <= 100):
                raise ValidationError(
                    self.env._(
                        "The tier thresholds must be scores above 0 and at most 100 (%(company)s).",
                        company=company.name,
                    )
                )
            if multiplier >= top:
                raise ValidationError(
                    self.env._(
                        "The top influencer threshold (%(top)s) must be higher than the "
                        "multiplier threshold (%(multiplier)s) (%(company)s).",
                        top=top,
                        multiplier=multiplier,
                        company=company.name,
                    )
                )

            if company.social_score_min_population < 0:
                raise ValidationError(
                    self.env._(
                        "The number of scored contacts from which scores are percentiles cannot "
                        "be negative; use 0 for always (%(company)s).",
                        company=company.name,
                    )
                )
            top_floor = company.social_score_top_followers
            multiplier_floor = company.social_score_multiplier_followers
            if top_floor < 0 or multiplier_floor < 0:
                raise ValidationError(
                    self.env._(
                        "Follower floors cannot be negative; use 0 for no floor (%(company)s).",
                        company=company.name,
                    )
                )
            if top_floor and multiplier_floor and multiplier_floor >= top_floor:
                raise ValidationError(
                    self.env._(
                        "The follower floor of top influencers (%(top)s) must be higher than "
                        "that of multipliers (%(multiplier)s) (%(company)s).",
                        top=top_floor,
                        multiplier=multiplier_floor,
                        company=company.name,
                    )
                )

    @api.constrains(*SETTING_FIELDS)
    def _check_social_score_settings(self):
        self._social_score_check_settings()

    def _social_score_part_labels(self):
        return {
            "reach": self.env._("Reach"),
            "engagement": self.env._("Engagement"),
            "mentions": self.env._("News mentions"),
            "network": self.env._("Network position"),
            "professional": self.env._("Professional weight"),
        }

    def _social_score_settings(self, now=None):
        """The :class:`ScoringSettings` of this company."""
        self.ensure_one()
        tier_labels = dict(
            self.env["res.partner"]._fields["social_score_tier"]._description_selection(self.env)
        )
        return ScoringSettings(
            weights={part: self[field_name] for part, field_name in WEIGHT_FIELDS.items()},
            window_days=self.social_score_window_days,
            half_life_days=self.social_score_half_life_days,
            tiers=(
                Tier(
                    "top_influencer",
                    self.social_score_top_threshold,
                    True,
                    tier_labels["top_influencer"],
                    max(self.social_score_top_followers, 0),
                ),
                Tier(
                    "multiplier",
                    self.social_score_multiplier_threshold,
                    True,
                    tier_labels["multiplier"],
                    max(self.social_score_multiplier_followers, 0),
                ),
                Tier("regular", 0.0, False, tier_labels["regular"]),
            ),
            min_population=max(self.social_score_min_population, 0),
            now=now,
        )
