# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import models
from odoo.fields import Domain


def company_contact_values(company):
    """The company's own phone number and e-mail address: not personal data in its texts."""
    return tuple(v for v in (company.phone, company.email) if v)


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "social.crm.pii.mixin"]

    _social_pii_fields = ("name", "description")

    def _social_pii_applies(self, vals):
        """Only social tickets: other tickets keep helpdesk's own behaviour."""
        if self:
            return bool(self[:1].social_network_id or vals.get("social_network_id"))
        return bool(vals.get("social_post_id") or vals.get("social_network_id"))

    def _social_pii_keep(self, vals):
        company = self.env["res.company"].browse(self._social_pii_company_id(vals))
        # sudo: the company's own contact data, which agents of other companies cannot read
        return company_contact_values(company.sudo())

    def _social_pii_found(self, vals, kinds):
        known = set((self[:1].social_pii_kinds or "").split(",")) - {""} if self else set()
        known |= set((vals.get("social_pii_kinds") or "").split(",")) - {""}
        vals["has_sensitive_data"] = True
        vals["social_pii_kinds"] = ",".join(sorted(known | set(kinds)))

    def message_post(self, **kwargs):
        """Messages on a social ticket (notes, e-mails, agents' answers) are redacted too."""
        body = kwargs.get("body")
        # sudo: redaction applies whatever the writer may read of the ticket
        if len(self) == 1 and self.sudo().social_network_id and body:
            kwargs["body"], report = self._social_pii_redact_text(body)
            if report:
                vals = {}
                self._social_pii_found(vals, report.kinds)
                # sudo: the PII flags are product fields; the writer may only post messages
                self.sudo().with_context(social_crm_pii_done=True).write(vals)
        return super().message_post(**kwargs)

    # --- the customer's posts are gone (erased on request, deleted on the network) -----------
    def _social_stop_clocks(self):
        """Nothing of the customer is left to answer publicly on these tickets: the response
        clock of a wait not answered yet stops (no escalation, no overdue ticket); an
        answered wait keeps its figures (the statistics stay)."""
        # sudo: product-written deadlines, whoever erased or whatever process deleted
        tickets = self.sudo().with_context(social_crm_pii_done=True, mail_notrack=True)
        tickets.filtered(lambda t: not t.social_first_reply_at).write(
            {"social_response_deadline": False, "social_escalate_at": False}
        )
        # a ticket reopened after an answer: its new wait stops too (the first figures stay)
        tickets.filtered(lambda t: not t.social_wait_reply_at).write(
            {"social_wait_deadline": False, "social_wait_escalate_at": False}
        )
        return True

    def _social_replace_content(self, vals):
        """Write ``vals`` (title, description...) in place of the customer's words: not
        redacted again, no tracking message keeping the old title. The old title (a preview
        of the post) is replaced wherever the product or Odoo copied it: the tickets' to-dos
        (escalations, calls), the notifications and the record name of their messages (the
        agents' inboxes: "you have been assigned"), the alerts in the teams' channels."""
        # sudo: the product replaces the text, whoever erased or whatever process deleted
        tickets = self.sudo()
        old_names = {ticket.id: ticket.display_name for ticket in tickets}
        result = tickets.with_context(social_crm_pii_done=True, mail_notrack=True).write(vals)
        if "name" in vals:
            tickets._social_replace_old_names(old_names)
        return result

    def _social_replace_old_names(self, old_names):
        """``old_names``: {ticket id: its display name before its title was replaced}; write
        the current one in the to-dos, messages and channel alerts that quote the old one (a
        fixed number of queries, then one write per record quoting it)."""
        changed = {t.id: (old_names[t.id], t.display_name) for t in self
                   if old_names.get(t.id) and old_names[t.id] != t.display_name}
        if not changed:
            return
        # sudo: the copies are in other users' to-dos, inboxes and channels
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "helpdesk.ticket"), ("res_id", "in", list(changed)),
        ])
        for activity in activities:
            old, new = changed[activity.res_id]
            vals = {}
            if activity.summary and old in activity.summary:
                vals["summary"] = activity.summary.replace(old, new)
            if activity.note and escape(old) in activity.note:
                vals["note"] = Markup(str(activity.note).replace(escape(old), escape(new)))
            if vals:
                activity.write(vals)
        Message = self.env["mail.message"].sudo()
        messages = Message.search([
            ("model", "=", "helpdesk.ticket"), ("res_id", "in", list(changed)),
        ])
        for message in messages:
            old, new = changed[message.res_id]
            vals = {}
            if message.record_name and message.record_name != new:
                vals["record_name"] = new
            if message.body and escape(old) in message.body:
                vals["body"] = Markup(str(message.body).replace(escape(old), escape(new)))
            if message.subject and old in message.subject:
                # the notifications' subject ("You have been assigned to <ticket>")
                vals["subject"] = message.subject.replace(old, new)
            if vals:
                message.write(vals)
        # their e-mails still queued or failed (an agent's assignment, the followers' news)
        # copy the body as the template rendered it
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        for mail in mails:
            old, new = changed[mail.mail_message_id.res_id]
            if mail.body_html and escape(old) in mail.body_html:
                mail.body_html = str(mail.body_html).replace(escape(old), escape(new))
        # the alerts link the ticket by its id (``_get_html_link``), with its name as text
        alerts = Message.search(
            Domain("model", "=", "discuss.channel")
            & Domain("body", "ilike", 'data-oe-model="helpdesk.ticket"')
            & Domain.OR(Domain("body", "ilike", f'data-oe-id="{ticket_id}"')
                        for ticket_id in changed)
        )
        for message in alerts:
            body = str(message.body or "")
            for ticket_id, (old, new) in changed.items():
                if f'data-oe-id="{ticket_id}"' in body:
                    body = body.replace(escape(old), escape(new))
            if body != str(message.body or ""):
                message.write({"body": Markup(body)})

    def _message_update_content(self, message, /, *, body, **kwargs):
        """An edited message of a social ticket is redacted like a new one."""
        # sudo: redaction applies whatever the editor may read of the ticket
        if len(self) == 1 and self.sudo().social_network_id and body:
            body, report = self._social_pii_redact_text(body)
            if report:
                vals = {}
                self._social_pii_found(vals, report.kinds)
                # sudo: the PII flags are product fields; the editor may only edit messages
                self.sudo().with_context(social_crm_pii_done=True).write(vals)
        return super()._message_update_content(message, body=body, **kwargs)

