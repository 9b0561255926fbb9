# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestWordings(SocialHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Wording = cls.env["social.crm.wording"]
        cls.wording_de = Wording.create(
            {
                "name": "Entschuldigung",
                "lang": "de",
                "category": "apology",
                "team_ids": [(6, 0, cls.team.ids)],
                "body": "{{ handle }} Hallo {{ first_name }}, das tut uns leid! "
                "Vorgang {{ ticket_ref }}. Viele Grüße, {{ agent_first_name }}",
            }
        )
        cls.wording_en = Wording.create(
            {"name": "Apology", "lang": "en", "category": "apology",
             "body": "{{ handle }} Sorry, {{ first_name }}! {{ agent_first_name }}"}
        )
        cls.wording_other_team = Wording.create(
            {"name": "Billing answer", "lang": "de", "category": "status",
             "team_ids": [(6, 0, cls.second_team.ids)], "body": "Hallo {{ first_name }}"}
        )
        (cls.wording_de | cls.wording_en | cls.wording_other_team).action_approve()
        cls.draft = Wording.create(
            {"name": "Unapproved", "lang": "de", "body": "Noch nicht freigegeben"}
        )
        cls.env["social.crm.reply.guideline"].create(
            [
                {"team_id": cls.team.id, "sequence": 1, "name": "Thank the customer"},
                {"team_id": cls.team.id, "sequence": 2, "name": "Offer a private channel"},
                {"team_id": cls.second_team.id, "name": "Billing checklist item"},
            ]
        )

    def open_wizard(self, ticket):
        action = ticket.with_user(self.agent).action_social_reply()
        return self.env["social.crm.reply.wizard"].with_user(self.agent).browse(action["res_id"])

    def test_wizard_language_of_a_post_the_network_gave_none(self):
        """Probe (served demo): a German comment from a Facebook webhook (Meta sends no
        language) opened the composer with the English wordings for a German agent; the
        language the detection found in the post is the one offered. A post of unknown
        language falls back to the contact's as before."""
        author = self.make_author("100000000000891", "frieda.fremd", "Frieda Fremd",
                                  network="facebook")
        post = self.ingest(
            self.complaint("102030405060_900803000", author=author, network="facebook",
                           lang=False, text="Ihr habt mir zweimal abgebucht! Erstattet das "
                           "sofort, sonst Anwalt. Frechheit."),
            source=self.facebook_source,
        )
        self.assertFalse(post.lang)
        self.assertEqual(post.complaint_lang, "de")
        self.assertEqual(self.open_wizard(post.ticket_id).lang, "de")

    def test_render_placeholders(self):
        post = self.ingest(self.complaint("1990000000000000301", author=self.ina()))
        ticket = post.ticket_id
        text = self.wording_de.with_user(self.agent)._render_for(ticket)
        self.assertEqual(
            text,
            f"@ina_influencer Hallo Ina, das tut uns leid! Vorgang {ticket.number}. "
            "Viele Grüße, Agnes",
        )

    def test_unknown_value_stays_a_placeholder(self):
        post = self.ingest(self.complaint("1990000000000000302", author=self.ina()))
        ticket = post.ticket_id
        ticket.sudo().partner_id = False
        ticket.sudo().partner_name = False
        text = self.wording_en.with_user(self.agent)._render_for(ticket)
        self.assertIn("{{ first_name }}", text)

    def test_only_known_placeholders(self):
        with self.assertRaises(ValidationError):
            self.env["social.crm.wording"].create(
                {"name": "Bad", "lang": "en", "body": "{{ object.partner_id.email }}"}
            )
        with self.assertRaises(ValidationError):
            self.wording_en.body = "{{ user.password }}"

    def test_approval_by_managers_only(self):
        self.assertEqual(self.wording_en.state, "approved")
        self.assertEqual(self.wording_en.approved_by_id, self.env.user)
        with self.assertRaises(AccessError):
            self.draft.with_user(self.agent).action_approve()
        with self.assertRaises(AccessError):
            self.draft.with_user(self.agent).write({"body": "Anders"})
        self.draft.with_user(self.manager).action_approve()
        self.assertEqual(self.draft.state, "approved")
        self.assertEqual(self.draft.approved_by_id, self.manager)
        # a changed text must be approved again
        self.draft.with_user(self.manager).body = "Geänderter Text"
        self.assertEqual(self.draft.state, "draft")
        self.assertFalse(self.draft.approved_by_id)

    def test_wizard_offers_approved_wordings_of_team_and_language(self):
        post = self.ingest(self.complaint("1990000000000000303", author=self.ina()))
        wizard = self.open_wizard(post.ticket_id)
        self.assertEqual(wizard.lang, "de", "the language comes from the post")
        Wording = self.env["social.crm.wording"].with_user(self.agent)
        found = Wording.name_search(
            "leid",
            domain=[
                ("state", "=", "approved"), ("company_id", "=", wizard.company_id.id),
                ("lang", "=", wizard.lang), "|", ("team_ids", "=", False),
                ("team_ids", "in", wizard.team_id.id),
            ],
        )
        ids = [row[0] for row in found]
        self.assertIn(self.wording_de.id, ids, "found by a word of its text")
        for other in (self.wording_other_team, self.draft, self.wording_en):
            self.assertNotIn(other.id, ids, "not the other team's, not a draft, not English")
        # choosing the wording fills the reply in
        wizard.wording_id = self.wording_de
        wizard._onchange_wording_id()
        self.assertTrue(wizard.text.startswith("@ina_influencer Hallo Ina,"))
        self.assertIn("Thank the customer", wizard.guideline_html)
        self.assertIn("Offer a private channel", wizard.guideline_html)
        self.assertNotIn("Billing checklist", wizard.guideline_html)
        self.assertEqual(wizard.length_limit, 280)
        self.assertEqual(wizard.length_used, len(wizard.text))
        wizard.action_send()
        self.assertEqual(post.ticket_id.social_reply_ids.state, "queued")

    def test_english_post_picks_english(self):
        post = self.ingest(
            self.complaint("1990000000000000304", author=self.ina(), lang="en",
                           text="@acme my router is broken and nobody answers!")
        )
        self.assertEqual(self.open_wizard(post.ticket_id).lang, "en")

    def test_refuse_placeholder_and_redacted_value(self):
        post = self.ingest(self.complaint("1990000000000000305", author=self.ina()))
        wizard = self.open_wizard(post.ticket_id)
        wizard.text = "Hallo {{ first_name }}, wir melden uns."
        with self.assertRaisesRegex(UserError, "first_name"):
            wizard.action_send()
        wizard.text = "Ihre IBAN [IBAN removed, ends 3000] ist notiert."
        with self.assertRaisesRegex(UserError, "IBAN removed"):
            wizard.action_send()
        self.assertFalse(post.ticket_id.social_reply_ids, "nothing queued")

    def test_length_as_the_network_counts(self):
        post = self.ingest(self.complaint("1990000000000000306", author=self.ina()))
        wizard = self.open_wizard(post.ticket_id)
        url = "https://example.com/" + "x" * 200
        wizard.text = "Details: " + url
        self.assertEqual(wizard.length_used, 9 + 23, "X counts every URL as 23")
        self.assertFalse(wizard.length_over)
        wizard.text = "a" * 281
        self.assertTrue(wizard.length_over)
        self.assertEqual(wizard.length_info, "281 / 280")
        with self.assertRaisesRegex(UserError, "limit is 280"):
            wizard.action_send()

    def test_mastodon_instance_limit(self):
        self.mastodon_source.social_reply_max_chars = 1000
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        post = self.ingest(
            self.complaint("555000000000009301", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        wizard = self.open_wizard(post.ticket_id)
        wizard.text = "b" * 600
        self.assertEqual(wizard.length_limit, 1000)
        self.assertFalse(wizard.length_over)
        self.mastodon_source.social_reply_max_chars = 0
        wizard.invalidate_recordset()
        self.assertEqual(wizard.length_limit, 500)
        self.assertTrue(wizard.length_over)
