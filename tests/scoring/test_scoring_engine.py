import random

import pytest

from social_crm_scoring.scoring import (
    HAS_NUMPY,
    PARTS,
    ContactInput,
    ScoringSettings,
    compute_scores,
)

ONLY_REACH = ScoringSettings(weights={"reach": 1})


def by_partner(results):
    return {result.partner_id: result for result in results}


def test_empty_population():
    assert compute_scores([], [], ScoringSettings()) == []


def test_single_contact():
    [alone] = compute_scores([ContactInput(1, followers=10, identities=1)])
    assert alone.score == 100.0
    assert alone.rank == 1
    [nothing] = compute_scores([ContactInput(1)])
    assert nothing.score == 0.0
    assert not nothing.is_influencer


def test_results_follow_input_order_and_carry_every_part():
    contacts = [ContactInput(pid, followers=pid * 100, identities=1) for pid in (3, 1, 2)]
    results = compute_scores(contacts)
    assert [result.partner_id for result in results] == [3, 1, 2]
    for result in results:
        assert list(result.parts) == list(PARTS)
        assert result.raw_total == pytest.approx(
            sum(part.contribution for part in result.parts.values())
        )


def test_contacts_without_anything_score_zero_and_rank_last_together():
    contacts = [
        ContactInput(1, followers=500, identities=1),
        ContactInput(2),
        ContactInput(3),
        ContactInput(4, posts=3, reactions=30),
    ]
    results = by_partner(compute_scores(contacts))
    assert results[2].score == results[3].score == 0.0
    assert results[2].rank == results[3].rank == 3
    assert results[2].tier == results[3].tier == "regular"
    assert results[1].score > 0 and results[4].score > 0
    assert all(part.normalised == 0 for part in results[2].parts.values())


def test_score_is_a_percentile_among_the_population():
    contacts = [ContactInput(pid, followers=pid, identities=1) for pid in range(1, 102)]
    results = by_partner(compute_scores(contacts, settings=ONLY_REACH))
    assert results[101].score == 100.0
    assert results[1].score == 0.0  # lowest, though not empty: share of others below = 0
    assert results[91].score == 90.0  # more influential than 90 of the 100 others
    assert results[91].rank == 11


def test_ties_get_the_same_score_and_rank():
    contacts = [
        ContactInput(1, followers=50, identities=1),
        ContactInput(2, followers=50, identities=1),
        ContactInput(3, followers=10, identities=1),
    ]
    results = by_partner(compute_scores(contacts, settings=ONLY_REACH))
    assert results[1].score == results[2].score == 75.0
    assert results[1].rank == results[2].rank == 1
    assert results[3].rank == 3


def test_score_rounds_down_to_a_whole_percent():
    contacts = [ContactInput(pid, followers=pid, identities=1) for pid in range(1, 8)]
    scores = sorted(result.score for result in compute_scores(contacts, settings=ONLY_REACH))
    assert scores == [0.0, 16.0, 33.0, 50.0, 66.0, 83.0, 100.0]


def test_tiers_and_influencer_flag_follow_thresholds():
    settings = ScoringSettings(
        weights={"reach": 1},
        tiers=[("top_influencer", 90, True), ("multiplier", 50, True), ("regular", 0)],
    )
    contacts = [ContactInput(pid, followers=pid, identities=1) for pid in range(1, 12)]
    results = by_partner(compute_scores(contacts, settings=settings))
    assert (results[11].tier, results[11].is_influencer) == ("top_influencer", True)
    assert (results[10].tier, results[10].score) == ("top_influencer", 90.0)
    assert (results[6].tier, results[6].score, results[6].is_influencer) == (
        "multiplier",
        50.0,
        True,
    )
    assert (results[5].tier, results[5].is_influencer) == ("regular", False)


def test_huge_follower_counts_do_not_flatten_everybody_else():
    rnd = random.Random(5)
    contacts = [
        ContactInput(pid, followers=rnd.randint(100, 5000), identities=1) for pid in range(500)
    ]
    contacts.append(ContactInput(999, followers=100_000_000, identities=1))
    results = by_partner(compute_scores(contacts))
    star = results[999].parts["reach"]
    assert star.normalised == 1.0 and star.value == 100_000_000
    assert star.reference < 10_000  # the 99 % quantile of the population
    median = sorted(results[pid].parts["reach"].normalised for pid in range(500))[250]
    assert median > 0.8


