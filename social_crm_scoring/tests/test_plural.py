# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The score explanations' counts in singular and plural, English and German."""

from types import SimpleNamespace

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestScorePluralForms(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring"], ["de_DE"], overwrite=True
        )
        cls.person = cls.env["res.partner"].create({"name": "Petra Lang"})

    def sentence(self, lang, part, **values):
        partner = self.env["res.partner"].with_context(lang=lang)
        row = SimpleNamespace(
            strongest_partner_id=self.person, people_points=71, people_count=1,
            influencer_count=1, corporate_points=0,
        )
        for key, value in values.items():
            setattr(row, key, value)
        return partner._social_account_part_sentence(part, row)

    def test_account_people_and_influencers(self):
        self.assertEqual(
            self.sentence("en_US", "people"),
            "Petra Lang is the only scored person (Social Score 71)",
        )
        self.assertEqual(
            self.sentence("de_DE", "people"),
            "Petra Lang ist die einzige bewertete Person (Social Score 71)",
        )
        self.assertEqual(
            self.sentence("en_US", "people", people_count=4),
            "Petra Lang has the highest Social Score (71) of the 4 scored people",
        )
        self.assertEqual(
            self.sentence("de_DE", "people", people_count=4),
            "Petra Lang hat den höchsten Social Score (71) der 4 bewerteten Personen",
        )
        self.assertEqual(self.sentence("en_US", "influencers"), "1 influencer among its people")
        self.assertEqual(
            self.sentence("de_DE", "influencers"), "1 Influencer unter den Mitarbeitenden"
        )
        self.assertEqual(
            self.sentence("en_US", "influencers", influencer_count=3),
            "3 influencers among its people (each one more counts half as much as the one "
            "before)",
        )
        self.assertEqual(
            self.sentence("de_DE", "influencers", influencer_count=3),
            "3 Influencer unter den Mitarbeitenden (jeder weitere zählt halb so viel wie der "
            "vorige)",
        )
