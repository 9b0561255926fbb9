"""What a privacy erasure takes out of the raw items kept for a retry (plain Python).

Received events that failed or wait in quarantine, and items the ingestion kept in quarantine,
hold the network's JSON as it came: an erased person's own item (their post, their profile),
and other people's items that name them (a reply to them, a mention, their profile among the
mentioned users). The person's own items go at once; the other people's items stay readable
and retryable, without the person's profile, handle, name and texts:

* a dict the person wrote (its ``user``/``account``/``from``/``author``/``sender`` is their
  profile, or its ``author_id``/``did`` is their id: a quoted or included post of theirs) and
  a dict that is their profile (its ``id``/``id_str``/``did`` is their id: a mentioned user)
  are left out of their list or object;
* in every other text, their handles (``@handle``, a profile URL's last part), their names and
  their posts' texts are replaced by :data:`PLACEHOLDER`; a text that is only one of them, or
  one of their network ids, in a list (a post's mentioned handles and accounts), is left out.

Their network ids stay where another item refers to them (``in_reply_to_user_id``): the
structure the connectors read, and no name, handle or word of theirs (a post read again from
it leaves them out of its mentions: ``without_mentions_of``).

The texts the product stored or wrote from other people's items (their posts' texts, the
tickets made of them, the notes and alerts naming the person) keep their words with the
person's handles, names and texts replaced (:func:`redact_text`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

PLACEHOLDER = "[erased]"
AUTHOR_KEYS = ("user", "account", "from", "author", "sender")
AUTHOR_ID_KEYS = ("author_id", "did")
PROFILE_ID_KEYS = ("id", "id_str", "did")
#: shorter handles, names and texts are not replaced inside other texts (too common)
MIN_HANDLE = 3
MIN_NAME = 4
MIN_TEXT = 12


@dataclasses.dataclass(frozen=True)
class Person:
    """Who is erased: network ids, handles (without ``@``), names and texts of their posts."""

    ids: frozenset[str]
    handles: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ids: Iterable[Any], handles: Iterable[Any] = (), names: Iterable[Any] = (),
           texts: Iterable[Any] = ()) -> Person:
        def strings(values):
            return frozenset(str(v).strip() for v in values if v and str(v).strip())

        handle_set = set()
        for handle in strings(handles):
            handle = handle.lstrip("@")
            handle_set.add(handle)
            local = handle.split("@", 1)[0]  # a Mastodon acct: its user name too
            if len(local) >= MIN_HANDLE:
                handle_set.add(local)
        return cls(strings(ids), frozenset(h for h in handle_set if h), strings(names),
                   strings(texts))

    def __bool__(self) -> bool:
        return bool(self.ids or self.handles or self.names)

    def pattern(self) -> re.Pattern | None:
        """One regular expression of everything replaced in texts (longest first)."""
        parts = [re.escape(t) for t in self.texts if len(t) >= MIN_TEXT]
        parts += [r"(?<![\w])" + re.escape(n) + r"(?![\w])"
                  for n in self.names if len(n) >= MIN_NAME]
        parts += [r"(?<![\w])@?" + re.escape(h) + r"(?![\w])"
                  for h in self.handles if len(h) >= MIN_HANDLE]
        if not parts:
            return None
        parts.sort(key=len, reverse=True)
        return re.compile("|".join(parts), re.IGNORECASE)

    def is_their_text(self, value: str) -> bool:
        """Whether ``value`` is only one of their handles or names."""
        folded = value.strip().lstrip("@").casefold()
        return folded in {h.casefold() for h in self.handles} | {
            n.casefold() for n in self.names}


def _is_id(value: Any, ids: frozenset[str]) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) in ids


def written_by(item: Any, person: Person) -> bool:
    """Whether JSON ``item`` is a post (or notification, record) the person wrote."""
    if not isinstance(item, dict):
        return False
    for key in AUTHOR_KEYS:
        author = item.get(key)
        if isinstance(author, dict) and any(
                _is_id(author.get(k), person.ids) for k in PROFILE_ID_KEYS):
            return True
    return any(_is_id(item.get(key), person.ids) for key in AUTHOR_ID_KEYS)


def is_profile(item: Any, person: Person) -> bool:
    """Whether JSON ``item`` is the person's profile (a user, account or mention object)."""
    return isinstance(item, dict) and any(
        _is_id(item.get(key), person.ids) for key in PROFILE_ID_KEYS)


def scrub(value: Any, person: Person) -> tuple[Any, bool]:
    """(``value`` without the person, whether anything was taken out); ``value`` itself is
    not changed. The root is kept even when the person wrote it (the caller decides what to
    do with an item that is theirs: see the module's doc)."""
    pattern = person.pattern()
    changed = False

    def gone(item):
        return written_by(item, person) or is_profile(item, person)

    def walk(item):
        nonlocal changed
        if isinstance(item, dict):
            out = {}
            for key, child in item.items():
                if isinstance(child, dict) and gone(child):
                    changed = True
                    continue
                out[key] = walk(child)
            return out
        if isinstance(item, list):
            out = []
            for child in item:
                if (isinstance(child, dict) and gone(child)) or (
                        isinstance(child, str) and (person.is_their_text(child)
                                                    or _is_id(child, person.ids))):
                    changed = True
                    continue
                out.append(walk(child))
            return out
        if isinstance(item, str) and pattern is not None:
            text = pattern.sub(PLACEHOLDER, item)
            if text != item:
                changed = True
            return text
        return item

    result = walk(value)
    return result, changed


def redact_text(text: Any, person: Person) -> tuple[Any, bool]:
    """(``text`` with the person's handles, names and texts replaced by :data:`PLACEHOLDER`,
    whether anything was replaced); a value that is no text is returned as it is. For the
    texts the product stores and writes (post texts, ticket titles, HTML bodies of notes and
    alerts: the handles and names are plain words there too)."""
    pattern = person.pattern()
    if not text or not isinstance(text, str) or pattern is None:
        return text, False
    redacted = pattern.sub(PLACEHOLDER, text)
    return redacted, redacted != text


def without_mentions_of(ids: Iterable[str], mentioned: Iterable[str]) -> tuple[str, ...]:
    """``mentioned`` (a post's mentioned account ids) without ``ids`` (erased people's)."""
    gone = {str(i) for i in ids}
    return tuple(m for m in mentioned if str(m) not in gone)


def without_handles_of(person: Person, mentioned: Iterable[str]) -> tuple[str, ...]:
    """``mentioned`` (a post's mentioned handles) without the person's handles (compared
    without ``@`` and case; a Mastodon acct of another instance with the same user name
    stays)."""
    gone = {handle.lower() for handle in person.handles}
    return tuple(m for m in mentioned if str(m).lstrip("@").lower() not in gone)
