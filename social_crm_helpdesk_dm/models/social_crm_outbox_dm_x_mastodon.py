# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Answers to X direct messages (into the ``dm_conversation_id``) and to Mastodon private
mentions (a ``direct`` status replying to the customer's last one and mentioning them)."""

from odoo import api, models
from odoo.addons.social_crm.connectors import mastodon_dm, x_dm
from odoo.addons.social_crm.connectors.base import ConfigurationError

POLLED_DM_NETWORKS = ("x", "mastodon")


class SocialCrmOutbox(models.Model):
    _inherit = "social.crm.outbox"

    @api.model
    def _message_problem(self, post):
        post = post.sudo()  # sudo: the post's network and source decide; agents cannot read sources
        code = post.network_id.code or ""
        if code not in POLLED_DM_NETWORKS or not post.is_direct:
            return super()._message_problem(post)
        if self._is_demo_post(post):
            return False
        credentials, base_url = self._credentials_for(post)
        if code == "x" and not x_dm.has_credentials(credentials):
            return self.env._(
                "No credentials to send direct messages on X for %(company)s: a Social CRM "
                "manager enters the account's API key and secret, access token and secret "
                "(app permission “Read, write and Direct Messages”) on the source of the "
                "conversation.",
                company=post.company_id.name,
            )
        if code == "mastodon" and not (credentials.get("access_token") and base_url):
            return self.env._(
                "No credentials to answer privately on Mastodon for %(company)s: a Social CRM "
                "manager enters the instance and the account's access token (scope "
                "write:statuses) on the source of the conversation.",
                company=post.company_id.name,
            )
        return None

    def _message_call(self, post, credentials, base_url):
        # sudo: the sender reads the post's conversation whatever the cron user reads
        post = post.sudo()
        code = post.network_id.code or ""
        text = self.text or ""
        if code == "x" and post.is_direct:
            conversation = x_dm.conversation_of_key(post.conversation_external_id)
            if not conversation:
                raise ConfigurationError(self._message_problem(post) or "")
            return lambda: x_dm.send_message(credentials, conversation, text,
                                             base_url=base_url)
        if code == "mastodon" and post.is_direct:
            acct = post.author_handle or mastodon_dm.account_of_key(
                post.conversation_external_id)
            status_id = post.external_id
            return lambda: mastodon_dm.send_message(credentials, status_id, acct, text,
                                                    base_url=base_url)
        return super()._message_call(post, credentials, base_url)
