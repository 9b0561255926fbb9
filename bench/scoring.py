#!/usr/bin/env python3
"""bench/scoring: the Social Customer Score of 100,000 contacts against a hand-written SQL floor.

A fresh database ``bench_scoring`` (social_crm_scoring, no demo data) gets 100,000 contacts,
300,000 identities (3 per contact, 8 networks, heavy-tailed follower counts) and 1,000,000
posts (heavy-tailed per author, over the last year, 20 % mentioning another account of the same
network, 10 % replying to an earlier post), generated in SQL (``INSERT ... SELECT
generate_series``). Then, in the same transaction (rolled back at the end):

* ``res.partner._social_score_recompute()``, the real model method: batched reads, the maths
  of ``social_crm_scoring.scoring`` (PageRank included), 100,000 scores and history rows
  written in chunks. Run twice: the first run inserts the day's history rows, the second
  updates them (same day);
* the floor: one hand-written SQL aggregate of the reach (followers over all identities) and
  brand-mention (decayed post count) parts of every contact, rows fetched into Python.

Prints the times, the ratio to the floor, a phase breakdown and the peak memory.

Usage: python3 bench/scoring.py [--contacts 100000] [--keep-db] [--tracemalloc]
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

DBNAME = "bench_scoring"
NETWORKS = ("x", "mastodon", "bluesky", "facebook", "instagram", "linkedin", "xing", "youtube")


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
    # identity k (1-based) belongs to contact (k - 1) / 3, network = k %% 8; followers are
    # heavy-tailed (Pareto-like, most below 200, a few in the millions)
    cr.execute(
        SQL(
            """INSERT INTO social_crm_identity (partner_id, company_id, network_id, external_id,
                                                handle, followers_count, origin,
                                                create_uid, write_uid, create_date, write_date)
               SELECT %(first)s + (k - 1) / %(per)s, %(company)s, (%(networks)s::int[])[k %% 8 + 1],
                      'b' || k, 'bench_' || k,
                      LEAST(FLOOR(20 * POWER(1 - random(), -1.3)), 5000000)::int, 'listening',
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
    cr.execute(SQL("ANALYZE res_partner, social_crm_identity, social_crm_post, social_crm_network"))
    env.invalidate_all()
    return time.perf_counter() - started


def floor(env, half_life_days=30):
    """Hand-written SQL: reach and decayed brand mentions of every contact, fetched."""
    from odoo.tools import SQL

    started = time.perf_counter()
    env.cr.execute(
        SQL(
            """SELECT COALESCE(r.partner_id, m.partner_id), r.followers, r.identities,
                      m.mentions, m.decayed
                 FROM (SELECT partner_id, SUM(followers_count) AS followers,
                              COUNT(*) AS identities
                         FROM social_crm_identity WHERE company_id = %(company)s
                     GROUP BY partner_id) AS r
            FULL JOIN (SELECT partner_id, COUNT(*) AS mentions,
                              SUM(POWER(0.5::float8, LEAST(EXTRACT(EPOCH FROM
                                  ((now() AT TIME ZONE 'UTC') - posted_at))
                                  / (86400.0 * %(half_life)s), 1000))) AS decayed
                         FROM social_crm_post WHERE company_id = %(company)s
                     GROUP BY partner_id) AS m
                   ON m.partner_id = r.partner_id""",
            company=env.company.id,
            half_life=half_life_days,
        )
    )
    rows = env.cr.fetchall()
    return time.perf_counter() - started, len(rows)


def phases(env):
    """Time the steps of the model's run separately (same code, called step by step)."""
    from odoo import fields
    from odoo.addons.social_crm_scoring.scoring import compute_score_table

    partner = env["res.partner"]
    company = env.company
    now = fields.Datetime.now()
    timings = {}
    started = time.perf_counter()
    population = partner._social_score_population(company)[company.id]
    timings["population query"] = time.perf_counter() - started
    settings = company._social_score_settings(now)
    started = time.perf_counter()
    columns, edges = partner._social_score_read_inputs(company, population, settings, now)
    timings["input queries (identities, posts, graph)"] = time.perf_counter() - started
    started = time.perf_counter()
    table = compute_score_table(population, columns, edges, settings)
    timings["maths (scoring package, PageRank)"] = time.perf_counter() - started
    started = time.perf_counter()
    partner._social_score_write_table(company, table, now, "{}")
    timings["writes (scores, history, leads)"] = time.perf_counter() - started
    return timings, len(edges)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keep-db", action="store_true", help="reuse bench_scoring if it exists")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations of a third run (slower)",
    )
    args = parser.parse_args()

    with odoo_env(DBNAME, ["social_crm_scoring"], rebuild=not args.keep_db) as env:
        env = env(context=dict(env.context, active_test=False))
        from odoo.addons.social_crm_scoring.scoring import HAS_NUMPY

        print(
            f"generating {args.contacts:,} contacts, {args.contacts * 3:,} identities, "
            f"{args.posts:,} posts …",
            flush=True,
        )
        generated = generate(env, args.contacts, posts=args.posts)
        print(f"  generated in {generated:.1f} s (SQL, not timed below)")
        partner = env["res.partner"]
        rss_before = rss_mib()

        times = []
        for label in ("first run (history rows inserted)", "second run (same day: rows updated)"):
            started = time.perf_counter()
            counts = partner._social_score_recompute(companies=env.company)
            env.flush_all()
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            print(
                f"model _social_score_recompute, {label}: {elapsed:.2f} s "
                f"({sum(counts.values()):,} contacts scored)"
            )
        rss_after = rss_mib()

        floors = []
        for _ in range(2):
            elapsed, rows = floor(env)
            floors.append(elapsed)
        best_floor = min(floors)
        print(
            f"floor (hand-written SQL: reach + decayed mentions, {rows:,} rows fetched): "
            f"{best_floor:.2f} s (best of 2)"
        )
        best = min(times)
        print(
            f"ratio model / floor: {best / best_floor:.1f}x (best model run), "
            f"{times[0] / best_floor:.1f}x (first run)"
        )

        timings, edges = phases(env)
        print(f"phases of one run ({edges:,} mention/reply edges, numpy: {HAS_NUMPY}):")
        for name, value in timings.items():
            print(f"  {name:45s} {value:6.2f} s")

        scored = env["res.partner"].search_count([("social_score_tier", "!=", False)])
        influencers = env["res.partner"].search_count([("is_social_influencer", "=", True)])
        history = env["social.crm.score.history"].search_count([])
        print(
            f"check: {scored:,} contacts with a tier, {influencers:,} influencers, "
            f"{history:,} history rows"
        )
        print(
            f"peak memory (max RSS of this process): {rss_after:.0f} MiB "
            f"({rss_after - rss_before:+.0f} MiB during the model runs)"
        )
        if args.tracemalloc:
            tracemalloc.start()
            started = time.perf_counter()
            partner._social_score_recompute(companies=env.company)
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"tracemalloc: peak {peak / 2**20:.0f} MiB of Python allocations in one run "
                f"({elapsed:.1f} s with tracing)"
            )
        print(
            f"target: <= 60 s and <= 3x the floor -> model {best:.1f} s, {best / best_floor:.1f}x"
        )


if __name__ == "__main__":
    main()
