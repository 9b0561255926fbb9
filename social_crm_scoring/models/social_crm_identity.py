# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

#: identity fields that decide which mentioned account an identity is
ACCOUNT_FIELDS = {"company_id", "network_id", "external_id"}


class SocialCrmIdentity(models.Model):
    _inherit = "social.crm.identity"

    @api.model_create_multi
    def create(self, vals_list):
        identities = super().create(vals_list)
        self.env["social.crm.mention"]._resolve_identities(identities.filtered("external_id"))
        return identities

    def unlink(self):
        """A contact left without an identity in the company it is scored for (a user
        deleted the wrong identity) is no longer scored, at once."""
        partners = self.partner_id
        result = super().unlink()
        # sudo: the product's scores, whoever deleted the identity
        partners = self.env["res.partner"].sudo().browse(partners.ids).exists()
        partners._social_score_unscored_elsewhere()._social_score_clear()
        return result

    def write(self, vals):
        result = super().write(vals)
        if ACCOUNT_FIELDS & set(vals):
            self.env["social.crm.mention"]._resolve_identities(self)
        return result

    def _after_partner_change(self, old_partners):
        """The contacts that got these identities are known at once (scored as on arrival
        of a post when unscored, or when their followers now reach a higher tier's floor);
        a contact left without an identity in the company it is scored for is no longer
        scored (a user moved the identity away from the wrong person)."""
        result = super()._after_partner_change(old_partners)
        # sudo: the product scores, whoever moved the identity
        Partner = self.env["res.partner"].sudo()
        Partner._social_score_provisional_partners(self.partner_id)
        old = Partner.union(*old_partners.values()) - self.partner_id
        if old:
            old._social_score_unscored_elsewhere()._social_score_clear()
        return result

    def _after_counts_looked_up(self):
        """A look-up found these identities' counts (an author whose payload had none, the
        look-up at arrival failed and the enrichment job answered later; an account that grew):
        their contacts are scored at once when unscored or when their followers now reach a
        higher tier's floor (their open tickets follow the new tier), as on arrival."""
        result = super()._after_counts_looked_up()
        # sudo: the product scores, whoever looked the profiles up
        self.env["res.partner"].sudo()._social_score_provisional_partners(self.partner_id)
        return result

    def _ingest_after_link(self, authors):
        result = super()._ingest_after_link(authors)
        self.env["social.crm.mention"]._resolve_identities(self)
        return result
