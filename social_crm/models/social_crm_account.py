# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .social_crm_post import is_web_url

MANAGER = "social_crm.group_social_crm_manager"


class SocialCrmAccount(models.Model):
    """The company's own account on a network, used to publish (replies, hiding posts):
    a company may listen with a search token and answer as its brand account."""

    _name = "social.crm.account"
    _inherit = ["social.crm.credentials.mixin"]
    _description = "Social Publishing Account"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    network_id = fields.Many2one("social.crm.network", required=True, ondelete="restrict")
    network_code = fields.Char(related="network_id.code")
    handle = fields.Char(help="The account's handle, as the customers see it (e.g. acme).")
    base_url = fields.Char(
        string="Server URL",
        help="Mastodon: the instance of the account, e.g. https://mastodon.social. Facebook: "
        "the Graph API base. Empty: the network's default.",
    )
    account_id = fields.Char(
        string="Account ID", help="The account's id on the network (X user id, Facebook page id)."
    )
    api_key = fields.Char(string="API Key", groups=MANAGER, copy=False)
    api_secret = fields.Char(string="API Secret", groups=MANAGER, copy=False)
    access_token = fields.Char(
        groups=MANAGER, copy=False,
        help="X: the account's user access token; Mastodon: an access token with write:statuses; "
        "Facebook: the page access token; Bluesky: an app password (with the handle above).",
    )
    access_token_secret = fields.Char(groups=MANAGER, copy=False)
    has_credentials = fields.Boolean(compute="_compute_has_credentials")
    outbox_ids = fields.One2many("social.crm.outbox", "account_id")

    @api.depends("access_token")
    def _compute_has_credentials(self):
        # sudo: the token is manager-only; the flag tells others whether one is set
        for account, sudo in zip(self, self.sudo(), strict=True):
            account.has_credentials = bool(sudo.access_token)

    @api.constrains("base_url")
    def _check_base_url(self):
        for account in self:
            if account.base_url and not is_web_url(account.base_url):
                raise ValidationError(
                    self.env._(
                        "The server URL of “%(name)s” must start with https:// or http://.",
                        name=account.name,
                    )
                )

    def _publish_credentials(self):
        """``(credentials, base_url)`` in the shape the connectors' writers take."""
        self.ensure_one()
        # sudo: credentials are manager-only; the connectors need them for whoever publishes
        account = self.sudo()
        credentials = {
            "consumer_key": account.api_key,
            "consumer_secret": account.api_secret,
            "access_token": account.access_token,
            "access_token_secret": account.access_token_secret,
            "page_access_token": account.access_token,
        }
        if account.network_id.code == "bluesky":
            # Bluesky: the handle (or DID) and an app password open a session
            credentials = {
                "identifier": account.handle or account.account_id,
                "app_password": account.access_token,
            }
        return {k: v for k, v in credentials.items() if v}, account.base_url or ""

    @api.model
    def _for_post(self, post):
        """The active publishing account of ``post``'s company and network (or nothing)."""
        # sudo: agents publish through the company's account without reading it
        return self.sudo().search(
            [("company_id", "=", post.company_id.id), ("network_id", "=", post.network_id.id)],
            limit=1,
        )
