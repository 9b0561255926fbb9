import pytest

from social_crm_scoring.scoring import (
    DEFAULT_WEIGHTS,
    PARTS,
    ScoringSettings,
    Tier,
    compute_score_table,
)


def test_defaults_are_valid_and_weights_normalise_to_one():
    settings = ScoringSettings()
    assert set(settings.weights) == set(PARTS)
    assert sum(settings.normalised_weights.values()) == pytest.approx(1.0)
    assert settings.normalised_weights["reach"] == pytest.approx(
        DEFAULT_WEIGHTS["reach"] / sum(DEFAULT_WEIGHTS.values())
    )


def test_missing_parts_weigh_zero_and_weights_are_relative():
    settings = ScoringSettings(weights={"reach": 3, "mentions": 1})
    assert settings.weights["network"] == 0.0
    assert settings.normalised_weights["reach"] == pytest.approx(0.75)
    assert settings.normalised_weights["mentions"] == pytest.approx(0.25)


def test_negative_weight_is_refused_with_the_part_name():
    with pytest.raises(ValueError, match="weight of 'engagement' cannot be negative"):
        ScoringSettings(weights={"reach": 1, "engagement": -1})


def test_weights_summing_to_zero_are_refused():
    with pytest.raises(ValueError, match="weights sum to 0"):
        ScoringSettings(weights=dict.fromkeys(PARTS, 0))
    with pytest.raises(ValueError, match="weights sum to 0"):
        ScoringSettings(weights={})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "10", None])
def test_non_numeric_weights_are_refused(bad):
    with pytest.raises(ValueError, match="weight of 'reach'"):
        ScoringSettings(weights={"reach": bad, "mentions": 1})


def test_unknown_part_is_refused():
    with pytest.raises(ValueError, match="Unknown scoring part.*'followers'"):
        ScoringSettings(weights={"followers": 1})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"window_days": 0}, "window_days must be greater than 0"),
        ({"half_life_days": -3}, "half_life_days must be greater than 0"),
        ({"engagement_prior_posts": -1}, "engagement_prior_posts cannot be negative"),
        ({"reference_quantile": 0.2}, "reference_quantile must be between"),
        ({"damping": 1.0}, "damping must be"),
        ({"now": "2025-01-01"}, "now must be a datetime"),
    ],
)
def test_other_settings_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ScoringSettings(**kwargs)


def test_tiers_are_sorted_and_picked_by_threshold():
    settings = ScoringSettings(
        weights={"reach": 1},
        tiers=[("regular", 0), Tier("top", 95, True), ("multiplier", 80, True)],
    )
    assert [tier.code for tier in settings.tiers] == ["top", "multiplier", "regular"]
    # 101 contacts with 1..101 followers: contact n scores n - 1
    ids = list(range(1, 102))
    table = compute_score_table(ids, {"followers": ids}, (), settings)
    tiers = dict(zip(table.score.tolist(), table.tier.tolist(), strict=True))
    assert tiers[95.0] == "top"
    assert tiers[94.0] == "multiplier"
    assert tiers[80.0] == "multiplier"
    assert tiers[79.0] == "regular"
    assert tiers[0.0] == "regular"
    assert settings.tiers[0].label == "top"  # label defaults to the code


@pytest.mark.parametrize(
    "tiers, message",
    [
        ([], "At least one tier"),
        ([("top", 90), ("regular", 10)], "lowest tier must start at score 0"),
        ([("top", 90), ("top", 0)], "Tier codes must be unique"),
        ([("a", 50), ("b", 50), ("c", 0)], "same threshold"),
        ([("top", 120), ("regular", 0)], "between 0 and 100"),
        ([("", 0)], "needs a code"),
    ],
)
def test_bad_tiers_are_refused(tiers, message):
    with pytest.raises(ValueError, match=message):
        ScoringSettings(tiers=tiers)
