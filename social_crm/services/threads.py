"""Mastodon conversations keyed the old way (plain Python, no database).

Before 19.0.1.5.0 a Mastodon post had no conversation: it was keyed by its own id (the
status's id on the instance that showed it), a reply too. Since then a status starts the
conversation of its federation URI and a reply joins its parent's conversation; a reply to a
post stored before joined that post's key, its id. :func:`old_key_moves` says which of these
old keys go over to the federation-URI key the thread's top post has, so that the old posts,
the replies that joined them since, and the replies arriving now share one conversation.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit


@dataclasses.dataclass(frozen=True)
class Row:
    """What the moves need of one stored post (all read through one instance)."""

    external_id: str
    in_reply_to: str | None
    conversation: str | None
    uri: str | None

    @property
    def key(self) -> str:
        """The post's conversation key, as the helpdesk and the crisis watch read it."""
        return self.conversation or self.external_id


def local_key(external_id: str | None, instance: str | None) -> str | None:
    """The conversation key of a Mastodon thread whose top status has no usable federation
    URI (OStatus era, too long): its id on the instance that showed it, with that instance's
    host (``<id>@<host>``: a status id is local to its instance, two instances' threads with
    one id are two conversations). None without id or instance (the instance unknown: a
    replay)."""
    if not external_id or not instance:
        return None
    host = (urlsplit(instance).netloc if "://" in instance else instance).lower()
    return f"{external_id}@{host}" if host else None


def needs_instance(key: str | None) -> bool:
    """Whether the Mastodon conversation key ``key`` is a bare local id (keyed so before
    19.0.1.7.1): not a federation URI, a direct conversation (``dm:``) or a key with its
    instance."""
    return bool(key) and not is_uri_key(key) and not key.startswith("dm:") and "@" not in key


def is_uri_key(key: str | None) -> bool:
    """Whether ``key`` has the form the current code gives a Mastodon conversation."""
    return bool(key) and key.startswith(("https://", "http://"))


def old_key_moves(rows, max_key_bytes: int) -> dict[str, str]:
    """{old key: federation-URI key} of the posts ``rows`` (of one company and network, read
    through one instance: their ids are that instance's).

    An old key is a post's id (not a URI). The thread it names is followed up: the post of
    that id, then its stored parent's key, and so on, to the first URI key met or to the top
    post stored, whose federation URI is the thread's key (as the current code gives it). A
    key whose post is not stored, or whose top post has no usable URI (none in its payload,
    or longer than ``max_key_bytes``: keyed by its id today as well), stays as it is."""
    by_id = {row.external_id: row for row in rows}
    known: dict[str, str | None] = {}

    def resolve(key):
        path, result = [], None
        while key not in known:
            if is_uri_key(key):
                result = key
                break
            if key in path or key not in by_id:
                break
            path.append(key)
            top = by_id[key]
            if top.conversation and top.conversation != key:
                key = top.conversation  # that post went over to another conversation
                continue
            parent = by_id.get(top.in_reply_to) if top.in_reply_to else None
            if parent is not None and parent is not top:
                key = parent.key
                continue
            uri = top.uri
            result = uri if is_uri_key(uri) and len(uri.encode()) <= max_key_bytes else None
            break
        else:
            result = known[key]
        for step in path:
            known[step] = result
        return result

    moves = {}
    # ids in their numeric order (the older first: a thread's top post before its replies,
    # so that the helpdesk gives the URI key to its ticket first)
    for key in sorted({row.key for row in rows}, key=lambda key: (len(key), key)):
        if is_uri_key(key):
            continue
        new = resolve(key)
        if new and new != key:
            moves[key] = new
    return moves
