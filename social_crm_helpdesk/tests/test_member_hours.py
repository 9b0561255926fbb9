# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A helpdesk lead sets the working hours of the team's members on the team (without ``hr``
there is no other screen; ``res.users.resource_calendar_id`` of ``resource`` is lost on a user
without a resource): the resource is created in the user's company, and the assignment of
social tickets uses it. Only helpdesk managers, only for their teams' members."""

import contextlib
import datetime as dt

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ArrivalCase

MON_2300_BERLIN = dt.datetime(2026, 12, 7, 22, 0)  # UTC


@tagged("post_install", "-at_install")
class TestMemberHours(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="sh_hd_manager", name="Hanna Lead", tz="Europe/Berlin",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.office = cls.calendar("Office Berlin", range(5), 9, 17)
        cls.late = cls.calendar("Late shift Berlin", range(5), 15, 23.5)
        cls.Resource = cls.env["resource.resource"]

    @classmethod
    def calendar(cls, name, days, hour_from, hour_to):
        return cls.env["resource.calendar"].create({
            "name": name, "tz": "Europe/Berlin", "company_id": cls.company.id,
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": f"{name} {day}", "dayofweek": str(day),
                        "hour_from": hour_from, "hour_to": hour_to, "day_period": "morning"})
                for day in days
            ],
        })

    @contextlib.contextmanager
    def request_of(self, user):
        """As in the web client's request of ``user``: x2many commands on users run as the
        request's user (res.users refuses sudo commands), not as the test's superuser."""
        transaction = self.env.transaction
        default = transaction.default_env
        transaction.default_env = self.env(user=user)
        try:
            yield
        finally:
            transaction.default_env = default

    def complaint_at(self, when, ext):
        with freeze_time(when):
            return self.ingest(self.complaint(ext, minutes_ago=1)).ticket_id

    def test_manager_sets_members_hours_on_the_team_and_dispatch_uses_them(self):
        """The lead (helpdesk manager, no Settings rights) sets the hours of the members, none
        of whom has a resource, in the team's member list as the web client saves it: the
        resources are created (the user's company, the given or the user's time zone); at
        23:00 the member of the late shift gets the complaint. Changing them later writes the
        same resources."""
        members = self.agent | self.bert | self.cleo
        self.assertFalse(self.Resource.search([("user_id", "in", members.ids)]))
        self.assertFalse(self.manager.has_group("base.group_erp_manager"))
        # the gap: Odoo's own field is lost on a user without a resource
        self.bert.resource_calendar_id = self.late
        self.assertFalse(self.bert.resource_ids)

        team = self.team.with_user(self.manager)
        with self.request_of(self.manager):
            team.write({"user_ids": [
                Command.update(self.agent.id, {"social_calendar_id": self.office.id}),
                Command.update(self.bert.id, {"social_calendar_id": self.late.id,
                                              "social_resource_tz": "Europe/Berlin"}),
                Command.update(self.cleo.id, {"social_calendar_id": self.office.id,
                                              "social_resource_tz": "Europe/Berlin"}),
            ]})
        bert = self.Resource.search([("user_id", "=", self.bert.id)])
        self.assertRecordValues(bert, [{
            "calendar_id": self.late.id, "tz": "Europe/Berlin",
            "company_id": self.bert.company_id.id, "name": "Bert Agent",
        }])
        self.assertEqual(self.bert.resource_calendar_id, self.late)
        agnes = self.Resource.search([("user_id", "=", self.agent.id)])
        self.assertEqual(agnes.tz, self.agent.tz or "Europe/Berlin")
        # the member list as the web client reads it
        data = team.web_read({"user_ids": {"fields": {
            "social_calendar_id": {"fields": {"display_name": {}}}, "social_resource_tz": {},
        }}})[0]["user_ids"]
        self.assertIn({"id": self.bert.id, "social_calendar_id": {
            "id": self.late.id, "display_name": "Late shift Berlin"},
            "social_resource_tz": "Europe/Berlin"}, data)

        ticket = self.complaint_at(MON_2300_BERLIN, "late-1")
        self.assertEqual(ticket.user_id, self.bert)

        # swapped: the same resources, no second one
        with self.request_of(self.manager):
            team.write({"user_ids": [
                Command.update(self.agent.id, {"social_calendar_id": self.late.id}),
                Command.update(self.bert.id, {"social_calendar_id": self.office.id}),
            ]})
        self.assertEqual(self.Resource.search([("user_id", "=", self.bert.id)]), bert)
        self.assertEqual(bert.calendar_id, self.office)
        ticket = self.complaint_at(MON_2300_BERLIN, "late-2")
        self.assertEqual(ticket.user_id, self.agent)

    def test_member_added_and_given_hours_in_one_save(self):
        """The lead adds a member and sets their hours before saving the team (the web client
        sends the link, then the update): the hours are set, the member being the team's."""
        dora = new_test_user(self.env, login="sh_dora", name="Dora New",
                             groups="base.group_user,helpdesk_mgmt.group_helpdesk_user")
        with self.request_of(self.manager):
            self.team.with_user(self.manager).write({"user_ids": [
                Command.link(dora.id),
                Command.update(dora.id, {"social_calendar_id": self.late.id}),
            ]})
        self.assertIn(dora, self.team.user_ids)
        self.assertEqual(self.Resource.search([("user_id", "=", dora.id)]).calendar_id, self.late)
        # a new team with its members and their hours at once
        team = self.env["helpdesk.ticket.team"].with_user(self.manager).create({
            "name": "Night Team", "user_ids": [
                Command.link(self.cleo.id),
                Command.update(self.cleo.id, {"social_calendar_id": self.late.id}),
            ],
        })
        self.assertEqual(team.user_ids, self.cleo)
        self.assertEqual(self.cleo.resource_ids.calendar_id, self.late)

    def test_only_managers_and_only_their_teams_members(self):
        """A helpdesk manager may not set the hours of someone in no team of theirs, nor
        change anything else of a member; an agent may not set hours, not even their own."""
        outsider = new_test_user(self.env, login="sh_outsider", name="Otto Outsider",
                                 groups="base.group_user")
        Users = self.env["res.users"].with_user(self.manager)
        with self.assertRaises(AccessError):
            Users.browse(outsider.id).write({"social_calendar_id": self.office.id})
        with self.request_of(self.manager), self.assertRaises(AccessError):
            self.team.with_user(self.manager).write(
                {"user_ids": [Command.update(self.bert.id, {"name": "Bertram"})]}
            )
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(self.bert).browse(self.bert.id).write(
                {"social_calendar_id": self.late.id}
            )
        self.assertFalse(self.Resource.search([("user_id", "in", (outsider | self.bert).ids)]))
        # the team leader counts as the team's
        Users.browse(self.leader.id).write({"social_calendar_id": self.office.id})
        self.assertEqual(self.leader.resource_ids.calendar_id, self.office)

    def test_settings_user_form_and_time_off(self):
        """An administrator sets the hours on the user (Settings > Users, tab Calendar), also
        without a resource; the team's Time Off shows the calendar's public holiday and the
        member's own leave."""
        admin = self.env.ref("base.user_admin")
        self.env["res.users"].with_user(admin).browse(self.cleo.id).write(
            {"social_calendar_id": self.office.id}
        )
        cleo = self.Resource.search([("user_id", "=", self.cleo.id)])
        self.assertEqual(cleo.calendar_id, self.office)
        other = self.calendar("Other", range(5), 9, 17)
        leaves = self.env["resource.calendar.leaves"].create([
            {"name": "Christmas", "calendar_id": self.office.id, "company_id": self.company.id,
             "date_from": dt.datetime(2026, 12, 24, 23, 0),
             "date_to": dt.datetime(2026, 12, 25, 22, 59, 59)},
            {"name": "Cleo off", "calendar_id": self.office.id, "resource_id": cleo.id,
             "company_id": self.company.id,
             "date_from": dt.datetime(2026, 12, 27, 23, 0),
             "date_to": dt.datetime(2026, 12, 28, 22, 59, 59)},
            {"name": "Other holiday", "calendar_id": other.id, "company_id": self.company.id,
             "date_from": dt.datetime(2026, 12, 27, 23, 0),
             "date_to": dt.datetime(2026, 12, 28, 22, 59, 59)},
        ])
        action = self.team.with_user(self.manager).action_social_time_off()
        self.assertEqual(action["res_model"], "resource.calendar.leaves")
        self.assertEqual(action["context"]["default_calendar_id"], self.office.id)
        found = self.env["resource.calendar.leaves"].search(action["domain"])
        self.assertEqual(found, leaves[:2])

    def test_manager_reads_members_leaves_and_no_one_elses(self):
        """Before: the helpdesk manager who sets the members' working hours saw the public
        holidays in the team's Time Off, not the members' own leaves (resource's record rules:
        an employee reads their own leaves only). Now the leaves of the members and the leader
        of teams of the manager's companies, read only; not those of other users, nor of
        members of another company's team."""
        outsider = new_test_user(self.env, login="sh_outsider", name="Otto Outsider",
                                 groups="base.group_user")
        # a user of both companies, member of a team of the other company only
        other_company_member = new_test_user(
            self.env, login="sh_other_member", name="Olga Other", groups="base.group_user",
            company_id=self.other_company.id,
            company_ids=[(6, 0, (self.company | self.other_company).ids)],
        )
        self.env["helpdesk.ticket.team"].create({
            "name": "Other company's team", "company_id": self.other_company.id,
            "user_ids": [(6, 0, other_company_member.ids)],
        })
        users = self.cleo | self.leader | outsider
        self.env["res.users"].browse(users.ids).write({"social_calendar_id": self.office.id})
        resources = {r.user_id: r for r in self.Resource.search([("user_id", "in", users.ids)])}
        other_resource = self.Resource.create({
            "name": "Olga Other", "user_id": other_company_member.id,
            "company_id": self.company.id, "calendar_id": self.office.id,
        })
        Leave = self.env["resource.calendar.leaves"]

        def leave(name, resource, company=self.company):
            return Leave.create({
                "name": name, "resource_id": resource.id, "company_id": company.id,
                "calendar_id": resource.calendar_id.id,
                "date_from": dt.datetime(2026, 12, 27, 23, 0),
                "date_to": dt.datetime(2026, 12, 28, 22, 59, 59),
            })

        cleo_off = leave("Cleo off", resources[self.cleo])
        leader_off = leave("Lea off", resources[self.leader])
        outsider_off = leave("Otto off", resources[outsider])
        # in the manager's company, but of a member of another company's team only
        other_off = leave("Olga off", other_resource)
        as_manager = self.env(user=self.manager)
        action = self.team.with_env(as_manager).action_social_time_off()
        shown = as_manager["resource.calendar.leaves"].search(action["domain"])
        self.assertEqual(shown, cleo_off | leader_off)
        self.assertEqual(shown.mapped("name"), ["Cleo off", "Lea off"])
        everything = as_manager["resource.calendar.leaves"].search([])
        self.assertFalse(everything & (outsider_off | other_off))
        with self.assertRaises(AccessError):
            as_manager["resource.calendar.leaves"].browse(outsider_off.id).read(["name"])
        # read only
        with self.assertRaises(AccessError):
            as_manager["resource.calendar.leaves"].browse(cleo_off.id).write({"name": "x"})
        # the member is no longer in the team: no longer shown
        self.team.write({"user_ids": [(3, self.cleo.id)]})
        as_manager.invalidate_all()
        self.assertFalse(as_manager["resource.calendar.leaves"].search([("id", "=", cleo_off.id)]))
        # an agent (not a manager) still reads only their own
        agent_env = self.env(user=self.bert)
        self.assertFalse(agent_env["resource.calendar.leaves"].search(
            [("id", "in", (cleo_off | leader_off).ids)]))
