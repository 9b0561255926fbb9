#!/usr/bin/env python3
"""Train the shipped complaint model (social_crm_helpdesk/detection/complaint_weights.json).

Usage: python3 bench/train_complaints.py [PATH.csv] [--l2 5] [--check]

Reads ``../shared/data/complaints-de-en-dev.csv`` (CC0: training on it and shipping the weights
is allowed) and every ``bench/data/complaints-*.csv`` (posts written for this project, more
domains, the style of real replies to brands, more of the hard kinds), and fits an
L2-regularised logistic regression with the rules' log-odds as a fixed offset, so the weights
only correct the rules. Features: see ``detection/linear.py``. numpy is needed here (a
development tool), not at run time. The English tweets of ``complaints-dev.csv`` carry no
licence: this script refuses them (measure them with bench/complaints.py only).

L2 defaults to 2 (of 1, 2, 3, 5, 8 the one with the best brand-grouped cross-validation on the
shared set once the tweet-style posts were added). ``--calibrate`` moves the decision threshold
to the best one of a brand-grouped cross-validation over all training posts (measured: -0.30,
which raised one unseen set and lowered the other and the tweets stayed; off by default).

Before writing, it prints the 5-fold cross-validated macro-F1 (folds stratified by kind), the
cross-language figures (trained on German, tested on English and back) and each source file
held out whole (a model trained on the other files only). ``--check`` prints the
figures without writing the file.
"""

import argparse
import collections
import csv
import json
import math
import os
import random
import re
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "social_crm_helpdesk"))

from detection import linear  # noqa: E402
from detection.rules import analyse  # noqa: E402


def shared_path(name):
    """``../shared/data/NAME`` beside the repository (or beside a worktree's parent folder)."""
    candidates = [os.path.join(base, "shared", "data", name)
                  for base in (os.path.dirname(REPO), os.path.dirname(os.path.dirname(REPO)))]
    return next((c for c in candidates if os.path.isfile(c)), candidates[0])


DEFAULT_PATH = shared_path("complaints-de-en-dev.csv")
#: posts written for this project (same licence as the repository): more domains, the style
#: of real replies to brands (short, lower case, chat between people) and more of the hard kinds
#: (facts of a failure, sarcasm, question-shaped complaints, churn), always trained on
EXTRA_DIR = os.path.join(REPO, "bench", "data")
EXTRA_PATHS = sorted(
    os.path.join(EXTRA_DIR, name) for name in os.listdir(EXTRA_DIR)
    if name.startswith("complaints-") and name.endswith(".csv")
) if os.path.isdir(EXTRA_DIR) else []
PRUNE = 0.004  # weights smaller than this change no decision and are not shipped


def load(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        no_licence = os.path.basename(path) == "complaints-dev.csv"
        if no_licence or "tweet_id" in (reader.fieldnames or ()):
            raise SystemExit("train_complaints: %s carries no licence; never train on it" % path)
        if os.path.basename(path).startswith("heldout"):  # heldout-*, heldout2-*, ...
            raise SystemExit("train_complaints: %s is a held-out set; never train on it" % path)
        return [r for r in reader if (r.get("text") or "").strip()]


def extra_rows(skip=()):
    """The project's own training posts as (row, rule result, features) lists (without the
    files named in ``skip``: held out by source file)."""
    rows = []
    for path in EXTRA_PATHS:
        if os.path.basename(path) not in skip:
            rows += [dict(r, source=os.path.basename(path)) for r in load(path)]
    rrs = [analyse(r["text"], None) for r in rows]
    return rows, rrs, [linear.features(r["text"], rr) for r, rr in zip(rows, rrs, strict=True)]


def fit_with_extra(feats, offsets, labels, l2, extra):
    """``fit`` on the given rows plus the project's own posts (``extra_rows()``)."""
    rows, rrs, efeats = extra
    return fit(list(feats) + efeats, list(offsets) + [rr.logit for rr in rrs],
               list(labels) + [r["label"].strip() == "1" for r in rows], l2)


def fit(feats, offsets, labels, l2, iters=400, lr=0.1):
    """Logistic regression by full-batch Adam over a sparse (row, col, value) matrix."""
    vocab = sorted({k for f in feats for k in f})
    index = {k: i for i, k in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for i, f in enumerate(feats):
        for k, v in f.items():
            rows.append(i)
            cols.append(index[k])
            vals.append(v)
    rows, cols, vals = np.array(rows), np.array(cols), np.array(vals)
    y = np.array(labels, dtype=float)
    off = np.array(offsets, dtype=float)
    n, d = len(feats), len(vocab)
    w, b = np.zeros(d), 0.0
    m, v, mb, vb = np.zeros(d), np.zeros(d), 0.0, 0.0
    for t in range(1, iters + 1):
        z = np.bincount(rows, weights=vals * w[cols], minlength=n) + b + off
        err = 1.0 / (1.0 + np.exp(-z)) - y
        g = np.bincount(cols, weights=vals * err[rows], minlength=d) / n + l2 * w / n
        gb = err.mean()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        mb = 0.9 * mb + 0.1 * gb
        vb = 0.999 * vb + 0.001 * gb * gb
        b -= lr * (mb / (1 - 0.9**t)) / (math.sqrt(vb / (1 - 0.999**t)) + 1e-8)
    return linear.BaseModel({k: float(w[i]) for k, i in index.items()}, float(b))


def macro_f1(gold, pred):
    f1s = []
    for cls in (True, False):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == cls and p == cls)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != cls and p == cls)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == cls and p != cls)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 2


