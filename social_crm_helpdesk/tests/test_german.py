# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A German company: what the product writes on its own (tickets opened by ingestion or a
scheduled job, which run as OdooBot, their notes, the redaction placeholders) is German."""

import datetime as dt

from odoo.tests import new_test_user, tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestGermanCompany(SocialHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        cls.company.partner_id.lang = "de_DE"

    def test_ticket_notes_and_placeholders_in_german(self):
        # the job runs in English (OdooBot's language): the company's language wins
        post = self.ingest(
            self.complaint(
                "de-iban-1",
                text="@acme Ihr habt doppelt abgebucht, schon wieder kaputt! Meine IBAN "
                "DE89 3704 0044 0532 0130 00, bitte sofort zurück.",
            )
        ).with_context(lang="en_US")
        self.assertIn("[IBAN entfernt, endet auf 3000]", post.text)
        self.assertNotIn("removed", post.text)
        ticket = post.ticket_id
        self.assertTrue(ticket, "the complaint opened a ticket")
        self.assertIn("[IBAN entfernt, endet auf 3000]", str(ticket.description))
        notes = " ".join(ticket.message_ids.mapped(lambda m: str(m.body)))
        self.assertIn("Sensible Daten", notes)
        self.assertNotIn("Sensitive data removed", notes)

    def test_english_company_keeps_english(self):
        self.company.partner_id.lang = "en_US"
        post = self.ingest(
            self.complaint(
                "en-iban-1",
                text="@acme You charged me twice, broken again! IBAN "
                "DE89 3704 0044 0532 0130 00, refund now.",
                lang="en",
            )
        )
        self.assertIn("[IBAN removed, ends 3000]", post.text)

    def test_edit_note_in_german(self):
        # an edit read by the job (English): the note on the ticket is German
        text = "@acme Ihr habt doppelt abgebucht, schon wieder kaputt! Frechheit!"
        post = self.ingest(self.complaint("de-edit-1", text=text))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        edited = self.complaint(
            "de-edit-1", text=f"{text} Karte 4111 1111 1111 1111, sofort zurück!",
            edited_at=post.posted_at.replace(tzinfo=dt.UTC) + dt.timedelta(minutes=3),
        )
        self.Post.with_context(lang="en_US")._ingest_posts([edited], self.x_source)
        notes = " ".join(ticket.message_ids.mapped(lambda m: str(m.body)))
        self.assertIn("hat den Beitrag auf X (Twitter) bearbeitet", notes)
        self.assertIn("Vor der Bearbeitung", notes)
        self.assertIn("[Kartennummer entfernt", notes)
        self.assertNotIn("edited the post", notes)


@tagged("post_install", "-at_install")
class TestStageGerman(SocialHelpdeskCase):
    """helpdesk_mgmt's German has no "Rejected" and calls "Awaiting" "Warten auf"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.rejected = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        cls.awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.german_agent = new_test_user(
            cls.env, login="stage_agent_de", lang="de_DE",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )

    def names_seen(self):
        # the agent's own context, as the web client sends it (German)
        agent = self.german_agent
        env = self.env(user=agent, context=agent.with_user(agent).context_get())
        self.assertEqual(env.lang, "de_DE")
        stages = env["helpdesk.ticket.stage"].search(
            [("id", "in", (self.rejected | self.awaiting).ids)])
        return {stage.id: stage.name for stage in stages}

    def assert_german(self):
        self.assertEqual(
            self.names_seen(), {self.rejected.id: "Abgelehnt", self.awaiting.id: "Wartend"})

    def test_german_installed_with_every_module(self):
        """The language loaded for all modules at once (a language installed later)."""
        self.env["ir.module.module"].search(
            [("name", "in", ["helpdesk_mgmt", "social_crm_helpdesk"])]
        )._update_translations("de_DE")
        self.assert_german()

    def test_helpdesk_mgmt_loaded_after_us(self):
        """helpdesk_mgmt's file loaded last (its update, or the modules' order)."""
        Module = self.env["ir.module.module"]
        Module._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        Module._load_module_terms(["helpdesk_mgmt"], ["de_DE"], overwrite=True)
        self.assert_german()

    def test_a_name_given_by_a_user_is_kept(self):
        self.awaiting.with_context(lang="de_DE").name = "Wartet auf Kunde"
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt"], ["de_DE"])
        self.assertEqual(self.names_seen()[self.awaiting.id], "Wartet auf Kunde")
        self.assertEqual(self.names_seen()[self.rejected.id], "Abgelehnt")
        self.assertEqual(self.awaiting.with_context(lang="en_US").name, "Awaiting")


