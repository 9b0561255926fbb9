# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Social Customer Score of contacts: batched reads, plain-Python maths, batched writes.

One scoring run per company reads everything it needs in four queries (population, identity
sums, post sums, mention/reply graph), scores all contacts with :mod:`..scoring`, then writes
the scores and the day's history rows in chunks of :data:`WRITE_BATCH` contacts (one
``UPDATE ... FROM unnest(...)`` and one ``INSERT ... ON CONFLICT`` per chunk).
"""

import datetime as dt
import json
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..scoring import PARTS, ContactInput, compute_scores
from .social_crm_score_history import TIERS

_logger = logging.getLogger(__name__)

USER = "social_crm.group_social_crm_user"
WRITE_BATCH = 10000
#: exponent cap of the mention decay in SQL (0.5 ** 1000 ~ 1e-301; beyond, float8 underflows)
MAX_HALF_LIVES = 1000
PARTNER_SCORE_FIELDS = [
    "social_score",
    "social_score_tier",
    "is_social_influencer",
    "social_score_company_id",
]
LEAD_SCORE_FIELDS = ["social_score", "social_score_tier", "is_social_influencer"]
HISTORY_COLUMNS = (
    # (column, SQL array type, getter of a ScoreResult)
    ("reach_points", "float8", lambda r: r.parts["reach"].normalised * 100),
    ("engagement_points", "float8", lambda r: r.parts["engagement"].normalised * 100),
    ("mentions_points", "float8", lambda r: r.parts["mentions"].normalised * 100),
    ("network_points", "float8", lambda r: r.parts["network"].normalised * 100),
    ("professional_points", "float8", lambda r: r.parts["professional"].normalised * 100),
    ("followers", "float8", lambda r: r.parts["reach"].inputs["followers"]),
    ("identity_count", "int4", lambda r: r.parts["reach"].inputs["identities"]),
    ("post_count", "int4", lambda r: r.parts["engagement"].inputs["posts"]),
    ("reaction_count", "float8", lambda r: r.parts["engagement"].inputs["reactions"]),
    ("mention_count", "int4", lambda r: r.parts["mentions"].inputs["mentions"]),
    ("mentions_decayed", "float8", lambda r: r.parts["mentions"].inputs["decayed"]),
    ("mentioned_by", "int4", lambda r: r.parts["network"].inputs["mentioned_by"]),
    ("network_lift", "float8", lambda r: r.parts["network"].inputs["lift"]),
    ("professional_followers", "float8", lambda r: r.parts["professional"].inputs["followers"]),
    (
        "professional_identity_count",
        "int4",
        lambda r: r.parts["professional"].inputs["identities"],
    ),
)


def _array(values, cast=str):
    """A PostgreSQL array literal ('{1,2.5,3}') of numbers or booleans, passed as one string
    parameter: PostgreSQL parses it far faster than the ``ARRAY[...]`` psycopg2 makes of a
    Python list (10,000-element arrays, twenty of them per chunk)."""
    return "{" + ",".join(map(cast, values)) + "}"


def _float_text(value):
    return repr(round(value, 2))


def _bool_text(value):
    return "t" if value else "f"


#: SQL array parameter of each column type, from the column's Python values
ARRAYS = {
    "float8": lambda values: SQL("%s::float8[]", _array(values, _float_text)),
    "int4": lambda values: SQL("%s::int4[]", _array(values, lambda value: str(int(value)))),
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_score = fields.Float(
        digits=(5, 1),
        readonly=True,
        copy=False,
        groups="base.group_user",
        aggregator="avg",
        help="Social Customer Score, 0-100: the share of the company's other scored contacts "
        "this contact is more influential than (reach, engagement, brand mentions, network "
        "position, professional weight).",
    )
    social_score_tier = fields.Selection(
        TIERS,
        string="Social Tier",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Tier reached by the Social Score; thresholds are set per company in the "
        "settings. Empty: the contact is not scored (no social identity, or excluded).",
    )
    is_social_influencer = fields.Boolean(
        string="Influencer",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Top influencer or multiplier by the Social Score.",
    )
    # from the latest history row (kept off res_partner so that a run only rewrites the
    # contacts whose score, tier or flag changed)
    social_score_rank = fields.Integer(
        string="Social Rank",
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="1 = the highest Social Score among the company's scored contacts.",
    )
    social_score_date = fields.Date(
        string="Social Score Computed On",
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_company_id = fields.Many2one(
        "res.company",
        string="Scored For",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The company among whose contacts the score was computed.",
    )
    social_score_excluded = fields.Boolean(
        string="Excluded from Social Scoring",
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="The contact objected to being profiled (GDPR Art. 21): no Social Score is "
        "computed and the score history is deleted.",
    )
    social_score_history_ids = fields.One2many(
        "social.crm.score.history",
        "partner_id",
        readonly=True,
        groups="base.group_user",
    )
    social_score_previous = fields.Float(
        string="Previous Social Score",
        digits=(5, 1),
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_previous_date = fields.Date(
        string="Previous Score Date",
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_delta = fields.Float(
        string="Change",
        digits=(5, 1),
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="Change since the previous day with a score.",
    )
    social_score_explanation = fields.Html(
        string="Why This Score",
        compute="_compute_social_score_explanation",
        sanitize=False,
        groups="base.group_user",
    )

    # --- display ---------------------------------------------------------------------------
    def _social_score_latest_history(self, count=2):
        """{partner id: [latest history rows, newest first]} (one query, access-checked)."""
        ids = [pid for pid in self.ids if pid]
        if not ids:
            return {}
        self.env["social.crm.score.history"].flush_model(["partner_id", "date"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM (
                       SELECT id, row_number() OVER (
                                  PARTITION BY partner_id ORDER BY date DESC, id DESC) AS n
                         FROM social_crm_score_history
                        WHERE partner_id = ANY(%s)) AS h
                    WHERE n <= %s""",
                ids,
                count,
            )
        )
        history = self.env["social.crm.score.history"].browse([row[0] for row in rows])
        result = defaultdict(list)
        for row in history._filtered_access("read").sorted(lambda h: (h.date, h.id), reverse=True):
            result[row.partner_id.id].append(row)
        return result

    @api.depends("social_score", "social_score_tier")
    def _compute_social_score_trend(self):
        latest = self._social_score_latest_history()
        for partner in self:
            rows = latest.get(partner.id, []) if partner.social_score_tier else []
            partner.social_score_rank = rows[0].rank if rows else 0
            partner.social_score_date = rows[0].date if rows else False
            previous = rows[1] if len(rows) > 1 else None
            if previous and partner.social_score_tier:
                partner.social_score_previous = previous.score
                partner.social_score_previous_date = previous.date
                partner.social_score_delta = partner.social_score - previous.score
            else:
                partner.social_score_previous = 0.0
                partner.social_score_previous_date = False
                partner.social_score_delta = 0.0

    @api.depends("social_score", "social_score_tier", "social_score_excluded")
    def _compute_social_score_explanation(self):
        latest = self._social_score_latest_history(count=1)
        for partner in self:
            rows = latest.get(partner.id)
            if partner.social_score_excluded:
                partner.social_score_explanation = Markup("<p>%s</p>") % self.env._(
                    "This contact objected to being profiled: no Social Score is computed."
                )
            elif not rows or not partner.social_score_tier:
                partner.social_score_explanation = Markup("<p>%s</p>") % self.env._(
                    "Not scored yet: Social Scores are computed for contacts with at least "
                    "one social identity, every night or with the Recompute button."
                )
            else:
                partner.social_score_explanation = partner._social_score_explain(rows[0])

    def _social_score_number(self, value, digits=0):
        return formatLang(self.env, value or 0, digits=digits)

    def _social_score_part_sentence(self, part, row):
        """The plain numbers of one part, as a translated sentence."""
        n = self._social_score_number
        settings = row.settings or {}
        if part == "reach":
            if not row.identity_count:
                return self.env._("No social identity")
            if row.identity_count == 1:
                return self.env._(
                    "%(followers)s followers on 1 identity", followers=n(row.followers)
                )
            return self.env._(
                "%(followers)s followers on %(count)s identities",
                followers=n(row.followers),
                count=row.identity_count,
            )
        if part == "engagement":
            days = n(settings.get("window_days", 0))
            if not row.post_count:
                return self.env._("No post in the last %(days)s days", days=days)
            return self.env._(
                "%(reactions)s reactions on %(posts)s post(s) in the last %(days)s days "
                "(%(per_post)s per post)",
                reactions=n(row.reaction_count),
                posts=n(row.post_count),
                days=days,
                per_post=n(row.reaction_count / row.post_count, 1),
            )
        if part == "mentions":
            if not row.mention_count:
                return self.env._("No post about the company")
            return self.env._(
                "%(count)s post(s) about the company, worth %(decayed)s after ageing "
                "(half-life %(days)s days)",
                count=n(row.mention_count),
                decayed=n(row.mentions_decayed, 1),
                days=n(settings.get("half_life_days", 0)),
            )
        if part == "network":
            if not row.mentioned_by:
                return self.env._("Not mentioned or replied to by other contacts")
            return self.env._(
                "Mentioned or replied to by %(count)s other contact(s); network rank "
                "%(lift)s× that of an unmentioned contact",
                count=n(row.mentioned_by),
                lift=n(row.network_lift + 1, 1),
            )
        if not row.professional_identity_count:
            return self.env._("No professional profile (LinkedIn, Xing)")
        return self.env._(
            "%(followers)s followers/connections on %(count)s professional profile(s)",
            followers=n(row.professional_followers),
            count=row.professional_identity_count,
        )

    def _social_score_explain(self, row):
        """HTML table: one line per part with its numbers, points, weight and contribution."""
        self.ensure_one()
        n = self._social_score_number
        labels = self.env["res.company"]._social_score_part_labels()
        weights = (row.settings or {}).get("weights", {})
        if row.score > 0:
            summary = self.env._(
                "More influential than %(score)s%% of the %(population)s other scored contacts "
                "of %(company)s (rank %(rank)s), computed on %(date)s.",
                score=n(row.score, 1),
                population=n(max(row.population - 1, 0)),
                company=row.company_id.name,
                rank=n(row.rank),
                date=fields.Date.to_string(row.date),
            )
        else:
            summary = self.env._(
                "No social activity or audience known (computed on %(date)s).",
                date=fields.Date.to_string(row.date),
            )
        lines = []
        for part in PARTS:
            points = row[f"{part}_points"]
            weight = weights.get(part, 0.0)
            lines.append(
                Markup(
                    "<tr><td class='fw-bold'>%s</td><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                )
                % (
                    labels[part],
                    self._social_score_part_sentence(part, row),
                    n(points, 0),
                    f"{n(weight * 100)} %",
                    n(points * weight, 1),
                )
            )
        return Markup(
            "<p>%s</p><table class='table table-sm o_social_score_parts'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            "<p class='text-muted small'>%s</p>"
        ) % (
            summary,
            self.env._("Part"),
            self.env._("Based on"),
            self.env._("Points (0-100)"),
            self.env._("Weight"),
            self.env._("Contribution"),
            Markup("").join(lines),
            self.env._(
                "Each part is compared on a logarithmic scale with the company's other "
                "contacts; the weighted sum is then ranked among them (percentile)."
            ),
        )

    # --- exclusion (objection to profiling) --------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        if vals.get("social_score_excluded"):
            self._social_score_clear(delete_history=True)
        return result

    def _social_score_clear(self, delete_history=False):
        """Forget the scores of these contacts (and their history on objection)."""
        if delete_history:
            self.env["social.crm.score.history"].sudo().search(
                [("partner_id", "in", self.ids)]
            ).unlink()
        scored = self.sudo().filtered("social_score_tier")
        if scored:
            scored.write(
                {
                    "social_score": 0.0,
                    "social_score_tier": False,
                    "is_social_influencer": False,
                    "social_score_company_id": False,
                }
            )

    # --- actions ---------------------------------------------------------------------------
    def action_social_score_recompute(self):
        """Recompute the score of these contacts now (among their company's contacts)."""
        if not self.env.user.has_group(USER):
            raise AccessError(self.env._("Only Social CRM users can recompute Social Scores."))
        self.check_access("read")
        excluded = self.filtered("social_score_excluded")
        if excluded and excluded == self:
            raise UserError(
                self.env._(
                    "%(name)s is excluded from social scoring (objection to profiling).",
                    name=excluded[0].display_name,
                )
            )
        (self - excluded).sudo()._social_score_recompute(only=self - excluded)
        return True

    def action_view_social_score_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm_scoring.social_crm_score_history_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_groupby_date": 0}
        action["display_name"] = self.env._("Social Score of %(name)s", name=self.name)
        return action

    # --- scoring run -----------------------------------------------------------------------
    @api.model
    def _cron_social_score(self):
        """Scheduled action: score every company's contacts, oldest run first.

        Progress is committed after each written chunk; when the cron's time is up, the
        remaining companies are left for the next (immediate) run.
        """
        companies = self.env["res.company"].search([("active", "=", True)])
        companies = companies.sorted(lambda c: (c.social_score_last_run or dt.datetime.min, c.id))
        population = self._social_score_population(companies)
        ir_cron = self.env["ir.cron"]
        ir_cron._commit_progress(remaining=sum(map(len, population.values())))
        for company in companies:
            time_left = self._social_score_run_company(
                company, population.get(company.id, []), commit_progress=ir_cron._commit_progress
            )
            if time_left is not None and time_left <= 0:
                break

    @api.model
    def _social_score_recompute(self, companies=None, only=None, now=None):
        """Score the contacts of ``companies`` (default: all), in this transaction.

        ``only``: partners whose score and history to write (the whole company is still
        read and scored: percentiles and PageRank need everybody). Returns
        ``{company id: number of contacts scored}``.
        """
        now = now or fields.Datetime.now()
        if only is not None:
            companies = self.env["res.company"].browse(
                sorted(self._social_score_population(None, only))
            )
            population = self._social_score_population(companies)
            scored = {pid for ids in population.values() for pid in ids}
            only.filtered(lambda partner: partner.id not in scored)._social_score_clear()
        else:
            companies = companies or self.env["res.company"].search([("active", "=", True)])
            population = self._social_score_population(companies)
        counts = {}
        for company in companies:
            partner_ids = population.get(company.id, [])
            self._social_score_run_company(company, partner_ids, now=now, only=only)
            counts[company.id] = len(partner_ids)
        return counts

    @api.model
    def _social_score_population(self, companies=None, partners=None):
        """{company id: sorted partner ids} of the contacts to score (one query).

        A contact is scored when it is active, not excluded and has a social identity in the
        company; a contact shared by all companies (no company) is scored for the first
        company it has identities in.
        """
        self.env.flush_all()
        conditions = [SQL("TRUE")]
        if partners is not None:
            conditions.append(SQL("p.id = ANY(%s)", partners.ids))
        having = SQL("TRUE")
        if companies is not None:
            having = SQL("COALESCE(p.company_id, MIN(i.company_id)) = ANY(%s)", companies.ids)
        rows = self.env.execute_query(
            SQL(
                """SELECT COALESCE(p.company_id, MIN(i.company_id)), p.id
                     FROM res_partner p
                     JOIN social_crm_identity i ON i.partner_id = p.id
                    WHERE p.active AND p.social_score_excluded IS NOT TRUE
                      AND (p.company_id IS NULL OR i.company_id = p.company_id)
                      AND %s
                 GROUP BY p.id
                   HAVING %s""",
                SQL(" AND ").join(conditions),
                having,
            )
        )
        population = defaultdict(list)
        for company_id, partner_id in rows:
            population[company_id].append(partner_id)
        for ids in population.values():
            ids.sort()
        return dict(population)

    @api.model
    def _social_score_read_inputs(self, company, partner_ids, settings, now):
        """ContactInput list and mention/reply edges of one company (three queries)."""
        start = now - dt.timedelta(days=settings.window_days)
        half_life_seconds = settings.half_life_days * 86400.0
        identities = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    """SELECT i.partner_id,
                              SUM(GREATEST(COALESCE(i.followers_count, 0), 0)), COUNT(*),
                              COALESCE(SUM(GREATEST(COALESCE(i.followers_count, 0), 0))
                                       FILTER (WHERE n.is_professional), 0),
                              COUNT(*) FILTER (WHERE n.is_professional)
                         FROM social_crm_identity i
                         JOIN social_crm_network n ON n.id = i.network_id
                        WHERE i.company_id = %s
                     GROUP BY i.partner_id""",
                    company.id,
                )
            )
        }
        posts = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    """SELECT partner_id,
                              COUNT(*) FILTER (WHERE posted_at >= %(start)s),
                              COALESCE(SUM(GREATEST(COALESCE(engagement_count, 0), 0))
                                       FILTER (WHERE posted_at >= %(start)s), 0),
                              COUNT(*) FILTER (WHERE state != 'ignored'),
                              COALESCE(SUM(POWER(0.5::float8, LEAST(GREATEST(
                                  EXTRACT(EPOCH FROM (%(now)s - posted_at)), 0) / %(half_life)s,
                                  %(cap)s))) FILTER (WHERE state != 'ignored'), 0)
                         FROM social_crm_post
                        WHERE company_id = %(company)s AND partner_id IS NOT NULL
                     GROUP BY partner_id""",
                    start=start,
                    now=now,
                    half_life=half_life_seconds,
                    cap=MAX_HALF_LIVES,
                    company=company.id,
                )
            )
        }
        contacts = []
        no_identity = (0, 0, 0, 0)
        no_post = (0, 0, 0, 0.0)
        for partner_id in partner_ids:
            followers, identity_count, pro_followers, pro_count = identities.get(
                partner_id, no_identity
            )
            post_count, reactions, mention_count, mentions = posts.get(partner_id, no_post)
            contacts.append(
                ContactInput(
                    partner_id,
                    followers=followers,
                    identities=identity_count,
                    posts=post_count,
                    reactions=reactions,
                    mentions=mentions,
                    mention_count=mention_count,
                    professional_followers=pro_followers,
                    professional_identities=pro_count,
                )
            )
        edges = self.env.execute_query(
            SQL(
                """WITH links AS (
                       SELECT p.id AS post_id, p.partner_id AS source, i.partner_id AS target,
                              p.posted_at
                         FROM social_crm_post p
                   CROSS JOIN LATERAL unnest(string_to_array(p.mentioned_external_ids, ' '))
                              AS m(external_id)
                         JOIN social_crm_identity i
                           ON i.company_id = p.company_id AND i.network_id = p.network_id
                          AND i.external_id = m.external_id
                        WHERE p.company_id = %(company)s AND p.partner_id IS NOT NULL
                          AND p.mentioned_external_ids IS NOT NULL
                    UNION
                       SELECT p.id, p.partner_id, q.partner_id, p.posted_at
                         FROM social_crm_post p
                         JOIN social_crm_post q
                           ON q.company_id = p.company_id AND q.network_id = p.network_id
                          AND q.external_id = p.in_reply_to_external_id
                        WHERE p.company_id = %(company)s AND p.partner_id IS NOT NULL
                          AND p.in_reply_to_external_id IS NOT NULL
                          AND q.partner_id IS NOT NULL
                   )
                   SELECT source, target,
                          SUM(POWER(0.5::float8, LEAST(GREATEST(
                              EXTRACT(EPOCH FROM (%(now)s - posted_at)), 0) / %(half_life)s,
                              %(cap)s)))
                     FROM links
                    WHERE source != target
                 GROUP BY source, target""",
                company=company.id,
                now=now,
                half_life=half_life_seconds,
                cap=MAX_HALF_LIVES,
            )
        )
        return contacts, edges

    @api.model
    def _social_score_run_company(
        self, company, partner_ids, now=None, only=None, commit_progress=None
    ):
        """Score one company's contacts and write the results; returns the time left of the
        cron (or None outside a cron)."""
        now = now or fields.Datetime.now()
        settings = company._social_score_settings(now)
        contacts, edges = self._social_score_read_inputs(company, partner_ids, settings, now)
        results = compute_scores(contacts, edges, settings)
        if only is not None:
            wanted = set(only.ids)
            results = [result for result in results if result.partner_id in wanted]
        settings_json = json.dumps(
            {
                "weights": settings.normalised_weights,
                "window_days": settings.window_days,
                "half_life_days": settings.half_life_days,
            }
        )
        time_left = None
        for start in range(0, len(results), WRITE_BATCH):
            chunk = results[start : start + WRITE_BATCH]
            self._social_score_write(company, chunk, len(contacts), now, settings_json)
            if commit_progress:
                time_left = commit_progress(len(chunk))
        if only is None:
            self._social_score_reset_others(company, partner_ids)
            company.sudo().social_score_last_run = now
            if commit_progress:
                time_left = commit_progress(0)
        _logger.info(
            "Social scores: %s contacts of %s scored, %s written",
            len(contacts),
            company.name,
            len(results),
        )
        return time_left

    @api.model
    def _social_score_write(self, company, results, population, now, settings_json):
        """Write one chunk of scores and history rows (two statements, plus the leads)."""
        if not results:
            return
        cr = self.env.cr
        ids = [result.partner_id for result in results]
        id_array = _array(ids)
        scores = _array(result.score for result in results)
        tiers = [result.tier for result in results]
        influencers = _array((result.is_influencer for result in results), _bool_text)
        ranks = _array(result.rank for result in results)
        self.flush_model()
        # only the contacts whose score, tier, flag or company changed are rewritten
        cr.execute(
            SQL(
                """UPDATE res_partner AS p
                      SET social_score = v.score, social_score_tier = v.tier,
                          is_social_influencer = v.influencer, social_score_company_id = %s
                     FROM unnest(%s::int[], %s::numeric[], %s::varchar[], %s::bool[])
                          AS v(id, score, tier, influencer)
                    WHERE p.id = v.id
                      AND (p.social_score IS DISTINCT FROM v.score
                           OR p.social_score_tier IS DISTINCT FROM v.tier
                           OR p.is_social_influencer IS DISTINCT FROM v.influencer
                           OR p.social_score_company_id IS DISTINCT FROM %s)""",
                company.id,
                id_array,
                scores,
                tiers,
                influencers,
                company.id,
            )
        )
        columns = [SQL.identifier(column) for column, _type, _getter in HISTORY_COLUMNS]
        arrays = []
        for _column, array_type, getter in HISTORY_COLUMNS:
            arrays.append(ARRAYS[array_type]([getter(result) for result in results]))
        names = [SQL.identifier(f"c{index}") for index in range(len(columns))]
        self.env["social.crm.score.history"].flush_model()
        cr.execute(
            SQL(
                """INSERT INTO social_crm_score_history
                          (partner_id, company_id, date, score, tier, is_influencer, rank,
                           population, settings, create_uid, create_date, write_uid,
                           write_date, %(columns)s)
                   SELECT v.id, %(company)s, %(date)s, v.score, v.tier, v.influencer, v.rank,
                          %(population)s, %(settings)s::jsonb, %(uid)s, %(now)s, %(uid)s,
                          %(now)s, %(values)s
                     FROM unnest(%(ids)s::int[], %(scores)s::numeric[], %(tiers)s::varchar[],
                                 %(influencers)s::bool[], %(ranks)s::int[], %(arrays)s)
                          AS v(id, score, tier, influencer, rank, %(names)s)
              ON CONFLICT (partner_id, date) DO UPDATE
                      SET company_id = EXCLUDED.company_id, score = EXCLUDED.score,
                          tier = EXCLUDED.tier, is_influencer = EXCLUDED.is_influencer,
                          rank = EXCLUDED.rank, population = EXCLUDED.population,
                          settings = EXCLUDED.settings, write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date, %(updates)s""",
                columns=SQL(", ").join(columns),
                company=company.id,
                date=now.date(),
                population=population,
                settings=settings_json,
                uid=self.env.uid,
                now=now,
                values=SQL(", ").join(SQL("v.%s", name) for name in names),
                ids=id_array,
                scores=scores,
                tiers=tiers,
                influencers=influencers,
                ranks=ranks,
                arrays=SQL(", ").join(arrays),
                names=SQL(", ").join(names),
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", column, column) for column in columns
                ),
            )
        )
        self._social_score_sync_leads(ids)
        self.invalidate_model(PARTNER_SCORE_FIELDS)
        self.env["social.crm.score.history"].invalidate_model()

    @api.model
    def _social_score_reset_others(self, company, partner_ids):
        """Forget the scores of the company's contacts that are no longer scored."""
        rows = self.env.execute_query(
            SQL(
                """UPDATE res_partner
                      SET social_score = 0, social_score_tier = NULL,
                          is_social_influencer = FALSE, social_score_company_id = NULL
                    WHERE social_score_company_id = %s AND NOT (id = ANY(%s::int[]))
                RETURNING id""",
                company.id,
                _array(partner_ids),
            )
        )
        if rows:
            self._social_score_sync_leads([row[0] for row in rows])
            self.invalidate_model(PARTNER_SCORE_FIELDS)

    @api.model
    def _social_score_sync_leads(self, partner_ids):
        """Copy the partners' tier, score and flag to their leads' stored related fields."""
        self.env["crm.lead"].flush_model(["partner_id", *LEAD_SCORE_FIELDS])
        self.env.cr.execute(
            SQL(
                """UPDATE crm_lead AS l
                      SET social_score = p.social_score, social_score_tier = p.social_score_tier,
                          is_social_influencer = p.is_social_influencer
                     FROM res_partner AS p
                    WHERE l.partner_id = p.id AND p.id = ANY(%s::int[])
                      AND (l.social_score IS DISTINCT FROM p.social_score
                           OR l.social_score_tier IS DISTINCT FROM p.social_score_tier
                           OR l.is_social_influencer IS DISTINCT FROM p.is_social_influencer)""",
                _array(partner_ids),
            )
        )
        if self.env.cr.rowcount:
            self.env["crm.lead"].invalidate_model(LEAD_SCORE_FIELDS)
