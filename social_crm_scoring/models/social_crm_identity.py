# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

#: identity fields that decide which mentioned account an identity is
ACCOUNT_FIELDS = {"company_id", "network_id", "external_id"}


class SocialCrmIdentity(models.Model):
    _inherit = "social.crm.identity"

    @api.model_create_multi
    def create(self, vals_list):
        identities = super().create(vals_list)
        self.env["social.crm.mention"]._resolve_identities(identities.filtered("external_id"))
        return identities

    def write(self, vals):
        result = super().write(vals)
        if ACCOUNT_FIELDS & set(vals):
            self.env["social.crm.mention"]._resolve_identities(self)
        return result

    def _ingest_after_link(self, authors):
        result = super()._ingest_after_link(authors)
        self.env["social.crm.mention"]._resolve_identities(self)
        return result
