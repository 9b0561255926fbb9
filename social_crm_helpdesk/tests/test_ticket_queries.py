# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cost of the product's path from complaint to ticket, in SQL queries (never in time):
a page of 20 complaints through ``_ingest_posts`` with tracking on, as the poll cron and the
webhooks run it (creation message, assignment with its note and notification, removed-data
notes, alerts), and helpdesk_mgmt's defaults (stage, ticket number, company) computed once per
batch with the same result as ticket by ticket."""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.addons.helpdesk_mgmt_rating.models.helpdesk_ticket import (
    HelpdeskTicket as RatingTicket,
)
from odoo.fields import Domain
from odoo.tests import tagged

from ..models.helpdesk_ticket import ESCALATION_ALERTS
from .common import ArrivalCase

IBAN = " Erstattet endlich auf DE89 3704 0044 0532 0130 00!"
COMPLAINTS = [
    "@acme Mein Router ist seit Montag kaputt und der Support antwortet nicht. Frechheit!",
    "@acme Immer noch keine Rückerstattung nach zwei Wochen. Ich will mein Geld zurück!",
    "@acme Lieferung kam beschädigt an, Karton komplett zerdrückt. Bitte um Ersatz, sofort.",
    "@acme Die App stürzt ständig ab, seit dem Update geht gar nichts mehr. Unzumutbar.",
]
#: queries of a page of 20 complaints that open 20 tickets (4 with an IBAN: a note and an
#: alert each), assigned by the team's rule: 639 when helpdesk_mgmt's defaults (stage, number)
#: and the stage, rating and cause computes ran ticket by ticket, 492 once batched, 396 with
#: the creation messages written for the batch. What remains per ticket is Odoo's mail: the
#: followers of the new ticket, the assignee's notification, the alerts in the team's channel.
#: The margin is below one query per ticket.
MAX_QUERIES_20 = 410
#: queries per ticket of a pile-on escalated at once (its step, the leader's to-do); one
#: message each in the team's channel cost about 25
MAX_QUERIES_PER_ESCALATION = 6


@tagged("post_install", "-at_install")
class TestTicketQueries(ArrivalCase):
    def setUp(self):
        super().setUp()
        # the real path: tracking on (the creation message, the owner's tracking and
        # notification), as the cron and the webhooks run it
        self.Post = self.env["social.crm.post"].with_context(tracking_disable=False)
        self.Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=False)

    def complaints(self, prefix, count):
        posts = []
        for i in range(count):
            author = self.make_author(
                f"{prefix}-a{i}", f"{prefix}_{i}", f"{prefix.title()} Kunde {i}",
                followers_count=100 + i,
            )
            text = COMPLAINTS[i % len(COMPLAINTS)] + f" (#{prefix}{i})"
            if i % 5 == 0:
                text += IBAN
            posts.append(self.complaint(f"{prefix}-{i}", text=text, author=author, minutes_ago=1))
        return posts

    def ingest_counted(self, prefix, count):
        posts = self.complaints(prefix, count)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        records = self.ingest(*posts)
        self.env.flush_all()
        return records, self.env.cr.sql_log_count - before

    def test_twenty_complaints_in_a_bounded_number_of_queries(self):
        self.ingest_counted("warm", 5)  # caches, the team's alert channel
        posts, queries = self.ingest_counted("page", 20)
        tickets = posts.ticket_id
        self.assertEqual(len(tickets), 20)
        self.assertTrue(all(tickets.mapped("user_id")), "assigned by the team's rule")
        self.assertEqual(len(tickets.filtered("has_sensitive_data")), 4)
        self.assertLessEqual(
            queries, MAX_QUERIES_20,
            f"20 complaints to tickets: {queries} queries (at most {MAX_QUERIES_20})",
        )

    def test_twenty_complaints_with_working_hours_in_the_same_bound(self):
        """The members' working hours (two working times, one a public holiday) read for the
        page, not per ticket or per member: the page stays within the same bound."""
        calendars = self.env["resource.calendar"].create([
            {"name": f"Always {tz}", "tz": tz, "company_id": self.company.id,
             "attendance_ids": [(5, 0, 0)] + [
                 (0, 0, {"name": f"day {day}", "dayofweek": str(day), "hour_from": 0,
                         "hour_to": 24, "day_period": "morning"}) for day in range(7)]}
            for tz in ("Europe/Berlin", "America/New_York")
        ])
        self.env["resource.calendar.leaves"].create({
            "name": "Holiday last year", "calendar_id": calendars[0].id,
            "company_id": self.company.id, "date_from": "2025-12-24 23:00:00",
            "date_to": "2025-12-25 22:59:59"})
        self.env["resource.resource"].create([
            {"name": user.name, "user_id": user.id, "calendar_id": calendar.id,
             "tz": calendar.tz, "company_id": self.company.id}
            for user, calendar in zip(
                (self.agent, self.bert, self.cleo), [*calendars, calendars[0]], strict=True)
        ])
        self.ingest_counted("warm", 5)
        posts, queries = self.ingest_counted("page", 20)
        self.assertTrue(all(posts.ticket_id.mapped("user_id")), "assigned in working hours")
        self.assertLessEqual(
            queries, MAX_QUERIES_20,
            f"20 complaints to tickets: {queries} queries (at most {MAX_QUERIES_20})",
        )

    def test_batch_defaults_as_helpdesk_mgmt_per_ticket(self):
        """Stage, number and company of the tickets of a page: what helpdesk_mgmt gives a
        ticket created alone, the numbers in the order the posts were written."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence"),
             ("company_id", "in", [self.company.id, False])],
            order="company_id",
        )[:1]
        self.assertEqual(sequence.implementation, "standard")
        posts = self.ingest(*self.complaints("def", 6))
        tickets = posts.sorted(lambda p: (p.posted_at, p.id)).ticket_id
        alone = self.Ticket.create(
            {"name": "alone", "description": "x", "team_id": self.team.id}
        )
        self.assertEqual(tickets.stage_id, alone.stage_id)
        self.assertEqual(tickets.company_id, alone.company_id)
        numbers = [*tickets.mapped("number"), alone.number]
        self.assertNotIn("/", numbers)
        prefix, suffix = sequence._get_prefix_suffix()
        values = [int(n[len(prefix): len(n) - len(suffix) or None]) for n in numbers]
        self.assertEqual(values, sorted(values), "numbered in the order of the posts")
        self.assertEqual(len(set(values)), len(values))
        # every ticket got its creation message, as one created alone
        for ticket in tickets | alone:
            self.assertEqual(
                ticket.message_ids.filtered(
                    lambda m: m.subtype_id == self.env.ref("helpdesk_mgmt.hlp_tck_created")
                ).mapped("res_id"),
                [ticket.id],
            )

    def test_no_gap_sequence_numbers_one_by_one(self):
        """A no-gap sequence (a row locked per number) is drawn number by number, in order."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence"),
             ("company_id", "in", [self.company.id, False])],
            order="company_id",
        )[:1]
        sequence.write({"implementation": "no_gap", "number_next": 700})
        posts = self.ingest(*self.complaints("gap", 3))
        tickets = posts.sorted(lambda p: (p.posted_at, p.id)).ticket_id
        expected = [sequence.get_next_char(n) for n in (700, 701, 702)]
        self.assertEqual(tickets.mapped("number"), expected)
        self.assertEqual(sequence.number_next_actual, 703)

    def test_stage_of_each_team(self):
        """Tickets of two teams of one batch: each gets the first stage its team may use."""
        stage = self.env["helpdesk.ticket.stage"].create(
            {"name": "Billing first", "sequence": 0, "team_ids": [(6, 0, self.second_team.ids)]}
        )
        posts = self.ingest(
            self.make_post("two-0", self.make_author("two-a0", "two_0"), text="Danke @acme!"),
            self.make_post("two-1", self.make_author("two-a1", "two_1"), text="Danke @acme!"),
        )
        self.assertFalse(posts.ticket_id)
        items = [(posts[0], self.team), (posts[1], self.second_team)]
        tickets = self.Ticket.sudo()._social_create_from_posts(items, automatic=False)
        self.assertEqual(tickets[1].stage_id, stage)
        self.assertEqual(tickets[0].stage_id, self.team._get_applicable_stages()[:1])
        self.assertNotEqual(tickets[0].stage_id, stage)

    # --- the creation message, written for the batch -------------------------------------------
    MESSAGE_FIELDS = (
        "author_id", "author_guest_id", "email_from", "message_type", "subtype_id", "body",
        "parent_id", "subject", "reply_to", "record_alias_domain_id", "record_company_id",
        "email_add_signature", "partner_ids", "model", "is_internal", "email_layout_xmlid",
        "reply_to_force_new", "attachment_ids", "notification_ids",
    )

    def creation_message(self, ticket):
        created = self.env.ref("helpdesk_mgmt.hlp_tck_created")
        messages = ticket.message_ids.filtered(lambda m: m.subtype_id == created)
        self.assertEqual(len(messages), 1, "one creation message")
        self.assertEqual(ticket.message_ids.sorted("id")[:1], messages, "the first one")
        return messages

    def test_creation_message_as_mail_thread(self):
        """The creation message of a ticket the product opens is the one mail.thread's
        create posts on a ticket created alone (same author, sender, reply-to, subtype...)."""
        posts = self.ingest(*self.complaints("msg", 3))
        alone = self.Ticket.sudo().create(
            {"name": "alone", "description": "x", "team_id": self.team.id, "user_id": False}
        )
        expected = self.creation_message(alone)
        for ticket in posts.ticket_id:
            message = self.creation_message(ticket)
            for name in self.MESSAGE_FIELDS:
                self.assertEqual(message[name], expected[name], name)

    def test_creation_message_notifies_the_team_followers(self):
        """A follower of the team's new tickets is told of the tickets the product opens, as
        of a ticket created alone (message_post for those tickets)."""
        team_created = self.env.ref("helpdesk_mgmt.hlp_tck_team_created")
        self.team.message_subscribe(self.cleo.partner_id.ids, subtype_ids=team_created.ids)
        posts = self.ingest(*self.complaints("fol", 2))
        alone = self.Ticket.sudo().create(
            {"name": "alone", "description": "x", "team_id": self.team.id, "user_id": False}
        )
        for ticket in posts.ticket_id | alone:
            message = self.creation_message(ticket)
            self.assertIn(self.cleo.partner_id, message.notification_ids.res_partner_id)

    def test_rating_share_of_a_batch_as_ticket_by_ticket(self):
        """helpdesk_mgmt_rating's share of great ratings, computed for several tickets at
        once, is the one it computes ticket by ticket (ratings of 5, 4, 3, 1, none)."""
        tickets = self.Ticket.sudo().create(
            [{"name": f"rated {i}", "description": "x", "team_id": self.team.id}
             for i in range(4)]
        )
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        ratings = {0: [5, 4, 1], 1: [3], 2: [1, 1], 3: []}
        self.env["rating.rating"].sudo().create([
            {"res_model_id": model_id, "res_id": tickets[i].id, "rating": value,
             "consumed": True, "partner_id": self.partner.id}
            for i, values in ratings.items() for value in values
        ])
        self.env.flush_all()
        tickets.invalidate_recordset(["positive_rate_percentage"])
        tickets._compute_percentage()  # the batch
        batch = tickets.mapped("positive_rate_percentage")
        one_by_one = []
        for ticket in tickets:
            RatingTicket._compute_percentage(ticket)  # helpdesk_mgmt_rating's own
            one_by_one.append(ticket.positive_rate_percentage)
        self.assertEqual(batch, one_by_one)
        self.assertEqual(batch, [66, 0, 0, -1])

    # --- a pile-on past its deadlines: the escalation cron ------------------------------------
    def escalate_counted(self, tickets, now):
        Ticket = self.Ticket.sudo()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Ticket.search(Ticket._social_escalation_domain(now) & Domain("id", "in", tickets.ids)
                      )._social_escalate(now)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_pile_on_escalates_in_one_message_per_team(self):
        """Complaints of a pile-on miss their deadline together: each ticket gets its step and
        the leader's to-do, but the team's channel gets one message that counts them (and the
        leader one notification), not one each. Before, every ticket posted its own message
        (about 25 queries per ticket, 304 messages in the channel and 304 sticky pop-ups for
        the leader in the probe's pile-on of 300 complaints)."""
        self.ingest_counted("warm", 5)
        first, _q = self.ingest_counted("pileA", 6)
        second, _q = self.ingest_counted("pileB", 12)
        now = fields.Datetime.now() + dt.timedelta(hours=2)
        messages = len(self.channel_messages())
        notified = []
        original = type(self.Ticket)._social_notify

        def notify(tickets, users, texts):
            notified.append((users, texts(tickets)[0]))
            return original(tickets, users, texts)

        with patch.object(type(self.Ticket), "_social_notify", notify):
            q6 = self.escalate_counted(first.ticket_id, now)
            q12 = self.escalate_counted(second.ticket_id, now)
        tickets = (first | second).ticket_id
        self.assertEqual(set(tickets.mapped("social_escalation")), {"missed"})
        todos = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids),
             ("user_id", "=", self.leader.id)])
        self.assertEqual(len(todos), 18, "a to-do per ticket for the leader")
        new = self.channel_messages()[: len(self.channel_messages()) - messages]
        self.assertEqual(len(new), 2, "one message per escalation run, not one per ticket")
        self.assertIn("12 social tickets: response deadline missed", str(new[0].body))
        self.assertIn("and 7 more", str(new[0].body))
        self.assertIn("6 social tickets: response deadline missed", str(new[1].body))
        self.assertEqual([title for _u, title in notified], [
            "6 social tickets: response deadline missed",
            "12 social tickets: response deadline missed"])
        # six tickets more cost a few queries each (their to-dos), not a message each
        self.assertLessEqual(
            q12 - q6, 6 * MAX_QUERIES_PER_ESCALATION,
            f"escalating 6 then 12 tickets: {q6} then {q12} queries",
        )

    def test_few_tickets_escalate_one_message_each(self):
        """Up to ESCALATION_ALERTS tickets at once keep their own message (the link, the
        owner, the deadline of each)."""
        posts, _q = self.ingest_counted("few", ESCALATION_ALERTS)
        messages = len(self.channel_messages())
        self.escalate_counted(posts.ticket_id, fields.Datetime.now() + dt.timedelta(hours=2))
        self.assertEqual(len(self.channel_messages()) - messages, ESCALATION_ALERTS)
