# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DiscussChannel(models.Model):
    """A team's alert channel belongs to the team's company: the record rule
    ``discuss_channel_rule_social_alert_company`` keeps it from other companies' users (Odoo
    opens a channel to every user of its group, whatever the company)."""

    _inherit = "discuss.channel"

    social_alert_team_ids = fields.One2many(
        "helpdesk.ticket.team",
        "social_alert_channel_id",
        string="Social Alerts of the Teams",
        context={"active_test": False},
        groups="base.group_user",
    )
