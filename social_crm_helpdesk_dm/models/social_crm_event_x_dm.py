# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.social_crm.connectors import x_dm


class SocialCrmEvent(models.Model):
    _inherit = "social.crm.event"

    kind = fields.Selection(
        selection_add=[("x_dm", "X direct message")],
        ondelete={"x_dm": "cascade"},
    )

    @api.model
    def _posts_of_event(self, kind, payload, host):
        if kind == "x_dm":
            return x_dm.parse_activity_event(payload) if payload else []
        return super()._posts_of_event(kind, payload, host)
