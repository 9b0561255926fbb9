# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmMatchSuggestion(models.Model):
    _name = "social.crm.match.suggestion"
    _inherit = ["social.crm.match.suggestion", "social.crm.pii.mixin"]

    _social_pii_json_fields = ("author_data",)

    def _social_pii_keep(self, vals):
        handle = vals["author_handle"] if "author_handle" in vals else self[:1].author_handle
        return self.env["social.crm.post"]._social_handle_forms(handle)
