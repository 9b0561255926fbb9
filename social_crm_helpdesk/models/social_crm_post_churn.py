# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..detection.causes import churn_intent


class SocialCrmPost(models.Model):
    """Churn intent ("ich schaue mich anderswo um", "cancelling my contract") on the post."""

    _inherit = "social.crm.post"

    social_churn_intent = fields.Boolean(
        string="Churn Intent",
        compute="_compute_social_churn_intent",
        store=True,
        index=True,
        help="The post says the customer is leaving (German and English phrases).",
    )

    @api.depends("text")
    def _compute_social_churn_intent(self):
        for post in self:
            post.social_churn_intent = churn_intent(post.text or "")
