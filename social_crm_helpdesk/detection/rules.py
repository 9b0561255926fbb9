"""Rule layer: finds cues in a post and turns them into a complaint log-odds plus reasons."""

import math
import re
from dataclasses import dataclass, field

from . import lexicon
from .text import (
    clean,
    guess_lang,
    is_shouting,
    lower_same_length,
    normalise_de_spans,
    original_span,
    strip_social,
)


def _join(patterns, lang="en"):
    """One alternation per category and language: far fewer regex passes per post. German
    text is matched in normalised spelling (``text.normalise_de``: "ß" written "ss")."""
    if lang == "de":
        patterns = [p.replace("ß", "ss") for p in patterns]
    return [re.compile("|".join("(?:%s)" % p for p in patterns))]


def _compile(families):
    return {cat: {lang: _join(pats, lang) for lang, pats in by_lang.items()}
            for cat, by_lang in families.items()}


_COMPILED = _compile(lexicon.CUES)
_COMPILED.update(_compile(lexicon.CONTEXT_CUES))
_COMPILED.update(_compile(lexicon.HARD_CUES))
_COMPILED["self_blame"] = {lang: _join(pats, lang) for lang, pats in lexicon.SELF_BLAME.items()}
_NEUTRAL = {lang: _join(pats, lang) for lang, pats in lexicon.NEUTRALISERS.items()}
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_BANG_RE = re.compile(r"!{2,}|\?!|!\?|\?{2,}")
_BRACKETED_RE = re.compile(r"\[[^\[\]\n]{1,120}\]")

# Log-odds contribution of the first cue of each category; further cues add a third of it.
WEIGHTS = {
    "failure": 2.2,
    "problem": 1.2,
    "negative": 1.5,
    "demand": 1.7,
    "blame": 1.6,
    "sarcasm": 2.8,
    "negated_positive": 1.6,
    "waiting": 0.9,
    "intensity": 0.6,
    "service": 0.6,
    "explain": 1.6,
    "expectation": 1.0,
    "regret": 0.8,
    "negation": 0.6,
    "possessive": 0.5,
    "past": 0.35,
    "persistence": 0.5,
    "money": 0.4,
    "question": -0.4,
    "praise": -1.1,
    "reassurance": -2.2,
    "self_blame": -1.5,
    "rhetorical": 1.6,
    "implicit": 1.3,
    "irony": 1.2,
    "resolved": -2.0,
    "elsewhere": -1.5,
    "news": -2.0,
    "churn": 2.2,
}
BIAS = -1.8
COMPLAINT_CATS = ("failure", "problem", "negative", "demand", "blame", "sarcasm",
                  "negated_positive", "explain", "expectation", "rhetorical", "implicit",
                  "churn")
# Cues that on their own mark a complaint (a demand or a "problem" may also be a plain request).
STRONG_CATS = ("failure", "negative", "blame", "sarcasm", "negated_positive", "churn")
LANGS = ("en", "de")
# Context cues that say little unless the post is about an order, account or service.
_ANCHORED = ("negation", "past", "persistence", "money")


@dataclass
class Cue:
    category: str
    snippet: str
    start: int


@dataclass
class RuleResult:
    """What the rules found in one post."""

    lang: str
    cues: list = field(default_factory=list)
    logit: float = BIAS

    def count(self, category):
        return sum(1 for c in self.cues if c.category == category)

    @property
    def categories(self):
        return {c.category for c in self.cues}

    @property
    def p_complaint(self):
        return sigmoid(self.logit)


def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _blank(text, start, end):
    return text[:start] + " " * (end - start) + text[end:]


