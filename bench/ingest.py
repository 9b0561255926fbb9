#!/usr/bin/env python3
"""bench/ingest: the listening pipeline against a bare ORM batch create of the same posts.

10,000 realistic posts from 2,000 authors (500 already contacts with linked identities,
200 contacts whose handle was entered by hand, the rest unknown: new contacts are created)
go through ``social.crm.post._ingest_posts`` in batches of 1,000: dedupe, identity upsert with
count history, author resolution, post creation. The floor is ``social.crm.post.create`` of the
same posts in batches of 1,000 (identities of known authors only, nothing resolved). Both run
``--rounds`` times (3), alternating, in one transaction rolled back after each run; the best time
of each is printed with the ratio, in wall time and in CPU time of Odoo and its PostgreSQL backend
(on a shared machine the CPU time is the steadier figure). Then SQL queries per 100 posts at
batch sizes 100 and 1,000.

Every post names the brand's account, one in five also another author. With
``--with-scoring`` the database has social_crm_scoring installed: its hooks (a mention/reply
row per post and mentioned account, influencer to-dos) run in both the pipeline and the
floor, and rebuilding the mention rows of all posts is timed apart.

Usage: python3 bench/ingest.py [--posts 10000] [--authors 2000] [--with-scoring]
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

WORDS_DE = (
    "Lieferung Rückerstattung kaputt Danke Support Paket warte seit Tagen endlich "
    "großartig Akku App Update Rechnung Kundenservice schnell nie wieder Frechheit"
).split()
WORDS_EN = (
    "delivery refund broken thanks support parcel waiting since days finally great "
    "battery app update invoice customer service fast never again unacceptable"
).split()


FIRST = (
    "Anna Ben Clara David Emma Felix Greta Hannah Jonas Karl Lena Lukas Marie Max Mia Noah "
    "Olivia Paul Sophie Tom Emily James Oliver Amelia Harry Isla Jack Grace Leo Ella"
).split()
LAST = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter "
    "Klein Wolf Schröder Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans Walker "
    "Wright Thompson Robinson Green Hall Wood Clarke Lewis Hughes Edwards"
).split()


def make_posts(n_posts, n_authors, seed=7):
    from odoo.addons.social_crm.connectors.base import Author, Post

    rng = random.Random(seed)
    networks = ["x", "mastodon", "bluesky", "facebook"]
    authors = []
    for i in range(n_authors):
        net = networks[i % len(networks)]
        handle = {
            "mastodon": f"user{i}@social.example",
            "bluesky": f"user{i}.bsky.social",
            "facebook": f"user.{i}",
        }.get(net, f"user_{i}")
        authors.append(
            Author(
                network=net,
                external_id=handle.lower() if net == "mastodon" else f"{net}-{i}",
                handle=handle,
                display_name=" ".join(
                    (rng.choice(FIRST), rng.choice(LAST), rng.choice(["🚲", "", "✨"]))
                ).strip(),
                profile_url=None,
                bio=rng.choice(["", "Kaffee, Räder, Berlin.", "Writer. Opinions mine."]),
                followers_count=int(rng.paretovariate(1.2) * 50),
                following_count=rng.randint(0, 900),
                posts_count=rng.randint(1, 50000),
                listed_count=rng.randint(0, 30),
                verified=i % 97 == 0,
            )
        )
    now = dt.datetime.now(dt.UTC)
    posts = []
    for i in range(n_posts):
        author = authors[int(rng.paretovariate(1.0)) % n_authors if i % 3 else i % n_authors]
        words = WORDS_DE if i % 2 else WORDS_EN
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
        # every post names the brand's account; one in five another author of the network
        mentioned = [f"{author.network}-acme"]
        if i % 5 == 0:
            other = authors[rng.randrange(n_authors)]
            if other.network == author.network and other is not author:
                mentioned.append(other.external_id)
        posts.append(
            Post(
                network=author.network,
                external_id=f"{author.network}-post-{i}",
                text=f"@acme {text}",
                posted_at=now - dt.timedelta(minutes=i),
                author=author,
                url=f"https://example.net/p/{i}",
                lang="de" if i % 2 else "en",
                conversation_external_id=f"{author.network}-post-{i - i % 4}",
                like_count=rng.randint(0, 500),
                repost_count=rng.randint(0, 50),
                reply_count=rng.randint(0, 20),
                quote_count=rng.randint(0, 5),
                raw={"id": i, "text": text[:50]},
                mentioned_external_ids=tuple(mentioned),
            )
        )
    return authors, posts


def prepare(env, authors):
    """500 authors are contacts with linked identities, 200 contacts have a handle by hand;
    the 700 work at 100 B2B customers (company contacts), 7 each (with scoring: their
    accounts follow their arrival scores)."""
    networks = env["social.crm.network"]._by_code()
    partners = env["res.partner"].create(
        [{"name": authors[i * 2].display_name} for i in range(700)]
        + [{"name": f"{first} {last}"} for first in FIRST[:10] for last in LAST[:20]]
    )[:700]
    employers = env["res.partner"].create(
        [{"name": f"Bench Customer {j} GmbH", "is_company": True} for j in range(100)]
    )
    for j, employer in enumerate(employers):
        partners[j::100].write({"parent_id": employer.id})
    vals = []
    for i, partner in enumerate(partners):
        author = authors[i * 2]
        vals.append(
            {
                "partner_id": partner.id,
                "network_id": networks[author.network].id,
                "handle": author.handle,
                "external_id": author.external_id if i < 500 else False,
                "origin": "listening" if i < 500 else "manual",
            }
        )
    env["social.crm.identity"].with_context(social_crm_ingest=True).create(vals)
    env.flush_all()


def _cpu_of(pid):
    """CPU seconds used so far by process ``pid`` (the PostgreSQL backend of the cursor)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            parts = handle.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def timed(env, func, posts, batch, backend_pid):
    """(wall seconds, CPU seconds of this process and of its PostgreSQL backend): on a shared
    machine the CPU time says more than the wall time."""
    cpu = time.process_time() + _cpu_of(backend_pid)
    wall = func(env, posts, batch)
    return wall, time.process_time() + _cpu_of(backend_pid) - cpu


