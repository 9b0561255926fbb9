# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestForgotten(TransactionCase):
    def test_anonymization_erases_social_data(self):
        partner = self.env["res.partner"].create({"name": "Fritz Vergessen", "email": "f@ex.org"})
        x = self.env.ref("social_crm.network_x")
        identity = self.env["social.crm.identity"].create(
            {"partner_id": partner.id, "network_id": x.id, "handle": "fritz", "external_id": "5"}
        )
        post = self.env["social.crm.post"].create(
            {"network_id": x.id, "external_id": "fp-1", "identity_id": identity.id,
             "text": "Hallo", "posted_at": "2026-01-01 10:00:00"}
        )
        partner.anonymize_partner_data()
        self.assertFalse(identity.exists())
        self.assertFalse(post.exists())
        self.assertIn("Anonymized", partner.name)
