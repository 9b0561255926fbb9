# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SocialCrmPost(models.Model):
    """Answer any post of the Social Inbox (a question, a praise) without a ticket: the reply
    goes out through the outbox like a ticket's, and the post gets no complaint label (the
    classifier learns nothing from it)."""

    _inherit = "social.crm.post"

    social_reply_ids = fields.One2many(
        "social.crm.reply", "post_id", string="Our Replies", readonly=True
    )

    def action_social_reply(self):
        """Open the reply wizard on this post: on its ticket when it has one, else without."""
        self.ensure_one()
        ticket = self.ticket_id
        if ticket:
            wizard = self.env["social.crm.reply.wizard"].create(
                {"ticket_id": ticket.id, "post_id": self.id}
            )
        else:
            self.env["social.crm.reply"]._social_check_can_reply_post(self)
            wizard = self.env["social.crm.reply.wizard"].create({"post_id": self.id})
        return wizard._action_reopen()
