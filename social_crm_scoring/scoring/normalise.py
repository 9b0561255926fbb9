"""Normalisations of a column of numbers (numpy): mid-rank percentile, log scale against a
robust reference, and the absolute scale of the followers."""

from __future__ import annotations

import math

import numpy


def midrank_fractions(values):
    """Exact mid-rank percentiles as ``(numerators, denominator)`` integers.

    The percentile of ``v`` is ``(below + (equal - 1) / 2) / (n - 1)``: the share of the
    *other* values that are strictly lower, each tie counting one half. Numerators and
    denominator are doubled so they stay integers; a single value gets ``([1], 1)`` and
    an empty input ``([], 1)``. Returns ``(numerators array, denominator)``.
    """
    values = numpy.asarray(values, float)
    if numpy.isnan(values).any():
        raise ValueError("Cannot normalise NaN values.")
    count = len(values)
    if count <= 1:
        return numpy.ones(count, numpy.int64), 1
    ordered = numpy.sort(values)
    below = numpy.searchsorted(ordered, values, "left")
    above = numpy.searchsorted(ordered, values, "right")
    return below + above - 1, 2 * (count - 1)


def quantile(ordered, q):
    """Linear-interpolation quantile of a sorted non-empty sequence (like numpy's default)."""
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

    Returns ``(normalised array, reference value)``; the reference is in the values' own
    unit (e.g. followers), 0.0 when every value is 0.
    """
    values = numpy.asarray(values, float)
    if numpy.isnan(values).any():
        raise ValueError("Cannot normalise NaN values.")
    if (values < 0).any():
        raise ValueError(f"Cannot log-normalise a negative value ({values[values < 0][0]:g}).")
    # logs by math.log1p: the same digits on every platform, whatever numpy's own log1p does
    logs = numpy.fromiter(map(math.log1p, values.tolist()), float, len(values))
    positive = numpy.sort(logs[values > 0])
    if not len(positive):
        return numpy.zeros(len(values)), 0.0
    reference_log = quantile(positive.tolist(), q)
    top_log = float(positive[-1])
    band = top_log - reference_log
    with numpy.errstate(divide="ignore", invalid="ignore"):
        low = q * logs / reference_log
        high = numpy.minimum(1.0, q + (1.0 - q) * (logs - reference_log) / band)
    normalised = numpy.where(logs >= top_log, 1.0, numpy.where(logs <= reference_log, low, high))
    return normalised, math.expm1(reference_log)


def absolute_scores(followers, anchors):
    """Whole scores 0-100 of follower counts on a fixed log scale (the same for every
    company size): ``anchors`` are ``((followers, score), ...)`` in ascending order (see
    ``ScoringSettings.absolute_anchors``); the score is linear in ``log1p(followers)`` from
    (0, 0) through the anchors, the last anchor's score beyond it; followers reaching an
    anchor score at least its score (no rounding below a tier's floor). Rounded down to a
    whole score, as the percentiles are.

    With the default tiers and floors (1,000 followers = 70, multiplier; 10,000 = 90, top
    influencer; 100,000 = 100): 35 followers give 36, 300 give 57, 3,000 give 79.
    """
    values = numpy.asarray(followers, float)
    if numpy.isnan(values).any():
        raise ValueError("Cannot scale NaN values.")
    values = numpy.maximum(values, 0.0)
    logs = numpy.fromiter(map(math.log1p, values.tolist()), float, len(values))
    points = [0.0, *(math.log1p(count) for count, _score in anchors)]
    scores = numpy.interp(logs, points, [0.0, *(score for _count, score in anchors)])
    for count, score in anchors:
        scores = numpy.where(values >= count, numpy.maximum(scores, score), scores)
    return numpy.floor(scores)
