# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import models


class SocialCrmMatchSuggestion(models.Model):
    _name = "social.crm.match.suggestion"
    _inherit = ["social.crm.match.suggestion", "social.crm.pii.mixin"]

    _social_pii_json_fields = ("author_data",)

    def _social_pii_keep(self, vals):
        handle = vals["author_handle"] if "author_handle" in vals else self[:1].author_handle
        return self.env["social.crm.post"]._social_handle_forms(handle)

    def _after_confirm(self, identity, posts):
        """The author's tickets without a contact move to the confirmed contact (the
        contact's ticket count includes them); open ones follow the contact's tier."""
        sentences = super()._after_confirm(identity, posts)
        partner = identity.partner_id
        if not partner:
            return sentences
        # sudo: the confirmed author's tickets may be other agents'
        Ticket = self.env["helpdesk.ticket"].sudo()
        tickets = Ticket.search(
            [
                ("partner_id", "=", False),
                "|",
                "|",
                ("social_post_id", "in", posts.ids),
                ("social_post_ids", "in", posts.ids),
                ("social_identity_id", "=", identity.id),
            ]
        )
        if not tickets:
            return sentences
        tickets.write(
            {
                "partner_id": partner.id,
                "partner_name": partner.name,
                "partner_email": partner.email or False,
                "social_identity_id": identity.id,
            }
        )
        note = Markup("<p>%s</p>") % self.env._(
            "%(user)s confirmed that the author is %(contact)s: the ticket moved to the contact.",
            user=self.env.user.name,
            contact=partner.display_name,
        )
        for ticket in tickets:
            ticket.message_post(
                body=note,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
        tickets._social_update_reach()
        tickets._social_follow_tier()
        sentences.append(
            self.env._("Tickets moved to the contact: %(count)s.", count=len(tickets))
        )
        return sentences
