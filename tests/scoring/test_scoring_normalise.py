import itertools
import math

import pytest

from social_crm_scoring.scoring import normalise
from social_crm_scoring.scoring.normalise import midrank_fractions, quantile


def percentile_normalise(values):
    """The mid-rank percentile the score is, in 0..1 (before rounding to whole percents)."""
    numerators, denominator = midrank_fractions(values)
    return (numerators / denominator).tolist()


def log_normalise(values, q=0.99):
    normalised, reference = normalise.log_normalise(values, q)
    return normalised.tolist(), reference


def test_percentile_empty_and_single():
    assert percentile_normalise([]) == []
    assert percentile_normalise([42]) == [1.0]
    assert percentile_normalise([0]) == [1.0]


def test_percentile_distinct_values_spread_from_zero_to_one():
    assert percentile_normalise([30, 10, 20]) == [1.0, 0.0, 0.5]
    values = list(range(101))
    assert percentile_normalise(values) == pytest.approx([v / 100 for v in values])


def test_percentile_ties_share_the_mid_rank():
    assert percentile_normalise([5, 5]) == [0.5, 0.5]
    result = percentile_normalise([1, 2, 2, 3])
    # 2 is above 1 (one other value) and ties with one other 2 (counts one half)
    assert result == pytest.approx([0.0, 0.5, 0.5, 1.0])
    assert result[1] == result[2]
    assert percentile_normalise([7, 7, 7, 7]) == [0.5] * 4


def test_percentile_mean_is_one_half():
    values = [0, 0, 0, 1, 5, 5, 9, 100, 100, 100]
    assert sum(percentile_normalise(values)) / len(values) == pytest.approx(0.5)


def test_percentile_is_order_independent():
    values = [3.5, -1, 2, 2, 8]
    by_value = dict(zip(values, percentile_normalise(values), strict=True))
    shuffled = [8, 2, -1, 3.5, 2]
    assert percentile_normalise(shuffled) == [by_value[v] for v in shuffled]


def test_midrank_fractions_are_exact_integers():
    numerators, denominator = midrank_fractions([1, 2, 2, 3])
    assert (numerators.tolist(), denominator) == ([0, 3, 3, 6], 6)
    assert numerators.dtype.kind == "i"


def test_percentile_refuses_nan():
    with pytest.raises(ValueError, match="NaN"):
        percentile_normalise([1, float("nan")])


def test_quantile_interpolates_like_numpy():
    assert quantile([0, 10], 0.5) == 5
    assert quantile([1, 2, 3, 4, 5], 1.0) == 5
    assert quantile([7], 0.99) == 7


def test_log_normalise_zero_stays_zero_and_all_zero_input():
    assert log_normalise([0, 0, 0]) == ([0.0, 0.0, 0.0], 0.0)
    assert log_normalise([]) == ([], 0.0)
    normalised, reference = log_normalise([0, 100])
    assert normalised == [0.0, 1.0]
    assert reference == pytest.approx(100)


def test_log_normalise_is_log_scaled_against_the_reference():
    normalised, reference = log_normalise([99, 9999], q=1.0)
    assert reference == pytest.approx(9999)
    assert normalised[0] == pytest.approx(0.5)  # log(100) / log(10000)
    assert normalised[1] == 1.0


def test_huge_outlier_does_not_squash_the_others():
    """100 million followers cap at 1.0; the rest keep their spread."""
    population = [10 * (i + 1) for i in range(1000)]
    plain, _ = log_normalise(population)
    with_star, reference = log_normalise([*population, 100_000_000])
    assert with_star[-1] == 1.0
    assert reference < 20_000  # the 99 % quantile, not the star
    for before, after in zip(plain, with_star, strict=False):
        assert after == pytest.approx(before, rel=0.01)


def test_log_normalise_refuses_negative_values():
    with pytest.raises(ValueError, match="negative"):
        log_normalise([1, -1])


def test_log_normalise_keeps_order_and_ties():
    values = [0, 3, 3, 50, 1e9]
    normalised, _ = log_normalise(values)
    assert normalised[1] == normalised[2]
    assert normalised == sorted(normalised)
    assert all(0 <= value <= 1 and not math.isnan(value) for value in normalised)


def test_log_normalise_reference_maps_to_its_quantile_and_top_to_one():
    values = [math.expm1(1), math.expm1(2), math.expm1(3), 0]
    normalised, reference = log_normalise(values, q=0.5)
    assert reference == pytest.approx(math.expm1(2))  # median of the non-zero logs
    assert normalised == pytest.approx([0.25, 0.5, 1.0, 0.0])


def test_log_normalise_is_strictly_increasing_above_the_reference():
    """No artificial ties among the top contacts: the highest still ranks first."""
    values = list(range(1, 1001))
    normalised, _ = log_normalise(values)
    assert all(a < b for a, b in itertools.pairwise(normalised))
    assert normalised[-1] == 1.0
    single, _ = log_normalise([0, 42, 0])
    assert single == [0.0, 1.0, 0.0]
