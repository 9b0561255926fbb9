#!/usr/bin/env python3
"""bench/complaints_odoo: complaint detection measured through the product's own path.

Every row of each CSV (``text,label``, read as ``bench/complaints.py`` reads it) becomes a post
of a listening source with no language given, and goes through ``social.crm.post._ingest_posts``
in pages of 100, as a poll, a webhook or a stream hands posts on: cleaning, redaction of bank
and card numbers, language guessed by the product, classification with the company's model (no
agent label), tickets by the teams' rules. The bench then reads back what was stored
(``complaint_label``, ``complaint_lang``, ``text``, ``ticket_id``) and prints per file:

- macro-F1 of the stored verdicts, per language and per kind;
- the same figure by the plain functions that ``bench/complaints.py`` measures (cleaning,
  redaction, ``classify``), on the same rows in the same run, and how many posts the two paths
  decide differently (the goal is none: a figure that holds on one path only is no guarantee);
- how many posts stored as complaints got a ticket (a team with automatic tickets is set up
  for the run), and the CPU time per post of the whole ingestion.

One transaction, rolled back at the end: nothing is kept. No labels file is copied anywhere.
No timing assertion; no network call (the posts never leave the process).

Usage: python3 bench/complaints_odoo.py [PATH.csv ...] [--rebuild]
       (default: the files ``bench/complaints.py`` reads: the two of ``../shared/data/`` and
       those of ``bench/data/``; the files the shipped model was trained on are marked as such)
"""

import argparse
import collections
import datetime as dt
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import complaints as plain  # noqa: E402  (puts the detection package on the import path)
from _odoo import odoo_env  # noqa: E402
from detection import AdaptiveModel, classify, linear  # noqa: E402
from train_complaints import macro_f1  # noqa: E402

PAGE = 100
AUTHORS = 50


def _authors():
    from odoo.addons.social_crm.connectors.base import Author

    return [Author(network="x", external_id=f"bench-complaints-author-{i}",
                   handle=f"bench_writer_{i}", display_name=f"Bench Writer {i}",
                   followers_count=50 + i) for i in range(AUTHORS)]


def _posts(rows, tag):
    from odoo.addons.social_crm.connectors.base import Post

    now = dt.datetime.now(dt.UTC)
    authors = _authors()
    return [Post(network="x", external_id=f"bench-complaints-{tag}-{i}", text=row["text"],
                 posted_at=now - dt.timedelta(seconds=i), author=authors[i % AUTHORS],
                 lang=None, raw={"id": f"bench-complaints-{tag}-{i}"})
            for i, row in enumerate(rows)]


def _prepare(env):
    env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
    env["helpdesk.ticket.team"].create({
        "name": "Bench Complaints", "sequence": 0, "social_auto_ticket": True,
        "social_min_confidence": 0.5, "user_ids": [(4, env.ref("base.user_admin").id)],
    })
    return env["social.crm.source"].create({
        "name": "Bench complaints", "network_id": env.ref("social_crm.network_x").id,
        "kind": "mentions", "account_id": "1",
    })


def _per(rows, preds, key):
    groups = collections.defaultdict(list)
    for i, row in enumerate(rows):
        groups[row[key] or "?"].append(i)
    out = []
    for name in sorted(groups):
        ids = groups[name]
        gold = [rows[i]["label"] for i in ids]
        pred = [preds[i] for i in ids]
        if len(set(gold)) > 1:
            out.append("%s %.3f (n=%d)" % (name, macro_f1(gold, pred), len(ids)))
        else:
            out.append("%s acc %.2f (n=%d)" % (
                name, sum(g == p for g, p in zip(gold, pred, strict=True)) / len(ids), len(ids)))
    return "; ".join(out)


