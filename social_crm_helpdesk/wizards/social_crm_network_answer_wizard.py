# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SocialCrmNetworkAnswerWizard(models.TransientModel):
    """*Answered in the Network's App*: an agent who answered the customer in the network's own
    app (or on its site) records it on the ticket, with the time of the answer; it ends the
    ticket's wait as a reply from Odoo does, and says that nothing was sent from Odoo."""

    _name = "social.crm.network.answer.wizard"
    _description = "Answered in the Network's App"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    network_name = fields.Char(related="ticket_id.social_network_id.name", string="Network")
    wait_since = fields.Datetime(
        related="ticket_id.social_wait_since", string="Complaint Posted"
    )
    answered_at = fields.Datetime(
        required=True, default=fields.Datetime.now,
        help="When you answered on the network (not later than now, not before the "
        "complaint).",
    )
    link = fields.Char(string="Link to the Answer", help="The URL of your answer on the network.")
    note = fields.Text(help="What you answered, for your colleagues.")

    @api.model
    def _social_check_answer(self, ticket, when):
        """Raise unless ``when`` may be recorded as the answer of ``ticket``'s current wait."""
        # sudo: the wait's dates, after the caller's write access check
        ticket = ticket.sudo()
        if not ticket.social_network_id:
            raise UserError(self.env._("This ticket does not come from a social network."))
        if ticket.social_wait_reply_at or not ticket.social_wait_deadline:
            raise UserError(self.env._(
                "The customer's complaint has its answer already: nothing waits for one."))
        if when > fields.Datetime.now():
            raise UserError(self.env._("The time of the answer cannot be in the future."))
        since = ticket.social_wait_since or ticket.social_posted_at
        if since and when < since:
            raise UserError(self.env._(
                "The time of the answer cannot be before the complaint (%(time)s).",
                time=ticket._social_time(since)))

    def action_confirm(self):
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        self._social_check_answer(ticket, self.answered_at)
        if self.link and not self.link.strip().lower().startswith(("https://", "http://")):
            raise UserError(self.env._("The link must be a web address (https://…)."))
        ticket._social_record_network_answer(
            self.answered_at, self.env.user, link=(self.link or "").strip() or False,
            note=self.note or False,
        )
        return {"type": "ir.actions.act_window_close"}
