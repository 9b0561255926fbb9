# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X's app-only bearer token of a source that has only the app's consumer key and secret (a
push source: the Account Activity webhook needs no bearer token), for its compliance jobs
(``social.crm.x.compliance.job``). X issues it from the key and secret (OAuth 2.0 client
credentials) and gives the same one until the app invalidates it: it is asked for once and
kept here, never shown or logged; saving the source's key, secret or bearer token forgets
it (asked again with the new keys)."""

from odoo import api, fields, models

#: the fields whose change makes the kept token stale
APP_KEY_FIELDS = ("api_key", "api_secret", "bearer_token")


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    x_app_bearer_token = fields.Char(
        string="X App-Only Token", groups="base.group_system", copy=False, readonly=True,
        help="Issued by X from the API key and secret for the compliance jobs; forgotten "
        "when they change.")

    def write(self, vals):
        if "x_app_bearer_token" not in vals and set(APP_KEY_FIELDS) & set(vals):
            vals = dict(vals, x_app_bearer_token=False)
        return super().write(vals)

    @api.model
    def _x_app_key(self, source):
        """What tells one X app from another for ``source`` (X runs one compliance job at a
        time per app): its bearer token, else its consumer key."""
        source = source.sudo()
        return source.bearer_token or source.api_key or ""
