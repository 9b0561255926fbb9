"""Plain functions that help resolve a network author to a contact.

No ``odoo`` import: the models feed them plain data in batches.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlparse

EMAIL_RE = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})"
)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# words in display names that say nothing about who someone is
_NOISE = {"official", "offiziell", "the", "der", "die", "das", "dr", "prof", "mr", "mrs", "ms"}


def emails_in_text(text: str | None) -> list[str]:
    """E-mail addresses in a bio, lower-cased, in order, without duplicates."""
    if not text:
        return []
    seen = []
    for match in EMAIL_RE.findall(text):
        email = match.strip(".").lower()
        if email not in seen:
            seen.append(email)
    return seen


def fold(text: str | None) -> str:
    """Lower-case, accents removed (ß → ss, ä → a), punctuation to blanks."""
    if not text:
        return ""
    text = text.replace("ß", "ss").replace("ẞ", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def name_tokens(name: str | None) -> list[str]:
    """Significant words of a person's name (no emoji, digits, titles)."""
    return [word for word in _WORD_RE.findall(fold(name)) if len(word) > 1 and word not in _NOISE]


def name_similarity(author_name: str | None, partner_name: str | None) -> float:
    """0..1: how alike two names are, ignoring word order, accents, titles and emoji."""
    left, right = name_tokens(author_name), name_tokens(partner_name)
    if not left or not right:
        return 0.0
    a, b = " ".join(sorted(left)), " ".join(sorted(right))
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    if set(left) == set(right):
        ratio = max(ratio, 0.97)
    if len(left) == 1 or len(right) == 1:
        ratio *= 0.8  # a single first name is weak evidence
    return round(ratio, 4)


class NameIndex:
    """Contacts' names indexed by the first letters of each word, to find similar names
    without comparing every pair.

    A contact is compared only when its name shares the first three letters of at least two
    words with the author's name (one word for one-word names), so a typo in one word is still
    found ("Emily Brooks" ~ "Emily Brookes") while namesakes of one word are skipped. Cheap upper
    bounds of the similarity (``real_quick_ratio``, ``quick_ratio``) skip most of the rest.
    """

    def __init__(self, candidates):
        self.by_prefix = {}
        for pid, name in candidates:
            words = name_tokens(name)
            if not words:
                continue
            entry = (pid, words, " ".join(sorted(words)))
            for prefix in {word[:3] for word in words}:
                self.by_prefix.setdefault(prefix, []).append(entry)

    def best(self, author_name, threshold=0.8, limit=3):
        words = name_tokens(author_name)
        if not words:
            return []
        key = " ".join(sorted(words))
        prefixes = {word[:3] for word in words}
        needed = min(len(prefixes), 2)
        hits, entries = {}, {}
        for prefix in prefixes:
            for entry in self.by_prefix.get(prefix, ()):
                hits[entry[0]] = hits.get(entry[0], 0) + 1
                entries[entry[0]] = entry
        matcher = difflib.SequenceMatcher(None, "", key)
        scores = {}
        for pid, count in hits.items():
            _pid, other_words, other_key = entries[pid]
            if count < min(needed, len({w[:3] for w in other_words})):
                continue
            penalty = 0.8 if len(words) == 1 or len(other_words) == 1 else 1.0
            if set(words) == set(other_words):
                scores[pid] = round(0.97 * penalty, 4)
                continue
            matcher.set_seq1(other_key)
            if matcher.real_quick_ratio() * penalty < threshold:
                continue
            if matcher.quick_ratio() * penalty < threshold:
                continue
            score = round(matcher.ratio() * penalty, 4)
            if score >= threshold:
                scores[pid] = score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]


def best_name_matches(author_name, candidates, threshold=0.8):
    """[(partner_id, confidence)] of ``candidates`` ((id, name) pairs) above ``threshold``, best
    first."""
    scored = [(pid, name_similarity(author_name, name)) for pid, name in candidates]
    return sorted(
        ((pid, score) for pid, score in scored if score >= threshold), key=lambda item: -item[1]
    )


def normalise_url(url: str | None) -> str | None:
    """Comparable form of a profile URL: no scheme, no www., no trailing slash, lower host."""
    if not url:
        return None
    parsed = urlparse(url.strip() if "://" in url else f"https://{url.strip()}")
    host = parsed.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    path = parsed.path.rstrip("/")
    if not host:
        return None
    return f"{host}{path}".lower()
