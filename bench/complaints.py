#!/usr/bin/env python3
"""Benchmark of the complaint classifier: methods side by side, per language and per kind.

Usage: python3 bench/complaints.py [PATH.csv ...] [--given-lang] [--seeds 3]

Reads CSV files with ``text,label`` (optional ``lang``, ``kind`` or ``domain``; column names in
any case, UTF-8 with or without a byte-order mark; a label is 1/0, true/false, yes/no or
complaint/not_complaint, and any other value stops the run with the file and line, exit
status 2); by default the two files in ``../shared/data/``. The language is guessed like the
product does when the post comes without one (``--given-lang`` passes the file's ``lang``
column instead). Per file it prints macro-F1 (complaint vs not) of:
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
from detection.pii import redact_report  # noqa: E402
from detection.rules import analyse  # noqa: E402
from detection.text import guess_lang  # noqa: E402
from train_complaints import (  # noqa: E402
    extra_rows,
    fit,
    fit_with_extra,
    macro_f1,
    shared_path,
)

sys.path.insert(0, os.path.join(REPO, "social_crm", "services"))
from cleaning import clean_text  # noqa: E402  (plain module: no Odoo import)

DEFAULT_PATHS = [shared_path("complaints-dev.csv"), shared_path("complaints-de-en-dev.csv")]
DEFAULT_PATHS += [os.path.join(REPO, "bench", "data", name)
                  for name in sorted(os.listdir(os.path.join(REPO, "bench", "data")))
                  if name.startswith(("complaints-", "heldout")) and name.endswith(".csv")]
#: summary rows of every file measured in this run, printed side by side at the end
SUMMARY = []
NS = (50, 200, 800)
#: files of at least this many rows also get the top of the labels curve (``all_labels_cv``)
CEILING_ROWS = 1000
#: (file, active_curve()) of every file measured in this run; --no-active skips them
ACTIVE = []
NO_ACTIVE = False
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


#: how a ``label`` cell may say complaint (True) or not (False); anything else stops the run
LABELS = {
    "1": True, "true": True, "yes": True, "y": True, "complaint": True,
    "0": False, "false": False, "no": False, "n": False, "not_complaint": False,
    "not complaint": False, "non_complaint": False, "non-complaint": False,
    "no_complaint": False, "other": False,
}


class BadFile(ValueError):
    """A CSV this bench cannot measure, with the reason a person can act on."""


def load(path):
    """The rows of ``path`` ({text, label, lang, kind}); rows with an empty text are skipped.
    A missing ``text`` or ``label`` column, or a label that says neither complaint nor not,
    raises :class:`BadFile` naming the file, the line and the value (a silent ``0`` would
    count every unknown label as "not a complaint" and print a wrong figure)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("text", "label") if c not in columns]
        if missing:
            raise BadFile("%s: no %s column (columns: %s)" % (
                path, " or ".join(missing), ", ".join(columns) or "none"))
        reader.fieldnames = columns
        out = []
        for r in reader:
            if not (r.get("text") or "").strip():
                continue
            value = (r.get("label") or "").strip().lower()
            if value not in LABELS:
                raise BadFile("%s, line %d: label %r is neither complaint (1, true, yes, "
                              "complaint) nor not (0, false, no, not_complaint)" % (
                                  path, reader.line_num, value))
            out.append({"text": r["text"], "label": LABELS[value],
                        "lang": (r.get("lang") or "").strip().lower() or None,
                        "kind": r.get("kind") or r.get("domain") or "?"})
        return out


def stored_text(text):
    """The text as the product stores it: cleaned by ingestion, then redacted (the post's
    ``create`` redacts personal data before it classifies)."""
    return redact_report(clean_text(text)).text


def held_out_base(name):
    """(model, how) for the default path on file ``name``: the shipped model, or, when it was
    trained on this file, the same training without any row of the file (held out by file)."""
    base = linear.load()
    if base is None:
        return None, "no shipped model"
    extra = base.meta.get("extra") or []
    extra = [extra] if isinstance(extra, str) else extra
    if base.meta.get("trained_on") == name:
        rows, rrs, feats = extra_rows()
        model = fit(feats, [rr.logit for rr in rrs], [r["label"].strip() == "1" for r in rows],
                    base.meta.get("l2", 3.0))
        return model, "held out by file: retrained without it"
    if name in extra:
        shared = shared_path(base.meta["trained_on"])
        rows = load(shared) if os.path.isfile(shared) else []
        rrs = [analyse(r["text"], None) for r in rows]
        model = fit_with_extra([linear.features(r["text"], rr) for r, rr in zip(rows, rrs,
                                                                                  strict=True)],
                               [rr.logit for rr in rrs], [r["label"] for r in rows],
                               base.meta.get("l2", 3.0), extra_rows(skip={name}))
        return model, "held out by file: retrained without it"
    return base, "shipped model, never saw it"


