# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reaction-time KPIs of social tickets: one row per ticket (pivot, graph) and medians/means per
company, team, network and month (percentile_cont in SQL)."""

import pytz

from odoo import api, fields, models
from odoo.addons.social_crm.services.tiers import TIERS
from odoo.tools import SQL
from odoo.tools.misc import format_date

#: KPI column of the per-ticket report -> the SQL expression of one ticket
TICKET_SQL = SQL(
    """
    SELECT t.id AS id,
           t.id AS ticket_id,
           t.company_id AS company_id,
           t.team_id AS team_id,
           t.user_id AS user_id,
           t.stage_id AS stage_id,
           t.social_network_id AS network_id,
           t.priority AS priority,
           t.social_tier AS tier,
           t.social_is_influencer AS is_influencer,
           CASE WHEN t.rating_last_value >= 4 THEN 'positive'
                WHEN t.rating_last_value >= 3 THEN 'neutral'
                WHEN t.rating_last_value > 0 THEN 'negative'
           END AS rating,
           t.social_posted_at AS posted_at,
           t.social_ticket_at AS ticket_at,
           t.social_first_reply_at AS first_reply_at,
           t.social_cause_id AS cause_id,
           CASE WHEN t.social_churn_intent THEN 1 ELSE 0 END AS churn_count,
           COALESCE(t.social_goodwill_company_amount, 0.0) AS goodwill_amount,
           1 AS ticket_count,
           -- never negative: clocks of networks and servers differ by a few seconds
           -- (GREATEST ignores NULLs, so a missing date is kept NULL by the CASE: no data)
           CASE WHEN t.social_first_reply_at IS NOT NULL THEN GREATEST(
               EXTRACT(EPOCH FROM t.social_first_reply_at - t.social_posted_at) / 60.0, 0)
           END AS reaction_minutes,
           CASE WHEN t.social_ticket_at IS NOT NULL THEN GREATEST(
               EXTRACT(EPOCH FROM t.social_ticket_at - t.social_detected_at) / 60.0, 0)
           END AS detection_minutes,
           h.answer_minutes AS handoff_minutes,
           COALESCE(h.handoff_count, 0) AS handoff_count,
           CASE WHEN s.closed THEN 1 ELSE 0 END AS closed_count,
           -- satisfied / rated (Odoo's rating, 4 and up is satisfied): an unrated ticket is
           -- not an unhappy one; the share of closed tickets rated is shown beside it
           CASE WHEN t.rating_last_value > 0 THEN
               CASE WHEN t.rating_last_value >= 4 THEN 100.0 ELSE 0.0 END
           END AS positive_rate,
           CASE WHEN s.closed THEN
               CASE WHEN t.rating_last_value > 0 THEN 100.0 ELSE 0.0 END
           END AS rated_rate,
           -- of the tickets whose first deadline has come: an open one still unanswered
           -- past it was not answered in time either (one within it, or closed without a
           -- public answer, is left out)
           CASE WHEN t.social_first_reply_at IS NOT NULL THEN
               CASE WHEN t.social_deadline_met THEN 100.0 ELSE 0.0 END
                WHEN NOT COALESCE(s.closed, FALSE)
                     AND t.social_response_deadline < (now() AT TIME ZONE 'UTC') THEN 0.0
           END AS deadline_met_rate
      FROM helpdesk_ticket t
      LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
      LEFT JOIN (
            SELECT ticket_id,
                   count(*) AS handoff_count,
                   avg(GREATEST(EXTRACT(EPOCH FROM answer_date - date) / 60.0, 0))
                       FILTER (WHERE answer_date IS NOT NULL) AS answer_minutes
              FROM social_crm_ticket_handoff
             GROUP BY ticket_id
      ) h ON h.ticket_id = t.id
     -- a ticket marked as a duplicate of another is the same complaint: counted once
     WHERE t.social_network_id IS NOT NULL AND t.active AND t.duplicate_id IS NULL
    """
)


#: what the in-time share counts (the ticket report's and the monthly KPIs' help)
DEADLINE_MET_HELP = (
    "Share of the tickets whose response deadline has come that got their first public "
    "reply by it. A ticket still waiting past its deadline counts as late; one still within "
    "it, or closed without a public reply, is left out."
)


def duration_parts(minutes):
    """Split a duration in minutes into what a person reads: ``None`` (no data), ``("lt1",)``
    below a minute, ``("min", m)``, ``("h", h, m)`` or ``("d", d, h)``. Never negative."""
    if minutes is None:
        return None
    total = max(int(round(float(minutes))), 0)
    if float(minutes) < 1:
        return ("lt1",)
    if total < 60:
        return ("min", total)
    if total < 24 * 60:
        return ("h", total // 60, total % 60)
    return ("d", total // (24 * 60), (total % (24 * 60)) // 60)


class SocialFlushMixin(models.AbstractModel):
    """Report models read tickets and hand-offs through SQL: flush them first."""

    _name = "social.crm.helpdesk.report.mixin"
    _description = "Social Helpdesk Report Flush"

    def _social_flush(self):
        for model in ("helpdesk.ticket", "helpdesk.ticket.stage", "social.crm.ticket.handoff",
                      "rating.rating"):
            self.env[model].flush_model()

    @api.model
    def search_fetch(self, domain, field_names=None, offset=0, limit=None, order=None):
        self._social_flush()
        return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                    order=None):
        self._social_flush()
        return super()._read_group(domain, groupby, aggregates, having=having, offset=offset,
                                   limit=limit, order=order)

    def _social_raw_values(self, columns):
        """The report's values as SQL gives them (NULL stays None: the ORM reads a NULL float
        as 0.0, which would show "0.00" where there is no data)."""
        self._social_flush()
        if not self.ids:
            return {}
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT r.id, %s FROM (%s) r WHERE r.id IN %s",
                SQL(", ").join(SQL("r.%s", SQL.identifier(column)) for column in columns),
                self._table_query,
                tuple(self.ids),
            )
        )
        return {row["id"]: row for row in rows}

    def _social_format_duration(self, minutes):
        parts = duration_parts(minutes)
        if parts is None:
            return False
        kind = parts[0]
        if kind == "lt1":
            return self.env._("< 1 min")
        if kind == "min":
            return self.env._("%(minutes)s min", minutes=parts[1])
        if kind == "h":
            return self.env._("%(hours)s h %(minutes)02d min", hours=parts[1], minutes=parts[2])
        return self.env._("%(days)s d %(hours)s h", days=parts[1], hours=parts[2])

    @staticmethod
    def _social_format_percent(value):
        return False if value is None else f"{float(value):.0f} %"


class SocialCrmHelpdeskReport(models.Model):
    _name = "social.crm.helpdesk.report"
    _inherit = ["social.crm.helpdesk.report.mixin"]
    _description = "Social Helpdesk Analysis"
    _auto = False
    _order = "posted_at desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned User", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    network_id = fields.Many2one("social.crm.network", readonly=True)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")], readonly=True
    )
    tier = fields.Selection(TIERS, string="Social Tier", readonly=True)
    is_influencer = fields.Boolean(string="Influencer", readonly=True)
    rating = fields.Selection(
        [("positive", "Satisfied"), ("neutral", "Neutral"), ("negative", "Dissatisfied")],
        string="Customer Rating",
        readonly=True,
    )
    posted_at = fields.Datetime(string="Posted On", readonly=True)
    ticket_at = fields.Datetime(string="Ticket Opened On", readonly=True)
    first_reply_at = fields.Datetime(string="First Public Reply", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    cause_id = fields.Many2one("social.crm.ticket.cause", readonly=True)
    churn_count = fields.Integer(string="Churn Intent", readonly=True, aggregator="sum")
    goodwill_amount = fields.Float(
        string="Goodwill (Company Currency)", readonly=True, aggregator="sum"
    )
    reaction_minutes = fields.Float(
        string="Reaction Time (min)",
        readonly=True,
        aggregator="avg",
        help="From the customer's post to the first public reply.",
    )
    detection_minutes = fields.Float(
        string="Detection to Ticket (min)",
        readonly=True,
        aggregator="avg",
        help="From storing the post to opening its ticket.",
    )
    handoff_minutes = fields.Float(
        string="Hand-off Answer Time (min)",
        readonly=True,
        aggregator="avg",
        help="From passing the ticket to another team to that team's first answer.",
    )
    handoff_count = fields.Integer(string="Hand-offs", readonly=True, aggregator="sum")
    closed_count = fields.Integer(string="Closed", readonly=True, aggregator="sum")
    positive_rate = fields.Float(
        string="Satisfied of Rated (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the rated tickets the customer rated satisfied (unrated tickets are "
        "left out: they are not unhappy).",
    )
    rated_rate = fields.Float(
        string="Closed Rated (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the closed tickets the customer rated.",
    )
    deadline_met_rate = fields.Float(
        string="Answered in Time (%)", readonly=True, aggregator="avg",
        help=DEADLINE_MET_HELP,
    )
    reaction_label = fields.Char(string="Reaction Time", compute="_compute_labels")
    detection_label = fields.Char(string="Detection to Ticket", compute="_compute_labels")
    handoff_label = fields.Char(string="Hand-off Answer", compute="_compute_labels")

    @property
    def _table_query(self):
        return TICKET_SQL

    def _compute_labels(self):
        raw = self._social_raw_values(["reaction_minutes", "detection_minutes", "handoff_minutes"])
        for row in self:
            values = raw.get(row.id, {})
            row.reaction_label = self._social_format_duration(values.get("reaction_minutes"))
            row.detection_label = self._social_format_duration(values.get("detection_minutes"))
            row.handoff_label = self._social_format_duration(values.get("handoff_minutes"))

    @api.model
    def _social_kpi_summary(self, domain=None):
        """Medians and means of the KPIs over the rows matching ``domain`` (one query)."""
        self._social_flush()
        query = self._search(domain or [])
        row = self.env.execute_query_dict(
            SQL(
                """SELECT count(*) AS tickets,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY r.reaction_minutes)
                              AS reaction_median,
                          avg(r.reaction_minutes) AS reaction_mean,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY r.detection_minutes)
                              AS detection_median,
                          avg(r.detection_minutes) AS detection_mean,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY r.handoff_minutes)
                              AS handoff_median,
                          avg(r.handoff_minutes) AS handoff_mean,
                          sum(r.closed_count) AS closed,
                          avg(r.positive_rate) AS positive_share,
                          avg(r.rated_rate) AS rated_share,
                          avg(r.deadline_met_rate) AS in_time_share
                     FROM (%s) r
                    WHERE r.id IN %s""",
                self._table_query,
                query.subselect(),
            )
        )[0]
        return {key: (float(value) if value is not None else None) for key, value in row.items()}


class SocialCrmHelpdeskKpi(models.Model):
    _name = "social.crm.helpdesk.kpi"
    _inherit = ["social.crm.helpdesk.report.mixin"]
    _description = "Social Helpdesk KPIs per Month"
    _auto = False
    _order = "month desc, company_id, team_id, network_id"

    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    network_id = fields.Many2one("social.crm.network", readonly=True)
    month = fields.Date(string="First Day of Month", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    reaction_median = fields.Float(string="Reaction Median (min)", readonly=True, aggregator=None)
    reaction_mean = fields.Float(string="Reaction Mean (min)", readonly=True, aggregator=None)
    detection_median = fields.Float(
        string="Detection to Ticket Median (min)", readonly=True, aggregator=None
    )
    detection_mean = fields.Float(
        string="Detection to Ticket Mean (min)", readonly=True, aggregator=None
    )
    handoff_median = fields.Float(
        string="Hand-off Answer Median (min)", readonly=True, aggregator=None
    )
    handoff_mean = fields.Float(string="Hand-off Answer Mean (min)", readonly=True, aggregator=None)
    closed_count = fields.Integer(string="Closed", readonly=True, aggregator="sum")
    positive_share = fields.Float(string="Satisfied of Rated (%)", readonly=True, aggregator=None)
    rated_share = fields.Float(string="Closed Rated (%)", readonly=True, aggregator=None)
    in_time_share = fields.Float(
        string="Answered in Time (%)", readonly=True, aggregator=None, help=DEADLINE_MET_HELP
    )
    # what the list shows: blank where there is no data, durations as a person reads them
    month_label = fields.Char(string="Month", compute="_compute_labels")
    in_time_label = fields.Char(
        string="In Time", compute="_compute_labels", help=DEADLINE_MET_HELP
    )
    reaction_median_label = fields.Char(string="Reaction (median)", compute="_compute_labels")
    reaction_mean_label = fields.Char(string="Reaction (mean)", compute="_compute_labels")
    detection_median_label = fields.Char(string="Detection (median)", compute="_compute_labels")
    handoff_median_label = fields.Char(string="Hand-off (median)", compute="_compute_labels")
    positive_label = fields.Char(string="Satisfied", compute="_compute_labels")
    rated_label = fields.Char(string="Rated", compute="_compute_labels")

    def _compute_labels(self):
        raw = self._social_raw_values(
            ["reaction_median", "reaction_mean", "detection_median", "handoff_median",
             "positive_share", "rated_share", "in_time_share"]
        )
        for row in self:
            values = raw.get(row.id, {})
            row.month_label = (
                format_date(self.env, row.month, date_format="MMMM y") if row.month else False
            )
            row.in_time_label = self._social_format_percent(values.get("in_time_share"))
            row.positive_label = self._social_format_percent(values.get("positive_share"))
            row.rated_label = self._social_format_percent(values.get("rated_share"))
            row.reaction_median_label = self._social_format_duration(
                values.get("reaction_median"))
            row.reaction_mean_label = self._social_format_duration(values.get("reaction_mean"))
            row.detection_median_label = self._social_format_duration(
                values.get("detection_median"))
            row.handoff_median_label = self._social_format_duration(values.get("handoff_median"))

    @property
    def _table_query(self):
        return SQL(
            """SELECT row_number() OVER (ORDER BY r.company_id, r.team_id, r.network_id,
                                                  r.month) AS id,
                      r.*
                 FROM (
                    SELECT t.company_id, t.team_id, t.network_id,
                           date_trunc('month', t.posted_at AT TIME ZONE 'UTC'
                                               AT TIME ZONE %(tz)s)::date AS month,
                           count(*) AS ticket_count,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.reaction_minutes)
                               AS reaction_median,
                           avg(t.reaction_minutes) AS reaction_mean,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.detection_minutes)
                               AS detection_median,
                           avg(t.detection_minutes) AS detection_mean,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.handoff_minutes)
                               AS handoff_median,
                           avg(t.handoff_minutes) AS handoff_mean,
                           sum(t.closed_count) AS closed_count,
                           avg(t.positive_rate) AS positive_share,
                           avg(t.rated_rate) AS rated_share,
                           avg(t.deadline_met_rate) AS in_time_share
                      FROM (%(tickets)s) t
                     GROUP BY t.company_id, t.team_id, t.network_id,
                              date_trunc('month', t.posted_at AT TIME ZONE 'UTC'
                                                  AT TIME ZONE %(tz)s)::date
                 ) r""",
            tickets=TICKET_SQL,
            tz=self._social_tz(),
        )

    def _social_tz(self):
        """The time zone of the months: the user's (from the web client's context), as Odoo
        groups a datetime by month in the per-ticket report's pivot; a ticket posted at
        00:30 on 1 November in Berlin is November's in both, not October's (UTC)."""
        tz = self.env.context.get("tz")
        return tz if tz in pytz.all_timezones_set else "UTC"
