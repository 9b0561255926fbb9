# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_incident_id = fields.Many2one(
        "social.crm.incident",
        string="Incident",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="The pile-on or spike of the crisis watch this ticket belongs to: the team "
        "answers the incident's tickets from one place.",
        groups="base.group_user",
    )
