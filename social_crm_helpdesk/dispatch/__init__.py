"""Who takes a social ticket, and when it escalates (plain Python, no Odoo import).

:class:`Dispatcher` picks the assignee of each new ticket of one team::

    dispatcher = Dispatcher("least_open", members=[7, 9, 12], online={9, 12},
                            open_counts={9: 4, 12: 1}, last_assigned={9: t1})
    user_id = dispatcher.pick()          # 12, then counts 12 as having one more ticket

A member is on duty, in this order: (a) ``online``: Odoo knows them to be present (web
client open, not "away" or "do not disturb"); else (b) ``working``: inside their working
schedule now and not on leave. Presence comes first: it is what the agent does now (an agent
online at 23:00 covers the evening), the schedule is the plan for whoever Odoo does not see
(the mobile app, a closed browser). ``online`` is None when Odoo knows the presence of none of
the members (nobody ever opened the web client, e.g. a database fed by the API): then every
member without a schedule (not in ``scheduled``) is a candidate as well, as before schedules
counted. When no member is on duty, ``fallback`` (the team leader when on duty by the same
rules) is picked, else nobody: the ticket stays unassigned.

A ticket that must have an owner whoever is on duty (a top influencer's complaint, bank or
card data: the product's alerts) asks :meth:`Dispatcher.pick_off_duty` when :meth:`pick`
found nobody: the member with the fewest open tickets among those ``available`` (not on
leave), ties as round robin, else the team ``leader`` (on duty or not, but not on leave),
else nobody.

:func:`escalation_due` says which escalation step of a ticket is due: "half" when half the
time to the first-response deadline has passed without a reply, "missed" once the deadline
has passed; each step once.
"""

from __future__ import annotations

import datetime as dt

MODES = ("none", "round_robin", "least_open")
STEPS = ("half", "missed")


class Dispatcher:
    """Assignees for the new tickets of one team, in turn (state kept between picks).

    ``mode``: "none" (never assign), "round_robin" (the candidate assigned longest ago, or
    never, first; ties by member order), "least_open" (the candidate with the fewest open
    tickets; ties as round robin). ``members``: the team's user ids in the team's order.
    ``online``, ``working``, ``scheduled`` (members with a working schedule), ``fallback``:
    see the module docstring. ``available``: members not on leave now; ``leader``: the team
    leader's id (for :meth:`pick_off_duty`), ``away``: the leader's and members' ids on leave
    (a leader on leave is picked last: :meth:`pick_off_duty`). ``open_counts``: {user id:
    open tickets}; ``last_assigned``: {user id: datetime of the last ticket assigned to them}.
    """

    def __init__(self, mode, members, online=None, open_counts=None, last_assigned=None,
                 working=(), scheduled=(), fallback=None, available=None, leader=None,
                 away=()):
        if mode not in MODES:
            raise ValueError(f"Unknown assignment mode {mode!r}; expected one of {MODES}.")
        self.mode = mode
        self.members = list(dict.fromkeys(members))
        self.presence_known = online is not None
        self.scheduled = set(scheduled or ()) & set(self.members)
        self._why = {}
        for uid in self.members:
            if uid in (online or ()):
                self._why[uid] = "online"
            elif uid in (working or ()):
                self._why[uid] = "working_hours"
            elif not self.presence_known and uid not in self.scheduled:
                self._why[uid] = "unknown"
        self.candidates = [uid for uid in self.members if uid in self._why]
        self.fallback = fallback
        self.available = [
            uid for uid in self.members if available is None or uid in set(available)
        ]
        self.leader = leader
        self.away = set(away or ())
        self.open_counts = {uid: int((open_counts or {}).get(uid) or 0) for uid in self.members}
        self.last_assigned = dict(last_assigned or {})
        self._turn = 0  # picks made: later picks count as more recent than any date
        self._off_duty = {}  # uid -> "off_duty" (a member) or "leader_off_duty"

    def _round_robin_key(self, uid):
        order = self.members.index(uid)
        last = self.last_assigned.get(uid)
        if isinstance(last, int):  # assigned by this dispatcher
            return (2, last, order)
        if last is None:
            return (0, dt.datetime.min, order)
        return (1, last, order)

    def why(self, uid):
        """Why ``uid`` was picked: "online", "working_hours" (inside their schedule),
        "unknown" (presence unknown in the team and no schedule: on duty as before schedules
        counted) or "fallback" (nobody on duty: the team leader, on duty)."""
        if uid in self._why:
            return self._why[uid]
        if uid == self.fallback:
            return "fallback"
        return self._off_duty.get(uid)

    def pick(self):
        """The user id for the next ticket, or None (mode "none", or nobody on duty and no
        fallback)."""
        if self.mode == "none":
            return None
        if not self.candidates:
            return self.fallback or None
        if self.mode == "round_robin":
            uid = min(self.candidates, key=self._round_robin_key)
        else:
            uid = min(
                self.candidates,
                key=lambda user: (self.open_counts[user], self._round_robin_key(user)),
            )
        self._count(uid)
        return uid

    def _count(self, uid):
        self._turn += 1
        self.last_assigned[uid] = self._turn
        if uid in self.open_counts:
            self.open_counts[uid] += 1

    def pick_off_duty(self):
        """The owner of a ticket that must have one when :meth:`pick` found nobody on duty:
        the available member (not on leave) with the fewest open tickets, ties as round
        robin; else the leader not on leave; else None (the caller looks further: a helpdesk
        manager, see ``helpdesk.ticket.team._social_fallback_owner``). Mode "none" never
        assigns. ``why`` says "off_duty" or "leader_off_duty"."""
        if self.mode == "none":
            return None
        if self.available:
            uid = min(
                self.available,
                key=lambda user: (self.open_counts[user], self._round_robin_key(user)),
            )
            self._off_duty.setdefault(uid, "off_duty")
            self._count(uid)
            return uid
        if self.leader and self.leader not in self.away:
            return self.pick_leader()
        return None

    def pick_leader(self):
        """The leader (even on leave: the last resort of a ticket that must have an owner,
        when no helpdesk manager is present either), or None. ``why``: "leader_off_duty"."""
        if self.mode == "none" or not self.leader:
            return None
        self._off_duty.setdefault(self.leader, "leader_off_duty")
        return self.leader


def escalation_due(posted_at, deadline, now, replied_at=None, done=()):
    """The escalation step due for a ticket (or None): "missed" when ``now`` is past the
    ``deadline``, "half" when half the time from ``posted_at`` to the deadline has passed;
    never when the ticket was answered (``replied_at``) or the step is in ``done``. A
    ticket past its deadline whose "half" step never ran gets "missed" only (one alert,
    not two at once)."""
    if replied_at or not deadline or not posted_at:
        return None
    done = set(done or ())
    if now >= deadline:
        return None if "missed" in done else "missed"
    if now >= posted_at + (deadline - posted_at) / 2 and not done & set(STEPS):
        return "half"
    return None
