# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhook items kept for a push source whose *Our Account ID* may be wrong.

A delivery's item for an account that no push source of the app has is dropped when the
database may hold that account's owner in another company (``_webhook_route_accounts``).
When the source is its company's only push source of the network, the app is no other
company's and no source of the app on another network has the account, the items are kept in
quarantine on the source instead (``social.crm.event`` ``held_account``): a mistyped id, or a
page name left from before the routing, loses nothing.
The form names the account the network sent; “Use this account ID” makes it the source's and
processes the kept items again.

A push source without an account id takes the items of its app that no other source takes.
When another company's push source of the network has the same app (secret), that would
store the other company's items here: such a source is refused on save
(``_check_webhook_account_shared``), and one saved before, or left so when the other company
joined the app, keeps those items in quarantine instead (``_webhook_route_accounts``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

MANAGER = "social_crm.group_social_crm_manager"


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    held_account_id = fields.Char(
        string="Account Sent by the Network",
        compute="_compute_held",
        help="The account id the network addressed the items kept in quarantine to (the "
        "newest, when there are several).",
    )
    held_event_count = fields.Integer(string="Items Kept", compute="_compute_held")
    held_shared_count = fields.Integer(
        string="Items Kept That May Be Another Company's",
        compute="_compute_held",
        help="Items kept in quarantine while a push source of another company uses the same "
        "app: the account they are addressed to may be that company's.",
    )
    webhook_account_label = fields.Char(
        string="Account Field",
        compute="_compute_webhook_account_label",
        help="The name of the field that holds the account id whose items the source takes "
        "(Our Account ID; WhatsApp: WhatsApp Phone Number ID).",
    )

    @api.depends("network_id", "kind")
    @api.depends_context("lang")
    def _compute_webhook_account_label(self):
        for source in self:
            source.webhook_account_label = source._webhook_account_label()

    def _webhook_account_field(self):
        """The field holding the account id whose items this push source takes (hook:
        WhatsApp's phone number id)."""
        return "account_id"

    def _webhook_account_label(self):
        """The name of :meth:`_webhook_account_field`, in the user's language."""
        return self._fields[self._webhook_account_field()]._description_string(self.env)

    @api.constrains("intake_mode", "account_id", "query", "app_secret", "api_secret",
                    "network_id", "company_id", "active")
    def _check_webhook_account_shared(self):
        """An active push source without an account id takes every item of its app that no
        other source takes (``_webhook_route_accounts``): refused when a push source of
        another company (archived ones too) has the app of the same network, whose items it
        would store. A company alone on its app may leave it empty."""
        # sudo: the source's secret and accounts are compared, never shown
        for source in self.sudo().filtered(lambda s: s.intake_mode == "push" and s.active):
            if source._webhook_network() not in ("meta", "x") or source._webhook_accounts():
                continue  # a bot with its own address, or a source with its account
            if source._webhook_app_shared():
                raise ValidationError(self.env._(
                    "“%(name)s”: %(field)s is required: a push source of another company "
                    "uses the same app (the same secret). Without it, this source would take "
                    "the items of that app that no other source takes, that company's too.",
                    name=source.name, field=source._webhook_account_label()))

    def _webhook_app_shared(self):
        """Whether a push source of another company (archived ones too) has this push
        source's app on its network (the same secret): items kept here may be that company's.
        Never says which source (one query)."""
        self.ensure_one()
        # sudo: the other companies' sources are never shown, only compared
        source = self.sudo()
        secret = source._webhook_secret()
        if not secret:
            return False
        others = source.with_context(active_test=False).search([
            ("intake_mode", "=", "push"), ("network_id", "=", source.network_id.id),
            ("company_id", "!=", source.company_id.id),
        ])
        return any(other._webhook_secret() == secret for other in others)

    def _compute_held(self):
        ids = [i for i in self.ids if isinstance(i, int)]
        newest = {}
        shared = {}
        if ids:
            # sudo: events are manager-only; the form shows their account to its readers
            for source, account, is_shared, count, received in self.env[
                    "social.crm.event"].sudo()._read_group(
                [("source_id", "in", ids), ("state", "=", "quarantined"),
                 ("held_account", "!=", False)],
                ["source_id", "held_account", "held_shared_app"],
                ["__count", "received_at:max"],
            ):
                if is_shared:
                    shared[source.id] = shared.get(source.id, 0) + count
                best = newest.get((source.id, account))
                newest[(source.id, account)] = (
                    (best[0] if best else 0) + count, max(received, best[1]) if best else received)
        latest = {}
        for (source_id, account), (count, received) in newest.items():
            best = latest.get(source_id)
            if not best or received > best[2]:
                latest[source_id] = (account, count, received)
        for source in self:
            account, count, _received = latest.get(source.id, (False, 0, None))
            source.held_account_id = account
            source.held_event_count = count
            source.held_shared_count = shared.get(source.id, 0)

    def _webhook_use_account(self, account):
        """Make ``account`` this push source's account (hook: WhatsApp's phone number id)."""
        self.write({"account_id": account})

    def action_use_held_account(self):
        """“Use this account ID”: the account the network sent becomes the source's, and the
        items kept for it are processed again (the cron, triggered now). Refused when another
        push source (of any network, archived too) has that account (its items go there)."""
        self.ensure_one()
        self.check_access("write")
        account = self.held_account_id
        if not account:
            raise UserError(self.env._("No item is kept for another account."))
        # sudo: the push sources of every company, whatever the manager may read
        taken = self.sudo().with_context(active_test=False).search([
            ("intake_mode", "=", "push"), ("id", "!=", self.id),
        ]).filtered(lambda other: account in other._webhook_accounts())
        if taken:
            raise UserError(self.env._(
                "Account %(account)s is already the account of the push source “%(name)s”: "
                "the items for it belong there.",
                account=account, name=taken[0].name))
        self._webhook_use_account(account)
        # sudo: events are written by processing only
        events = self.env["social.crm.event"].sudo().search([
            ("source_id", "=", self.id), ("state", "=", "quarantined"),
            ("held_account", "=", account),
        ])
        events.action_retry()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Account ID set"),
                "message": self.env._(
                    "%(field)s is now %(account)s; the %(count)s kept item(s) are being "
                    "processed.", field=self._webhook_account_label(), account=account,
                    count=len(events)),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
