# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .social_crm_score_history import TIERS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # copies of the contact's current score (stored, so that leads can be filtered and
    # grouped by them cheaply): set when the contact changes, and by every scoring run
    social_score = fields.Float(compute="_compute_social_score", store=True, readonly=True)
    social_score_tier = fields.Selection(
        TIERS,
        string="Social Tier",
        compute="_compute_social_score",
        store=True,
        readonly=True,
        index=True,
    )
    is_social_influencer = fields.Boolean(
        string="Influencer", compute="_compute_social_score", store=True, readonly=True
    )

    @api.depends(
        "partner_id",
        "partner_id.social_score",
        "partner_id.social_score_tier",
        "partner_id.is_social_influencer",
    )
    def _compute_social_score(self):
        for lead in self:
            partner = lead.partner_id.sudo()
            lead.social_score = partner.social_score
            lead.social_score_tier = partner.social_score_tier
            lead.is_social_influencer = partner.is_social_influencer
