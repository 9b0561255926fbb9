# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Social Customer Score of contacts: batched reads, columnar maths, batched writes.

One scoring run per company reads everything it needs in a few queries (the contacts to
score with their identity sums, their post sums, the mention/reply edges kept in
``social.crm.mention``, the current scores; the large ones streamed by binary COPY into
arrays, no JIT, enough work_mem), scores all contacts with
:func:`..scoring.compute_score_table` (columns, no object per contact), then writes the
history rows of the contacts whose score, tier or flag changed (see
``social.crm.score.history._write_scores``). The contacts themselves are never written:
their score, tier and flag are read from their current history row, through its record
rules (and searched, sorted and grouped through a join on it); so are the leads' (see
``crm.lead``).
"""

import contextlib
import datetime as dt
import json
import logging
import math
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..scoring import PARTS, compute_score_table, known_network
from .social_crm_score_history import TIERS, _array, _copy_columns

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: Social Scores cannot be computed.")

USER = "social_crm.group_social_crm_user"
#: exponent cap of the mention decay in SQL (0.5 ** 1000 ~ 1e-301; beyond, float8 underflows)
MAX_HALF_LIVES = 1000
#: contact fields read from the current history row: {field: history column}
CURRENT_FIELDS = {
    "social_score": "score",
    "social_score_tier": "tier",
    "is_social_influencer": "is_influencer",
    "social_score_company_id": "company_id",
}
PARTNER_SCORE_FIELDS = list(CURRENT_FIELDS)
#: contact fields computed from the history rows (invalidated after the SQL writes)
PARTNER_HISTORY_FIELDS = [
    *PARTNER_SCORE_FIELDS,
    "social_score_rank",
    "social_score_date",
    "social_score_previous",
    "social_score_previous_date",
    "social_score_delta",
    "social_score_explanation",
]
#: those that can be sorted and grouped by (through a join on the current row)
SQL_FIELDS = ("social_score", "social_score_tier", "is_social_influencer")
def _settings_json(settings):
    """The settings a history row was computed with (JSON text): weights, window, half-life
    and the tiers' thresholds ``{code: [min score, min followers]}``."""
    return json.dumps(
        {
            "weights": settings.normalised_weights,
            "window_days": settings.window_days,
            "half_life_days": settings.half_life_days,
            "tiers": {tier.code: [tier.min_score, tier.min_followers] for tier in settings.tiers},
        }
    )


def _decay_sql(now, rate):
    """SQL of a post's weight ``0.5 ** (age / half-life)`` as ``exp(-age * rate)`` on
    float8 (``date_part``; ``EXTRACT`` would compute in numeric, several times slower); a
    post dated in the future weighs 1, the exponent stops at :data:`MAX_HALF_LIVES`."""
    return SQL(
        "exp(GREATEST(LEAST(date_part('epoch', posted_at - %s), 0) * %s, %s))",
        now,
        rate,
        -MAX_HALF_LIVES * math.log(2),
    )


#: planner settings of the scoring reads: JIT compilation costs more than it saves on
#: these one-pass aggregates, and the hash tables of 100,000s of contacts should not spill
#: (work_mem is only ever raised: a server configured with more keeps its value)
FAST_READ_JIT = "off"
FAST_READ_WORK_MEM = "64MB"


