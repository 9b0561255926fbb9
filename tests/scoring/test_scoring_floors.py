"""Absolute follower floors of the tiers, next to the percentiles."""

import pytest

from social_crm_scoring.scoring import (
    ScoringSettings,
    Tier,
    compute_score_table,
    known_network,
)

FLOORS = (
    Tier("top_influencer", 90.0, True, "Top influencer", 10000),
    Tier("multiplier", 70.0, True, "Multiplier", 1000),
    Tier("regular", 0.0, False, "Regular"),
)


def _population(settings=None):
    # many scored contacts with bigger audiences: the stranger's percentile is low
    followers = {i: 50000 + i for i in range(1, 40)}
    followers.update({100: 12000, 101: 1500, 102: 15})
    ids = list(followers)
    table = compute_score_table(
        ids,
        {"followers": list(followers.values()), "identities": [1] * len(ids)},
        (),
        settings,
    )
    return table, {pid: position for position, pid in enumerate(ids)}


def test_floor_lifts_the_tier():
    table, at = _population(ScoringSettings(tiers=FLOORS))
    stranger = at[100]
    assert table.score[stranger] < 70  # the percentile alone would say "regular"
    assert table.tier[stranger] == "top_influencer"
    assert table.is_influencer[stranger]
    assert table.tier[at[101]] == "multiplier"
    assert table.is_influencer[at[101]]
    assert table.tier[at[102]] == "regular"
    assert not table.is_influencer[at[102]]


def test_no_floor_keeps_percentiles():
    table, at = _population()
    assert table.tier[at[100]] == "regular"


def test_floor_without_reach_weight_still_counts():
    settings = ScoringSettings(weights={"mentions": 1}, tiers=FLOORS)
    table = compute_score_table([1], {"followers": [20000], "identities": [1]}, (), settings)
    assert table.score[0] == 0
    assert table.tier[0] == "top_influencer"
    assert table.is_influencer[0]


def test_settings_floor_tier_and_checks():
    """The floor tier of an author without a contact (tickets of unknown authors)."""
    settings = ScoringSettings(tiers=FLOORS)
    assert settings.floor_tier(10000).code == "top_influencer"
    assert settings.floor_tier(9999).code == "multiplier"
    assert settings.floor_tier(500) is None
    assert ScoringSettings().floor_tier(10**9) is None  # no floors by default
    with pytest.raises(ValueError, match="follower floor"):
        ScoringSettings(tiers=(Tier("top", 90, True, "", -1), Tier("regular", 0)))


def test_known_network_replaces_edges():
    ids = [1, 2, 3]
    network = known_network(ids, [0.0, 2.5, 0.0], [0, 3, 0])
    settings = ScoringSettings(weights={"network": 1}, min_population=0)  # percentiles of 3
    table = compute_score_table(ids, {}, (), settings, network=network)
    assert table.score.tolist() == [0.0, 100.0, 0.0]
    assert table.network.in_count[1] == 3
    with pytest.raises(ValueError):
        known_network(ids, [0.0], [0])
