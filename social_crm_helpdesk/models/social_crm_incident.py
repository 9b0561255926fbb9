# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Incidents of the crisis watch: a pile-on in one conversation or a spike of a brand keyword,
found on ingestion (``detection.crisis``, Poisson tail test against the company's baseline),
announced in the team's alert channel with an activity for the team leader, grouping the related
tickets so that the team answers them from one place."""

import datetime as dt
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..detection import crisis
from .helpdesk_ticket import social_notify_by_lang

_logger = logging.getLogger(__name__)

#: posts older than this (a backfill, a replay of history) do not raise alerts
WATCH_HORIZON = dt.timedelta(days=2)
#: {(database, company id, hour): the company's complaints per active conversation and window}
_CONVERSATION_RATES = {}
#: {(database, company id, hour): ({keyword: posts}, minutes of history)}: the keywords' baseline
_KEYWORD_BASELINES = {}


def _crisis_cache_clear():
    """Forget the cached baselines (tests whose data is rolled back)."""
    _CONVERSATION_RATES.clear()
    _KEYWORD_BASELINES.clear()


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
        string="P-Value", readonly=True,
        help="Poisson tail: the chance of seeing as many or more on a usual day.",
    )
    p_value_label = fields.Char(string="Chance if Usual", compute="_compute_p_value_label")
    ticket_ids = fields.One2many("helpdesk.ticket", "social_incident_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _open_key_uniq = models.UniqueIndex(
        "(company_id, kind, key) WHERE state != 'resolved'",
    )

    @api.depends("p_value")
    def _compute_p_value_label(self):
        for incident in self:
            incident.p_value_label = f"{incident.p_value:.1e}"

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
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.crm.incident.reply.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Reply to All Tickets"),
            "context": {"default_incident_id": self.id},
        }

    # --- the watch -------------------------------------------------------------------------
    @api.model
    def _crisis_items(self, posts):
        """The watch's view of ``posts`` (stored social.crm.post records; the conversation key
        is ``_social_conversation_key``: the conversation, else the post itself)."""
        horizon = fields.Datetime.now() - WATCH_HORIZON
        codes = {network.id: network.code for network in posts.network_id}
        rows = posts.read(
            ["posted_at", "network_id", "conversation_external_id", "external_id",
             "in_reply_to_external_id", "complaint_label", "text"],
            load=None,
        )
        return [
            crisis.Item(
                posted_at=row["posted_at"],
                conversation=f"{codes.get(row['network_id'])}:"
                f"{row['conversation_external_id'] or row['external_id']}",
                is_reply=bool(row["in_reply_to_external_id"]),
                is_complaint=row["complaint_label"] == "complaint",
                text=row["text"] or "",
            )
            for row in rows
            if row["posted_at"] and row["posted_at"] >= horizon
        ]

    @api.model
    def _crisis_watch(self, posts):
        """Count the batch ``posts`` and raise the incidents the counts reveal: one upsert and
        two reads per company and batch (three when the hourly baseline is due)."""
        # sudo: the crisis watch counts every post of the batch, whoever ingested it
        posts = posts.sudo()
        for company in posts.company_id:
            company_posts = (
                posts if len(posts.company_id) == 1
                else posts.filtered(lambda p, c=company: p.company_id == c)
            )
            items = self._crisis_items(company_posts)
            if not items:
                continue
            pattern = crisis.keyword_pattern((company.social_crisis_keywords or "").split(","))
            counts = crisis.count(items, pattern)
            if not counts:
                continue
            self.env["social.crm.crisis.bucket"]._crisis_add(company, counts)
            first = min(item.posted_at for item in items)
            last = max(item.posted_at for item in items)
            keys = {(kind, key) for kind, key, _start in counts}
            found = self._crisis_assess(company, keys, first, last)
            if found:
                # the incident's name, alert and to-do in the company's language (the
                # watch runs in the polling job, as OdooBot)
                self.with_context(lang=company._social_lang())._crisis_raise(
                    company, found, company_posts
                )

    @api.model
    def _crisis_follow_join(self, posts, moved, company, network):
        """Posts left their conversations for others (``moved``: {old conversation key: new
        one} of ``network`` in ``company``: replies that arrived before their parent, old
        threads keyed by id): the counts of the old conversations are added to the new ones
        (``social.crm.crisis.bucket._crisis_move``), and the new conversations are watched
        over the span of ``posts`` (their merged counts may be a pile-on)."""
        code = network.code
        final = {}
        for old, new in moved.items():
            for _step in range(len(moved)):  # a key moved to one moved on: to the last
                if new not in moved or moved[new] == new:
                    break
                new = moved[new]
            final[old] = new
        keys = {f"{code}:{old}": f"{code}:{new}" for old, new in final.items() if old != new}
        if not keys:
            return
        self.env["social.crm.crisis.bucket"]._crisis_move(company, keys)
        self._crisis_move_incidents(company, keys)
        items = self._crisis_items(posts.sudo())  # sudo: as the watch of a batch
        if not items:
            return  # none of them in the watch's horizon: nothing new to alert on
        found = self._crisis_assess(
            company, {("conversation", key) for key in set(keys.values())},
            min(item.posted_at for item in items), max(item.posted_at for item in items))
        if found:
            self.with_context(lang=company._social_lang())._crisis_raise(
                company, found, posts.sudo())

    @api.model
    def _crisis_move_incidents(self, company, keys):
        """The open pile-ons of ``company`` in a conversation of ``keys`` {old key: new key}
        go over to the new one (its name too), unless the new one has its own open pile-on
        (then both stay: one query to read them, a write per incident moved)."""
        # sudo: incidents are the product's, whoever ingested the posts
        incidents = self.sudo().search([
            ("company_id", "=", company.id), ("kind", "=", "pile_on"),
            ("state", "!=", "resolved"), ("key", "in", sorted({*keys, *keys.values()})),
        ], order="id")
        taken = set(incidents.mapped("key")) & set(keys.values())
        for incident in incidents:
            new = keys.get(incident.key)
            if new and new not in taken:
                taken.add(new)
                verdict = crisis.Verdict("pile_on", new, 0, 0.0, 1.0, False)
                incident.write({"key": new, "name": self.with_context(
                    lang=company._social_lang())._crisis_name(verdict)})

    @api.model
    def _crisis_assess(self, company, keys, first, last):
        """[(verdict, alerted at)] of the windows of ``keys`` {(kind, key)} ending in the
        batch's span ``first`` .. ``last``."""
        window_from = crisis.window_start(first)
        # the windows the batch changed: those holding one of its buckets, up to the window
        # that starts with the bucket of its last post. Posts stored before may be newer than
        # the batch (a poll's older page after its newer one, a late delivery): the windows
        # ending at their buckets count the batch too
        until = crisis.bucket_start(last) + dt.timedelta(
            minutes=crisis.WINDOW_MINUTES - crisis.BUCKET_MINUTES
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT kind, key, bucket_start, post_count, complaint_count
                     FROM social_crm_crisis_bucket
                    WHERE company_id = %s AND (kind, key) IN (%s)
                      AND bucket_start >= %s AND bucket_start <= %s""",
                company.id,
                SQL(", ").join(SQL("(%s, %s)", kind, key) for kind, key in sorted(keys)),
                window_from,
                until,
            )
        )
        series = {}
        newest = last
        for kind, key, start, posts, complaints in rows:
            series.setdefault((kind, key), {})[start] = (posts, complaints)
            newest = max(newest, start)
        # no window of a key can hold more than all its buckets here: keys below the minimum
        # count cannot alert, and need no baseline (most batches stop here)
        series = {
            (kind, key): buckets
            for (kind, key), buckets in series.items()
            if (kind == "conversation"
                and sum(c for _p, c in buckets.values()) >= crisis.PILE_ON.min_count)
            or (kind == "keyword"
                and sum(p for p, _c in buckets.values()) >= crisis.SPIKE.min_count)
        }
        if not series:
            return []
        keys = set(series)
        keywords = sorted(key for kind, key in keys if kind == "keyword")
        keyword_rates = {}
        if keywords:
            totals, minutes = self._crisis_keyword_baseline(company, window_from)
            keyword_rates = {
                key: crisis.keyword_rate(totals.get(key, 0), minutes) for key in keywords
            }
        conv_rate = (
            self._crisis_conversation_rate(company, last)
            if any(kind == "conversation" for kind, _key in keys) else 0.0
        )
        return crisis.alerts(series, first, newest, conv_rate, keyword_rates)

    @api.model
    def _crisis_keyword_baseline(self, company, window_from):
        """({keyword: posts}, minutes of history) of the baseline period of every brand
        keyword; read once per hour and worker (a plain cache, no write). The period ends
        where the window of the hour's first bucket starts: never inside a current window."""
        hour = window_from.replace(minute=0, second=0, microsecond=0)
        cache_key = (self.env.cr.dbname, company.id, hour)
        if cache_key in _KEYWORD_BASELINES:
            return _KEYWORD_BASELINES[cache_key]
        end = crisis.window_start(hour)
        history = self.env.execute_query(
            SQL(
                """SELECT key, sum(post_count), min(bucket_start)
                     FROM social_crm_crisis_bucket
                    WHERE company_id = %s AND kind = 'keyword'
                      AND bucket_start >= %s AND bucket_start < %s
                    GROUP BY key""",
                company.id, end - dt.timedelta(days=crisis.BASELINE_DAYS), end,
            )
        )
        starts = [row[2] for row in history]
        minutes = (end - min(starts)).total_seconds() / 60 if starts else 0
        baseline = ({key: int(total) for key, total, _start in history}, minutes)
        if len(_KEYWORD_BASELINES) > 1000:
            _KEYWORD_BASELINES.clear()
        _KEYWORD_BASELINES[cache_key] = baseline
        return baseline

    @api.model
    def _crisis_conversation_rate(self, company, now):
        """The company's mean complaints per active conversation and window over the baseline
        period; computed once per hour of post time and worker (a plain cache, no write)."""
        hour = now.replace(minute=0, second=0, microsecond=0)
        cache_key = (self.env.cr.dbname, company.id, hour)
        if cache_key in _CONVERSATION_RATES:
            return _CONVERSATION_RATES[cache_key]
        # the baseline ends where the current window starts: a pile-on never raises its own
        # baseline
        end = crisis.window_start(now)
        total, active = self.env.execute_query(
            SQL(
                """SELECT coalesce(sum(complaint_count), 0),
                          count(DISTINCT (key, date_trunc('hour', bucket_start)))
                     FROM social_crm_crisis_bucket
                    WHERE company_id = %s AND kind = 'conversation'
                      AND bucket_start >= %s AND bucket_start < %s""",
                company.id, end - dt.timedelta(days=crisis.BASELINE_DAYS), end,
            )
        )[0]
        rate = crisis.conversation_rate(float(total), active) * crisis.WINDOW_MINUTES / 60
        if len(_CONVERSATION_RATES) > 1000:
            _CONVERSATION_RATES.clear()
        _CONVERSATION_RATES[cache_key] = rate
        return rate

    @api.model
    def _crisis_raise(self, company, found, posts):
        """Open (or update) an incident per alert, attach the related tickets, tell the team."""
        # sudo: incidents are opened by the product, whoever ingested the posts
        open_incidents = self.sudo().search(
            [("company_id", "=", company.id), ("state", "!=", "resolved"),
             ("key", "in", [verdict.key for verdict, _at in found])]
        )
        by_key = {(i.kind, i.key): i for i in open_incidents}
        pattern = crisis.keyword_pattern((company.social_crisis_keywords or "").split(","))
        for verdict, alerted_at in found:
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
                incident = self.sudo().create(  # sudo: see above
                    dict(
                        values,
                        name=self._crisis_name(verdict),
                        kind=verdict.kind,
                        key=verdict.key,
                        company_id=company.id,
                        team_id=team.id,
                        started_at=crisis.window_start(alerted_at),
                        detected_at=alerted_at,
                    )
                )
                by_key[(verdict.kind, verdict.key)] = incident
                incident._crisis_alert()
            if tickets:
                # sudo: the link is product-written on tickets of any agent
                tickets.sudo().write({"social_incident_id": incident.id})

    @api.model
    def _crisis_name(self, verdict):
        if verdict.kind == "pile_on":
            return self.env._("Pile-on in conversation %(key)s", key=verdict.key)
        return self.env._("Spike of “%(keyword)s”", keyword=verdict.key)

    def _crisis_label(self):
        """The incident's name in the environment's language when the product named it (in
        the company's language, see :meth:`_crisis_name`), else the name the team gave it."""
        self.ensure_one()
        verdict = crisis.Verdict(self.kind, self.key, 0, 0.0, 1.0, False)
        named = self.with_context(lang=self.company_id._social_lang())._crisis_name(verdict)
        return self._crisis_name(verdict) if self.name == named else self.name

    def _crisis_texts(self):
        """(title, message) of the alert, in the environment's language."""
        words = self.env
        return (
            words._("Crisis watch: %(name)s", name=self._crisis_label()),
            words._(
                "%(observed)s in the last hour where %(expected)s are usual. "
                "Answer from the incident.",
                observed=self.observed_count,
                expected=formatLang(self.env, self.expected_count, digits=1),
            ),
        )

    def _crisis_alert(self):
        """Tell the team leader: a message in the team's alert channel (in the language most
        of its members read, see ``helpdesk.ticket.team._social_alert_lang``), a web client
        notification and an activity, both in the leader's language. The watch runs in the
        polling job: the job's (the company's) language is nobody's in particular."""
        self.ensure_one()
        team = self.team_id
        if team:
            incident = self.with_context(lang=team._social_alert_lang(self.company_id))
            words = incident.env
            body = Markup("<p><b>%s</b></p><p>%s</p>") % (
                words._("Crisis watch: %(name)s", name=incident._crisis_label()),
                words._(
                    "%(observed)s in the last hour where %(expected)s are usual. "
                    "Answer from the incident: %(link)s",
                    observed=self.observed_count,
                    expected=formatLang(words, self.expected_count, digits=1),
                    link=Markup(
                        "<a href='/odoo/action-social_crm_helpdesk.social_crm_incident_action"
                        "/%s'>%s</a>") % (self.id, incident._crisis_label()),
                ),
            )
            team._social_post_alert(body)
        leader = team.user_id or team.user_ids[:1]
        if leader:
            social_notify_by_lang(self, leader, lambda incident: incident._crisis_texts())
            # sudo: the leader's language, whoever runs the watch
            incident = self.with_context(
                lang=leader.sudo().lang or self.company_id._social_lang())
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                # the leader's day (see res.lang._social_today), not the ingesting job's
                date_deadline=self.env["res.lang"]._social_today(leader, self.company_id),
                user_id=leader.id,
                summary=incident.env._("Crisis watch: %(name)s", name=incident._crisis_label()),
            )
        _logger.info("Social CRM crisis watch: %s (%s)", self.name, self.company_id.name)
