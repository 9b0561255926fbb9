# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts on leads: the customer's account score, key account, and the influencers
among the customer's contacts (what a salesperson should know before the call)."""

from collections import defaultdict

from odoo import api, fields, models

LEAD_ACCOUNT_FIELDS = [
    "social_account_score",
    "social_is_key_account",
    "social_account_note",
    "social_account_influencer_ids",
]

#: lead fields whose change can move the open expected revenue of the customer's account
REVENUE_FIELDS = frozenset(
    ("expected_revenue", "partner_id", "type", "active", "probability", "stage_id", "company_id")
)


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

    # --- key accounts by revenue during the day -----------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        accounts = leads.sudo().partner_id.commercial_partner_id
        if accounts:
            Account = self.env["social.crm.account.score"].sudo()
            companies = leads._social_revenue_companies()
            after = Account._social_account_revenue_snapshot(accounts.ids, companies)
            # before: the same without the new open opportunities (in each company's
            # currency, as the snapshot)
            before = {company_id: dict(revenues) for company_id, revenues in after.items()}
            counted = leads.sudo().filtered(lambda lead: lead._social_revenue_counts())
            Company = self.env["res.company"].sudo()
            for company_id, revenues in before.items():
                company = Company.browse(company_id)
                new = defaultdict(float)
                for lead in counted:
                    if lead.company_id.id in (False, company_id):
                        currency = lead.company_id.currency_id or company.currency_id
                        new[lead.partner_id.commercial_partner_id.id, currency] += (
                            lead.expected_revenue
                        )
                Partner = self.env["res.partner"].sudo().with_company(company)
                for account_id, amount in Partner._social_account_convert(new).items():
                    revenues[account_id] = revenues.get(account_id, 0.0) - amount
            Account._social_account_notify_revenue(before, accounts.ids, companies)
        return leads

    def write(self, vals):
        if not REVENUE_FIELDS.intersection(vals):
            return super().write(vals)
        # sudo: the customers' accounts, whoever changes the opportunities
        leads = self.sudo()
        accounts = set(leads.partner_id.commercial_partner_id.ids)
        if vals.get("partner_id"):
            accounts.add(leads.partner_id.browse(vals["partner_id"]).commercial_partner_id.id)
        companies = leads._social_revenue_companies(vals.get("company_id"))
        Account = self.env["social.crm.account.score"].sudo()
        before = Account._social_account_revenue_snapshot(accounts, companies)
        result = super().write(vals)
        if before:
            accounts |= set(leads.partner_id.commercial_partner_id.ids)
            Account._social_account_notify_revenue(before, accounts, companies)
        else:
            # the revenue the contacts and leads show is read live
            self.env["res.partner"]._social_account_invalidate()
        return result

    def _social_revenue_companies(self, company_id=None):
        """The companies whose revenue thresholds these leads (with ``company_id`` if they
        move to it) can cross: theirs, or every company when one has none."""
        leads = self.sudo()
        companies = leads.company_id
        if company_id:
            companies |= companies.browse(company_id)
        # (``mapped`` of a many-to-one is a recordset, without the empty companies)
        if not all(lead.company_id for lead in leads) or company_id is False:
            return None
        return companies

    def _social_revenue_counts(self):
        """Whether this lead counts in its customer's open expected revenue (see
        ``res.partner._social_account_revenues``)."""
        self.ensure_one()
        return (
            self.active
            and self.type == "opportunity"
            and self.won_status == "pending"
            and bool(self.partner_id)
        )
