# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

#: days of history the chart shows (older counts are kept in the identity's count history)
HISTORY_DAYS = 365


class SocialCrmFollowerHistory(models.Model):
    """Followers of each identity for every day since its first count (of the last year):
    a day without a new count carries the last known value, so that a chart never drops
    to 0 on a day the network was not read. Read-only (a database view over the counts)."""

    _name = "social.crm.follower.history"
    _description = "Social Follower History"
    _auto = False
    _order = "date desc, identity_id"

    date = fields.Date(readonly=True)
    identity_id = fields.Many2one("social.crm.identity", readonly=True)
    network_id = fields.Many2one("social.crm.network", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    followers_count = fields.Integer(string="Followers", readonly=True, aggregator="sum")
    measured = fields.Boolean(
        string="Counted That Day", readonly=True,
        help="The network reported the count on that day (else it is the last known one).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT i.id::bigint * 100000 + (d.day::date - DATE '2000-01-01') AS id,
                           d.day::date AS date,
                           i.id AS identity_id,
                           i.network_id,
                           i.partner_id,
                           i.company_id,
                           last.followers_count,
                           last.date = d.day::date AS measured
                      FROM social_crm_identity i
                      JOIN LATERAL (
                          SELECT min(m.date) AS first_date
                            FROM social_crm_identity_metric m
                           WHERE m.identity_id = i.id
                      ) span ON span.first_date IS NOT NULL
                      CROSS JOIN LATERAL generate_series(
                          GREATEST(span.first_date, CURRENT_DATE - %(days)s),
                          CURRENT_DATE, INTERVAL '1 day'
                      ) AS d(day)
                      JOIN LATERAL (
                          SELECT m.followers_count, m.date
                            FROM social_crm_identity_metric m
                           WHERE m.identity_id = i.id AND m.date <= d.day::date
                        ORDER BY m.date DESC
                           LIMIT 1
                      ) last ON TRUE
                )
                """,
                table=SQL.identifier(self._table),
                days=HISTORY_DAYS,
            )
        )
