# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    social_key_account_min_score = fields.Float(
        string="Key Account From Account Score",
        default=60.0,
        help="Company contacts with at least this account score (0-100) are key accounts. "
        "0: the account score alone never makes a key account.",
    )
    social_key_account_min_revenue = fields.Float(
        string="Key Account From Expected Revenue",
        default=0.0,
        help="Company contacts whose open opportunities (with their people's) expect at "
        "least this revenue are key accounts. 0: no revenue threshold. In the company's "
        "currency: opportunities in other currencies count at today's rate.",
    )
