# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.fields import Domain


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merged contacts: Odoo moves every record of the merged contacts to the one kept (the
    others are deleted), the social tickets too; the open ones also follow the kept contact's
    tier, and their chatter names the contact they came from."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _social_merge_data(self, partners):
        """Social tickets are the product's data; the companies of every ticket of the
        contacts count (the merge moves them all to the kept contact). One grouped read."""
        carries, companies = super()._social_merge_data(partners)
        # sudo: every company's tickets, whoever merges
        groups = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)._read_group(
            Domain("partner_id", "in", partners.ids),
            ["company_id", "social_network_id"])
        for company, network in groups:
            carries = carries or bool(network)
            companies |= company
        return carries, companies

    def _update_foreign_keys(self, src_partners, dst_partner):
        # sudo: the merged contacts' tickets may be any agent's
        Ticket = self.env["helpdesk.ticket"].sudo()
        tickets = Ticket.search(
            Domain("partner_id", "in", src_partners.ids)
            & Domain("social_network_id", "!=", False)
            & Domain("stage_id.closed", "=", False)
        )
        old_names = {ticket.id: ticket.partner_id.display_name for ticket in tickets}
        result = super()._update_foreign_keys(src_partners, dst_partner)
        if tickets:
            Ticket._social_follow_contact(
                {ticket: (dst_partner, ticket.social_identity_id) for ticket in tickets},
                old_names=old_names,
            )
        return result
