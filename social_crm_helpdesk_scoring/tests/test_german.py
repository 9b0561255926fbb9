# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A German company: the notes the nightly scoring run writes when a ticket follows its
contact's new tier (the job runs as OdooBot, in English) are German."""

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