@contextlib.contextmanager
def _fast_reads(cr):
    """Run the block with :data:`FAST_READ_JIT` and at least :data:`FAST_READ_WORK_MEM`
    (transaction-local), then restore the previous values."""
    cr.execute(SQL("SELECT current_setting('jit'), current_setting('work_mem')"))
    jit, work_mem = cr.fetchone()
    cr.execute(
        SQL(
            """SELECT set_config('jit', %s, true),
                      set_config('work_mem',
                                 CASE WHEN pg_size_bytes(current_setting('work_mem'))
                                           < pg_size_bytes(%s)
                                      THEN %s ELSE current_setting('work_mem') END, true)""",
            FAST_READ_JIT,
            FAST_READ_WORK_MEM,
            FAST_READ_WORK_MEM,
        )
    )
    # an error aborts the transaction (or savepoint), which undoes the settings too
    yield
    cr.execute(
        SQL(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)",
            jit,
            work_mem,
        )
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # read from the contact's current history row (see social.crm.score.history): a scoring
    # run writes history rows only, never the contacts; searched, sorted and grouped through
    # a join on that row (see _field_to_sql)
    social_score = fields.Float(
        digits=(5, 0),
        compute="_compute_social_score",
        search="_search_social_score",
        groups="base.group_user",
        aggregator="avg",
        help="Social Customer Score, 0-100: the share of the company's other scored contacts "
        "this contact is more influential than (reach, engagement, brand mentions, network "
        "position, professional weight).",
    )
    social_score_tier = fields.Selection(
        TIERS,
        string="Social Tier",
        compute="_compute_social_score",
        search="_search_social_score_tier",
        groups="base.group_user",
        help="Tier reached by the Social Score; thresholds are set per company in the "
        "settings. Empty: the contact is not scored (no social identity, or excluded).",
    )
    is_social_influencer = fields.Boolean(
        string="Influencer",
        compute="_compute_social_score",
        search="_search_is_social_influencer",
        groups="base.group_user",
        help="Top influencer or multiplier by the Social Score.",
    )
    # from the latest history rows
    social_score_rank = fields.Integer(
        string="Social Rank",
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="1 = the highest Social Score among the company's scored contacts.",
    )
    social_score_date = fields.Date(
        string="Social Score Since",
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_company_id = fields.Many2one(
        "res.company",
        string="Scored For",
        compute="_compute_social_score",
        search="_search_social_score_company_id",
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
        digits=(5, 0),
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
        digits=(5, 0),
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="Change since the previous score (the history keeps a row per change).",
    )
    social_score_explanation = fields.Html(
        string="Why This Score",
        compute="_compute_social_score_explanation",
        sanitize=False,
        groups="base.group_user",
    )

    # --- the current score ------------------------------------------------------------------
    @api.model
    def _social_score_current_fields(self):
        return PARTNER_HISTORY_FIELDS

    @api.model
    def _social_score_current_query(self, domain=None):
        """Query of the current history rows the user may read: those the record rules of
        ``social.crm.score.history`` let through (a shared contact scored for another
        company has no score for this user), without the model's access rights (every
        internal user sees the score, tier and flag; see the README)."""
        History = self.env["social.crm.score.history"]
        condition = Domain("is_current", "=", True) & Domain(domain or Domain.TRUE)
        if not self.env.su:
            condition &= self.env["ir.rule"]._compute_domain(History._name, "read")
        return History.sudo()._search(condition)

    @api.model
    def _social_score_current_rows(self, partner_ids):
        """{partner id: (score, tier, influencer flag, company id)} of the current rows of
        these contacts that the user may read (one query)."""
        if not partner_ids:
            return {}
        self.env["social.crm.score.history"].flush_model(
            ["partner_id", "is_current", *CURRENT_FIELDS.values()]
        )
        query = self._social_score_current_query(Domain("partner_id", "in", list(partner_ids)))
        columns = ("partner_id", *CURRENT_FIELDS.values())
        return {
            row[0]: row[1:]
            for row in self.env.execute_query(
                query.select(*(SQL.identifier(query.table, column) for column in columns))
            )
        }

    @api.model
    def _social_score_current_sql(self, alias, partner_column, column, query=None):
        """SQL of ``column`` of the current history row of the contact
        ``alias.partner_column`` (NULL if none the user may read): joined once per query
        when ``query`` is given, else a subquery. The rows are those of
        :meth:`_social_score_current_query`, a subquery PostgreSQL flattens into the join."""
        current_query = self._social_score_current_query()
        rows = SQL(
            "(%s)",
            current_query.select(
                SQL(", ").join(
                    SQL.identifier(current_query.table, name)
                    for name in ("partner_id", *CURRENT_FIELDS.values())
                )
            ),
        )
        partner = SQL.identifier(alias, partner_column)
        if query is None:
            return SQL(
                "(SELECT h.%s FROM %s AS h WHERE h.partner_id = %s)",
                SQL.identifier(column),
                rows,
                partner,
            )
        current = query.make_alias(alias, "social_score_current")
        query.add_join(
            "LEFT JOIN",
            current,
            rows,
            SQL("%s = %s", SQL.identifier(current, "partner_id"), partner),
        )
        return SQL.identifier(current, column)

    @api.model
    def _social_score_search_sql(self, column, operator, value):
        """(empty, SQL) for searching the current rows' ``column operator value``: the
        subquery of the contacts whose readable current row meets it, or (``empty`` True)
        of those whose row fails it when the empty value meets it (contacts without a row
        have no score, tier or flag: they meet what the empty value meets)."""
        condition = Domain(column, operator, value)
        empty = bool(self.env["social.crm.score.history"].new({}).filtered_domain(condition))
        query = self._social_score_current_query(~condition if empty else condition)
        return empty, query.select(SQL.identifier(query.table, "partner_id"))

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_social_score(self):
        # a contact being edited (onchange) is a new record whose origin holds the score
        rows = self._social_score_current_rows(
            [partner._origin.id for partner in self if partner._origin.id]
        )
        companies = self.env["res.company"].sudo()
        for partner in self:
            score, tier, flag, company = rows.get(partner._origin.id, (0.0, False, False, False))
            partner.social_score = score or 0.0
            partner.social_score_tier = tier or False
            partner.is_social_influencer = bool(flag)
            partner.social_score_company_id = companies.browse(company or [])

    def _social_score_search(self, fname, operator, value):
        """Domain of the contacts whose current score row meets ``fname operator value``."""
        empty, rows = self._social_score_search_sql(CURRENT_FIELDS[fname], operator, value)
        return Domain("id", "not in" if empty else "in", rows)

    def _search_social_score(self, operator, value):
        return self._social_score_search("social_score", operator, value)

    def _search_social_score_tier(self, operator, value):
        return self._social_score_search("social_score_tier", operator, value)

    def _search_is_social_influencer(self, operator, value):
        return self._social_score_search("is_social_influencer", operator, value)

    def _search_social_score_company_id(self, operator, value):
        return self._social_score_search("social_score_company_id", operator, value)

    def _field_to_sql(self, alias, field_expr, query=None):
        """Score, tier and flag are the columns of the current history row, joined once per
        query: contacts can be sorted and grouped by them."""
        if field_expr not in SQL_FIELDS:
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], "read")
        sql = self._social_score_current_sql(alias, "id", CURRENT_FIELDS[field_expr], query)
        # unscored contacts count 0, as everywhere else (not NULL: first in DESC order)
        return SQL("COALESCE(%s, 0)", sql) if field_expr == "social_score" else sql

    # --- display ---------------------------------------------------------------------------
    def _social_score_latest_history(self, count=2):
        """{partner id: [latest history rows, newest first]} (one query, access-checked)."""
        # a contact being edited (onchange) is a new record whose origin holds the rows
        ids = [partner._origin.id for partner in self if partner._origin.id]
        if not ids:
            return {}
        self.env["social.crm.score.history"].flush_model(["partner_id", "date", "is_current"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM (
                       SELECT id, row_number() OVER (
                                  PARTITION BY partner_id
                                  ORDER BY is_current IS TRUE DESC, date DESC, id DESC) AS n
                         FROM social_crm_score_history
                        WHERE partner_id = ANY(%s)) AS h
                    WHERE n <= %s""",
                ids,
                count,
            )
        )
        history = self.env["social.crm.score.history"].browse([row[0] for row in rows])
        result = defaultdict(list)
        rows = history._filtered_access("read")
        for row in rows.sorted(lambda h: (h.is_current, h.date, h.id), reverse=True):
            result[row.partner_id.id].append(row)
        return result

    @api.depends("social_score", "social_score_tier")
    def _compute_social_score_trend(self):
        latest = self._social_score_latest_history()
        for partner in self:
            rows = latest.get(partner._origin.id, []) if partner.social_score_tier else []
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
            rows = latest.get(partner._origin.id)
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
        """HTML (the QWeb template ``social_score_explanation``): notes, a summary, and a
        table with one line per part: its numbers, points, weight and contribution."""
        self.ensure_one()
        n = self._social_score_number
        labels = self.env["res.company"]._social_score_part_labels()
        if row.score > 0:
            summary = self.env._(
                "More influential than %(score)s%% of the %(population)s other scored contacts "
                "of %(company)s (rank %(rank)s), since %(date)s.",
                score=n(row.score),
                population=n(max(row.population - 1, 0)),
                company=row.company_id.name,
                rank=n(row.rank),
                date=fields.Date.to_string(row.date),
            )
        else:
            summary = self.env._(
                "No social activity or audience known (since %(date)s).",
                date=fields.Date.to_string(row.date),
            )
        weights = (row.settings or {}).get("weights", {})
        lines = [
            {
                "label": labels[part],
                "sentence": self._social_score_part_sentence(part, row),
                "points": n(row[f"{part}_points"], 0),
                "weight": f"{n(weights.get(part, 0.0) * 100)} %",
                "contribution": n(row[f"{part}_points"] * weights.get(part, 0.0), 1),
            }
            for part in PARTS
        ]
        return self.env["ir.qweb"]._render(
            "social_crm_scoring.social_score_explanation",
            {
                "notes": self._social_score_explain_notes(row),
                "summary": summary,
                "lines": lines,
            },
        )

    def _social_score_explain_notes(self, row):
        """[(css class, sentence)] said before the parts: a provisional score (and what the
        network sent), a tier reached by a follower floor rather than by the score."""
        self.ensure_one()
        n = self._social_score_number
        notes = []
        if row.is_provisional:
            identities = self.sudo().social_identity_ids.filtered(
                lambda identity: identity.company_id == row.company_id
            )
            signals = []
            listed = sum(identities.mapped("listed_count"))
            if listed:
                signals.append(self.env._("listed %(count)s times", count=n(listed)))
            if any(identities.mapped("verified")):
                signals.append(self.env._("verified account"))
            sentence = self.env._(
                "Provisional score, computed when the first post arrived from what the network "
                "sent with it, against the other contacts' last computed scores; the next "
                "computation replaces it."
            )
            if signals:
                sentence += " " + self.env._(
                    "The network also says: %(signals)s.", signals=", ".join(signals)
                )
            notes.append(("alert alert-info py-1 o_social_score_provisional", sentence))
        tiers = (row.settings or {}).get("tiers") or {}
        min_score, min_followers = (tiers.get(row.tier) or [0, 0])[:2]
        if min_followers and row.score < min_score and row.followers >= min_followers:
            labels = dict(self._fields["social_score_tier"]._description_selection(self.env))
            notes.append(
                (
                    "fw-bold o_social_score_floor",
                    self.env._(
                        "%(tier)s by followers: %(followers)s followers reach the floor of "
                        "%(floor)s set in the Social CRM settings, whatever the score.",
                        tier=labels.get(row.tier, row.tier),
                        followers=n(row.followers),
                        floor=n(min_followers),
                    ),
                )
            )
        return notes

    # --- exclusion (objection to profiling) --------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        if vals.get("social_score_excluded"):
            self._social_score_clear(delete_history=True)
        return result

    def _social_score_clear(self, delete_history=False):
        """Forget the scores of these contacts (and their history on objection): their
        current row, if any, is no longer current (or deleted with the rest)."""
        history = self.env["social.crm.score.history"].sudo()
        if delete_history:
            history.search([("partner_id", "in", self.ids)]).unlink()
            return
        history.flush_model(["partner_id", "is_current"])
        rows = self.env.execute_query(
            SQL(
                """UPDATE social_crm_score_history SET is_current = FALSE
                    WHERE is_current AND partner_id = ANY(%s)
                RETURNING partner_id""",
                self.ids,
            )
        )
        if rows:
            history.invalidate_model(["is_current"])
            self._social_score_invalidate()
            self._social_score_changed([row[0] for row in rows])

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
        # a day without a score is left out, never drawn as 0 (the graph's default fill)
        action["context"] = {"search_default_groupby_date": 0, "fill_temporal": False}
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
            _scored, time_left = self._social_score_run_company(
                company, commit_progress=ir_cron._commit_progress
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
        counts = {}
        for company in companies:
            counts[company.id], _time_left = self._social_score_run_company(
                company, now=now, only=only
            )
        return counts

    @api.model
    def _social_score_eligible_sql(self, company):
        """SQL condition on ``p`` (res_partner): the contact is scored for ``company`` (an
        id or an SQL expression), given it has a social identity there. It is when it is
        active and not excluded, and belongs to that company, or to none and has no identity
        in a company of lower id (a shared contact is scored for its first company). Never
        NULL, so that ``NOT`` of it is safe."""
        return SQL(
            """(p.active IS TRUE AND p.social_score_excluded IS NOT TRUE
                AND CASE WHEN p.company_id IS NULL
                         THEN NOT EXISTS (SELECT 1 FROM social_crm_identity AS o
                                           WHERE o.partner_id = p.id
                                             AND o.company_id < %(company)s)
                         ELSE p.company_id = %(company)s END)""",
            company=company,
        )

    @api.model
    def _social_score_population(self, companies=None, partners=None):
        """{company id: sorted partner ids} of the contacts to score (one query; see
        :meth:`_social_score_eligible_sql`)."""
        self.env.flush_all()
        conditions = [SQL("TRUE")]
        if partners is not None:
            conditions.append(SQL("p.id = ANY(%s)", partners.ids))
        if companies is not None:
            conditions.append(SQL("i.company_id = ANY(%s)", companies.ids))
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT i.company_id, p.id
                     FROM res_partner p
                     JOIN social_crm_identity i ON i.partner_id = p.id
                    WHERE %s AND %s""",
                SQL(" AND ").join(conditions),
                self._social_score_eligible_sql(SQL("i.company_id")),
            )
        )
        population = defaultdict(list)
        for company_id, partner_id in rows:
            population[company_id].append(partner_id)
        for ids in population.values():
            ids.sort()
        return dict(population)

    @api.model
    def _social_score_read_inputs(self, company, settings, now, partner_ids=None):
        """The contacts of ``company`` to score (sorted ids), their numbers as
        ``{ContactInput field: float array aligned with the ids}`` and the mention/reply
        edges as an array of ``(source, target, weight)`` rows: three queries, run with
        :func:`_fast_reads`, streamed as binary COPY into arrays.

        A contact is scored when it has a social identity in the company and
        :meth:`_social_score_eligible_sql` holds. The edges are the rows of
        ``social.crm.mention`` (one per post and mentioned account, kept at ingestion);
        replies count through the replied-to account, which the connectors add to a post's
        mentioned accounts (X ``in_reply_to_user_id``, Mastodon mentions, Bluesky parent
        DID, Facebook parent comment's author).

        ``partner_ids``: only these contacts' numbers, and no edges (a provisional score).
        """
        self.env.flush_all()
        cr = self.env.cr
        only = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("partner_id = ANY(%s::int[])", _array(partner_ids))
        )
        start = now - dt.timedelta(days=settings.window_days)
        rate = math.log(2) / (settings.half_life_days * 86400.0)
        decay = _decay_sql(now, rate)
        professional = (
            self.env["social.crm.network"]
            .with_context(active_test=False)
            .search([("is_professional", "=", True)])
            .ids
        )
        with _fast_reads(cr):
            # the contacts scored here, with their identity sums
            identity_columns = _copy_columns(
                cr,
                SQL(
                    """SELECT a.*
                         FROM (SELECT i.partner_id,
                                      SUM(GREATEST(COALESCE(i.followers_count, 0), 0))::float8,
                                      COUNT(*)::float8,
                                      COALESCE(SUM(GREATEST(COALESCE(i.followers_count, 0), 0))
                                               FILTER (WHERE i.network_id
                                                             = ANY(%(professional)s)),
                                               0)::float8,
                                      (COUNT(*) FILTER (WHERE i.network_id
                                                              = ANY(%(professional)s)))::float8
                                 FROM social_crm_identity i
                                WHERE i.company_id = %(company)s AND i.partner_id IS NOT NULL
                                  AND %(only)s
                             GROUP BY i.partner_id) AS a
                         JOIN res_partner AS p ON p.id = a.partner_id
                        WHERE %(eligible)s
                     ORDER BY a.partner_id""",
                    company=company.id,
                    professional=professional,
                    eligible=self._social_score_eligible_sql(company.id),
                    only=only,
                ),
                ("int4", "float8", "float8", "float8", "float8"),
            )
            post_columns = _copy_columns(
                cr,
                SQL(
                    """SELECT partner_id,
                              (COUNT(*) FILTER (WHERE posted_at >= %(start)s))::float8,
                              COALESCE(SUM(GREATEST(COALESCE(engagement_count, 0), 0))
                                       FILTER (WHERE posted_at >= %(start)s), 0)::float8,
                              (COUNT(*) FILTER (WHERE state != 'ignored'))::float8,
                              COALESCE(SUM(%(decay)s) FILTER (WHERE state != 'ignored'), 0)
                         FROM social_crm_post
                        WHERE company_id = %(company)s AND partner_id IS NOT NULL AND %(only)s
                     GROUP BY partner_id""",
                    start=start,
                    decay=decay,
                    company=company.id,
                    only=only,
                ),
                ("int4", "float8", "float8", "float8", "float8"),
            )
            edge_columns = (
                _copy_columns(
                    cr,
                    SQL(
                        """SELECT source_partner_id, target_partner_id, %(decay)s
                             FROM social_crm_mention
                            WHERE company_id = %(company)s AND source_partner_id IS NOT NULL
                              AND target_partner_id IS NOT NULL
                              AND source_partner_id != target_partner_id""",
                        decay=decay,
                        company=company.id,
                    ),
                    ("int4", "int4", "float8"),
                )
                if partner_ids is None
                else [numpy.zeros(0), numpy.zeros(0), numpy.zeros(0)]
            )
        ids = identity_columns[0]
        names = ("followers", "identities", "professional_followers", "professional_identities")
        columns = dict(zip(names, identity_columns[1:], strict=True))
        # post sums of the scored contacts, aligned with the ids (both sorted: a search)
        post_ids = post_columns[0]
        found = numpy.searchsorted(ids, post_ids).clip(0, max(len(ids) - 1, 0))
        known = (ids[found] == post_ids) if len(ids) else numpy.zeros(len(post_ids), bool)
        for name, values in zip(
            ("posts", "reactions", "mention_count", "mentions"), post_columns[1:], strict=True
        ):
            column = numpy.zeros(len(ids))
            column[found[known]] = values[known]
            columns[name] = column
        edges = numpy.column_stack(
            [column.astype(float) for column in edge_columns]
        ).reshape(-1, 3)
        return ids.tolist(), columns, edges

    @api.model
    def _social_score_run_company(self, company, now=None, only=None, commit_progress=None):
        """Score one company's contacts and write the results; returns (contacts scored,
        time left of the cron or None outside a cron)."""
        now = now or fields.Datetime.now()
        settings = company._social_score_settings(now)
        partner_ids, columns, edges = self._social_score_read_inputs(company, settings, now)
        table = compute_score_table(partner_ids, columns, edges, settings, arrays=True)
        settings_json = _settings_json(settings)
        History = self.env["social.crm.score.history"]
        previous = History._current_scores(company) if only is None else None
        written, time_left = History._write_scores(
            company,
            table,
            now,
            settings_json,
            only=only,
            previous=previous,
            commit_progress=commit_progress,
        )
        if only is None:
            previous_ids = previous[0]
            History._reset_current(
                company,
                previous_ids[~numpy.isin(previous_ids, numpy.array(partner_ids, int))].tolist(),
            )
            company.sudo().social_score_last_run = now
            if commit_progress:
                time_left = commit_progress(0)
        _logger.info(
            "Social scores: %s contacts of %s scored, %s written",
            len(table),
            company.name,
            written,
        )
        return len(partner_ids), time_left

    # --- provisional score on arrival ---------------------------------------------------------
    @api.model
    def _social_score_provisional(self, posts):
        """Score the unscored authors of these new posts now, in this transaction (one
        query to find them, then three per company and batch, whatever its size).

        Their numbers are what the network sent with the posts (followers of the identity,
        the posts' reactions, the posts as brand mentions); the company's other contacts
        count with the numbers of their current rows (the last run), so the score, tier and
        explanation are those the nightly run would give, up to the others' changes since.
        The rows are flagged provisional; the next run replaces them. Returns the contacts
        scored."""
        if not posts:
            return self.browse()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT post.company_id, p.id
                     FROM social_crm_post AS post
                     JOIN res_partner AS p ON p.id = post.partner_id
                    WHERE post.id = ANY(%s::int[])
                      AND NOT EXISTS (SELECT 1 FROM social_crm_score_history AS h
                                       WHERE h.partner_id = p.id AND h.is_current)
                      AND EXISTS (SELECT 1 FROM social_crm_identity AS i
                                   WHERE i.partner_id = p.id AND i.company_id = post.company_id)
                      AND %s""",
                _array(posts.ids),
                self._social_score_eligible_sql(SQL("post.company_id")),
            )
        )
        by_company = defaultdict(list)
        for company_id, partner_id in rows:
            by_company[company_id].append(partner_id)
        now = fields.Datetime.now()
        scored = []
        for company_id, partner_ids in sorted(by_company.items()):
            company = self.env["res.company"].sudo().browse(company_id)
            scored += self._social_score_provisional_company(company, sorted(partner_ids), now)
        return self.browse(scored)

    def _social_score_provisional_ids(self):
        """Ids of these contacts whose current score is provisional (one query)."""
        if not self.ids:
            return set()
        self.env["social.crm.score.history"].flush_model(
            ["partner_id", "is_current", "is_provisional"]
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT partner_id FROM social_crm_score_history
                    WHERE is_current AND is_provisional AND partner_id = ANY(%s)""",
                self.ids,
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _social_score_provisional_company(self, company, partner_ids, now):
        settings = company._social_score_settings(now)
        new_ids, new_columns, _edges = self._social_score_read_inputs(
            company, settings, now, partner_ids=partner_ids
        )
        if not new_ids:
            return []
        # the population: the numbers of the company's current rows
        self.env["social.crm.score.history"].flush_model()
        known = _copy_columns(
            self.env.cr,
            SQL(
                """SELECT partner_id,
                          COALESCE(followers, 0)::float8, COALESCE(identity_count, 0)::float8,
                          COALESCE(professional_followers, 0)::float8,
                          COALESCE(professional_identity_count, 0)::float8,
                          COALESCE(post_count, 0)::float8, COALESCE(reaction_count, 0)::float8,
                          COALESCE(mention_count, 0)::float8,
                          COALESCE(mentions_decayed, 0)::float8,
                          COALESCE(network_lift, 0)::float8, COALESCE(mentioned_by, 0)::int4
                     FROM social_crm_score_history
                    WHERE is_current AND company_id = %s AND partner_id != ALL(%s::int[])
                 ORDER BY partner_id""",
                company.id,
                _array(new_ids),
            ),
            ("int4", *(("float8",) * 9), "int4"),
        )
        names = (
            "followers",
            "identities",
            "professional_followers",
            "professional_identities",
            "posts",
            "reactions",
            "mention_count",
            "mentions",
        )
        count = len(new_ids)
        ids = [*known[0].tolist(), *new_ids]
        columns = {
            name: numpy.concatenate([numpy.asarray(column, float), new_columns[name]])
            for name, column in zip(names, known[1:9], strict=True)
        }
        network = known_network(
            ids,
            numpy.concatenate([known[9], numpy.zeros(count)]),
            numpy.concatenate([known[10], numpy.zeros(count, numpy.int64)]),
        )
        table = compute_score_table(ids, columns, (), settings, arrays=True, network=network)
        self.env["social.crm.score.history"]._write_scores(
            company,
            table,
            now,
            _settings_json(settings),
            only=self.browse(new_ids),
            provisional=True,
        )
        _logger.debug(
            "Social scores: %s new contact(s) of %s scored provisionally", count, company.name
        )
        return new_ids

    @api.model
    def _social_score_changed(self, partner_ids):
        """Hook: the current score rows of these contacts were just written or dropped (their
        tier may have changed); e.g. their open tickets follow. Called once per written chunk
        with plain ids: overrides must work in batch."""
        return True

    @api.model
    def _social_score_invalidate(self):
        """Forget the cached scores of contacts and leads (the history was written in SQL)."""
        self.invalidate_model(PARTNER_HISTORY_FIELDS)
        self.env["crm.lead"]._social_score_invalidate()
