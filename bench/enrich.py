#!/usr/bin/env python3
"""bench/enrich: profile look-ups of many identities against the bare ORM write of their rows.

N X identities (default 100,000, ten per contact, known by their network id only: the look-up
learns handle and name) are looked up by ``social.crm.identity._enrich`` against a fake X API
answering in-process at the HTTP boundary (``requests.Session.send``: the real tweepy client,
JSON parsing, cleaning and storage run; only the socket is skipped): batches of 100 users, each
stored in a savepoint with the identities' counts, state, dates, name, handle and profile URL,
and today's count history row.

The floor is what must be done at the least, with the bare ORM and no look-up: per batch of 100,
``create`` of the 100 count history rows (the same rows) and the identities' new counts written
in one bulk update (``_ingest_upsert``), no HTTP, no parsing, no decision, no state or dates.
Both run in one transaction rolled back after each run; the tables start each run as a
production database has them: the rows of the runs rolled back before are vacuumed away (else a
run scans the dead rows of the runs before it: the second run of a round many more than the
first) and the identities just generated are analysed (the job looks up identities known
before, whose statistics autovacuum keeps; without them PostgreSQL reads the whole table per
batch of 100, a cost that grows with the square of the number of identities). The best of
``--rounds`` is printed with the ratio, then the SQL queries per batch at two sizes (constant:
they do not grow with the number of identities), for the pipeline and the floor.

The pipeline writes its history rows with one ``INSERT ... ON CONFLICT`` per batch, not through
the ORM's ``create``: for comparison a second, harder floor (not the goal's) is printed too, the
same rows written by one plain ``INSERT ... SELECT FROM unnest(...)`` per batch (no look-up
of existing rows, no conflict handling) and the counts by the same bulk update.

Usage: python3 bench/enrich.py [--identities 100000] [--db bench_enrich] [--rounds 2] [--profile]
"""

import argparse
import json
import os
import sys
import time
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

BATCH = 100


def fake_send(session, prepared, **kwargs):
    """GET /2/users?ids=…: every user found, with counts derived from the id."""
    ids = parse_qs(urlsplit(prepared.url).query).get("ids", [""])[0].split(",")
    body = {"data": [{
        "id": i, "name": f"User {i}", "username": f"u{i}",
        "public_metrics": {"followers_count": int(i) % 9973, "following_count": 10,
                           "tweet_count": int(i) % 101, "listed_count": 1},
    } for i in ids if i]}
    response = requests.Response()
    response.status_code = 200
    response.url = prepared.url
    response.request = prepared
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(body).encode()
    return response


