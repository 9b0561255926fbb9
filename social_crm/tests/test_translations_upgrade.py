# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A database upgraded from an older version shows the German of the current de.po where it
still has the German an earlier de.po gave (the loader keeps the translations it finds): the
outbox list's "In der Warteschlange" becomes "Eingereiht" as on a new database; a German a user
wrote stays."""

import importlib.util
from pathlib import Path

from psycopg2.extras import Json

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

MIGRATION = (
    Path(__file__).resolve().parent.parent / "migrations" / "19.0.1.7.1" / "post-migration.py"
)


def _load_migration():
    spec = importlib.util.spec_from_file_location("social_crm_post_1_7_1", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestFormerGermanOnUpgrade(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.module = cls.env["ir.module.module"].search([("name", "=", "social_crm")])
        cls.module._update_translations(filter_lang=["de_DE"], overwrite=False)
        cls.env.invalidate_all()
        cls.view = cls.env.ref("social_crm.social_crm_outbox_view_list")
        cls.query_help = cls.env["ir.model.fields"]._get("social.crm.source", "query")
        cls.constraint = cls.env.ref("social_crm.constraint_res_company_social_retention_positive")

    def _set_german(self, record, fname, value):
        self.env.cr.execute(SQL(
            "UPDATE %s SET %s = %s || %s::jsonb WHERE id = %s",
            SQL.identifier(record._table), SQL.identifier(fname), SQL.identifier(fname),
            Json({"de_DE": value}), record.id,
        ))
        self.env.invalidate_all()

    def _german(self, record, fname):
        return record._fields[fname]._get_stored_translations(record).get("de_DE")

    def _outbox_list_header(self):
        return self.env["social.crm.outbox"].with_context(lang="de_DE").get_views(
            [(False, "list")])["views"]["list"]["arch"]

    def _update(self):
        """What the update of the module does after its post-migrations."""
        self.module._update_translations(filter_lang=["de_DE"], overwrite=False)
        self.env.invalidate_all()
        self.env.registry.clear_cache("templates")  # the views (a new registry on upgrade)

    def _as_before(self):
        """The database as an older version left it: the German of earlier de.po files."""
        arch_de = self._german(self.view, "arch_db")
        self.assertIn('string="Eingereiht"', arch_de)
        self._set_german(self.view, "arch_db", arch_de.replace(
            'string="Eingereiht"', 'string="In der Warteschlange"'))
        self._set_german(self.query_help, "help",
                         "Suchanfrage, Hashtag (ohne #), Feed-URL oder bei einer Wiedergabe der "
                         "Pfad einer JSON-Lines-Datei innerhalb eines Add-ons.")
        self._set_german(self.constraint, "message",
                         "Aufbewahrungsfristen können nicht negativ sein.")

    def test_upgraded_database_gets_the_current_german(self):
        self._as_before()
        self._update()
        self.assertIn('string="In der Warteschlange"', self._outbox_list_header(),
                      "the .po loader alone keeps the German already in the database")
        _load_migration().forget_former_german(self.env)
        self._update()
        arch = self._outbox_list_header()
        self.assertIn('string="Eingereiht"', arch)
        self.assertNotIn("Warteschlange", arch)
        self.assertIn("Erneut versuchen", arch)  # the other terms keep their German
        help_de = self.env["social.crm.source"].with_context(lang="de_DE").fields_get(
            ["query"], ["help"])["query"]["help"]
        self.assertIn("X im Stream-Modus: die Regel des Filtered Stream", help_de)
        self.assertEqual(self._german(self.constraint, "message"),
                         "Aufbewahrungsfristen dürfen nicht negativ sein.")

    def test_german_a_user_wrote_stays(self):
        arch_de = self._german(self.view, "arch_db")
        self._set_german(self.view, "arch_db", arch_de.replace(
            'string="Eingereiht"', 'string="Wartet seit"'))
        self._set_german(self.query_help, "help", "Unsere eigene Hilfe.")
        self._set_german(self.constraint, "message", "Keine negativen Fristen.")
        _load_migration().forget_former_german(self.env)
        self._update()
        self.assertIn('string="Wartet seit"', self._outbox_list_header())
        self.assertEqual(self._german(self.query_help, "help"), "Unsere eigene Hilfe.")
        self.assertEqual(self._german(self.constraint, "message"), "Keine negativen Fristen.")
