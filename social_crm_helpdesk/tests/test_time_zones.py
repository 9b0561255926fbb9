# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A helpdesk in Berlin around midnight and the switches of summer time: the months of the
reaction-time KPIs are the user's, the times in the product's own alerts and escalations are
those of whom reads them (not OdooBot's, UTC in a database made without demo data), and the
to-dos the product gives are due on the assignee's day."""

import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ArrivalCase

BERLIN = "Europe/Berlin"


@tagged("post_install", "-at_install")
class TestTimeZones(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a database made without demo data: OdooBot, who runs the jobs, the listener and
        # the webhooks, has no time zone (UTC); the team works in Berlin
        cls.odoobot.partner_id.tz = False
        (cls.agent | cls.bert | cls.cleo | cls.leader).write({"tz": BERLIN})
        cls.company.partner_id.tz = BERLIN

    def product_env(self, model):
        """``model`` as a scheduled job, the stream listener or a webhook runs it: no user's
        time zone in the context."""
        return self.env(context={k: v for k, v in self.env.context.items() if k != "tz"})[model]

    def escalate(self):
        """The escalation cron's job as the cron runs it (its commits not done)."""
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.product_env("helpdesk.ticket")._cron_social_escalate()

    def berlin(self, value):
        return self.env["res.lang"].with_context(tz=BERLIN)._social_format_datetime(value)

    def utc(self, value):
        return self.env["res.lang"].with_context(tz="UTC")._social_format_datetime(value)

    # --- KPIs per month --------------------------------------------------------------------
    def kpi_months(self, posted_list, tz):
        tickets = self.Ticket
        for i, posted in enumerate(posted_list):
            post = self.ingest(self.complaint(f"tz-kpi-{i}"))
            post.ticket_id.sudo().write({"social_posted_at": posted, "team_id": self.team.id})
            tickets |= post.ticket_id
        Kpi = self.env["social.crm.helpdesk.kpi"].with_context(tz=tz)
        rows = Kpi.search([("team_id", "=", self.team.id)])
        kpi = {row.month: row.ticket_count for row in rows}
        # the per-ticket report's pivot, grouped by month as the web client asks for it
        Report = self.env["social.crm.helpdesk.report"].with_context(tz=tz)
        pivot = Report._read_group(
            [("ticket_id", "in", tickets.ids)], ["posted_at:month"], ["ticket_count:sum"]
        )
        return kpi, {month.date() if isinstance(month, dt.datetime) else month: count
                     for month, count in pivot}

    def test_kpi_months_are_the_users_around_midnight_and_summer_time(self):
        """00:30 on 1 November in Berlin (winter time again: 23:30 UTC on 31 October) and
        00:30 on 1 April (summer time: 22:30 UTC on 31 March): the monthly KPIs count them in
        November and April, as the per-ticket pivot does (they said October and March)."""
        posted = [
            dt.datetime(2026, 10, 31, 23, 30),  # 1 Nov 00:30 CET
            dt.datetime(2026, 10, 31, 22, 30),  # 31 Oct 23:30 CET
            dt.datetime(2026, 3, 31, 22, 30),  # 1 Apr 00:30 CEST
            dt.datetime(2026, 3, 29, 0, 30),  # 29 Mar 01:30 CET, before the switch
        ]
        kpi, pivot = self.kpi_months(posted, BERLIN)
        expected = {dt.date(2026, 11, 1): 1, dt.date(2026, 10, 1): 1,
                    dt.date(2026, 4, 1): 1, dt.date(2026, 3, 1): 1}
        self.assertEqual(pivot, expected)
        self.assertEqual(kpi, expected)
        # a user in UTC reads UTC months (in another request: the rows are numbered anew)
        self.env.invalidate_all()
        Kpi = self.env["social.crm.helpdesk.kpi"].with_context(tz="UTC")
        utc = {row.month: row.ticket_count for row in Kpi.search([("team_id", "=", self.team.id)])}
        self.assertEqual(utc, {dt.date(2026, 10, 1): 2, dt.date(2026, 3, 1): 2})
        # the month's label and figures are those of the user's month
        self.env.invalidate_all()
        row = self.env["social.crm.helpdesk.kpi"].with_context(tz=BERLIN, lang="en_US").search(
            [("team_id", "=", self.team.id), ("month", "=", "2026-11-01")])
        self.assertEqual(row.month_label, "November 2026")

    def test_kpi_month_ignores_a_time_zone_postgresql_would_refuse(self):
        self.kpi_months([dt.datetime(2026, 10, 31, 23, 30)], "UTC")
        rows = self.env["social.crm.helpdesk.kpi"].with_context(tz="Mars/Olympus").search(
            [("team_id", "=", self.team.id)])
        self.assertEqual(rows.mapped("month"), [dt.date(2026, 10, 1)])

    # --- the product's own alerts and escalations -----------------------------------------
    def test_alert_at_night_says_the_deadline_in_the_owners_time(self):
        """A top influencer complains at 23:50 UTC (00:50 in Berlin), ingested by the stream
        listener: the team's alert says "respond by" 01:05, Berlin time, as the owner's ticket
        list shows it (it said 00:05: OdooBot's UTC)."""
        self.online(self.agent)
        with freeze_time("2026-12-05 23:50:00"):
            author = self.make_author("tz-critic", "tz_critic", "Carl Critic",
                                      followers_count=10000, listed_count=120, verified=True)
            posts = self.product_env("social.crm.post")._ingest_posts(
                [self.complaint("tz-alert", author=author, minutes_ago=0)], self.x_source)
        ticket = self.Post.browse(posts.post_ids).ticket_id
        self.assertEqual(ticket.user_id, self.agent)
        deadline = ticket.social_wait_deadline
        self.assertEqual(deadline, dt.datetime(2026, 12, 6, 0, 5))
        alert = self.channel_messages()[:1]
        self.assertIn(self.berlin(deadline), str(alert.body))
        self.assertNotIn(self.utc(deadline), str(alert.body))
        # the agent's list shows the same time (the web client's context has their tz)
        label = ticket.with_user(self.agent).with_context(tz=BERLIN).social_deadline_label
        self.assertIn(self.berlin(deadline), label)

    def test_escalation_after_midnight_is_due_on_the_leaders_day(self):
        """A regular complaint at 22:30 UTC (23:30 in Berlin) has its deadline at 00:30; the
        escalation cron runs at 23:40 UTC, 00:40 in Berlin on 6 December: the leader's to-do
        is due on 6 December, today for her (it was due on 5 December: overdue at once), and
        the channel and the to-do say "respond by" 00:30 of 6 December (they said 23:30 of
        the 5th)."""
        with freeze_time("2026-12-05 22:30:00"):
            post = self.ingest(self.complaint("tz-esc", minutes_ago=0))
        ticket = post.ticket_id
        deadline = ticket.social_wait_deadline
        self.assertEqual(deadline, dt.datetime(2026, 12, 5, 23, 30))
        with freeze_time("2026-12-05 23:40:00"):
            self.escalate()
        self.assertEqual(ticket.social_escalation, "missed")
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id),
             ("user_id", "=", self.leader.id)])
        self.assertTrue(todo)
        self.assertEqual(set(todo.mapped("date_deadline")), {dt.date(2026, 12, 6)})
        self.assertIn(self.berlin(deadline), str(todo[:1].note))
        last = self.channel_messages()[:1]
        self.assertIn(self.berlin(deadline), str(last.body))
        self.assertNotIn(self.utc(deadline), str(last.body))

    def test_escalation_at_the_end_of_summer_time(self):
        """25 October 2026, 02:00 summer time is 02:00 winter time again: a complaint at
        00:20 UTC (02:20 CEST) is due at 01:20 UTC, which is 02:20 CET, said as such."""
        with freeze_time("2026-10-25 00:20:00"):
            post = self.ingest(self.complaint("tz-dst", minutes_ago=0))
        ticket = post.ticket_id
        with freeze_time("2026-10-25 01:30:00"):
            self.escalate()
        last = self.channel_messages()[:1]
        berlin = self.berlin(ticket.social_wait_deadline)
        self.assertIn("2:20", berlin)
        self.assertIn(berlin, str(last.body))
