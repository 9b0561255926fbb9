# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialCrmNetwork(models.Model):
    _name = "social.crm.network"
    _description = "Social Network"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code used by connectors and integrations, e.g. x, mastodon, bluesky.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    icon = fields.Char(help="Font Awesome icon class, e.g. fa-twitter.")
    color = fields.Integer()
    profile_url_pattern = fields.Char(
        help="Profile URL built from a handle. Placeholders: {handle}; for handles of the "
        "form user@instance also {user} and {instance}. Empty: profile URLs are entered by hand.",
    )
    handle_pattern = fields.Char(
        help="Regular expression a handle must match (without the leading @). Empty: any handle.",
    )
    handle_example = fields.Char(translate=True)
    can_listen = fields.Boolean(
        string="Can Be Listened To",
        help="A connector exists: sources on this network can poll posts.",
    )
    is_professional = fields.Boolean(
        help="A professional network (LinkedIn, Xing): counts enter the professional weight of "
        "the Social Customer Score.",
    )

    _code_unique = models.Constraint("UNIQUE(code)", "A network with this code already exists.")

    @api.constrains("handle_pattern")
    def _check_handle_pattern(self):
        for network in self.filtered("handle_pattern"):
            try:
                re.compile(network.handle_pattern)
            except re.error as error:
                raise ValidationError(
                    self.env._(
                        "The handle pattern of %(network)s is not a valid regular expression: "
                        "%(error)s",
                        network=network.name,
                        error=error,
                    )
                ) from error

    def _check_handle(self, handle):
        """Return an error message when ``handle`` does not fit this network, else None."""
        self.ensure_one()
        if self.handle_pattern and not re.fullmatch(self.handle_pattern, handle or ""):
            if self.handle_example:
                return self.env._(
                    "“%(handle)s” is not a valid %(network)s handle (example: %(example)s).",
                    handle=handle,
                    network=self.name,
                    example=self.handle_example,
                )
            return self.env._(
                "“%(handle)s” is not a valid %(network)s handle.",
                handle=handle,
                network=self.name,
            )
        return None

    def _profile_url(self, handle):
        self.ensure_one()
        if not self.profile_url_pattern or not handle:
            return False
        user, _sep, instance = handle.partition("@")
        if "{instance}" in self.profile_url_pattern and not instance:
            return False
        return self.profile_url_pattern.format(handle=handle, user=user, instance=instance)

    def _by_code(self):
        """{code: network} for all networks, active or not (one query)."""
        networks = self.with_context(active_test=False).search([], limit=1000)
        return {network.code: network for network in networks}
