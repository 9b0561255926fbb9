"""The shipped complaint model: a linear correction of the rules, learned offline.

    logit = rules_logit + bias + sum(weight[f] * value[f] for f in features(text))

Features are word unigrams and bigrams (no function words, see ``STOP``; letters written three
times or more folded to two: "sooo" = "soo"), character 3-5-grams of the normalised words
(weighted 1/sqrt(count), so long posts do not outvote short ones), the rule cue categories, a
bias per language, the conventions of posts on networks (written to a customer-service handle,
a link, a reply between people: ``tweet_features``) and, for English posts, the tone from
VADER's lexicon (``sentiment_features``; vaderSentiment, MIT, ships its lexicon, nothing is
downloaded). The weights are trained by ``bench/train_complaints.py`` on
``complaints-de-en-dev.csv`` (CC0) and the project's own posts of ``bench/data/`` with the
rules as a fixed offset, so the model learns what the rules get wrong, and shipped in
``complaint_weights.json`` beside this file.
Plain Python at run time: a few hundred dict look-ups per post, no numpy, no network.
"""

import json
import math
import os
import re

from .rules import COMPLAINT_CATS, combinations
from .text import URL_RE, clean, normalise_de_tokens, tokens

WEIGHTS_PATH = os.path.join(os.path.dirname(__file__), "complaint_weights.json")
FORMAT = "social_crm_helpdesk.complaint_base_model"
CHAR_NS = (3, 4, 5)
MAX_TOKENS = 300
MAX_CHARS_SENTIMENT = 2000
_LOADED = {}
#: function words and punctuation get no word weight of their own (nor do pairs of them): in a
#: small training set they learn its writing style ("of", "the", "?"), not what a complaint is,
#: and that does not carry over to real posts (measured on English tweets never trained on)
STOP = frozenset("""
a an the to of and or in on at it is i my me you your for with from by as be was were are am
been this that these those there here what which who so but if then than too very just also do
does did have has had will would can could should not no
der die das den dem des ein eine einen einem einer und oder im an am auf zu zum zur von vom mit
für bei aus ist war sind sein bin bist es ich du er sie wir ihr mein meine mich mir dich dir uns
euch euer eure ihre aber wenn dann als wie was wer auch noch nur sehr schon nicht kein keine hat
habe haben hatte wird wurde werden kann können
? ! ?? !!
""".split())


#: a handle of a customer-service account ("@AcmeSupport", "@AskAcme", "@Acme_Help",
#: "@AcmeCares"): posts written to one are mostly about a problem; posts that only answer a
#: person ("@jenna_k88 same lol") are mostly chat
SUPPORT_HANDLE_RE = re.compile(r"(?<!\w)@(?:ask\w+|\w*(?:support|help|care|serv|hilfe)\w*)", re.I)


#: the handles a post starts with ("@AcmeHelp @jo_k88 ..."): whom it is written to
LEAD_HANDLES_RE = re.compile(r"\s*[.]?((?:@\w+[\s,:]*)+)")
HANDLE_RE = re.compile(r"(?<!\w)@(\w+)")
#: a handle that looks like a person's: ends in a number of 2+ digits or in "_" and at most one
#: letter or digit ("@jo_k88", "@sam_t", "@katie_"); brands rarely name themselves that way
PERSON_HANDLE_RE = re.compile(r"(?:\d{2,}|_\w?)$")
#: the rule cues of a complaint (``tweet_features``)
_COMPLAINT_CUES = frozenset(COMPLAINT_CATS) | {"waiting", "irony"}


def addressee(text):
    """Whom a post is written to, from its handles: ``"chain"`` (it starts with two or more
    handles, none a customer-service account: a reply inside a conversation between people),
    ``"person"`` (it starts with a handle that looks like a person's), ``"brand"`` (it names
    another handle: a business, or someone not told apart from one) or ``None`` (no handle)."""
    text = clean(text)
    lead = LEAD_HANDLES_RE.match(text)
    handles = HANDLE_RE.findall(lead.group(1)) if lead else []
    if len(handles) >= 2 and not SUPPORT_HANDLE_RE.search(lead.group(1)):
        return "chain"
    if handles and PERSON_HANDLE_RE.search(handles[0]):
        return "person"
    if handles or HANDLE_RE.search(text):
        return "brand"
    return None


