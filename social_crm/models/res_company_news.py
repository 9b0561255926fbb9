# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    social_brand_names = fields.Text(
        string="Brands Searched in the News",
        help="The company's brands and product names, one per line or separated by commas. "
        "News and blog articles naming one become news mentions of the company: confirmed "
        "when written as here (with its capitals), else to review.",
    )
