# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An author's posts re-attached to another contact take the author's OPEN social tickets with
them (customer, tier and what follows it, a note naming both contacts); closed tickets keep the
contact they were solved for. The paths of social_crm that re-attach posts: a manager links the
identity to another contact, listening gives an author's earlier contact-less posts to its new
contact (after a rejected match), contacts merged (Odoo's merge), a match confirmed later
(``test_agent_paths.test_confirming_a_match_moves_the_authors_tickets``)."""

import datetime as dt

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArrivalCase

GRUMBLE = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"


@tagged("post_install", "-at_install")
class TestTicketContact(ArrivalCase):
    def closed_stage(self):
        return self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def two_tickets(self, author, ext):
        """A closed ticket (an older conversation) and an open one of ``author``."""
        old = self.ingest(self.complaint(f"{ext}-1", author=author, minutes_ago=3 * 24 * 60,
                                         conversation_external_id=f"{ext}-old")).ticket_id
        old.write({"stage_id": self.closed_stage().id})
        post = self.ingest(self.complaint(f"{ext}-2", author=author, minutes_ago=1,
                                          conversation_external_id=f"{ext}-new",
                                          text=GRUMBLE + " Schon wieder!"))
        self.assertTrue(old.closed)
        self.assertFalse(post.ticket_id.closed)
        return old, post.ticket_id, post

    def moved_notes(self, ticket):
        return ticket.message_ids.filtered(lambda m: "now belong to" in (m.body or ""))

    def test_manager_links_the_identity_to_another_contact(self):
        author = self.make_author("tc-a", "kunde_tc_a", "Karla Kundin")
        old, ticket, post = self.two_tickets(author, "tc-a")
        first = ticket.partner_id
        self.assertTrue(first, "listening created the author's contact")
        self.assertEqual(old.partner_id, first)
        self.assertFalse(ticket.social_is_influencer)
        self.assertEqual(ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=60))
        # the manager finds out that the account is the influencer's second one
        identity = post.identity_id
        identity.with_user(self.manager).write({"partner_id": self.influencer.id})
        self.assertEqual(post.partner_id, self.influencer)
        self.assertEqual(ticket.partner_id, self.influencer)
        self.assertEqual(ticket.partner_name, "Ina Influencer")
        self.assertEqual(ticket.partner_email, "ina@example.org")
        self.assertEqual(ticket.social_identity_id, identity)
        note = self.moved_notes(ticket)
        self.assertEqual(len(note), 1)
        self.assertIn("Ina Influencer", note.body)
        self.assertIn(first.name, note.body)
        # closed: the history keeps the contact it was solved for
        self.assertEqual(old.partner_id, first)
        self.assertFalse(self.moved_notes(old))
        if "social_score_tier" in self.env["res.partner"]:
            # the tier follows, and with it the priority and the waiting ticket's deadline
            self.assertEqual(ticket.social_tier, "top_influencer")
            self.assertTrue(ticket.social_is_influencer)
            self.assertEqual(ticket.priority, "3")
            self.assertEqual(ticket.social_response_deadline,
                             post.posted_at + dt.timedelta(minutes=15))
            self.assertEqual(ticket.social_wait_deadline, ticket.social_response_deadline)
        # the same contact written again: nothing moves, no second note
        identity.with_user(self.manager).write({"partner_id": self.influencer.id})
        self.assertEqual(len(self.moved_notes(ticket)), 1)

    def test_rejected_match_then_the_author_gets_its_own_contact(self):
        """A similar name waits for a person's decision (posts and tickets without contact);
        the person rejects it; the author's next post gives it a new contact, which takes
        the earlier posts and the open ticket."""
        author = self.make_author("tc-b", "pvogel_tc", "Petra Vögel")
        old, ticket, post = self.two_tickets(author, "tc-b")
        self.assertFalse(post.identity_id)
        self.assertFalse(ticket.partner_id)
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "tc-b")])
        self.assertEqual(suggestion.partner_id, self.partner)
        suggestion.with_user(self.user).action_reject()
        later = self.ingest(self.make_post(
            "tc-b-3", author, text="@acme Kann mir jemand helfen?", lang="de",
            conversation_external_id="tc-b-new", minutes_ago=0))
        contact = later.identity_id.partner_id
        self.assertTrue(contact)
        self.assertNotEqual(contact, self.partner)
        self.assertEqual(post.partner_id, contact, "the earlier posts follow the new contact")
        self.assertEqual(ticket.partner_id, contact)
        self.assertEqual(ticket.social_identity_id, later.identity_id)
        note = self.moved_notes(ticket)
        self.assertEqual(len(note), 1)
        self.assertIn(contact.name, note.body)
        self.assertIn("no contact", note.body)
        self.assertFalse(old.partner_id, "closed: as it was")
        self.assertFalse(self.moved_notes(old))

    def test_merged_contacts(self):
        author = self.make_author("tc-c", "kunde_tc_c", "Konrad Kunde")
        old, ticket, post = self.two_tickets(author, "tc-c")
        duplicate = ticket.partner_id
        kept = self.env["res.partner"].create(
            {"name": "Konrad Kunde (Kundennummer 4711)", "email": "konrad@example.org"})
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(
            self.env.ref("base.user_admin"))
        wizard._merge((duplicate | kept).ids, kept)
        self.assertFalse(duplicate.exists())
        self.assertEqual(post.identity_id.partner_id, kept)
        self.assertEqual(ticket.partner_id, kept)
        self.assertEqual(ticket.partner_name, kept.name)
        self.assertEqual(ticket.partner_email, "konrad@example.org")
        note = self.moved_notes(ticket)
        self.assertEqual(len(note), 1)
        self.assertIn("Konrad Kunde (Kundennummer 4711)", note.body)
        self.assertIn("before: Konrad Kunde", note.body)
        # Odoo's merge moves every record of the deleted contact, closed tickets too; only
        # the open ones get a note (and follow the tier)
        self.assertEqual(old.partner_id, kept)
        self.assertFalse(self.moved_notes(old))

    def test_a_contact_with_a_social_ticket_is_not_merged_into_another_company_s(self):
        """Probe: the contact merge refused only contacts with social identities. Company
        A's agent gave A's complaint to the customer's own contact (company A, no social
        identity: the identity stays on the listening contact); the administrator merged
        that contact into a company B contact of the same name: B's users read A's customer
        and A's ticket lost its customer. Refused now; Odoo's merge of contacts without the
        product's data stays as it is (another company's contacts too)."""
        author = self.make_author("tc-m", "kunde_tc_m", "Mira Kunde")
        ticket = self.ingest(self.complaint("tc-m1", author=author)).ticket_id
        self.assertTrue(ticket)
        customer = self.env["res.partner"].create(
            {"name": "Mira Kunde", "email": "mira@example.org",
             "company_id": self.company.id})
        ticket.partner_id = customer
        self.assertFalse(self.env["social.crm.identity"].search(
            [("partner_id", "=", customer.id)]), "no identity on the customer's contact")
        other = self.env["res.partner"].create(
            {"name": "Mira Kunde", "company_id": self.other_company.id})
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(
            self.env.ref("base.user_admin"))
        with self.assertRaisesRegex(UserError, "different companies"):
            wizard._merge((customer | other).ids, other)
        self.assertTrue(customer.exists())
        self.assertEqual(ticket.partner_id, customer)
        # without the product's data: Odoo's merge, across companies as before
        plain_a = self.env["res.partner"].create(
            {"name": "Max Muster", "company_id": self.company.id})
        plain_b = self.env["res.partner"].create(
            {"name": "Max Muster", "company_id": self.other_company.id})
        wizard._merge((plain_a | plain_b).ids, plain_b)
        self.assertFalse(plain_a.exists())