def run_pipeline(env, posts, batch):
    Post = env["social.crm.post"]
    start = time.perf_counter()
    for i in range(0, len(posts), batch):
        Post._ingest_posts(posts[i : i + batch])
        env.flush_all()
    return time.perf_counter() - start


def run_floor(env, posts, batch):
    Post = env["social.crm.post"]
    networks = env["social.crm.network"]._by_code()
    rows = env.execute_query(
        __import__("odoo").tools.SQL("SELECT network_id, external_id, id FROM social_crm_identity")
    )
    identities = {(nid, ext): iid for nid, ext, iid in rows}
    start = time.perf_counter()
    for i in range(0, len(posts), batch):
        vals_list = []
        for post in posts[i : i + batch]:
            nid = networks[post.network].id
            vals_list.append(
                {
                    "network_id": nid,
                    "external_id": post.external_id,
                    "identity_id": identities.get((nid, post.author.external_id), False),
                    "author_external_id": post.author.external_id,
                    "author_handle": post.author.handle,
                    "author_name": post.author.display_name,
                    "text": post.text,
                    "url": post.url,
                    "posted_at": post.posted_at.replace(tzinfo=None),
                    "lang": post.lang,
                    "conversation_external_id": post.conversation_external_id,
                    "like_count": post.like_count,
                    "repost_count": post.repost_count,
                    "reply_count": post.reply_count,
                    "quote_count": post.quote_count,
                    "raw_payload": dict(post.raw),
                    "mentioned_external_ids": " ".join(post.mentioned_external_ids) or False,
                }
            )
        Post.create(vals_list)
        env.flush_all()
    return time.perf_counter() - start


