#!/usr/bin/env python3
"""bench/ticket: complaints on social media to tickets, against helpdesk_mgmt's mail gateway.

N complaint posts (German and English, from N/5 known contacts with linked identities, a fifth
of them with an IBAN or a card number) go through the real path: ``_ingest_posts`` in pages of
100 (PII redaction, classification with the company model, identity upsert, then automatic
tickets by the team's rules, with priority and deadline by the author's tier and a chatter note
for removed data). The reference is helpdesk_mgmt's own mail gateway creating tickets from N
equivalent e-mails of the same contacts (``mail.thread.message_process('helpdesk.ticket',
raw_email)``), one e-mail per call as the fetchmail cron does. Both run twice, alternating, in
one transaction rolled back after each run; the best time of each is printed per ticket, with
the ratio (target <= 1.0x), and the SQL queries of each path per ticket (``cr.sql_log_count``;
tracking and e-mails sent at commit are not run: the transaction is rolled back). No timing
assertion (``social_crm_helpdesk/tests/test_ticket_queries.py`` bounds the queries).

Usage: python3 bench/ticket.py [--posts 500] [--rebuild]
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

COMPLAINTS_DE = [
    "Mein Router ist seit Montag kaputt und der Support antwortet nicht. Frechheit!",
    "Immer noch keine Rückerstattung nach zwei Wochen. Ich will mein Geld zurück!",
    "Lieferung kam beschädigt an, Karton komplett zerdrückt. Bitte um Ersatz, sofort.",
    "Die App stürzt ständig ab, seit dem Update geht gar nichts mehr. Unzumutbar.",
    "Zum dritten Mal falsch berechnet. Wann kümmert sich endlich jemand darum?",
]
COMPLAINTS_EN = [
    "Your update bricked my smart plug. Three support tickets, zero answers. Fix this.",
    "Still no refund after 10 days. Not acceptable, I want my money back.",
    "I was charged twice for my order and nobody replies. Terrible service.",
    "The parcel never arrived and your hotline hangs up on me. Worst experience ever.",
    "Broken on arrival, again. I am done waiting for a replacement.",
]
SENSITIVE = [
    " Meine IBAN: DE89 3704 0044 0532 0130 00",
    " My card 4111 1111 1111 1111 shows both payments.",
]


def make_posts(n_posts, authors, seed=11):
    from odoo.addons.social_crm.connectors.base import Post

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    posts = []
    for i in range(n_posts):
        author = authors[i % len(authors)]
        german = i % 2 == 0
        text = rng.choice(COMPLAINTS_DE if german else COMPLAINTS_EN) + f" (#{i})"
        if i % 5 == 0:
            text += SENSITIVE[i % 2]
        posts.append(
            Post(
                network="x",
                external_id=f"bench-ticket-{i}",
                text=f"@acme_support {text}",
                # an author's posts 15 minutes apart: complaints of one author within 10
                # minutes share a ticket, and every post here must open its own
                posted_at=now - dt.timedelta(minutes=15 * (i // len(authors)),
                                             seconds=i % len(authors)),
                author=author,
                url=f"https://x.com/{author.handle}/status/bench-ticket-{i}",
                lang="de" if german else "en",
                conversation_external_id=f"bench-ticket-{i}",
                raw={"id": f"bench-ticket-{i}", "text": text},
            )
        )
    return posts


def make_emails(posts, emails, alias):
    raws = []
    for i, post in enumerate(posts):
        raws.append(
            "\r\n".join(
                [
                    f"From: {post.author.display_name} <{emails[i % len(emails)]}>",
                    f"To: {alias}",
                    f"Subject: Complaint {i}",
                    f"Message-ID: <bench-ticket-{i}-{time.time_ns()}@example.org>",
                    "Date: Mon, 02 Mar 2026 09:00:00 +0000",
                    "MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: 8bit",
                    "",
                    post.text,
                    "",
                ]
            )
        )
    return raws


def prepare(env, n_authors):
    from odoo.addons.social_crm.connectors.base import Author

    x = env.ref("social_crm.network_x")
    env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
    team = env["helpdesk.ticket.team"].create(
        {"name": "Bench Social", "sequence": 0, "social_auto_ticket": True,
         "social_min_confidence": 0.5, "alias_name": "bench-social-tickets"}
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench Customer {i}", "email": f"bench{i}@example.org"}
         for i in range(n_authors)]
    )
    partners[: n_authors // 10].write(
        {"social_score_tier": "top_influencer", "is_social_influencer": True}
    )
    env["social.crm.identity"].with_context(social_crm_ingest=True).create(
        [{"partner_id": p.id, "network_id": x.id, "external_id": f"bench-author-{i}",
          "handle": f"bench_{i}", "origin": "listening"} for i, p in enumerate(partners)]
    )
    authors = [
        Author(network="x", external_id=f"bench-author-{i}", handle=f"bench_{i}",
               display_name=p.name, followers_count=100 + i)
        for i, p in enumerate(partners)
    ]
    source = env["social.crm.source"].create(
        {"name": "Bench X", "network_id": x.id, "kind": "mentions", "account_id": "1"}
    )
    env.flush_all()
    return team, source, authors, partners.mapped("email")


def run_social(env, posts, source, batch=100):
    Post = env["social.crm.post"]
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    for i in range(0, len(posts), batch):
        Post._ingest_posts(posts[i : i + batch], source)
        env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    tickets = env["helpdesk.ticket"].search_count([("social_post_id.source_id", "=", source.id)])
    return elapsed, tickets, queries


def run_gateway(env, raws):
    Thread = env["mail.thread"]
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    ids = []
    for raw in raws:
        ids.append(Thread.message_process("helpdesk.ticket", raw))
        env.flush_all()
    elapsed = time.perf_counter() - start
    return elapsed, len(set(ids)), env.cr.sql_log_count - queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true", help="recreate the bench database")
    args = parser.parse_args()
    n_authors = max(args.posts // 5, 1)
    # with the scoring addon: a tenth of the contacts are influencers (their tickets get the
    # tier's priority and deadline through the glue addon, installed with both)
    with odoo_env("bench_ticket", ["social_crm_helpdesk", "social_crm_scoring"],
                  rebuild=args.rebuild) as env:
        env = env(context=dict(env.context, tracking_disable=False))
        results = {"social": [], "gateway": []}
        counts = {}
        queries = {}
        for _round in range(2):
            for name in ("gateway", "social"):
                env.cr.execute("SAVEPOINT bench")
                team, source, authors, emails = prepare(env, n_authors)
                posts = make_posts(args.posts, authors)
                if name == "social":
                    elapsed, count, sql = run_social(env, posts, source)
                else:
                    alias = f"{team.alias_name}@{team.alias_domain or 'example.org'}"
                    elapsed, count, sql = run_gateway(env, make_emails(posts, emails, alias))
                results[name].append(elapsed)
                counts[name] = count
                queries[name] = sql
                env.cr.execute("ROLLBACK TO SAVEPOINT bench")
                env.invalidate_all()
        social, gateway = min(results["social"]), min(results["gateway"])
        n = args.posts
        print(f"bench/ticket: {n:,} complaints to tickets, {n_authors:,} known contacts")
        print(
            f"  social path (ingest + auto-ticket, pages of 100)  {social:7.2f} s"
            f"  {social / n * 1000:6.2f} ms/ticket  ({counts['social']} tickets,"
            f" {queries['social'] / n:.1f} queries/ticket)"
        )
        print(
            f"  helpdesk_mgmt mail gateway (message_process)      {gateway:7.2f} s"
            f"  {gateway / n * 1000:6.2f} ms/ticket  ({counts['gateway']} tickets,"
            f" {queries['gateway'] / n:.1f} queries/ticket)"
        )
        print(f"  ratio social / gateway                            {social / gateway:7.2f}x"
              "   (target <= 1.0x)")


if __name__ == "__main__":
    main()