def analyse(text, lang=None):
    """Find cues in `text` and compute the rules-only complaint log-odds."""
    text = clean(text)
    if lang not in LANGS:
        lang = guess_lang(text) if lang is None or not str(lang).strip() else (
            "de" if str(lang).lower().startswith("de") else "en")
    result = RuleResult(lang=lang)
    if not text.strip():
        return result
    body = strip_social(text)
    written, spans = body, ()
    if lang == "de":  # dialect and chat spellings, "ae" for "ä": matched in standard spelling
        text, spans = normalise_de_spans(body)
        body = text
    low = lower_same_length(body)
    # Neutralisers ("no problem", "works again") are removed first and count as reassurance.
    for rx in _NEUTRAL[lang]:
        for m in rx.finditer(low):
            result.cues.append(Cue("reassurance", text[m.start():m.end()], m.start()))
            low = _blank(low, m.start(), m.end())
    for cat, by_lang in _COMPILED.items():
        for rx in by_lang[lang]:
            for m in rx.finditer(low):
                if m.end() > m.start():
                    result.cues.append(Cue(cat, text[m.start():m.end()].strip(), m.start()))
    # what the product put in brackets ("[IBAN removed, ends 3000]") is not the customer shouting
    spoken = _BRACKETED_RE.sub(" ", body)
    shouted = [w for w in _WORD_RE.findall(spoken) if is_shouting(w)]
    if len(shouted) >= 1 and len(shouted) * 3 >= len(_WORD_RE.findall(body)) or len(shouted) >= 2:
        result.cues.append(Cue("intensity", " ".join(shouted[:3]), 0))
    bang = _BANG_RE.search(body)
    if bang:
        result.cues.append(Cue("intensity", bang.group(), bang.start()))
    churn = [(c.start, c.start + len(c.snippet)) for c in result.cues if c.category == "churn"]
    if churn:  # "zu einem anderen Anbieter" names where the customer goes, not whom they blame
        result.cues = [c for c in result.cues if c.category != "elsewhere"
                       or not any(a <= c.start < b for a, b in churn)]
    if spans:  # the reasons quote what the customer wrote ("Scheiße", "nix"), not our spelling
        for cue in result.cues:
            found = text.find(cue.snippet, cue.start) if cue.snippet else -1
            if found >= 0:
                start, end = original_span(spans, found, found + len(cue.snippet))
                cue.snippet = written[start:end]
    result.cues.sort(key=lambda c: c.start)
    result.logit = _score(result)
    return result


def _score(result):
    counts = {}
    for cue in result.cues:
        counts[cue.category] = counts.get(cue.category, 0) + 1
    complaintish = any(counts.get(c) for c in COMPLAINT_CATS)
    strong = any(counts.get(c) for c in STRONG_CATS)
    anchored = complaintish or counts.get("service") or counts.get("possessive")
    logit = BIAS
    for cat, n in counts.items():
        w = WEIGHTS[cat]
        if cat == "question" and complaintish:
            continue  # "why is my order still not here?" is not a plain question
        if cat == "praise" and strong:
            continue  # praise words next to a failure are usually sarcasm, not praise
        if cat == "praise" and complaintish:
            w *= 0.5  # "thanks, but my order is still missing": polite, not praise
        if cat in ("intensity", "service") and not complaintish or (
                cat == "waiting" and not anchored):
            w *= 0.5  # amplifiers count fully only next to a complaint cue
        if cat in _ANCHORED and not anchored:
            w *= 0.5  # "I didn't go yesterday": negation/past tense matter when about a service
        logit += w + (n - 1) * w / 3.0 if n > 1 else w
    if counts.get("praise") and strong and not counts.get("sarcasm"):
        # praise + failure: either sarcasm or thanking for a fix; slight push towards complaint
        logit += 0.3
    return logit


_FACT_CATS = frozenset(COMPLAINT_CATS) | {"waiting", "irony"}


def combinations(result):
    """Pairs of cue families that mean more together than apart (features of the shipped
    model, whose weights are learned: see ``linear.features``):
    praise next to a failure (sarcasm, or thanks for a fix), praise opening a post that then
    states a failure (mock delight), a problem told in the past with a fix and thanks (praise
    after a solved problem), a question carrying complaint cues, anger aimed elsewhere next to
    complaint words, leaving politely."""
    cats = result.categories
    if not cats:
        return ()
    out = []
    strong = bool(cats & set(STRONG_CATS))
    facts = bool(cats & _FACT_CATS)
    if "praise" in cats and strong:
        out.append("praise&strong")
    if result.cues and result.cues[0].category in ("praise", "irony", "sarcasm") and (
            cats - {result.cues[0].category}) & _FACT_CATS:
        out.append("praise_first&complaint")
    if "resolved" in cats:
        if "praise" in cats or "reassurance" in cats:
            out.append("resolved&thanks")
        if facts:
            out.append("resolved&complaint")
    if "question" in cats and cats & (_FACT_CATS - {"problem"}):  # "can't" alone: no
        out.append("question&complaint")
    if "elsewhere" in cats and facts:
        out.append("elsewhere&complaint")
    if "churn" in cats and "praise" in cats:
        out.append("churn&praise")
    if cats & {"sarcasm", "irony"} and cats & {"failure", "implicit", "waiting", "negative"}:
        out.append("irony&failure")
    return out


def feature_names(result):
    """Sparse binary features derived from the rule cues (used by the adaptive model)."""
    feats = {"rule:" + c for c in result.categories}
    cats = result.categories
    if cats & set(COMPLAINT_CATS) and "praise" in cats:
        feats.add("rule:praise+complaint")
    if "question" in cats and not cats & set(COMPLAINT_CATS):
        feats.add("rule:pure_question")
    return feats
