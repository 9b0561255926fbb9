# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_social_enrich(self):
        """“Look up social profiles”: the contacts' identities (and their people's, for a
        company) are looked up now."""
        identities = self.env["social.crm.identity"].search(
            [("partner_id", "child_of", self.ids)]
        )
        if not identities:
            raise UserError(self.env._("These contacts have no social identity to look up."))
        return identities.action_enrich()

