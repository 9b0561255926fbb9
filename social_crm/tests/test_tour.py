# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSocialTour(HttpCase):
    def test_contact_social_page_tour(self):
        partner = self.env.ref("social_crm.partner_demo_lena")
        self.start_tour(f"/odoo/contacts/{partner.id}", "social_crm_identity_tour", login="admin")
        identity = partner.social_identity_ids.filtered(lambda i: i.network_id.code == "bluesky")
        self.assertEqual(identity.handle, "lena.bsky.social")
        self.assertEqual(identity.profile_url, "https://bsky.app/profile/lena.bsky.social")