def brand_groups(rows):
    """A group per brand (the first brand handle named in the post, also written without the
    @), so a brand's posts and its near-duplicate pairs are held out together; posts naming
    no known brand are groups of their own."""
    stems = set()
    for r in rows:
        for handle in re.findall(r"@(\w+)", r["text"]):
            stem = handle.lower().split("_")[0]
            if len(stem) >= 5:
                stems.add(stem[:6])
    groups = []
    for i, r in enumerate(rows):
        low = re.sub(r"[^a-zäöüß]", "", r["text"].lower().replace("ü", "ue"))
        hits = [(low.find(s), s) for s in stems if s in low]
        groups.append(min(hits)[1] if hits else "#%d" % i)
    return groups


def grouped_cv(rows, results, base, folds=5):
    """Default-path predictions of ``rows`` by models retrained without the rows' brands
    (5 folds of whole brands; the project's training posts of bench/data/ in every fold)."""
    groups = brand_groups(rows)
    names = sorted(set(groups))
    random.Random(0).shuffle(names)
    fold_of = {g: k % folds for k, g in enumerate(names)}
    feats = [linear.features(r["text"], rr) for r, rr in zip(rows, results, strict=True)]
    extra = extra_rows()
    pred = [False] * len(rows)
    for k in range(folds):
        train = [i for i, g in enumerate(groups) if fold_of[g] != k]
        model = fit_with_extra([feats[i] for i in train], [results[i].logit for i in train],
                               [rows[i]["label"] for i in train], base.meta.get("l2", 3.0),
                               extra)
        for i, g in enumerate(groups):
            if fold_of[g] == k:
                pred[i] = model.logit(rows[i]["text"], results[i]) > 0
    return pred, len(names)


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


def learning_curve(rows, results, base, seeds):
    """Mean held-out macro-F1 with N agent labels (and N=0 on the same test rows); the base
    is the default path's model that never saw this file."""
    out = []
    figures = {}
    for n in NS:
        if n > len(rows) - 40:  # at least 40 rows to test on
            continue
        zero, with_labels = [], []
        for seed in range(1, seeds + 1):
            rng = random.Random(seed)
            idx = list(range(len(rows)))
            rng.shuffle(idx)
            train, test = idx[:n], idx[n:]

            def prior(i, base=base):
                return base.logit(rows[i]["text"], results[i]) if base else results[i].logit

            model = _fit_with_prior(rows, results, train, prior)
            gold = [rows[i]["label"] for i in test]
            zero.append(macro_f1(gold, [prior(i) > 0 for i in test]))
            with_labels.append(macro_f1(gold, [
                model.logit(rows[i]["text"], results[i].lang, results[i], prior=prior(i)) > 0
                for i in test]))
        out.append("N=%d: %.3f -> %.3f" % (n, sum(zero) / len(zero),
                                            sum(with_labels) / len(with_labels)))
        figures[n] = (sum(zero) / len(zero), sum(with_labels) / len(with_labels))
    return out, figures


def all_labels_cv(rows, results, base, folds=5):
    """The top of the labels curve: each fifth of the file predicted by the per-company learner
    trained on the labels of the other four fifths (a stream where agents labelled almost
    everything). (labels per fold, macro-F1 with no labels, macro-F1 with them)."""
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)

    def prior(i):
        return base.logit(rows[i]["text"], results[i]) if base else results[i].logit

    zero, learned = [False] * len(rows), [False] * len(rows)
    for k in range(folds):
        held = set(order[k::folds])
        train = [i for i in order if i not in held]
        model = _fit_with_prior(rows, results, train, prior)
        for i in held:
            zero[i] = prior(i) > 0
            learned[i] = model.logit(rows[i]["text"], results[i].lang, results[i],
                                     prior=prior(i)) > 0
    gold = [r["label"] for r in rows]
    return len(rows) - len(rows) // folds, macro_f1(gold, zero), macro_f1(gold, learned)


