# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SocialCrmReplyGuideline(models.Model):
    """One point of a team's reply checklist ("thank", "apologise once", "offer a private
    channel"), written by managers, shown in the reply wizard."""

    _name = "social.crm.reply.guideline"
    _description = "Social Reply Guideline"
    _order = "team_id, sequence, id"

    name = fields.Char(string="Guideline", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
