# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.social_crm.connectors import messenger, telegram


class SocialCrmEvent(models.Model):
    _inherit = "social.crm.event"

    kind = fields.Selection(
        selection_add=[("telegram", "Telegram update"), ("messenger", "Messenger message")],
        ondelete={"telegram": "cascade", "messenger": "cascade"},
    )

    @api.model
    def _posts_of_event(self, kind, payload, host):
        if kind == "telegram":
            return telegram.parse_update(payload) if payload else []
        if kind == "messenger":
            return messenger.parse_message(payload) if payload else []
        return super()._posts_of_event(kind, payload, host)
