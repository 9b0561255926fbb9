# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Leftovers of an upgrade and of the agents' rights: the German help of the unsure posts on a
database upgraded from before 19.0.1.7.0; an agent reading every field of an identity."""

import importlib.util
from pathlib import Path

from psycopg2.extras import Json

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

MIGRATION = (
    Path(__file__).resolve().parent.parent / "migrations" / "19.0.1.7.0" / "post-migration.py"
)
OLD_PARAGRAPH = (
    "<p>The posts the complaint detection is least sure of come here, least sure first.\n"
    "               Each decision (Complaint or Not a Complaint) teaches the detection your "
    "company's\n               posts.</p>"
)
HEADING = '<p class="o_view_nocontent_smiling_face">{}</p>'


def _load_migration():
    spec = importlib.util.spec_from_file_location("social_crm_helpdesk_post_1_7", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestUnsureHelpUpgrade(TransactionCase):
    def _set_help(self, action, values):
        self.env.cr.execute(SQL(
            "UPDATE ir_act_window SET help = %s::jsonb WHERE id = %s", Json(values), action.id
        ))
        action.invalidate_recordset(["help"])

    def _load_german(self):
        module = self.env["ir.module.module"].search([("name", "=", "social_crm_helpdesk")])
        module._update_translations(filter_lang=["de_DE"], overwrite=False)
        self.env.invalidate_all()

    def test_upgraded_database_gets_the_german_help(self):
        """Before 19.0.1.7.0 the paragraph was wrapped over three lines in the XML: the German
        database kept it in English (the heading was German). Upgraded, the one-line paragraph
        came over with the old English as its German text, which the .po loader keeps."""
        self.env["res.lang"]._activate_lang("de_DE")
        action = self.env.ref("social_crm_helpdesk.social_crm_post_action_unsure")
        field = action._fields["help"]
        new_en = field._get_stored_translations(action)["en_US"]
        self.assertIn("least sure first. Each decision", new_en)
        # the old database: the three-line paragraph, the German heading
        old_en = HEADING.format("No unsure post to decide") + "\n" + OLD_PARAGRAPH
        self._set_help(action, {
            "en_US": old_en,
            "de_DE": HEADING.format("Kein unsicherer Beitrag zu entscheiden") + "\n"
            + OLD_PARAGRAPH,
        })
        # the update writes the new XML value, then (after the post-migration) loads de.po
        action.with_context(lang="en_US").help = new_en
        self.env.flush_all()
        german = action.with_context(lang="de_DE")
        self.assertIn("least sure of come here", german.help)
        self._load_german()
        self.assertIn("least sure of come here", german.help,
                      "without the migration the .po loader keeps the stale English paragraph")
        _load_migration().untranslate_stale_terms(self.env)
        self._load_german()
        self.assertIn("Hier erscheinen die Beiträge", german.help)
        self.assertIn("Kein unsicherer Beitrag zu entscheiden", german.help)
        self.assertNotIn("least sure", german.help)
        self.assertIn("least sure first. Each decision",
                      action.with_context(lang="en_US").help)

    def test_real_translations_stay(self):
        """A term translated (here by a user, differently from de.po) is kept."""
        self.env["res.lang"]._activate_lang("de_DE")
        action = self.env.ref("social_crm_helpdesk.social_crm_post_action_unsure")
        field = action._fields["help"]
        new_en = field._get_stored_translations(action)["en_US"]
        own = (HEADING.format("Nichts zu entscheiden")
               + "<p>Hier stehen die unsicheren Beiträge.</p>")
        self._set_help(action, {"en_US": new_en, "de_DE": own})
        _load_migration().untranslate_stale_terms(self.env)
        self.assertEqual(field._get_stored_translations(action)["de_DE"], own)


@tagged("post_install", "-at_install")
class TestAgentReadsIdentity(TransactionCase):
    def test_agent_reads_every_field_of_an_identity(self):
        """An agent without Social CRM rights reads the identities of the tickets' customers;
        a client reading all its fields (export dialog, fields_get then read) must not fail on
        a field whose model the agent may not read (the count history, metric_ids)."""
        agent = new_test_user(
            self.env, login="identity_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
        )
        partner = self.env["res.partner"].create({"name": "Ida Identity"})
        identity = self.env["social.crm.identity"].create(
            {"partner_id": partner.id, "network_id": self.env.ref("social_crm.network_x").id,
             "handle": "ida_identity", "external_id": "ida-1", "followers_count": 10}
        )
        self.env["social.crm.identity.metric"].create(
            {"identity_id": identity.id, "date": "2026-01-01", "followers_count": 10}
        )
        as_agent = identity.with_user(agent)
        described = as_agent.fields_get(attributes=["type", "relation"])
        # as the web client reads them: relational fields with their records' names
        spec = {
            name: {"fields": {"display_name": {}}} if info.get("relation") else {}
            for name, info in described.items()
        }
        rows = as_agent.web_read(spec)
        self.assertEqual(rows[0]["handle"], "ida_identity")
        self.assertEqual(rows[0]["followers_count"], 10)
        self.assertNotIn("metric_ids", described)
        # the identity's form opens for the agent (without the count history)
        arch = as_agent.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="metric_ids"', arch)
        self.assertNotIn("action_view_follower_history", arch)
        as_agent.web_read({name: {"fields": {"display_name": {}}}
                           if described[name].get("relation") else {}
                           for name in as_agent.get_views([(False, "form")])["models"]
                           ["social.crm.identity"]["fields"] if name in described})
        # a Social CRM user still reads it
        user = new_test_user(self.env, login="identity_social_user",
                             groups="base.group_user,social_crm.group_social_crm_user")
        rows = identity.with_user(user).web_read({"metric_ids": {"fields": {"date": {}}}})
        self.assertEqual(
            len(rows[0]["metric_ids"]),
            self.env["social.crm.identity.metric"].search_count(
                [("identity_id", "=", identity.id)]),
        )
        self.assertTrue(rows[0]["metric_ids"])