def _held_out_by_file(rows, results, feats, labels, extra, l2):
    """Each source file predicted by a model that never saw any row of it (near-duplicates
    within a file cannot leak), per language."""
    sources = [("shared", rows, results, labels)]
    for name in sorted({r["source"] for r in extra[0]}):
        ids = [i for i, r in enumerate(extra[0]) if r["source"] == name]
        sources.append((name, [extra[0][i] for i in ids], [extra[1][i] for i in ids],
                        [extra[0][i]["label"].strip() == "1" for i in ids]))
    for name, test_rows, test_rrs, gold in sources:
        if name == "shared":
            model = fit(extra[2], [rr.logit for rr in extra[1]],
                        [r["label"].strip() == "1" for r in extra[0]], l2)
        else:
            model = fit_with_extra(feats, [rr.logit for rr in results], labels, l2,
                                   extra_rows(skip={name}))
        pred = [model.logit(r["text"], rr) > 0 for r, rr in zip(test_rows, test_rrs, strict=True)]
        rules = [rr.logit > 0 for rr in test_rrs]
        parts = []
        for lang in ("de", "en"):
            ids = [i for i, rr in enumerate(test_rrs)
                   if (test_rows[i].get("lang") or rr.lang) == lang]
            if ids:
                parts.append("%s %.3f" % (lang, macro_f1([gold[i] for i in ids],
                                                         [pred[i] for i in ids])))
        print("held out by file %-28s rules %.3f  rules+model %.3f (%s)" % (
            name, macro_f1(gold, rules), macro_f1(gold, pred), ", ".join(parts)))


def _group(text, index):
    """The brand a training post is written to (its first handle, cut to 6 letters, so
    "@Acme_Help" and "@AcmeUK" go together); a post naming none is a group of its own."""
    handle = re.search(r"@(\w+)", text)
    return handle.group(1).lower()[:6] if handle else "#%d" % index


