"""Crisis watch: is a conversation or a brand keyword suddenly much louder than usual?

Counts are kept per key (a conversation, a brand keyword) in buckets of ``BUCKET_MINUTES``;
the watch compares the last ``WINDOW_MINUTES`` with what the company usually sees.

Statistic: a one-sided **Poisson tail test**. Under the company's own baseline rate ``λ`` (the
expected count in one window), the chance of seeing ``k`` or more is ``P(X ≥ k | λ)``; below
``alpha`` the window is unusual. Many keys are tested in every batch, so ``alpha`` is small
(1e-6) and two guards keep the watch quiet on normal days: a minimum count (a handful of angry
posts is not a crisis) and a minimum ratio to the baseline (a big keyword 30 % above its mean is
significant but not a crisis).

- pile-on: complaints in one conversation, against the company's mean complaints per active
  conversation and window (``conversation_rate``), at least ``floor``;
- spike: posts mentioning a brand keyword, against the keyword's own mean per window over the
  baseline period (new keywords learn first: no alert without enough history).

No Odoo import: the model gathers counts and applies verdicts.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

BUCKET_MINUTES = 10
WINDOW_MINUTES = 60
#: the period the baseline is learned from
BASELINE_DAYS = 7
#: history needed before a keyword can alert (hours)
MIN_HISTORY_HOURS = 24


@dataclass(frozen=True)
class Rule:
    """When a window's count is a crisis: ``P(X ≥ observed | expected) < alpha`` and
    ``observed ≥ min_count`` and ``observed ≥ min_ratio × expected``; ``expected`` is never
    taken below ``floor``."""

    alpha: float = 1e-6
    min_count: int = 8
    min_ratio: float = 3.0
    floor: float = 1.0


PILE_ON = Rule(alpha=1e-6, min_count=8, min_ratio=3.0, floor=1.0)
SPIKE = Rule(alpha=1e-6, min_count=30, min_ratio=3.0, floor=3.0)


@dataclass(frozen=True)
class Verdict:
    kind: str  # "pile_on" | "spike"
    key: str
    observed: int
    expected: float
    p_value: float
    alert: bool


def poisson_tail(k, lam):
    """``P(X ≥ k)`` for ``X ~ Poisson(lam)``, summed from ``k`` upwards in log space (exact
    for tiny tails, where ``1 - cdf`` would round to 0)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total, i = term, k
    while term > total * 1e-15 and i < k + 10_000:
        i += 1
        term *= lam / i
        total += term
    return min(total, 1.0)


def assess(kind, key, observed, expected, rule):
    """The verdict of one window: ``observed`` posts against ``expected`` (the baseline)."""
    expected = max(float(expected or 0.0), rule.floor)
    p_value = poisson_tail(observed, expected)
    alert = (
        observed >= rule.min_count
        and observed >= rule.min_ratio * expected
        and p_value < rule.alpha
    )
    return Verdict(kind, key, int(observed), expected, p_value, alert)


def bucket_start(when, minutes=BUCKET_MINUTES):
    """The start of the bucket holding ``when`` (naive UTC datetime)."""
    floored = when.replace(second=0, microsecond=0)
    return floored - timedelta(minutes=floored.minute % minutes)


def window_start(when, window=WINDOW_MINUTES, bucket=BUCKET_MINUTES):
    """The first bucket of the window ending with the bucket of ``when``."""
    return bucket_start(when, bucket) - timedelta(minutes=window - bucket)


def keyword_pattern(keywords):
    """One compiled pattern for the brand keywords (whole words, any case), or ``None``."""
    # the longest first: "acme bank" is one mention, not also one of "acme"
    words = sorted(
        {word.strip().casefold() for word in keywords if word and word.strip()},
        key=lambda word: (-len(word), word),
    )
    if not words:
        return None
    return re.compile(
        r"(?<![\w#@])[#@]?(" + "|".join(re.escape(word) for word in words) + r")(?!\w)",
        re.IGNORECASE,
    )


def keywords_in(text, pattern):
    """The brand keywords ``text`` mentions (casefolded), each once."""
    if not pattern or not text:
        return set()
    return {match.group(1).casefold() for match in pattern.finditer(text)}


