# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmTicketHandoff(models.Model):
    """A social ticket passed from one team to another, and when that team first answered."""

    _name = "social.crm.ticket.handoff"
    _description = "Social Ticket Hand-off"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    from_team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    to_team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    date = fields.Datetime(string="Handed Over", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Handed Over By", readonly=True)
    answer_date = fields.Datetime(string="First Answer", readonly=True)
    answer_user_id = fields.Many2one("res.users", string="Answered By", readonly=True)
    answer_minutes = fields.Float(
        string="Minutes to Answer",
        compute="_compute_answer_minutes",
        store=True,
        aggregator="avg",
    )

    @api.depends("date", "answer_date")
    def _compute_answer_minutes(self):
        for handoff in self:
            if handoff.date and handoff.answer_date:
                handoff.answer_minutes = (handoff.answer_date - handoff.date).total_seconds() / 60
            else:
                handoff.answer_minutes = 0.0