def calibrate(rows, results, feats, labels, extra, l2, folds=5):
    """The decision threshold (log-odds) that maximises the macro-F1 of out-of-fold
    predictions over ALL training posts (the shared set and the project's own posts), folds
    of whole brands, so a brand's posts never help to judge themselves. Returns
    (threshold, macro-F1 at 0, macro-F1 at the threshold)."""
    e_rows, e_rrs, e_feats = extra
    all_feats = list(feats) + list(e_feats)
    all_rrs = list(results) + list(e_rrs)
    all_labels = list(labels) + [r["label"].strip() == "1" for r in e_rows]
    texts = [r["text"] for r in rows] + [r["text"] for r in e_rows]
    groups = [_group(t, i) for i, t in enumerate(texts)]
    names = sorted(set(groups))
    random.Random(0).shuffle(names)
    fold_of = {g: k % folds for k, g in enumerate(names)}
    logits = [0.0] * len(texts)
    for k in range(folds):
        train = [i for i, g in enumerate(groups) if fold_of[g] != k]
        model = fit([all_feats[i] for i in train], [all_rrs[i].logit for i in train],
                    [all_labels[i] for i in train], l2)
        for i, g in enumerate(groups):
            if fold_of[g] == k:
                logits[i] = model.logit(texts[i], all_rrs[i])
    grid = [x / 20.0 for x in range(-30, 31)]
    scores = [(macro_f1(all_labels, [z > t for z in logits]), -abs(t), t) for t in grid]
    best = max(scores)
    return best[2], macro_f1(all_labels, [z > 0 for z in logits]), best[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=DEFAULT_PATH)
    parser.add_argument("--l2", type=float, default=2.0)
    parser.add_argument("--no-extra", action="store_true",
                        help="without the project's own posts of bench/data/")
    parser.add_argument("--check", action="store_true", help="print figures, write nothing")
    parser.add_argument("--calibrate", action="store_true",
                        help="move the decision threshold to the best one of a brand-grouped "
                             "cross-validation over all training posts")
    args = parser.parse_args(argv)
    rows = load(args.path)
    results = [analyse(r["text"], None) for r in rows]  # language guessed, as in the product
    feats = [linear.features(r["text"], rr) for r, rr in zip(rows, results, strict=True)]
    offsets = [rr.logit for rr in results]
    labels = [r["label"].strip() == "1" for r in rows]

    extra = extra_rows() if not args.no_extra else ([], [], [])
    print("project's own posts trained on in every fold: %d" % len(extra[0]))

    def held_out(train_idx, test_idx):
        model = fit_with_extra([feats[i] for i in train_idx], [offsets[i] for i in train_idx],
                               [labels[i] for i in train_idx], args.l2, extra)
        return {i: model.logit(rows[i]["text"], results[i]) > 0 for i in test_idx}

    by_kind = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_kind[r.get("kind") or r["label"]].append(i)
    fold = {}
    rng = random.Random(0)
    for ids in by_kind.values():
        rng.shuffle(ids)
        fold.update({i: j % 5 for j, i in enumerate(ids)})
    pred = {}
    for k in range(5):
        pred.update(held_out([i for i in fold if fold[i] != k], [i for i in fold if fold[i] == k]))
    rules_pred = [rr.logit > 0 for rr in results]
    cv = macro_f1(labels, [pred[i] for i in range(len(rows))])
    print("rows %d; 5-fold by kind: rules %.3f  rules+model %.3f" % (
        len(rows), macro_f1(labels, rules_pred), cv))
    langs = [r.get("lang") or rr.lang for r, rr in zip(rows, results, strict=True)]
    for src, dst in (("de", "en"), ("en", "de")):
        tr = [i for i, lg in enumerate(langs) if lg == src]
        te = [i for i, lg in enumerate(langs) if lg == dst]
        if tr and te:
            p = held_out(tr, te)
            print("trained on %s, tested on %s: rules %.3f  rules+model %.3f" % (
                src, dst, macro_f1([labels[i] for i in te], [rules_pred[i] for i in te]),
                macro_f1([labels[i] for i in te], [p[i] for i in te])))
    if not args.no_extra:
        _held_out_by_file(rows, results, feats, labels, extra, args.l2)
    threshold = 0.0
    if args.calibrate:
        threshold, at_zero, at_best = calibrate(rows, results, feats, labels, extra, args.l2)
        print("threshold from brand-grouped 5-fold CV over all training posts: %.2f "
              "(macro-F1 %.3f at 0, %.3f at the threshold)" % (threshold, at_zero, at_best))
    model = fit_with_extra(feats, offsets, labels, args.l2, extra)
    model.bias -= threshold  # the product decides at log-odds 0
    model.weights = {k: round(w, 3) for k, w in model.weights.items() if abs(w) >= PRUNE}
    model.meta = {
        "trained_on": os.path.basename(args.path),
        "extra": sorted({r["source"] for r in extra[0]}) or None,
        "rows": len(rows) + len(extra[0]),
        "l2": args.l2,
        "cv_macro_f1": round(macro_f1(labels, [pred[i] for i in range(len(rows))]), 3),
    }
    print("features kept: %d" % len(model.weights))
    if args.check:
        return 0
    with open(linear.WEIGHTS_PATH, "w", encoding="utf-8") as fh:
        json.dump(model.to_dict(), fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    print("written: %s (%d bytes)" % (linear.WEIGHTS_PATH, os.path.getsize(linear.WEIGHTS_PATH)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
