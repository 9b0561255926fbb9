# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SocialCrmIdentityMetric(models.Model):
    """Dated history of an identity's counts (one row per identity and day), for scoring."""

    _name = "social.crm.identity.metric"
    _inherit = ["social.crm.ingest.mixin"]
    _description = "Social Identity Count History"
    _order = "date desc, id desc"

    identity_id = fields.Many2one(
        "social.crm.identity", required=True, index=True, ondelete="cascade"
    )
    # precomputed: inserted with the row (not an UPDATE of every new row at the next flush)
    partner_id = fields.Many2one(
        related="identity_id.partner_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(related="identity_id.company_id", store=True, precompute=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    followers_count = fields.Integer(string="Followers")
    following_count = fields.Integer(string="Following")
    posts_count = fields.Integer(string="Posts on Network")
    listed_count = fields.Integer(string="Listed")

    _identity_date_uniq = models.Constraint(
        "UNIQUE(identity_id, date)", "There is already a count for this identity on this day."
    )
