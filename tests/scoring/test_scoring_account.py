"""The account score of B2B customers: strongest person, influencers, corporate identities."""

import pytest

from social_crm_scoring.scoring import ACCOUNT_WEIGHTS, compute_account_table


def test_parts_and_weighted_sum():
    # account 100: itself scored 40 (its corporate identities), people 1 (90, influencer),
    # 2 (75, influencer), 3 (10); account 200: one person 30; 4 is a private person
    table = compute_account_table(
        [1, 2, 3, 4, 5, 100],
        [90, 75, 10, 99, 30, 40],
        [True, True, False, True, False, False],
        [100, 100, 100, 0, 200, 100],
    )
    assert table.account_ids.tolist() == [100, 200]
    rows = {row["account_id"]: row for row in table.rows()}
    acme = rows[100]
    assert acme["people_points"] == 90
    assert acme["strongest_partner_id"] == 1
    assert acme["influencer_count"] == 2
    assert acme["influencer_points"] == 75  # 1 - 0.5 ** 2
    assert acme["corporate_points"] == 40
    assert acme["people_count"] == 3
    expected = (
        ACCOUNT_WEIGHTS["people"] * 90
        + ACCOUNT_WEIGHTS["influencers"] * 75
        + ACCOUNT_WEIGHTS["corporate"] * 40
    )
    assert acme["score"] == pytest.approx(round(expected, 1))
    other = rows[200]
    assert other["strongest_partner_id"] == 5
    assert other["influencer_count"] == 0 and other["influencer_points"] == 0
    assert other["corporate_points"] == 0
    assert other["score"] == pytest.approx(ACCOUNT_WEIGHTS["people"] * 30)


def test_headcount_alone_does_not_win():
    # a big account of 50 mediocre people vs a small one with one top influencer
    ids = list(range(1, 52))
    scores = [20.0] * 50 + [95.0]
    flags = [False] * 50 + [True]
    accounts = [100] * 50 + [200]
    table = compute_account_table(ids, scores, flags, accounts)
    rows = {row["account_id"]: row for row in table.rows()}
    assert rows[200]["score"] > rows[100]["score"]
    assert rows[100]["people_count"] == 50


def test_company_scored_alone_and_ties():
    table = compute_account_table([7, 8, 9], [50, 50, 60], [False, False, False], [9, 9, 9])
    (row,) = table.rows()
    assert row["strongest_partner_id"] == 7  # equal scores: the lowest id
    assert row["corporate_points"] == 60
    only = compute_account_table([9], [60], [False], [9]).rows()[0]
    assert only["people_count"] == 0 and only["strongest_partner_id"] is False


def test_empty_and_bad_input():
    assert len(compute_account_table([], [], [], [])) == 0
    assert len(compute_account_table([1], [50], [False], [None])) == 0
    with pytest.raises(ValueError):
        compute_account_table([1], [150], [False], [2])
