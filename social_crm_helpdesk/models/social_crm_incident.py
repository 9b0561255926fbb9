# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Incidents of the crisis watch: a pile-on in one conversation or a spike of a brand keyword,
found on ingestion (``detection.crisis``, Poisson tail test against the company's baseline),
announced in the team's alert channel with an activity for the team leader, grouping the related
tickets so that the team answers them from one place."""

import datetime as dt
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..detection import crisis

_logger = logging.getLogger(__name__)

#: posts older than this (a backfill, a replay of history) do not raise alerts
WATCH_HORIZON = dt.timedelta(days=2)


class SocialCrmIncident(models.Model):
    _name = "social.crm.incident"
    _description = "Social Media Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "detected_at desc, id desc"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        [("pile_on", "Pile-on"), ("spike", "Spike")], required=True, readonly=True
    )
    key = fields.Char(
        string="Conversation or Keyword", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.company,
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team", tracking=True, domain="[('company_id', 'in', (company_id, False))]"
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("investigating", "Investigating"),
            ("answered", "Answered"),
            ("resolved", "Resolved"),
        ],
        default="new",
        required=True,
        tracking=True,
        index=True,
        help="Set by the team: resolved incidents no longer collect tickets; a new pile-on "
        "of the same conversation opens a new incident.",
    )
    started_at = fields.Datetime(
        string="Window Start", readonly=True, help="Start of the window that raised the alert."
    )
    detected_at = fields.Datetime(readonly=True)
    observed_count = fields.Integer(
        string="Observed", readonly=True,
        help="Complaints in the conversation (pile-on) or posts with the keyword (spike) in "
        "the window.",
    )
    expected_count = fields.Float(
        string="Usual", readonly=True, digits=(16, 2),
        help="The company's own baseline for one window.",
    )
    p_value = fields.Float(
        string="Chance if Usual", readonly=True, digits=(16, 12),
        help="Poisson tail: the chance of seeing as many or more on a usual day.",
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "social_incident_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _open_key_uniq = models.UniqueIndex(
        "(company_id, kind, key) WHERE state != 'resolved'",
    )

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("social_incident_id", "in", self.ids)], ["social_incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.ticket_count = counts.get(incident, 0)

    def action_set_investigating(self):
        return self.write({"state": "investigating"})

    def action_set_answered(self):
        return self.write({"state": "answered"})

    def action_set_resolved(self):
        return self.write({"state": "resolved"})

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(domain=[("social_incident_id", "=", self.id)], context={})
        return action

    def action_bulk_reply(self):
        self.ensure_one()
        wizard = self.env["social.crm.incident.reply.wizard"].create({"incident_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reply to All Tickets"),
        }

    # --- the watch -------------------------------------------------------------------------
    @api.model
    def _crisis_items(self, posts):
        """The watch's view of ``posts`` (stored social.crm.post records)."""
        horizon = fields.Datetime.now() - WATCH_HORIZON
        return [
            crisis.Item(
                posted_at=post.posted_at,
                conversation=f"{post.network_id.code}:{post._social_conversation_key()}",
                is_reply=bool(post.in_reply_to_external_id),
                is_complaint=post.complaint_label == "complaint",
                text=post.text or "",
            )
            for post in posts
            if post.posted_at and post.posted_at >= horizon
        ]

    @api.model
    def _crisis_watch(self, posts):
        """Count the batch ``posts`` and raise the incidents the counts reveal: one upsert,
        two reads per company and batch."""
        posts = posts.sudo()
        for company in posts.company_id:
            company_posts = posts.filtered(lambda p, c=company: p.company_id == c)
            items = self._crisis_items(company_posts)
            if not items:
                continue
            pattern = crisis.keyword_pattern((company.social_crisis_keywords or "").split(","))
            counts = crisis.count(items, pattern)
            if not counts:
                continue
            self.env["social.crm.crisis.bucket"]._crisis_add(company, counts)
            now = max(item.posted_at for item in items)
            found = self._crisis_assess(company, {(k, key) for k, key, _s in counts}, now)
            alerts = [verdict for verdict in found if verdict.alert]
            if alerts:
                self._crisis_raise(company, alerts, company_posts, now)

    @api.model
    def _crisis_assess(self, company, keys, now):
        """Verdicts of the windows ending at ``now`` of ``keys`` {(kind, key)}."""
        window_from = crisis.window_start(now)
        baseline_from = window_from - dt.timedelta(days=crisis.BASELINE_DAYS)
        rows = self.env.execute_query(
            SQL(
                """SELECT kind, key,
                          sum(post_count) FILTER (WHERE bucket_start >= %(w)s),
                          sum(complaint_count) FILTER (WHERE bucket_start >= %(w)s),
                          sum(post_count) FILTER (WHERE bucket_start < %(w)s)
                     FROM social_crm_crisis_bucket
                    WHERE company_id = %(company)s
                      AND (kind, key) IN (%(keys)s)
                      AND bucket_start >= %(b)s AND bucket_start <= %(now)s
                    GROUP BY kind, key""",
                w=window_from, b=baseline_from, now=now, company=company.id,
                keys=SQL(", ").join(SQL("(%s, %s)", kind, key) for kind, key in sorted(keys)),
            )
        )
        windows, keyword_totals = {}, {}
        for kind, key, posts, complaints, history in rows:
            if posts:
                windows[(kind, key)] = (int(posts), int(complaints or 0))
            if kind == "keyword":
                keyword_totals[key] = int(history or 0)
        keyword_rates = {}
        if keyword_totals:
            first = self.env.execute_query(
                SQL(
                    """SELECT min(bucket_start) FROM social_crm_crisis_bucket
                        WHERE company_id = %s AND kind = 'keyword' AND bucket_start >= %s""",
                    company.id, baseline_from,
                )
            )[0][0]
            minutes = (window_from - first).total_seconds() / 60 if first else 0
            keyword_rates = {
                key: crisis.keyword_rate(total, minutes) for key, total in keyword_totals.items()
            }
        return crisis.verdicts(windows, self._crisis_conversation_rate(company, now),
                               keyword_rates)

    @api.model
    def _crisis_conversation_rate(self, company, now):
        """The company's mean complaints per active conversation and window, over the baseline
        period before the current window; kept on the company for an hour (of post time)."""
        stamp = company.social_crisis_rate_at
        if stamp and dt.timedelta(0) <= now - stamp < dt.timedelta(hours=1):
            return company.social_crisis_conversation_rate
        window_from = crisis.window_start(now)
        minutes = crisis.WINDOW_MINUTES
        total, active = self.env.execute_query(
            SQL(
                """SELECT coalesce(sum(complaint_count), 0),
                          count(DISTINCT (key, date_trunc('hour', bucket_start)))
                     FROM social_crm_crisis_bucket
                    WHERE company_id = %s AND kind = 'conversation'
                      AND bucket_start >= %s AND bucket_start < %s""",
                company.id, window_from - dt.timedelta(days=crisis.BASELINE_DAYS),
                window_from,
            )
        )[0]
        rate = crisis.conversation_rate(float(total), active) * (minutes / 60)
        company.write({"social_crisis_conversation_rate": rate, "social_crisis_rate_at": now})
        return rate

    @api.model
    def _crisis_raise(self, company, verdicts, posts, now):
        """Open (or update) an incident per alert, attach the related tickets, tell the team."""
        open_incidents = self.sudo().search(
            [("company_id", "=", company.id), ("state", "!=", "resolved"),
             ("key", "in", [v.key for v in verdicts])]
        )
        by_key = {(i.kind, i.key): i for i in open_incidents}
        pattern = crisis.keyword_pattern((company.social_crisis_keywords or "").split(","))
        for verdict in verdicts:
            related = posts.filtered(
                lambda p, v=verdict: (
                    f"{p.network_id.code}:{p._social_conversation_key()}" == v.key
                    if v.kind == "pile_on"
                    else v.key in crisis.keywords_in(p.text or "", pattern)
                )
            )
            tickets = related.ticket_id
            if verdict.kind == "pile_on":
                # the conversation's ticket (its later posts go to its chatter)
                for ticket in related[:1]._social_existing_tickets().values():
                    tickets |= ticket
            tickets = tickets.filtered(
                lambda t: not t.social_incident_id or t.social_incident_id.state == "resolved"
            )
            values = {
                "observed_count": verdict.observed,
                "expected_count": verdict.expected,
                "p_value": verdict.p_value,
            }
            incident = by_key.get((verdict.kind, verdict.key))
            if incident:
                if verdict.observed > incident.observed_count:
                    incident.write(values)
            else:
                team = (
                    tickets.team_id[:1]
                    or company.social_helpdesk_team_id
                    or self.env["helpdesk.ticket.team"]._social_candidate_teams(company)[:1]
                )
                incident = self.sudo().create(
                    dict(
                        values,
                        name=self._crisis_name(verdict),
                        kind=verdict.kind,
                        key=verdict.key,
                        company_id=company.id,
                        team_id=team.id,
                        started_at=crisis.window_start(now),
                        detected_at=now,
                    )
                )
                by_key[(verdict.kind, verdict.key)] = incident
                incident._crisis_alert()
            if tickets:
                tickets.sudo().write({"social_incident_id": incident.id})

    @api.model
    def _crisis_name(self, verdict):
        if verdict.kind == "pile_on":
            return self.env._("Pile-on in conversation %(key)s", key=verdict.key)
        return self.env._("Spike of “%(keyword)s”", keyword=verdict.key)

    def _crisis_alert(self):
        """Tell the team leader: a message in the team's alert channel and an activity."""
        self.ensure_one()
        team = self.team_id
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (
            self.env._("Crisis watch: %(name)s", name=self.name),
            self.env._(
                "%(observed)s in the last hour where %(expected)s are usual. "
                "Answer from the incident: %(link)s",
                observed=self.observed_count,
                expected=f"{self.expected_count:.1f}",
                link=Markup("<a href='/odoo/action-social_crm_helpdesk.social_crm_incident_action"
                            "/%s'>%s</a>") % (self.id, self.name),
            ),
        )
        if team:
            team._social_post_alert(body)
        leader = team.user_id or team.user_ids[:1]
        if leader:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=leader.id,
                summary=self.env._("Crisis watch: %(name)s", name=self.name),
            )
        _logger.info("Social CRM crisis watch: %s (%s)", self.name, self.company_id.name)