def tweet_features(text, rule_result=None):
    """The conventions of a post on a network, as feature names (``t:`` in the weights):
    written to a customer-service account, carries a link, a reply inside a conversation
    between people (``to_chain``) or to a person (``to_person``, see ``addressee``) and, given
    the rules' result, such a reply next to the cues of a complaint (``to_chain&complaint``):
    a failure told in a chat between people is rarely a complaint to act on, one told to a
    brand often is, so the model need not lower every post written to a handle to keep the
    replies between people out. Posts to a brand or without any handle get no feature of
    their own (measured: a feature "complaint cues in a post to a brand" lifted the tweets but
    lowered the complaints written without a handle and the brand-grouped CV). Computed on
    the raw text: the tokens drop handles and links."""
    text = clean(text)
    feats = []
    if SUPPORT_HANDLE_RE.search(text):
        feats.append("to_support")
    if URL_RE.search(text):
        feats.append("link")
    to = addressee(text)
    if to in ("chain", "person"):
        feats.append("to_" + to)
        if rule_result is not None and not rule_result.categories.isdisjoint(_COMPLAINT_CUES):
            feats.append("to_%s&complaint" % to)
    return feats


#: a letter written three times or more ("sooo", "whyyy", "plzzz") counts as written twice
_ELONGATED_RE = re.compile(r"([^\W\d_])\1{2,}")
_SENTIMENT = []


def _analyser():
    """VADER's analyser (vaderSentiment, MIT: its English lexicon of words, slang and emoji
    ships inside the package; nothing is downloaded), built once; None when not installed."""
    if not _SENTIMENT:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        except ImportError:
            _SENTIMENT.append(None)
        else:
            _SENTIMENT.append(SentimentIntensityAnalyzer())
    return _SENTIMENT[0]


def sentiment_features(text, lang):
    """{name: value} of the tone of an English post (VADER's compound score split into its
    negative and positive side; ``s:`` in the weights). German posts get none: the lexicon is
    English."""
    analyser = _analyser() if lang == "en" else None
    if analyser is None:
        return {}
    compound = analyser.polarity_scores(URL_RE.sub(" ", clean(text))[:MAX_CHARS_SENTIMENT])[
        "compound"]
    if compound <= -0.05:
        return {"neg": -compound}
    if compound >= 0.05:
        return {"pos": compound}
    return {}


def _word_features(toks):
    """The words and word pairs of a post that carry a weight (see ``STOP``)."""
    words = {tok for tok in toks if tok not in STOP}
    pairs = {a + " " + b for a, b in zip(toks, toks[1:], strict=False)
             if a not in STOP or b not in STOP}
    return words, pairs


def post_tokens(text, rule_result):
    """The tokens of a post (German ones in standard spelling, ``text.normalise_de``)."""
    toks = [_ELONGATED_RE.sub(r"\1\1", tok) for tok in tokens(text)[:MAX_TOKENS]]
    return normalise_de_tokens(toks) if rule_result.lang == "de" else toks


def features(text, rule_result):
    """{feature name: value} of a post, the same at training and at run time."""
    toks = post_tokens(text, rule_result)
    feats = {}
    words, pairs = _word_features(toks)
    for tok in words:
        feats["w:" + tok] = 1.0
    for pair in pairs:
        feats["b:" + pair] = 1.0
    joined = " " + " ".join(toks) + " "
    grams = set()
    for n in CHAR_NS:
        for i in range(len(joined) - n + 1):
            grams.add(joined[i : i + n])
    if grams:
        scale = 1.0 / math.sqrt(len(grams))
        for gram in grams:
            feats["c:" + gram] = scale
    for cat in rule_result.categories:
        feats["r:" + cat] = 1.0
    for combo in combinations(rule_result):
        feats["r:" + combo] = 1.0
    feats["r:logit"] = rule_result.logit / 4.0
    feats["r:lang_" + rule_result.lang] = 1.0
    for name in tweet_features(text, rule_result):
        feats["t:" + name] = 1.0
    for name, value in sentiment_features(text, rule_result.lang).items():
        feats["s:" + name] = value
    return feats


