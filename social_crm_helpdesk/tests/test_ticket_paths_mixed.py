# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The batched ticket path next to helpdesk_mgmt's own paths in one transaction: tickets
the listening opens, a ticket the mail gateway opens (``message_new``) and one an agent
creates in the form, numbered from one sequence (standard or by date range) in the order
they were created, each with one creation message; the form's stage follows its team."""

from unittest.mock import patch

from odoo.addons.helpdesk_mgmt.models.helpdesk_ticket import HelpdeskTicket as MgmtTicket
from odoo.tests import Form, tagged

from .common import ArrivalCase
from .test_ticket_queries import COMPLAINTS


@tagged("post_install", "-at_install")
class TestTicketPathsMixed(ArrivalCase):
    def setUp(self):
        super().setUp()
        self.Post = self.env["social.crm.post"].with_context(tracking_disable=False)
        self.Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=False)
        self.sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence"),
             ("company_id", "in", [self.company.id, False])],
            order="company_id",
        )[:1]
        self.created = self.env.ref("helpdesk_mgmt.hlp_tck_created")

    def complaints(self, prefix, count):
        return [
            self.complaint(
                f"{prefix}-{i}",
                text=COMPLAINTS[i % len(COMPLAINTS)] + f" (#{prefix}{i})",
                author=self.make_author(f"{prefix}-a{i}", f"{prefix}_{i}", f"Kunde {prefix}{i}"),
                minutes_ago=1,
            )
            for i in range(count)
        ]

    def opened(self, prefix, count):
        posts = self.ingest(*self.complaints(prefix, count))
        tickets = posts.sorted(lambda p: (p.posted_at, p.id)).ticket_id
        self.assertEqual(len(tickets), count)
        return tickets

    def by_mail(self, subject):
        return self.Ticket.message_new(
            {"subject": subject, "from": "kunde@example.org", "email_from": "kunde@example.org",
             "body": "<p>Mein Router ist kaputt</p>", "to": "support@example.org"},
            custom_values={"team_id": self.team.id},
        )

    def by_form(self, name, team=None):
        with Form(self.Ticket) as form:
            form.name = name
            form.description = "<p>Am Telefon</p>"
            form.team_id = team or self.team
        return form.record

    def numbers(self, tickets):
        prefix, suffix = self.sequence.with_context(
            ir_sequence_date=None)._get_prefix_suffix()
        return [int(n[len(prefix): len(n) - len(suffix) or None]) for n in tickets.mapped("number")]

    def assert_one_creation_message(self, tickets):
        for ticket in tickets:
            messages = ticket.message_ids.filtered(lambda m: m.subtype_id == self.created)
            self.assertEqual(len(messages), 1, f"{ticket.name}: one creation message")

    def assert_mixed_sequence(self):
        first = self.opened("m1", 2)
        mail = self.by_mail("Router kaputt")
        form = self.by_form("Anruf: Router")
        second = self.opened("m2", 3)
        tickets = first | mail | form | second
        self.assertEqual(tickets, tickets.sorted("id"))
        self.assertNotIn("/", tickets.mapped("number"))
        values = self.numbers(tickets)
        self.assertEqual(values, sorted(values), "numbered in the order of creation")
        self.assertEqual(len(set(values)), len(values))
        self.assertEqual(len(set(tickets.mapped("stage_id"))), 1)
        self.assertEqual(tickets.stage_id, self.team._get_applicable_stages()[:1])
        self.assert_one_creation_message(tickets)
        return tickets

    def test_listening_mail_gateway_and_form_in_one_transaction(self):
        self.assertEqual(self.sequence.implementation, "standard")
        self.assert_mixed_sequence()

    def test_sequence_by_date_range(self):
        self.sequence.write({"use_date_range": True, "prefix": "T%(range_year)s-"})
        tickets = self.assert_mixed_sequence()
        self.assertTrue(all(n.startswith("T20") for n in tickets.mapped("number")))

    def test_no_gap_sequence_mixed(self):
        self.sequence.write({"implementation": "no_gap"})
        self.assert_mixed_sequence()

    def form_stages(self):
        """The stages the form shows along an agent's team changes, and the saved one."""
        shared = self.env["helpdesk.ticket.team"]._get_applicable_stages()[:1]
        seen = []
        with Form(self.Ticket) as form:
            form.name = "Anruf"
            form.description = "<p>x</p>"
            seen.append(form.stage_id)
            form.team_id = self.team
            seen.append(form.stage_id)
            form.stage_id = self.care
            form.team_id = self.second_team
            seen.append(form.stage_id)
            form.stage_id = shared
            form.team_id = self.team
            seen.append(form.stage_id)
            form.team_id = self.second_team
        return [*seen, form.record.stage_id]

    def test_form_stage_follows_the_team_as_helpdesk_mgmt(self):
        """In the form, changing the team keeps a stage the new team may use and otherwise
        takes the new team's first: our batched compute gives what helpdesk_mgmt's own gives,
        in the form and for tickets of several teams whose team is written at once."""
        self.care = self.env["helpdesk.ticket.stage"].create(
            {"name": "Care first", "sequence": -2, "team_ids": [(6, 0, self.team.ids)]}
        )
        billing = self.env["helpdesk.ticket.stage"].create(
            {"name": "Billing first", "sequence": -1, "team_ids": [(6, 0, self.second_team.ids)]}
        )
        ours = self.form_stages()
        with patch.object(type(self.Ticket), "_compute_stage_id", MgmtTicket._compute_stage_id):
            theirs = self.form_stages()
        self.assertEqual(ours, theirs)
        self.assertEqual(ours[2], billing, "the care stage is not the billing team's")
        # several tickets of several teams in one recompute: as ticket by ticket
        tickets = self.opened("st", 3)
        self.assertEqual(tickets.stage_id, self.care)
        tickets[2].sudo().write({"team_id": self.second_team.id, "stage_id": billing.id})
        tickets.sudo().write({"team_id": self.second_team.id})
        self.assertEqual(tickets.stage_id, billing)
        tickets.sudo().write({"team_id": self.team.id})
        self.assertEqual(tickets.stage_id, self.care)
        self.assert_one_creation_message(tickets)

    def test_team_without_stage_of_its_own_company(self):
        """A team whose company has no stage (every stage another company's): the listening's
        tickets get what helpdesk_mgmt gives a ticket created alone."""
        alone = self.Ticket.sudo().create(
            {"name": "alone", "description": "x", "team_id": self.team.id}
        )
        tickets = self.opened("ns", 2)
        self.assertEqual(tickets.stage_id, alone.stage_id)

    def test_two_companies_in_one_batch(self):
        """One batch opens tickets for the teams of two companies, the second company with a
        ticket sequence and a stage of its own: each ticket is numbered from its company's
        sequence, in the batch's order, and gets its company's stage, as helpdesk_mgmt gives
        a ticket created alone in each team."""
        other = self.other_company
        own_sequence = self.env["ir.sequence"].sudo().create(
            {"name": "Other tickets", "code": "helpdesk.ticket.sequence", "prefix": "OC",
             "padding": 4, "company_id": other.id}
        )
        own_stage = self.env["helpdesk.ticket.stage"].sudo().create(
            {"name": "Other: new", "sequence": -5, "company_id": other.id}
        )
        other_team = self.env["helpdesk.ticket.team"].sudo().create(
            {"name": "Other care", "company_id": other.id}
        )
        other_source = self.env["social.crm.source"].sudo().create(
            {"name": "Other X", "network_id": self.x.id, "kind": "mentions",
             "account_id": "1440000000000000777", "bearer_token": "b-other",
             "company_id": other.id}
        )

        def praise(i):
            return self.make_post(f"mc-{i}", self.make_author(f"mc-a{i}", f"mc_{i}"),
                                  text="Danke @acme!")

        mine = self.ingest(praise(0), praise(2)).sorted("id")
        theirs = self.ingest(praise(1), praise(3), source=other_source).sorted("id")
        self.assertFalse((mine | theirs).ticket_id)
        self.assertEqual(theirs.company_id, other)
        posts = [mine[0], theirs[0], mine[1], theirs[1]]
        teams = [self.team, other_team, self.team, other_team]
        tickets = self.Ticket.sudo()._social_create_from_posts(
            list(zip(posts, teams, strict=True)), automatic=False)
        self.assertEqual([t.company_id for t in tickets], [self.company, other] * 2)
        self.assertEqual(tickets[1].number, "OC0001")
        self.assertEqual(tickets[3].number, "OC0002")
        values = self.numbers(tickets[0] | tickets[2])
        self.assertEqual(values[1], values[0] + 1)
        self.assertEqual((tickets[1] | tickets[3]).stage_id, own_stage)
        self.assertEqual((tickets[0] | tickets[2]).stage_id, self.team._get_applicable_stages()[:1])
        # helpdesk_mgmt numbers from the sequence of the ``company_id`` it is given (the
        # product gives the team's company, as a form of that company does)
        alone = self.Ticket.sudo().create({"name": "alone", "description": "x",
                                           "team_id": other_team.id, "company_id": other.id})
        self.assertEqual((alone.number, alone.stage_id, alone.company_id),
                         ("OC0003", own_stage, other))
        self.assertEqual(own_sequence.number_next_actual, 4)
        self.assert_one_creation_message(tickets | alone)
