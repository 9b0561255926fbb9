"""Complaint classifier for social-media posts (English and German).

    classify(text, lang=None, model=None, use_base=True) -> Verdict
    classify_many(texts, langs=None, model=None) -> list[Verdict]

Labels: "complaint", "question", "praise", "other". Three layers, each a plain function of the
text:
1. the rules (``rules.analyse``) find what complaints *do* (report a failure, demand, blame,
   mock, wait, ask rhetorically, state facts of a failure) and give a log-odds;
2. the shipped model (``linear``, trained offline on a CC0 German/English set) corrects that
   log-odds with word and character n-gram weights: this is the default path;
3. an optional per-company ``AdaptiveModel`` (trained from agents' decisions) starts from the
   default path and moves with the labels.

Reasons are *codes* with an optional snippet (``Verdict.codes``: ``[(code, snippet)]``), so a
user interface translates them (``REASON_CODES``); ``Verdict.reasons`` renders them in English.
"""

from dataclasses import dataclass, field

from . import linear
from .adaptive import AdaptiveModel
from .lexicon import REASON_PHRASES
from .rules import STRONG_CATS, analyse, sigmoid

LABELS = ("complaint", "question", "praise", "other")
_MAX_REASONS = 5
_MAX_SURE = 0.99
_MIN_SIGNAL = 0.25  # a network convention or the tone is a reason when it moved the log-odds
_REASON_ORDER = ("failure", "implicit", "rhetorical", "demand", "blame", "churn", "sarcasm",
                 "irony", "negated_positive", "negative", "explain", "expectation", "problem",
                 "waiting", "persistence", "regret", "intensity", "money", "negation",
                 "possessive", "past", "reassurance", "resolved", "elsewhere", "news", "question",
                 "praise")
_NOT_COMPLAINT_ORDER = ("resolved", "elsewhere", "news", "reassurance", "self_blame")

#: every reason code -> English phrase; the Odoo addon translates the same codes
REASON_CODES = dict(REASON_PHRASES)
REASON_CODES.update({
    "intensity": "intensity",
    "question_mark": "asks a question: question mark",
    "praise_next_to_complaint": "sarcasm: praise word next to a complaint",
    "wording": "wording typical of complaints",
    "wording_not": "wording typical of posts that are no complaints",
    "to_support": "written to a customer-service account",
    "tone_negative": "negative tone",
    "tone_positive": "positive tone",
    "agents": "learned from agents",
    "llm": "checked by a language model",
    "no_cues": "no complaint, question or praise cues",
    "legacy": "",
})

__all__ = ["AdaptiveModel", "LABELS", "REASON_CODES", "Verdict", "classify", "classify_many",
           "render_reason"]


@dataclass
class Verdict:
    label: str
    confidence: float
    reasons: list = field(default_factory=list)
    lang: str = "en"
    p_complaint: float = 0.0
    codes: list = field(default_factory=list)

    @property
    def is_complaint(self):
        return self.label == "complaint"


def _snip(s, limit=40):
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def render_reason(code, snippet="", phrases=None):
    """One reason as text: ``phrase: 'snippet'`` (``phrases`` maps codes to translated text)."""
    phrase = (phrases or REASON_CODES).get(code) or REASON_CODES.get(code) or code
    if code == "legacy":
        return snippet or ""
    if code == "intensity" and snippet:
        return "%s: '%s'" % (phrase.split(":")[0], snippet)
    if not snippet or code in ("question_mark", "no_cues"):
        return phrase
    return "%s: '%s'" % (phrase, snippet)


