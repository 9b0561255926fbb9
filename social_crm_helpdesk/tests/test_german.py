# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A German company: what the product writes on its own (tickets opened by ingestion or a
scheduled job, which run as OdooBot, their notes, the redaction placeholders) is German."""

import datetime as dt
import re

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestGermanCompany(SocialHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        cls.company.partner_id.lang = "de_DE"
        # the company's staff reads German (the notes on a ticket are in its agent's language)
        (cls.agent | cls.env.ref("base.user_admin")).lang = "de_DE"

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

    def test_a_database_made_in_german_keeps_the_english_names(self):
        """A database created in German has no English active: Odoo then writes a German
        name into English as well (``Rejected`` read ``Abgelehnt`` in English, and the
        German was taken for upstream's English)."""
        self.env.cr.execute(SQL("UPDATE res_partner SET lang = 'de_DE' WHERE lang = 'en_US'"))
        self.env.invalidate_all()
        self.env.ref("base.lang_en").active = False
        self.env.registry.clear_cache()
        self.rejected.update_field_translations("name", {"de_DE": False})
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.rejected.invalidate_recordset()
        self.assertEqual(self.rejected.with_context(lang="de_DE").name, "Abgelehnt")
        self.assertEqual(self.rejected.with_context(lang="en_US").name, "Rejected")
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
        self.assertIn("Abschlussdatum:", self.env.ref(
            "helpdesk_mgmt.portal_helpdesk_ticket_page").with_context(lang="de_DE").arch_db)

    def test_portal_pages_read_german(self):
        # the customer's ticket list, ticket page and new-ticket form, as a German customer
        # reads them (the views' German terms; their labels of fields and sorting are
        # helpdesk_mgmt's German)
        texts = {
            "helpdesk_mgmt.portal_helpdesk_ticket_page": {
                "Erstellungsdatum:": "Create Date:", "Abschlussdatum:": "Closed Date:",
                "Zuständig": "Assignee", "Kommunikationsverlauf": "Communication history",
                "Anhänge": "Attachments", ">Stufe:<": ">Stage:<",
            },
            "helpdesk_mgmt.portal_ticket_new_button": {
                '<i class="fa fa-plus"/> Neu': '<i class="fa fa-plus"/> New'},
            "helpdesk_mgmt.portal_my_home": {
                "Verfolgen und kommentieren Sie Ihre Helpdesk-Tickets":
                    "Follow and comment your helpdesk tickets"},
        }
        for xmlid, words in texts.items():
            arch = self.env.ref(xmlid).with_context(lang="de_DE").arch_db
            for german, english in words.items():
                self.assertIn(german, arch, xmlid)
                self.assertNotIn(english, arch, xmlid)

    def test_demo_categories_tags_and_teams_read_german(self):
        # helpdesk_mgmt's demo (the demo database): its de.po leaves them English
        env = self.agent_env()
        names = {
            "helpdesk_mgmt.helpdesk_category_2": ("WLAN", "Wifi"),
            "helpdesk_mgmt.helpdesk_team_1": ("Lokalisierungsteam", "Localization team"),
            "helpdesk_mgmt.helpdesk_team_3": ("Berater", "Consultants"),
            "helpdesk_mgmt.helpdesk_tag_1": ("Schwierig", "Hard"),
            "helpdesk_mgmt.helpdesk_tag_2": ("Technisch", "Technical"),
            "helpdesk_mgmt.helpdesk_tag_3": ("Funktional", "Functional"),
        }
        if not self.env.ref("helpdesk_mgmt.helpdesk_category_2", raise_if_not_found=False):
            self.skipTest("helpdesk_mgmt's demo data is not installed")
        for xmlid, (german, english) in names.items():
            # sudo: the agent's language, any team's record
            record = self.env.ref(xmlid).with_env(env).sudo()
            self.assertEqual(record.name, german, xmlid)
            self.assertEqual(record.with_context(lang="en_US").name, english, xmlid)

    def test_the_portal_upload_message_reads_german(self):
        """helpdesk_mgmt's new ticket form says in JavaScript that a file is too big; its de.po
        leaves it empty. The portal loads our module's JavaScript translations too, and the
        web client's _t of helpdesk_mgmt falls back to them (any module's translation)."""
        term = "The selected file (%sB) is over the maximum allowed file size (%sB)."
        modules = self.env["ir.http"]._get_translation_frontend_modules_name()
        self.assertIn("helpdesk_mgmt", modules)
        self.assertIn("social_crm_helpdesk", modules)
        translations, _lang = self.env["ir.http"]._get_translations_for_webclient(
            modules, "de_DE")
        ours = {m["id"]: m["string"] for m in translations["social_crm_helpdesk"]["messages"]}
        self.assertEqual(
            ours[term], "Die gewählte Datei (%sB) ist größer als die erlaubte Dateigröße (%sB).")
        theirs = {m["id"] for m in translations["helpdesk_mgmt"]["messages"]}
        self.assertNotIn(term, theirs, "helpdesk_mgmt's own German would be taken first")

    def test_settings_read_german(self):
        env = self.env(context={"lang": "de_DE"})
        arch = env["res.config.settings"].get_view(view_type="form")["arch"]
        for german, english in (
            ("Duplikatverfolgung aktivieren", "Enable duplicate tracking"),
            ("Benutzer automatisch zuweisen", "Auto assign User"),
            ("Formular für neue Tickets (Portal)", "New ticket form (portal)"),
            ("Pflichtfelder", "Required fields"),
            ("Als Duplikat markierte Tickets werden in diese Stufe verschoben",
             "When marked as duplicate"),
        ):
            self.assertIn(german, arch)
            self.assertNotIn(english, arch)
        # a label without its own text shows the field's
        labels = env["res.config.settings"].fields_get(
            ["helpdesk_mgmt_ticket_auto_assign", "helpdesk_mgmt_duplicate_ticket_stage_id"],
            ["string"])
        self.assertEqual(labels["helpdesk_mgmt_ticket_auto_assign"]["string"],
                         "Tickets automatisch zuweisen")
        self.assertEqual(labels["helpdesk_mgmt_duplicate_ticket_stage_id"]["string"],
                         "Doppelte Tickets in diese Stufe verschieben")

    def test_a_german_customer_gets_german_mail(self):
        customer = self.env["res.partner"].create(
            {"name": "Karla Kundin", "email": "karla@example.org", "lang": "de_DE"})
        ticket = self.Ticket.create({
            "name": "Router kaputt", "description": "<p>Seit Montag</p>",
            "partner_id": customer.id, "team_id": self.team.id,
            "user_id": self.german_agent.id,
        })
        for template, german in (
            ("helpdesk_mgmt.closed_ticket_template", "wurde geschlossen."),
            ("helpdesk_mgmt.changed_stage_template", "ist jetzt"),
            ("helpdesk_mgmt.assignment_email_template", "wurde Ihnen zugewiesen"),
        ):
            template = self.env.ref(template)
            values = template._generate_template(ticket.ids, ["subject", "body_html"])[ticket.id]
            self.assertIn("Hallo", values["body_html"], template.name)
            self.assertIn(german, values["body_html"], template.name)
            self.assertNotIn("Hello", values["body_html"], template.name)
            self.assertNotIn("The ticket", values["subject"], template.name)
        # the ticket is closed: helpdesk_mgmt's stage template goes to the customer as the
        # tracking of the stage posts it (the tests' environment turns tracking off)
        ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        ticket._message_track_post_template(["stage_id"])
        ticket.invalidate_recordset(["message_ids"])
        mail = ticket.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
        self.assertEqual(mail.notification_ids.res_partner_id, customer, "the customer is mailed")
        self.assertEqual(mail.subject, f"Das Ticket {ticket.number} wurde geschlossen.")
        self.assertIn("wurde geschlossen.", str(mail.body))
        self.assertNotIn("has been closed", str(mail.body))

    def test_the_duplicate_wizards_error_reads_german(self):
        ticket = self.Ticket.create(
            {"name": "Router kaputt", "description": "<p>Seit Montag</p>", "team_id": self.team.id})
        wizard = self.agent_env()["helpdesk.ticket.duplicate.wizard"].create(
            {"ticket_id": ticket.id, "duplicate_of_id": ticket.id})
        with self.assertRaisesRegex(UserError, "gültiges Original"):
            wizard.action_confirm()

    def test_a_name_given_by_a_user_is_kept(self):
        self.all_tickets.with_context(lang="de_DE").name = "Sämtliche Tickets"
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "social_crm_helpdesk"], ["de_DE"])
        self.assertEqual(self.all_tickets.with_env(self.agent_env()).name, "Sämtliche Tickets")
        self.assertEqual(self.all_tickets.with_context(lang="en_US").name, "All Tickets")


