# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's contact merge checks e-mails, parents and users, not companies (Odoo 19 only
    gives the kept contact's company to the merged contacts' users): it merged a contact
    company A's listening made (its critic, with A's social identities) into a company B
    contact, so B's users read A's critic, its posts and identities. Refused when the
    contacts carry social identities and they, or the contacts, are of different companies
    (a person writing to two companies has a contact in each, by design)."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # sudo: the identities and companies of the contacts, whoever merges them
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        if dst_partner:
            partners |= dst_partner.sudo()
        identities = self.env["social.crm.identity"].sudo().with_context(
            active_test=False).search([("partner_id", "in", partners.ids)])
        companies = identities.company_id | partners.company_id
        if identities and len(companies) > 1:
            # a privacy rule, not a sanity check: the administrator too (extra_checks)
            raise UserError(self.env._(
                "These contacts cannot be merged: they carry social media accounts of "
                "different companies (or belong to another company than those accounts). "
                "A contact made by listening is its company's; merged, one company's users "
                "would read the other company's contact, posts and accounts. Merge only "
                "contacts of one company."))
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
