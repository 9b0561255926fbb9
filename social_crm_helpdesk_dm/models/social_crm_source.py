# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A source of kind *direct*: the private messages of a Telegram bot or a WhatsApp Business
number, pushed to the webhook ``/social_crm/webhook/<token>`` of ``social_crm`` (the same
route, size limit and raw event storage as public webhooks). Telegram: the bot token is the
source's access token; the webhook's ``secret_token`` is the source's verify token, checked
before anything is read. WhatsApp (Cloud API): a Meta delivery, signed with the app secret
(``X-Hub-Signature-256``) and verified by the Meta handshake like page sources.

Facebook and Instagram page sources (push) with *Private Messages* also read the Messenger /
Instagram Direct items of their deliveries."""

from odoo import api, fields, models
from odoo.addons.social_crm.connectors import instagram_dm, messenger, telegram, whatsapp
from odoo.exceptions import ValidationError

DM_NETWORKS = ("telegram", "whatsapp")


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    kind = fields.Selection(
        selection_add=[("direct", "Direct messages to our account")],
        ondelete={"direct": "cascade"},
    )
    dm_enabled = fields.Boolean(
        string="Private Messages",
        help="Facebook page (push): also receive the page's Messenger conversations (subscribe "
        "the app to the webhook field “messages”). Instagram account (push): also receive its "
        "Instagram Direct conversations (webhook field “messages” of the Instagram object, "
        "permission instagram_manage_messages). Each conversation opens a ticket.",
    )
    whatsapp_phone_number_id = fields.Char(
        string="WhatsApp Phone Number ID",
        help="The Cloud API's id of the business phone number (WhatsApp Manager → API "
        "Setup), not the number itself: answers are sent from it.",
    )
    whatsapp_template_ids = fields.One2many(
        "social.crm.whatsapp.template",
        "source_id",
        string="WhatsApp Templates",
        help="Message templates approved by Meta for this number: outside the 24-hour window "
        "WhatsApp delivers only these.",
    )
    dm_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team for Direct Messages",
        check_company=True,
        help="Every private conversation opens a ticket in this team (no complaint detection: "
        "a customer writing privately expects an answer). Empty: the company's social team.",
    )

    @api.constrains("intake_mode", "network_id", "kind")
    def _check_intake_mode(self):
        direct = self.filtered(lambda s: s.kind == "direct")
        for source in direct:
            if source.network_id.code not in DM_NETWORKS or source.intake_mode != "push":
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: direct messages are received by webhook (mode Push) from "
                        "Telegram bots and WhatsApp Business numbers.",
                        name=source.name,
                    )
                )
        return super(SocialCrmSource, self - direct)._check_intake_mode()

    def _webhook_split(self, payload):
        """Messenger / Instagram Direct items of a page delivery: private messages when the
        source takes them, else dropped (the feed changes of the same delivery are read as
        before); a WhatsApp source reads messages and statuses of its deliveries."""
        if self._webhook_network() == "meta" and self.network_id.code == "whatsapp":
            return whatsapp.split_delivery(payload)
        # the private messages are kept by the sources that take them (_webhook_takes): those
        # of another page of the app go to its source (_webhook_route)
        if self._webhook_network() == "meta" and instagram_dm.has_messaging(payload):
            events, rest = instagram_dm.split_messaging(payload)
            return events + (super()._webhook_split(rest) if rest else [])
        if self._webhook_network() != "meta" or not messenger.has_messaging(payload):
            return super()._webhook_split(payload)
        events, rest = messenger.split_messaging(payload)
        return events + (super()._webhook_split(rest) if rest else [])

    def _webhook_takes(self, raw_event):
        """Messenger and Instagram Direct messages: a source with *Private Messages* ticked
        (Instagram Direct: an Instagram source); others are dropped."""
        if raw_event.kind == "messenger":
            return self.dm_enabled
        if raw_event.kind == "instagram_dm":
            return self.dm_enabled and self.network_id.code == "instagram"
        return super()._webhook_takes(raw_event)

    def _dm_team(self):
        self.ensure_one()
        # sudo: the DM team and the company's default team, whoever ingested the message
        return self.sudo().dm_team_id or self.sudo().company_id.social_helpdesk_team_id

    def _webhook_accounts(self):
        """A WhatsApp number's items are those of its phone number id; a Telegram bot has an
        address of its own (one webhook per bot): nothing to route."""
        if self.kind == "direct" and self.network_id.code == "whatsapp":
            number = (self.whatsapp_phone_number_id or "").strip()
            return {number} if number else set()
        if self._webhook_network() == "telegram":
            return set()
        return super()._webhook_accounts()

    def _webhook_account_field(self):
        """A WhatsApp number's account is its phone number id."""
        if self.kind == "direct" and self.network_id.code == "whatsapp":
            return "whatsapp_phone_number_id"
        return super()._webhook_account_field()

    @api.constrains("intake_mode", "account_id", "query", "app_secret", "api_secret",
                    "network_id", "company_id", "active", "kind", "whatsapp_phone_number_id")
    def _check_webhook_account_shared(self):
        """Also when a WhatsApp number's phone number id is emptied."""
        return super()._check_webhook_account_shared()

    def _webhook_use_account(self, account):
        """A WhatsApp number takes its phone number id (“Use this account ID”)."""
        if self.kind == "direct" and self.network_id.code == "whatsapp":
            self.write({"whatsapp_phone_number_id": account})
            return
        super()._webhook_use_account(account)

    def _webhook_event_account(self, raw_event):
        """Messenger: the page (``page_id``); Instagram Direct: the account
        (``account_id``); WhatsApp: the business number (``metadata.phone_number_id``)."""
        payload = raw_event.payload
        if raw_event.kind in ("messenger", "instagram_dm"):
            key = "page_id" if raw_event.kind == "messenger" else "account_id"
            return str(payload[key]) if payload.get(key) else None
        if raw_event.kind in ("whatsapp", "whatsapp_status"):
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
            number = metadata.get("phone_number_id")
            return str(number) if number else None
        return super()._webhook_event_account(raw_event)

    def _webhook_network(self):
        if self.kind == "direct" and self.network_id.code == "telegram":
            return "telegram"
        return super()._webhook_network()

    def _webhook_handshake(self, args):
        if self._webhook_network() == "telegram":  # Telegram sends no GET
            return 405, "text/plain", "Method not allowed"
        return super()._webhook_handshake(args)

    def _webhook_receive(self, body, headers):
        """A Telegram update: the secret token header is checked first (constant time), then
        the update is stored as one raw event and its processing triggered."""
        if self._webhook_network() != "telegram":
            return super()._webhook_receive(body, headers)
        self.ensure_one()
        # self: the source the public route found, sudo'ed there (controllers/webhook.py)
        source = self
        header = headers.get(telegram.SECRET_HEADER)
        if not telegram.check_secret(source.verify_token, header):
            self._intake_refused(
                self.env._("no secret token") if not header else self.env._("bad secret token")
            )
            return 401, "text/plain", "Secret token check failed"
        return self._webhook_store(body, telegram.split_update, "the update")
