# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.addons.social_crm.connectors import messenger, telegram
from odoo.addons.social_crm.connectors.base import ConfigurationError

#: network code -> function sending a private message (credentials, chat id, text, base_url)
SENDERS = {
    "telegram": lambda credentials, chat, text, base_url: telegram.send_message(
        credentials, chat, text, base_url=base_url
    ),
    "facebook": lambda credentials, psid, text, base_url: messenger.send_message(
        credentials, psid, text, base_url=base_url
    ),
}


#: the credential each sender needs (as the source's connector configuration names it)
CREDENTIAL_KEYS = {"telegram": "access_token", "facebook": "page_access_token"}


class SocialCrmOutbox(models.Model):
    _inherit = "social.crm.outbox"

    @api.model
    def _message_problem(self, post):
        post = post.sudo()
        code = post.network_id.code or ""
        if code not in SENDERS or not post.is_direct:
            return self.env._(
                "Private messages can be sent in private chats only (Telegram bots, "
                "Facebook Messenger)."
            )
        if self._is_demo_post(post):
            return False
        key = CREDENTIAL_KEYS[code]
        if not self._credentials_for(post)[0].get(key):
            return self.env._(
                "No credentials to send private messages on %(network)s for %(company)s: a "
                "Social CRM manager enters the access token (Telegram: the bot token; "
                "Facebook: the page access token) on the source of the conversation.",
                network=post.network_id.name,
                company=post.company_id.name,
            )
        return None

    def _send_message(self, post, credentials, base_url):
        post = post.sudo()
        chat = telegram.chat_of_conversation(post.conversation_external_id)  # dm:<id>
        sender = SENDERS.get(post.network_id.code or "")
        if not sender or not chat:
            raise ConfigurationError(self._message_problem(post) or "")
        return sender(credentials, chat, self.text or "", base_url)
