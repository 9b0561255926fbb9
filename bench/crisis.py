#!/usr/bin/env python3
"""bench/crisis: the crisis watch on a replayed day of posts, through the product's ingestion.

The company has six days of history (counted by the watch's own ``detection.crisis.count``
from generated quiet days: the baseline). Then two days go through
``social.crm.post._ingest_posts`` in batches, in time order:

- a quiet day (``--posts`` posts, a daily rhythm, conversations, 10 % complaints, brand
  keywords "acme" and "acme router"): every incident is a false alarm (goal: 0);
- the crisis day: the same traffic with two planted pile-ons (complaining replies joining one
  critic's post) and one spike of the keyword "acme router": each must be found; the time to
  alert is the post time of the batch that raised it minus the planted start.

Cost: every ``--sample``-th batch of the crisis day is first ingested twice side by side, with
and without the watch (alternating which goes first), each in a savepoint rolled back, then for
real; the ratio of the sums is the watch's cost per batch (goal: at most 10 % slower). No
helpdesk team opens tickets automatically: ingestion here is classification and storage, the
cheapest path, so the watch's share is the largest it can be.

Usage: python3 bench/crisis.py [--posts 50000] [--batch 500] [--sample 5] [--rebuild]
"""

import argparse
import datetime as dt
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

NORMAL = (
    "Danke für die schnelle Lieferung|Wann kommt das neue Modell?|Tolles Angebot heute|"
    "Hat jemand Erfahrung mit dem Tarif?|Great service, thanks|Is the shop open on Sunday?|"
    "Love the new app update|Wie kündige ich den Newsletter?"
).split("|")
COMPLAINTS = (
    "Seit drei Tagen kein Internet, keiner antwortet. Frechheit!|"
    "Paket nie angekommen, Support reagiert nicht, ich bin echt sauer|"
    "Still waiting for my refund, this is unacceptable|"
    "My router is broken again and nobody answers, terrible service"
).split("|")
PILE_ON = "Bei mir genau dasselbe! Seit Tagen kaputt und keiner antwortet. Frechheit, ich kündige!"


def hourly_weights():
    """A daily rhythm: quiet at night, busy in the evening (mean 1)."""
    raw = [0.35 + 0.65 * (1 + math.sin((h - 9) / 24 * 2 * math.pi)) for h in range(24)]
    mean = sum(raw) / 24
    return [w / mean for w in raw]


def day_posts(start, n_posts, rng, prefix):
    """One day of ordinary traffic: (posted_at, ext, text, reply_to, conversation) tuples."""
    weights = hourly_weights()
    hours = rng.choices(range(24), weights=weights, k=n_posts)
    rows, roots = [], []
    for i, hour in enumerate(hours):
        when = start + dt.timedelta(hours=hour, seconds=rng.randrange(3600))
        ext = f"{prefix}{i:07d}"
        complaint = rng.random() < 0.10
        text = rng.choice(COMPLAINTS if complaint else NORMAL)
        roll = rng.random()
        if roll < 0.20:
            text = f"@acme {text}"
        elif roll < 0.23:
            text = f"{text} #acme router"
        root = None
        if roots and rng.random() < 0.35:
            # a reply: to a recent conversation, most of them small, a few long
            root = roots[-1 - min(int(rng.paretovariate(1.1)) - 1, len(roots) - 1)]
        rows.append((when, ext, text, root))
        if root is None:
            roots.append(ext)
            roots = roots[-400:]
    rows.sort()
    return rows


def plant(start, rng, prefix):
    """Two pile-ons and one spike, with their planted starts."""
    rows, plants = [], []
    for n, (offset_h, replies, minutes) in enumerate(((10, 60, 45), (15.5, 40, 30))):
        t0 = start + dt.timedelta(hours=offset_h)
        root = f"{prefix}9{n}0000000"
        rows.append((t0, root, "@acme Euer Router ist Schrott, seit Wochen Ausfälle. Frechheit!",
                     None))
        for i in range(replies):
            when = t0 + dt.timedelta(seconds=rng.randrange(60, minutes * 60))
            rows.append((when, f"{prefix}9{n}{i:07d}", PILE_ON, root))
        plants.append(("pile_on", f"x:{root}", t0))
    t0 = start + dt.timedelta(hours=19)
    for i in range(150):
        when = t0 + dt.timedelta(seconds=rng.randrange(3600))
        rows.append((when, f"{prefix}8{i:07d}",
                     "Ist der acme router bei euch auch ausgefallen? Geht gar nichts mehr", None))
    plants.append(("spike", "acme router", t0))
    return rows, plants


