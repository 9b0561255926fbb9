# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmOutbox(models.Model):
    _inherit = "social.crm.outbox"

    def _check_retry(self):
        """A manager's Retry of a refused reply whose words went out meanwhile (the agent
        wrote them again on the ticket): refused, as the ticket's Retry and the wizard
        refuse it (one query for the items' replies)."""
        super()._check_retry()
        items = self.filtered(
            lambda i: i.action == "reply" and i.state in ("failed", "cancelled")
            and i.res_model == "social.crm.reply"
        )
        if not items:
            return
        Reply = self.env["social.crm.reply"]
        # sudo: the manager retries in the outbox; the replies are the product's records
        for reply in Reply.sudo().search([("outbox_id", "in", items.ids)]):
            Reply._social_check_not_duplicate(
                reply.post_id, reply.text, ticket=reply.ticket_id, exclude=reply)
