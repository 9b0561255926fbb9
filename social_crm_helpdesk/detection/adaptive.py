"""Per-company model learned from agents' decisions, with the default path as prior.

learned = prior_scale * prior_logit + bias + sum(weight[f] for f in features)
log-odds(complaint) = prior_logit + shrink * (learned - prior_logit)

where ``prior_logit`` is the default path (rules corrected by the shipped model, ``linear``).

Features are word unigrams/bigrams plus the rule cue categories. Training is L2-regularised
logistic regression (AdaGrad SGD) in plain Python. The L2 penalty pulls `prior_scale` towards
1 and everything else towards 0 with a fixed total strength, so more labels weigh more.
``shrink`` (0, 0.25, 0.5 or 1) is chosen by 5-fold cross-validation on the labels: the model
moves away from the default path only as far as that beats the default path on labels it was
not trained on (log-loss gain above two standard errors, and more held-out labels decided
right). Labels must never make the detection worse: with fewer than 20 labels, or labels that
do not show a gain, the model *is* the default path.
"""

import json
import math
import random

from . import linear
from .rules import analyse, feature_names, sigmoid
from .text import tokens

FORMAT_VERSION = 1
#: fewer labels than this never move the default path (too few to cross-validate)
MIN_LABELS_TO_MOVE = 20
CV_FOLDS = 5
#: how far the learned model may move away from the default path (see ``_choose_shrink``)
SHRINKS = (0.25, 0.5, 1.0)
#: a move must gain more than this many standard errors of the per-label gain
GATE_SE = 2.0
_STOP_UNIGRAMS = frozenset("a an the to of and or in on at it is i my me you your for".split())


def text_features(text, rule_result=None):
    """Feature names for `text`: unigrams, bigrams and rule categories."""
    toks = tokens(text)[:400]
    feats = set()
    for t in toks:
        if t not in _STOP_UNIGRAMS:
            feats.add("w:" + t)
    for a, b in zip(toks, toks[1:], strict=False):
        feats.add("b:" + a + "_" + b)
    if rule_result is not None:
        feats |= feature_names(rule_result)
    return feats


def prior_logit(text, rule_result):
    """The default path's log-odds: the rules corrected by the shipped model (when present)."""
    base = linear.load()
    return base.logit(text, rule_result) if base is not None else rule_result.logit


def _log_loss(z, y):
    """Log-loss of log-odds ``z`` for the label ``y`` (1.0 or 0.0), stable for large ``|z|``."""
    z = z if y else -z
    return math.log1p(math.exp(-z)) if z > -30 else -z


