import datetime as dt

import pytest
from dispatch import Dispatcher, escalation_due

T0 = dt.datetime(2026, 12, 1, 9, 0)


def test_none_never_assigns():
    assert Dispatcher("none", [1, 2], online={1, 2}).pick() is None


def test_unknown_mode():
    with pytest.raises(ValueError, match="Unknown assignment mode"):
        Dispatcher("random", [1])


def test_round_robin_oldest_assignment_first():
    dispatcher = Dispatcher(
        "round_robin",
        [1, 2, 3],
        online={1, 2, 3},
        last_assigned={1: T0, 2: T0 - dt.timedelta(hours=1)},
    )
    # 3 was never assigned, then 2 (longest ago), then 1, then 3 again
    assert [dispatcher.pick() for _ in range(4)] == [3, 2, 1, 3]


def test_least_open_tickets():
    dispatcher = Dispatcher("least_open", [1, 2, 3], online={1, 2, 3},
                            open_counts={1: 5, 2: 1, 3: 2})
    # 2 has the fewest; on equal counts, the one assigned longest ago
    assert [dispatcher.pick() for _ in range(4)] == [2, 3, 2, 3]


def test_only_online_members():
    dispatcher = Dispatcher("least_open", [1, 2, 3], online={3}, open_counts={3: 9})
    assert dispatcher.pick() == 3
    assert dispatcher.presence_known


def test_nobody_online_leaves_unassigned():
    dispatcher = Dispatcher("round_robin", [1, 2], online=set())
    assert dispatcher.pick() is None


def test_presence_unknown_falls_back_to_all_members():
    dispatcher = Dispatcher("round_robin", [1, 2], online=None)
    assert not dispatcher.presence_known
    assert [dispatcher.pick(), dispatcher.pick()] == [1, 2]


def test_no_members():
    assert Dispatcher("least_open", [], online=None).pick() is None


def test_escalation_steps():
    deadline = T0 + dt.timedelta(minutes=15)
    assert escalation_due(T0, deadline, T0 + dt.timedelta(minutes=5)) is None
    assert escalation_due(T0, deadline, T0 + dt.timedelta(minutes=8)) == "half"
    assert escalation_due(T0, deadline, T0 + dt.timedelta(minutes=8), done={"half"}) is None
    assert escalation_due(T0, deadline, deadline, done={"half"}) == "missed"
    assert escalation_due(T0, deadline, deadline) == "missed"  # one step, not two
    assert escalation_due(T0, deadline, deadline, done={"half", "missed"}) is None
    answered = T0 + dt.timedelta(minutes=3)
    assert escalation_due(T0, deadline, deadline, replied_at=answered) is None
    assert escalation_due(None, deadline, deadline) is None
