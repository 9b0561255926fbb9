# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Domain


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's contact merge checks e-mails, parents and users, not companies (Odoo 19 only
    gives the kept contact's company to the merged contacts' users): it merged a contact
    company A's listening made (its critic, with A's social identities) into a company B
    contact, so B's users read A's critic, its posts and identities. Refused when the
    contacts carry the product's data (identities, posts, match suggestions; the addons add
    social tickets and scores) and that data, the contacts or the records pointing at them
    (tickets, leads) are of different companies (a person writing to two companies has a
    contact in each, by design). Contacts without the product's data merge as Odoo merges
    them."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _social_merge_data(self, partners):
        """(whether ``partners`` carry the product's data, the companies of that data and of
        the records a merge moves with it); addons extend it. One grouped read per model.
        sudo: every company's records, whoever merges."""
        carries = False
        companies = self.env["res.company"]
        for model in ("social.crm.identity", "social.crm.post", "social.crm.match.suggestion"):
            groups = self.env[model].sudo().with_context(active_test=False)._read_group(
                Domain("partner_id", "in", partners.ids), ["company_id"])
            for (company,) in groups:
                carries = True
                companies |= company
        return carries, companies

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # sudo: the companies of the contacts and of their records, whoever merges them
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        if dst_partner:
            partners |= dst_partner.sudo()
        carries, companies = self._social_merge_data(partners)
        if carries and len(companies | partners.company_id) > 1:
            # a privacy rule, not a sanity check: the administrator too (extra_checks)
            raise UserError(self.env._(
                "These contacts cannot be merged: they carry social media data (accounts, "
                "posts, tickets or scores), and they or their records (tickets, leads) are "
                "of different companies. Merged, one company's users would read the other "
                "company's contact and data, or lose the contact of their own records. "
                "Merge only contacts of one company."))
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
