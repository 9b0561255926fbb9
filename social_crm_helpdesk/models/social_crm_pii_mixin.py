# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Redaction as an invariant: every model that stores text from social data inherits this
mixin, so ``create`` and ``write`` (ingestion, import, RPC, the UI) redact before anything is
stored. The decision itself is ``detection.pii.redact_report``; this is the one model-level
helper around it."""

from markupsafe import Markup

from odoo import api, models

from ..detection.pii import redact_json, redact_report

#: context key: the values were redacted already (e.g. a batch prepared by ingestion)
DONE = "social_crm_pii_done"


def _worth_scanning(value, patterns):
    """Every built-in kind holds a digit or an @: skip texts without one (most bios/names)."""
    return bool(patterns) or any(ch.isdigit() or ch == "@" for ch in value)


class SocialCrmPiiMixin(models.AbstractModel):
    _name = "social.crm.pii.mixin"
    _description = "Redaction of Personal Data on Every Write"

    #: text, char and html fields whose values are redacted
    _social_pii_fields = ()
    #: json fields whose string leaves are redacted
    _social_pii_json_fields = ()

    # --- hooks per model -----------------------------------------------------------------
    def _social_pii_applies(self, vals):
        """Whether ``vals`` (of a new record, or of ``self`` when writing) hold social data."""
        return True

    def _social_pii_keep(self, vals):
        """Values that stay (handles of the author and mentioned accounts...)."""
        return ()

    def _social_pii_company_id(self, vals):
        if vals.get("company_id"):
            return vals["company_id"]
        if self and "company_id" in self._fields:
            return self[:1].company_id.id
        return self.env.company.id

    def _social_pii_lang(self, vals):
        """Language of the placeholders: the company's ("[IBAN entfernt, endet auf 3000]" in
        a German company), whoever writes (a scheduled job runs as OdooBot)."""
        # sudo: the company's language, whoever writes (a cron runs as OdooBot)
        company = self.env["res.company"].sudo().browse(self._social_pii_company_id(vals))
        return company.partner_id.lang or "en_US"

    def _social_pii_found(self, vals, kinds):
        """Hook: personal data of ``kinds`` was removed from ``vals`` (e.g. flag the record)."""

    def _social_pii_created_vals(self, vals_list):
        """Hook: the redacted values of new records, before they are stored (e.g. classify
        the redacted text)."""

    # --- the helper ----------------------------------------------------------------------
    def _social_pii_redact_text(self, value, vals=None):
        """``(redacted value, report or None)`` for one text of ``self`` (or of new ``vals``);
        Markup stays Markup (placeholders hold no HTML)."""
        vals = vals or {}
        patterns = self.env["social.crm.pii.pattern"]._social_compiled(
            self._social_pii_company_id(vals)
        )
        if not isinstance(value, str) or not value or not _worth_scanning(value, patterns):
            return value, None
        report = redact_report(
            value,
            keep=self._social_pii_keep(vals),
            patterns=patterns,
            lang=self._social_pii_lang(vals),
        )
        if not report.matches:
            return value, None
        return (Markup(report.text) if isinstance(value, Markup) else report.text), report

    def _social_pii_redact(self, vals):
        """Redact the values of ``vals`` in place; return the sorted kinds found."""
        if not self._social_pii_applies(vals):
            return []
        kinds, matches = set(), []
        for name in self._social_pii_fields:
            if name not in vals:
                continue
            vals[name], report = self._social_pii_redact_text(vals[name], vals)
            if report:
                kinds.update(report.kinds)
                matches.extend(report.matches)
        patterns = keep = ()
        if any(vals.get(name) for name in self._social_pii_json_fields):
            patterns = self.env["social.crm.pii.pattern"]._social_compiled(
                self._social_pii_company_id(vals)
            )
            keep = self._social_pii_keep(vals)
        for name in self._social_pii_json_fields:
            if vals.get(name):
                vals[name], json_kinds = redact_json(
                    vals[name], matches, keep, patterns, lang=self._social_pii_lang(vals)
                )
                kinds.update(json_kinds)
        kinds = sorted(kinds)
        if kinds:
            self._social_pii_found(vals, kinds)
        return kinds

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(DONE):
            for vals in vals_list:
                self._social_pii_redact(vals)
        self._social_pii_created_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get(DONE) or not (
            set(vals) & set(self._social_pii_fields + self._social_pii_json_fields)
        ):
            return super().write(vals)
        # handles and company differ per record: redact per record, write once per result
        groups = {}
        for record in self:
            record_vals = dict(vals)
            record._social_pii_redact(record_vals)
            key = repr(sorted(record_vals.items()))
            groups.setdefault(key, (record_vals, []))[1].append(record.id)
        if not self:
            return super().write(vals)
        for record_vals, ids in groups.values():
            super(SocialCrmPiiMixin, self.browse(ids)).write(record_vals)
        return True