class AdaptiveModel:
    """Complaint-vs-not model trained from agent labels; JSON serialisable.

    >>> m = AdaptiveModel().fit([("parcel never arrived", True, "en"), ("love it", False, "en")])
    >>> AdaptiveModel.from_json(m.to_json()).p_complaint("parcel never arrived") > 0.5
    True
    """

    def __init__(self, l2=1.0, epochs=4, learning_rate=0.15, min_count=1, seed=0):
        self.l2 = l2
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.min_count = min_count
        self.seed = seed
        self.weights = {}
        self.bias = 0.0
        self.prior_scale = 1.0
        self.shrink = 1.0
        self.n_labels = 0
        self.n_complaints = 0

    # ----------------------------------------------------------------- training
    def fit(self, examples):
        """Train from `[(text, is_complaint, lang), ...]` (lang may be omitted or None).

        Replaces any previous training; returns self.
        """
        rows = []
        for ex in examples or ():
            text, label = ex[0], bool(ex[1])
            lang = ex[2] if len(ex) > 2 else None
            rr = analyse(text, lang)
            rows.append((text_features(text, rr), prior_logit(text, rr), 1.0 if label else 0.0))
        return self.fit_rows(rows)

    def fit_rows(self, rows):
        """Train from `[(feature names, default-path logit, 1.0 or 0.0), ...]`; returns self.

        The learned model is then shrunk towards the default path by ``shrink`` (see
        ``_choose_shrink``): labels that do not beat the default path on posts they were not
        trained on change nothing.
        """
        self.weights, self.bias, self.prior_scale, self.shrink = {}, 0.0, 1.0, 1.0
        self.n_labels = len(rows)
        self.n_complaints = int(sum(r[2] for r in rows))
        if not rows:
            return self
        self.weights, self.bias, self.prior_scale = self._train_rows(rows)
        self.shrink = self._choose_shrink(rows)
        return self

    def _train_rows(self, rows):
        """(weights, bias, prior scale) of L2 logistic regression on `rows` (AdaGrad SGD)."""
        counts = {}
        for feats, _, _ in rows:
            for f in feats:
                counts[f] = counts.get(f, 0) + 1
        vocab = [f for f, c in counts.items() if c >= self.min_count]
        index = {f: i for i, f in enumerate(vocab)}
        data = [([index[f] for f in feats if f in index], prior, y) for feats, prior, y in rows]
        n_feat = len(vocab)
        w = [0.0] * n_feat
        g2 = [1e-8] * n_feat
        bias, scale, g2_bias, g2_scale = 0.0, 1.0, 1e-8, 1e-8
        lam = self.l2 / len(data)  # fixed total penalty: more labels -> more influence
        lr = self.learning_rate
        order = list(range(len(data)))
        rng = random.Random(self.seed)
        for _ in range(self.epochs):
            rng.shuffle(order)
            for k in order:
                idx, prior, y = data[k]
                z = scale * prior + bias
                for i in idx:
                    z += w[i]
                err = sigmoid(z) - y
                for i in idx:
                    g = err + lam * w[i] * 4
                    g2[i] += g * g
                    w[i] -= lr * g / math.sqrt(g2[i])
                g = err
                g2_bias += g * g
                bias -= lr * g / math.sqrt(g2_bias)
                g = err * prior + lam * (scale - 1.0) * 4
                g2_scale += g * g
                scale -= 0.2 * lr * g / math.sqrt(g2_scale)
        weights = {f: round(w[i], 4) for f, i in index.items() if abs(w[i]) >= 1e-3}
        return weights, round(bias, 4), round(scale, 4)

    def _choose_shrink(self, rows):
        """How far the learned model moves away from the default path (0 = not at all).

        Cross-validated on the labels: each fold is predicted by a model trained on the other
        folds, and a move (``SHRINKS``) is kept only when it lowers the log-loss of those
        held-out predictions by more than ``GATE_SE`` standard errors of the per-label gain
        and decides more of them right. So 50 noisy labels rarely move anything, 800
        consistent ones move the model fully.
        """
        n = len(rows)
        if n < MIN_LABELS_TO_MOVE or self.n_complaints in (0, n):
            return 0.0
        order = list(range(n))
        random.Random(self.seed).shuffle(order)
        learned = [0.0] * n
        for k in range(CV_FOLDS):
            held = set(order[k::CV_FOLDS])
            weights, bias, scale = self._train_rows([r for i, r in enumerate(rows)
                                                     if i not in held])
            for i in held:
                feats, prior, _ = rows[i]
                learned[i] = scale * prior + bias + sum(weights.get(f, 0.0) for f in feats)
        best, best_gain = 0.0, 0.0
        for shrink in SHRINKS:
            gains, fixed = [], 0
            for (_, prior, y), z in zip(rows, learned, strict=True):
                moved = prior + shrink * (z - prior)
                gains.append(_log_loss(prior, y) - _log_loss(moved, y))
                fixed += ((moved > 0) == bool(y)) - ((prior > 0) == bool(y))
            mean = sum(gains) / n
            sd = math.sqrt(sum((g - mean) ** 2 for g in gains) / (n - 1))
            if mean > GATE_SE * sd / math.sqrt(n) and fixed > 0 and mean > best_gain:
                best, best_gain = shrink, mean
        return best

    # --------------------------------------------------------------- prediction
    def logit(self, text, lang=None, rule_result=None, prior=None):
        rr = rule_result if rule_result is not None else analyse(text, lang)
        if prior is None:
            prior = prior_logit(text, rr)
        if not self.n_labels or not self.shrink:
            return prior
        z = self.prior_scale * prior + self.bias
        for f in text_features(text, rr):
            z += self.weights.get(f, 0.0)
        return prior + self.shrink * (z - prior)

    def p_complaint(self, text, lang=None, rule_result=None, prior=None):
        return sigmoid(self.logit(text, lang, rule_result, prior))

    def top_features(self, text, lang=None, rule_result=None, k=3):
        """The learned features that pushed this text most, as [(feature, weight)]."""
        rr = rule_result if rule_result is not None else analyse(text, lang)
        found = [(f, self.weights[f]) for f in text_features(text, rr) if f in self.weights]
        found.sort(key=lambda fw: -abs(fw[1]))
        return found[:k]

    # ------------------------------------------------------------ serialisation
    def to_dict(self):
        return {
            "format": "social_crm_helpdesk.complaint_model",
            "version": FORMAT_VERSION,
            "params": {"l2": self.l2, "epochs": self.epochs, "learning_rate": self.learning_rate,
                       "min_count": self.min_count, "seed": self.seed},
            "n_labels": self.n_labels,
            "n_complaints": self.n_complaints,
            "bias": self.bias,
            "prior_scale": self.prior_scale,
            "shrink": self.shrink,
            "weights": dict(sorted(self.weights.items())),
        }

    def to_json(self):
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a complaint model of version %s" % FORMAT_VERSION)
        model = cls(**data.get("params", {}))
        model.n_labels = int(data.get("n_labels", 0))
        model.n_complaints = int(data.get("n_complaints", 0))
        model.bias = float(data.get("bias", 0.0))
        model.prior_scale = float(data.get("prior_scale", 1.0))
        model.shrink = float(data.get("shrink", 1.0))  # models saved before it: not shrunk
        model.weights = {str(k): float(v) for k, v in data.get("weights", {}).items()}
        return model

    @classmethod
    def from_json(cls, payload):
        return cls.from_dict(json.loads(payload))