@tagged("post_install", "-at_install")
class TestPostLinkLanguage(SocialHelpdeskCase):
    """Before: the description's link to the post was written when the ticket opened, in the
    company's language ("Beitrag im Netzwerk öffnen" for every reader of a German company's
    ticket: English agents, a customer in the portal). The link now reads the same in every
    language (the post's address); the ticket form's "Open on the Network" button and the
    post's URL field say it in the reader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        cls.company.partner_id.lang = "de_DE"

    def test_the_link_carries_no_language(self):
        url = "https://x.com/user_link-1/status/1860000000000000001"
        post = self.ingest(self.complaint("link-1", url=url))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        description = str(ticket.description)
        for words in ("Beitrag im Netzwerk öffnen", "Open the post on the network"):
            self.assertNotIn(words, description)
        self.assertIn(f'href="{url}"', description.replace("'", '"'))
        self.assertIn(f">{url}</a>", description)
        self.assertEqual(ticket.social_url, url)
        # the form says it in the reader's language
        arch = self.env["helpdesk.ticket"].with_context(lang="de_DE").get_view(
            view_type="form")["arch"]
        self.assertIn("Im Netzwerk öffnen", arch)


@tagged("post_install", "-at_install")
class TestHelpdeskMgmtGerman(SocialHelpdeskCase):
    """helpdesk_mgmt's German lacks the menus, fields and form texts a German agent reads
    ("All Tickets", "Parent Team", "Show in portal form", the dashboard's "Open Tickets"):
    our de.po carries them by helpdesk_mgmt's xml ids, which fill only what has no German."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.modules = cls.env["ir.module.module"].search(
            [("name", "in", ["helpdesk_mgmt", "social_crm_helpdesk"])])
        cls.modules._update_translations("de_DE")
        cls.german_agent = new_test_user(
            cls.env, login="mgmt_agent_de", lang="de_DE",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.all_tickets = cls.env.ref("helpdesk_mgmt.helpdesk_all_ticket_menu")

    def agent_env(self):
        # the agent's own context, as the web client sends it (German)
        agent = self.german_agent
        env = self.env(user=agent, context=agent.with_user(agent).context_get())
        self.assertEqual(env.lang, "de_DE")
        return env

    def test_menus_fields_and_forms_read_german(self):
        env = self.agent_env()
        self.assertEqual(self.all_tickets.with_env(env).name, "Alle Tickets")
        self.assertEqual(
            env.ref("helpdesk_mgmt.helpdesk_ticket_action_opened").sudo().name,
            "Helpdesk-Ticket")
        team = env["helpdesk.ticket.team"].fields_get(
            ["parent_id", "show_in_portal", "alias_domain_id"], ["string", "help"])
        self.assertEqual(team["parent_id"]["string"], "Übergeordnetes Team")
        self.assertEqual(team["show_in_portal"]["string"], "Im Portalformular anzeigen")
        self.assertEqual(team["show_in_portal"]["help"],
                         "Dieses Team kann beim Anlegen eines neuen Tickets im Portal gewählt "
                         "werden.")
        self.assertEqual(team["alias_domain_id"]["string"], "Alias-Domain")
        ticket = env["helpdesk.ticket"].fields_get(["duplicate_id", "properties"], ["string"])
        self.assertEqual(ticket["duplicate_id"]["string"], "Duplikat von")
        self.assertEqual(ticket["properties"]["string"], "Eigenschaften")
        form = env["helpdesk.ticket.team"].get_view(
            env.ref("helpdesk_mgmt.view_helpdesk_team_form").id, "form")["arch"]
        self.assertIn("Name des übergeordneten Teams ...", form)
        self.assertNotIn("Parent Team", form)
        form = env["helpdesk.ticket"].get_view(
            env.ref("helpdesk_mgmt.ticket_view_form").id, "form")["arch"]
        self.assertIn("Als Duplikat markieren", form)
        self.assertNotIn("Mark as duplicate", form)

    def test_dashboard_reads_german(self):
        names = [tile["name"] for tile in
                 self.agent_env()["helpdesk.ticket.team"].retrieve_dashboard()]
        self.assertIn("Offene Tickets", names)
        self.assertNotIn("Open Tickets", names)
        english = [tile["name"] for tile in self.env["helpdesk.ticket.team"].with_context(
            lang="en_US").retrieve_dashboard()]
        self.assertIn("Open Tickets", english)

    def test_helpdesk_mgmt_loaded_after_us(self):
        Module = self.env["ir.module.module"]
        Module._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        Module._load_module_terms(["helpdesk_mgmt"], ["de_DE"], overwrite=True)
        self.assertEqual(self.all_tickets.with_env(self.agent_env()).name, "Alle Tickets")

    def test_a_name_given_by_a_user_is_kept(self):
        self.all_tickets.with_context(lang="de_DE").name = "Sämtliche Tickets"
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "social_crm_helpdesk"], ["de_DE"])
        self.assertEqual(self.all_tickets.with_env(self.agent_env()).name, "Sämtliche Tickets")
        self.assertEqual(self.all_tickets.with_context(lang="en_US").name, "All Tickets")
