"""Absolute follower floors of the tiers, next to the percentiles."""

import pytest

from social_crm_scoring.scoring import (
    HAS_NUMPY,
    ContactInput,
    ScoringSettings,
    Tier,
    compute_score_table,
    compute_scores,
    known_network,
)

FLOORS = (
    Tier("top_influencer", 90.0, True, "Top influencer", 10000),
    Tier("multiplier", 70.0, True, "Multiplier", 1000),
    Tier("regular", 0.0, False, "Regular"),
)
MODES = [False, True] if HAS_NUMPY else [False]


def _population():
    # many scored contacts with bigger audiences: the stranger's percentile is low
    contacts = [ContactInput(i, followers=50000 + i, identities=1) for i in range(1, 40)]
    contacts.append(ContactInput(100, followers=12000, identities=1))
    contacts.append(ContactInput(101, followers=1500, identities=1))
    contacts.append(ContactInput(102, followers=15, identities=1))
    return contacts


@pytest.mark.parametrize("use_numpy", MODES)
def test_floor_lifts_the_tier(use_numpy):
    settings = ScoringSettings(tiers=FLOORS)
    results = {
        r.partner_id: r for r in compute_scores(_population(), [], settings, use_numpy)
    }
    stranger = results[100]
    assert stranger.score < 70  # the percentile alone would say "regular"
    assert stranger.tier == "top_influencer"
    assert stranger.is_influencer
    assert results[101].tier == "multiplier"
    assert results[101].is_influencer
    assert results[102].tier == "regular"
    assert not results[102].is_influencer


@pytest.mark.parametrize("use_numpy", MODES)
def test_no_floor_keeps_percentiles(use_numpy):
    results = {r.partner_id: r for r in compute_scores(_population(), [], None, use_numpy)}
    assert results[100].tier == "regular"


def test_floor_without_reach_weight_still_counts():
    settings = ScoringSettings(weights={"mentions": 1}, tiers=FLOORS)
    [alone] = compute_scores([ContactInput(1, followers=20000, identities=1)], [], settings)
    assert alone.score == 0
    assert alone.tier == "top_influencer"
    assert alone.is_influencer


def test_settings_tier_for_and_checks():
    settings = ScoringSettings(tiers=FLOORS)
    assert settings.tier_for(10, 10000).code == "top_influencer"
    assert settings.tier_for(10, 9999).code == "multiplier"
    assert settings.tier_for(95, 0).code == "top_influencer"
    assert settings.floor_tier(500) is None
    with pytest.raises(ValueError, match="follower floor"):
        ScoringSettings(tiers=(Tier("top", 90, True, "", -1), Tier("regular", 0)))


@pytest.mark.parametrize("use_numpy", MODES)
def test_known_network_replaces_edges(use_numpy):
    ids = [1, 2, 3]
    network = known_network(ids, [0.0, 2.5, 0.0], [0, 3, 0])
    settings = ScoringSettings(weights={"network": 1})
    table = compute_score_table(ids, {}, (), settings, use_numpy, network=network)
    assert list(table.score) == [0.0, 100.0, 0.0]
    assert table.inputs(1)["network"]["mentioned_by"] == 3
    with pytest.raises(ValueError):
        known_network(ids, [0.0], [0])
