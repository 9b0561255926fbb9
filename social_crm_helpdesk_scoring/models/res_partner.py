# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _social_score_changed(self, partner_ids):
        """The open social tickets of contacts whose score was just written follow their
        tier (priority, deadline, alert): one search per written chunk."""
        result = super()._social_score_changed(partner_ids)
        if partner_ids:
            # sudo: the scores of any contact change any agent's tickets (helpdesk rules)
            tickets = (
                self.env["helpdesk.ticket"]
                .sudo()
                .search(
                    Domain("partner_id", "in", list(partner_ids))
                    & Domain("social_network_id", "!=", False)
                    & Domain("stage_id.closed", "=", False)
                )
            )
            if tickets:
                tickets._social_follow_tier()
        return result