class BaseModel:
    """Weights of the shipped model (JSON: format, version, bias, weights, metrics)."""

    def __init__(self, weights=None, bias=0.0, meta=None):
        self.weights = dict(weights or {})
        self.bias = float(bias)
        self.meta = dict(meta or {})
        # the same weights split by feature kind, without prefix: the run-time fast path
        self._by_kind = {"w": {}, "b": {}, "c": {}, "r": {}, "t": {}, "s": {}}
        for feat, weight in self.weights.items():
            kind, _, name = feat.partition(":")
            if kind in self._by_kind:
                self._by_kind[kind][name] = weight

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a shipped complaint model")
        return cls(data.get("weights"), data.get("bias", 0.0),
                   {k: v for k, v in data.items() if k not in ("weights", "bias")})

    def to_dict(self):
        data = {"format": FORMAT, "version": 1}
        data.update(self.meta)
        data.update({"bias": round(self.bias, 4), "weights": dict(sorted(self.weights.items()))})
        return data

    def contributions(self, text, rule_result):
        """[(feature, weight * value)] of the features this model knows, in this post."""
        weights = self.weights
        out = []
        for feat, value in features(text, rule_result).items():
            w = weights.get(feat)
            if w:
                out.append((feat, w * value))
        return out

    def score(self, text, rule_result):
        """(log-odds, [(word or word pair, contribution)]): ``features`` without building it."""
        by_kind = self._by_kind
        toks = post_tokens(text, rule_result)
        words = []
        wmap, bmap, cmap, rmap = by_kind["w"], by_kind["b"], by_kind["c"], by_kind["r"]
        unigrams, pairs = _word_features(toks)
        for tok in unigrams:
            w = wmap.get(tok)
            if w:
                words.append((tok, w))
        for pair in pairs:
            w = bmap.get(pair)
            if w:
                words.append((pair, w))
        z = rule_result.logit + self.bias + sum(w for _, w in words)
        joined = " " + " ".join(toks) + " "
        size = len(joined)
        grams = {joined[i : i + n] for n in CHAR_NS for i in range(size - n + 1)}
        if grams:
            z += sum(cmap.get(g, 0.0) for g in grams) / math.sqrt(len(grams))
        for cat in rule_result.categories:
            z += rmap.get(cat, 0.0)
        for combo in combinations(rule_result):
            z += rmap.get(combo, 0.0)
        z += rmap.get("logit", 0.0) * rule_result.logit / 4.0
        z += rmap.get("lang_" + rule_result.lang, 0.0)
        tmap = by_kind["t"]
        if tmap:
            z += sum(tmap.get(name, 0.0) for name in tweet_features(text, rule_result))
        smap = by_kind["s"]
        if smap:
            z += sum(smap.get(name, 0.0) * value
                     for name, value in sentiment_features(text, rule_result.lang).items())
        return z, words

    def signals(self, text, rule_result):
        """[(reason code, snippet, contribution)] of the features a person reads without the
        weights: written to a customer-service account (the handle), the tone of the post."""
        out = []
        w = self._by_kind["t"].get("to_support")
        handle = SUPPORT_HANDLE_RE.search(clean(text)) if w else None
        if handle:
            out.append(("to_support", handle.group(), w))
        smap = self._by_kind["s"]
        for name, value in sentiment_features(text, rule_result.lang).items():
            w = smap.get(name)
            if w:
                out.append(("tone_negative" if name == "neg" else "tone_positive", "", w * value))
        return out

    def logit(self, text, rule_result):
        return self.score(text, rule_result)[0]

    @staticmethod
    def wording(words, positive=True, k=2, minimum=0.25):
        """The words of ``score()`` that pushed this post most towards (or away from) a
        complaint, strongest first (no numbers, no short filler)."""
        found = [(f, c) for f, c in words
                 if (c > 0) == positive and abs(c) >= minimum and "<num>" not in f and len(f) > 3]
        found.sort(key=lambda fc: -abs(fc[1]))
        return [f for f, _ in found[:k]]


def load(path=WEIGHTS_PATH):
    """The shipped model (parsed once per process); None when the file is absent or broken."""
    if path not in _LOADED:
        try:
            with open(path, encoding="utf-8") as fh:
                _LOADED[path] = BaseModel.from_dict(json.load(fh))
        except (OSError, ValueError):
            _LOADED[path] = None
    return _LOADED[path]
