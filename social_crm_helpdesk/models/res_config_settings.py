# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

import babel.dates

from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_pii_auto_hide = fields.Boolean(
        related="company_id.social_pii_auto_hide", readonly=False
    )

    social_influencer_response_minutes = fields.Integer(
        related="company_id.social_influencer_response_minutes", readonly=False
    )
    social_regular_response_minutes = fields.Integer(
        related="company_id.social_regular_response_minutes", readonly=False
    )
    social_crisis_keywords = fields.Char(
        related="company_id.social_crisis_keywords", readonly=False
    )
    social_helpdesk_team_id = fields.Many2one(
        related="company_id.social_helpdesk_team_id", readonly=False
    )
    social_complaint_model_date = fields.Datetime(
        related="company_id.social_complaint_model_date"
    )
    social_complaint_model_labels = fields.Integer(
        related="company_id.social_complaint_model_labels"
    )

    social_llm_enabled = fields.Boolean(related="company_id.social_llm_enabled", readonly=False)
    social_llm_url = fields.Char(related="company_id.social_llm_url", readonly=False)
    social_llm_model = fields.Char(related="company_id.social_llm_model", readonly=False)
    social_llm_api_key = fields.Char(
        related="company_id.social_llm_api_key", readonly=False, groups="base.group_system"
    )
    social_llm_timeout = fields.Integer(related="company_id.social_llm_timeout", readonly=False)
    social_llm_unsure_below = fields.Integer(
        related="company_id.social_llm_unsure_below", readonly=False
    )
    social_llm_budget_calls = fields.Integer(
        related="company_id.social_llm_budget_calls", readonly=False
    )
    social_llm_budget_tokens = fields.Integer(
        related="company_id.social_llm_budget_tokens", readonly=False
    )
    social_llm_month = fields.Char(related="company_id.social_llm_month")
    social_llm_month_label = fields.Char(
        string="Budget Month Shown", compute="_compute_social_llm_month_label"
    )
    social_llm_calls_used = fields.Integer(related="company_id.social_llm_calls_used")
    social_llm_tokens_used = fields.Integer(related="company_id.social_llm_tokens_used")

    @api.depends("social_llm_month")
    def _compute_social_llm_month_label(self):
        """The budget month as a reader writes it ("December 2026", "Dezember 2026"), never
        the stored "2026-12"."""
        locale = self.env["res.lang"]._social_locale()
        for settings in self:
            try:
                year, month = (int(part) for part in (settings.social_llm_month or "").split("-"))
                first = dt.date(year, month, 1)
            except ValueError:
                settings.social_llm_month_label = settings.social_llm_month or False
                continue
            settings.social_llm_month_label = babel.dates.format_date(
                first, "LLLL y", locale=locale
            )

    def action_social_pii_patterns(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm_helpdesk.social_crm_pii_pattern_action"
        )

    def action_social_complaint_train(self):
        # callable by JSON-RPC by any user: the training sudo()s (see the company's method)
        self.check_access("write")
        self.company_id._social_complaint_train()
        return True