def test_one_viral_post_does_not_beat_a_steady_record():
    settings = ScoringSettings(weights={"engagement": 1})
    contacts = [
        ContactInput(1, posts=1, reactions=1500),  # one lucky post
        ContactInput(2, posts=60, reactions=60 * 700),  # 700 per post, steadily
        *[ContactInput(pid, posts=10, reactions=10 * pid) for pid in range(10, 300)],
    ]
    results = by_partner(compute_scores(contacts, settings=settings))
    assert results[1].parts["engagement"].inputs["per_post"] == 1500
    assert results[2].score > results[1].score
    # the viral post does not squash the others: the reference is a quantile, not the max
    assert results[150].parts["engagement"].normalised > 0.8


def test_zero_weights_contribute_nothing_but_are_still_explained():
    settings = ScoringSettings(weights={"reach": 1, "mentions": 0})
    contacts = [
        ContactInput(1, followers=10, identities=1, mentions=5.0, mention_count=9),
        ContactInput(2, followers=20, identities=1),
    ]
    results = by_partner(compute_scores(contacts, settings=settings))
    mentions = results[1].parts["mentions"]
    assert mentions.weight == 0 and mentions.contribution == 0
    assert mentions.normalised == 1.0
    assert mentions.inputs["mentions"] == 9
    assert results[2].score > results[1].score


def test_mentions_only_contact_is_ranked_above_empty_contacts():
    contacts = [ContactInput(1, mentions=0.5, mention_count=1), ContactInput(2), ContactInput(3)]
    results = by_partner(compute_scores(contacts))
    assert results[1].score == 100.0 and results[1].rank == 1


def test_network_part_uses_pagerank_over_contacts():
    contacts = [ContactInput(pid) for pid in range(1, 7)]
    edges = [(2, 1), (3, 1), (4, 1), (5, 1), (5, 6), (1, 1), (1, 999)]  # 999 not a contact
    results = by_partner(compute_scores(contacts, edges, ScoringSettings(weights={"network": 1})))
    centre = results[1].parts["network"]
    assert centre.inputs["mentioned_by"] == 4
    assert centre.normalised == 1.0
    assert results[1].rank == 1
    assert results[6].parts["network"].inputs["mentioned_by"] == 1
    assert 0 < results[6].parts["network"].normalised < 1
    assert results[2].score == 0.0


def test_professional_part():
    contacts = [
        ContactInput(1, professional_followers=5000, professional_identities=1),
        ContactInput(2, professional_followers=50, professional_identities=1),
    ]
    results = by_partner(compute_scores(contacts, settings=ScoringSettings()))
    assert results[1].parts["professional"].normalised == 1.0
    assert results[1].score == 100.0 and results[2].score == 0.0


@pytest.mark.parametrize("bad", [-1, float("nan"), "many"])
def test_invalid_contact_numbers_name_the_partner(bad):
    with pytest.raises(ValueError, match="Contact 2: followers"):
        compute_scores([ContactInput(1), ContactInput(2, followers=bad)])


def test_none_counts_as_zero():
    [result] = compute_scores([ContactInput(1, followers=None, posts=None)])
    assert result.score == 0.0


def test_duplicate_contacts_are_refused():
    with pytest.raises(ValueError, match="Duplicate contacts"):
        compute_scores([ContactInput(1), ContactInput(1)])


def test_result_to_dict_is_plain():
    [result] = compute_scores([ContactInput(1, followers=3, identities=1)])
    data = result.to_dict()
    assert data["parts"]["reach"]["inputs"] == {"followers": 3.0, "identities": 1.0}
    assert data["score"] == 100.0


def test_smoke_20000_contacts():
    """Realistic population: runs end to end (no timing assertion)."""
    rnd = random.Random(11)
    count = 20_000
    contacts = [
        ContactInput(
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
    results = compute_scores(contacts, edges, ScoringSettings())
    assert len(results) == count
    assert all(0 <= result.score <= 100 for result in results)
    assert max(result.score for result in results) == 100.0
    influencers = sum(result.is_influencer for result in results)
    assert 0.2 * count < influencers < 0.4 * count  # "multiplier" starts at 70


@pytest.mark.skipif(not HAS_NUMPY, reason="numpy")
def test_python_fallback_gives_the_same_scores():
    rnd = random.Random(2)
    contacts = [
        ContactInput(pid, followers=rnd.randint(0, 999), posts=rnd.randint(0, 3), reactions=9)
        for pid in range(300)
    ]
    edges = [(rnd.randrange(300), rnd.randrange(300)) for _ in range(2000)]
    fast = compute_scores(contacts, edges, use_numpy=True)
    slow = compute_scores(contacts, edges, use_numpy=False)
    assert [r.score for r in fast] == [r.score for r in slow]
    assert [r.parts["network"].value for r in fast] == pytest.approx(
        [r.parts["network"].value for r in slow]
    )
