# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_social_enrich(self):
        """“Look up social profiles”: the contacts' identities (and their people's, for a
        company) are looked up now."""
        identities = self.env["social.crm.identity"].search(
            [("partner_id", "child_of", self.ids)]
        )
        return identities.action_enrich()

