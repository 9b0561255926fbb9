# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SocialCrmIncidentReplyWizard(models.TransientModel):
    """One wording to every open ticket of an incident: each reply is rendered for its ticket
    (the customer's name and handle, the ticket reference) and goes through the same checks
    and the same outbox as a single reply; a ticket that cannot be answered is listed, the
    others are sent."""

    _name = "social.crm.incident.reply.wizard"
    _description = "Reply to All Tickets of an Incident"

    incident_id = fields.Many2one("social.crm.incident", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="incident_id.company_id")
    team_id = fields.Many2one(related="incident_id.team_id")
    wording_id = fields.Many2one(
        "social.crm.wording",
        required=True,
        domain="[('state', '=', 'approved'), ('company_id', '=', company_id), "
        "'|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
        help="The approved wording sent on every open ticket of the incident, rendered for each.",
    )
    ticket_ids = fields.Many2many(
        "helpdesk.ticket", string="Tickets", compute="_compute_ticket_ids", readonly=False,
        store=True,
    )
    preview = fields.Text(compute="_compute_preview")
    result = fields.Html(readonly=True, sanitize=True)

    @api.depends("incident_id")
    def _compute_ticket_ids(self):
        for wizard in self:
            wizard.ticket_ids = wizard.incident_id.ticket_ids.filtered(
                lambda t: t.social_post_id and not t.stage_id.closed
            )

    @api.depends("wording_id", "ticket_ids")
    def _compute_preview(self):
        for wizard in self:
            # the wizard is still a new record while the wording is picked (onchange): render
            # on the stored ticket and wording, never on their new-record copies
            ticket = wizard.ticket_ids[:1]._origin
            wording = wizard.wording_id._origin
            # sudo: rendering needs template-editor rights; wordings are written by managers
            wizard.preview = wording.sudo()._render_for(ticket) if wording and ticket else False

    def action_send(self):
        self.ensure_one()
        self.incident_id.check_access("write")
        if not self.ticket_ids:
            raise UserError(self.env._("This incident has no open ticket to answer."))
        Wizard = self.env["social.crm.reply.wizard"]
        sent, refused = 0, []
        for ticket in self.ticket_ids:
            try:
                with self.env.cr.savepoint():
                    single = Wizard.create({"ticket_id": ticket.id})
                    single.wording_id = self.wording_id
                    single._onchange_wording_id()
                    single.action_send()
                    if single.error_message:
                        raise UserError(single.error_message)
                sent += 1
            except (UserError, AccessError) as error:
                refused.append((ticket, str(error.args[0] if error.args else error)))
        self.incident_id.message_post(
            body=Markup("<p>%s</p>") % self.env._(
                "Bulk reply “%(wording)s”: %(sent)s queued, %(refused)s not sent.",
                wording=self.wording_id.name, sent=sent, refused=len(refused),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if sent and self.incident_id.state in ("new", "investigating"):
            self.incident_id.state = "answered"
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (ticket.display_name, reason)
            for ticket, reason in refused
        )
        self.result = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("%(sent)s replies queued.", sent=sent), lines
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reply to All Tickets"),
        }
