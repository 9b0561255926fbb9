# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Social Customer Score of contacts: batched reads, columnar maths, batched writes.

One scoring run per company reads everything it needs in a few queries (the contacts to
score with their identity sums, their post sums, the mention/reply edges kept in
``social.crm.mention``, the current scores; the large ones streamed by binary COPY into
arrays, no JIT, enough work_mem), scores all contacts with
:func:`..scoring.compute_score_table` (columns, no object per contact), then writes the
history rows of the contacts whose score, tier or flag changed in chunks of
:data:`WRITE_BATCH`: the chunk is streamed with ``COPY`` into a temporary table, then the
contacts' current rows of earlier days are current no more, the day's rows are updated and
the others inserted as current rows. The contacts themselves are never written: their score,
tier and flag are read from their current history row (and searched, sorted and grouped
through a join on it); leads keep a stored copy.
"""

import contextlib
import datetime as dt
import io
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
from ..scoring.copy_binary import copy_sql, parse_columns
from .social_crm_score_history import TIERS

TIER_CODES = [code for code, _label in TIERS]

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: Social Scores cannot be computed.")

USER = "social_crm.group_social_crm_user"
WRITE_BATCH = 10000
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
LEAD_SCORE_FIELDS = ["social_score", "social_score_tier", "is_social_influencer"]
#: temporary table a chunk of scores is copied into (dropped after the chunk)
RUN_TABLE = "social_crm_score_run"
#: (column, SQL type, COPY text format, whole-table column of a ScoreTable); "%.2f" is the
#: text of round(value, 2), "%d" that of int(value)
HISTORY_COLUMNS = (
    ("reach_points", SQL("float8"), "%.2f", lambda t: _points(t, "reach")),
    ("engagement_points", SQL("float8"), "%.2f", lambda t: _points(t, "engagement")),
    ("mentions_points", SQL("float8"), "%.2f", lambda t: _points(t, "mentions")),
    ("network_points", SQL("float8"), "%.2f", lambda t: _points(t, "network")),
    ("professional_points", SQL("float8"), "%.2f", lambda t: _points(t, "professional")),
    ("followers", SQL("float8"), "%.2f", lambda t: t.columns["followers"]),
    ("identity_count", SQL("int4"), "%d", lambda t: t.columns["identities"]),
    ("post_count", SQL("int4"), "%d", lambda t: t.columns["posts"]),
    ("reaction_count", SQL("float8"), "%.2f", lambda t: t.columns["reactions"]),
    ("mention_count", SQL("int4"), "%d", lambda t: t.columns["mention_count"]),
    ("mentions_decayed", SQL("float8"), "%.2f", lambda t: t.columns["mentions"]),
    ("mentioned_by", SQL("int4"), "%d", lambda t: t.network.in_count),
    ("network_lift", SQL("float8"), "%.2f", lambda t: t.network.lift),
    (
        "professional_followers",
        SQL("float8"),
        "%.2f",
        lambda t: t.columns["professional_followers"],
    ),
    (
        "professional_identity_count",
        SQL("int4"),
        "%d",
        lambda t: t.columns["professional_identities"],
    ),
)
#: COPY text of one row of RUN_TABLE: id, score, tier, influencer, rank, HISTORY_COLUMNS
ROW_FORMAT = "\t".join(["%d", "%.0f", "%s", "%s", "%d", *(c[2] for c in HISTORY_COLUMNS)]) + "\n"
#: COPY text escapes (tier codes are plain identifiers; escaped all the same)
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _points(table, part):
    return numpy.asarray(table.normalised[part], float) * 100


def _copy_columns(cr, query, types):
    """Columns (numpy arrays) of the rows of the SELECT ``query``, streamed by a binary
    COPY (far cheaper than one Python tuple per row); ``types``: see
    :func:`..scoring.copy_binary.parse_columns`. The parameters are bound by psycopg2, as
    for any query."""
    statement = copy_sql(cr._obj.mogrify(query.code, query.params).decode())
    buffer = io.BytesIO()
    cr._obj.copy_expert(statement, buffer)
    return parse_columns(buffer.getvalue(), types, use_numpy=True)


def _changed(table, previous):
    """Boolean array: which contacts of the ScoreTable ``table`` have another score, tier or
    flag than in ``previous`` (see ``res.partner._social_score_previous``), or none."""
    previous_ids, previous_score, previous_tier, previous_flag = previous
    ids = numpy.array(table.partner_ids, numpy.int64)
    if not len(previous_ids):
        return numpy.ones(len(ids), bool)
    found = numpy.searchsorted(previous_ids, ids).clip(0, len(previous_ids) - 1)
    positions = {code: position for position, code in enumerate(TIER_CODES, 1)}
    tiers = numpy.fromiter(
        (positions.get(code, -1) for code in table.tier), numpy.int64, len(table)
    )
    same = (
        (previous_ids[found] == ids)
        & (previous_score[found] == numpy.asarray(table.score, float))
        & (previous_tier[found] == tiers)
        & (previous_flag[found] == numpy.asarray(table.is_influencer, numpy.int64))
    )
    return ~same


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


def _array(values, cast=str):
    """A PostgreSQL array literal ('{1,2,3}') of numbers, passed as one string parameter:
    PostgreSQL parses it far faster than the ``ARRAY[...]`` psycopg2 makes of a list."""
    return "{" + ",".join(map(cast, values)) + "}"


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

    def _compute_social_score(self):
        # a contact being edited (onchange) is a new record whose origin holds the score
        ids = [partner._origin.id for partner in self if partner._origin.id]
        rows = {}
        if ids:
            self.env["social.crm.score.history"].flush_model(
                ["partner_id", "is_current", *CURRENT_FIELDS.values()]
            )
            rows = {
                row[0]: row[1:]
                for row in self.env.execute_query(
                    SQL(
                        """SELECT partner_id, score, tier, is_influencer, company_id
                             FROM social_crm_score_history
                            WHERE is_current AND partner_id = ANY(%s)""",
                        ids,
                    )
                )
            }
        companies = self.env["res.company"].sudo()
        for partner in self:
            score, tier, flag, company = rows.get(
                partner._origin.id, (0.0, False, False, False)
            )
            partner.social_score = score or 0.0
            partner.social_score_tier = tier or False
            partner.is_social_influencer = bool(flag)
            partner.social_score_company_id = companies.browse(company or [])

    def _social_score_search(self, fname, operator, value):
        """Domain of the contacts whose current score row meets ``fname operator value``
        (contacts without one have no score, tier or flag: they meet what the empty value
        meets)."""
        column = CURRENT_FIELDS[fname]
        history = self.env["social.crm.score.history"].sudo().with_context(active_test=False)
        condition = Domain(column, operator, value)
        current = Domain("is_current", "=", True)
        if history.new({}).filtered_domain(condition):
            return Domain(
                "id", "not in", history._search(current & ~condition).select("partner_id")
            )
        return Domain("id", "in", history._search(current & condition).select("partner_id"))

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
        column = SQL.identifier(CURRENT_FIELDS[field_expr])
        if query is None:
            sql = SQL(
                """(SELECT h.%s FROM social_crm_score_history AS h
                     WHERE h.partner_id = %s AND h.is_current)""",
                column,
                SQL.identifier(alias, "id"),
            )
            # unscored contacts count 0, as everywhere else (not NULL: first in DESC order)
            return SQL("COALESCE(%s, 0)", sql) if field_expr == "social_score" else sql
        current = query.make_alias(alias, "social_score_current")
        query.add_join(
            "LEFT JOIN",
            current,
            "social_crm_score_history",
            SQL(
                "%s = %s AND %s",
                SQL.identifier(current, "partner_id"),
                SQL.identifier(alias, "id"),
                SQL.identifier(current, "is_current"),
            ),
        )
        sql = SQL("%s.%s", SQL.identifier(current), column)
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
        """HTML table: one line per part with its numbers, points, weight and contribution."""
        self.ensure_one()
        n = self._social_score_number
        labels = self.env["res.company"]._social_score_part_labels()
        weights = (row.settings or {}).get("weights", {})
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
        notes = Markup("").join(
            Markup("<p class='%s'>%s</p>") % (css, note)
            for css, note in self._social_score_explain_notes(row)
        )
        return notes + Markup(
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
            self._social_score_sync_leads([row[0] for row in rows])
            self.invalidate_model(PARTNER_HISTORY_FIELDS)
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
        previous = self._social_score_previous(company) if only is None else None
        written, time_left = self._social_score_write_table(
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
            self._social_score_reset_others(
                company,
                previous_ids[~numpy.isin(previous_ids, numpy.array(partner_ids, int))].tolist(),
            )
            # and every lead whose copy differs (made stale by SQL elsewhere: merges...)
            self._social_score_sync_leads(None)
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
        self._social_score_write_table(
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
    def _social_score_previous(self, company):
        """The contacts scored for ``company`` as arrays: sorted ids, score, tier (position
        in :data:`TIER_CODES` from 1, 0 for none) and influencer flag (0/1) of their current
        history rows; one binary COPY (no tuple per contact). A provisional row has score -1:
        the run always replaces it."""
        self.env["social.crm.score.history"].flush_model()
        return _copy_columns(
            self.env.cr,
            SQL(
                """SELECT partner_id,
                          CASE WHEN is_provisional THEN -1 ELSE COALESCE(score, 0) END::float8,
                          COALESCE(array_position(%s::varchar[], tier), 0)::int4,
                          COALESCE(is_influencer, FALSE)::int4
                     FROM social_crm_score_history
                    WHERE is_current AND company_id = %s
                 ORDER BY partner_id""",
                TIER_CODES,
                company.id,
            ),
            ("int4", "float8", "int4", "int4"),
        )

    @api.model
    def _social_score_write_table(
        self,
        company,
        table,
        now,
        settings_json,
        only=None,
        previous=None,
        commit_progress=None,
        provisional=False,
    ):
        """Write the scores and history rows of ``table`` in chunks of :data:`WRITE_BATCH`:
        those of ``only`` if given, else those that differ from ``previous`` (see
        :meth:`_social_score_previous`); returns (rows written, time left of the cron)."""
        if only is not None:
            # an explicit recompute always records the day's numbers of these contacts
            wanted = set(only.ids)
            positions = [
                position
                for position, partner_id in enumerate(table.partner_ids)
                if partner_id in wanted
            ]
        else:
            # a contact whose score, tier and flag are unchanged is left as it is (its
            # history keeps the row of the last change): most contacts on most nights
            if previous is None:
                previous = self._social_score_previous(company)
            positions = numpy.flatnonzero(_changed(table, previous)).tolist()
        columns = [
            numpy.asarray(table.partner_ids, numpy.int64),
            numpy.asarray(table.score, float),
            numpy.asarray(table.tier, object),
            numpy.asarray(table.is_influencer, bool),
            numpy.asarray(table.rank, numpy.int64),
            *(numpy.asarray(getter(table)) for _column, _type, _format, getter in HISTORY_COLUMNS),
        ]
        if len(positions) < len(table):  # only the rows to write
            positions = numpy.asarray(positions, numpy.int64)
            columns = [column[positions] for column in columns]
        columns = [column.tolist() for column in columns]
        escaped = {code: code.translate(COPY_ESCAPES) for code in set(columns[2])}
        columns[2] = [escaped[code] for code in columns[2]]
        columns[3] = ["t" if flag else "f" for flag in columns[3]]
        ids = columns[0]
        lines = list(map(ROW_FORMAT.__mod__, zip(*columns, strict=True)))
        time_left = None
        if commit_progress and len(ids) < len(table):
            time_left = commit_progress(len(table) - len(ids))
        for start in range(0, len(ids), WRITE_BATCH):
            chunk = ids[start : start + WRITE_BATCH]
            self._social_score_write(
                company,
                chunk,
                lines[start : start + WRITE_BATCH],
                len(table),
                now,
                settings_json,
                provisional=provisional,
            )
            if commit_progress:
                time_left = commit_progress(len(chunk))
        return len(ids), time_left

    @api.model
    def _social_score_write(
        self, company, ids, lines, population, now, settings_json, provisional=False
    ):
        """Write one chunk of scores and history rows: ``lines`` are the COPY text rows of
        :data:`RUN_TABLE` (see :data:`ROW_FORMAT`) of the partners ``ids``, each of which
        gets a history row of the day (flagged ``provisional`` or not)."""
        if not ids:
            return
        cr = self.env.cr
        run = SQL.identifier(RUN_TABLE)
        columns = [SQL.identifier(column) for column, _type, _format, _getter in HISTORY_COLUMNS]
        self.env["social.crm.score.history"].flush_model()
        cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE %s (id int4, score numeric, tier varchar,
                                             influencer bool, rank int4, %s)
                   ON COMMIT DROP""",
                run,
                SQL(", ").join(
                    SQL("%s %s", column, column_type)
                    for column, (_name, column_type, _format, _getter) in zip(
                        columns, HISTORY_COLUMNS, strict=True
                    )
                ),
            )
        )
        copy = SQL("COPY %s FROM STDIN", run)
        cr._obj.copy_expert(copy.code, io.StringIO("".join(lines)))
        # the chunk is a range of ids (sorted): the range conditions below let the joins
        # read that range of the indexes instead of whole tables
        low, high = min(ids), max(ids)
        values = {
            "company": company.id,
            "date": now.date(),
            "population": population,
            "settings": settings_json,
            "run": run,
            "low": low,
            "high": high,
            "provisional": bool(provisional),
        }
        # the contacts' current rows of earlier days are current no more
        cr.execute(
            SQL(
                """UPDATE social_crm_score_history AS h SET is_current = FALSE
                     FROM %(run)s AS v
                    WHERE h.partner_id = v.id AND h.is_current AND h.date != %(date)s
                      AND h.partner_id BETWEEN %(low)s AND %(high)s""",
                **values,
            )
        )
        # the history keeps a row per change (the caller only writes the contacts whose score,
        # tier or flag changed, or those asked for): the day's row is updated (and current)
        # unless it already holds the same numbers, the others get a new current row (UPDATE
        # and INSERT joins bounded to the chunk's range: far cheaper than a row-by-row
        # ON CONFLICT)
        kept = [
            SQL.identifier(column)
            for column in ("company_id", "score", "tier", "is_influencer", "rank", "population")
        ]
        cr.execute(
            SQL(
                """UPDATE social_crm_score_history AS h
                      SET company_id = %(company)s, score = v.score, tier = v.tier,
                          is_influencer = v.influencer, rank = v.rank,
                          population = %(population)s, settings = %(settings)s::jsonb,
                          is_current = TRUE, is_provisional = %(provisional)s, %(updates)s
                     FROM %(run)s AS v
                    WHERE h.partner_id = v.id AND h.date = %(date)s
                      AND h.partner_id BETWEEN %(low)s AND %(high)s
                      AND (h.is_current, h.is_provisional, h.settings, %(old)s) IS DISTINCT FROM
                          (TRUE, %(provisional)s, %(settings)s::jsonb, %(company)s, v.score, v.tier,
                           v.influencer, v.rank, %(population)s, %(new)s)""",
                **values,
                updates=SQL(", ").join(SQL("%s = v.%s", column, column) for column in columns),
                old=SQL(", ").join(SQL("h.%s", column) for column in kept + columns),
                new=SQL(", ").join(SQL("v.%s", column) for column in columns),
            )
        )
        # the rows left are those without a row of the day: a statement of its own, so that
        # the INSERT below does not look for existing rows while it adds some (with an empty
        # history, PostgreSQL may scan the table once per row, rescanning what it inserts)
        cr.execute(
            SQL(
                """DELETE FROM %(run)s AS v
                    USING social_crm_score_history AS h
                    WHERE h.partner_id = v.id AND h.date = %(date)s
                      AND h.partner_id BETWEEN %(low)s AND %(high)s""",
                **values,
            )
        )
        cr.execute(
            SQL(
                """INSERT INTO social_crm_score_history
                          (partner_id, company_id, date, score, tier, is_influencer, rank,
                           population, settings, is_current, is_provisional, %(columns)s)
                   SELECT v.id, %(company)s, %(date)s, v.score, v.tier, v.influencer, v.rank,
                          %(population)s, %(settings)s::jsonb, TRUE, %(provisional)s,
                          %(values)s
                     FROM %(run)s AS v""",
                **values,
                columns=SQL(", ").join(columns),
                values=SQL(", ").join(SQL("v.%s", column) for column in columns),
            )
        )
        self._social_score_sync_leads(ids)
        cr.execute(SQL("DROP TABLE %s", run))
        self.invalidate_model(PARTNER_HISTORY_FIELDS)
        self.env["social.crm.score.history"].invalidate_model()
        self._social_score_changed(ids)

    @api.model
    def _social_score_reset_others(self, company, partner_ids):
        """Forget the scores of these contacts of the company, which are no longer scored
        (their current rows are current no more; the history stays)."""
        if not partner_ids:
            return
        self.env["social.crm.score.history"].flush_model(["partner_id", "is_current"])
        rows = self.env.execute_query(
            SQL(
                """UPDATE social_crm_score_history SET is_current = FALSE
                    WHERE is_current AND company_id = %s AND partner_id = ANY(%s::int[])
                RETURNING partner_id""",
                company.id,
                _array(partner_ids),
            )
        )
        if rows:
            self.env["social.crm.score.history"].invalidate_model(["is_current"])
            self._social_score_sync_leads([row[0] for row in rows])
            self.invalidate_model(PARTNER_HISTORY_FIELDS)
            self._social_score_changed([row[0] for row in rows])

    @api.model
    def _social_score_changed(self, partner_ids):
        """Hook: the current score rows of these contacts were just written or dropped (their
        tier may have changed); e.g. their open tickets follow. Called once per written chunk
        with plain ids: overrides must work in batch."""
        return True

    @api.model
    def _social_score_sync_leads(self, partner_ids):
        """Copy the partners' current tier, score and flag to their leads' stored fields
        (``partner_ids`` None: of every lead that differs)."""
        self.env["crm.lead"].flush_model(["partner_id", *LEAD_SCORE_FIELDS])
        self.env["social.crm.score.history"].flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_lead AS l
                      SET social_score = COALESCE(h.score, 0), social_score_tier = h.tier,
                          is_social_influencer = COALESCE(h.is_influencer, FALSE)
                     FROM crm_lead AS c
                LEFT JOIN social_crm_score_history AS h
                       ON h.partner_id = c.partner_id AND h.is_current
                    WHERE l.id = c.id AND %s
                      AND (l.social_score IS DISTINCT FROM COALESCE(h.score, 0)
                           OR l.social_score_tier IS DISTINCT FROM h.tier
                           OR l.is_social_influencer
                              IS DISTINCT FROM COALESCE(h.is_influencer, FALSE))""",
                SQL("TRUE")
                if partner_ids is None
                else SQL("c.partner_id = ANY(%s::int[])", _array(partner_ids)),
            )
        )
        if self.env.cr.rowcount:
            self.env["crm.lead"].invalidate_model(LEAD_SCORE_FIELDS)
