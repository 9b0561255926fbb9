# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_social_enrich(self):
        """“Look up social profiles”: the contacts' identities (and their people's, for a
        company) are looked up now."""
        identities = self.env["social.crm.identity"].search(
            [("partner_id", "child_of", self.ids)]
        )
        return identities.action_enrich()


class ResPartnerNews(models.Model):
    _inherit = "res.partner"

    social_news_mention_ids = fields.One2many(
        "social.crm.news.mention",
        "partner_id",
        string="Named in the News",
        domain=[("state", "=", "confirmed")],
        groups="social_crm.group_social_crm_user",
    )
