"""Per-company scoring settings: part weights, time windows, tier thresholds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

#: The parts of the Social Customer Score, in display order.
PARTS = ("reach", "engagement", "mentions", "network", "professional")

DEFAULT_WEIGHTS = {
    "reach": 30.0,
    "engagement": 25.0,
    "mentions": 20.0,
    "network": 15.0,
    "professional": 10.0,
}


@dataclass(frozen=True)
class Tier:
    """A tier reached by contacts whose score is at least ``min_score`` (0-100), or whose
    followers (all identities) reach ``min_followers`` (an absolute floor; 0 = none): a
    loud stranger is never "regular" because the company has few scored contacts."""

    code: str
    min_score: float
    is_influencer: bool = False
    label: str = ""
    min_followers: float = 0.0


#: below this many scored contacts in a company, a percentile says little (a lone contact
#: ranks at 100 %): scores are then capped by the absolute scale of the followers (see
#: :attr:`ScoringSettings.absolute_anchors`); from it on, scores are plain percentiles
DEFAULT_MIN_POPULATION = 30

#: followers at which the absolute scale reaches the threshold of the highest scored tier when
#: that tier has no follower floor (each lower tier without one: a tenth of the tier above)
DEFAULT_ANCHOR_FOLLOWERS = 10000.0

DEFAULT_TIERS = (
    Tier("top_influencer", 90.0, True, "Top influencer"),
    Tier("multiplier", 70.0, True, "Multiplier"),
    Tier("regular", 0.0, False, "Regular"),
)


def _finite_number(value, what):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    number = float(value) if is_number else math.nan
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {value!r}.")
    return number


@dataclass(frozen=True)
class ScoringSettings:
    """Settings of one company.

    ``weights`` maps part name (see :data:`PARTS`) to a weight >= 0; missing parts weigh 0.
    Weights are relative: they are divided by their sum, so ``{"reach": 3, "mentions": 1}``
    means 75 % / 25 %. ``tiers`` are checked from the highest ``min_score`` down; the lowest
    tier must start at 0 so every contact gets one. ``now`` is the reference time of the
    engagement window and of the mention decay (naive datetimes are taken as UTC, as Odoo
    stores them); ``None`` means "now" when a helper needs it.
    """

    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    window_days: float = 90.0
    half_life_days: float = 30.0
    tiers: tuple = DEFAULT_TIERS
    now: datetime | None = None
    #: pseudo-posts with no reaction added to every contact's engagement average, so that a
    #: single lucky post does not outrank a steady record (0 = plain average).
    engagement_prior_posts: float = 2.0
    #: in each part, the quantile of the contacts with a non-zero value that maps to this
    #: share of 100 points (0.99: the top-1 % level is 99/100, the highest value 100/100).
    reference_quantile: float = 0.99
    #: PageRank damping factor.
    damping: float = 0.85
    #: with fewer scored contacts than this, a score is at most what the contact's followers
    #: give on the absolute scale (0 or 1: always plain percentiles).
    min_population: int = DEFAULT_MIN_POPULATION

    def __post_init__(self):
        object.__setattr__(self, "weights", self._check_weights(self.weights))
        object.__setattr__(self, "tiers", self._check_tiers(self.tiers))
        for name in ("window_days", "half_life_days"):
            value = _finite_number(getattr(self, name), name)
            if value <= 0:
                raise ValueError(f"{name} must be greater than 0, got {value:g}.")
            object.__setattr__(self, name, value)
        prior = _finite_number(self.engagement_prior_posts, "engagement_prior_posts")
        if prior < 0:
            raise ValueError(f"engagement_prior_posts cannot be negative, got {prior:g}.")
        object.__setattr__(self, "engagement_prior_posts", prior)
        quantile = _finite_number(self.reference_quantile, "reference_quantile")
        if not 0.5 <= quantile <= 1.0:
            raise ValueError(f"reference_quantile must be between 0.5 and 1, got {quantile:g}.")
        object.__setattr__(self, "reference_quantile", quantile)
        damping = _finite_number(self.damping, "damping")
        if not 0.0 <= damping < 1.0:
            raise ValueError(f"damping must be at least 0 and below 1, got {damping:g}.")
        object.__setattr__(self, "damping", damping)
        minimum = _finite_number(self.min_population, "min_population")
        if minimum < 0 or minimum != int(minimum):
            raise ValueError(f"min_population must be a whole number >= 0, got {minimum:g}.")
        object.__setattr__(self, "min_population", int(minimum))
        if self.now is not None and not isinstance(self.now, datetime):
            raise ValueError(f"now must be a datetime or None, got {self.now!r}.")

    @staticmethod
    def _check_weights(weights):
        if weights is None or not hasattr(weights, "items"):
            raise ValueError("weights must be a mapping of part name to weight.")
        unknown = sorted(set(weights) - set(PARTS))
        if unknown:
            raise ValueError(
                f"Unknown scoring part(s) {', '.join(map(repr, unknown))}; "
                f"expected some of {', '.join(PARTS)}."
            )
        checked = {}
        for part in PARTS:
            value = _finite_number(weights.get(part, 0.0), f"The weight of {part!r}")
            if value < 0:
                raise ValueError(f"The weight of {part!r} cannot be negative, got {value:g}.")
            checked[part] = value
        if sum(checked.values()) <= 0:
            raise ValueError(
                "The scoring weights sum to 0: give at least one part "
                f"({', '.join(PARTS)}) a positive weight."
            )
        return checked

    @staticmethod
    def _check_tiers(tiers):
        checked = []
        for tier in tiers or ():
            if not isinstance(tier, Tier):
                tier = Tier(*tier)
            if not tier.code:
                raise ValueError("Every tier needs a code.")
            min_score = _finite_number(tier.min_score, f"The threshold of tier {tier.code!r}")
            if not 0 <= min_score <= 100:
                raise ValueError(
                    f"The threshold of tier {tier.code!r} must be between 0 and 100, "
                    f"got {min_score:g}."
                )
            min_followers = _finite_number(
                tier.min_followers or 0, f"The follower floor of tier {tier.code!r}"
            )
            if min_followers < 0:
                raise ValueError(
                    f"The follower floor of tier {tier.code!r} cannot be negative, "
                    f"got {min_followers:g}."
                )
            checked.append(
                Tier(
                    tier.code,
                    min_score,
                    bool(tier.is_influencer),
                    tier.label or tier.code,
                    min_followers,
                )
            )
        if not checked:
            raise ValueError("At least one tier is needed.")
        codes = [tier.code for tier in checked]
        if len(set(codes)) != len(codes):
            raise ValueError(f"Tier codes must be unique, got {', '.join(codes)}.")
        thresholds = [tier.min_score for tier in checked]
        if len(set(thresholds)) != len(thresholds):
            raise ValueError("Two tiers cannot have the same threshold.")
        checked.sort(key=lambda tier: tier.min_score, reverse=True)
        if checked[-1].min_score != 0:
            raise ValueError(
                "The lowest tier must start at score 0 so that every contact gets a tier."
            )
        return tuple(checked)

    @property
    def normalised_weights(self):
        """Weights divided by their sum (they add up to 1)."""
        total = sum(self.weights.values())
        return {part: weight / total for part, weight in self.weights.items()}

    @property
    def absolute_anchors(self):
        """The absolute scale of the followers, used while the company has fewer than
        :attr:`min_population` scored contacts: ``((followers, score), ...)`` in ascending
        order, one per tier above 0 at its threshold and its follower floor (so that the
        absolute score reaches a tier exactly where the followers reach its floor; a tier
        without a floor at :data:`DEFAULT_ANCHOR_FOLLOWERS` for the highest, at a tenth of
        the anchor above for the others), then 100 at ten times the highest anchor. See
        :func:`~.normalise.absolute_scores`."""
        anchors = []
        above = None
        for tier in self.tiers:  # highest threshold first
            if tier.min_score <= 0:
                continue
            followers = tier.min_followers
            if not followers:
                followers = above / 10 if above else DEFAULT_ANCHOR_FOLLOWERS
            elif above is not None and followers >= above:
                followers = above / 10  # floors out of order: the scale must rise
            anchors.append((float(followers), tier.min_score))
            above = followers
        anchors.reverse()
        if not anchors:
            anchors.append((DEFAULT_ANCHOR_FOLLOWERS, 100.0))
        elif anchors[-1][1] < 100:
            anchors.append((anchors[-1][0] * 10, 100.0))
        return tuple(anchors)

    def floor_tier(self, followers):
        """The highest tier whose follower floor ``followers`` reaches, or None."""
        for tier in self.tiers:
            if _floor_reached(tier, followers):
                return tier
        return None


def _floor_reached(tier, followers):
    return 0 < tier.min_followers <= (followers or 0)