def queries_per_100(env, posts, batch):
    cr = env.cr
    before = cr.sql_log_count
    for i in range(0, len(posts), batch):
        env["social.crm.post"]._ingest_posts(posts[i : i + batch])
        env.flush_all()
        env.invalidate_all()
    return (cr.sql_log_count - before) * 100 / len(posts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--authors", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true", help="recreate the bench database")
    parser.add_argument(
        "--db",
        help="database name (default bench_ingest, bench_ingest_scoring with --with-scoring, "
        "bench_ingest_helpdesk with --with-helpdesk); "
        "give your own when several checkouts share one PostgreSQL",
    )
    parser.add_argument(
        "--with-scoring",
        action="store_true",
        help="with social_crm_scoring installed (database bench_ingest_scoring): its hooks "
        "(mention/reply rows, influencer to-dos) run in both the pipeline and the floor, and "
        "the mention rows of all posts are timed apart",
    )
    parser.add_argument(
        "--with-helpdesk",
        action="store_true",
        help="with social_crm_helpdesk installed (database bench_ingest_helpdesk): redaction, "
        "complaint classification and ticket routing run in the pipeline; the floor is the bare "
        "create of the same database",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (best of each is kept)")
    args = parser.parse_args()
    dbname, modules = "bench_ingest", ["social_crm"]
    if args.with_scoring:
        dbname, modules = "bench_ingest_scoring", ["social_crm_scoring"]
    if args.with_helpdesk:
        dbname, modules = "bench_ingest_helpdesk", ["social_crm_helpdesk"]
    dbname = args.db or dbname
    with odoo_env(dbname, modules, rebuild=args.rebuild) as env:
        authors, posts = make_posts(args.posts, args.authors)
        backend_pid = env.execute_query(__import__("odoo").tools.SQL("SELECT pg_backend_pid()"))[
            0
        ][0]
        results = {"pipeline": [], "floor": []}
        for _round in range(args.rounds):
            for name, func in (("floor", run_floor), ("pipeline", run_pipeline)):
                env.cr.execute("SAVEPOINT bench")
                prepare(env, authors)
                env.flush_all()
                results[name].append(timed(env, func, posts, 1000, backend_pid))
                env.cr.execute("ROLLBACK TO SAVEPOINT bench")
                env.invalidate_all()
        env.cr.execute("SAVEPOINT bench")
        prepare(env, authors)
        sample = posts[:2000]
        q100 = queries_per_100(env, sample, 100)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.invalidate_all()
        env.cr.execute("SAVEPOINT bench")
        prepare(env, authors)
        q1000 = queries_per_100(env, sample, 1000)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        mentions = None
        if args.with_scoring:
            mentions = time_mentions(env, authors, posts)
        pipeline = min(wall for wall, _cpu in results["pipeline"])
        floor = min(wall for wall, _cpu in results["floor"])
        pipeline_cpu = min(cpu for _wall, cpu in results["pipeline"])
        floor_cpu = min(cpu for _wall, cpu in results["floor"])
        print(
            f"bench/ingest ({', '.join(modules)}): {len(posts):,} posts from "
            f"{len(authors):,} authors, batches of 1,000, best of {args.rounds} rounds "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        print(
            f"  pipeline (_ingest_posts)        {pipeline:7.2f} s"
            f"  ({len(posts) / pipeline:,.0f} posts/s)   CPU (Odoo + PostgreSQL) "
            f"{pipeline_cpu:6.2f} s"
        )
        print(
            f"  floor (bare ORM batch create)   {floor:7.2f} s  ({len(posts) / floor:,.0f} posts/s)"
            f"   CPU (Odoo + PostgreSQL) {floor_cpu:6.2f} s"
        )
        print(
            f"  ratio pipeline / floor          {pipeline / floor:7.2f}x   (target <= 1.5x)   "
            f"CPU {pipeline_cpu / floor_cpu:.2f}x"
        )
        for name in ("floor", "pipeline"):
            rounds = "  ".join(f"{wall:.2f}/{cpu:.2f}" for wall, cpu in results[name])
            print(f"  rounds {name:8} (wall/CPU s)   {rounds}")
        print(f"  SQL queries per 100 posts       batch 100: {q100:.1f}   batch 1,000: {q1000:.1f}")
        if mentions:
            elapsed, rows = mentions
            print(
                f"  mention/reply rows (scoring)    {rows:,} rows for {len(posts):,} posts built "
                f"again in {elapsed:.2f} s ({elapsed / pipeline:.0%} of the pipeline's time)"
            )


def time_mentions(env, authors, posts):
    """Ingest the posts, then time rebuilding their mention/reply rows (what the scoring
    addon adds to each batch, done here for all posts in one go)."""
    env.cr.execute("SAVEPOINT bench")
    try:
        prepare(env, authors)
        run_pipeline(env, posts, 1000)
        stored = env["social.crm.post"].search([])
        started = time.perf_counter()
        env["social.crm.mention"]._sync_posts(stored)
        env.flush_all()
        elapsed = time.perf_counter() - started
        return elapsed, env["social.crm.mention"].search_count([])
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.invalidate_all()


if __name__ == "__main__":
    main()
