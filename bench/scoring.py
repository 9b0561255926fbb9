#!/usr/bin/env python3
"""bench/scoring: the Social Customer Score of 100,000 contacts against a hand-written SQL floor.

A database ``bench_scoring`` (social_crm_scoring, no demo data) gets 100,000 contacts,
300,000 identities (3 per contact, 8 networks, heavy-tailed follower counts) and 1,000,000
posts (heavy-tailed per author, over the last year, 20 % mentioning another account of the same
network, 10 % replying to an earlier post, whose author is then among the mentioned accounts
as the connectors store it), 50,000 confirmed news mentions on 3 portals of reach 1, 2
and 5, a job position on 40 % of the contacts and an employer (1 of 1,000 companies) on half
of them, generated in SQL (``INSERT ... SELECT generate_series``),
committed and vacuumed like a production database (reused with ``--keep-db``); the
mention/reply rows the module keeps at ingestion (``social.crm.mention``) are built from them
once, as on installation (timed apart). Then:

* ``res.partner._social_score_recompute()``, the real model method (batched reads streamed
  by binary COPY, the maths of ``social_crm_scoring.scoring`` with PageRank, history rows
  written in chunks; the contacts' scores are their current history rows), three times: the
  first scoring (a history row for every contact), the next night (one day later: only the
  contacts whose whole-percent score, tier or flag changed get a new row) and a rerun the
  same day. Each run is committed and followed by a VACUUM and a checkpoint, as autovacuum
  and the checkpointer would between two nights; the whole sequence runs ``--rounds`` times
  from unscored contacts (best time of each kind kept), the scores are reset at the end;
* the floor: one hand-written SQL aggregate of the reach (followers over all identities) and
  brand-mention (decayed post count, same float8 decay expression as the model) parts of
  every contact, rows fetched into Python; best of four, with the default planner settings
  and with the model's (no JIT, more work_mem);
* for the first scoring's writes, a bare ``INSERT ... SELECT`` of one history row per
  contact (rolled back): what writing those rows costs, whoever writes them.

Prints the times and CPU times (this process plus its PostgreSQL backends: the run reads on
two connections sharing one snapshot) of the runs, the ratio of each run to the floor, a
phase breakdown of one more nightly run (rolled back) and the peak memory.

Usage: python3 bench/scoring.py [--contacts 100000] [--keep-db] [--rounds 2] [--tracemalloc]
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

DBNAME = os.environ.get("SOCIAL_CRM_BENCH_DB", "bench_scoring")  # own name: parallel runs
NETWORKS = ("x", "mastodon", "bluesky", "facebook", "instagram", "linkedin", "xing", "youtube")


def cpu_seconds(env):
    """CPU time so far of this process plus the PostgreSQL backends connected to the bench
    database (the run's cursor and the second connection it reads beside it; parallel
    workers, which come and go, are not counted): a figure that the load of other programs
    on the machine inflates far less than the wall clock. Linux, same machine only."""
    from odoo.tools import SQL

    env.cr.execute(SQL("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
    ticks = 0
    for (pid,) in env.cr.fetchall():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # another machine, or gone
            continue
        ticks += int(fields[11]) + int(fields[12])
    return time.process_time() + ticks / os.sysconf("SC_CLK_TCK")


def rss_mib():
    """Peak resident memory of this process so far, in MiB (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(env, contacts, identities_per_contact=3, posts=1_000_000):
    from odoo.tools import SQL

    cr = env.cr
    company = env.company.id
    by_code = {
        n.code: n.id for n in env["social.crm.network"].with_context(active_test=False).search([])
    }
    network_ids = [by_code[code] for code in NETWORKS]
    n_identities = contacts * identities_per_contact
    slots = n_identities // len(NETWORKS)  # identity index = 8 * j + residue, residue = network
    started = time.perf_counter()
    cr.execute(
        SQL(
            """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                        create_uid, write_uid, create_date, write_date)
               SELECT 'Bench Contact ' || g, 'Bench Contact ' || g, TRUE, 'contact', FALSE,
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM generate_series(1, %s) AS g
            RETURNING id""",
            contacts,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    first_partner = min(partner_ids)
    # B2B accounts: every 5th contact works at one of contacts / 50 companies (the companies
    # have no identity of their own: their account score comes from their people)
    accounts = max(contacts // 50, 1)
    cr.execute(
        SQL(
            """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                        create_uid, write_uid, create_date, write_date)
               SELECT 'Bench Company ' || g, 'Bench Company ' || g, TRUE, 'contact', TRUE,
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM generate_series(1, %s) AS g
            RETURNING id""",
            accounts,
        )
    )
    first_account = min(row[0] for row in cr.fetchall())
    cr.execute(
        SQL(
            """UPDATE res_partner SET commercial_partner_id = id
                WHERE id BETWEEN %(first)s AND %(last)s""",
            first=first_account,
            last=first_account + accounts - 1,
        )
    )
    cr.execute(
        SQL(
            """UPDATE res_partner
                  SET parent_id = %(account)s + ((id - %(first)s) / 5) %% %(accounts)s,
                      commercial_partner_id = %(account)s + ((id - %(first)s) / 5) %% %(accounts)s
                WHERE id BETWEEN %(first)s AND %(last)s AND (id - %(first)s) %% 5 = 0""",
            account=first_account,
            first=first_partner,
            last=max(partner_ids),
            accounts=accounts,
        )
    )
    # identity k (1-based) belongs to contact (k - 1) / 3, network = k %% 8; followers are
    # heavy-tailed (Pareto-like, most below 200, a few in the millions)
    cr.execute(
        SQL(
            """INSERT INTO social_crm_identity (partner_id, company_id, network_id, external_id,
                                                handle, followers_count, origin,
                                                lookup_state,
                                                create_uid, write_uid, create_date, write_date)
               SELECT %(first)s + (k - 1) / %(per)s, %(company)s, (%(networks)s::int[])[k %% 8 + 1],
                      'b' || k, 'bench_' || k,
                      LEAST(FLOOR(20 * POWER(1 - random(), -1.3)), 5000000)::int, 'listening',
                      'ok',
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM generate_series(1, %(count)s) AS k""",
            first=first_partner,
            per=identities_per_contact,
            company=company,
            networks=network_ids,
            count=n_identities,
        )
    )
    cr.execute(SQL("SELECT id FROM social_crm_identity WHERE external_id = 'b1'"))
    identity_offset = cr.fetchone()[0] - 1  # identity k has id identity_offset + k
    # post g is written by identity 8 * j + g %% 8 (same network as post g - 8 i), j skewed
    # towards small values so that some authors post a lot
    cr.execute(
        SQL(
            """INSERT INTO social_crm_post (network_id, external_id, company_id, identity_id,
                                            partner_id, author_external_id, text, posted_at,
                                            fetched_at, like_count, repost_count, reply_count,
                                            quote_count, engagement_count, state,
                                            mentioned_external_ids, in_reply_to_external_id,
                                            create_uid, write_uid, create_date, write_date)
               SELECT (%(networks)s::int[])[q.k %% 8 + 1], 'p' || q.g, %(company)s,
                      %(offset)s + q.k, %(first)s + (q.k - 1) / %(per)s, 'b' || q.k,
                      'Bench post about ACME', q.posted_at, q.posted_at,
                      q.likes, q.likes / 4, q.likes / 10, q.likes / 20,
                      q.likes + q.likes / 4 + q.likes / 10 + q.likes / 20, 'new',
                      CASE WHEN q.g %% 5 = 0
                           THEN 'b' || (8 * (1 + FLOOR(random() * (%(slots)s - 1))::int)
                                        + q.g %% 8) END,
                      CASE WHEN q.g %% 10 = 3 AND q.g > 800
                           THEN 'p' || (q.g - 8 * (1 + FLOOR(random() * 100)::int)) END,
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM (SELECT g,
                              8 * (1 + FLOOR(POWER(random(), 2.5) * (%(slots)s - 1))::int)
                                + g %% 8 AS k,
                              (now() AT TIME ZONE 'UTC') - random() * INTERVAL '365 days'
                                AS posted_at,
                              LEAST(FLOOR(2 * POWER(1 - random(), -1.5)), 100000)::int
                                AS likes
                         FROM generate_series(1, %(count)s) AS g) AS q""",
            networks=network_ids,
            company=company,
            offset=identity_offset,
            first=first_partner,
            per=identities_per_contact,
            slots=slots,
            count=posts,
        )
    )
    # the connectors add the replied-to account to a post's mentioned accounts (X
    # in_reply_to_user_id, Mastodon mentions, Bluesky parent DID, Facebook parent author)
    cr.execute(
        SQL(
            """UPDATE social_crm_post AS p
                  SET mentioned_external_ids = concat_ws(' ', p.mentioned_external_ids,
                                                         q.author_external_id)
                 FROM social_crm_post AS q
                WHERE p.company_id = %(company)s AND p.in_reply_to_external_id IS NOT NULL
                  AND q.company_id = p.company_id AND q.network_id = p.network_id
                  AND q.external_id = p.in_reply_to_external_id
                  AND q.author_external_id != p.author_external_id
                  AND q.author_external_id != ALL(
                      string_to_array(COALESCE(p.mentioned_external_ids, ''), ' '))""",
            company=company,
        )
    )
    professional_inputs(env, partner_ids, company)
    cr.execute(
        SQL(
            "ANALYZE res_partner, social_crm_identity, social_crm_post, social_crm_network, "
            "social_crm_news_mention"
        )
    )
    env.invalidate_all()
    generated = time.perf_counter() - started
    return generated, build_mentions(env)


JOB_TITLES = (
    "CEO", "Geschäftsführer", "Head of Sales", "Leiterin Einkauf", "Software Developer",
    "Director Marketing", "Vorstand Finanzen", "Sales Manager", "Professor für Informatik",
    "Sachbearbeiter",
)


def professional_inputs(env, partner_ids, company, employers=1000, news_mentions=50_000):
    """The new inputs of the score, in SQL: a job position on 40 % of the contacts (10
    titles, 8 of them senior), an employer (one of ``employers`` companies, sizes skewed)
    for half of them, and ``news_mentions`` confirmed news mentions (heavy-tailed over the
    contacts) on articles of 3 news sources of reach 1, 2 and 5."""
    from odoo.tools import SQL

    cr = env.cr
    first, count = min(partner_ids), len(partner_ids)
    cr.execute(
        SQL(
            """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                        create_uid, write_uid, create_date, write_date)
               SELECT 'Bench Employer ' || g, 'Bench Employer ' || g, TRUE, 'contact', TRUE,
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM generate_series(1, %s) AS g
            RETURNING id""",
            employers,
        )
    )
    employer_ids = sorted(row[0] for row in cr.fetchall())
    cr.execute(
        SQL(
            """UPDATE res_partner
                  SET function = CASE WHEN id %% 5 < 2
                                      THEN (%(titles)s::varchar[])[id %% 10 + 1] END,
                      parent_id = CASE WHEN id %% 2 = 0
                                       THEN %(employer)s
                                            + FLOOR(POWER(random(), 3) * %(employers)s)::int
                                  END
                WHERE id BETWEEN %(first)s AND %(last)s""",
            titles=list(JOB_TITLES),
            employer=employer_ids[0],
            employers=employers,
            first=first,
            last=first + count - 1,
        )
    )
    rss = env.ref("social_crm.network_rss").id
    sources = env["social.crm.source"].create(
        [
            {"name": f"Bench portal {reach}", "network_id": rss, "kind": "feed",
             "query": f"https://portal{reach}.example/feed", "news_reach": reach,
             "news_match_contacts": True, "active": False}
            for reach in (1.0, 2.0, 5.0)
        ]
    )
    env.flush_all()
    # articles: news mentions point at bench posts (re-labelled as articles of the portals)
    cr.execute(
        SQL(
            """WITH picked AS (
                   SELECT DISTINCT ON (post_id, partner_id) post_id, partner_id
                     FROM (SELECT (SELECT MIN(id) FROM social_crm_post) + g AS post_id,
                                  %(first)s + FLOOR(POWER(random(), 2) * %(count)s)::int
                                    AS partner_id
                             FROM generate_series(0, %(mentions)s - 1) AS g) AS r)
               INSERT INTO social_crm_news_mention (partner_id, post_id, company_id,
                                                    source_id, published_at, title, url,
                                                    reach, state, create_uid, write_uid,
                                                    create_date, write_date)
               SELECT k.partner_id, k.post_id, %(company)s,
                      (%(sources)s::int[])[k.post_id %% 3 + 1], p.posted_at, 'Bench article',
                      'https://portal.example/' || k.post_id,
                      (%(reaches)s::float8[])[k.post_id %% 3 + 1], 'confirmed',
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM picked AS k JOIN social_crm_post AS p ON p.id = k.post_id""",
            first=first,
            count=count,
            mentions=news_mentions,
            company=company,
            sources=sources.ids,
            reaches=[1.0, 2.0, 5.0],
        )
    )


def build_mentions(env):
    """The mention/reply rows the module keeps as posts come in (one per post and mentioned
    account): generated posts bypass the ORM, so they are built in one go, as on
    installation. Returns the time it took (ingestion-time work, not part of the runs)."""
    started = time.perf_counter()
    env["social.crm.mention"]._rebuild()
    env.invalidate_all()
    return time.perf_counter() - started


def reset_scores(env):
    """Forget every score and history row (committed, vacuumed): each run starts unscored."""
    from odoo.tools import SQL

    # the contacts' current scores are their current history rows
    env.cr.execute(SQL("DELETE FROM social_crm_score_history"))
    env.cr.commit()
    env.invalidate_all()
    vacuum(env)


def vacuum(env):
    """VACUUM ANALYZE the generated tables (outside a transaction)."""
    from odoo.tools import SQL

    with env.registry.cursor() as cr:
        cr.rollback()
        cr._cnx.autocommit = True
        try:
            for table in (
                "res_partner",
                "social_crm_identity",
                "social_crm_post",
                "social_crm_score_history",
                "social_crm_mention",
            ):
                cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
            # and the writes flushed to disk, so that a checkpoint triggered by the previous
            # run's WAL does not land in the next run
            cr.execute(SQL("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
            if cr.fetchone()[0]:
                cr.execute(SQL("CHECKPOINT"))
        finally:
            cr._cnx.autocommit = False


def floor(env, half_life_days=30, fast_settings=False, textbook=False):
    """Hand-written SQL: reach and decayed brand mentions of every contact, fetched.

    The decay is the model's float8 expression (``exp`` of ``date_part``), which is much
    cheaper than ``POWER(0.5, EXTRACT(...))`` in numeric; ``fast_settings``: run it with the
    model's planner settings (no JIT, more work_mem) too, so that the floor gets the best of
    both."""
    import math

    from odoo.addons.social_crm_scoring.models.res_partner_score_run import _decay_sql, _fast_reads
    from odoo.tools import SQL

    now = env.cr.now().replace(tzinfo=None)
    decay = _decay_sql(now, math.log(2) / (half_life_days * 86400.0))
    if textbook:  # the obvious way to write it (numeric arithmetic), for comparison only
        decay = SQL(
            "POWER(0.5::float8, LEAST(EXTRACT(EPOCH FROM (%s - posted_at)) / %s, 1000))",
            now,
            86400.0 * half_life_days,
        )
    query = SQL(
        """SELECT COALESCE(r.partner_id, m.partner_id), r.followers, r.identities,
                  m.mentions, m.decayed
             FROM (SELECT partner_id, SUM(followers_count) AS followers,
                          COUNT(*) AS identities
                     FROM social_crm_identity WHERE company_id = %(company)s
                 GROUP BY partner_id) AS r
        FULL JOIN (SELECT partner_id, COUNT(*) AS mentions, SUM(%(decay)s) AS decayed
                     FROM social_crm_post WHERE company_id = %(company)s
                 GROUP BY partner_id) AS m
               ON m.partner_id = r.partner_id""",
        company=env.company.id,
        decay=decay,
    )
    started = time.perf_counter()
    if fast_settings:
        with _fast_reads(env.cr):
            env.cr.execute(query)
            rows = env.cr.fetchall()
    else:
        env.cr.execute(query)
        rows = env.cr.fetchall()
    return time.perf_counter() - started, len(rows)


def bare_insert(env):
    """Time one INSERT ... SELECT of a history row for every bench contact (the least a first
    scoring must write: one dated row per contact, with its foreign keys and indexes), in a
    savepoint that is rolled back. The values are constants: only the writing is timed."""
    from odoo.tools import SQL

    cr = env.cr
    cr.execute(SQL("SAVEPOINT bare_insert"))
    try:
        started = time.perf_counter()
        cr.execute(
            SQL(
                """INSERT INTO social_crm_score_history
                          (partner_id, company_id, date, score, tier, is_influencer, rank,
                           population, settings, is_current, reach_points, engagement_points,
                           mentions_points, network_points, professional_points, followers,
                           identity_count, post_count, reaction_count, mention_count,
                           mentions_decayed, mentioned_by, network_lift,
                           professional_followers, professional_identity_count)
                   SELECT id, %(company)s, %(date)s, 50, 'regular', FALSE, 1, 100000,
                          %(settings)s::jsonb, TRUE, 1.5, 2.5, 3.5, 4.5, 5.5, 100, 3, 2, 10.5,
                          1, 0.5, 1, 0.25, 0, 0
                     FROM res_partner WHERE name LIKE 'Bench Contact %%'""",
                company=env.company.id,
                date=dt.date(2000, 1, 1),
                settings='{"weights": {"reach": 0.3, "engagement": 0.25, "mentions": 0.2, '
                '"network": 0.15, "professional": 0.1}, "window_days": 90, '
                '"half_life_days": 30}',
            )
        )
        elapsed = time.perf_counter() - started
        return elapsed, cr.rowcount
    finally:
        cr.execute(SQL("ROLLBACK TO SAVEPOINT bare_insert"))


def phases(env, run_now):
    """Time the steps of one more nightly run (``run_now``: a day after the last run) step
    by step, as the model runs them: the inputs read on two connections (see
    ``_snapshot_reader``; the current rows are read there too, beside the maths), the
    maths, the account step, the writes. Rolled back."""
    from odoo.addons.social_crm_scoring.models.res_partner_score_run import _snapshot_reader
    from odoo.addons.social_crm_scoring.scoring import compute_score_table

    partner = env["res.partner"]
    history = env["social.crm.score.history"]
    company = env.company
    timings = {}
    settings = company._social_score_settings(run_now)
    env.cr.commit()  # a transaction that has written nothing, as the cron's
    started = time.perf_counter()
    with _snapshot_reader(env.cr) as reader:
        population, columns, edges = partner._social_score_read_inputs(
            company, settings, run_now, reader=reader
        )
        timings["input queries (2 connections: contacts+identities, posts, graph)"] = (
            time.perf_counter() - started
        )
        started = time.perf_counter()
        previous = reader(*history._current_scores_query(company, parts=True))
        table = compute_score_table(population, columns, edges, settings)
        timings["maths (scoring package, PageRank)"] = time.perf_counter() - started
        started = time.perf_counter()
        env["social.crm.account.score"]._social_account_run(
            company, table, run_now, accounts=columns["account"]
        )
        timings["B2B accounts (maths, rows)"] = time.perf_counter() - started
        started = time.perf_counter()
        previous = previous.result()
        timings["current rows (read beside the two above; wait)"] = time.perf_counter() - started
    started = time.perf_counter()
    written, _time_left = history._write_scores(
        company, table, run_now, "{}", previous=previous
    )
    timings[f"writes ({written:,} new rows, the others refreshed)"] = (
        time.perf_counter() - started
    )
    env.cr.rollback()
    return timings, len(edges)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keep-db", action="store_true", help="reuse the database if it exists")
    parser.add_argument("--db", default=DBNAME, help=f"database name (default {DBNAME})")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="how many times to run the three model runs from unscored contacts (the best "
        "time of each is compared with the floor, itself the best of four)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations of a third run (slower)",
    )
    args = parser.parse_args()

    with odoo_env(args.db, ["social_crm_scoring"], rebuild=not args.keep_db) as env:
        env = env(context=dict(env.context, active_test=False))
        from odoo import fields

        present = env["res.partner"].search_count([("name", "=like", "Bench Contact %")])
        if present != args.contacts:
            print(
                f"generating {args.contacts:,} contacts, {args.contacts * 3:,} identities, "
                f"{args.posts:,} posts …",
                flush=True,
            )
            generated, mentions = generate(env, args.contacts, posts=args.posts)
            # committed and vacuumed like a production database (hint bits set, statistics
            # fresh); the timed runs below happen in a transaction that is rolled back
            env.cr.commit()
            vacuum(env)
            print(f"  generated in {generated:.1f} s (SQL, committed, not timed below)")
        else:
            print(f"reusing the generated data of {args.db} (--keep-db)")
            mentions = None
            if not env["social.crm.mention"].search_count([], limit=1):
                mentions = build_mentions(env)
                env.cr.commit()
                vacuum(env)
        if mentions is not None:
            rows = env["social.crm.mention"].search_count([])
            print(
                f"  mention/reply rows built from the posts: {rows:,} in {mentions:.1f} s "
                "(kept up to date at ingestion in production; not timed below)"
            )
        partner = env["res.partner"]
        reset_scores(env)
        # the bare insert of one row per contact, on the same empty history as a first scoring
        args.bare_insert = min(bare_insert(env) for _ in range(2))
        env.cr.commit()
        vacuum(env)
        rss_before = rss_mib()

        now = fields.Datetime.now()
        runs = (
            ("first scoring (every score and history row written)", now),
            ("next day (nightly run, one day later)", now + dt.timedelta(days=1)),
            ("same-day rerun (unchanged rows left alone)", now + dt.timedelta(days=1, hours=1)),
        )
        times = [[] for _run in runs]
        cpu_times = [[] for _run in runs]
        try:
            for round_ in range(args.rounds):
                if round_:
                    reset_scores(env)
                for (label, run_now), elapsed_list, cpus in zip(
                    runs, times, cpu_times, strict=True
                ):
                    cpu = cpu_seconds(env)
                    started = time.perf_counter()
                    counts = partner._social_score_recompute(companies=env.company, now=run_now)
                    env.flush_all()
                    elapsed = time.perf_counter() - started
                    cpu = cpu_seconds(env) - cpu
                    elapsed_list.append(elapsed)
                    cpus.append(cpu)
                    print(
                        f"model _social_score_recompute, {label}: {elapsed:.2f} s, CPU "
                        f"{cpu:.2f} s ({sum(counts.values()):,} contacts scored; "
                        f"round {round_ + 1})",
                        flush=True,
                    )
                    # committed, then vacuumed as autovacuum would between two nights
                    env.cr.commit()
                    vacuum(env)
            times = [min(elapsed_list) for elapsed_list in times]
            args.cpu_times = [min(cpus) for cpus in cpu_times]
            rss_after = rss_mib()
            report(env, args, runs, times, rss_before, rss_after)
        finally:
            env.cr.rollback()
            reset_scores(env)


def report(env, args, runs, times, rss_before, rss_after):
    """Floor, ratios, phases, checks and memory (after the timed runs)."""
    from odoo.tools import SQL

    floors = []
    for fast in (False, True, False, True):
        elapsed, rows = floor(env, fast_settings=fast)
        floors.append(elapsed)
    best_floor = min(floors)
    # the floor's CPU time without parallel workers (whose time is not counted): all of its
    # work done by its one backend
    env.cr.execute(SQL("SAVEPOINT floor_cpu"))
    env.cr.execute(SQL("SET LOCAL max_parallel_workers_per_gather = 0"))
    cpu = cpu_seconds(env)
    floor_cpu_rows = floor(env, fast_settings=True)
    floor_cpu = cpu_seconds(env) - cpu
    env.cr.execute(SQL("ROLLBACK TO SAVEPOINT floor_cpu"))
    print(
        f"floor (hand-written SQL: reach + decayed mentions, {rows:,} rows fetched): "
        f"{best_floor:.2f} s (best of 4: default settings "
        f"{min(floors[0::2]):.2f} s, the model's read settings {min(floors[1::2]):.2f} s)"
    )
    textbook = min(floor(env, textbook=True)[0] for _ in range(2))
    print(
        f"  (the same aggregate with the textbook decay POWER(0.5, EXTRACT(...)), computed "
        f"in numeric: {textbook:.2f} s; not used as the floor)"
    )
    inserted = args.bare_insert
    print(
        f"  (writes alone: a bare INSERT ... SELECT of {inserted[1]:,} history rows, one per "
        f"contact as a first scoring must write, takes {inserted[0]:.2f} s, "
        f"{inserted[0] / best_floor:.1f}x the floor by itself)"
    )
    print(
        "ratio model / floor: "
        + ", ".join(
            f"{label.split(' (')[0]} {elapsed / best_floor:.1f}x"
            for (label, _now), elapsed in zip(runs, times, strict=True)
        )
    )

    print(
        "CPU time (this process + its PostgreSQL backends, best of the rounds): first "
        f"scoring {args.cpu_times[0]:.2f} s, next day {args.cpu_times[1]:.2f} s, same-day "
        f"rerun {args.cpu_times[2]:.2f} s; floor {floor_cpu:.2f} s (run without parallel "
        f"workers, {floor_cpu_rows[1]:,} rows) -> next day {args.cpu_times[1] / floor_cpu:.1f}x"
    )
    timings, edges = phases(env, runs[1][1] + dt.timedelta(days=1))
    print(f"phases of one nightly run ({edges:,} mention/reply edges):")
    for name, value in timings.items():
        print(f"  {name:66s} {value:6.2f} s")

    scored = env["res.partner"].search_count([("social_score_tier", "!=", False)])
    influencers = env["res.partner"].search_count([("is_social_influencer", "=", True)])
    history = env["social.crm.score.history"].search_count([])
    accounts = env["social.crm.account.score"].search_count([])
    print(
        f"check: {scored:,} contacts with a tier, {influencers:,} influencers, "
        f"{history:,} history rows, {accounts:,} account scores"
    )
    print(
        f"peak memory (max RSS of this process): {rss_after:.0f} MiB "
        f"({rss_after - rss_before:+.0f} MiB during the model runs)"
    )
    if args.tracemalloc:
        tracemalloc.start()
        started = time.perf_counter()
        env["res.partner"]._social_score_recompute(companies=env.company)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"tracemalloc: peak {peak / 2**20:.0f} MiB of Python allocations in one run "
            f"({elapsed:.1f} s with tracing)"
        )
    print(
        f"target: <= 60 s and <= 3x the floor -> recompute of all scores: nightly "
        f"{times[1]:.1f} s ({times[1] / best_floor:.1f}x), same-day rerun {times[2]:.1f} s "
        f"({times[2] / best_floor:.1f}x); first scoring of unscored contacts "
        f"{times[0]:.1f} s ({times[0] / best_floor:.1f}x, of which its 100,000 history rows "
        f"alone cost {args.bare_insert[0] / best_floor:.1f}x)"
    )


if __name__ == "__main__":
    main()
