"""Complaint classifier for social-media posts (English and German).

    classify(text, lang=None, model=None) -> Verdict
    classify_many(texts, langs=None, model=None) -> list[Verdict]

Labels: "complaint", "question", "praise", "other". The rules look at what complaints *do*
(report a failure, demand, blame, mock, wait, shout) instead of plain sentiment. An optional
`AdaptiveModel` (trained from agents' decisions) replaces the rules' complaint probability by
its own, which starts from the rules and moves with the labels.
"""

from dataclasses import dataclass, field

from .adaptive import AdaptiveModel
from .lexicon import REASON_PHRASES
from .rules import STRONG_CATS, analyse

LABELS = ("complaint", "question", "praise", "other")
_MAX_REASONS = 5
_REASON_ORDER = ("failure", "demand", "blame", "sarcasm", "negated_positive", "negative",
                 "explain", "expectation", "problem", "waiting", "persistence", "regret",
                 "intensity", "money", "negation", "possessive", "past", "reassurance", "question",
                 "praise")

__all__ = ["AdaptiveModel", "LABELS", "Verdict", "classify", "classify_many"]


@dataclass
class Verdict:
    label: str
    confidence: float
    reasons: list = field(default_factory=list)
    lang: str = "en"
    p_complaint: float = 0.0

    @property
    def is_complaint(self):
        return self.label == "complaint"


def _snip(s, limit=40):
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _reasons(rr, label):
    cats = rr.categories
    wanted = []
    if label == "complaint":
        wanted = [c for c in _REASON_ORDER if c not in ("question", "praise", "reassurance")]
    elif label == "question":
        wanted = ["question", "reassurance"]
    elif label == "praise":
        wanted = ["praise", "reassurance"]
    out, seen = [], set()
    for cat in wanted:
        for cue in rr.cues:
            if cue.category != cat:
                continue
            phrase = REASON_PHRASES.get(cat, cat)
            if cat == "question" and cue.snippet == "?":
                reason = "asks a question: question mark"
            elif cat == "intensity":
                reason = "intensity: '%s'" % _snip(cue.snippet)
            else:
                reason = "%s: '%s'" % (phrase, _snip(cue.snippet))
            if reason not in seen:
                seen.add(reason)
                out.append(reason)
            break  # one example per category keeps the list short
    strong = bool(cats & set(STRONG_CATS))
    if label == "complaint" and "praise" in cats and strong and "sarcasm" not in cats:
        cue = next(c for c in rr.cues if c.category == "praise")
        out.append("sarcasm: praise word '%s' next to a complaint" % _snip(cue.snippet))
    return out[:_MAX_REASONS]


def classify(text, lang=None, model=None):
    """Classify one post. Never raises on odd input (None, empty, huge, control characters)."""
    rr = analyse(text, lang)
    if model is not None and getattr(model, "n_labels", 0):
        p = model.p_complaint(text, rr.lang, rule_result=rr)
    else:
        p = rr.p_complaint
    cats = rr.categories
    if p >= 0.5:
        label = "complaint"
        conf = p
    else:
        if "question" in cats and rr.count("question") >= (1 if "praise" not in cats else 2):
            label = "question"
        elif "praise" in cats or "reassurance" in cats:
            label = "praise"
        elif "question" in cats:
            label = "question"
        else:
            label = "other"
        conf = 1.0 - p
        if label == "other":
            conf = 0.5 + 0.5 * (1.0 - p) * 0.8  # "other" is a fallback, never very sure
    reasons = _reasons(rr, label)
    if model is not None and getattr(model, "n_labels", 0):
        for feat, weight in model.top_features(text, rr.lang, rule_result=rr, k=2):
            if (weight > 0) == (label == "complaint") and abs(weight) >= 0.3:
                word = feat.split(":", 1)[1].replace("_", " ")
                reasons.append("learned from agents: '%s'" % _snip(word))
    if not reasons and label == "other":
        reasons = ["no complaint, question or praise cues"]
    return Verdict(label=label, confidence=round(min(max(conf, 0.0), 1.0), 4), reasons=reasons,
                   lang=rr.lang, p_complaint=round(p, 4))


def classify_many(texts, langs=None, model=None):
    """Classify several posts; `langs` is None or a list parallel to `texts`."""
    texts = list(texts or [])
    if langs is None:
        langs = [None] * len(texts)
    langs = list(langs) + [None] * (len(texts) - len(langs))
    return [classify(t, lang=lg, model=model) for t, lg in zip(texts, langs, strict=False)]
