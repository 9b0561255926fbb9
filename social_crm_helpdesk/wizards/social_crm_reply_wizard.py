# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SocialCrmReplyWizard(models.TransientModel):
    _name = "social.crm.reply.wizard"
    _description = "Reply on the Network"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    post_id = fields.Many2one(
        "social.crm.post",
        string="In Reply To",
        compute="_compute_post_id",
        store=True,
        readonly=False,
        domain="[('ticket_id', '=', ticket_id)]",
    )
    network_name = fields.Char(related="post_id.network_id.name", string="Network")
    post_text = fields.Text(related="post_id.text", string="Customer's Post")
    author_handle = fields.Char(related="post_id.author_handle", string="Author")
    text = fields.Text(string="Reply")
    reply_id = fields.Many2one("social.crm.reply", string="Draft", readonly=True)
    error_message = fields.Text(readonly=True)
    partner_phone = fields.Char(related="ticket_id.partner_id.phone", string="Phone")

    @api.depends("ticket_id")
    def _compute_post_id(self):
        for wizard in self:
            posts = wizard.ticket_id.sudo().social_post_ids.sorted(
                lambda p: (p.posted_at, p.id), reverse=True
            )
            customer = posts.filtered(
                lambda p, t=wizard.ticket_id: p.identity_id == t.social_identity_id
            )
            wizard.post_id = (customer or posts)[:1] or wizard.ticket_id.sudo().social_post_id

    @api.constrains("ticket_id", "post_id")
    def _check_post_of_ticket(self):
        of_ticket = self.env["social.crm.reply"]._social_post_of_ticket
        for wizard in self:
            if wizard.post_id and not of_ticket(wizard.ticket_id, wizard.post_id):
                raise ValidationError(
                    self.env._("You can only reply to the posts of this ticket's conversation.")
                )

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply on the Network"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_send(self):
        """Queue the reply: it is published on the network after the commit, the ticket shows
        when it is out (or why not). What can be known now (no reply API, no credentials)
        keeps the wizard open with the text and the reason."""
        self.ensure_one()
        self.ticket_id.check_access("write")
        if not (self.text or "").strip():
            raise UserError(self.env._("Write the reply first."))
        if not self.post_id:
            raise UserError(self.env._("This ticket has no post to reply to."))
        Reply = self.env["social.crm.reply"]
        Reply._social_check_can_reply(self.ticket_id, self.post_id)
        # the draft of this ticket only (``reply_id`` could be written over RPC)
        reply = self.reply_id.sudo()
        if reply and reply.ticket_id == self.ticket_id and reply.state in (
            "draft", "failed", "cancelled"
        ):
            reply.write({"text": self.text, "post_id": self.post_id.id})
        else:
            reply = Reply.sudo().create(
                {
                    "ticket_id": self.ticket_id.id,
                    "post_id": self.post_id.id,
                    "text": self.text,
                    "user_id": self.env.uid,
                }
            )
            self.reply_id = reply
        problem = reply._social_publish_problem()
        if problem:
            reply.write({"state": "failed", "error_message": problem})
            self.error_message = problem
            return self._action_reopen()
        reply._queue()
        self.error_message = False
        if self.env["social.crm.outbox"]._is_demo_post(self.post_id):
            title = self.env._("Demo")
            message = self.env._(
                "Recorded on the ticket, not sent: the post came from the replay source, "
                "there is no network behind it."
            )
        else:
            title = self.env._("Queued")
            message = self.env._(
                "Your reply will be published on %(network)s in a few seconds. The ticket "
                "shows when it is out, or why not.",
                network=self.network_name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_plan_call(self):
        """Call the customer instead: a call activity with the contact's phone in the note."""
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        partner = ticket.partner_id
        phone = partner.phone
        if phone:
            note = Markup("<p>%s</p>") % self.env._(
                "Call %(name)s at %(phone)s instead of answering publicly.",
                name=partner.name,
                phone=phone,
            )
        else:
            note = Markup("<p>%s</p>") % self.env._(
                "Call %(name)s instead of answering publicly (no phone number known yet).",
                name=partner.name or ticket.partner_name or "?",
            )
        if (self.text or "").strip():
            note += Markup("<p>%s</p><p>%s</p>") % (self.env._("Draft reply:"), self.text)
        ticket.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Call the customer"),
            note=note,
            # the ticket's agent, else its team leader, else who asks (never OdooBot)
            user_id=(ticket._social_activity_user() or self.env.user).id,
        )
        return {"type": "ir.actions.act_window_close"}
