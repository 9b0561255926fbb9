"""The score table the addon computes (``compute_score_table``: the one scoring path)."""

import random

import numpy
import pytest

from social_crm_scoring.scoring import (
    CONTACT_FIELDS,
    PARTS,
    ScoringSettings,
    compute_score_table,
)

# these tests are about the percentiles among a few contacts: min_population=0 keeps the
# scores relative however small the population (the absolute scale of small populations is
# tested in test_scoring_small_population.py)
RELATIVE = ScoringSettings(min_population=0)
ONLY_REACH = ScoringSettings(weights={"reach": 1}, min_population=0)


def score(contacts, edges=(), settings=None):
    """``contacts``: ``[(partner_id, {field: value})]`` -> the table and ``{partner_id:
    position}`` (the columns are built the way the addon reads them: one per field)."""
    ids = [pid for pid, _values in contacts]
    columns = {
        name: [values.get(name, 0) for _pid, values in contacts] for name in CONTACT_FIELDS
    }
    table = compute_score_table(ids, columns, edges, settings or RELATIVE)
    return table, {pid: position for position, pid in enumerate(ids)}


def c(pid, **values):
    return pid, values


def test_empty_population():
    table, _at = score([], [], ScoringSettings())
    assert len(table) == 0
    assert table.score.tolist() == []


def test_single_contact():
    table, _at = score([c(1, followers=10, identities=1)])
    assert table.score.tolist() == [100.0]
    assert table.rank.tolist() == [1]
    table, _at = score([c(1)])
    assert table.score.tolist() == [0.0]
    assert not table.is_influencer[0]


def test_columns_follow_input_order_and_carry_every_part():
    table, _at = score([c(pid, followers=pid * 100, identities=1) for pid in (3, 1, 2)])
    assert table.partner_ids == [3, 1, 2]
    assert list(table.normalised) == list(PARTS)
    contributions = sum(table.weights[part] * table.normalised[part] for part in PARTS)
    assert table.raw_total == pytest.approx(contributions)
    assert table.columns["followers"].tolist() == [300.0, 100.0, 200.0]


def test_contacts_without_anything_score_zero_and_rank_last_together():
    table, at = score([
        c(1, followers=500, identities=1),
        c(2),
        c(3),
        c(4, posts=3, reactions=30),
    ])
    assert table.score[at[2]] == table.score[at[3]] == 0.0
    assert table.rank[at[2]] == table.rank[at[3]] == 3
    assert table.tier[at[2]] == table.tier[at[3]] == "regular"
    assert table.score[at[1]] > 0 and table.score[at[4]] > 0
    assert all(table.normalised[part][at[2]] == 0 for part in PARTS)


def test_score_is_a_percentile_among_the_population():
    table, at = score([c(pid, followers=pid, identities=1) for pid in range(1, 102)],
                      settings=ONLY_REACH)
    assert table.score[at[101]] == 100.0
    assert table.score[at[1]] == 0.0  # lowest, though not empty: share of others below = 0
    assert table.score[at[91]] == 90.0  # more influential than 90 of the 100 others
    assert table.rank[at[91]] == 11


def test_ties_get_the_same_score_and_rank():
    table, at = score([
        c(1, followers=50, identities=1),
        c(2, followers=50, identities=1),
        c(3, followers=10, identities=1),
    ], settings=ONLY_REACH)
    assert table.score[at[1]] == table.score[at[2]] == 75.0
    assert table.rank[at[1]] == table.rank[at[2]] == 1
    assert table.rank[at[3]] == 3


def test_score_rounds_down_to_a_whole_percent():
    table, _at = score([c(pid, followers=pid, identities=1) for pid in range(1, 8)],
                       settings=ONLY_REACH)
    assert sorted(table.score.tolist()) == [0.0, 16.0, 33.0, 50.0, 66.0, 83.0, 100.0]


def test_tiers_and_influencer_flag_follow_thresholds():
    settings = ScoringSettings(
        weights={"reach": 1},
        tiers=[("top_influencer", 90, True), ("multiplier", 50, True), ("regular", 0)],
        min_population=0,
    )
    table, at = score([c(pid, followers=pid, identities=1) for pid in range(1, 12)],
                      settings=settings)
    assert (table.tier[at[11]], table.is_influencer[at[11]]) == ("top_influencer", True)
    assert (table.tier[at[10]], table.score[at[10]]) == ("top_influencer", 90.0)
    assert (table.tier[at[6]], table.score[at[6]], table.is_influencer[at[6]]) == (
        "multiplier",
        50.0,
        True,
    )
    assert (table.tier[at[5]], table.is_influencer[at[5]]) == ("regular", False)


def test_huge_follower_counts_do_not_flatten_everybody_else():
    rnd = random.Random(5)
    contacts = [c(pid, followers=rnd.randint(100, 5000), identities=1) for pid in range(500)]
    contacts.append(c(999, followers=100_000_000, identities=1))
    table, at = score(contacts)
    assert table.normalised["reach"][at[999]] == 1.0
    assert table.values["reach"][at[999]] == 100_000_000
    assert table.references["reach"] < 10_000  # the 99 % quantile of the population
    median = sorted(table.normalised["reach"][at[pid]] for pid in range(500))[250]
    assert median > 0.8


