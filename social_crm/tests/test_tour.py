# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSocialTour(HttpCase):
    def test_contact_social_page_tour(self):
        partner = self.env.ref("social_crm.partner_demo_lena")
        self.start_tour(f"/odoo/contacts/{partner.id}", "social_crm_identity_tour", login="admin")
        identity = partner.social_identity_ids.filtered(lambda i: i.network_id.code == "bluesky")
        self.assertEqual(identity.handle, "lena.bsky.social")
        self.assertEqual(identity.profile_url, "https://bsky.app/profile/lena.bsky.social")

    def test_inbox_tour(self):
        self.start_tour("/odoo/action-social_crm.social_crm_post_action", "social_crm_inbox_tour",
                        login="admin")

    def test_inbox_tour_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_scoring", "social_crm_helpdesk"], ["de_DE"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "de_DE"
        self.start_tour("/odoo/action-social_crm.social_crm_post_action", "social_crm_inbox_tour",
                        login="admin")
        menu = self.env.ref("social_crm.social_crm_reporting_menu").with_context(lang="de_DE")
        self.assertEqual(menu.name, "Berichtswesen")

    def follower_history_tour(self, code):
        """Counts three days ago and today: the two days between carry the older count."""
        hanna = self.env["res.partner"].create({"name": "Hanna Historie"})
        identity = self.env["social.crm.identity"].create(
            {"partner_id": hanna.id, "network_id": self.env.ref("social_crm.network_mastodon").id,
             "external_id": "109999000000000001", "handle": "hanna@mastodon.social"}
        )
        today = fields.Date.today()
        self.env["social.crm.identity.metric"].create([
            {"identity_id": identity.id, "date": today - dt.timedelta(days=3),
             "followers_count": 1000},
            {"identity_id": identity.id, "date": today, "followers_count": 1200},
        ])
        self.start_tour(f"/odoo/contacts/{hanna.id}", f"social_crm_follower_history_tour_{code}",
                        login="admin")

    def test_follower_history_on_the_contact(self):
        self.env.ref("base.user_admin").lang = "en_US"
        self.follower_history_tour("en")

    def test_follower_history_on_the_contact_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.ref("base.user_admin").lang = "de_DE"
        self.follower_history_tour("de")

    def plural_tour(self, code):
        """The push source's refusals: one, then two, in the right grammatical number."""
        source = self.env["social.crm.source"].create(
            {"name": "X mentions (push)", "network_id": self.env.ref("social_crm.network_x").id,
             "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
             "api_secret": "consumer-secret"}
        )
        source.write({"refused_count": 1, "refused_reason": "bad signature",
                      "last_refused_at": fields.Datetime.now()})
        self.start_tour(f"/odoo/social.crm.source/{source.id}",
                        f"social_crm_plural_tour_{code}_one", login="admin")
        source.refused_count = 2
        self.start_tour(f"/odoo/social.crm.source/{source.id}",
                        f"social_crm_plural_tour_{code}_many", login="admin")

    def test_plural_forms_on_screen(self):
        self.env.ref("base.user_admin").lang = "en_US"
        self.plural_tour("en")

    def test_plural_forms_on_screen_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.ref("base.user_admin").lang = "de_DE"
        self.plural_tour("de")
