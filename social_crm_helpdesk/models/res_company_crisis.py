# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    social_crisis_keywords = fields.Char(
        string="Brand Keywords",
        help="Comma-separated words (brand, products, hashtags) the crisis watch counts: a "
        "spike against the company's own usual level raises an incident.",
    )
