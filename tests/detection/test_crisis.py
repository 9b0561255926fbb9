"""Crisis watch statistics (plain Python)."""

import math
from datetime import datetime, timedelta

from detection import crisis

T0 = datetime(2026, 3, 2, 9, 3, 17)


def test_poisson_tail_matches_the_textbook():
    assert crisis.poisson_tail(0, 2.0) == 1.0
    # P(X >= 1 | 2) = 1 - e^-2
    assert math.isclose(crisis.poisson_tail(1, 2.0), 1 - math.exp(-2), rel_tol=1e-12)
    # P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2)
    assert math.isclose(crisis.poisson_tail(3, 1.0), 1 - math.exp(-1) * 2.5, rel_tol=1e-12)
    # tiny tails stay exact (1 - cdf would be 0.0)
    tail = crisis.poisson_tail(60, 1.0)
    assert 0 < tail < 1e-80
    assert crisis.poisson_tail(5, 0.0) == 0.0


def test_pile_on_needs_count_ratio_and_significance():
    quiet = crisis.assess("pile_on", "x:1", 3, 0.2, crisis.PILE_ON)
    assert not quiet.alert  # a few complaints: below the minimum count
    assert quiet.expected == crisis.PILE_ON.floor
    loud = crisis.assess("pile_on", "x:1", 12, 0.2, crisis.PILE_ON)
    assert loud.alert and loud.p_value < 1e-6
    # a conversation that is always busy is not a crisis at 1.3 times its usual level
    busy = crisis.assess("spike", "acme", 130, 100.0, crisis.SPIKE)
    assert not busy.alert and busy.p_value < 1e-2


def test_buckets_and_windows():
    assert crisis.bucket_start(T0) == datetime(2026, 3, 2, 9, 0)
    assert crisis.window_start(T0) == datetime(2026, 3, 2, 8, 10)


def test_keywords_whole_words_any_case_with_hashtags():
    pattern = crisis.keyword_pattern(["Acme", "acme bank", " ", ""])
    assert crisis.keywords_in("#ACME is down, @acme help", pattern) == {"acme"}
    assert crisis.keywords_in("Acme Bank closed my account", pattern) == {"acme bank"}
    assert crisis.keywords_in("acmes and macme", pattern) == set()
    assert crisis.keyword_pattern([]) is None
    assert crisis.keywords_in("acme", None) == set()


def test_count_a_batch():
    pattern = crisis.keyword_pattern(["acme"])
    items = [
        crisis.Item(T0, "x:1", False, True, "Acme root post"),
        crisis.Item(T0, "x:1", True, True, "me too, acme"),
        crisis.Item(T0 + timedelta(minutes=1), "x:1", True, False, "just a reply"),
        crisis.Item(T0 + timedelta(minutes=20), "x:1", True, True, ""),
    ]
    counts = crisis.count(items, pattern)
    b0 = datetime(2026, 3, 2, 9, 0)
    b2 = datetime(2026, 3, 2, 9, 20)
    assert counts[("conversation", "x:1", b0)] == [2, 1]  # the root post is not a reply
    assert counts[("conversation", "x:1", b2)] == [1, 1]
    assert counts[("keyword", "acme", b0)] == [2, 2]


def test_verdicts_learn_keywords_first():
    assert crisis.keyword_rate(1000, 60) is None  # one hour of history: learning
    rate = crisis.keyword_rate(24 * 20, 24 * 60)  # 20 posts an hour for a day
    assert rate == 20.0
    assert crisis.conversation_rate(30, 60) == 0.5
    assert crisis.conversation_rate(0, 0) == 0.0
    windows = {
        ("conversation", "x:1"): (40, 25),
        ("conversation", "x:2"): (4, 2),
        ("keyword", "acme"): (200, 20),
        ("keyword", "newword"): (500, 0),
    }
    found = crisis.verdicts(windows, 0.3, {"acme": rate, "newword": None})
    alerts = {(v.kind, v.key) for v in found if v.alert}
    assert alerts == {("pile_on", "x:1"), ("spike", "acme")}
    assert {v.key for v in found} == {"x:1", "x:2", "acme"}  # the learning keyword is skipped


def test_alerts_test_every_window_of_a_long_batch():
    """A batch spanning hours: the pile-on in its middle is found, alerted at the end of the
    first window that crossed, reported with its strongest window."""
    b = crisis.bucket_start
    start = datetime(2026, 3, 2, 6, 0)
    series = {("conversation", "x:1"): {}, ("keyword", "acme"): {}}
    for i in range(18):  # three hours of buckets
        when = start + timedelta(minutes=10 * i)
        series[("keyword", "acme")][b(when)] = (5, 0)
    for i, complaints in enumerate((1, 4, 5, 6, 2)):  # from 7:00, 18 complaints in 50 min
        series[("conversation", "x:1")][start + timedelta(minutes=60 + 10 * i)] = (
            complaints, complaints)
    last = start + timedelta(hours=3)
    found = crisis.alerts(series, start, last, 0.2, {"acme": 30.0})
    assert len(found) == 1
    verdict, alerted_at = found[0]
    assert (verdict.kind, verdict.key, verdict.observed) == ("pile_on", "x:1", 18)
    # 1 + 4 + 5 = 10 complaints by the end of the 7:20 bucket: alerted at 7:30
    assert alerted_at == datetime(2026, 3, 2, 7, 30)
    assert crisis.bucket_ends(start, start + timedelta(minutes=25)) == [
        start, start + timedelta(minutes=10), start + timedelta(minutes=20)]
