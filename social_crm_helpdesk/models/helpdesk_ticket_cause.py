# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..detection.causes import suggest_cause
from .helpdesk_ticket import INTERNAL


class HelpdeskTicket(models.Model):
    """Cause, churn intent and goodwill of a social ticket: the cause is suggested from the
    first post's text and set by the agent; the goodwill (voucher, refund, gift) is recorded
    with its amount and currency, and counted in the company's currency by the report. The
    agents' analysis: internal users only (never the customer through the portal or RPC)."""

    _inherit = "helpdesk.ticket"

    social_cause_id = fields.Many2one(
        "social.crm.ticket.cause",
        string="Cause",
        compute="_compute_social_cause_id",
        store=True,
        readonly=False,
        index=True,
        domain="[('company_id', 'in', (company_id, False))]",
        groups=INTERNAL,
        help="Suggested from the post's text; set by the agent.",
    )
    social_churn_intent = fields.Boolean(
        string="Churn Intent",
        compute="_compute_social_churn_intent",
        store=True,
        groups=INTERNAL,
        help="A post of the conversation says the customer is leaving.",
    )
    social_goodwill_kind = fields.Selection(
        [("voucher", "Voucher"), ("refund", "Refund"), ("gift", "Gift"), ("other", "Other")],
        string="Goodwill",
        groups=INTERNAL,
    )
    social_goodwill_amount = fields.Monetary(
        string="Goodwill Amount", currency_field="social_goodwill_currency_id", groups=INTERNAL
    )
    social_goodwill_currency_id = fields.Many2one(
        "res.currency",
        string="Goodwill Currency",
        default=lambda self: self.env.company.currency_id,
        groups=INTERNAL,
    )
    social_goodwill_company_amount = fields.Float(
        string="Goodwill (Company Currency)",
        compute="_compute_social_goodwill_company_amount",
        store=True,
        digits="Account",
        groups=INTERNAL,
    )

    @api.depends("social_post_id")
    def _compute_social_cause_id(self):
        # sudo: causes are a manager-maintained list; the compute runs for any agent
        Cause = self.env["social.crm.ticket.cause"].sudo()
        causes = {}  # (code, company): the cause, looked up once per batch
        for ticket in self:
            if ticket.social_cause_id or not ticket.social_post_id:
                ticket.social_cause_id = ticket.social_cause_id
                continue
            # sudo: the post's text may be hidden from the user by the post rules
            code = suggest_cause(ticket.social_post_id.sudo().text or "")
            key = (code, ticket.company_id)
            if key not in causes:
                causes[key] = Cause._social_for_code(code, ticket.company_id)
            ticket.social_cause_id = causes[key]

    @api.depends("social_post_ids.social_churn_intent", "social_post_id.social_churn_intent")
    def _compute_social_churn_intent(self):
        for ticket in self:
            # sudo: the ticket's posts may be hidden from the user by the post rules
            posts = ticket.sudo().social_post_ids | ticket.sudo().social_post_id
            ticket.social_churn_intent = any(posts.mapped("social_churn_intent"))

    @api.depends(
        "social_goodwill_amount", "social_goodwill_currency_id", "company_id.currency_id"
    )
    def _compute_social_goodwill_company_amount(self):
        # converted at the rate of the company's day (see res.lang._social_company_today),
        # not the day of whoever saves it (a user abroad, a job in UTC): once per company
        days = {}
        for ticket in self:
            currency = ticket.social_goodwill_currency_id
            company = ticket.company_id or self.env.company
            amount = ticket.social_goodwill_amount or 0.0
            if currency and company.currency_id and currency != company.currency_id:
                if company not in days:
                    days[company] = self.env["res.lang"]._social_company_today(company)
                amount = currency._convert(amount, company.currency_id, company, days[company])
            ticket.social_goodwill_company_amount = amount
