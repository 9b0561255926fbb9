# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A complaint by a person working at a key account is marked on the ticket: "works at …,
key account, expected revenue …" (read live from the customer's account, see
``res.partner`` in social_crm_scoring)."""

from odoo import api, fields, models
from odoo.fields import Domain


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_social_account",
        search="_search_social_is_key_account",
        groups="base.group_user",
        help="The customer (or the company they work at) is a key account.",
    )
    social_account_note = fields.Char(
        string="Customer Account",
        compute="_compute_social_account",
        groups="base.group_user",
        help="The company the customer works at: key account, account score, expected "
        "revenue of its open opportunities.",
    )

    @api.depends("partner_id")
    @api.depends_context("uid", "allowed_company_ids", "lang")
    def _compute_social_account(self):
        # the customers' companies in one batch (a few queries, see res.partner)
        self.partner_id.mapped("social_account_note")
        for ticket in self:
            partner = ticket.partner_id
            ticket.social_is_key_account = bool(partner.social_is_key_account)
            ticket.social_account_note = partner.social_account_note or False

    def _search_social_is_key_account(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        keys = self.env["res.partner"].search([("social_is_key_account", "in", [True])])
        domain = Domain("partner_id", "in", keys.ids)
        return domain if (True in value) == (operator == "in") else ~domain
