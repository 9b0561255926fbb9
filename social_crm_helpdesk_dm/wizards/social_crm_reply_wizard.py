# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmReplyWizard(models.TransientModel):
    _inherit = "social.crm.reply.wizard"

    def action_send(self):
        """A reply that invites the customer to write privately (the team's invitation
        wording, chosen or typed) counts as Move to Private: the ticket records the
        invitation, and no longer offers Move to Private (the probe: it was offered after
        the agent had already sent the invitation from this wizard)."""
        result = super().action_send()
        ticket = self.ticket_id
        if (ticket and not ticket.social_dm_invited_at and not ticket.social_dm_linked
                and self.reply_id.state in ("queued", "sent", "demo")
                and ticket._social_dm_is_invitation(self.text, self.wording_id)):
            ticket._social_dm_invited()
        return result