@tagged("post_install", "-at_install")
class TestNotesInTheReadersLanguage(SocialHelpdeskCase):
    """An English company, a German agent: the product's notes on the agent's ticket (who it
    was assigned to and why, the customer's later posts with their link to the network, the
    reply's outcome) are read by the agent, in German; the company's language is only the
    last resort (a ticket without an agent or a team leader)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        cls.company.partner_id.lang = "en_US"
        cls.gerda = new_test_user(
            cls.env, login="sh_gerda", name="Gerda Agentin", lang="de_DE",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        cls.team.write({"user_ids": [(6, 0, cls.gerda.ids)], "social_assign_mode": "least_open"})

    def notes(self, ticket):
        return " ".join(ticket.message_ids.mapped(lambda m: str(m.body)))

    def test_the_german_agents_ticket_notes_are_german(self):
        first = "1990000000000000501"
        post = self.ingest(self.complaint(
            first, author=self.ina(), conversation_external_id=first,
            url=f"https://x.com/ina_influencer/status/{first}",
        )).with_context(lang="en_US")
        ticket = post.ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        notes = self.notes(ticket)
        self.assertIn("Automatisch Gerda Agentin zugewiesen", notes)
        self.assertNotIn("Assigned automatically", notes)
        # the customer writes again in the conversation (the job runs in English)
        later = "1990000000000000502"
        self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
            later, author=self.ina(), text="@acme Hallo? Immer noch kaputt!",
            in_reply_to_external_id=first, conversation_external_id=first,
            url=f"https://x.com/ina_influencer/status/{later}", minutes_ago=1,
        )], self.x_source)
        notes = self.notes(ticket)
        self.assertIn("Immer noch kaputt", notes)
        self.assertIn(">im Netzwerk</a>", notes)
        self.assertNotIn(">on the network</a>", notes)
        # the agent answers; the sender (the cron, in English) tells the ticket how it went
        action = ticket.with_user(self.gerda).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.gerda).browse(
            action["res_id"])
        wizard.text = "@ina_influencer Das tut uns leid, wir melden uns per DM."
        wizard.action_send()
        self.net.add("POST", "https://api.twitter.com/2/tweets", status=201, json_body={
            "data": {"id": "1990000000000000599", "text": wizard.text,
                     "edit_history_tweet_ids": ["1990000000000000599"]}})
        self.run_sender()
        notes = self.notes(ticket)
        self.assertIn("Öffentliche Antwort auf X", notes)
        self.assertNotIn("Public reply on", notes)

    def test_the_customer_writing_again_after_the_answer_is_noted_in_german(self):
        """Served probe (Mastodon, Facebook webhook): the agent answered from Odoo, the
        customer complained again under the answer; the job (English) noted "... wrote again
        on Facebook after the answer: the ticket waits for an answer again" in English on the
        German agent's ticket, and so the reopening of a closed ticket."""
        first = "1990000000000000541"
        post = self.ingest(self.complaint(
            first, author=self.ina(), conversation_external_id=first, minutes_ago=30,
        ))
        ticket = post.ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        action = ticket.with_user(self.gerda).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.gerda).browse(
            action["res_id"])
        wizard.text = "@ina_influencer Das tut uns leid, wir melden uns per DM."
        wizard.action_send()
        self.net.add("POST", "https://api.twitter.com/2/tweets", status=201, json_body={
            "data": {"id": "1990000000000000549", "text": wizard.text,
                     "edit_history_tweet_ids": ["1990000000000000549"]}})
        self.run_sender()
        self.assertTrue(ticket.social_wait_reply_at)
        with freeze_time(dt.datetime.now() + dt.timedelta(minutes=5)):
            self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
                "1990000000000000542", author=self.ina(), minutes_ago=0,
                text="@acme Eine DM kam nicht an. Immer noch kaputt, Frechheit!",
                in_reply_to_external_id="1990000000000000549",
                conversation_external_id=first,
            )], self.x_source)
        self.assertEqual(ticket.social_reopen_count, 1)
        notes = self.notes(ticket)
        self.assertIn("hat nach der Antwort erneut auf X (Twitter) geschrieben", notes)
        self.assertIn("Das Ticket wartet wieder auf eine Antwort: antworten bis", notes)
        self.assertNotIn("wrote again", notes)
        # its deadline as the German agent reads dates (served probe: "antworten bis Dec 5,
        # 3:48 PM", the job's English date in the German sentence)
        deadline = ticket.with_context(lang="de_DE")._social_time(ticket.social_wait_deadline)
        self.assertRegex(deadline, r"^\d{1,2}\. \w+\.?, \d{2}:\d{2}$")
        self.assertIn(f"antworten bis {deadline}.", notes)
        self.assertNotRegex(notes, r"antworten bis [A-Z][a-z]{2} \d")
        # answered again, closed; the customer complains once more: reopened, in German
        ticket.sudo().write({"social_wait_reply_at": ticket.social_wait_since})
        ticket.sudo().stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertTrue(ticket.closed)
        with freeze_time(dt.datetime.now() + dt.timedelta(minutes=10)):
            self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
                "1990000000000000543", author=self.ina(), minutes_ago=0,
                text="@acme Schon wieder kaputt! Unverschämt.",
                in_reply_to_external_id="1990000000000000542",
                conversation_external_id=first,
            )], self.x_source)
        self.assertFalse(ticket.closed)
        notes = self.notes(ticket)
        self.assertIn("Wieder geöffnet: Ina Influencer hat sich nach dem Schließen", notes)
        self.assertNotIn("Reopened:", notes)
        self.assertNotIn("waits for an answer again", notes)

    def test_the_owner_nobody_online_and_the_joined_post_are_noted_in_german(self):
        """Nobody online at night: the top influencer's ticket still goes to the German agent,
        the note says why in German; her new complaint an hour later joins the ticket, with a
        German note; the agent who answers an unassigned ticket owns it, noted in German."""
        self.env["mail.presence"].sudo().create({"user_id": self.gerda.id, "status": "offline"})
        self.env["res.users"].invalidate_model(["im_status"])
        first = "1990000000000000531"
        ticket = self.ingest(self.complaint(
            first, author=self.ina(), conversation_external_id=first, minutes_ago=60,
        )).ticket_id
        if ticket.social_tier == "top_influencer":  # with the Social Score (a top influencer)
            self.assertEqual(ticket.user_id, self.gerda)
            self.assertIn("Automatisch Gerda Agentin zugewiesen, obwohl kein Mitglied online "
                          "ist", self.notes(ticket))
        again = "1990000000000000532"
        self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
            again, author=self.ina(), conversation_external_id=again, minutes_ago=1,
            text="@acme Immer noch kaputt, eine Stunde später!",
        )], self.x_source)
        notes = self.notes(ticket)
        self.assertIn("in einem neuen Beitrag erneut beschwert", notes)
        self.assertNotIn("complained again", notes)
        ticket.sudo().user_id = False
        ticket._social_take_by_answer(self.gerda)
        self.assertEqual(ticket.user_id, self.gerda)
        self.assertIn("Gerda Agentin zugewiesen: hat dem Kunden geantwortet", self.notes(ticket))

    def test_a_ticket_without_agent_is_noted_in_the_leaders_language(self):
        self.team.write({"social_assign_mode": "none", "user_id": self.gerda.id})
        bank = "1990000000000000511"
        post = self.ingest(self.complaint(
            bank, author=self.ina(), conversation_external_id=bank,
            text="@acme Doppelt abgebucht! IBAN DE89 3704 0044 0532 0130 00, sofort zurück.",
        ))
        ticket = post.ticket_id
        self.assertFalse(ticket.user_id)
        notes = self.notes(ticket)
        self.assertIn("Sensible Daten", notes)
        self.assertNotIn("Sensitive data removed", notes)

    def test_an_english_agent_of_an_english_company_reads_english(self):
        self.gerda.lang = "en_US"
        first = "1990000000000000521"
        ticket = self.ingest(self.complaint(first, author=self.ina())).ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        self.assertIn("Assigned automatically to Gerda Agentin", self.notes(ticket))

    def test_the_creation_message_is_in_the_agents_language(self):
        self.env["ir.module.module"]._load_module_terms(["mail"], ["de_DE"])
        # the job runs in English, with the chatter's tracking (the tests turn it off)
        result = self.Post.with_context(lang="en_US", tracking_disable=False)._ingest_posts(
            [self.complaint("1990000000000000531", author=self.ina())], self.x_source)
        ticket = self.Post.browse(result.post_ids).ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        created = ticket.message_ids.filtered(
            lambda m: m.subtype_id == ticket._creation_subtype())
        self.assertIn("Helpdesk-Ticket erstellt", str(created.body))
        self.assertNotIn("created", str(created.body))
        # still the ticket's first message (the assignment's note comes after it)
        self.assertEqual(ticket.message_ids.sorted("id")[:1], created)

    def test_joined_tickets_are_noted_in_the_agents_language(self):
        from odoo.addons.social_crm.connectors import mastodon
        from odoo.addons.social_crm.tests.test_mastodon_federation import status

        uri = "https://mastodon.example/users/%s/statuses/%s"

        def toot(sid, user, text, in_reply_to=None):
            body = status(sid, uri % (user, sid), f"{user}@mastodon.example", text=text)
            body["in_reply_to_id"] = in_reply_to
            body["in_reply_to_account_id"] = "109999" if in_reply_to else None
            return self.Post.with_context(lang="en_US").browse(self.Post._ingest_posts(
                [mastodon.parse_status(body, "mastodon.example")], self.mastodon_source,
            ).post_ids)

        root = toot("113400000000000650", "bob",
                    "@acme Mein Router ist seit Montag kaputt und keiner antwortet!")
        answer = toot("113400000000000652", "carl",
                      "@acme Geht mir genauso, seit einer Woche kein Internet. Frechheit!",
                      in_reply_to="113400000000000651")
        self.assertEqual((root | answer).ticket_id.user_id, self.gerda)
        # the status both answer arrives: the reply's ticket is marked as the root's duplicate
        toot("113400000000000651", "dana", "@acme wir warten alle",
             in_reply_to="113400000000000650")
        self.assertEqual(answer.ticket_id.duplicate_id, root.ticket_id)
        self.assertIn("als sein Duplikat markiert", self.notes(answer.ticket_id))
        self.assertNotIn("marked as its duplicate", self.notes(answer.ticket_id))
        self.assertIn("vor dem beantworteten Beitrag ankam", self.notes(root.ticket_id))
        self.assertNotIn("arrived before the post it answers", self.notes(root.ticket_id))

    def test_a_network_delete_is_noted_in_the_agents_language(self):
        from odoo.addons.social_crm.connectors import x

        first, later = "1990000000000000541", "1990000000000000542"
        post = self.ingest(self.complaint(first, author=self.ina(), conversation_external_id=first))
        ticket = post.ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        self.ingest(self.complaint(
            later, author=self.ina(), text="@acme Hallo? Immer noch kaputt, Frechheit!",
            in_reply_to_external_id=first, conversation_external_id=first, minutes_ago=1))
        self.assertIn("Immer noch kaputt", self.notes(ticket))

        def delete(tweet_id):
            body = {"for_user_id": "1440000000000000000", "tweet_delete_events": [
                {"status": {"id": tweet_id, "user_id": "9000"},
                 "timestamp_ms": str(int(dt.datetime.now(dt.UTC).timestamp() * 1000))}]}
            self.Post.with_context(lang="en_US")._ingest_deletions(
                x.parse_activity_deletions(body), self.x_source)

        # the author deletes the later post: its copy and the note are German
        delete(later)
        notes = self.notes(ticket)
        self.assertNotIn("Immer noch kaputt", notes)
        self.assertIn("[vom Autor im Netzwerk gelöscht]", notes)
        self.assertNotIn("[deleted by its author on the network]", notes)
        self.assertIn("Ina Influencer hat den Beitrag auf X (Twitter) gelöscht", notes)
        self.assertNotIn("deleted the post on", notes)
        # and the first: the ticket's title and description are the agent's German too
        # (they were the company's English before)
        delete(first)
        self.assertEqual(ticket.name, "Ina Influencer: Beitrag vom Autor gelöscht")
        self.assertIn("Ina Influencer hat den Beitrag auf X (Twitter) gelöscht",
                      str(ticket.description))
        self.assertNotIn("deleted the post on", str(ticket.description))
        self.assertEqual(len(re.findall(r"hat den Beitrag auf X \(Twitter\) gelöscht",
                                        self.notes(ticket))), 2)

    def test_the_owner_of_an_answer_in_the_networks_app_is_noted_in_german(self):
        """A regular complaint at night waits unassigned; the company's X account answers in
        X's app (its tweet in the conversation): the German agent owns the ticket, the note
        says in German that the answer came from the network's app."""
        self.env["mail.presence"].sudo().create({"user_id": self.gerda.id, "status": "offline"})
        self.env["res.users"].invalidate_model(["im_status"])
        first = "1990000000000000541"
        ticket = self.ingest(self.complaint(first, conversation_external_id=first,
                                            minutes_ago=20)).ticket_id
        self.assertFalse(ticket.user_id)
        own = self.make_author("1440000000000000000", "acme_support", "ACME Support")
        self.Post.with_context(lang="en_US")._ingest_posts([self.make_post(
            "1990000000000000542", own, text=f"@user_{first} Das tut uns leid! Bitte per DM.",
            conversation_external_id=first, in_reply_to_external_id=first, minutes_ago=2,
        )], self.x_source)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.user_id, self.gerda)
        notes = self.notes(ticket)
        self.assertIn("Das Unternehmenskonto @acme_support hat dem Kunden in der App des "
                      "Netzwerks geantwortet", notes)
        self.assertIn("Automatisch Gerda Agentin zugewiesen, obwohl kein Mitglied online ist",
                      notes)
        self.assertNotIn("Odoo does not know who", notes)

    def test_the_answer_in_the_app_and_the_customer_again_are_noted_in_german(self):
        """The company's account answers in X's app, the customer writes again after the
        answer (both by the job, in English): the German agent's notes are German. Before:
        both in the company's English."""
        first = "1990000000000000551"
        ticket = self.ingest(self.complaint(first, conversation_external_id=first,
                                            minutes_ago=30)).ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        own = self.make_author("1440000000000000000", "acme_support", "ACME Support")
        self.Post.with_context(lang="en_US")._ingest_posts([self.make_post(
            "1990000000000000552", own, text=f"@user_{first} Das tut uns leid! Bitte per DM.",
            conversation_external_id=first, in_reply_to_external_id=first, minutes_ago=20,
        )], self.x_source)
        notes = self.notes(ticket)
        self.assertIn("Vom Unternehmenskonto @acme_support in der App des Netzwerks "
                      "beantwortet", notes)
        self.assertNotIn("Answered by the company's account", notes)
        self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
            "1990000000000000553", author=self.make_author(f"a-{first}", f"user_{first}",
                                                         f"User {first}"),
            text="@acme Per DM kommt nichts, immer noch kaputt. Frechheit!",
            conversation_external_id=first, in_reply_to_external_id="1990000000000000552",
            minutes_ago=1,
        )], self.x_source)
        self.assertTrue(ticket.social_wait_deadline)
        notes = self.notes(ticket)
        self.assertIn("nach der Antwort erneut auf X", notes)
        self.assertNotIn("wrote again", notes)

    def test_a_reopened_ticket_is_noted_in_german(self):
        first = "1990000000000000561"
        ticket = self.ingest(self.complaint(first, conversation_external_id=first,
                                            minutes_ago=120)).ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        ticket.with_user(self.gerda).write(
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self.assertTrue(ticket.closed)
        self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
            "1990000000000000562", author=self.make_author(f"a-{first}", f"user_{first}",
                                                         f"User {first}"),
            text="@acme Schon wieder kaputt, keiner antwortet. Frechheit!",
            conversation_external_id=first, minutes_ago=1,
        )], self.x_source)
        self.assertFalse(ticket.closed)
        notes = self.notes(ticket)
        self.assertIn("Wieder geöffnet:", notes)
        self.assertNotIn("Reopened:", notes)

    def test_a_ticket_moved_to_another_contact_is_noted_in_german(self):
        """The author's posts now belong to another contact (listening, a merge: run in
        English): the note on the German agent's ticket is German. Before: English."""
        first = "1990000000000000571"
        ticket = self.ingest(self.complaint(first, conversation_external_id=first)).ticket_id
        self.assertEqual(ticket.user_id, self.gerda)
        other = self.env["res.partner"].create({"name": "Klara Kundin"})
        self.Ticket.with_context(lang="en_US")._social_follow_contact(
            {ticket: (other, ticket.social_identity_id)})
        self.assertEqual(ticket.partner_id, other)
        notes = self.notes(ticket)
        self.assertIn("Die Beiträge des Autors gehören jetzt zu Klara Kundin", notes)
        self.assertNotIn("now belong to", notes)

    def test_the_alert_pop_up_is_in_each_recipients_language(self):
        """Two tickets with bank data in one batch, one for the German agent, one for an
        English colleague: each pop-up in its reader's language; the alert channel (both of
        them, a tie) in the company's English. They were all the company's English."""
        from unittest.mock import patch

        eric = new_test_user(
            self.env, login="sh_eric", name="Eric Agent", lang="en_US",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        self.team.write({"user_ids": [(6, 0, (self.gerda | eric).ids)]})
        sent = []
        Users = type(self.env["res.users"])
        original = Users._bus_send

        def record(users, notification_type, message, /, *, subchannel=None):
            if notification_type == "simple_notification":
                sent.extend((user, message["title"], message["message"]) for user in users)
            return original(users, notification_type, message, subchannel=subchannel)

        self.startPatcher(patch.object(Users, "_bus_send", record))
        posts = self.Post.browse(self.Post.with_context(lang="en_US")._ingest_posts([
            self.complaint(
                ext, author=self.make_author(f"bank-{ext}", f"kunde_{ext}", "Klara Kundin"),
                conversation_external_id=ext,
                text="@acme Doppelt abgebucht! IBAN DE89 3704 0044 0532 0130 00, sofort zurück.",
            ) for ext in ("1990000000000000561", "1990000000000000562")
        ], self.x_source).post_ids)
        tickets = posts.ticket_id
        self.assertEqual(tickets.user_id, self.gerda | eric)
        german = tickets.filtered(lambda t: t.user_id == self.gerda)
        english = tickets - german
        self.assertIn((self.gerda, f"Social-Alarm: {german.display_name}"),
                      [(u, title) for u, title, _m in sent])
        self.assertIn((eric, f"Social alert: {english.display_name}"),
                      [(u, title) for u, title, _m in sent])
        gerdas = next(m for u, _t, m in sent if u == self.gerda)
        self.assertIn("Bank- oder Kartendaten", gerdas)
        erics = next(m for u, _t, m in sent if u == eric)
        self.assertIn("Bank or card data", erics)
        channel = self.team.social_alert_channel_id
        bodies = self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", channel.id),
             ("message_type", "=", "comment")]).mapped(lambda m: str(m.body))
        self.assertEqual(len(bodies), 2)
        self.assertTrue(all("Alert:" in body for body in bodies))
        # Eric leaves the team's channel: the German majority reads the next alert in German
        channel.sudo().channel_member_ids.filtered(
            lambda m: m.partner_id == eric.partner_id).unlink()
        self.team.write({"user_ids": [(6, 0, self.gerda.ids)]})
        ext = "1990000000000000563"
        self.Post.with_context(lang="en_US")._ingest_posts([self.complaint(
            ext, author=self.make_author("bank-3", "kunde_3", "Karl Kunde"),
            conversation_external_id=ext,
            text="@acme Karte 4111 1111 1111 1111 wurde doppelt belastet, sofort zurück!",
        )], self.x_source)
        last = self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", channel.id),
             ("message_type", "=", "comment")], order="id desc", limit=1)
        self.assertIn("Alarm:", str(last.body))
        self.assertNotIn("Alert:", str(last.body))
