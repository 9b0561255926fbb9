# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .discuss_channel_member import ALERT_MEMBERS_KEY


class DiscussChannel(models.Model):
    """A team's alert channel belongs to the team's company: the record rule
    ``discuss_channel_rule_social_alert_company`` keeps it from other companies' users (Odoo
    opens a channel to every user of its group, whatever the company), and its members follow
    the team (:meth:`_social_alert_follow`): a member reads the channel whatever the rules."""

    _inherit = "discuss.channel"

    social_alert_team_ids = fields.One2many(
        "helpdesk.ticket.team",
        "social_alert_channel_id",
        string="Social Alerts of the Teams",
        context={"active_test": False},
        groups="base.group_user",
    )

    def _social_alert_allowed(self, users):
        """The ``users`` who may read this alert channel: active internal users of the
        helpdesk (and of the channel's group), in the company of one of its teams (any
        company when one of its teams has none)."""
        self.ensure_one()
        channel = self.sudo()  # sudo: the product's channel, its teams and their users
        # the id by its cached xml id (env.ref checks that the group exists: a query a call)
        helpdesk = self.env["ir.model.data"]._xmlid_to_res_id(
            "helpdesk_mgmt.group_helpdesk_user", raise_if_not_found=False)
        groups = self.env["res.groups"].browse(helpdesk or ()) | channel.group_public_id
        teams = channel.social_alert_team_ids
        companies = None if not teams or not all(teams.company_id) else teams.company_id
        return users.sudo().filtered(
            lambda user: user.active and not user.share
            and groups <= user.all_group_ids
            and (companies is None or companies & user.company_ids)
        ).with_env(users.env)

    def _social_alert_follow(self, joined=None, left=None):
        """The members of these alert channels follow their teams. ``joined``: {channel id:
        users who just became members or leaders of its teams (or may read it again)}: added
        when they may read it; ``left``: {channel id: users who just left its teams}: removed
        unless still a member or leader of one of its teams or added by hand
        (``discuss.channel.member.social_alert_by_hand``). Whoever added them, members who
        may no longer read the channel (see :meth:`_social_alert_allowed`) are removed;
        OdooBot, the author of the alerts (and the creator of the channels the jobs make),
        is not touched. A few queries per channel, none
        per member (but the bus notifications Odoo sends to each member added)."""
        joined, left = joined or {}, left or {}
        root = self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root")
        # sudo: the product keeps the members of its channels, whoever changed the team
        channels = self.sudo().with_context(**{ALERT_MEMBERS_KEY: True})
        Users = self.env["res.users"].sudo()
        gone = self.env["discuss.channel.member"].sudo()
        for channel in channels:
            teams = channel.social_alert_team_ids.filtered("active")
            wanted = channel._social_alert_allowed(teams.user_ids | teams.user_id)
            members = channel.channel_member_ids.filtered("partner_id")
            allowed = channel._social_alert_allowed(members.partner_id.user_ids)
            leaving = (left.get(channel.id, Users) - wanted).partner_id
            gone |= members.filtered(
                lambda m, allowed=allowed, leaving=leaving: m.partner_id.id != root and (
                    not (m.partner_id.user_ids & allowed)
                    or (m.partner_id in leaving and not m.social_alert_by_hand)
                )
            )
            new = (joined.get(channel.id, Users) & wanted).filtered(
                lambda user, members=members: user.partner_id not in members.partner_id
            )
            if new:
                channel._add_members(users=new, post_joined_message=False)
        gone.unlink()
        return True
