# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The score history, and the scoring run's writes into it.

A run writes the rows of the contacts whose score, tier or flag changed in chunks of
:data:`WRITE_BATCH`: the chunk is streamed with a binary ``COPY`` into a temporary table (its
columns packed into fixed-width rows by numpy, no text per row), then the contacts' current
rows of earlier days are current no more, the day's rows are updated and the others inserted
as current rows.
"""

import io
import logging

from odoo import api, fields, models
from odoo.addons.social_crm.services.tiers import TIER_CODES, TIERS
from odoo.tools import SQL, float_round

from ..scoring import PARTS
from ..scoring.copy_binary import build_rows, copy_sql, parse_columns, round_as_text

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: Social Scores cannot be computed.")

WRITE_BATCH = 10000
#: chunk of the in-place refresh of unchanged scores (no progress is committed in between:
#: fewer, larger statements, each with its temporary table)
REFRESH_BATCH = 50000
#: free space left in each page of the history table: every night the run refreshes the
#: current rows of the unchanged scores in place (rank, population, parts), and a row whose
#: page has room for its new version is updated without touching the table's five indexes
#: (a heap-only tuple update); at 100 % (PostgreSQL's default) every refresh rewrites them
FILLFACTOR = 50
#: temporary table a chunk of scores is copied into (dropped after the chunk)
RUN_TABLE = "social_crm_score_run"
#: (column, SQL type, value written, whole-table column of a ScoreTable); "%.2f": the value
#: rounded to 2 decimals exactly as that text format rounds it, "%d": int(value)
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
    (
        "professional_post_count",
        SQL("int4"),
        "%d",
        lambda t: t.columns["professional_posts"],
    ),
    ("professional_level", SQL("int4"), "%d", lambda t: t.columns["professional_level"]),
    ("employer_size", SQL("int4"), "%d", lambda t: t.columns["employer_size"]),
)
#: binary COPY types of a row of RUN_TABLE: id, score, tier (position in the chunk's list of
#: tier codes), influencer, rank, HISTORY_COLUMNS
RUN_TYPES = (
    "int4",
    "float8",
    "int4",
    "bool",
    "int4",
    *(
        "float8" if column_type.code == "float8" else "int4"
        for _column, column_type, _format, _getter in HISTORY_COLUMNS
    ),
)


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
    return parse_columns(buffer.getvalue(), types)


def _changed(table, previous):
    """Boolean array: which contacts of the ScoreTable ``table`` have another score, tier or
    flag than in ``previous`` (see ``social.crm.score.history._current_scores``), or none."""
    previous_ids, previous_score, previous_tier, previous_flag = previous[:4]
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


def _run_columns(table):
    """(tier codes, the columns of :data:`RUN_TABLE` for every contact of the ScoreTable
    ``table``, as :data:`RUN_TYPES`): id, whole score, tier as position (from 1) in the
    codes, influencer flag, rank, then :data:`HISTORY_COLUMNS` rounded as written."""
    tiers = numpy.asarray(table.tier, object)
    codes = sorted({code for code in tiers.tolist() if code})
    positions = {code: position for position, code in enumerate(codes, 1)}
    columns = [
        numpy.asarray(table.partner_ids, numpy.int64),
        numpy.rint(numpy.asarray(table.score, float)),
        numpy.fromiter(
            (positions.get(code, 0) for code in tiers.tolist()), numpy.int64, len(tiers)
        ),
        numpy.asarray(table.is_influencer, bool),
        numpy.asarray(table.rank, numpy.int64),
    ]
    for _column, _type, value_format, getter in HISTORY_COLUMNS:
        values = numpy.asarray(getter(table), float)
        if value_format == "%.2f":
            columns.append(round_as_text(values))
        else:
            columns.append(numpy.trunc(values).astype(numpy.int64))
    return codes, columns


def _run_rows(columns, positions=None):
    """(partner ids, the binary COPY rows of :data:`RUN_TABLE`) of the ``columns`` (see
    :func:`_run_columns`) at ``positions`` (None: all)."""
    if positions is not None:
        positions = numpy.asarray(positions, numpy.int64)
        columns = [column[positions] for column in columns]
    return columns[0].tolist(), build_rows(columns, RUN_TYPES)


def round_half_up(value, digits=0):
    """``value`` rounded half away from zero, as the web client shows it (Python's ``round``
    and ``%`` formatting round half to even: 12.5 would read 12 here and 13 on screen)."""
    return float_round(value or 0.0, precision_digits=digits, rounding_method="HALF-UP")


def _stale(table, current):
    """Boolean array: which contacts of the ScoreTable ``table`` have a current row (see
    ``social.crm.score.history._current_parts``) with another rank, population or part."""
    current_ids, rank, population, *points = current
    ids = numpy.array(table.partner_ids, numpy.int64)
    if not len(current_ids):
        return numpy.zeros(len(ids), bool)
    found = numpy.searchsorted(current_ids, ids).clip(0, len(current_ids) - 1)
    stale = (current_ids[found] != ids) | (rank[found] != numpy.asarray(table.rank))
    stale |= population[found] != len(table)
    for part, stored in zip(PARTS, points, strict=True):
        stale |= numpy.abs(stored[found] - numpy.round(_points(table, part), 2)) > 0.005
    return stale


def _array(values, cast=str):
    """A PostgreSQL array literal ('{1,2,3}') of numbers, passed as one string parameter:
    PostgreSQL parses it far faster than the ``ARRAY[...]`` psycopg2 makes of a list."""
    return "{" + ",".join(map(cast, values)) + "}"


class SocialCrmScoreHistory(models.Model):
    """The Social Customer Score of a contact from one day on, with its parts and their inputs.

    Written in bulk by the scoring run: a row when the score, tier or influencer flag of the
    contact changes (at most one per contact and day, the day's last run wins), so the
    history stays small however many contacts are scored every night. The row of the
    contact's current score is flagged ``is_current`` (at most one per contact): the
    contact's score, tier and flag are read from it (nothing is written on the contact
    itself, a table with a dozen indexes that users keep busy), the contact form explains
    the score from it and shows the trend against the row before. A contact that is no
    longer scored keeps its rows, none current. Numbers are float8 (no ``digits``: numeric
    costs several times more to write); the views round them.
    """

    _name = "social.crm.score.history"
    _description = "Social Customer Score History"
    _order = "date desc, id desc"
    # written only by the scoring run (in bulk): no create/write user and date columns,
    # whose foreign keys cost more than the rest of the row
    _log_access = False
    _rec_name = "date"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    score = fields.Float(readonly=True, aggregator="avg")
    tier = fields.Selection(TIERS, readonly=True)
    is_influencer = fields.Boolean(string="Influencer", readonly=True)
    rank = fields.Integer(readonly=True, aggregator="min", help="1 = the highest score.")
    population = fields.Integer(
        string="Scored Contacts",
        readonly=True,
        aggregator="max",
        help="How many contacts of the company were scored together.",
    )
    # parts on a 0-100 scale (normalised among the company's contacts)
    reach_points = fields.Float(string="Reach", readonly=True, aggregator="avg")
    engagement_points = fields.Float(string="Engagement", readonly=True, aggregator="avg")
    mentions_points = fields.Float(string="News Mentions", readonly=True, aggregator="avg")
    network_points = fields.Float(string="Network Position", readonly=True, aggregator="avg")
    professional_points = fields.Float(
        string="Professional Weight", readonly=True, aggregator="avg"
    )
    # the numbers the parts came from
    followers = fields.Float(readonly=True, aggregator="sum")
    identity_count = fields.Integer(string="Identities", readonly=True)
    post_count = fields.Integer(string="Posts in Window", readonly=True)
    reaction_count = fields.Float(string="Reactions in Window", readonly=True, aggregator="sum")
    mention_count = fields.Integer(
        string="News Mentions Count",
        readonly=True,
        help="Confirmed news mentions: articles of news or blog sources naming the contact.",
    )
    mentions_decayed = fields.Float(
        string="News Mentions After Ageing",
        readonly=True,
        help="Each news mention weighted by its portal's reach, halved every half-life.",
    )
    mentioned_by = fields.Integer(
        readonly=True,
        help="Other scored contacts that mention or reply to this contact.",
    )
    network_lift = fields.Float(
        readonly=True,
        help="How much higher the PageRank is than that of a contact nobody mentions "
        "(0 = not mentioned).",
    )
    professional_followers = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Followers or connections on professional networks (LinkedIn, Xing).",
    )
    professional_identity_count = fields.Integer(string="Professional Profiles", readonly=True)
    professional_post_count = fields.Integer(
        string="Professional Posts in Window",
        readonly=True,
        help="The contact's posts on professional networks in the window.",
    )
    professional_level = fields.Integer(
        string="Seniority",
        readonly=True,
        help="Seniority of the job position: 0 none found, 1 lead/manager (Leiter, Head), "
        "2 director (Head of, Bereichsleiter), 3 executive (CEO, Geschäftsführer, Vorstand, "
        "Professor).",
    )
    employer_size = fields.Integer(
        readonly=True,
        help="People at the contact's employer (its employee count if known, else its "
        "contacts).",
    )
    settings = fields.Json(
        readonly=True, help="Weights (shares of 1), window and half-life used on that day."
    )
    is_current = fields.Boolean(
        string="Current",
        readonly=True,
        help="The contact's current score (the latest row, unless the contact is no longer "
        "scored).",
    )

    weighted_sum = fields.Float(
        digits=(5, 1),
        compute="_compute_weighted_sum",
        help="Sum of the parts times their weights (0-100); the score is the percentile of "
        "this sum among the company's scored contacts.",
    )
    is_provisional = fields.Boolean(
        string="Provisional",
        readonly=True,
        help="Computed on arrival of the contact's first post, from what the network sent "
        "with it, against the company's scores of the last run; the next run replaces it.",
    )

    _partner_date_uniq = models.Constraint(
        "UNIQUE(partner_id, date)", "A contact has one score per day."
    )
    _company_date_idx = models.Index("(company_id, date)")
    _current_partner_uniq = models.UniqueIndex("(partner_id) WHERE is_current")
    _current_company_idx = models.Index("(company_id) WHERE is_current")

    def init(self):
        """Pages of the history keep :data:`FILLFACTOR` % free for the nightly in-place
        refresh (applies to pages written from now on)."""
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM pg_class WHERE oid = %s::regclass AND %s = ANY(reloptions)",
                self._table,
                f"fillfactor={FILLFACTOR}",
            )
        )
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE %s SET (fillfactor = %s)",
                    SQL.identifier(self._table),
                    FILLFACTOR,
                )
            )

    def _weighted_parts(self):
        """({part: contribution}, weighted sum) of this row: each part's points times its
        weight, rounded to one decimal, and their sum (so the lines add up to the total)."""
        self.ensure_one()
        weights = (self.settings or {}).get("weights", {})
        contributions = {
            part: round_half_up(self[f"{part}_points"] * weights.get(part, 0.0), 1)
            for part in PARTS
        }
        return contributions, round_half_up(sum(contributions.values()), 1)

    def _compute_weighted_sum(self):
        for row in self:
            row.weighted_sum = row._weighted_parts()[1]

    def unlink(self):
        """Deleting a contact's current row leaves the contact unscored (leads follow)."""
        current = self.filtered("is_current").partner_id.ids
        result = super().unlink()
        if current:
            self.env["res.partner"]._social_score_invalidate()
        return result

    # --- the scoring run's writes ---------------------------------------------------------
    @api.model
    def _current_scores(self, company, parts=False):
        """The contacts scored for ``company`` as arrays: sorted ids, score, tier (position
        in :data:`TIER_CODES` from 1, 0 for none) and influencer flag (0/1) of their current
        history rows; one binary COPY (no tuple per contact). A provisional row has score -1:
        the run always replaces it. ``parts``: followed by the rank, population and the five
        parts' points (see :meth:`_current_parts`), read by the same COPY."""
        self.flush_model()
        return _copy_columns(self.env.cr, *self._current_scores_query(company, parts=parts))

    @api.model
    def _current_scores_query(self, company, parts=False):
        """(query, column types) of :meth:`_current_scores`, for a binary COPY (the caller
        flushes the history first)."""
        extra = SQL()
        if parts:
            extra = SQL(", %s", self._current_parts_sql())
        return (
            SQL(
                """SELECT partner_id,
                          CASE WHEN is_provisional THEN -1 ELSE COALESCE(score, 0) END::float8,
                          COALESCE(array_position(%s::varchar[], tier), 0)::int4,
                          COALESCE(is_influencer, FALSE)::int4 %s
                     FROM social_crm_score_history
                    WHERE is_current AND company_id = %s
                 ORDER BY partner_id""",
                TIER_CODES,
                extra,
                company.id,
            ),
            ("int4", "float8", "int4", "int4", *(self._current_parts_types() if parts else ())),
        )

    @api.model
    def _current_parts_sql(self):
        return SQL(
            "COALESCE(rank, 0)::int4, COALESCE(population, 0)::int4, %s",
            SQL(", ").join(
                SQL("COALESCE(%s, 0)::float8", SQL.identifier(f"{part}_points")) for part in PARTS
            ),
        )

    @api.model
    def _current_parts_types(self):
        return ("int4", "int4", *(("float8",) * len(PARTS)))

    @api.model
    def _current_parts(self, company):
        """Sorted ids, rank, population and the five parts' points of the current rows of
        ``company`` (arrays, one binary COPY)."""
        self.flush_model()
        return _copy_columns(
            self.env.cr,
            SQL(
                """SELECT partner_id, %s
                     FROM social_crm_score_history
                    WHERE is_current AND company_id = %s
                 ORDER BY partner_id""",
                self._current_parts_sql(),
                company.id,
            ),
            ("int4", *self._current_parts_types()),
        )

    @api.model
    def _write_scores(
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
        :meth:`_current_scores`, with ``parts`` to spare the full run a second read of
        the current rows); returns (rows written, time left of the cron)."""
        refresh = []
        if only is not None:
            # an explicit recompute writes what the full run would write for these contacts
            # (a new row when the score, tier or flag changed); an unchanged score keeps its
            # row and date (so the trend against the row before stays), with the day's
            # numbers, rank and population refreshed in place
            wanted = set(only.ids)
            if previous is None:
                previous = self._current_scores(company)
            changed = _changed(table, previous)
            positions, refresh = [], []
            for position, partner_id in enumerate(table.partner_ids):
                if partner_id in wanted:
                    (positions if changed[position] or provisional else refresh).append(position)
        else:
            # a contact whose score, tier and flag are unchanged keeps its row (the history
            # keeps a row per change): most contacts on most nights; its rank, population
            # and parts are refreshed in place when they moved (the explanation and a
            # one-contact recompute show what this run computed)
            if previous is None:
                previous = self._current_scores(company, parts=not provisional)
            changed = _changed(table, previous)
            positions = numpy.flatnonzero(changed).tolist()
            if not provisional:
                current = (
                    (previous[0], *previous[4:])
                    if len(previous) > 4
                    else self._current_parts(company)
                )
                refresh = numpy.flatnonzero(~changed & _stale(table, current)).tolist()
        codes, columns = _run_columns(table)
        if refresh:
            refresh = numpy.asarray(refresh, numpy.int64)
            for start in range(0, len(refresh), REFRESH_BATCH):
                refresh_ids, refresh_rows = _run_rows(
                    columns, refresh[start : start + REFRESH_BATCH]
                )
                self._write_score_chunk(
                    company,
                    refresh_ids,
                    refresh_rows,
                    codes,
                    len(table),
                    now,
                    settings_json,
                    in_place=True,
                )
        positions = numpy.asarray(positions, numpy.int64)
        count = len(positions)
        time_left = None
        if commit_progress and count < len(table):
            time_left = commit_progress(len(table) - count)
        for start in range(0, count, WRITE_BATCH):
            chunk, rows = _run_rows(columns, positions[start : start + WRITE_BATCH])
            self._write_score_chunk(
                company,
                chunk,
                rows,
                codes,
                len(table),
                now,
                settings_json,
                provisional=provisional,
            )
            if commit_progress:
                time_left = commit_progress(len(chunk))
        return count, time_left

    @api.model
    def _write_score_chunk(
        self,
        company,
        ids,
        rows,
        tier_codes,
        population,
        now,
        settings_json,
        provisional=False,
        in_place=False,
    ):
        """Write one chunk of scores and history rows: ``rows`` are the binary COPY rows of
        :data:`RUN_TABLE` (see :func:`_run_rows`; their tiers are positions in ``tier_codes``)
        of the partners ``ids``, each of which
        gets a history row of the day (flagged ``provisional`` or not); ``in_place``: their
        score, tier and flag are unchanged: their current rows (whatever their date) get the
        new rank, population, parts and numbers instead."""
        if not ids:
            return
        cr = self.env.cr
        run = SQL.identifier(RUN_TABLE)
        columns = [SQL.identifier(column) for column, _type, _format, _getter in HISTORY_COLUMNS]
        self.flush_model()
        cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE %s (id int4, score float8, tier int4,
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
        copy = SQL("COPY %s FROM STDIN (FORMAT binary)", run)
        cr._obj.copy_expert(copy.code, io.BytesIO(rows))
        # the chunk is a range of ids (sorted): the range conditions below let the joins
        # read that range of the indexes instead of whole tables
        low, high = min(ids), max(ids)
        values = {
            "company": company.id,
            # the company's day (a post at 00:30 in Berlin is scored on the new day), not UTC's
            "date": self.env["res.lang"]._social_company_today(company, now),
            "population": population,
            "settings": settings_json,
            "run": run,
            "low": low,
            "high": high,
            "provisional": bool(provisional),
            # the tier code of a row (its position in the chunk's codes)
            "tier": SQL("(%s::varchar[])[v.tier]", list(tier_codes)),
        }
        if in_place:
            cr.execute(
                SQL(
                    """UPDATE social_crm_score_history AS h
                          SET rank = v.rank, population = %(population)s,
                              settings = %(settings)s::jsonb, %(updates)s
                         FROM %(run)s AS v
                        WHERE h.partner_id = v.id AND h.is_current
                          AND h.partner_id BETWEEN %(low)s AND %(high)s""",
                    **values,
                    updates=SQL(", ").join(SQL("%s = v.%s", column, column) for column in columns),
                )
            )
            cr.execute(SQL("DROP TABLE %s", run))
            self.env["res.partner"]._social_score_invalidate()
            self.invalidate_model()
            return
        # the contacts' current rows of earlier days are current no more: looked up by id in
        # the index of the current rows (the changed contacts of a night are spread over the
        # whole range of ids, whose current rows a join bounded to the range would all read)
        cr.execute(
            SQL(
                """UPDATE social_crm_score_history AS h SET is_current = FALSE
                    WHERE h.partner_id = ANY(%(ids)s::int[]) AND h.is_current
                      AND h.date != %(date)s""",
                ids=_array(ids),
                date=values["date"],
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
                      SET company_id = %(company)s, score = v.score, tier = %(tier)s,
                          is_influencer = v.influencer, rank = v.rank,
                          population = %(population)s, settings = %(settings)s::jsonb,
                          is_current = TRUE, is_provisional = %(provisional)s, %(updates)s
                     FROM %(run)s AS v
                    WHERE h.partner_id = v.id AND h.date = %(date)s
                      AND h.partner_id BETWEEN %(low)s AND %(high)s
                      AND (h.is_current, h.is_provisional, h.settings, %(old)s) IS DISTINCT FROM
                          (TRUE, %(provisional)s, %(settings)s::jsonb, %(company)s, v.score,
                           %(tier)s, v.influencer, v.rank, %(population)s, %(new)s)""",
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
                   SELECT v.id, %(company)s, %(date)s, v.score, %(tier)s, v.influencer, v.rank,
                          %(population)s, %(settings)s::jsonb, TRUE, %(provisional)s,
                          %(values)s
                     FROM %(run)s AS v""",
                **values,
                columns=SQL(", ").join(columns),
                values=SQL(", ").join(SQL("v.%s", column) for column in columns),
            )
        )
        cr.execute(SQL("DROP TABLE %s", run))
        self.env["res.partner"]._social_score_invalidate()
        self.invalidate_model()
        self.env["res.partner"]._social_score_changed(ids)

    @api.model
    def _reset_current(self, company, partner_ids):
        """Forget the scores of these contacts of the company, which are no longer scored
        (their current rows are current no more; the history stays)."""
        if not partner_ids:
            return
        self.flush_model(["partner_id", "is_current"])
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
            self.invalidate_model(["is_current"])
            self.env["res.partner"]._social_score_invalidate()
            self.env["res.partner"]._social_score_changed([row[0] for row in rows])