def prepare(env, count):
    x = env.ref("social_crm.network_x")
    env["social.crm.source"].create({"name": "bench", "network_id": x.id, "kind": "search",
                                     "query": "acme", "bearer_token": "bench-token"})
    partners = env["res.partner"].create([{"name": f"Bench {i}"}
                                          for i in range(max(1, count // 10))])
    vals = [{"partner_id": partners[i % len(partners)].id, "network_id": x.id,
             "company_id": env.company.id, "external_id": str(10_000_000 + i),
             "origin": "listening"} for i in range(count)]
    Identity = env["social.crm.identity"].with_context(social_crm_ingest=True)
    identities = Identity._ingest_upsert(vals_list=vals)
    env.flush_all()
    env.invalidate_all()
    from odoo.tools import SQL

    # statistics of the generated rows, as autovacuum keeps them for identities known before
    # (ANALYZE counts the rows this transaction inserted)
    env.cr.execute(SQL("ANALYZE social_crm_identity, res_partner"))
    return identities


def vacuum(env):
    """VACUUM ANALYZE the tables the runs write (outside the bench's transaction): the rows
    of the runs rolled back are gone, as autovacuum would remove them."""
    from odoo.tools import SQL

    with env.registry.cursor() as cr:
        cr.rollback()
        cr._cnx.autocommit = True
        try:
            for table in ("social_crm_identity", "social_crm_identity_metric", "res_partner"):
                cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
        finally:
            cr._cnx.autocommit = False


def run_pipeline(env, identities):
    start = time.perf_counter()
    with patch.object(requests.sessions.Session, "send", fake_send):
        summary = identities._enrich()
    env.flush_all()
    elapsed = time.perf_counter() - start
    assert summary["found"] == len(identities), summary
    return elapsed


def run_floor(env, identities):
    from odoo import fields

    start = time.perf_counter()
    Metric = env["social.crm.identity.metric"]
    today = fields.Date.context_today(env.user)
    for i in range(0, len(identities), BATCH):
        batch = identities[i:i + BATCH]
        counts = [{"followers_count": int(e) % 9973, "following_count": 10,
                   "posts_count": int(e) % 101, "listed_count": 1}
                  for e in batch.mapped("external_id")]
        Metric.create([dict(c, identity_id=identity.id, date=today)
                       for c, identity in zip(counts, batch, strict=True)])
        env["social.crm.identity"]._ingest_upsert(
            updates=[(identity.id, c) for c, identity in zip(counts, batch, strict=True)])
    env.flush_all()
    return time.perf_counter() - start


def run_sql_floor(env, identities):
    """The floor with the history rows written by one plain SQL INSERT per batch."""
    from odoo import fields
    from odoo.tools import SQL

    start = time.perf_counter()
    today = fields.Date.context_today(env.user)
    now = env.cr.now()
    for i in range(0, len(identities), BATCH):
        batch = identities[i:i + BATCH]
        counts = [{"followers_count": int(e) % 9973, "following_count": 10,
                   "posts_count": int(e) % 101, "listed_count": 1}
                  for e in batch.mapped("external_id")]
        env.cr.execute(SQL(
            """INSERT INTO social_crm_identity_metric
                      (identity_id, partner_id, company_id, date, followers_count,
                       following_count, posts_count, listed_count, create_uid, write_uid,
                       create_date, write_date)
               SELECT v.i, v.p, v.c, %(day)s, v.f, v.g, v.n, v.l, %(uid)s, %(uid)s,
                      %(now)s, %(now)s
                 FROM unnest(%(i)s::int4[], %(p)s::int4[], %(c)s::int4[], %(f)s::int4[],
                             %(g)s::int4[], %(n)s::int4[], %(l)s::int4[])
                   AS v(i, p, c, f, g, n, l)""",
            day=today, uid=env.uid, now=now, i=batch.ids,
            p=[identity.partner_id.id or None for identity in batch],
            c=[identity.company_id.id or None for identity in batch],
            f=[c["followers_count"] for c in counts], g=[c["following_count"] for c in counts],
            n=[c["posts_count"] for c in counts], l=[c["listed_count"] for c in counts],
        ))
        env["social.crm.identity"]._ingest_upsert(
            updates=[(identity.id, c) for c, identity in zip(counts, batch, strict=True)])
    env.flush_all()
    return time.perf_counter() - start


def queries_per_batch(env, identities, func=None):
    before = env.cr.sql_log_count
    if func:
        func(env, identities)
    else:
        with patch.object(requests.sessions.Session, "send", fake_send):
            identities._enrich()
    env.flush_all()
    return (env.cr.sql_log_count - before) / ((len(identities) + BATCH - 1) // BATCH)


def profile(env, count):
    """cProfile of one pipeline run: where the time goes, by cumulative and own time."""
    import cProfile
    import pstats

    env.cr.execute("SAVEPOINT bench")
    identities = prepare(env, count)
    profiler = cProfile.Profile()
    profiler.runcall(run_pipeline, env, identities)
    env.cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--db", default="bench_enrich")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of one pipeline run instead of the timings")
    args = parser.parse_args()
    with odoo_env(args.db, ["social_crm"], rebuild=args.rebuild) as env:
        if args.profile:
            profile(env, args.identities)
            return
        vacuum(env)
        results = {"pipeline": [], "floor": [], "sql floor": []}
        runs = (("floor", run_floor), ("pipeline", run_pipeline), ("sql floor", run_sql_floor))
        for _round in range(args.rounds):
            for name, func in runs:
                env.cr.execute("SAVEPOINT bench")
                identities = prepare(env, args.identities)
                results[name].append(func(env, identities))
                env.cr.execute("ROLLBACK TO SAVEPOINT bench")
                env.invalidate_all()
                vacuum(env)
        per_batch = {}
        for size in (BATCH * 5, BATCH * 50):
            for name, func in (("pipeline", None), ("floor", run_floor)):
                env.cr.execute("SAVEPOINT bench")
                per_batch[size, name] = queries_per_batch(env, prepare(env, size), func)
                env.cr.execute("ROLLBACK TO SAVEPOINT bench")
                env.invalidate_all()
                vacuum(env)
        pipeline, floor = min(results["pipeline"]), min(results["floor"])
        sql_floor = min(results["sql floor"])
        print(f"bench/enrich: {args.identities:,} X identities, batches of {BATCH}")
        print(f"  pipeline (_enrich, fake X API)   {pipeline:7.2f} s"
              f"  ({args.identities / pipeline:,.0f} identities/s)")
        print(f"  floor (history rows + counts)    {floor:7.2f} s"
              f"  ({args.identities / floor:,.0f} identities/s)")
        print(f"  ratio                            {pipeline / floor:7.2f}x  (goal <= 1.5x)")
        print(f"  (harder floor: history rows by one SQL INSERT per batch + counts "
              f"{sql_floor:.2f} s; pipeline / it {pipeline / sql_floor:.2f}x)")
        for size in (BATCH * 5, BATCH * 50):
            print(f"  SQL queries per batch of {BATCH} ({size:,} identities): "
                  f"pipeline {per_batch[size, 'pipeline']:.1f}, "
                  f"floor {per_batch[size, 'floor']:.1f}")
        batches = (BATCH * 50 - BATCH * 5) // BATCH
        for name in ("pipeline", "floor"):
            extra = (per_batch[BATCH * 50, name] * 50 - per_batch[BATCH * 5, name] * 5) / batches
            print(f"  {name}: each further batch of {BATCH} costs {extra:.1f} queries")


if __name__ == "__main__":
    main()
