# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.social_crm.connectors import instagram_dm, messenger, telegram, whatsapp


class SocialCrmEvent(models.Model):
    _inherit = "social.crm.event"

    kind = fields.Selection(
        selection_add=[
            ("telegram", "Telegram update"),
            ("messenger", "Messenger message"),
            ("instagram_dm", "Instagram Direct message"),
            ("whatsapp", "WhatsApp message"),
            ("whatsapp_status", "WhatsApp message status"),
        ],
        ondelete={
            "telegram": "cascade",
            "messenger": "cascade",
            "instagram_dm": "cascade",
            "whatsapp": "cascade",
            "whatsapp_status": "cascade",
        },
    )

    @api.model
    def _posts_of_event(self, kind, payload, host):
        if kind == "telegram":
            return telegram.parse_update(payload) if payload else []
        if kind == "messenger":
            return messenger.parse_message(payload) if payload else []
        if kind == "instagram_dm":
            return instagram_dm.parse_message(payload) if payload else []
        if kind == "whatsapp":
            return whatsapp.parse_message(payload) if payload else []
        if kind == "whatsapp_status":
            # no post: the status updates the outbox item of the message it is about
            if payload:
                self.env["social.crm.outbox"]._whatsapp_status(whatsapp.parse_status(payload))
            return []
        return super()._posts_of_event(kind, payload, host)
