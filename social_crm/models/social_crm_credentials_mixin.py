# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

#: fields of sources and accounts that carry look-up credentials: saving one of them makes the
#: company's identities of that network that were "not configured" due again
CREDENTIAL_FIELDS = ("bearer_token", "api_key", "api_secret", "access_token",
                     "access_token_secret", "account_id", "base_url")


class SocialCrmCredentialsMixin(models.AbstractModel):
    """Records that hold a network's credentials (listening sources, publishing accounts):
    profiles not looked up for want of credentials are looked up once credentials of their
    company and network are saved, or such a record is made active
    (``social.crm.identity._enrich_credentials_saved``)."""

    _name = "social.crm.credentials.mixin"
    _description = "Social CRM Network Credentials"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._credentials_saved(records, vals_list)
        return records

    def write(self, vals):
        result = super().write(vals)
        self._credentials_saved(self, [vals])
        return result

    @api.model
    def _credentials_saved(self, records, vals_list):
        if any(vals.get(name) for vals in vals_list for name in CREDENTIAL_FIELDS) or any(
            vals.get("active") for vals in vals_list
        ):
            self.env["social.crm.identity"]._enrich_credentials_saved(
                records.filtered("active"))
