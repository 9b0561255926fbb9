# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Counts the helpdesk writes on its own, in singular and plural, English and German; a demo
reply is said to be recorded, never queued or sent."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestHelpdeskPluralForms(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(
            ["social_crm_helpdesk"], ["de_DE"], overwrite=True
        )

    def sentence(self, lang, sent, demo=0):
        wizard = self.env["social.crm.incident.reply.wizard"].with_context(lang=lang)
        return wizard._result_sentence(sent, demo)

    def test_bulk_reply_result(self):
        self.assertEqual(self.sentence("en_US", 1), "1 reply queued.")
        self.assertEqual(self.sentence("en_US", 3), "3 replies queued.")
        self.assertEqual(self.sentence("en_US", 0), "No reply queued.")
        self.assertEqual(self.sentence("de_DE", 1), "1 Antwort eingereiht.")
        self.assertEqual(self.sentence("de_DE", 3), "3 Antworten eingereiht.")
        self.assertEqual(self.sentence("de_DE", 0), "Keine Antwort eingereiht.")

    def test_demo_replies_are_recorded_not_sent(self):
        english = self.sentence("en_US", 0, demo=1)
        self.assertTrue(english.startswith("Demo: 1 reply recorded on its ticket, not sent"))
        self.assertNotIn("queued", english)
        self.assertTrue(
            self.sentence("en_US", 0, demo=2).startswith(
                "Demo: 2 replies recorded on their tickets, not sent"
            )
        )
        self.assertTrue(
            self.sentence("de_DE", 0, demo=1).startswith(
                "Demo: 1 Antwort im Ticket erfasst, nicht gesendet"
            )
        )
        self.assertTrue(
            self.sentence("de_DE", 0, demo=2).startswith(
                "Demo: 2 Antworten in ihren Tickets erfasst, nicht gesendet"
            )
        )

    def test_language_model_month_as_a_reader_writes_it(self):
        self.env.company.social_llm_month = "2026-12"
        english = self.env["res.config.settings"].with_context(lang="en_US").create({})
        german = self.env["res.config.settings"].with_context(lang="de_DE").create({})
        self.assertEqual(english.social_llm_month_label, "December 2026")
        self.assertEqual(german.social_llm_month_label, "Dezember 2026")
