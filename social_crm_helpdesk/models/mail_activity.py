# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailActivity(models.Model):
    """A completed call activity on a social ticket is the company's reaction (channel
    "phone"): it sets the first response when none was recorded."""

    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        calls = self.filtered(
            lambda a: a.res_model == "helpdesk.ticket" and a.activity_category == "phonecall"
        )
        ticket_ids = calls.mapped("res_id")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if ticket_ids:
            self.env["helpdesk.ticket"].browse(ticket_ids).exists()._social_record_reaction(
                fields.Datetime.now(), "phone"
            )
        return result
