# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmMatchSuggestion(models.Model):
    _inherit = "social.crm.match.suggestion"

    def _after_confirm(self, identity, posts):
        """The contact confirmed as the author has one identity more: known at once when
        unscored or when its followers now reach a higher tier's floor."""
        result = super()._after_confirm(identity, posts)
        # sudo: the product scores, whoever confirmed
        self.env["res.partner"].sudo()._social_score_provisional_partners(identity.partner_id)
        return result
