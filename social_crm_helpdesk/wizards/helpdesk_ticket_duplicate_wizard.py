# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""helpdesk_mgmt's duplicate wizard refuses an invalid original with an English message in
every language: its German (``de.po`` of helpdesk_mgmt) lacks it, and a Python string is
translated only from the ``.po`` of the module that writes it. The same check is made here
first, with the message in the user's language; upstream's check stays behind it."""

from odoo import models
from odoo.exceptions import UserError


class HelpdeskTicketDuplicateWizard(models.TransientModel):
    _inherit = "helpdesk.ticket.duplicate.wizard"

    def action_confirm(self):
        for wizard in self:
            original = wizard.duplicate_of_id
            if not original or original == wizard.ticket_id or original.duplicate_id:
                raise UserError(self.env._(
                    "You need to set a valid duplicate: the original is another ticket, "
                    "not itself marked as a duplicate."))
        return super().action_confirm()
