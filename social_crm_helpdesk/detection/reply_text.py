# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A reply's length as each network counts it, and what must not go out in a reply.

Plain Python (no Odoo import); the reply wizard and the tests call these functions.

Counting rules (from the networks' own documentation):

- X: 280 characters; every URL counts as 23 characters whatever its length (t.co wrapping);
  characters outside the Latin/general-punctuation ranges (CJK, emoji) weigh 2 (twitter-text's
  "weighted length").
- Mastodon: 500 characters by default (an instance may allow more, its
  ``configuration.statuses.max_characters``); every URL counts as 23 characters; a mention
  ``@user@domain`` counts only as ``@user``.
- Bluesky: 300 graphemes; URLs count in full (the post text is what the author typed).
"""

import re
import unicodedata

NETWORK_LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500}
URL_LENGTH = {"x": 23, "mastodon": 23}

URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
MASTODON_MENTION_RE = re.compile(r"(@[A-Za-z0-9_]+)@[A-Za-z0-9.\-]+[A-Za-z0-9]")
# the wording placeholders (inline_template syntax) and any leftover "{{ ... }}"
PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# the PII redaction markers of detection/pii.py: "[phone number removed]",
# "[IBAN removed, ends 3000]", in German "[IBAN entfernt, endet auf 3000]"
REDACTED_RE = re.compile(
    r"\[[^\[\]\n]{1,60}? (?:removed(?:, ends [^\[\]\n]{1,8})?"
    r"|entfernt(?:, endet auf [^\[\]\n]{1,8})?)\]"
)
# twitter-text: code points in these ranges weigh 1, all others 2
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _x_weight(char):
    code = ord(char)
    return 1 if any(lo <= code <= hi for lo, hi in _X_LIGHT_RANGES) else 2


def _graphemes(text):
    """Grapheme count, close enough for a counter: combining marks, variation selectors and
    zero-width joiners (with the character they join) do not count on their own."""
    count = 0
    joined = False
    for char in text:
        if char == "\u200d":
            joined = True
            continue
        if unicodedata.combining(char) or "\ufe00" <= char <= "\ufe0f" or (
            "\U0001f3fb" <= char <= "\U0001f3ff"
        ):
            continue
        if joined:
            joined = False
            continue
        count += 1
    return count


def reply_limit(network_code, instance_limit=0):
    """The length limit of a reply on ``network_code`` (None where none is known)."""
    if network_code == "mastodon" and instance_limit:
        return instance_limit
    return NETWORK_LIMITS.get(network_code)


def reply_length(text, network_code):
    """The length of ``text`` as ``network_code`` counts it."""
    text = text or ""
    url_length = URL_LENGTH.get(network_code)
    if network_code == "mastodon":
        text = MASTODON_MENTION_RE.sub(r"\1", text)
    if url_length:
        urls = URL_RE.findall(text)
        text = URL_RE.sub("", text)
    else:
        urls = []
    if network_code == "x":
        return sum(_x_weight(c) for c in text) + url_length * len(urls)
    if network_code == "bluesky":
        return _graphemes(text)
    return len(text) + (url_length or 0) * len(urls)


def leftovers(text):
    """The placeholders and redacted values still in ``text`` (a reply must not contain them)."""
    text = text or ""
    return PLACEHOLDER_RE.findall(text) + REDACTED_RE.findall(text)
