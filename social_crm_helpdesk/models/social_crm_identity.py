# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

from ..detection.pii import redact_report
from .social_crm_pii_mixin import _worth_scanning

#: context key: the company whose patterns apply to the authors being ingested
COMPANY_KEY = "social_crm_pii_company_id"


class SocialCrmIdentity(models.Model):
    """Bios are redacted in the identity, the match suggestion's data and the contact's notes.

    Matching an author to a contact still sees the bio as written (an e-mail address there
    finds the contact); only what is stored is redacted.
    """

    _name = "social.crm.identity"
    _inherit = ["social.crm.identity", "social.crm.pii.mixin"]

    _social_pii_fields = ("bio",)

    def _social_pii_keep(self, vals):
        handle = vals["handle"] if "handle" in vals else self[:1].handle
        return self.env["social.crm.post"]._social_handle_forms(handle)

    def _ingest_authors(self, authors, company, source=None, result=None, now=None):
        identities = self.with_context(**{COMPANY_KEY: company.id})
        return super(SocialCrmIdentity, identities)._ingest_authors(
            authors, company, source=source, result=result, now=now
        )

    def _ingest_store_bio(self, bio, handle=None):
        """Refreshed identities and new contacts' notes store the redacted bio."""
        bio = super()._ingest_store_bio(bio, handle)
        if not bio:
            return bio
        company_id = self.env.context.get(COMPANY_KEY) or self.env.company.id
        patterns = self.env["social.crm.pii.pattern"]._social_compiled(company_id)
        if not _worth_scanning(bio, patterns):
            return bio
        keep = self.env["social.crm.post"]._social_handle_forms(handle)
        lang = self._social_pii_lang({"company_id": company_id})
        return redact_report(bio, keep=keep, patterns=patterns, lang=lang).text

    def _after_partner_change(self, old_partners):
        """The author's open social tickets follow the identity to its contact."""
        result = super()._after_partner_change(old_partners)
        Ticket = self.env["helpdesk.ticket"]
        found = Ticket._social_open_tickets_of(self)
        if found:
            Ticket._social_follow_contact(
                {ticket: (identity.partner_id, identity) for ticket, identity in found.items()}
            )
        return result
