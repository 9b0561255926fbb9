# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A user who may no longer read a team's tickets (archived, no longer a helpdesk user, no
longer in the team's company) leaves its alert channel; one who may again (still of the
team) joins it again. See ``discuss.channel._social_alert_follow``."""

from odoo import models

from .discuss_channel_member import ALERT_MEMBERS_KEY

#: the user's fields that decide whether the user may read an alert channel
ALERT_USER_FIELDS = frozenset({"active", "group_ids", "company_ids"})


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        if not ALERT_USER_FIELDS & set(vals) or self.env.context.get(ALERT_MEMBERS_KEY):
            return super().write(vals)
        channels = self._social_alert_channels()
        before = {channel.id: channel._social_alert_allowed(self) for channel in channels}
        result = super().write(vals)
        if channels:
            channels._social_alert_follow(joined={
                channel.id: channel._social_alert_allowed(self) - before[channel.id]
                for channel in channels
            })
        return result

    def _social_alert_channels(self):
        """The alert channels these users are members of, or whose teams they belong to or
        lead (two queries)."""
        # sudo: the product's channels and teams, whoever edits the users
        teams = self.env["helpdesk.ticket.team"].sudo().search(
            ["|", ("user_ids", "in", self.ids), ("user_id", "in", self.ids),
             ("social_alert_channel_id", "!=", False)]
        )
        members = self.env["discuss.channel.member"].sudo().search(
            [("partner_id", "in", self.partner_id.ids),
             ("channel_id.social_alert_team_ids", "!=", False)]
        )
        return teams.social_alert_channel_id | members.channel_id
