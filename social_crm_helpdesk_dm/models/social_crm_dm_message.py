# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SocialCrmDmMessage(models.Model):
    """A private message of the company to a customer, written on a ticket. The delivery is
    an item of ``social.crm.outbox`` (action *message*): sent after the commit, retried,
    never twice."""

    _name = "social.crm.dm.message"
    _description = "Social Private Message"
    _order = "create_date desc, id desc"
    _rec_name = "text"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True,
        check_company=True,
    )
    conversation_id = fields.Many2one(
        "social.crm.dm.conversation", required=True, ondelete="cascade", readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    network_id = fields.Many2one(related="conversation_id.network_id", store=True)
    post_id = fields.Many2one(
        "social.crm.post", string="In Answer To", required=True, readonly=True,
        ondelete="cascade",
    )
    text = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("demo", "Demo: Recorded, Not Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    error_message = fields.Text(string="Why", readonly=True)
    outbox_id = fields.Many2one("social.crm.outbox", readonly=True, copy=False)
    external_id = fields.Char(string="Message ID on Network", readonly=True)
    sent_at = fields.Datetime(string="Sent", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", default=lambda self: self.env.user, readonly=True
    )
    template_id = fields.Many2one(
        "social.crm.whatsapp.template", string="WhatsApp Template", readonly=True,
        ondelete="restrict",
        help="Sent as this approved template (outside WhatsApp's 24-hour window).",
    )
    delivery_status = fields.Selection(related="outbox_id.network_status", string="Delivery")

    @api.model
    def _dm_send(self, ticket, conversation, text, template=None):
        """Queue ``text`` to the customer of ``conversation`` from ``ticket`` (after the
        checks: the user may write on the ticket and act for its company, the conversation
        is the ticket's, the network's answer window is open, credentials exist). WhatsApp:
        ``template`` (an approved template of the conversation's number) is sent instead of
        a text, also once the window closed."""
        ticket.check_access("write")
        # sudo: conversations are product rows; the ticket's write access was checked above
        conversation = conversation.sudo()
        # sudo: see above
        if conversation.ticket_id != ticket.sudo() or not conversation.last_post_id:
            raise AccessError(
                self.env._("This private conversation does not belong to the ticket.")
            )
        if conversation.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot answer on behalf of %(company)s.",
                    company=conversation.company_id.display_name,
                )
            )
        if template:
            # sudo: templates belong to the source's number (managers only)
            template = template.sudo()
            if conversation.network_id.code != "whatsapp" or \
                    template.source_id != conversation.source_id:
                raise UserError(
                    self.env._("This template is not one of the conversation's WhatsApp number.")
                )
            text = template.body or template.display_name
        text = (text or "").strip()
        if not text:
            raise UserError(self.env._("Write a message first."))
        problem = (
            (not template and conversation._window_problem())
            or self.env["social.crm.outbox"]._publish_problem(conversation.last_post_id, "message")
        )
        if problem:
            raise UserError(problem)
        # sudo: agents only read messages; the product writes them after the checks above
        message = self.sudo().create(
            {
                "ticket_id": ticket.id,
                "conversation_id": conversation.id,
                "post_id": conversation.last_post_id.id,
                "text": text,
                "user_id": self.env.uid,
                "template_id": template.id if template else False,
            }
        )
        message._queue()
        return message.with_env(self.env)

    def _queue(self):
        Outbox = self.env["social.crm.outbox"]
        for message in self:
            item = Outbox._queue(
                [
                    {
                        "action": "message",
                        "post_id": message.post_id.id,
                        "text": message.text,
                        "res_model": message._name,
                        "res_id": message.id,
                        "user_id": message.user_id.id,
                    }
                ]
            )
            # sudo: agents only read messages
            message.sudo().write({"outbox_id": item.id, "state": "queued",
                                  "error_message": False})
        return True

    def _social_outbox_update(self, item):
        """The outbox tells the result: the ticket's chatter shows the message as sent by
        the agent (the first one is the ticket's first response), or why it failed."""
        self.ensure_one()
        if item != self.outbox_id:
            return
        # sudo: the outbox's result reaches a ticket the cron user may not write
        ticket = self.ticket_id.sudo()
        network = item.network_id.name
        if item.state in ("queued", "sending"):
            self.write({"state": "queued", "error_message": item.error_message or False})
            return
        if item.state in ("failed", "cancelled"):
            self.write({"state": item.state, "error_message": item.error_message or False})
            ticket.message_post(
                body=Markup("<p>%s</p><p class='text-muted small'>%s</p>") % (
                    self.text,
                    self.env._(
                        "Private message on %(network)s not sent: %(reason)s",
                        network=network,
                        reason=item.error_message or item.state,
                    ),
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
            return
        demo = item.state == "demo"
        self.write(
            {
                "state": item.state,
                "error_message": False,
                # a demo message has no id nor date on a network: it was sent nowhere
                "external_id": False if demo else item.external_id,
                "sent_at": False if demo else item.sent_at,
            }
        )
        note = (
            self.env._("Demo: recorded, not sent (no network behind the replay source).")
            if demo
            else self.env._("Private message on %(network)s", network=network)
        )
        ticket.message_post(
            body=Markup("<p>%s</p><p class='text-muted small'>%s</p>") % (self.text, note),
            author_id=self.user_id.partner_id.id or None,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if not demo:
            # a message only recorded (demo) reached nobody: no reaction for the KPIs
            ticket._social_record_reaction(item.sent_at or fields.Datetime.now(), "odoo")
