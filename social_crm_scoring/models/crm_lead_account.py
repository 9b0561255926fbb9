# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts on leads: the customer's account score, key account, and the influencers
among the customer's contacts (what a salesperson should know before the call)."""

from odoo import api, fields, models

LEAD_ACCOUNT_FIELDS = [
    "social_account_score",
    "social_is_key_account",
    "social_account_note",
    "social_account_influencer_ids",
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    social_account_score = fields.Float(
        string="Account Score",
        digits=(5, 0),
        compute="_compute_social_account",
        help="Account score of the customer's company (0-100).",
    )
    social_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_social_account",
        search="_search_social_is_key_account",
    )
    social_account_note = fields.Char(string="Customer Account", compute="_compute_social_account")
    social_account_influencer_ids = fields.Many2many(
        "res.partner",
        string="Influencers at the Customer",
        compute="_compute_social_account",
        help="The customer's contacts (its company's people) who are influencers by their "
        "Social Score, strongest first.",
    )

    @api.depends("partner_id")
    @api.depends_context("uid", "allowed_company_ids", "lang")
    def _compute_social_account(self):
        # the customer (a person shows the company they work at), for the whole batch in a
        # few queries
        self.partner_id.mapped("social_account_note")
        for lead in self:
            customer = lead.partner_id
            lead.social_account_score = customer.social_account_score
            lead.social_is_key_account = customer.social_is_key_account
            lead.social_account_note = customer.social_account_note
            lead.social_account_influencer_ids = customer.social_account_influencer_ids.sorted(
                lambda p: (-p.social_score, p.name or "")
            )

    def _search_social_is_key_account(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        keys = self.env["res.partner"].search([("social_is_key_account", "in", [True])])
        domain = [("partner_id", "in", keys.ids)]
        return domain if (True in value) == (operator == "in") else ["!", *domain]

    @api.model
    def _social_account_invalidate(self):
        self.invalidate_model(LEAD_ACCOUNT_FIELDS)
