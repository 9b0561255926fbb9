# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class SocialCrmCrisisReport(models.Model):
    """The crisis dashboard: one row per post of the last 24 hours (volume and complaint share
    by hour, network, incident), plus one row per open incident and per overdue ticket, so a
    graph or pivot shows all four figures side by side."""

    _name = "social.crm.crisis.report"
    _description = "Social Crisis Dashboard (Last 24 Hours)"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    network_id = fields.Many2one("social.crm.network", readonly=True)
    incident_id = fields.Many2one("social.crm.incident", readonly=True)
    post_count = fields.Integer(string="Volume", readonly=True, aggregator="sum")
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator="sum")
    complaint_share = fields.Float(
        string="Complaint Share (%)", readonly=True, aggregator="avg",
        help="Share of the posts detected as complaints.",
    )
    open_incident_count = fields.Integer(
        string="Open Incidents", readonly=True, aggregator="sum"
    )
    overdue_ticket_count = fields.Integer(
        string="Overdue Tickets", readonly=True, aggregator="sum"
    )

    @property
    def _table_query(self):
        return SQL(
            """SELECT row_number() OVER () AS id, r.* FROM (
                 SELECT p.posted_at AS date, p.company_id, p.network_id,
                        t.social_incident_id AS incident_id,
                        1 AS post_count,
                        CASE WHEN p.complaint_label = 'complaint' THEN 1 ELSE 0 END
                            AS complaint_count,
                        CASE WHEN p.complaint_label = 'complaint' THEN 100.0 ELSE 0.0 END
                            AS complaint_share,
                        0 AS open_incident_count, 0 AS overdue_ticket_count
                   FROM social_crm_post p
                   LEFT JOIN helpdesk_ticket t ON t.id = p.ticket_id
                  WHERE p.posted_at >= (now() at time zone 'UTC') - interval '24 hours'
                 UNION ALL
                 SELECT i.detected_at, i.company_id, NULL, i.id, 0, 0, NULL, 1, 0
                   FROM social_crm_incident i
                  WHERE i.state != 'resolved'
                 UNION ALL
                 SELECT t.social_wait_deadline, t.company_id, t.social_network_id,
                        t.social_incident_id, 0, 0, NULL, 0, 1
                   FROM helpdesk_ticket t
                   LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                  WHERE t.social_network_id IS NOT NULL AND t.active
                    AND t.social_wait_reply_at IS NULL
                    AND NOT coalesce(s.closed, false)
                    AND t.social_wait_deadline < (now() at time zone 'UTC')
               ) r"""
        )

    def _read_group(self, *args, **kwargs):
        for model in ("social.crm.post", "helpdesk.ticket", "social.crm.incident"):
            self.env[model].flush_model()
        return super()._read_group(*args, **kwargs)
