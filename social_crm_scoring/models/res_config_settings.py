# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_retention_history_months = fields.Integer(
        related="company_id.social_retention_history_months", readonly=False
    )

    social_score_weight_reach = fields.Float(
        related="company_id.social_score_weight_reach", readonly=False
    )
    social_score_weight_engagement = fields.Float(
        related="company_id.social_score_weight_engagement", readonly=False
    )
    social_score_weight_mentions = fields.Float(
        related="company_id.social_score_weight_mentions", readonly=False
    )
    social_score_weight_network = fields.Float(
        related="company_id.social_score_weight_network", readonly=False
    )
    social_score_weight_professional = fields.Float(
        related="company_id.social_score_weight_professional", readonly=False
    )
    social_score_window_days = fields.Integer(
        related="company_id.social_score_window_days", readonly=False
    )
    social_score_half_life_days = fields.Integer(
        related="company_id.social_score_half_life_days", readonly=False
    )
    social_key_account_min_score = fields.Float(
        related="company_id.social_key_account_min_score", readonly=False
    )
    social_key_account_min_revenue = fields.Float(
        related="company_id.social_key_account_min_revenue", readonly=False
    )
    # the currency the revenue threshold is expressed in (shown next to it)
    social_key_account_currency_id = fields.Many2one(related="company_id.currency_id")
    social_score_top_threshold = fields.Float(
        related="company_id.social_score_top_threshold", readonly=False
    )
    social_score_multiplier_threshold = fields.Float(
        related="company_id.social_score_multiplier_threshold", readonly=False
    )
    social_score_top_followers = fields.Integer(
        related="company_id.social_score_top_followers", readonly=False
    )
    social_score_multiplier_followers = fields.Integer(
        related="company_id.social_score_multiplier_followers", readonly=False
    )
    social_score_min_population = fields.Integer(
        related="company_id.social_score_min_population", readonly=False
    )
    social_score_last_run = fields.Datetime(related="company_id.social_score_last_run")

    def action_social_score_recompute(self):
        """Queue a recomputation of every company's scores (runs in the background)."""
        # callable by JSON-RPC on an empty recordset by any user: only who may change the
        # settings queues the run over every company's contacts
        self.check_access("write")
        # sudo: only administrators may schedule crons (checked above: a settings user)
        self.env.ref("social_crm_scoring.ir_cron_social_score").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The Social Customer Scores will be recomputed in the background "
                    "in a few moments."
                ),
            },
        }
