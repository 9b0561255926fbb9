"""The tiers every addon shares (social_crm/services/tiers.py)."""

from social_crm.services.tiers import DEFAULT_TIER, TIER_CODES, TIERS, tier_priority


def test_tiers_from_top_to_regular():
    assert TIER_CODES == ["top_influencer", "multiplier", "regular"]
    assert dict(TIERS)["regular"] == "Regular"
    assert DEFAULT_TIER == "regular"  # without scoring every author is regular


def test_priority_by_tier():
    assert [tier_priority(code) for code in TIER_CODES] == ["3", "2", "1"]
    assert tier_priority(False) == "1"  # not scored: the helpdesk's normal priority
    assert tier_priority("unknown") == "1"
