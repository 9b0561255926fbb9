# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""News mentions on the contact (loaded after ``res_partner_privacy``: export and erasure
include them)."""

from odoo import fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_news_mention_ids = fields.One2many(
        "social.crm.news.mention",
        "partner_id",
        string="Named in the News",
        domain=[("state", "=", "confirmed")],
        groups="social_crm.group_social_crm_user",
    )

    def _social_export_data(self):
        data = super()._social_export_data()
        data["news_mentions"] = [
            {
                "title": mention.title,
                "portal": mention.source_id.name,
                "url": mention.url,
                "published_at": fields.Datetime.to_string(mention.published_at),
                "state": mention.state,
                "excerpt": mention.snippet,
            }
            # sudo: the privacy export lists every mention of the contact (rights checked by the
            # caller)
            for mention in self.env["social.crm.news.mention"].sudo().search(
                Domain("partner_id", "=", self.id) & self._social_privacy_scope()
            )
        ]
        return data

    def _social_erase(self):
        # sudo: erasure removes every mention of the contact (rights checked by the caller)
        mentions = self.env["social.crm.news.mention"].sudo().search(
            Domain("partner_id", "in", self.ids) & self._social_privacy_scope()
        )
        counts = {"news mentions": len(mentions)}
        mentions.unlink()
        counts.update(super()._social_erase())
        return counts
