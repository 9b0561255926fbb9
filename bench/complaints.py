#!/usr/bin/env python3
"""Benchmark of the complaint classifier on ../shared/data/complaints-dev.csv (not shipped).

Usage: python3 bench/complaints.py [path/to/complaints-dev.csv]

The data set carries no licence: it is only read from outside the repository to measure, never
copied, and the models trained here live in memory only. If the file is absent the script says
so and exits with status 0 (nothing to measure is not a failure of the code).

Prints: rules-only accuracy and macro-F1 (complaint vs not), per-domain figures, then mean
macro-F1 on held-out rows after training the AdaptiveModel on N random labelled rows.
"""

import csv
import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "social_crm_helpdesk"))

from detection import AdaptiveModel, classify  # noqa: E402

DEFAULT_PATH = os.path.join(os.path.dirname(REPO), "shared", "data", "complaints-dev.csv")
NS = (0, 50, 200, 800)
SEEDS = (1, 2, 3, 4, 5)


def load(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [(r["text"], r["label"].strip() == "1", r.get("domain") or "?")
                for r in csv.DictReader(fh)]


def scores(gold, pred):
    """Accuracy and macro-F1 over the two classes (complaint / not complaint)."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0
    f1s = []
    for cls in (True, False):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == cls and p == cls)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != cls and p == cls)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == cls and p != cls)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return acc, sum(f1s) / 2


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT_PATH
    if not os.path.isfile(path):
        print("complaints bench: data file not found: %s" % path)
        print("complaints bench: nothing measured (pass the CSV path as first argument)")
        return 0
    rows = load(path)
    gold = [r[1] for r in rows]
    pred = [classify(r[0], lang="en").is_complaint for r in rows]
    acc, f1 = scores(gold, pred)
    print("rows: %d (complaints %d)" % (len(rows), sum(gold)))
    print("rules only: accuracy %.3f  macro-F1 %.3f" % (acc, f1))
    by_domain = {}
    for (_, g, d), p in zip(rows, pred, strict=True):
        by_domain.setdefault(d, ([], []))
        by_domain[d][0].append(g)
        by_domain[d][1].append(p)
    parts = []
    for d in sorted(by_domain):
        g, p = by_domain[d]
        a, f = scores(g, p)
        if all(not x for x in g):  # one-class domain: macro-F1 is meaningless, show accuracy
            parts.append("%s acc %.3f (n=%d)" % (d, a, len(g)))
        else:
            parts.append("%s acc %.3f F1 %.3f (n=%d)" % (d, a, f, len(g)))
    print("rules only per domain: " + "; ".join(parts))

    line = []
    dom_f1 = {}
    for n in NS:
        results = []
        for seed in SEEDS:
            rng = random.Random(seed)
            idx = list(range(len(rows)))
            rng.shuffle(idx)
            train, test = idx[:n], idx[n:]
            model = AdaptiveModel().fit([(rows[i][0], rows[i][1], "en") for i in train])
            p = [classify(rows[i][0], lang="en", model=model).is_complaint for i in test]
            g = [rows[i][1] for i in test]
            results.append(scores(g, p)[1])
            if n == max(NS):
                for i, pi in zip(test, p, strict=True):
                    dom_f1.setdefault(rows[i][2], ([], []))
                    dom_f1[rows[i][2]][0].append(rows[i][1])
                    dom_f1[rows[i][2]][1].append(pi)
        line.append("N=%d %.3f" % (n, sum(results) / len(results)))
    print("held-out macro-F1 by N agent labels (mean of %d seeds): %s"
          % (len(SEEDS), "; ".join(line)))
    parts = []
    for d in sorted(dom_f1):
        g, p = dom_f1[d]
        a, f = scores(g, p)
        parts.append(("%s acc %.3f" % (d, a)) if not any(g) else ("%s F1 %.3f" % (d, f)))
    print("N=%d per domain (pooled over seeds): %s" % (max(NS), "; ".join(parts)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
