# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _social_mentions(self, identities=None):
        """Mentions by these contacts and of them (the mentioned account is theirs)."""
        identities = self._social_identities() if identities is None else identities
        domain = Domain("source_partner_id", "in", self.ids) | Domain(
            "target_partner_id", "in", self.ids
        )
        if identities:
            domain |= Domain("target_identity_id", "in", identities.ids)
        for identity in identities.filtered("external_id"):
            domain |= Domain("network_id", "=", identity.network_id.id) & Domain(
                "target_external_id", "=", identity.external_id
            )
        # sudo: export and erasure cover every row in the user's companies (the callers check
        # the right)
        return self.env["social.crm.mention"].sudo().search(domain & self._social_privacy_scope())

    def _social_privacy_lookup_sql(self):
        return super()._social_privacy_lookup_sql() + [
            (
                "social.crm.score.history",
                SQL("partner_id IN (SELECT id FROM indirect_references)"),
            ),
        ]

    def _social_export_data(self):
        data = super()._social_export_data()
        # the current score as the user reads it: of the user's companies (the superuser's:
        # of every company)
        partner = self
        # sudo: the export covers every row in the user's companies (the caller checks the right)
        history = self.env["social.crm.score.history"].sudo().search(
            Domain("partner_id", "=", self.id) & self._social_privacy_scope()
        )
        data["profiling"] = [
            {
                "objection_to_profiling_art_21": bool(partner.social_score_excluded),
                "current_score": partner.social_score,
                "current_tier": partner.social_score_tier or False,
                "is_influencer": bool(partner.is_social_influencer),
            }
        ]
        data["score_history"] = [
            {
                "date": row.date.isoformat(),
                "score": row.score,
                "tier": row.tier or False,
                "is_influencer": row.is_influencer,
                "rank": row.rank,
            }
            for row in history
        ]
        data["mentions"] = [
            {
                "network": mention.network_id.name,
                "posted_at": mention.posted_at and mention.posted_at.isoformat(),
                "by_this_person": mention.source_partner_id.id == self.id,
                "mentioned_account": mention.target_external_id,
            }
            for mention in self._social_mentions()
        ]
        return data

    def _social_erase_labels(self):
        return dict(
            super()._social_erase_labels(),
            mentions=self.env._("mentions"),
            **{"score history": self.env._("score history")},
        )

    def _social_erase(self):
        identities = self._social_identities()
        mentions = self._social_mentions(identities)
        # sudo: erasure covers every row in the user's companies (the caller checks the right)
        history = self.env["social.crm.score.history"].sudo().search(
            Domain("partner_id", "in", self.ids) & self._social_privacy_scope()
        )
        counts = {"mentions": len(mentions), "score history": len(history)}
        mentions.unlink()
        history.unlink()
        counts.update(super()._social_erase())
        return counts
