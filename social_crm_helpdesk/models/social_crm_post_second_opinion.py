# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The optional language model: a second opinion on the new posts the default path is unsure
about (off by default; set per company in the helpdesk settings). See ``detection.llm``.

Loaded after social_crm_post_privacy.py, whose hook classifies: this one runs after it."""

import logging

from odoo import api, models

from ..detection import classify
from ..detection.llm import LlmError, ask

_logger = logging.getLogger(__name__)


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model
    def _social_pii_created_vals(self, vals_list):
        todo = [vals for vals in vals_list if "complaint_label" not in vals]
        result = super()._social_pii_created_vals(vals_list)
        if todo:
            self._social_llm_refine(todo)
        return result

    @api.model
    def _social_reason_labels(self):
        labels = super()._social_reason_labels()
        labels["llm"] = self.env._("checked by a language model")
        return labels

    @api.model
    def _social_llm_refine(self, vals_list):
        """Ask the company's language model about the classified ``vals_list`` the default path
        is unsure about, and store its verdict instead; keep the default verdict on any error,
        timeout or an exhausted budget (logged). After a failed request the rest of the batch
        is not sent: a dead endpoint must not slow ingestion down post after post."""
        by_company = {}
        for vals in vals_list:
            company_id = vals.get("company_id") or self.env.company.id
            by_company.setdefault(company_id, []).append(vals)
        # sudo: the language model settings are system fields
        companies = self.env["res.company"].sudo().browse(list(by_company))
        for company in companies:
            settings = company._social_llm_settings()
            if settings is None:
                continue
            threshold = (company.social_llm_unsure_below or 70) / 100.0
            unsure = [
                vals
                for vals in by_company[company.id]
                if max(vals.get("complaint_p") or 0.0, 1.0 - (vals.get("complaint_p") or 0.0))
                < threshold
            ]
            for done, vals in enumerate(unsure):
                if not company._social_llm_budget_left():
                    _logger.info(
                        "Language model of company %s: monthly budget used up, the built-in "
                        "verdict is kept for %d unsure posts",
                        company.id,
                        len(unsure) - done,
                    )
                    break
                try:
                    answer = ask(vals.get("text") or "", vals.get("complaint_lang"), settings)
                except LlmError as exc:
                    company._social_llm_spend(1, 0)
                    _logger.warning(
                        "Language model of company %s failed (%s): the built-in verdict is "
                        "kept for %d unsure posts of this batch",
                        company.id,
                        exc,
                        len(unsure) - done,
                    )
                    break
                company._social_llm_spend(1, answer.tokens)
                p = answer.confidence if answer.is_complaint else 1.0 - answer.confidence
                verdict = classify(
                    vals.get("text") or "",
                    lang=vals.get("complaint_lang") or None,
                    p_override=p,
                    source=settings.model,
                )
                vals.update(
                    complaint_label=verdict.label,
                    complaint_confidence=verdict.confidence,
                    complaint_p=verdict.p_complaint,
                    complaint_reason_codes=[list(code) for code in verdict.codes] or False,
                )
        return vals_list
