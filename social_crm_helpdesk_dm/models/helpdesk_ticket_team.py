# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    def _social_team_for(self, post, automatic=True):
        """A private message always opens a ticket (no complaint detection): in the team of
        its source, else the company's social team."""
        if post.is_direct and post.source_id:
            return post.source_id._dm_team()
        return super()._social_team_for(post, automatic=automatic)
