# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.addons.social_crm.services.tiers import TIERS
from odoo.fields import Domain
from odoo.tools import SQL

#: lead fields read from the customer's current score row: {field: history column}
LEAD_FIELDS = {
    "social_score": "score",
    "social_score_tier": "tier",
    "is_social_influencer": "is_influencer",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # the customer's current score, as the user may read it (see res.partner): not a copy
    # (nothing to keep in sync, nothing left behind when a contact objects to profiling);
    # searched, sorted and grouped through a join on the customer's current history row
    social_score = fields.Float(
        compute="_compute_social_score", search="_search_social_score", readonly=True
    )
    social_score_tier = fields.Selection(
        TIERS,
        string="Social Tier",
        compute="_compute_social_score",
        search="_search_social_score_tier",
        readonly=True,
    )
    is_social_influencer = fields.Boolean(
        string="Influencer",
        compute="_compute_social_score",
        search="_search_is_social_influencer",
        readonly=True,
    )

    @api.depends("partner_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_social_score(self):
        # read through the history's record rules, not through the customer (whom the user
        # may not be allowed to read)
        rows = self.env["res.partner"]._social_score_current_rows(self.partner_id._origin.ids)
        for lead in self:
            score, tier, flag, _company = rows.get(
                lead.partner_id._origin.id, (0.0, False, False, False)
            )
            lead.social_score = score or 0.0
            lead.social_score_tier = tier or False
            lead.is_social_influencer = bool(flag)

    def _social_score_search(self, fname, operator, value):
        """Domain of the leads whose customer's current score row meets the condition
        (leads without customer meet what the empty value meets)."""
        empty, rows = self.env["res.partner"]._social_score_search_sql(
            LEAD_FIELDS[fname], operator, value
        )
        if empty:
            return Domain("partner_id", "=", False) | Domain("partner_id", "not in", rows)
        return Domain("partner_id", "in", rows)

    def _search_social_score(self, operator, value):
        return self._social_score_search("social_score", operator, value)

    def _search_social_score_tier(self, operator, value):
        return self._social_score_search("social_score_tier", operator, value)

    def _search_is_social_influencer(self, operator, value):
        return self._social_score_search("is_social_influencer", operator, value)

    def _field_to_sql(self, alias, field_expr, query=None):
        """Score, tier and flag are the columns of the customer's current history row,
        joined once per query: leads can be sorted and grouped by them."""
        if field_expr not in LEAD_FIELDS:
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], "read")
        sql = self.env["res.partner"]._social_score_current_sql(
            alias, "partner_id", LEAD_FIELDS[field_expr], query
        )
        # leads without a scored customer count 0 (not NULL: first in DESC order)
        return SQL("COALESCE(%s, 0)", sql) if field_expr == "social_score" else sql

    @api.model
    def _social_score_invalidate(self):
        self.invalidate_model(list(LEAD_FIELDS))
