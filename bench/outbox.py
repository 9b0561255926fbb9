#!/usr/bin/env python3
"""bench/outbox: replies through several Mastodon instances, one of which does not answer.

The outbox's sender (``social.crm.outbox._cron_send``, the real path: claims, credentials,
the Mastodon connector, the HTTP layer with its write deadline, the answers recorded) sends
R replies through each of H healthy instances and one stalled instance (loopback servers:
the stalled one accepts the connection and never answers, as an overloaded instance does;
the healthy ones answer a Mastodon ``Status`` at once). The stalled instance's first reply
is queued first, then the others in turn: the case where a stalled write holds the most.

Both ways in one run, on the same queue (each in a savepoint rolled back afterwards):
*one at a time* (``SEND_WORKERS = 1``: how the sender worked before, each write after the
other) and *in parallel* (``SEND_WORKERS``, one server per thread). Printed: when the
healthy instances received their replies (seconds after the run began: first, median,
last), whether they were recorded as sent, how often the stalled instance was asked, and
the run's time, side by side with the ratio. The silent server's write ends at the read
time-out (``DEFAULT_TIMEOUT``, 20 s) or at the outbox's write deadline (30 s, which also ends
a server dripping its answer; ``--deadline`` to shorten the run), the earlier. No timing
assertion.

Usage: python3 bench/outbox.py [--healthy 3] [--replies 2] [--deadline 30] [--db bench_outbox]
       [--rebuild]
"""

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import sys
import time
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import ROOT, odoo_env

_spec = importlib.util.spec_from_file_location(
    "social_crm_loopback_servers",
    os.path.join(ROOT, "social_crm", "tests", "loopback_servers.py"))
loopback_servers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loopback_servers)


def queue_replies(env, servers, replies):
    """One publishing account per instance, R customer posts per instance, their replies
    queued: the stalled instance's first, then round robin."""
    from odoo.addons.social_crm.connectors.base import Author, Post

    mastodon = env.ref("social_crm.network_mastodon")
    accounts = [env["social.crm.account"].create({
        "name": f"Acme on instance {n}", "network_id": mastodon.id, "base_url": server.url,
        "access_token": f"token-{n}-bench"}) for n, server in enumerate(servers)]
    now = dt.datetime.now(dt.UTC)
    author = Author(network="mastodon", external_id="bench-1", handle="karl@bench.example",
                    display_name="Karl")
    posts = [Post(network="mastodon", external_id=f"bench-{n}-{r}", text="@acme Hilfe!",
                  posted_at=now - dt.timedelta(minutes=5), author=author)
             for r in range(replies) for n in range(len(servers))]
    result = env["social.crm.post"]._ingest_posts(posts)
    records = env["social.crm.post"].browse(result.post_ids)
    by_ext = {post.external_id: post for post in records}
    vals = [{"action": "reply", "post_id": by_ext[f"bench-{n}-{r}"].id,
             "text": f"@karl Reply {r} through instance {n}.", "account_id": accounts[n].id}
            for r in range(replies) for n in range(len(servers))]
    return env["social.crm.outbox"]._queue(vals)


def run(env, workers, args):
    from odoo.addons.social_crm.models import social_crm_outbox as outbox_model

    with loopback_servers.HoldServer() as stalled:
        healthy = [loopback_servers.StatusServer() for _n in range(args.healthy)]
        try:
            with env.cr.savepoint(flush=False) as savepoint:
                items = queue_replies(env, [stalled, *healthy], args.replies)
                env.flush_all()
                with patch.object(outbox_model, "SEND_WORKERS", workers), \
                        patch.object(outbox_model, "WRITE_DEADLINE", args.deadline), \
                        patch.object(type(env["ir.cron"]), "_commit_progress",
                                     lambda cron, processed=0, remaining=None,
                                     deactivate=False: 60.0):
                    started = time.monotonic()
                    env["social.crm.outbox"]._cron_send()
                    took = time.monotonic() - started
                env.invalidate_all()
                received = sorted(at - started for server in healthy
                                  for at in server.received_at)
                stalled_url = stalled.url
                sent = len(items.filtered(
                    lambda i: i.state == "sent" and i.endpoint != stalled_url))
                asked = stalled.requests
                env.invalidate_all()
                savepoint.rollback()
        finally:
            for server in healthy:
                server.close()
    return {"received": received, "sent": sent, "asked": asked, "took": took}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--healthy", type=int, default=3)
    parser.add_argument("--replies", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=30)
    parser.add_argument("--db", default="bench_outbox")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    with odoo_env(args.db, ["social_crm"], rebuild=args.rebuild) as env:
        from odoo.addons.social_crm.models.social_crm_outbox import SEND_WORKERS

        one = run(env, 1, args)
        many = run(env, SEND_WORKERS, args)
    total = args.healthy * args.replies
    from odoo.addons.social_crm.connectors.base import DEFAULT_TIMEOUT

    print(f"bench/outbox: 1 stalled + {args.healthy} healthy Mastodon instances (loopback), "
          f"{args.replies} replies each; the silent server's write ends at the earlier of the "
          f"read time-out ({DEFAULT_TIMEOUT}s) and the write deadline ({args.deadline:g}s)")
    print(f"{'':44}{'one at a time':>16}{f'parallel ({SEND_WORKERS})':>16}{'ratio':>8}")

    def row(label, a, b, unit="s", ratio=True):
        text = (f"{label:44}{a:>15.2f}{unit}{b:>15.2f}{unit}" if unit else
                f"{label:44}{a:>16}{b:>16}")
        if ratio and b:
            text += f"{a / b:>7.0f}x"
        print(text)

    for label, pick in (("first healthy reply received after", lambda r: r[0]),
                        ("median healthy reply received after", statistics.median),
                        ("last healthy reply received after", lambda r: r[-1])):
        row(label, pick(one["received"]) if one["received"] else float("nan"),
            pick(many["received"]) if many["received"] else float("nan"))
    row(f"healthy replies recorded sent (of {total})", one["sent"], many["sent"], "",
        ratio=False)
    row("stalled instance asked", one["asked"], many["asked"], "", ratio=False)
    row("run took", one["took"], many["took"], ratio=False)


if __name__ == "__main__":
    main()
