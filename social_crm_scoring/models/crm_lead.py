# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    social_score = fields.Float(
        related="partner_id.social_score", store=True, string="Social Score"
    )
    social_score_tier = fields.Selection(
        related="partner_id.social_score_tier", store=True, string="Social Tier", index=True
    )
    is_social_influencer = fields.Boolean(
        related="partner_id.is_social_influencer", store=True, string="Influencer"
    )
