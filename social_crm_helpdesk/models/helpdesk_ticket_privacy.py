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

