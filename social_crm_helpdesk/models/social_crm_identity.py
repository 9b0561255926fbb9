# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses

from odoo import models

from ..detection.pii import redact_report
from .social_crm_pii_mixin import DONE, _worth_scanning


class SocialCrmIdentity(models.Model):
    """Bios are redacted in the identity, the match suggestion's data and the contact's notes."""

    _name = "social.crm.identity"
    _inherit = ["social.crm.identity", "social.crm.pii.mixin"]

    _social_pii_fields = ("bio",)

    def _social_pii_keep(self, vals):
        handle = vals["handle"] if "handle" in vals else self[:1].handle
        return self.env["social.crm.post"]._social_handle_forms(handle)

    def _ingest_authors(self, authors, company, source=None, result=None, now=None):
        """Redact the bios once, before they reach identities (also through the bulk
        refresh), suggestions and new contacts' notes."""
        patterns = self.env["social.crm.pii.pattern"]._social_compiled(company.id)
        redacted = []
        for author in authors:
            if author and author.bio and _worth_scanning(author.bio, patterns):
                keep = self.env["social.crm.post"]._social_handle_forms(author.handle)
                report = redact_report(author.bio, keep=keep, patterns=patterns)
                if report.matches:
                    author = dataclasses.replace(author, bio=report.text)
            redacted.append(author)
        return super(SocialCrmIdentity, self.with_context(**{DONE: True}))._ingest_authors(
            redacted, company, source=source, result=result, now=now
        )