@dataclass(frozen=True)
class Item:
    """What the watch needs of one stored post."""

    posted_at: datetime
    conversation: str  # "<network code>:<conversation key>"
    is_reply: bool
    is_complaint: bool
    text: str = ""


def count(items, pattern):
    """Counter {(kind, key, bucket start): [posts, complaints]} of a batch of items.

    ``conversation`` counts the replies of a conversation (its first post is not a reply);
    ``keyword`` counts every post mentioning the keyword."""
    counts = {}
    for item in items:
        start = bucket_start(item.posted_at)
        keys = [("keyword", word) for word in keywords_in(item.text, pattern)]
        if item.is_reply:
            keys.append(("conversation", item.conversation))
        for kind, key in keys:
            row = counts.setdefault((kind, key, start), [0, 0])
            row[0] += 1
            row[1] += int(item.is_complaint)
    return counts


def conversation_rate(total_complaints, active_windows):
    """The company's mean complaints per active conversation and window."""
    return total_complaints / active_windows if active_windows else 0.0


def keyword_rate(total_posts, history_minutes, window=WINDOW_MINUTES):
    """A keyword's mean posts per window over ``history_minutes`` of history."""
    if history_minutes < MIN_HISTORY_HOURS * 60:
        return None  # still learning
    return total_posts * window / history_minutes


def verdicts(windows, conv_rate, keyword_rates):
    """Verdicts of the windows ``{(kind, key): (posts, complaints)}``.

    :param conv_rate: the company's mean complaints per active conversation and window
    :param keyword_rates: {keyword: mean posts per window, or None while learning}
    """
    result = []
    for (kind, key), (posts, complaints) in sorted(windows.items()):
        if kind == "conversation":
            result.append(assess("pile_on", key, complaints, conv_rate, PILE_ON))
        elif kind == "keyword":
            rate = keyword_rates.get(key)
            if rate is not None:
                result.append(assess("spike", key, posts, rate, SPIKE))
    return result


def bucket_ends(first, last, bucket=BUCKET_MINUTES):
    """The buckets from the one of ``first`` to the one of ``last``."""
    end, stop = bucket_start(first, bucket), bucket_start(last, bucket)
    ends = []
    while end <= stop:
        ends.append(end)
        end += timedelta(minutes=bucket)
    return ends


def alerts(series, first, last, conv_rate, keyword_rates, window=WINDOW_MINUTES,
           bucket=BUCKET_MINUTES):
    """The alerts of a batch whose posts span ``first`` to ``last``: every window ending at a
    bucket of the batch is tested (a batch may span more than one window).

    :param series: {(kind, key): {bucket start: (posts, complaints)}} of the batch's keys,
        from ``window`` before ``first`` to ``last``
    :return: [(verdict, alerted at)]: per key, the strongest alerting window, and the end of
        the first window that alerted (never after ``last``)
    """
    span = timedelta(minutes=window - bucket)
    strongest, first_end = {}, {}
    for end in bucket_ends(first, last, bucket):
        windows = {}
        for key, buckets in series.items():
            posts = complaints = 0
            for start, (p, c) in buckets.items():
                if end - span <= start <= end:
                    posts += p
                    complaints += c
            if posts:
                windows[key] = (posts, complaints)
        for verdict in verdicts(windows, conv_rate, keyword_rates):
            if not verdict.alert:
                continue
            key = (verdict.kind, verdict.key)
            first_end.setdefault(key, min(end + timedelta(minutes=bucket), last))
            if key not in strongest or verdict.observed > strongest[key].observed:
                strongest[key] = verdict
    return [(verdict, first_end[key]) for key, verdict in sorted(strongest.items())]


__all__ = [
    "BUCKET_MINUTES",
    "Item",
    "PILE_ON",
    "Rule",
    "SPIKE",
    "Verdict",
    "alerts",
    "assess",
    "bucket_ends",
    "bucket_start",
    "conversation_rate",
    "count",
    "keyword_pattern",
    "keyword_rate",
    "keywords_in",
    "poisson_tail",
    "verdicts",
    "window_start",
]
