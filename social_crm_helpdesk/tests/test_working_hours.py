# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who is on duty when a complaint arrives: online in Odoo first, else inside the working hours
of the agent's resource (``resource.calendar``, in the resource's time zone) and not on leave;
nobody on duty: the team leader when on duty, else the ticket waits unassigned. Time frozen at
known hours of December 2026 (Monday the 7th, Saturday the 12th, Christmas on Friday the 25th)."""

import datetime as dt

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ArrivalCase

MON_2300_BERLIN = dt.datetime(2026, 12, 7, 22, 0)  # UTC
MON_1000_BERLIN = dt.datetime(2026, 12, 7, 9, 0)
MON_1730_BERLIN = dt.datetime(2026, 12, 7, 16, 30)  # 11:30 in New York
SAT_1100_BERLIN = dt.datetime(2026, 12, 12, 10, 0)
XMAS_1600_BERLIN = dt.datetime(2026, 12, 25, 15, 0)  # 10:00 in New York


@tagged("post_install", "-at_install")
class TestWorkingHours(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = cls.calendar("Office Berlin", "Europe/Berlin", range(5), 9, 17)
        cls.late = cls.calendar("Late shift Berlin", "Europe/Berlin", range(5), 15, 23.5)
        cls.weekend = cls.calendar("Weekend Berlin", "Europe/Berlin", (5, 6), 9, 17)

    @classmethod
    def calendar(cls, name, tz, days, hour_from, hour_to):
        return cls.env["resource.calendar"].create({
            "name": name, "tz": tz, "company_id": cls.company.id,
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": f"{name} {day}", "dayofweek": str(day),
                        "hour_from": hour_from, "hour_to": hour_to, "day_period": "morning"})
                for day in days
            ],
        })

    def schedule(self, user, calendar, tz="Europe/Berlin"):
        return self.env["resource.resource"].create({
            "name": user.name, "user_id": user.id, "calendar_id": calendar.id, "tz": tz,
            "company_id": self.company.id,
        })

    def assignment_note(self, ticket):
        return " ".join(ticket.message_ids.mapped("body"))

    def complaint_at(self, when, ext, critic=False):
        with freeze_time(when):
            if critic:
                return self.critic_post(ext=ext).ticket_id
            return self.ingest(self.complaint(ext, minutes_ago=1)).ticket_id

    # --- nights and weekends -------------------------------------------------------------------
    def test_night_goes_to_the_late_shift_not_to_the_fewest_tickets(self):
        """23:00 in Berlin, nobody in the web client (Odoo knows no presence): the critic with
        10,000 followers goes to the agent of the late shift, and the alert reaches them; before,
        every member counted and the one with the fewest tickets (off duty) got it."""
        self.schedule(self.agent, self.office)
        self.schedule(self.bert, self.late)
        self.schedule(self.cleo, self.office)
        self.Ticket.create([{"name": f"busy {i}", "description": "x", "team_id": self.team.id,
                             "user_id": self.bert.id} for i in range(3)])
        ticket = self.complaint_at(MON_2300_BERLIN, "night", critic=True)
        self.assertEqual(ticket.user_id, self.bert)
        self.assertIn("within their working hours in Social Care Test",
                      self.assignment_note(ticket))
        self.assertIn("Owner: Bert Agent", self.channel_messages().body)
        # at 10:00 the office is in: the fewest open tickets among the three
        ticket = self.complaint_at(MON_1000_BERLIN, "morning")
        self.assertIn(ticket.user_id, self.agent | self.cleo)

    def test_weekend_nobody_on_duty_top_ticket_to_a_member_leader_off(self):
        """Saturday, all members work Monday to Friday, the leader has no schedule and is not
        online: the critic's ticket goes to the member with the fewest open tickets (it must
        have an owner), saying why, and the alert says so (before: it waited unassigned); a
        regular complaint waits unassigned, saying why."""
        for user in (self.agent, self.bert, self.cleo):
            self.schedule(user, self.office)
        self.Ticket.create([{"name": f"busy {i}", "description": "x", "team_id": self.team.id,
                             "user_id": user.id}
                            for i, user in enumerate((self.agent, self.cleo))])
        ticket = self.complaint_at(SAT_1100_BERLIN, "sat-1", critic=True)
        self.assertEqual(ticket.user_id, self.bert)
        self.assertIn("Bert Agent although no member is online or within their working hours",
                      self.assignment_note(ticket))
        self.assertIn("Owner: Bert Agent (assigned to them although nobody was on duty)",
                      self.channel_messages().body)
        regular = self.complaint_at(SAT_1100_BERLIN, "sat-1-regular")
        self.assertFalse(regular.user_id)
        self.assertIn("no member of Social Care Test is online or within their working hours",
                      self.assignment_note(regular))

    def test_weekend_nobody_on_duty_goes_to_the_leader_on_duty(self):
        """Saturday, the leader works weekends: the leader owns it, and the note says why."""
        for user in (self.agent, self.bert, self.cleo):
            self.schedule(user, self.office)
        self.schedule(self.leader, self.weekend)
        ticket = self.complaint_at(SAT_1100_BERLIN, "sat-2")
        self.assertEqual(ticket.user_id, self.leader)
        self.assertIn("Lea Leader, leader of Social Care Test: no member is online or within "
                      "their working hours", self.assignment_note(ticket))
        # the leader online on Sunday night, without a Sunday night schedule: still the leader
        self.env["resource.resource"].search([("user_id", "=", self.leader.id)]).unlink()
        self.online(self.leader)
        ticket = self.complaint_at(SAT_1100_BERLIN + dt.timedelta(days=1, hours=12), "sun")
        self.assertEqual(ticket.user_id, self.leader)

    # --- leaves and time zones -----------------------------------------------------------------
    def test_public_holiday_and_personal_leave(self):
        """Christmas is a leave of the whole Berlin calendar: its agents are off; Cleo works
        from New York (her own working time, no holiday there). On Monday the 28th Agnes is on
        leave (her own), Bert works."""
        us_office = self.calendar("Office New York", "America/New_York", range(5), 9, 17)
        self.schedule(self.agent, self.office)
        self.schedule(self.bert, self.office)
        self.schedule(self.cleo, us_office, tz="America/New_York")
        agnes = self.env["resource.resource"].search([("user_id", "=", self.agent.id)])
        self.env["resource.calendar.leaves"].create([
            {"name": "Christmas", "calendar_id": self.office.id, "company_id": self.company.id,
             "date_from": dt.datetime(2026, 12, 24, 23, 0),
             "date_to": dt.datetime(2026, 12, 25, 22, 59, 59)},
            {"name": "Agnes off", "calendar_id": self.office.id, "resource_id": agnes.id,
             "company_id": self.company.id,
             "date_from": dt.datetime(2026, 12, 27, 23, 0),
             "date_to": dt.datetime(2026, 12, 28, 22, 59, 59)},
        ])
        self.Ticket.create([{"name": f"busy {i}", "description": "x", "team_id": self.team.id,
                             "user_id": self.cleo.id} for i in range(3)])
        ticket = self.complaint_at(XMAS_1600_BERLIN, "xmas")
        self.assertEqual(ticket.user_id, self.cleo)
        # Monday 28th, 10:00 in Berlin (04:00 in New York): Agnes on leave, Bert works
        for ext in ("leave-1", "leave-2"):
            ticket = self.complaint_at(dt.datetime(2026, 12, 28, 9, 0), ext)
            self.assertEqual(ticket.user_id, self.bert)

    def test_working_hours_in_the_resources_time_zone(self):
        """One working time, 9 to 17: read in Berlin for Agnes and Bert, in New York for Cleo.
        17:30 in Berlin is 11:30 in New York: only Cleo works."""
        self.schedule(self.agent, self.office)
        self.schedule(self.bert, self.office)
        self.schedule(self.cleo, self.office, tz="America/New_York")
        self.Ticket.create([{"name": f"busy {i}", "description": "x", "team_id": self.team.id,
                             "user_id": self.cleo.id} for i in range(3)])
        for ext in ("tz-1", "tz-2"):
            ticket = self.complaint_at(MON_1730_BERLIN, ext)
            self.assertEqual(ticket.user_id, self.cleo)

    # --- presence first ------------------------------------------------------------------------
    def test_presence_goes_before_the_schedule(self):
        """Online at 23:00 outside their hours: on duty. At 10:00, Bert offline (the mobile
        app) but in his hours: on duty; Agnes set herself "do not disturb": not on duty;
        Cleo has no schedule and is not online while others' presence is known: not on duty."""
        for user in (self.agent, self.bert):
            self.schedule(user, self.office)
        self.online(self.cleo)
        ticket = self.complaint_at(MON_2300_BERLIN, "pres-1")
        self.assertEqual(ticket.user_id, self.cleo)
        self.assertIn("Cleo Agent, on duty in Social Care Test", self.assignment_note(ticket))
        self.env["mail.presence"].sudo().search([("user_id", "=", self.cleo.id)]).unlink()
        self.online(self.bert, status="offline")
        self.online(self.agent)
        self.agent.manual_im_status = "busy"
        self.env["res.users"].invalidate_model(["im_status"])
        for ext in ("pres-2", "pres-3"):
            ticket = self.complaint_at(MON_1000_BERLIN, ext)
            self.assertEqual(ticket.user_id, self.bert)
        self.assertIn("Bert Agent, within their working hours", self.assignment_note(ticket))

    def test_members_without_schedule_keep_the_presence_rule(self):
        """No schedule anywhere, no presence known: every member counts, as before."""
        ticket = self.complaint_at(MON_2300_BERLIN, "none-1")
        self.assertIn(ticket.user_id, self.team.user_ids)
        self.assertIn("every member counts as on duty", self.assignment_note(ticket))

    # --- cost ----------------------------------------------------------------------------------
    def test_schedules_read_per_calendar_not_per_user(self):
        """The dispatcher reads the schedules of a team in the same queries for three
        members as for six (one working time, one time zone), leaves included."""
        for user in (self.agent, self.bert, self.cleo):
            self.schedule(user, self.office)
        self.env["resource.calendar.leaves"].create({
            "name": "Christmas", "calendar_id": self.office.id, "company_id": self.company.id,
            "date_from": dt.datetime(2026, 12, 24, 23, 0),
            "date_to": dt.datetime(2026, 12, 25, 22, 59, 59)})

        def queries():
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            with freeze_time(MON_1000_BERLIN):
                dispatcher = self.team._social_dispatchers()[self.team]
            return dispatcher, self.env.cr.sql_log_count - before

        dispatcher, three = queries()
        self.assertEqual(len(dispatcher.candidates), 3)
        more = self.env["res.users"]
        for i in range(3):
            user = self.leader.copy({"login": f"sh_more_{i}", "name": f"More {i}"})
            self.schedule(user, self.office)
            more |= user
        self.team.user_ids |= more
        dispatcher, six = queries()
        self.assertEqual(len(dispatcher.candidates), 6)
        self.assertEqual(six, three)

    # --- the switches of summer time ----------------------------------------------------------
    def test_office_hours_follow_summer_time(self):
        """The office opens at 9:00 Berlin time on both sides of the switches (last Sundays of
        March and October 2026): 07:30 UTC is 08:30 on Friday 27 March (closed) and 09:30 on
        Monday 30 March (open); 08:30 UTC is 09:30 on Monday 26 October (open) and 07:30 UTC
        08:30 there (closed). The regular complaint goes to the office agent when open, and
        waits unassigned (nobody else on duty) when closed."""
        self.schedule(self.agent, self.office)
        self.schedule(self.bert, self.weekend)
        self.schedule(self.cleo, self.weekend)
        for when, ext, open_ in (
            (dt.datetime(2026, 3, 27, 7, 30), "dst-fri", False),
            (dt.datetime(2026, 3, 30, 7, 30), "dst-mon", True),
            (dt.datetime(2026, 10, 26, 8, 30), "dst-oct-open", True),
            (dt.datetime(2026, 10, 26, 7, 30), "dst-oct-closed", False),
        ):
            ticket = self.complaint_at(when, ext)
            self.assertEqual(ticket.user_id, self.agent if open_ else self.env["res.users"],
                             f"{ext} at {when} UTC")
