"""A company with few scored contacts: the percentile is capped by the absolute scale of the
followers (a lone contact ranks at 100 %; 35 followers are no top influencer for that)."""

import pytest

from social_crm_scoring.scoring import (
    DEFAULT_MIN_POPULATION,
    ScoringSettings,
    Tier,
    absolute_scores,
    compute_score_table,
)

FLOORS = (
    Tier("top_influencer", 90.0, True, "Top influencer", 10000),
    Tier("multiplier", 70.0, True, "Multiplier", 1000),
    Tier("regular", 0.0, False, "Regular"),
)
DEFAULT_ANCHORS = ((1000.0, 70.0), (10000.0, 90.0), (100000.0, 100.0))


def table_of(followers, settings=None, **columns):
    ids = list(range(1, len(followers) + 1))
    return compute_score_table(
        ids, {"followers": followers, "identities": [1] * len(ids), **columns}, (), settings
    )


def test_the_absolute_scale_of_the_default_tiers():
    assert ScoringSettings(tiers=FLOORS).absolute_anchors == DEFAULT_ANCHORS
    # no floors: the same anchors (10,000 for the highest tier, a tenth for the next)
    assert ScoringSettings().absolute_anchors == DEFAULT_ANCHORS
    followers = [0, 1, 35, 300, 999, 1000, 3000, 9999, 10000, 10400, 99999, 100000, 10**9]
    assert absolute_scores(followers, DEFAULT_ANCHORS).tolist() == [
        0, 7, 36, 57, 69, 70, 79, 89, 90, 90, 99, 100, 100
    ]


def test_the_absolute_scale_follows_the_company_s_tiers():
    tiers = (
        Tier("top_influencer", 95.0, True, "", 5000),
        Tier("multiplier", 60.0, True, "", 0),
        Tier("regular", 0.0),
    )
    assert ScoringSettings(tiers=tiers).absolute_anchors == (
        (500.0, 60.0), (5000.0, 95.0), (50000.0, 100.0)
    )
    # a multiplier floor above the top one (not allowed by the company's settings) still
    # gives a rising scale
    tiers = (
        Tier("top_influencer", 90.0, True, "", 500),
        Tier("multiplier", 70.0, True, "", 2000),
        Tier("regular", 0.0),
    )
    assert ScoringSettings(tiers=tiers).absolute_anchors == (
        (50.0, 70.0), (500.0, 90.0), (5000.0, 100.0)
    )
    only_top_at_100 = (Tier("top", 100.0, True, "", 20000), Tier("regular", 0.0))
    assert ScoringSettings(tiers=only_top_at_100).absolute_anchors == ((20000.0, 100.0),)
    assert ScoringSettings(tiers=(Tier("regular", 0.0),)).absolute_anchors == (
        (10000.0, 100.0),
    )


@pytest.mark.parametrize("tiers", [FLOORS, None])
def test_a_new_company_s_first_small_complainer_is_no_influencer(tiers):
    settings = ScoringSettings(tiers=tiers) if tiers else ScoringSettings()
    table = table_of([35], settings, posts=[1], reactions=[2])
    assert table.absolute_scale
    assert table.percentile.tolist() == [100.0]  # alone: above nobody, below nobody
    assert table.score.tolist() == [36.0]
    assert (table.tier[0], table.is_influencer[0]) == ("regular", False)


@pytest.mark.parametrize("tiers", [FLOORS, None])
def test_a_loud_stranger_is_top_as_the_very_first_contact(tiers):
    """The headline case, with the floors and without them (the absolute scale alone)."""
    settings = ScoringSettings(tiers=tiers) if tiers else ScoringSettings()
    table = table_of([10400], settings)
    assert table.score.tolist() == [90.0]
    assert (table.tier[0], table.is_influencer[0]) == ("top_influencer", True)


def test_the_top_of_a_handful_of_small_accounts_is_no_influencer():
    table = table_of([35, 12, 8, 3, 0], ScoringSettings(tiers=FLOORS))
    assert table.percentile.tolist() == [100.0, 75.0, 50.0, 25.0, 0.0]
    assert table.score.tolist() == [36.0, 25.0, 22.0, 14.0, 0.0]
    assert not table.is_influencer.any()
    assert set(table.tier) == {"regular"}
    assert table.rank.tolist() == [1, 2, 3, 4, 5]  # the ranks stay relative


def test_the_cap_never_raises_a_percentile():
    # three big accounts: the smallest is last of three (its floor keeps it top); the
    # largest is capped by the scale (30,000 followers: 94)
    table = table_of([30000, 20000, 12000], ScoringSettings(tiers=FLOORS))
    assert table.score.tolist() == [94.0, 50.0, 0.0]
    assert table.tier.tolist() == ["top_influencer", "top_influencer", "top_influencer"]


def test_relative_from_the_minimum_population_on():
    # 35 followers at the top of small accounts: capped below the minimum, a percentile from it
    below = table_of([35] + [5] * (DEFAULT_MIN_POPULATION - 2), ScoringSettings(tiers=FLOORS))
    assert below.absolute_scale
    assert (below.score[0], below.tier[0]) == (36.0, "regular")
    at = table_of([35] + [5] * (DEFAULT_MIN_POPULATION - 1), ScoringSettings(tiers=FLOORS))
    assert not at.absolute_scale
    assert (at.score[0], at.tier[0]) == (100.0, "top_influencer")
    assert (at.score == at.percentile).all()
    # 0 (or 1): always percentiles
    table = table_of([35], ScoringSettings(min_population=0))
    assert (table.score[0], table.tier[0], table.absolute_scale) == (100.0, "top_influencer", False)


def test_the_minimum_population_is_checked():
    assert ScoringSettings().min_population == 30
    assert ScoringSettings(min_population=5.0).min_population == 5
    for bad in (-1, 2.5, None, "30"):
        with pytest.raises(ValueError, match="min_population"):
            ScoringSettings(min_population=bad)


def test_the_scale_refuses_nan():
    with pytest.raises(ValueError):
        absolute_scores([float("nan")], DEFAULT_ANCHORS)
