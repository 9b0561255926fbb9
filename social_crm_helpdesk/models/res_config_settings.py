# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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

    def action_social_pii_patterns(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm_helpdesk.social_crm_pii_pattern_action"
        )

    def action_social_complaint_train(self):
        self.company_id._social_complaint_train()
        return True
