# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmDmWizard(models.TransientModel):
    _name = "social.crm.dm.wizard"
    _description = "Private Message to the Customer"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    conversation_id = fields.Many2one(
        "social.crm.dm.conversation", required=True, readonly=True,
        domain="[('ticket_id', '=', ticket_id)]",
    )
    network_id = fields.Many2one(related="conversation_id.network_id")
    customer = fields.Char(compute="_compute_customer")
    window_note = fields.Char(related="ticket_id.social_dm_window_note")
    text = fields.Text(string="Message")
    network_code = fields.Char(related="network_id.code")
    source_id = fields.Many2one(related="conversation_id.source_id")
    window_open = fields.Boolean(related="conversation_id.window_open")
    template_id = fields.Many2one(
        "social.crm.whatsapp.template",
        domain="[('source_id', '=', source_id)]",
        help="WhatsApp: an approved template message, the only kind WhatsApp delivers once "
        "24 hours passed since the customer's last message.",
    )
    template_body = fields.Text(related="template_id.body", string="Template Text")

    @api.depends("conversation_id")
    def _compute_customer(self):
        for wizard in self:
            # sudo: conversations and their posts are product rows; the wizard shows the customer
            conversation = wizard.conversation_id.sudo()
            post = conversation.last_post_id
            wizard.customer = (
                conversation.partner_id.name or post.author_name
                or (post.author_handle and f"@{post.author_handle}") or False
            )

    def action_send(self):
        self.ensure_one()
        self.env["social.crm.dm.message"]._dm_send(
            self.ticket_id, self.conversation_id, self.text, template=self.template_id
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Queued"),
                "message": self.env._(
                    "The message goes out in a moment; the ticket shows it once it is sent."
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