def active_curve(rows, results, base, seeds, batch=25):
    """Agents' labels chosen two ways, tested on the same held-out rows (a quarter of the file,
    at least 40): RANDOM (the first N posts of the stream) and UNSURE (the product's "Review
    unsure posts" list: the N posts whose complaint probability is nearest 50 %, asked ``batch``
    at a time, the model retrained after each batch). [(N, zero, random, unsure)] of
    (mean, sd) over the seeds."""
    from detection.adaptive import text_features

    def prior(i):
        return base.logit(rows[i]["text"], results[i]) if base else results[i].logit

    priors = [prior(i) for i in range(len(rows))]
    feats = [text_features(r["text"], rr) for r, rr in zip(rows, results, strict=True)]

    def fit(ids):
        return AdaptiveModel().fit_rows([(feats[i], priors[i], 1.0 if rows[i]["label"] else 0.0)
                                         for i in ids])

    def logits(model, ids):
        return [model.logit(rows[i]["text"], results[i].lang, results[i], prior=priors[i])
                for i in ids]

    scores = collections.defaultdict(list)
    for seed in range(1, seeds + 1):
        idx = list(range(len(rows)))
        random.Random(seed).shuffle(idx)
        n_test = max(40, len(idx) // 4)
        test, pool = idx[:n_test], idx[n_test:]
        gold = [rows[i]["label"] for i in test]
        scores[0, "zero"].append(macro_f1(gold, [priors[i] > 0 for i in test]))
        wanted = [n for n in NS if n < len(pool)]
        for n in wanted:
            scores[n, "random"].append(macro_f1(gold, [z > 0 for z in logits(fit(pool[:n]), test)]))
        asked, model = [], AdaptiveModel()
        while wanted and len(asked) < wanted[-1]:
            seen = set(asked)
            rest = [i for i in pool if i not in seen]
            ranked = sorted(zip(logits(model, rest), rest, strict=True),
                            key=lambda zi: abs(zi[0]))
            asked += [i for _, i in ranked[:batch]]
            model = fit(asked)
            if len(asked) in wanted:
                scores[len(asked), "unsure"].append(
                    macro_f1(gold, [z > 0 for z in logits(model, test)]))

    def mean_sd(xs):
        mean = sum(xs) / len(xs)
        return mean, (sum((x - mean) ** 2 for x in xs) / len(xs)) ** 0.5

    return [(n, mean_sd(scores[0, "zero"]), mean_sd(scores[n, "random"]),
             mean_sd(scores[n, "unsure"])) for n in NS if scores[n, "unsure"]]


def _fit_with_prior(rows, results, train, prior):
    """``AdaptiveModel().fit`` as the product trains it, with ``prior`` as the default path."""
    from detection import adaptive

    saved = adaptive.prior_logit
    by_text = {rows[i]["text"]: prior(i) for i in train}  # fit() analyses the text again
    adaptive.prior_logit = lambda text, rr: by_text.get(text, saved(text, rr))
    try:
        return AdaptiveModel().fit(
            [(rows[i]["text"], rows[i]["label"], results[i].lang) for i in train])
    finally:
        adaptive.prior_logit = saved


def bench_file(path, given_lang, seeds):
    if not os.path.isfile(path):
        print("%s: file not found, nothing measured" % path)
        return
    rows = load(path)
    name = os.path.basename(path)
    t0 = time.process_time()
    for r in rows:
        r["text"] = stored_text(r["text"])  # what ingestion stores and the classifier reads
    t_store = time.process_time() - t0
    langs = [(r["lang"] if given_lang and r["lang"] else None) for r in rows]
    guessed = [guess_lang(r["text"]) for r in rows]
    for r, g in zip(rows, guessed, strict=True):
        r["lang_shown"] = r["lang"] or g
    classify("@acme warm-up: loads the shipped model before the clock starts", lang=None)
    t0 = time.process_time()
    naive = [bool(NEGATIVE_WORDS.search(r["text"])) for r in rows]
    t1 = time.process_time()
    results = [analyse(r["text"], lg) for r, lg in zip(rows, langs, strict=True)]
    rules = [rr.logit > 0 for rr in results]
    t2 = time.process_time()
    shipped = [classify(r["text"], lang=lg)  # the whole default path, as the product calls it
               for r, lg in zip(rows, langs, strict=True)]
    t3 = time.process_time()
    base, how = held_out_base(name)
    if base is linear.load():
        default = [v.p_complaint >= 0.5 for v in shipped]
    else:
        default = [base.logit(r["text"], rr) > 0 for r, rr in zip(rows, results, strict=True)]
    gold = [r["label"] for r in rows]
    print("== %s: %d posts, %d complaints; stored as ingestion does (cleaned, redacted); "
          "language %s" % (name, len(rows), sum(gold),
                           "from the file" if given_lang else "guessed as the product"))
    if any(r["lang"] for r in rows):
        right = sum(1 for r, g in zip(rows, guessed, strict=True) if r["lang"] and r["lang"] == g)
        print("  language guess agrees with the file: %.1f%%" % (100 * right / len(rows)))
    preds = [("negative words", naive), ("rules only", rules), ("default path", default)]
    print("  macro-F1  negative words %.3f | rules only %.3f | default path %.3f (%s)" % (
        macro_f1(gold, naive), macro_f1(gold, rules), macro_f1(gold, default), how))
    n = len(rows)
    print("  ms/post   negative words %.3f | rules only %.3f | default path %.3f | cleaning + "
          "redaction %.3f (one core, CPU time)" % (
              1000 * (t1 - t0) / n, 1000 * (t2 - t1) / n, 1000 * (t3 - t2) / n,
              1000 * t_store / n))
    print("  per language (negative words / rules only / default path):")
    print("\n".join(fmt_groups(rows, preds, lambda r: r["lang_shown"])))
    print("  per kind (negative words / rules only / default path):")
    print("\n".join(fmt_groups(rows, preds, lambda r: r["kind"])))
    status = {"complaints-dev.csv": "unseen (tweets, measure only)"}.get(name)
    if status is None:
        status = ("UNSEEN (held-out, never trained on)" if name.startswith("heldout")
                  else "seen by the rules' tuning; weights: %s" % how)
    shipped_model = linear.load()
    if shipped_model is not None and shipped_model.meta.get("trained_on") == name:
        cv, n_groups = grouped_cv(rows, results, shipped_model)
        print("  default path, brand-grouped 5-fold CV (%d brand groups held out whole, "
              "retrained per fold): %.3f" % (n_groups, macro_f1(gold, cv)))
    lang_f1 = {}
    for lang in ("de", "en"):
        ids = [i for i, r in enumerate(rows) if r["lang_shown"] == lang]
        if len({gold[i] for i in ids}) == 2:
            lang_f1[lang] = macro_f1([gold[i] for i in ids], [default[i] for i in ids])
    curve, figures = learning_curve(rows, results, base, seeds)
    SUMMARY.append((name, status, macro_f1(gold, rules), macro_f1(gold, default), lang_f1,
                    figures))
    if curve:
        print("  agents' labels, held-out macro-F1 (N=0 -> N labels, mean of %d seeds): %s" % (
            seeds, "; ".join(curve)))
    if len(rows) >= CEILING_ROWS:
        print("  agents' labels on four fifths of the file, 5-fold (about %d labels each; the "
              "top of the curve): %.3f -> %.3f" % all_labels_cv(rows, results, base))
    active = active_curve(rows, results, base, seeds) if not NO_ACTIVE else []
    if active:
        print("  which posts agents label (same held-out quarter; mean ± sd of %d seeds): "
              "RANDOM = the first N of the stream, UNSURE = the N nearest 50 %% asked 25 at a "
              "time (the Review unsure posts list)" % seeds)
        for n, zero, rand, unsure in active:
            print("    N=%-4d no labels %.3f ± %.3f | RANDOM %.3f ± %.3f | UNSURE %.3f ± %.3f"
                  % (n, *zero, *rand, *unsure))
        ACTIVE.append((name, active))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--given-lang", action="store_true",
                        help="classify with the file's lang column instead of the guess")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--no-active", action="store_true",
                        help="skip the random-vs-unsure labels curves (the slowest part)")
    args = parser.parse_args(argv)
    global NO_ACTIVE
    NO_ACTIVE = args.no_active
    for path in args.paths or DEFAULT_PATHS:
        try:
            bench_file(path, args.given_lang, args.seeds)
        except (BadFile, OSError, UnicodeDecodeError, csv.Error) as exc:
            print("%s: cannot measure this file: %s" % (path, exc), file=sys.stderr)
            return 2
    if SUMMARY:
        print("== side by side (macro-F1; default path = no agent label; +N = the rows not "
              "labelled: default path -> after N agents' labels)")
        print("  %-30s %-6s %-7s %-6s %-6s %-11s %-11s %-11s  %s" % (
            "file", "rules", "default", "de", "en", "+50", "+200", "+800", "status"))
        for name, status, rules_f1, default_f1, lang_f1, figures in SUMMARY:
            cells = ["%.3f" % lang_f1[lg] if lg in lang_f1 else "-" for lg in ("de", "en")]
            cells += ["%.2f->%.2f" % figures[n] if n in figures else "-" for n in NS]
            print("  %-30s %.3f  %.3f   %-6s %-6s %-11s %-11s %-11s  %s" % (
                name[:30], rules_f1, default_f1, *cells, status))
    if ACTIVE:
        print("== agents' labels chosen at RANDOM vs the UNSURE posts the product asks about "
              "(macro-F1 on the same held-out quarter: no labels | RANDOM | UNSURE)")
        for name, active in ACTIVE:
            print("  %-30s %s" % (name[:30], "; ".join(
                "+%d: %.3f | %.3f | %.3f" % (n, zero[0], rand[0], unsure[0])
                for n, zero, rand, unsure in active)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
