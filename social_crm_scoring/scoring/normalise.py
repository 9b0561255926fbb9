"""Normalisations: percentile (mid-rank) and log scale against a robust reference."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right


def _check_values(values):
    values = [float(value) for value in values]
    for value in values:
        if math.isnan(value):
            raise ValueError("Cannot normalise NaN values.")
    return values


def midrank_fractions(values):
    """Exact mid-rank percentiles as ``(numerators, denominator)`` integers.

    The percentile of ``v`` is ``(below + (equal - 1) / 2) / (n - 1)``: the share of the
    *other* values that are strictly lower, each tie counting one half. Numerators and
    denominator are doubled so they stay integers; a single value gets ``([1], 1)`` and
    an empty input ``([], 1)``.
    """
    values = _check_values(values)
    count = len(values)
    if count <= 1:
        return [1] * count, 1
    ordered = sorted(values)
    numerators = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value, lo=below) - below
        numerators.append(2 * below + equal - 1)
    return numerators, 2 * (count - 1)


def percentile_normalise(values):
    """Percentile of each value among all of them, in 0..1 (mid-rank for ties).

    ``(number of other values strictly lower + half the number of other equal values)
    / (number of other values)``: the lowest distinct value gets 0, the highest 1, and
    equal values get the same percentile (``[5, 5]`` -> ``[0.5, 0.5]``). A single value
    gets 1.0 (it is the top of its population); an empty input gives ``[]``.
    """
    numerators, denominator = midrank_fractions(values)
    return [numerator / denominator for numerator in numerators]


def quantile(ordered, q):
    """Linear-interpolation quantile of a sorted non-empty list (like numpy's default)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def log_normalise(values, q=0.99):
    """Each value >= 0 mapped to 0..1 on a log scale anchored at a robust reference.

    With ``L = log1p(value)``, ``R = log1p(reference)`` where the reference is the ``q``
    quantile (computed on the log scale) of the non-zero values, and ``M = log1p(highest)``:
    ``L <= R`` maps linearly to ``q * L / R`` and ``R < L <= M`` linearly to
    ``q + (1 - q) * (L - R) / (M - R)``. So 0 stays 0, the reference gets ``q`` (0.99), the
    highest value(s) 1.0, and the mapping is strictly increasing (no ties are made). One
    outlier (100 million followers, a viral post) only stretches the top ``1 - q`` band:
    everybody below the reference keeps the same normalised value. ``q = 1`` is plain
    ``log1p(value) / log1p(max)``.

    Returns ``(normalised values, reference value)``; the reference is in the values' own
    unit (e.g. followers), 0.0 when every value is 0.
    """
    values = _check_values(values)
    for value in values:
        if value < 0:
            raise ValueError(f"Cannot log-normalise a negative value ({value:g}).")
    logs = sorted(math.log1p(value) for value in values if value > 0)
    if not logs:
        return [0.0] * len(values), 0.0
    reference_log = quantile(logs, q)
    top_log = logs[-1]
    band = top_log - reference_log
    normalised = []
    for value in values:
        log_value = math.log1p(value)
        if log_value >= top_log:
            normalised.append(1.0)
        elif log_value <= reference_log:
            normalised.append(q * log_value / reference_log)
        else:
            normalised.append(min(1.0, q + (1.0 - q) * (log_value - reference_log) / band))
    return normalised, math.expm1(reference_log)