def _codes(rr, label):
    cats = rr.categories
    if label == "complaint":
        wanted = [c for c in _REASON_ORDER if c not in
                  ("question", "praise", "reassurance", "resolved", "elsewhere", "news")]
    elif label == "question":
        wanted = ["question", "reassurance", "resolved"]
    elif label == "praise":
        wanted = ["resolved", "praise", "elsewhere", "reassurance"]
    else:
        wanted = list(_NOT_COMPLAINT_ORDER)
    out = []
    for cat in wanted:
        cue = next((c for c in rr.cues if c.category == cat), None)
        if cue is None:
            continue
        if cat == "question" and cue.snippet == "?":
            out.append(("question_mark", ""))
        else:
            out.append((cat, _snip(cue.snippet)))
    strong = bool(cats & set(STRONG_CATS))
    if (label == "complaint" and "praise" in cats and strong
            and not cats & {"sarcasm", "irony", "churn"}):  # "thanks, I'll look elsewhere"
        cue = next(c for c in rr.cues if c.category == "praise")
        out.append(("praise_next_to_complaint", _snip(cue.snippet)))
    return out[:_MAX_REASONS]


def classify(text, lang=None, model=None, use_base=True, p_override=None, source=None):
    """Classify one post. Never raises on odd input (None, empty, huge, control characters).

    ``use_base=False`` gives the rules alone (for benchmarks). ``p_override``: the probability
    of a complaint decided elsewhere (a language model, see ``llm``), whose name ``source``
    becomes the first reason; the rules still give the label of non-complaints and the cues.
    """
    rr = analyse(text, lang)
    base = linear.load() if use_base else None
    prior, words = base.score(text, rr) if base is not None else (rr.logit, [])
    learned = model is not None and getattr(model, "n_labels", 0) and p_override is None
    if p_override is not None:
        p = p_override
    elif learned:
        p = model.p_complaint(text, rr.lang, rule_result=rr, prior=prior)
    else:
        p = sigmoid(prior)
    cats = rr.categories
    if p >= 0.5:
        label = "complaint"
        conf = p
    else:
        if "question" in cats and rr.count("question") >= (1 if "praise" not in cats else 2):
            label = "question"
        elif "praise" in cats or "reassurance" in cats or "resolved" in cats:
            label = "praise"
        elif "question" in cats:
            label = "question"
        else:
            label = "other"
        conf = 1.0 - p
        if label == "other":
            conf = 0.5 + 0.5 * (1.0 - p) * 0.8  # "other" is a fallback, never very sure
    codes = _codes(rr, label)
    if p_override is not None:
        codes = [("llm", _snip(source or ""))] + codes[: _MAX_REASONS - 1]
    if base is not None:
        top = base.wording(words, positive=label == "complaint", k=1)
        if top and len(codes) < _MAX_REASONS:
            codes.append(("wording" if label == "complaint" else "wording_not", _snip(top[0])))
        for code, snippet, weight in base.signals(text, rr):
            if (weight > 0) == (label == "complaint") and abs(weight) >= _MIN_SIGNAL \
                    and len(codes) < _MAX_REASONS:
                codes.append((code, _snip(snippet)))
    if learned:
        for feat, weight in model.top_features(text, rr.lang, rule_result=rr, k=2):
            if (weight > 0) == (label == "complaint") and abs(weight) >= 0.3:
                codes.append(("agents", _snip(feat.split(":", 1)[1].replace("_", " "))))
        if (p >= 0.5) != (prior >= 0.0) and not any(c == "agents" for c, _ in codes):
            codes.append(("agents", ""))  # the agents' labels turned the default verdict
    if not codes:
        codes = [("wording", "")] if label == "complaint" else [("no_cues", "")]
    # never fully sure (kept below 1.00 also when stored with 2 digits): a team's minimum
    # confidence of 100 % means "never automatically"
    return Verdict(label=label, confidence=round(min(max(conf, 0.0), _MAX_SURE), 4),
                   reasons=[render_reason(c, s) for c, s in codes], lang=rr.lang,
                   p_complaint=round(min(max(p, 1.0 - _MAX_SURE), _MAX_SURE), 4), codes=codes)


def classify_many(texts, langs=None, model=None):
    """Classify several posts; `langs` is None or a list parallel to `texts`."""
    texts = list(texts or [])
    if langs is None:
        langs = [None] * len(texts)
    langs = list(langs) + [None] * (len(texts) - len(langs))
    return [classify(t, lang=lg, model=model) for t, lg in zip(texts, langs, strict=False)]
