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


def test_working_hours_count_when_nobody_is_online():
    dispatcher = Dispatcher("least_open", [1, 2, 3], online=set(), working={2},
                            scheduled={1, 2})
    assert dispatcher.pick() == 2
    assert dispatcher.why(2) == "working_hours"


def test_presence_first_then_schedule():
    # 1 online outside their hours, 2 in their hours: both on duty, each for its reason
    dispatcher = Dispatcher("round_robin", [1, 2], online={1}, working={2}, scheduled={1, 2})
    assert [dispatcher.pick(), dispatcher.pick()] == [1, 2]
    assert (dispatcher.why(1), dispatcher.why(2)) == ("online", "working_hours")


def test_presence_unknown_scheduled_members_off_duty_outside_their_hours():
    # nobody's presence known: 1 and 2 have schedules and are off, 3 has none (as before)
    dispatcher = Dispatcher("least_open", [1, 2, 3], online=None, working=set(),
                            scheduled={1, 2})
    assert dispatcher.candidates == [3]
    assert dispatcher.why(3) == "unknown"
    everyone_scheduled = Dispatcher("least_open", [1, 2], online=None, scheduled={1, 2})
    assert everyone_scheduled.pick() is None


def test_nobody_on_duty_falls_back_to_the_leader():
    dispatcher = Dispatcher("least_open", [1, 2], online=set(), scheduled={1}, fallback=9)
    assert [dispatcher.pick(), dispatcher.pick()] == [9, 9]
    assert dispatcher.why(9) == "fallback"
    assert Dispatcher("none", [1], online=set(), fallback=9).pick() is None
    # a member on duty goes before the leader
    assert Dispatcher("least_open", [1], online={1}, fallback=9).pick() == 1


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


def test_off_duty_owner_for_a_ticket_that_must_have_one():
    """Nobody on duty, no leader on duty: a ticket that must have an owner goes to the member
    not on leave with the fewest open tickets (then the next one), else to the leader."""
    dispatcher = Dispatcher("least_open", [1, 2, 3], online=set(), open_counts={1: 1, 2: 4},
                            available={1, 2}, leader=9)
    assert dispatcher.pick() is None
    assert dispatcher.pick_off_duty() == 1
    assert dispatcher.why(1) == "off_duty"
    assert dispatcher.pick_off_duty() == 1  # 2 open tickets against 4
    everyone_away = Dispatcher("round_robin", [1, 2], online=set(), available=set(), leader=9)
    assert everyone_away.pick_off_duty() == 9
    assert everyone_away.why(9) == "leader_off_duty"
    assert Dispatcher("least_open", [1], online=set(), available=set()).pick_off_duty() is None
    assert Dispatcher("none", [1], online=set(), leader=9).pick_off_duty() is None


def test_a_leader_on_leave_is_the_last_resort():
    """Every member on leave and the leader too: :meth:`pick_off_duty` leaves the choice to
    the caller (a helpdesk manager present first); :meth:`pick_leader` takes the leader."""
    away = Dispatcher("least_open", [1, 2], online=set(), available=set(), leader=9,
                      away={1, 2, 9})
    assert away.pick_off_duty() is None
    assert away.pick_leader() == 9
    assert away.why(9) == "leader_off_duty"
    assert Dispatcher("none", [1], online=set(), leader=9, away={9}).pick_leader() is None
