# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, models
from odoo.fields import Domain


class HelpdeskTicket(models.Model):
    """The open social tickets of an author follow the contact its posts now belong to (a user
    linked the identity to another contact, contacts were merged, listening gave the earlier
    contact-less posts of an author to its new contact): the customer, the tier and what
    follows it (priority, the deadline of a waiting ticket, the alert). Closed tickets keep
    the contact they were solved for (history)."""

    _inherit = "helpdesk.ticket"

    @api.model
    def _social_open_tickets_of(self, identities):
        """``{ticket: identity}``: the open social tickets opened from the posts of these
        identities' authors (one search)."""
        if not identities:
            return {}
        # sudo: the author's tickets may be any agent's
        tickets = self.sudo().search(
            Domain("social_network_id", "!=", False)
            & Domain("stage_id.closed", "=", False)
            & (
                Domain("social_identity_id", "in", identities.ids)
                | Domain("social_post_id.identity_id", "in", identities.ids)
            )
        )
        return {
            ticket: ticket.social_identity_id
            if ticket.social_identity_id in identities
            else ticket.social_post_id.identity_id
            for ticket in tickets
        }

    @api.model
    def _social_follow_contact(self, targets, old_names=None):
        """``targets``: {ticket: (contact, identity)}: these open social tickets move to the
        contact (and the identity) of their author, one write per contact; the chatter names
        the old and the new contact; the tier follows. ``old_names``: {ticket id: the former
        contact's name} when the tickets already moved (contacts merged). Returns the tickets
        moved."""
        old_names = old_names or {}
        groups = {}  # (contact, identity) -> tickets
        bodies = {}
        for ticket, (partner, identity) in targets.items():
            ticket = ticket.sudo()  # sudo: product-written, on any agent's ticket
            if ticket.stage_id.closed or not partner:
                continue
            moved = ticket.id in old_names
            if ticket.partner_id == partner and not moved:
                continue
            old = old_names.get(ticket.id) or ticket.partner_id.display_name
            groups[partner, identity] = groups.get((partner, identity), ticket.browse()) | ticket
            # in the language of whom reads the ticket (see _social_reader_lang): also from
            # listening (a job) or another user's merge
            words = self.with_context(lang=ticket._social_reader_lang()).env
            bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                "The author's posts now belong to %(new)s (before: %(old)s): the ticket moved "
                "to %(new)s.",
                new=partner.display_name,
                old=old or words._("no contact"),
            )
        if not bodies:
            return self.browse()
        moved = self.browse()
        for (partner, identity), tickets in groups.items():
            vals = {
                "partner_id": partner.id,
                "partner_name": partner.name,
                "partner_email": partner.email or False,
            }
            if identity:
                vals["social_identity_id"] = identity.id
            # sudo: see above
            tickets.sudo().write(vals)
            moved |= tickets
        self.browse(list(bodies))._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id
        )
        # the author now counts by the identity's followers (no longer by its posts')
        moved._social_update_reach()
        moved._social_follow_tier()
        return moved.with_env(self.env)