def test_one_viral_post_does_not_beat_a_steady_record():
    settings = ScoringSettings(weights={"engagement": 1})
    table, at = score([
        c(1, posts=1, reactions=1500),  # one lucky post
        c(2, posts=60, reactions=60 * 700),  # 700 per post, steadily
        *[c(pid, posts=10, reactions=10 * pid) for pid in range(10, 300)],
    ], settings=settings)
    # reactions per post after the few-posts discount (the prior)
    prior = settings.engagement_prior_posts
    assert table.values["engagement"][at[1]] == pytest.approx(1500 / (1 + prior))
    assert table.score[at[2]] > table.score[at[1]]
    # the viral post does not squash the others: the reference is a quantile, not the max
    assert table.normalised["engagement"][at[150]] > 0.8


def test_zero_weights_contribute_nothing_but_are_still_normalised():
    settings = ScoringSettings(weights={"reach": 1, "mentions": 0})
    table, at = score([
        c(1, followers=10, identities=1, mentions=5.0, mention_count=9),
        c(2, followers=20, identities=1),
    ], settings=settings)
    assert table.weights["mentions"] == 0
    assert table.normalised["mentions"][at[1]] == 1.0
    assert table.columns["mention_count"][at[1]] == 9
    assert table.score[at[2]] > table.score[at[1]]


def test_mentions_only_contact_is_ranked_above_empty_contacts():
    table, at = score([c(1, mentions=0.5, mention_count=1), c(2), c(3)])
    assert table.score[at[1]] == 100.0 and table.rank[at[1]] == 1


def test_network_part_uses_pagerank_over_contacts():
    edges = [(2, 1), (3, 1), (4, 1), (5, 1), (5, 6), (1, 1), (1, 999)]  # 999 not a contact
    table, at = score([c(pid) for pid in range(1, 7)], edges,
                      ScoringSettings(weights={"network": 1}, min_population=0))
    assert table.network.in_count[at[1]] == 4
    assert table.normalised["network"][at[1]] == 1.0
    assert table.rank[at[1]] == 1
    assert table.network.in_count[at[6]] == 1
    assert 0 < table.normalised["network"][at[6]] < 1
    assert table.score[at[2]] == 0.0


def test_professional_part():
    table, at = score([
        c(1, professional_followers=5000, professional_identities=1),
        c(2, professional_followers=50, professional_identities=1),
    ], settings=RELATIVE)
    assert table.normalised["professional"][at[1]] == 1.0
    assert table.score[at[1]] == 100.0 and table.score[at[2]] == 0.0


@pytest.mark.parametrize("bad", [-1, float("nan"), "many"])
def test_invalid_contact_numbers_name_the_partner(bad):
    with pytest.raises(ValueError, match="Contact 2: followers"):
        score([c(1), c(2, followers=bad)])


def test_none_counts_as_zero():
    table, _at = score([c(1, followers=None, posts=None)])
    assert table.score.tolist() == [0.0]


def test_duplicate_contacts_are_refused():
    with pytest.raises(ValueError, match="Duplicate contacts"):
        score([c(1), c(1)])


def test_columns_of_another_length_are_refused():
    with pytest.raises(ValueError, match="Column 'followers' has 1 values for 2 contacts"):
        compute_score_table([1, 2], {"followers": [3]})


def test_missing_columns_count_zero():
    table = compute_score_table([1, 2], {"followers": numpy.array([3.0, 0.0])}, (), RELATIVE)
    assert table.score.tolist() == [100.0, 0.0]
    assert table.columns["posts"].tolist() == [0.0, 0.0]


def test_smoke_20000_contacts():
    """Realistic population: runs end to end (no timing assertion)."""
    rnd = random.Random(11)
    count = 20_000
    contacts = [
        c(
            pid,
            followers=int(rnd.paretovariate(1.1) * 50) if rnd.random() < 0.8 else 0,
            identities=rnd.randint(0, 3),
            posts=rnd.randint(0, 30),
            reactions=rnd.randint(0, 3000),
            mentions=rnd.random() * 4 if rnd.random() < 0.2 else 0.0,
            professional_followers=rnd.randint(0, 3000) if rnd.random() < 0.3 else 0,
        )
        for pid in range(1, count + 1)
    ]
    edges = [
        (rnd.randint(1, count), int(rnd.paretovariate(1.2)) % count + 1, 1) for _ in range(200_000)
    ]
    table, _at = score(contacts, edges, ScoringSettings())
    assert len(table) == count
    assert ((table.score >= 0) & (table.score <= 100)).all()
    assert table.score.max() == 100.0
    influencers = int(table.is_influencer.sum())
    assert 0.2 * count < influencers < 0.4 * count  # "multiplier" starts at 70
