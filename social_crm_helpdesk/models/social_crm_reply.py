# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.social_crm import connectors
from odoo.addons.social_crm.connectors.base import ConnectorError, ReplyResult
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class SocialCrmReply(models.Model):
    """A public answer of the company on a network, sent from a ticket (or a draft of it)."""

    _name = "social.crm.reply"
    _description = "Social Reply"
    _order = "create_date desc, id desc"
    _rec_name = "text"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, readonly=True
    )
    post_id = fields.Many2one(
        "social.crm.post", string="In Reply To", required=True, ondelete="cascade", readonly=True
    )
    network_id = fields.Many2one(related="post_id.network_id", store=True, readonly=True)
    text = fields.Text(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    error_message = fields.Text(string="Why It Failed", readonly=True)
    external_id = fields.Char(string="Reply ID on Network", readonly=True)
    url = fields.Char(string="URL", readonly=True)
    sent_at = fields.Datetime(string="Sent", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", default=lambda self: self.env.user, readonly=True
    )

    @api.model
    def _social_post_of_ticket(self, ticket, post):
        """Whether ``post`` is one of ``ticket``'s posts (or of its conversation)."""
        ticket, post = ticket.sudo(), post.sudo()
        if not (ticket and post):
            return False
        if post == ticket.social_post_id or post.ticket_id == ticket:
            return True
        return bool(
            ticket.social_conversation_key
            and post.company_id == ticket.company_id
            and post.network_id == ticket.social_network_id
            and post._social_conversation_key() == ticket.social_conversation_key
        )

    @api.model
    def _social_check_can_reply(self, ticket, post):
        """Raise unless the current user may answer ``post`` publicly from ``ticket``: write
        access to the ticket, the post is one of the ticket's, the user may act for the post's
        company (an allowed company, and the post readable under the user's rules), and the
        publishing credentials belong to that company."""
        ticket.check_access("write")
        if not self._social_post_of_ticket(ticket, post):
            raise AccessError(
                self.env._("You can only reply to the posts of this ticket's conversation.")
            )
        company = post.sudo().company_id
        if company not in self.env.user.company_ids or company != ticket.sudo().company_id:
            raise AccessError(
                self.env._(
                    "You cannot answer on behalf of %(company)s.", company=company.display_name
                )
            )
        post.with_env(self.env).check_access("read")
        source = post.sudo().source_id
        if source and source.company_id != company:
            raise AccessError(
                self.env._("The publishing account does not belong to the post's company.")
            )
        return True

    def _send(self):
        """Publish the reply; True when the network took it. A failure keeps the text and
        stores the connector's sentence in ``error_message``."""
        self.ensure_one()
        post = self.post_id.sudo()
        code = post.network_id.code or ""
        error = None
        if self.state == "sent":
            return True
        if not connectors.can_reply(code):
            error = self.env._(
                "Replying is not available for %(network)s.", network=post.network_id.name
            )
        elif not post.source_id:
            error = self.env._("The post came without a listening source: no credentials.")
        replayed = post.source_id.network_id.code == "replay"
        if error is None and replayed:
            # the demo's replayed traffic has no network behind it: record the answer, say so
            result = ReplyResult(external_id=f"replay-reply-{self.id}")
        elif error is None:
            try:
                config = post.source_id._connector_config()
                result = connectors.reply(
                    code, config.credentials, post.external_id, self.text,
                    base_url=config.base_url,
                )
            except ConnectorError as exc:
                error = str(exc)
                _logger.info("Social CRM: reply %s to post %s failed: %s", self.id, post.id, exc)
        if error is not None:
            self.sudo().write({"state": "failed", "error_message": error})
            return False
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "sent",
                "error_message": False,
                "external_id": result.external_id,
                "url": result.url or False,
                "sent_at": now,
            }
        )
        ticket = self.ticket_id
        body = Markup("<p>%s</p><p class='text-muted small'>%s") % (
            self.text,
            self.env._("Public reply on %(network)s", network=post.network_id.name)
            if not replayed
            else self.env._(
                "Demo: the post came from the replay source, so this reply was recorded "
                "but not sent to %(network)s",
                network=post.network_id.name,
            ),
        )
        if result.url:
            body += Markup(" · <a href='%s' target='_blank' rel='noopener'>%s</a>") % (
                result.url,
                result.url,
            )
        body += Markup("</p>")
        ticket.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        if not ticket.social_first_reply_at:
            ticket.sudo().write(
                {
                    "social_first_reply_at": now,
                    "social_deadline_met": bool(
                        ticket.social_response_deadline and now <= ticket.social_response_deadline
                    ),
                }
            )
        return True
