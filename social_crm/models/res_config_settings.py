# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_retention_raw_days = fields.Integer(
        related="company_id.social_retention_raw_days", readonly=False
    )
    social_retention_post_days = fields.Integer(
        related="company_id.social_retention_post_days", readonly=False
    )
    social_retention_report = fields.Char(related="company_id.social_retention_report")
    social_recheck_days = fields.Integer(
        related="company_id.social_recheck_days", readonly=False
    )
