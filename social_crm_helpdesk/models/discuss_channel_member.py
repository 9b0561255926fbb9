# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

#: context key of the product's own changes of an alert channel's members (the team's members
#: and leader added or removed as the team changes, see discuss.channel._social_alert_follow)
ALERT_MEMBERS_KEY = "social_crm_alert_members"


class DiscussChannelMember(models.Model):
    """Who a person added to a channel (invited, joined) is told apart from who the product
    added to a team's alert channel: the product removes its own members when they leave the
    team, never those added by hand while they may read the team's tickets."""

    _inherit = "discuss.channel.member"

    social_alert_by_hand = fields.Boolean(
        string="Added by Hand",
        readonly=True,
        help="Added to the channel by a person, not as a member or leader of a helpdesk "
        "team whose social alerts the channel receives.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # no default on the field: the members of channels made before it count as the
        # product's (it made the alert channels with the teams' members)
        if not self.env.context.get(ALERT_MEMBERS_KEY):
            for vals in vals_list:
                vals.setdefault("social_alert_by_hand", True)
        return super().create(vals_list)
