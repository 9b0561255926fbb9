# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the salesperson should know before calling: the customer's open complaints."""

from odoo import api, fields, models
from odoo.fields import Domain


class CrmLead(models.Model):
    _inherit = "crm.lead"

    social_open_ticket_count = fields.Integer(
        string="Open Complaints",
        compute="_compute_social_tickets",
        search="_search_social_open_ticket_count",
        help="Open helpdesk tickets of this customer (its company and contacts).",
    )
    social_overdue_ticket_count = fields.Integer(
        string="Overdue Complaints",
        compute="_compute_social_tickets",
        search="_search_social_overdue_ticket_count",
        help="Open social complaints of this customer whose response deadline passed "
        "without a public reply.",
    )

    @api.model
    def _social_ticket_domain(self, overdue=False):
        """Open tickets of the companies the user works in (overdue: social complaints past
        their response deadline without a public reply)."""
        domain = Domain("stage_id.closed", "=", False) & Domain(
            "company_id", "in", self.env.companies.ids
        )
        if overdue:
            domain &= Domain("social_deadline_state", "=", "overdue")
        return domain

    @api.model
    def _social_ticket_counts(self, commercial_ids, overdue=False):
        """{commercial partner id: open (or overdue) tickets}: counted without the helpdesk
        access rights (a salesperson sees how many, not what; the tickets stay behind
        their own rules), one query."""
        if not commercial_ids:
            return {}
        groups = (
            self.env["helpdesk.ticket"]
            .sudo()  # sudo: salespeople see the count of tickets they may not read
            ._read_group(
                self._social_ticket_domain(overdue)
                & Domain("partner_id.commercial_partner_id", "in", list(commercial_ids)),
                ["partner_id"],
                ["__count"],
            )
        )
        counts = {}
        for partner, count in groups:
            key = partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        return counts

    @api.depends("partner_id")
    @api.depends_context("allowed_company_ids")
    def _compute_social_tickets(self):
        commercial = self.partner_id.commercial_partner_id
        open_counts = self._social_ticket_counts(set(commercial.ids))
        overdue_counts = self._social_ticket_counts(set(commercial.ids), overdue=True)
        for lead in self:
            key = lead.partner_id.commercial_partner_id.id
            lead.social_open_ticket_count = open_counts.get(key, 0)
            lead.social_overdue_ticket_count = overdue_counts.get(key, 0)

    def _social_ticket_search(self, operator, value, overdue):
        # meaningful filters: "has some" (> 0, >= 1, != 0) and "has none" (= 0)
        if operator in (">", ">=") and value in (0, 1):
            has = True
        elif operator in ("in", "not in"):
            has = (0 not in value) == (operator == "in")
        else:
            return NotImplemented
        # the open tickets are few: their customers' companies are read once
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()  # sudo: salespeople may not read the tickets
            .search_fetch(self._social_ticket_domain(overdue), ["partner_id"])
        )
        commercial_ids = tickets.partner_id.commercial_partner_id.ids
        domain = Domain("partner_id.commercial_partner_id", "in", commercial_ids)
        return domain if has else ~domain

    def _search_social_open_ticket_count(self, operator, value):
        return self._social_ticket_search(operator, value, overdue=False)

    def _search_social_overdue_ticket_count(self, operator, value):
        return self._social_ticket_search(operator, value, overdue=True)

    def action_view_social_tickets(self):
        """The customer's open tickets (overdue first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [
            ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
            ("stage_id.closed", "=", False),
        ]
        action["context"] = {"create": False}
        action["display_name"] = self.env._(
            "Open Complaints of %(customer)s",
            customer=self.partner_id.commercial_partner_id.display_name,
        )
        return action
