# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The notes the nightly scoring run writes when a ticket follows its contact's new tier (the
job runs as OdooBot, in English) are in the language of whom reads the ticket, as the
product's other notes on it: its agent's (the one it is being given to), else its team
leader's, else its company's."""

from odoo.addons.social_crm_helpdesk.tests.common import ArrivalCase
from odoo.tests import tagged

MODULES = ["helpdesk_mgmt", "social_crm", "social_crm_helpdesk", "social_crm_helpdesk_scoring"]


@tagged("post_install", "-at_install")
class TestGermanTierNotes(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(MODULES, ["de_DE"], overwrite=True)

    def follow(self, ext):
        post = self.critic_post(ext=ext, followers=20)
        ticket = post.ticket_id
        self.assertTrue(ticket, "the complaint opened a ticket")
        self.assertNotEqual(ticket.social_tier, "top_influencer")
        post.identity_id.followers_count = 50000
        # as the scoring cron: OdooBot, in English
        self.env["res.partner"].with_user(self.odoobot).with_context(
            lang="en_US"
        )._social_score_recompute(only=post.partner_id)
        self.assertEqual(ticket.social_tier, "top_influencer")
        return " ".join(ticket.message_ids.mapped(lambda m: str(m.body)))

    def test_tier_note_in_german(self):
        self.company.partner_id.lang = "de_DE"
        # the company's staff reads German (the notes on a ticket are in its agent's language)
        (self.team.user_ids | self.team.user_id).lang = "de_DE"
        notes = self.follow("de-tier")
        self.assertIn("Carl Critic ist jetzt", notes)
        self.assertIn("nach dem aktuellen Social Score", notes)
        self.assertIn("Das Ticket folgt: Priorität", notes)
        self.assertIn("antworten bis", notes)
        self.assertNotIn("is now", notes)
        self.assertNotIn("The ticket follows", notes)

    def test_tier_note_of_an_english_company_in_english(self):
        self.company.partner_id.lang = "en_US"
        notes = self.follow("en-tier")
        self.assertIn("Carl Critic is now Top influencer", notes)
        self.assertIn("The ticket follows: priority Very High", notes)
        self.assertNotIn("ist jetzt", notes)

    def test_tier_note_in_the_german_owners_language_in_an_english_company(self):
        """Before: the German agent of an English company read the note in English (the
        company's language), next to the ticket's other notes in German."""
        self.company.partner_id.lang = "en_US"
        self.bert.lang = "de_DE"
        self.online(self.bert)
        notes = self.follow("de-owner")
        self.assertIn("Carl Critic ist jetzt", notes)
        self.assertIn("Das Ticket folgt: Priorität", notes)
        self.assertNotIn("is now", notes)

    def test_tier_note_of_a_ticket_given_to_a_german_agent_by_the_change(self):
        """A complaint nobody was on duty for waits unassigned; its author becomes a top
        influencer: the ticket must have an owner and goes to the German agent, who reads
        the note in German (not in the leader's or the company's English)."""
        self.company.partner_id.lang = "en_US"
        self.bert.lang = "de_DE"
        self.online(self.agent, self.bert, self.cleo, status="offline")
        self.on_leave(self.agent)
        self.on_leave(self.cleo)
        post = self.critic_post(ext="de-given", followers=20)
        ticket = post.ticket_id
        self.assertFalse(ticket.user_id, "nobody on duty: the complaint waits")
        post.identity_id.followers_count = 50000
        self.env["res.partner"].with_user(self.odoobot).with_context(
            lang="en_US"
        )._social_score_recompute(only=post.partner_id)
        self.assertEqual(ticket.user_id, self.bert)
        # the note of the new tier (the one of its arrival, unassigned, is the leader's)
        note = ticket.message_ids.filtered(
            lambda m: "Social Score" in str(m.body) and "Top" in str(m.body))
        self.assertEqual(len(note), 1, note.mapped("body"))
        self.assertIn("ist jetzt", str(note.body))
        self.assertNotIn("is now", str(note.body))
