# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.social_crm.connectors import instagram_dm, messenger, telegram, whatsapp
from odoo.addons.social_crm.connectors.base import ConfigurationError

#: network code -> function sending a private message (credentials, chat id, text, base_url)
SENDERS = {
    "telegram": lambda credentials, chat, text, base_url: telegram.send_message(
        credentials, chat, text, base_url=base_url
    ),
    "facebook": lambda credentials, psid, text, base_url: messenger.send_message(
        credentials, psid, text, base_url=base_url
    ),
    "instagram": lambda credentials, igsid, text, base_url: instagram_dm.send_message(
        credentials, igsid, text, base_url=base_url
    ),
    # WhatsApp needs the number and maybe a template: SocialCrmOutbox._send_whatsapp
    "whatsapp": None,
}


#: the credential each sender needs (as the source's connector configuration names it)
CREDENTIAL_KEYS = {
    "telegram": "access_token",
    "facebook": "page_access_token",
    "instagram": "page_access_token",
    "whatsapp": "access_token",
}

#: WhatsApp statuses of a sent message, in the order they happen
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3}


class SocialCrmOutbox(models.Model):
    _inherit = "social.crm.outbox"

    network_status = fields.Selection(
        [("sent", "Sent"), ("delivered", "Delivered"), ("read", "Read"), ("failed", "Failed")],
        string="Delivery",
        readonly=True,
        help="What the network reported after accepting the message (WhatsApp statuses).",
    )

    @api.model
    def _message_problem(self, post):
        post = post.sudo()  # sudo: the post's network and source decide; agents cannot read sources
        code = post.network_id.code or ""
        if code not in SENDERS or not post.is_direct:
            return self.env._(
                "Private messages can be sent in private chats only (Telegram bots, "
                "Facebook Messenger, Instagram Direct, WhatsApp)."
            )
        if self._is_demo_post(post):
            return False
        key = CREDENTIAL_KEYS[code]
        if not self._credentials_for(post)[0].get(key):
            return self.env._(
                "No credentials to send private messages on %(network)s for %(company)s: a "
                "Social CRM manager enters the access token (Telegram: the bot token; "
                "Facebook and Instagram: the page access token; WhatsApp: a system user's "
                "token with whatsapp_business_messaging) on the source of the conversation.",
                network=post.network_id.name,
                company=post.company_id.name,
            )
        if code == "whatsapp" and not post.source_id.whatsapp_phone_number_id:
            return self.env._(
                "No WhatsApp Phone Number ID on the source “%(source)s”: a Social CRM manager "
                "enters it (WhatsApp Manager → API Setup).",
                source=post.source_id.name,
            )
        return None

    def _message_call(self, post, credentials, base_url):
        # sudo: the sender reads the post's conversation whatever the cron user reads
        post = post.sudo()
        chat = telegram.chat_of_conversation(post.conversation_external_id)  # dm:<id>
        code = post.network_id.code or ""
        if code == "whatsapp" and chat:
            return self._whatsapp_call(post, credentials, base_url, chat)
        sender = SENDERS.get(code)
        if not sender or not chat:
            raise ConfigurationError(self._message_problem(post) or "")
        text = self.text or ""
        return lambda: sender(credentials, chat, text, base_url)

    def _whatsapp_call(self, post, credentials, base_url, wa_id):
        """A text, or the approved template the agent chose (outside the 24-hour window)."""
        template = None
        if self.res_model == "social.crm.dm.message" and self.res_id:
            # sudo: the message the agent chose, read by the sender (cron)
            chosen = self.env["social.crm.dm.message"].sudo().browse(self.res_id).exists()\
                .template_id
            if chosen:
                template = (chosen.name, chosen.lang)
        phone_number_id, text = post.source_id.whatsapp_phone_number_id, self.text or ""
        return lambda: whatsapp.send_message(
            credentials, phone_number_id, wa_id, text, template=template, base_url=base_url,
        )

    @api.model
    def _whatsapp_status(self, status):
        """Record a WhatsApp status (``whatsapp.parse_status``) on the item of the message:
        delivered and read are shown; failed fails the item and tells its origin why."""
        if not status.get("id"):
            return
        # sudo: a status webhook (public route) updates the outbox item it names
        items = self.sudo().search(
            [("external_id", "=", status["id"]), ("action", "=", "message"),
             ("network_id.code", "=", "whatsapp")]
        )
        for item in items:
            if status["status"] == "failed":
                item.write({
                    "network_status": "failed",
                    "state": "failed",
                    "failure": "refused",
                    "error_message": self.env._(
                        "WhatsApp could not deliver the message: %(error)s",
                        error=status.get("error") or self.env._("no reason given"),
                    ),
                    "notified": False,
                })
                item._notify_origin()
            elif item.network_status != "failed" and STATUS_RANK.get(status["status"], 0) > \
                    STATUS_RANK.get(item.network_status or "", 0):
                item.network_status = status["status"]