def trained_on(name):
    """Whether the shipped model was trained on file ``name`` (its figure then says nothing
    of unseen posts: ``bench/complaints.py`` holds such files out by retraining, which the
    product's path cannot)."""
    meta = (linear.load() or linear.BaseModel()).meta
    extra = meta.get("extra") or []
    extra = [extra] if isinstance(extra, str) else extra
    return name == meta.get("trained_on") or name in extra


def labels_phase(env, rows, tag, n_labels, seed=7):
    """The company learns from ``n_labels`` agents' decisions, through the product: those
    posts are ingested, decided as the agent would (``_record_decisions``: the one-click
    review and the ticket conversion call it), the company model is trained as the cron
    trains it, then the other rows are ingested. Returns (macro-F1 of the rest stored with no
    label, stored after the labels, by the plain functions after the same labels, posts
    decided differently by the two paths after the labels)."""
    Post = env["social.crm.post"]
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    labelled, rest = order[:n_labels], order[n_labels:]
    source = _prepare(env)
    posts = _posts(rows, f"{tag}-labels")
    first = [posts[i] for i in labelled]
    for i in range(0, len(first), PAGE):
        Post._ingest_posts(first[i : i + PAGE], source)
    env.flush_all()
    stored = {p.external_id: p for p in Post.search([("source_id", "=", source.id)])}
    Label = env["social.crm.complaint.label"]
    for is_complaint in (True, False):
        decided = Post.browse([stored[posts[i].external_id].id for i in labelled
                               if rows[i]["label"] == is_complaint])
        Label._record_decisions(decided, is_complaint)
    company = env.company
    env["social.crm.complaint.model"]._train(company)
    then = [posts[i] for i in rest]
    for i in range(0, len(then), PAGE):
        Post._ingest_posts(then[i : i + PAGE], source)
    env.flush_all()
    stored = {p.external_id: p for p in Post.search([("source_id", "=", source.id)])}
    product = [stored[posts[i].external_id].complaint_label == "complaint" for i in rest]
    # the plain functions with the same labels (text and language as the product stored them)
    labels = Label.search([("company_id", "=", company.id)])
    model = AdaptiveModel().fit([(lb.text or "", lb.is_complaint, lb.lang or None)
                                 for lb in labels])
    plain_pred = [classify(plain.stored_text(rows[i]["text"]), lang=None,
                           model=model).p_complaint >= 0.5 for i in rest]
    zero = [classify(plain.stored_text(rows[i]["text"]), lang=None).p_complaint >= 0.5
            for i in rest]
    gold = [rows[i]["label"] for i in rest]
    differ = sum(1 for a, b in zip(product, plain_pred, strict=True) if a != b)
    return (macro_f1(gold, zero), macro_f1(gold, product), macro_f1(gold, plain_pred), differ,
            len(labels), model.shrink)


