#!/usr/bin/env python3
"""Benchmark of the complaint classifier: methods side by side, per language and per kind.

Usage: python3 bench/complaints.py [PATH.csv ...] [--given-lang] [--seeds 3]

Reads CSV files with ``text,label`` (optional ``lang``, ``kind`` or ``domain``); by default the
two files in ``../shared/data/``. The language is guessed like the product does when the post
comes without one (``--given-lang`` passes the file's ``lang`` column instead). Per file it
prints macro-F1 (complaint vs not) of:
- a plain list of negative words (the naive baseline),
- the rules alone,
- the default path (rules + the shipped model, no agent labels); on the file the shipped model
  was trained on, these figures are 5-fold cross-validated (folds by kind, model retrained in
  memory), so they are held out too,
then per language and per kind, CPU ms per post (one core), and the learning curve with
agents' labels (AdaptiveModel trained on N labelled rows, tested on rows it has not seen;
50/200/800 where the file is large enough).

``complaints-dev.csv`` carries no licence: it is read from outside the repository to measure,
never copied, and nothing trained on it is written anywhere. Absent files are reported and
skipped (exit status 0).
"""

import argparse
import collections
import csv
import os
import random
import re
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "social_crm_helpdesk"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from detection import AdaptiveModel, classify, linear  # noqa: E402
from detection.rules import analyse  # noqa: E402
from detection.text import guess_lang  # noqa: E402
from train_complaints import extra_rows, fit_with_extra, macro_f1, shared_path  # noqa: E402

DEFAULT_PATHS = [shared_path("complaints-dev.csv"), shared_path("complaints-de-en-dev.csv")]
NS = (50, 200, 800)
# The naive baseline: a complaint is a post with a negative word (English and German).
NEGATIVE_WORDS = re.compile(
    r"\b(?:bad|terrible|awful|worst|horrible|hate|angry|annoyed|annoying|disappointed"
    r"|disappointing|useless|broken|poor|rubbish|crap|sucks|fail|failed|problem|issue|wrong"
    r"|never|not|no|unacceptable|ridiculous|joke|late|delayed|missing|damaged|rude|scam|refund"
    r"|schlecht|schlimm|furchtbar|schrecklich|katastrophe|kaputt|defekt|enttäuscht|ärgerlich"
    r"|sauer|wütend|nie|nicht|kein|keine|problem|fehler|falsch|frechheit|unverschämt"
    r"|verspätet|verspätung|fehlt|beschädigt|unfreundlich|betrug|abzocke|mist|mies)\b",
    re.I,
)


def load(path):
    with open(path, newline="", encoding="utf-8") as fh:
        out = []
        for r in csv.DictReader(fh):
            if not (r.get("text") or "").strip():
                continue
            out.append({"text": r["text"], "label": r["label"].strip() == "1",
                        "lang": (r.get("lang") or "").strip() or None,
                        "kind": r.get("kind") or r.get("domain") or "?"})
        return out


def by_kind_folds(rows, k=5, seed=0):
    groups = collections.defaultdict(list)
    for i, r in enumerate(rows):
        groups[r["kind"]].append(i)
    rng, fold = random.Random(seed), {}
    for ids in groups.values():
        rng.shuffle(ids)
        fold.update({i: j % k for j, i in enumerate(ids)})
    return fold


def default_path_logits(rows, results, trained_here):
    """Default-path log-odds; cross-validated when the shipped model was trained on `rows`."""
    base = linear.load()
    if not trained_here:
        return [base.logit(r["text"], rr) if base else rr.logit
                for r, rr in zip(rows, results, strict=True)]
    feats = [linear.features(r["text"], rr) for r, rr in zip(rows, results, strict=True)]
    fold = by_kind_folds(rows)
    logits = [0.0] * len(rows)
    extra = extra_rows() if linear.load().meta.get("extra") else ([], [], [])
    for k in range(5):
        train = [i for i in range(len(rows)) if fold[i] != k]
        model = fit_with_extra([feats[i] for i in train], [results[i].logit for i in train],
                               [rows[i]["label"] for i in train], 3.0, extra)
        for i in range(len(rows)):
            if fold[i] == k:
                logits[i] = model.logit(rows[i]["text"], results[i])
    return logits


def fmt_groups(rows, preds, key):
    groups = collections.defaultdict(list)
    for i, r in enumerate(rows):
        groups[key(r)].append(i)
    parts = []
    for name in sorted(groups):
        ids = groups[name]
        gold = [rows[i]["label"] for i in ids]
        cells = []
        for _method, pred in preds:
            p = [pred[i] for i in ids]
            if len(set(gold)) == 1:  # one class: macro-F1 is meaningless, show accuracy
                right = sum(a == b for a, b in zip(gold, p, strict=True))
                cells.append("%.2f" % (right / len(ids)))
            else:
                cells.append("%.3f" % macro_f1(gold, p))
        kind = "acc" if len(set(gold)) == 1 else "F1 "
        parts.append("    %-24s n=%-4d %s %s" % (name, len(ids), kind, " / ".join(cells)))
    return parts


