from datetime import UTC, datetime, timedelta, timezone

import pytest

from social_crm_scoring.scoring import (
    ContactInput,
    ScoringSettings,
    aggregate_identities,
    aggregate_mentions,
    aggregate_posts,
    build_contacts,
    decay_weight,
)

NOW = datetime(2025, 6, 1, 12, 0, 0)


def test_decay_half_life_is_exact():
    assert decay_weight(0, 30) == 1.0
    assert decay_weight(30, 30) == 0.5
    assert decay_weight(60, 30) == 0.25
    assert decay_weight(-5, 30) == 1.0  # dated in the future: counts as new
    with pytest.raises(ValueError, match="half_life_days"):
        decay_weight(1, 0)


def test_mention_exactly_one_half_life_old_counts_one_half():
    settings = ScoringSettings(half_life_days=30, now=NOW)
    rows = [(7, NOW - timedelta(days=30)), (7, NOW), (8, NOW - timedelta(days=90))]
    result = aggregate_mentions(rows, settings)
    assert result[7] == {"mentions": 1.5, "mention_count": 2}
    assert result[8] == {"mentions": 0.125, "mention_count": 1}


def test_aware_and_naive_datetimes_mix_as_utc():
    settings = ScoringSettings(half_life_days=1, now=NOW.replace(tzinfo=UTC))
    plus_two = timezone(timedelta(hours=2))
    posted = (NOW - timedelta(days=1)).replace(tzinfo=UTC).astimezone(plus_two)
    assert aggregate_mentions([(1, posted)], settings)[1]["mentions"] == 0.5
    assert aggregate_mentions([(1, NOW - timedelta(days=1))], settings)[1]["mentions"] == 0.5


def test_aggregate_posts_counts_the_window_and_sums_reactions():
    settings = ScoringSettings(window_days=30, now=NOW)
    rows = [
        (1, NOW - timedelta(days=1), 10, 2, 3, 1),  # likes, reposts, replies, quotes
        (1, NOW - timedelta(days=29), 4, 0, None, 0),
        (1, NOW - timedelta(days=31), 1000, 0, 0, 0),  # out of the window
        (2, NOW - timedelta(days=2), 7),  # one pre-summed count
    ]
    result = aggregate_posts(rows, settings)
    assert result == {1: {"posts": 2, "reactions": 20}, 2: {"posts": 1, "reactions": 7}}


def test_aggregate_posts_now_argument_overrides_settings():
    settings = ScoringSettings(window_days=1, now=NOW)
    rows = [(1, NOW - timedelta(days=3), 5)]
    assert aggregate_posts(rows, settings) == {}
    assert aggregate_posts(rows, settings, now=NOW - timedelta(days=3)) == {
        1: {"posts": 1, "reactions": 5}
    }


def test_aggregate_identities_splits_professional_networks():
    rows = [
        (1, "x", 1000),
        (1, "linkedin", 500),
        (1, "mastodon", None),
        (2, "XING", 80),
    ]
    result = aggregate_identities(rows)
    assert result[1] == {
        "followers": 1500,
        "identities": 3,
        "professional_followers": 500,
        "professional_identities": 1,
    }
    assert result[2]["professional_followers"] == 80
    only_social = aggregate_identities(rows, reach_all=False)
    assert only_social[1]["followers"] == 1000
    assert only_social[1]["identities"] == 2
    assert only_social[2]["identities"] == 0


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        aggregate_identities([(1, "x", -5)])


def test_build_contacts_merges_aggregates_and_fills_zeros():
    contacts = build_contacts(
        [1, 2, 3],
        {1: {"followers": 10, "identities": 1}},
        {1: {"posts": 2, "reactions": 8}, 2: {"posts": 1, "reactions": 1}},
        {},
    )
    assert contacts[0] == ContactInput(1, followers=10, identities=1, posts=2, reactions=8)
    assert contacts[1] == ContactInput(2, posts=1, reactions=1)
    assert contacts[2] == ContactInput(3)


def test_from_raw_matches_the_batch_helpers():
    settings = ScoringSettings(window_days=30, half_life_days=10, now=NOW)
    contact = ContactInput.from_raw(
        5,
        follower_counts=[100, 250],
        professional_counts=iter([40]),
        posts=[(NOW - timedelta(days=1), 3, 1), (NOW - timedelta(days=40), 99)],
        mention_times=[NOW - timedelta(days=10)],
        settings=settings,
    )
    assert contact == ContactInput(
        5,
        followers=350,
        identities=2,
        posts=1,
        reactions=4,
        mentions=0.5,
        mention_count=1,
        professional_followers=40,
        professional_identities=1,
    )