def bench_file(env, path, tag, n_labels=200):
    rows = plain.load(path)
    name = os.path.basename(path)
    if not rows:
        print(f"== {name}: no rows")
        return None
    Post = env["social.crm.post"]
    source = _prepare(env)
    posts = _posts(rows, tag)
    t0 = time.process_time()
    for i in range(0, len(posts), PAGE):
        Post._ingest_posts(posts[i : i + PAGE], source)
        env.flush_all()
    cpu = time.process_time() - t0
    stored = Post.search([("source_id", "=", source.id)])
    by_id = {p.external_id: p for p in stored}
    missing = [p.external_id for p in posts if p.external_id not in by_id]
    records = [by_id.get(p.external_id) for p in posts]
    product = [bool(r) and r.complaint_label == "complaint" for r in records]
    langs = [(r.complaint_lang or r.lang or "?") if r else "?" for r in records]
    gold = [row["label"] for row in rows]
    # the plain functions on the same rows: what bench/complaints.py measures
    plain_pred = [classify(plain.stored_text(row["text"]), lang=None).p_complaint >= 0.5
                  for row in rows]
    differ = [i for i in range(len(rows)) if product[i] != plain_pred[i]]
    complaints = [r for r, is_c in zip(records, product, strict=True) if is_c]
    ticketed = sum(1 for r in complaints if r.ticket_id)
    pending = sum(1 for r in complaints if not r.ticket_id and r.social_route_pending)
    for row, lang in zip(rows, langs, strict=True):
        row["lang_stored"] = lang
    print(f"== {name}: {len(rows)} posts, {sum(gold)} complaints, ingested in pages of {PAGE} "
          f"({len(stored)} stored, {len(missing)} not stored)"
          + ("; the shipped model was TRAINED ON this file" if trained_on(name) else ""))
    print(f"  macro-F1 stored by the product {macro_f1(gold, product):.3f} | plain functions "
          f"{macro_f1(gold, plain_pred):.3f} | decided differently: {len(differ)}")
    print(f"  per language (stored): {_per(rows, product, 'lang_stored')}")
    print(f"  per kind (stored): {_per(rows, product, 'kind')}")
    print(f"  complaints with a ticket: {ticketed} of {len(complaints)}"
          + (f" ({pending} left for the next run by the team's limit)" if pending else ""))
    print(f"  ingestion CPU {cpu / len(rows) * 1000:.2f} ms/post (cleaning, redaction, "
          "language, classification, identities, tickets)")
    for i in differ[:5]:
        print(f"    differs: row {i + 2}: stored {product[i]}, plain {plain_pred[i]}")
    with_labels = None
    if n_labels and len(rows) >= 2 * n_labels and not trained_on(name):
        env.cr.execute("SAVEPOINT bench_labels")
        try:
            with_labels = labels_phase(env, rows, tag, n_labels)
        finally:
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_labels")
            env.invalidate_all()
        zero, stored_f1, plain_f1, n_differ, n_kept, shrink = with_labels
        print(f"  +{n_labels} agents' decisions through the product ({n_kept} labels kept, "
              f"influence {shrink:.2f}), the other {len(rows) - n_labels} posts: no label "
              f"{zero:.3f} -> stored {stored_f1:.3f} | plain functions {plain_f1:.3f} | "
              f"decided differently: {n_differ}")
    return (name, macro_f1(gold, product), macro_f1(gold, plain_pred), len(differ),
            with_labels, "TRAINED ON: not a measure of unseen posts" if trained_on(name)
            else "unseen")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rebuild", action="store_true", help="recreate the bench database")
    parser.add_argument("--labels", type=int, default=200,
                        help="agents' decisions learnt through the product on files of at least "
                             "twice as many rows the model never saw (0: skip)")
    args = parser.parse_args(argv)
    paths = args.paths or plain.DEFAULT_PATHS
    summary = []
    with odoo_env("bench_complaints", ["social_crm_helpdesk"], rebuild=args.rebuild) as env:
        env = env(context=dict(env.context, tracking_disable=True))
        for n, path in enumerate(paths):
            if not os.path.isfile(path):
                print(f"== {os.path.basename(path)}: absent, skipped ({path})")
                continue
            env.cr.execute("SAVEPOINT bench_file")
            try:
                result = bench_file(env, path, n, args.labels)
            except plain.BadFile as exc:
                print(f"{path}: cannot measure this file: {exc}", file=sys.stderr)
                return 2
            finally:
                env.cr.execute("ROLLBACK TO SAVEPOINT bench_file")
                env.invalidate_all()
            if result:
                summary.append(result)
    if summary:
        print("== side by side (macro-F1): no agent label, stored by the product | plain "
              f"functions | posts decided differently; after {args.labels} agents' decisions "
              "(the other posts), stored | plain | differently; status")
        for name, stored, plain_f1, differ, with_labels, status in summary:
            after = ("%.3f | %.3f | %4d" % with_labels[1:4]) if with_labels else (
                "  -   |   -   |    -")
            print(f"  {name[:34]:34} {stored:.3f} | {plain_f1:.3f} | {differ:4d}; {after}; "
                  f"{status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