def learning_curve(rows, results, trained_here, seeds):
    """Mean held-out macro-F1 with N agent labels (and N=0 on the same test rows)."""
    out = []
    for n in NS:
        if n > len(rows) * (0.5 if trained_here else 0.8):
            continue
        zero, with_labels = [], []
        for seed in range(1, seeds + 1):
            rng = random.Random(seed)
            idx = list(range(len(rows)))
            rng.shuffle(idx)
            if trained_here:  # the base model is retrained on the other half
                half = len(idx) // 2
                base_idx, pool = idx[:half], idx[half:]
                base = fit_with_extra(
                    [linear.features(rows[i]["text"], results[i]) for i in base_idx],
                    [results[i].logit for i in base_idx],
                    [rows[i]["label"] for i in base_idx], 3.0,
                    extra_rows() if linear.load().meta.get("extra") else ([], [], []))
            else:
                base, pool = linear.load(), idx
            train, test = pool[:n], pool[n:]

            def prior(i, base=base):
                return base.logit(rows[i]["text"], results[i]) if base else results[i].logit

            model = AdaptiveModel()
            model.fit([(rows[i]["text"], rows[i]["label"], results[i].lang) for i in train])
            if trained_here:  # fit() used the shipped model as prior: refit on this base
                model = _fit_with_prior(model, rows, results, train, prior)
            gold = [rows[i]["label"] for i in test]
            zero.append(macro_f1(gold, [prior(i) > 0 for i in test]))
            with_labels.append(macro_f1(gold, [
                model.logit(rows[i]["text"], results[i].lang, results[i], prior=prior(i)) > 0
                for i in test]))
        out.append("N=%d: %.3f -> %.3f" % (n, sum(zero) / len(zero),
                                            sum(with_labels) / len(with_labels)))
    return out


def _fit_with_prior(model, rows, results, train, prior):
    from detection import adaptive

    saved = adaptive.prior_logit
    lookup = {id(results[i]): prior(i) for i in train}
    adaptive.prior_logit = lambda text, rr: lookup.get(id(rr), saved(text, rr))
    try:
        examples = [(rows[i]["text"], rows[i]["label"], results[i].lang) for i in train]
        # fit() analyses the text again: map the new rule results by text instead
        by_text = {rows[i]["text"]: prior(i) for i in train}
        adaptive.prior_logit = lambda text, rr: by_text.get(text, saved(text, rr))
        return AdaptiveModel().fit(examples)
    finally:
        adaptive.prior_logit = saved


def bench_file(path, given_lang, seeds):
    if not os.path.isfile(path):
        print("%s: file not found, nothing measured" % path)
        return
    rows = load(path)
    name = os.path.basename(path)
    base = linear.load()
    trained_here = bool(base) and base.meta.get("trained_on") == name
    langs = [(r["lang"] if given_lang and r["lang"] else None) for r in rows]
    guessed = [guess_lang(r["text"]) for r in rows]
    for r, g in zip(rows, guessed, strict=True):
        r["lang_shown"] = r["lang"] or g
    t0 = time.process_time()
    naive = [bool(NEGATIVE_WORDS.search(r["text"])) for r in rows]
    t1 = time.process_time()
    results = [analyse(r["text"], lg) for r, lg in zip(rows, langs, strict=True)]
    rules = [rr.logit > 0 for rr in results]
    t2 = time.process_time()
    for r, lg in zip(rows, langs, strict=True):
        classify(r["text"], lang=lg)  # the whole default path, as the product calls it
    t3 = time.process_time()
    default = [z > 0 for z in default_path_logits(rows, results, trained_here)]
    gold = [r["label"] for r in rows]
    print("== %s: %d posts, %d complaints; language %s" % (
        name, len(rows), sum(gold), "from the file" if given_lang else "guessed as the product"))
    if any(r["lang"] for r in rows):
        right = sum(1 for r, g in zip(rows, guessed, strict=True) if r["lang"] and r["lang"] == g)
        print("  language guess agrees with the file: %.1f%%" % (100 * right / len(rows)))
    preds = [("negative words", naive), ("rules only", rules), ("default path", default)]
    note = " (5-fold by kind, held out)" if trained_here else " (shipped model, never saw it)"
    print("  macro-F1  negative words %.3f | rules only %.3f | default path %.3f%s" % (
        macro_f1(gold, naive), macro_f1(gold, rules), macro_f1(gold, default), note))
    n = len(rows)
    print("  ms/post   negative words %.3f | rules only %.3f | default path %.3f" % (
        1000 * (t1 - t0) / n, 1000 * (t2 - t1) / n, 1000 * (t3 - t2) / n))
    print("  per language (negative words / rules only / default path):")
    print("\n".join(fmt_groups(rows, preds, lambda r: r["lang_shown"])))
    print("  per kind (negative words / rules only / default path):")
    print("\n".join(fmt_groups(rows, preds, lambda r: r["kind"])))
    curve = learning_curve(rows, results, trained_here, seeds)
    if curve:
        print("  agents' labels, held-out macro-F1 (N=0 -> N labels, mean of %d seeds%s): %s" % (
            seeds, ", base retrained on the other half" if trained_here else "",
            "; ".join(curve)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--given-lang", action="store_true",
                        help="classify with the file's lang column instead of the guess")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    for path in args.paths or DEFAULT_PATHS:
        bench_file(path, args.given_lang, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
