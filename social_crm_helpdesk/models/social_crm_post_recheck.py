# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The re-check of polling sources' posts (``social_crm``) also covers the posts of open
tickets, whatever their age: the customer who edits an old complaint to add a card number,
or deletes it, is seen while an agent still works on it. A ticket marked as a duplicate
(closed) goes on in its original: its posts are re-checked while the original is open."""

from odoo import api, models
from odoo.fields import Domain


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model
    def _recheck_extra_domain(self):
        return (
            super()._recheck_extra_domain()
            | (Domain("ticket_id", "!=", False)
               & Domain("ticket_id.stage_id.closed", "=", False))
            # the conversation of a duplicate goes on in its original ticket
            | (Domain("ticket_id.duplicate_id", "!=", False)
               & Domain("ticket_id.duplicate_id.stage_id.closed", "=", False))
        )
