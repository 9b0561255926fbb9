# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The working hours of a user without ``hr``: the working time and time zone of the user's
resource (``resource.resource``), shown and set on the user (Settings > Users, tab Calendar)
and on the helpdesk team's members. ``res.users.resource_calendar_id`` of ``resource`` is
related over the user's resources: set on a user without a resource it is lost. Here setting
the working time of such a user creates the resource (the user's company and time zone)."""

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError

SCHEDULE_FIELDS = frozenset({"social_calendar_id", "social_resource_tz"})


class ResUsers(models.Model):
    _inherit = "res.users"

    social_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        compute="_compute_social_schedule",
        inverse="_inverse_social_schedule",
        help="Working time of the user's resource: outside of it (and on leave) the user is "
        "on duty for social tickets only while online in Odoo. Empty: no working hours. Set "
        "on a user without a resource, the resource is created (in the user's company).",
    )
    social_resource_tz = fields.Selection(
        _tz_get,
        string="Working Time Zone",
        compute="_compute_social_schedule",
        inverse="_inverse_social_schedule",
        help="Time zone in which the working hours are read (the resource's); the user's own "
        "time zone while the user has no resource.",
    )

    # the teams the user leads (helpdesk_mgmt has the inverse of the members only): a
    # helpdesk manager reads the leaves of their teams' members and leaders (record rule)
    social_led_team_ids = fields.One2many(
        "helpdesk.ticket.team", "user_id", string="Helpdesk Teams Led", readonly=True
    )

    def _social_resources(self):
        """{user id: the resource that holds the user's working hours}: of the user's company
        first, else the first one, as for the assignment of social tickets. One search."""
        # sudo: the schedules of users the caller may see (resource.resource of other companies)
        resources = self.env["resource.resource"].sudo().search(
            [("user_id", "in", self.ids)], order="id"
        )
        by_user = {}
        for resource in resources:
            current = by_user.get(resource.user_id.id)
            if not current or (
                current.company_id != resource.user_id.company_id
                and resource.company_id == resource.user_id.company_id
            ):
                by_user[resource.user_id.id] = resource
        return by_user

    @api.depends("resource_ids.calendar_id", "resource_ids.tz", "tz", "company_id")
    def _compute_social_schedule(self):
        resources = self._social_resources()
        for user in self:
            resource = resources.get(user.id)
            user.social_calendar_id = resource.calendar_id if resource else False
            user.social_resource_tz = resource.tz if resource else user.tz

    def _inverse_social_schedule(self):
        """Write the working time and time zone on the users' resources; a user without a
        resource gets one when given a working time (none is created for a time zone alone:
        without working hours it means nothing to the assignment)."""
        resources = self._social_resources()
        to_create = []
        for user in self:
            resource = resources.get(user.id)
            if resource:
                values = {"calendar_id": user.social_calendar_id.id}
                if user.social_resource_tz:
                    values["tz"] = user.social_resource_tz
                # sudo: the caller may write these users (checked in write()); resource.resource
                # is writable by the superuser only in Odoo without hr
                resource.sudo().with_context(check_idempotence=True).write(values)
            elif user.social_calendar_id:
                to_create.append({
                    "name": user.name,
                    "user_id": user.id,
                    "company_id": user.company_id.id,
                    "calendar_id": user.social_calendar_id.id,
                    "tz": user.social_resource_tz or user.tz
                    or user.social_calendar_id.tz or "UTC",
                })
        if to_create:
            self.env["resource.resource"].sudo().create(to_create)  # sudo: see above

    def _social_schedule_managed(self):
        """Whether the current user may set the working hours of these users without the right
        to write users: a helpdesk manager, for the members and leaders of the helpdesk teams
        they can read."""
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            return False
        teams = self.env["helpdesk.ticket.team"].search(
            ["|", ("user_ids", "in", self.ids), ("user_id", "in", self.ids)]
        )
        return self <= (teams.user_ids | teams.user_id)

    def write(self, vals):
        if vals and set(vals) <= SCHEDULE_FIELDS and not self.env.su:
            if not self.env["res.users"].has_access("write"):
                if not self._social_schedule_managed():
                    raise AccessError(self.env._(
                        "Only a helpdesk manager may set the working hours of a user, and only "
                        "of the members and leaders of their helpdesk teams."
                    ))
                # sudo: a helpdesk manager sets the working hours of their teams' members (checked
                # above), nothing else of the users
                return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)
