# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Counts in server-written text read as a person writes them: one post, two posts; ein
Beitrag, zwei Beiträge (a singular and a plural sentence each, chosen by the count)."""

import datetime as dt
from types import SimpleNamespace

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPluralForms(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)

    def both(self, model):
        records = self.env[model]
        return records.with_context(lang="en_US"), records.with_context(lang="de_DE")

    def test_poll_toast(self):
        english, german = self.both("social.crm.source")
        one = SimpleNamespace(created=1, updated=1, new_contacts=1, new_identities=1)
        two = SimpleNamespace(created=2, updated=2, new_contacts=2, new_identities=2)
        self.assertEqual(
            english._poll_summary_parts(one),
            ["1 new post", "1 updated", "1 new contact", "1 new identity"],
        )
        self.assertEqual(
            english._poll_summary_parts(two),
            ["2 new posts", "2 updated", "2 new contacts", "2 new identities"],
        )
        self.assertEqual(
            german._poll_summary_parts(one),
            ["1 neuer Beitrag", "1 aktualisiert", "1 neuer Kontakt", "1 neue Identität"],
        )
        self.assertEqual(
            german._poll_summary_parts(two),
            ["2 neue Beiträge", "2 aktualisiert", "2 neue Kontakte", "2 neue Identitäten"],
        )

    def test_retry_toast(self):
        english, german = self.both("social.crm.quarantine")
        one, three = english.browse([1]), english.browse([1, 2, 3])
        self.assertEqual(one._retry_message(1), "The item is stored.")
        self.assertEqual(
            three._retry_message(1), "1 of 3 items stored; the others stay in quarantine."
        )
        self.assertEqual(three._retry_message(3), "All 3 items stored.")
        self.assertEqual(
            german.browse([1])._retry_message(0),
            "Der Eintrag konnte nicht gespeichert werden; er bleibt in der Quarantäne.",
        )
        self.assertEqual(
            german.browse([1, 2, 3])._retry_message(1),
            "1 von 3 Einträgen gespeichert; die übrigen bleiben in der Quarantäne.",
        )
        self.assertEqual(
            german.browse([1, 2, 3])._retry_message(2),
            "2 von 3 Einträgen gespeichert; die übrigen bleiben in der Quarantäne.",
        )

    def test_profile_import_summary(self):
        english, german = self.both("social.crm.profile.import")
        day = dt.date(2019, 1, 15)
        one = {"email": 1, "profile": 0, "name": 0, "created": 1, "identities": 1, "counts": 1}
        many = {"email": 2, "profile": 1, "name": 0, "created": 2, "identities": 3, "counts": 3}
        self.assertEqual(
            english.new({"counted_on": day})._import_summary(1, one),
            "1 person read: 1 matched by e-mail, 0 by profile, 0 by name; 1 new contact, "
            "1 identity created, 1 count recorded as of Jan 15, 2019.",
        )
        self.assertEqual(
            german.new({"counted_on": day})._import_summary(1, one),
            "1 Person gelesen: 1 per E-Mail zugeordnet, 0 per Profil, 0 per Name; "
            "1 neuer Kontakt, 1 Identität angelegt, 1 Zahl mit Stand 15. Jan. 2019 erfasst.",
        )
        self.assertEqual(
            german.new({"counted_on": day})._import_summary(3, many),
            "3 Personen gelesen: 2 per E-Mail zugeordnet, 1 per Profil, 0 per Name; "
            "2 neue Kontakte, 3 Identitäten angelegt, 3 Zahlen mit Stand 15. Jan. 2019 erfasst.",
        )
