# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scoring run of contacts: batched reads, columnar maths, and the provisional score.

One scoring run per company reads everything it needs in a few queries (the contacts to
score with their identity sums, their post sums, their news mentions, their job positions
and employers, the mention/reply edges kept in ``social.crm.mention``, the current scores;
the large ones streamed by binary COPY into arrays, no JIT, enough work_mem), scores all
contacts with :func:`..scoring.compute_score_table` (the one scoring path: columns, no object per
contact), then hands the table to ``social.crm.score.history._write_scores``, which writes
the history rows of the contacts whose score, tier or flag changed. The contacts themselves
are never written.
"""

import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import math
from collections import defaultdict

import psycopg2
from psycopg2.pool import PoolError

from odoo import api, fields, models, sql_db
from odoo.addons.social_crm.services.tiers import TIER_CODES
from odoo.tools import SQL

from ..scoring import compute_score_table, known_network
from ..scoring.professional import seniority
from .res_partner import PARTNER_HISTORY_FIELDS
from .social_crm_score_history import _array, _copy_columns

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: Social Scores cannot be computed.")

#: stored integer fields of a company contact holding its employee count, in order of
#: preference (none in Odoo Community itself; the number of the company's contacts is used)
EMPLOYEE_FIELDS = ("employee_quantity", "employee_count", "employees_count", "x_employee_count")

#: exponent cap of the mention decay in SQL (0.5 ** 1000 ~ 1e-301; beyond, float8 underflows)
MAX_HALF_LIVES = 1000


def _settings_json(settings):
    """The settings a history row was computed with (JSON text): weights, window, half-life,
    the tiers' thresholds ``{code: [min score, min followers]}``, the population from which
    scores are plain percentiles and the anchors ``[[followers, score], ...]`` of the
    absolute scale that caps them below it."""
    return json.dumps(
        {
            "weights": settings.normalised_weights,
            "window_days": settings.window_days,
            "half_life_days": settings.half_life_days,
            "tiers": {tier.code: [tier.min_score, tier.min_followers] for tier in settings.tiers},
            "min_population": settings.min_population,
            "absolute_anchors": [list(anchor) for anchor in settings.absolute_anchors],
        }
    )


def _decay_sql(now, rate, column="posted_at"):
    """SQL of a post's weight ``0.5 ** (age / half-life)`` as ``exp(-age * rate)`` on
    float8 (``date_part``; ``EXTRACT`` would compute in numeric, several times slower); a
    post dated in the future weighs 1, the exponent stops at :data:`MAX_HALF_LIVES`.
    ``column``: the date column (a post's ``posted_at``, a news mention's ``published_at``)."""
    return SQL(
        "exp(GREATEST(LEAST(date_part('epoch', %s - %s), 0) * %s, %s))",
        SQL.identifier(column),
        now,
        rate,
        -MAX_HALF_LIVES * math.log(2),
    )


#: planner settings of the scoring reads: JIT compilation costs more than it saves on
#: these one-pass aggregates, and the hash tables of 100,000s of contacts should not spill
#: (work_mem is only ever raised: a server configured with more keeps its value)
FAST_READ_JIT = "off"
FAST_READ_WORK_MEM = "64MB"


def _fast_read_settings():
    """SQL setting :data:`FAST_READ_JIT` and at least :data:`FAST_READ_WORK_MEM` for the
    rest of the transaction."""
    return SQL(
        """SELECT set_config('jit', %s, true),
                  set_config('work_mem',
                             CASE WHEN pg_size_bytes(current_setting('work_mem'))
                                       < pg_size_bytes(%s)
                                  THEN %s ELSE current_setting('work_mem') END, true)""",
        FAST_READ_JIT,
        FAST_READ_WORK_MEM,
        FAST_READ_WORK_MEM,
    )


@contextlib.contextmanager
def _fast_reads(cr):
    """Run the block with :data:`FAST_READ_JIT` and at least :data:`FAST_READ_WORK_MEM`
    (transaction-local), then restore the previous values."""
    cr.execute(SQL("SELECT current_setting('jit'), current_setting('work_mem')"))
    jit, work_mem = cr.fetchone()
    cr.execute(_fast_read_settings())
    # an error aborts the transaction (or savepoint), which undoes the settings too
    yield
    cr.execute(
        SQL(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)",
            jit,
            work_mem,
        )
    )


def _floor_promotes(settings, tier, followers):
    """Whether ``followers`` reach the floor of a higher tier than ``tier`` (a code, or
    None) in the :class:`ScoringSettings` ``settings``."""
    floor = settings.floor_tier(followers) if followers else None
    if not floor:
        return False
    rank = {code: position for position, code in enumerate(TIER_CODES)}
    return rank[floor.code] < rank.get(tier, len(TIER_CODES))


@contextlib.contextmanager
def _snapshot_reader(cr):
    """A second connection that sees exactly what the transaction of ``cr`` sees (its
    snapshot, exported with ``pg_export_snapshot`` and imported by ``SET TRANSACTION
    SNAPSHOT``), for reading beside it: PostgreSQL then works on two statements at once, and
    on one while Python computes. Yields ``read(query, types)``, which streams the columns
    of the SELECT ``query`` (see :func:`_copy_columns`) on that connection in a thread and
    returns a future; the reads are run one after the other, with the settings of
    :func:`_fast_reads`. Yields None when the transaction has written anything (a second
    connection would not see its changes), runs on a standby or cannot open a second
    connection (logged): the caller then reads on ``cr``. The connection is released at
    the end of the block (after its last read). Flush the ORM before: pending writes would
    only reach the database afterwards."""
    cr.execute(SQL("SELECT txid_current_if_assigned() IS NULL AND NOT pg_is_in_recovery()"))
    if not cr.fetchone()[0]:
        yield None
        return
    try:
        reader = sql_db.db_connect(cr.dbname).cursor()
    except (psycopg2.Error, PoolError) as error:  # e.g. no connection left: read on one
        _logger.info("Social scores: no second database connection (%s), reading on one", error)
        yield None
        return
    try:
        cr.execute(SQL("SELECT pg_export_snapshot()"))
        snapshot = cr.fetchone()[0]
        reader.execute(SQL("SET TRANSACTION SNAPSHOT %s", snapshot))
        reader.execute(_fast_read_settings())
        with concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="social-score-read"
        ) as executor:
            yield lambda query, types: executor.submit(_copy_columns, reader, query, types)
    finally:
        reader.rollback()
        reader.close()


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        active and not excluded, and belongs to that company, or to none and is scored for
        that company, or is scored for no company where it still has an identity and has
        no identity in a company of lower id (a shared contact is scored for the company
        that scored it first, and keeps that company while it has an identity there: a
        second company hearing the author never takes over the first's score). Never NULL,
        so that ``NOT`` of it is safe."""
        return SQL(
            """(p.active IS TRUE AND p.social_score_excluded IS NOT TRUE
                AND CASE WHEN p.company_id IS NULL
                         -- most shared contacts have identities in one company: no history
                         -- lookup for them
                         THEN NOT EXISTS (SELECT 1 FROM social_crm_identity AS x
                                           WHERE x.partner_id = p.id
                                             AND x.company_id != %(company)s)
                              OR COALESCE(
                                (SELECT h.company_id = %(company)s
                                   FROM social_crm_score_history AS h
                                  WHERE h.partner_id = p.id AND h.is_current
                                    AND EXISTS (SELECT 1 FROM social_crm_identity AS s
                                                 WHERE s.partner_id = p.id
                                                   AND s.company_id = h.company_id)),
                                NOT EXISTS (SELECT 1 FROM social_crm_identity AS o
                                             WHERE o.partner_id = p.id
                                               AND o.company_id < %(company)s))
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
    def _social_score_read_inputs(self, company, settings, now, partner_ids=None, reader=None):
        """The contacts of ``company`` to score (sorted ids), their numbers as
        ``{ContactInput field: float array aligned with the ids}`` and the mention/reply
        edges as an array of ``(source, target, weight)`` rows: four queries, run with
        :func:`_fast_reads`, streamed as binary COPY into arrays, and one for the
        professional inputs.

        A contact is scored when it has a social identity in the company and
        :meth:`_social_score_eligible_sql` holds. The edges are the rows of
        ``social.crm.mention`` (one per post and mentioned account, kept at ingestion);
        replies count through the replied-to account, which the connectors add to a post's
        mentioned accounts (X ``in_reply_to_user_id``, Mastodon mentions, Bluesky parent
        DID, Facebook parent comment's author). The mentions part counts the contact's
        confirmed news mentions (``social.crm.news.mention``, each weighted by its portal's
        reach as its source now sets it, and aged); the contact's own posts count under
        engagement. The professional inputs (seniority of the job position, size of the
        employer) are read by :meth:`_social_score_read_professional`.

        ``partner_ids``: only these contacts' numbers, and no edges (a provisional score).
        ``reader``: see :func:`_snapshot_reader`; the post sums, the news mentions and the
        edges are then read on its connection while this one reads the rest.
        """
        self.env.flush_all()
        cr = self.env.cr
        only = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("partner_id = ANY(%s::int[])", _array(partner_ids))
        )
        only_news = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("m.partner_id = ANY(%s::int[])", _array(partner_ids))
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
        post_query = (
            SQL(
                """SELECT partner_id,
                          COUNT(*)::float8,
                          COALESCE(SUM(GREATEST(COALESCE(engagement_count, 0), 0)),
                                   0)::float8,
                          (COUNT(*) FILTER (WHERE network_id = ANY(%(professional)s)))::float8
                     FROM social_crm_post
                    WHERE company_id = %(company)s AND partner_id IS NOT NULL AND %(only)s
                      AND posted_at >= %(start)s
                 GROUP BY partner_id""",
                start=start,
                professional=professional,
                company=company.id,
                only=only,
            ),
            ("int4", "float8", "float8", "float8"),
        )
        # the mention/reply edges (none for a provisional score)
        edge_query = (
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
        news_query = (
            SQL(
                """SELECT m.partner_id, COUNT(*)::float8,
                          COALESCE(SUM(GREATEST(COALESCE(s.news_reach, m.reach, 0), 0)
                                       * %(decay)s), 0)::float8
                     FROM social_crm_news_mention AS m
                LEFT JOIN social_crm_source AS s ON s.id = m.source_id
                    WHERE m.company_id = %(company)s AND m.state = 'confirmed'
                      AND %(only)s
                 GROUP BY m.partner_id""",
                decay=_decay_sql(now, rate, "published_at"),
                company=company.id,
                only=only_news,
            ),
            ("int4", "float8", "float8"),
        )
        post_future = news_future = edge_future = None
        if reader is not None:  # the post scan, the news and the edges beside the reads below
            post_future = reader(*post_query)
            news_future = reader(*news_query)
            if partner_ids is None:
                edge_future = reader(*edge_query)
        with _fast_reads(cr):
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
            if post_future is None:
                post_columns = _copy_columns(cr, *post_query)
                news_columns = _copy_columns(cr, *news_query)
            if partner_ids is None and edge_future is None:
                edge_columns = _copy_columns(cr, *edge_query)
            people = self._social_score_read_professional(identity_columns[0])
        if post_future is not None:
            post_columns = post_future.result()
            news_columns = news_future.result()
        if partner_ids is not None:
            edge_columns = [numpy.zeros(0), numpy.zeros(0), numpy.zeros(0)]
        elif edge_future is not None:
            edge_columns = edge_future.result()
        ids = identity_columns[0]
        names = ("followers", "identities", "professional_followers", "professional_identities")
        columns = dict(zip(names, identity_columns[1:], strict=True))
        # post and news sums of the scored contacts, aligned with the ids (sorted: a search)
        for names, found_columns in (
            (("posts", "reactions", "professional_posts"), post_columns),
            (("mention_count", "mentions"), news_columns),
        ):
            found_ids = found_columns[0]
            found = numpy.searchsorted(ids, found_ids).clip(0, max(len(ids) - 1, 0))
            known = (ids[found] == found_ids) if len(ids) else numpy.zeros(len(found_ids), bool)
            for name, values in zip(names, found_columns[1:], strict=True):
                column = numpy.zeros(len(ids))
                column[found[known]] = values[known]
                columns[name] = column
        columns.update(people)
        edges = numpy.column_stack(
            [column.astype(float) for column in edge_columns]
        ).reshape(-1, 3)
        return ids.tolist(), columns, edges

    @api.model
    def _social_score_employee_field(self):
        """Name of a stored integer field of contacts holding a company's employee count (an
        addon such as OCA ``partner_employee_quantity`` adds one), or None."""
        for name in EMPLOYEE_FIELDS:
            field = self._fields.get(name)
            if field and field.store and field.type == "integer":
                return name
        return None

    @api.model
    def _social_score_read_professional(self, ids):
        """``{"professional_level": array, "employer_size": array, "account": array}``
        aligned with ``ids`` (a sorted int array): the seniority of each contact's job
        position (see :func:`..scoring.professional.seniority`, computed once per distinct
        position), the size of its employer (the parent company's employee count if a field
        holds one, else its number of active contacts) and its account for the B2B scores
        (its commercial partner when that is an active company, else 0; see
        ``social.crm.account.score._social_account_members``): two queries, the distinct
        job positions, then the numbers streamed by binary COPY."""
        levels = numpy.zeros(len(ids))
        sizes = numpy.zeros(len(ids))
        accounts = numpy.zeros(len(ids), numpy.int64)
        result = {"professional_level": levels, "employer_size": sizes, "account": accounts}
        if not len(ids):
            return result
        population = _array(ids.tolist())
        titles = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """SELECT DISTINCT function FROM res_partner
                        WHERE id = ANY(%s::int[]) AND function > ''""",
                    population,
                )
            )
        ]
        employee_field = self._social_score_employee_field()
        declared = (
            SQL("NULLIF(parent.%s, 0)", SQL.identifier(employee_field))
            if employee_field
            else SQL("NULL::int")
        )
        found_ids, found_levels, found_sizes, found_accounts = _copy_columns(
            self.env.cr,
            SQL(
                """WITH pop AS (SELECT id, function, parent_id, commercial_partner_id
                                  FROM res_partner WHERE id = ANY(%(ids)s::int[])),
                        staff AS (SELECT parent_id, COUNT(*) AS people FROM res_partner
                                   WHERE active AND parent_id IN (SELECT parent_id FROM pop)
                                GROUP BY parent_id)
                   SELECT pop.id, COALESCE(title.level, 0)::int4,
                          GREATEST(COALESCE(%(declared)s, staff.people, 0), 0)::int4,
                          COALESCE(account.id, 0)::int4
                     FROM pop
                LEFT JOIN unnest(%(titles)s::varchar[], %(levels)s::int[])
                          AS title(function, level) ON title.function = pop.function
                LEFT JOIN res_partner AS parent ON parent.id = pop.parent_id
                LEFT JOIN staff ON staff.parent_id = pop.parent_id
                LEFT JOIN res_partner AS account
                       ON account.id = pop.commercial_partner_id
                      AND account.is_company AND account.active""",
                ids=population,
                titles=titles,
                levels=[seniority(title)[0] for title in titles],
                declared=declared,
            ),
            ("int4", "int4", "int4", "int4"),
        )
        positions = numpy.searchsorted(ids, found_ids)
        levels[positions] = found_levels
        sizes[positions] = found_sizes
        accounts[positions] = found_accounts
        return result

    @api.model
    def _social_score_run_company(self, company, now=None, only=None, commit_progress=None):
        """Score one company's contacts and write the results; returns (contacts scored,
        time left of the cron or None outside a cron)."""
        now = now or fields.Datetime.now()
        settings = company._social_score_settings(now)
        History = self.env["social.crm.score.history"]
        self.env.flush_all()
        with _snapshot_reader(self.env.cr) as reader:
            partner_ids, columns, edges = self._social_score_read_inputs(
                company, settings, now, reader=reader
            )
            previous = None
            if only is None and reader is not None:
                # the current rows are read beside the maths and the account step
                History.flush_model()
                previous = reader(*History._current_scores_query(company, parts=True))
            table = compute_score_table(partner_ids, columns, edges, settings)
            # the B2B accounts from the same table (a few queries, whatever their number)
            self.env["social.crm.account.score"]._social_account_run(
                company, table, now, only=only, accounts=columns["account"]
            )
            if previous is not None:
                previous = previous.result()
            elif only is None:
                previous = History._current_scores(company, parts=True)
        settings_json = _settings_json(settings)
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
            company.sudo().social_score_last_run = now  # sudo: a run's bookkeeping, any user
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
        query to find them, then a fixed number per company and batch, whatever its size).

        Their numbers are what the network sent with the posts (followers of the identity,
        the posts' reactions) and their news mentions and professional inputs; the company's
        other contacts count with the numbers of their current rows (the last run), so the
        score, tier and explanation are those the nightly run would give, up to the others'
        changes since. The rows are flagged provisional; the next run replaces them.

        An author already scored for the post's company whose followers (all its identities
        there, as the network now sends them) reach the floor of a higher tier than its
        current one is scored again the same way: an account that went viral is known by its
        next post, not the next night. Lower numbers wait for the run (a tier is never taken
        away during the day). The accounts (company contacts) of the contacts scored follow
        the same way (see ``social.crm.account.score._social_account_raise``). Returns the
        contacts scored."""
        if not posts:
            return self.browse()
        self.env.flush_all()
        return self._social_score_provisional_rows(
            SQL(
                """social_crm_post AS post
                   JOIN res_partner AS p ON p.id = post.partner_id"""
            ),
            SQL("post.id = ANY(%s::int[])", _array(posts.ids)),
            SQL("post.company_id"),
        )

    @api.model
    def _social_score_provisional_partners(self, partners):
        """Score now, as on arrival of a post (see :meth:`_social_score_provisional`), these
        contacts that just got identities (a user moved an identity to them, contacts were
        merged): in each company where they have one, if they are unscored there or their
        followers there now reach a higher tier's floor. Returns the contacts scored."""
        if not partners:
            return self.browse()
        self.env.flush_all()
        return self._social_score_provisional_rows(
            SQL(
                """social_crm_identity AS ident
                   JOIN res_partner AS p ON p.id = ident.partner_id"""
            ),
            SQL("p.id = ANY(%s::int[])", _array(partners.ids)),
            SQL("ident.company_id"),
        )

    @api.model
    def _social_score_provisional_rows(self, source, condition, company):
        """Score provisionally the contacts ``p`` of the SQL ``source`` (tables joined)
        meeting ``condition``, in the company ``company`` (an SQL expression) that have an
        identity there and are eligible (see :meth:`_social_score_eligible_sql`): unscored
        ones, and those scored for that company whose followers there reach the floor of a
        higher tier than their current one (one query, then a fixed number per company)."""
        # the (company, contact) pairs first, materialized: a few hundred rows whatever the
        # tables' statistics say (just after a batch's inserts they are stale, and a plan
        # joining the posts to every identity of the company cost 50 ms per batch)
        rows = self.env.execute_query(
            SQL(
                """WITH src AS MATERIALIZED (
                        SELECT DISTINCT %(company)s AS company_id, p.id AS partner_id
                          FROM %(source)s
                         WHERE %(condition)s)
                   SELECT src.company_id, p.id, h.id IS NOT NULL, h.tier,
                          (SELECT SUM(GREATEST(COALESCE(o.followers_count, 0), 0))::float8
                             FROM social_crm_identity AS o
                            WHERE o.partner_id = p.id AND o.company_id = src.company_id)
                     FROM src
                     JOIN res_partner AS p ON p.id = src.partner_id
                LEFT JOIN social_crm_score_history AS h
                       ON h.partner_id = p.id AND h.is_current
                    WHERE (h.id IS NULL OR h.company_id = src.company_id)
                      AND EXISTS (SELECT 1 FROM social_crm_identity AS i
                                   WHERE i.partner_id = p.id AND i.company_id = src.company_id)
                      AND %(eligible)s""",
                company=company,
                source=source,
                condition=condition,
                eligible=self._social_score_eligible_sql(SQL("src.company_id")),
            )
        )
        by_company = defaultdict(list)
        settings = {}
        for company_id, partner_id, scored, tier, followers in rows:
            if scored:
                if company_id not in settings:
                    company = self.env["res.company"].sudo().browse(company_id)
                    settings[company_id] = company._social_score_settings()
                if not _floor_promotes(settings[company_id], tier, followers):
                    continue
            by_company[company_id].append(partner_id)
        now = fields.Datetime.now()
        scored = []
        for company_id, partner_ids in sorted(by_company.items()):
            # sudo: the author's company may not be among the ingesting user's companies
            company = self.env["res.company"].sudo().browse(company_id)
            scored += self._social_score_provisional_company(company, sorted(partner_ids), now)
        return self.browse(scored)

    def _social_score_unscored_elsewhere(self):
        """These contacts whose current score belongs to a company where they have no
        social identity any more (one query)."""
        if not self.ids:
            return self.browse()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT h.partner_id FROM social_crm_score_history AS h
                    WHERE h.is_current AND h.partner_id = ANY(%s)
                      AND NOT EXISTS (SELECT 1 FROM social_crm_identity AS i
                                       WHERE i.partner_id = h.partner_id
                                         AND i.company_id = h.company_id)""",
                self.ids,
            )
        )
        return self.browse([row[0] for row in rows])

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
                          COALESCE(professional_post_count, 0)::float8,
                          COALESCE(professional_level, 0)::float8,
                          COALESCE(employer_size, 0)::float8,
                          COALESCE(network_lift, 0)::float8, COALESCE(mentioned_by, 0)::int4
                     FROM social_crm_score_history
                    WHERE is_current AND company_id = %s AND partner_id != ALL(%s::int[])
                 ORDER BY partner_id""",
                company.id,
                _array(new_ids),
            ),
            ("int4", *(("float8",) * 12), "int4"),
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
            "professional_posts",
            "professional_level",
            "employer_size",
        )
        count = len(new_ids)
        ids = [*known[0].tolist(), *new_ids]
        columns = {
            name: numpy.concatenate([numpy.asarray(column, float), new_columns[name]])
            for name, column in zip(names, known[1:12], strict=True)
        }
        network = known_network(
            ids,
            numpy.concatenate([known[12], numpy.zeros(count)]),
            numpy.concatenate([known[13], numpy.zeros(count, numpy.int64)]),
        )
        table = compute_score_table(ids, columns, (), settings, network=network)
        self.env["social.crm.score.history"]._write_scores(
            company,
            table,
            now,
            _settings_json(settings),
            only=self.browse(new_ids),
            provisional=True,
        )
        # their accounts follow at once, only upwards (the night lowers them)
        self.env["social.crm.account.score"]._social_account_raise(company, new_ids, now)
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
