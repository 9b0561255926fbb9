# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


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
        redacted again, no tracking message keeping the old title."""
        # sudo: the product replaces the text, whoever erased or whatever process deleted
        return self.sudo().with_context(social_crm_pii_done=True, mail_notrack=True).write(vals)

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

