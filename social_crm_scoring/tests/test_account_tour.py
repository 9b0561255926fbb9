# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAccountTour(HttpCase):
    """A salesperson in a browser, in English and German: the demo key account Nordwind
    Logistik on its opportunity (key account, influencers among its contacts), on the
    company form (account score explained) and on one of its people ("works at")."""

    def setUp(self):
        super().setUp()
        self.nordwind = self.env.ref("social_crm_scoring.partner_demo_nordwind")
        self.paul = self.env.ref("social_crm_scoring.partner_demo_paul")
        self.lead = self.env.ref("social_crm_scoring.lead_demo_nordwind")
        self.env["res.partner"]._social_score_recompute()
        self.env.invalidate_all()
        self.assertTrue(self.nordwind.social_is_key_account)
        self.assertTrue(self.lead.social_account_influencer_ids)

    def run_tours(self, lang):
        self.start_tour(
            f"/odoo/crm/{self.lead.id}", f"social_crm_account_lead_tour_{lang}", login="admin"
        )
        self.start_tour(
            f"/odoo/contacts/{self.nordwind.id}",
            f"social_crm_account_company_tour_{lang}",
            login="admin",
        )
        self.start_tour(
            f"/odoo/contacts/{self.paul.id}",
            f"social_crm_account_person_tour_{lang}",
            login="admin",
        )

    def test_account_tour_english(self):
        self.env.ref("base.user_admin").lang = "en_US"
        self.run_tours("en")

    def test_account_tour_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring"], ["de_DE"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "de_DE"
        self.run_tours("de")
