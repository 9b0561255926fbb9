# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .helpdesk_ticket_privacy import company_contact_values


class SocialCrmReply(models.Model):
    """Replies are public: a customer's IBAN or phone number never goes out in one (the
    company's own phone number and e-mail address do)."""

    _name = "social.crm.reply"
    _inherit = ["social.crm.reply", "social.crm.pii.mixin"]

    _social_pii_fields = ("text",)

    def _social_pii_company_id(self, vals):
        if self:
            return self[:1].company_id.id
        # sudo: the ticket's company, also for an agent who may not read it yet
        ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id")).sudo()
        return ticket.company_id.id or self.env.company.id

    def _social_pii_keep(self, vals):
        company = self.env["res.company"].browse(self._social_pii_company_id(vals))
        # sudo: the company's own contact data, which agents may not read
        keep = set(company_contact_values(company.sudo()))
        post = self[:1].post_id or self.env["social.crm.post"].browse(vals.get("post_id"))
        # sudo: the answered post's handles, whatever the post rules show the agent
        post = post.sudo()
        keep |= self.env["social.crm.post"]._social_handle_forms(
            post.author_handle, post.mentioned_handles
        )
        return keep
