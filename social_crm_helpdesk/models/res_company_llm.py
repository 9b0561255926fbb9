# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..detection.llm import LlmSettings

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    social_llm_enabled = fields.Boolean(
        string="Ask a Language Model When Unsure",
        help="Posts the built-in detection is unsure about are sent (redacted) to the "
        "OpenAI-compatible endpoint below; on any error, timeout or an exhausted budget the "
        "built-in verdict is kept.",
    )
    social_llm_url = fields.Char(
        string="Endpoint URL",
        help="Base URL of an OpenAI-compatible API, e.g. http://localhost:8000/v1 "
        "(/chat/completions is added).",
    )
    social_llm_model = fields.Char(string="Model")
    social_llm_api_key = fields.Char(
        string="API Key", groups="base.group_system", copy=False, prefetch=False
    )
    social_llm_timeout = fields.Integer(
        string="Timeout (seconds)",
        default=10,
        help="Longest wait for one answer; the built-in verdict is kept after it.",
    )
    social_llm_unsure_below = fields.Integer(
        string="Ask Below Confidence (%)",
        default=70,
        help="Only posts whose built-in verdict is less sure than this are sent.",
    )
    social_llm_budget_calls = fields.Integer(
        string="Monthly Budget (calls)",
        default=500,
        help="Requests per calendar month (0: no limit on calls).",
    )
    social_llm_budget_tokens = fields.Integer(
        string="Monthly Budget (tokens)",
        default=0,
        help="Tokens per calendar month as the endpoint reports them (0: no limit on tokens).",
    )
    social_llm_month = fields.Char(string="Budget Month", readonly=True, copy=False)
    social_llm_calls_used = fields.Integer(string="Calls Used", readonly=True, copy=False)
    social_llm_tokens_used = fields.Integer(string="Tokens Used", readonly=True, copy=False)

    _social_llm_limits = models.Constraint(
        "CHECK(social_llm_timeout > 0 AND social_llm_budget_calls >= 0 "
        "AND social_llm_budget_tokens >= 0 "
        "AND social_llm_unsure_below BETWEEN 50 AND 100)",
        "The language model needs a timeout of at least one second, budgets of zero or more "
        "and a confidence between 50 and 100 %.",
    )

    @api.constrains("social_llm_url")
    def _check_social_llm_url(self):
        for company in self:
            url = (company.social_llm_url or "").strip()
            if url and not url.startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._(
                        "The language model's endpoint URL must start with http:// or "
                        "https:// (e.g. http://localhost:8000/v1)."
                    )
                )

    def _social_llm_settings(self):
        """``LlmSettings`` of this company, or None when the language model is off or unset."""
        self.ensure_one()
        # sudo: the endpoint key is a system field; the second opinion runs for any user
        company = self.sudo()
        if not (company.social_llm_enabled and company.social_llm_url and company.social_llm_model):
            return None
        return LlmSettings(
            url=company.social_llm_url,
            model=company.social_llm_model,
            api_key=company.social_llm_api_key or "",
            timeout=float(company.social_llm_timeout or 10),
        )

    @staticmethod
    def _social_llm_this_month():
        return fields.Datetime.now().strftime("%Y-%m")

    def _social_llm_budget_left(self):
        """Whether one more call fits this calendar month's budget (calls and tokens)."""
        self.ensure_one()
        company = self.sudo()  # sudo: the posts' company, maybe not the writer's
        same_month = company.social_llm_month == self._social_llm_this_month()
        calls = company.social_llm_calls_used if same_month else 0
        tokens = company.social_llm_tokens_used if same_month else 0
        if company.social_llm_budget_calls and calls >= company.social_llm_budget_calls:
            return False
        if company.social_llm_budget_tokens and tokens >= company.social_llm_budget_tokens:
            return False
        return True

    def _social_llm_spend(self, calls, tokens):
        """Count ``calls`` and ``tokens`` on this month's budget (one atomic update; a new month
        starts from zero)."""
        self.ensure_one()
        month = self._social_llm_this_month()
        fnames = ["social_llm_calls_used", "social_llm_tokens_used", "social_llm_month"]
        self.flush_recordset(fnames)  # pending writes must not overwrite the update below
        self.env.cr.execute(
            SQL(
                """UPDATE res_company
                      SET social_llm_calls_used = %(calls)s + CASE
                              WHEN social_llm_month = %(month)s
                              THEN COALESCE(social_llm_calls_used, 0) ELSE 0 END,
                          social_llm_tokens_used = %(tokens)s + CASE
                              WHEN social_llm_month = %(month)s
                              THEN COALESCE(social_llm_tokens_used, 0) ELSE 0 END,
                          social_llm_month = %(month)s
                    WHERE id = %(id)s""",
                calls=calls,
                tokens=tokens,
                month=month,
                id=self.id,
            )
        )
        self.invalidate_recordset(fnames, flush=False)