def to_posts(rows, rng):
    from odoo.addons.social_crm.connectors.base import Author, Post

    posts = []
    for when, ext, text, root in rows:
        author_n = rng.randrange(20000)
        posts.append(
            Post(
                network="x",
                external_id=ext,
                text=text,
                posted_at=when.replace(tzinfo=dt.UTC),
                lang="de",
                in_reply_to_external_id=root,
                conversation_external_id=root,
                author=Author(network="x", external_id=f"a{author_n}", handle=f"user_{author_n}",
                              display_name=f"User {author_n}"),
            )
        )
    return posts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=50000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sample", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    with odoo_env("bench_crisis", ["social_crm_helpdesk"], rebuild=args.rebuild) as env:
        from odoo.addons.social_crm_helpdesk.detection import crisis

        rng = random.Random(12)
        company = env.company
        company.social_crisis_keywords = "acme, acme router"
        env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        source = env["social.crm.source"].create({
            "name": "bench crisis", "network_id": env.ref("social_crm.network_x").id,
            "kind": "replay", "query": "social_crm/demo/none.jsonl",
            "unknown_author_policy": "keep_post",
        })
        Post = env["social.crm.post"].with_context(tracking_disable=True)
        Incident = env["social.crm.incident"]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        crisis_day = now - dt.timedelta(hours=24)
        quiet_day = crisis_day - dt.timedelta(hours=24)

        # the baseline: six earlier quiet days, counted by the watch's own function
        pattern = crisis.keyword_pattern(["acme", "acme router"])
        for d in range(6, 0, -1):
            rows = day_posts(quiet_day - dt.timedelta(days=d), args.posts, rng, f"h{d}")
            items = [crisis.Item(when, f"x:{root or ext}", bool(root),
                                 any(c in text for c in COMPLAINTS), text)
                     for when, ext, text, root in rows]
            env["social.crm.crisis.bucket"]._crisis_add(company, crisis.count(items, pattern))
        env.flush_all()

        class Undo(Exception):
            pass

        def timed(batch, watch):
            """Ingest ``batch`` in a savepoint that is rolled back; return the seconds."""
            t0 = time.perf_counter()
            try:
                with env.cr.savepoint():
                    Post.with_context(social_crm_no_crisis_watch=not watch)._ingest_posts(
                        batch, source)
                    env.flush_all()
                    elapsed = time.perf_counter() - t0
                    raise Undo
            except Undo:
                pass
            env.invalidate_all()
            return elapsed

        def replay(posts, sample=0):
            timings = []
            for n, i in enumerate(range(0, len(posts), args.batch)):
                batch = posts[i:i + args.batch]
                if sample and n % sample == 0:
                    # side by side, in alternating order, both rolled back
                    if n // sample % 2:
                        with_watch, without = timed(batch, True), timed(batch, False)
                    else:
                        without, with_watch = timed(batch, False), timed(batch, True)
                    timings.append((without, with_watch))
                Post._ingest_posts(batch, source)
                env.flush_all()
            return timings

        t_start = time.perf_counter()
        quiet = to_posts(day_posts(quiet_day, args.posts, rng, "q"), rng)
        replay(quiet)
        false_alarms = Incident.search_count([])
        quiet_s = time.perf_counter() - t_start
        print(f"quiet day: {len(quiet)} posts in {quiet_s:.0f} s, false alarms: {false_alarms}")

        rows = day_posts(crisis_day, args.posts, rng, "c")
        planted_rows, plants = plant(crisis_day, rng, "p")
        day = to_posts(sorted(rows + planted_rows), rng)
        timings = replay(day, sample=args.sample)
        incidents = Incident.search([("detected_at", ">=", crisis_day)])
        found_keys = set()
        for kind, key, start in plants:
            match = incidents.filtered(lambda i, k=key: i.key == k)
            if match:
                found_keys.add(key)
                delay = (match.detected_at - start).total_seconds() / 60
                print(f"{kind:8s} {key:24s} found: yes, alert {delay:.0f} min after the "
                      f"planted start ({match.observed_count} against {match.expected_count:.1f}"
                      f" usual, p={match.p_value:.1e})")
            else:
                print(f"{kind:8s} {key:24s} found: NO")
        extra = incidents.filtered(lambda i: i.key not in {p[1] for p in plants})
        print(f"crisis day: {len(day)} posts, planted found {len(found_keys)}/{len(plants)}, "
              f"other incidents (false alarms): {len(extra)}")
        without = sum(w for w, _ in timings)
        with_watch = sum(w for _, w in timings)
        n = len(timings)
        print(f"cost per batch of {args.batch} ({n} batches side by side): without the watch "
              f"{without / n * 1000:.0f} ms, with {with_watch / n * 1000:.0f} ms, "
              f"{(with_watch / without - 1) * 100:+.1f} % (goal: at most +10 %)")


if __name__ == "__main__":
    main()
