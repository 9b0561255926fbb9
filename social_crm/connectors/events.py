"""Raw events of push and stream intake (plain Python, no ``odoo``).

A webhook delivery or a stream message becomes one or more :class:`RawEvent`: the JSON of one
item (``payload``), a ``kind`` saying how to read it, and a ``key`` unique per item, so that a
redelivered webhook or the same message seen by two listeners is stored once
(``social.crm.event`` has a unique index on source + key). :func:`posts_of_event` later turns a
stored event into connector :class:`~.base.Post` objects, which go through the same ingestion
as polling.

Kinds: ``meta`` (one ``entry[].changes[]`` item, kept as a one-change delivery), ``x_activity``
(one tweet of ``tweet_create_events`` or one item of ``tweet_delete_events``, kept as a
one-item delivery), ``x_stream`` (one line of the X API v2 filtered stream: ``data``, ``includes``,
``matching_rules``), ``mastodon`` (a Notification, a Status, or ``{"delete": "<status id>"}``),
``jetstream`` (a Jetstream commit event), ``replay`` (a Post as :func:`.replay.post_to_dict`
writes it).

Deletions (the author deleted the post on the network) are events of the same kinds, keyed
apart from the post's own events (``x:tweet_delete:<id>``, ``mastodon:delete:<id>``,
``bluesky:delete:<uri>``; a Meta ``remove`` change hashes differently from its ``add``), so
that a redelivery is stored once and never taken for the post: :func:`deletions_of_event`
reads them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from . import bluesky, facebook, mastodon, replay, x
from .base import Deletion, MalformedResponseError, Post
from .util import expect_dict, expect_list

KINDS = ("meta", "x_activity", "x_stream", "mastodon", "jetstream", "replay")
#: nesting no payload of a network reaches (Meta, X, Telegram, WhatsApp, Jetstream: about ten
#: levels); deeper JSON is refused as unreadable before Python's recursion limit is reached
#: by the parser or by the code that writes it back (``RecursionError``)
MAX_DEPTH = 64
#: key prefix of Jetstream deletions: Jetstream sends every deletion of the whole network,
#: a source keeps only those of posts its company stored
JETSTREAM_DELETE_PREFIX = "bluesky:delete:"
MASTODON_DELETE_PREFIX = "mastodon:delete:"


@dataclasses.dataclass(frozen=True)
class RawEvent:
    kind: str
    key: str  # unique per source: the same item always gets the same key
    payload: dict
    cursor: str | None = None  # where a stream may resume once this event is stored

    def payload_text(self) -> str:
        """The payload as stored: JSON, its text as such; a payload with a lone surrogate
        (JSON may escape one, UTF-8 and PostgreSQL cannot hold it) is kept escaped."""
        text = json.dumps(self.payload, ensure_ascii=False, sort_keys=True)
        return text if _encodable(text) else json.dumps(self.payload, sort_keys=True)


def storable_key(key: str) -> str:
    """``key`` as PostgreSQL can store it: a key with a NUL or a lone surrogate (made of a
    hostile id) is replaced by its hash, the same for the same key (a redelivery is still
    stored once)."""
    if "\x00" not in key and _encodable(key):
        return key
    return "unstorable:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _encodable(text: str) -> bool:
    """Whether ``text`` is valid UTF-8 text (no lone surrogate)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _hash(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON ``value`` nests deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def body_key(body: bytes) -> str:
    """Key of a delivery that could not be split (kept whole, quarantined)."""
    return "body:" + hashlib.sha256(body).hexdigest()[:40]


def load_json(body: bytes | str, what: str) -> Any:
    """``body`` read as JSON; raises :class:`MalformedResponseError` when it is not JSON or
    nests deeper than :data:`MAX_DEPTH`."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise MalformedResponseError(f"{what} is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise MalformedResponseError(f"{what} is not JSON") from None
    if isinstance(value, dict | list) and _too_deep(value):
        raise MalformedResponseError(f"{what} is nested too deeply")
    return value


# --- webhooks --------------------------------------------------------------------------------
def split_meta(body: Any) -> list[RawEvent]:
    """One event per ``entry[].changes[]`` of a Meta delivery (Messenger ``messaging``
    entries are not listened to). The key is a hash of the change: a redelivery is stored
    once, an edit (a new message text) is a new event."""
    body = expect_dict(body, "the delivery", "meta")
    obj = body.get("object") or "page"
    events = []
    for entry in expect_list(body.get("entry"), "entry", "meta"):
        entry = expect_dict(entry, "entry[]", "meta")
        head = {k: entry[k] for k in ("id", "time") if k in entry}
        for change in expect_list(entry.get("changes"), "entry[].changes", "meta"):
            change = expect_dict(change, "entry[].changes[]", "meta")
            payload = {"object": obj, "entry": [{**head, "changes": [change]}]}
            events.append(RawEvent("meta", "meta:" + _hash(obj, head.get("id"), change),
                                   payload))
    return events


def split_x_activity(body: Any) -> list[RawEvent]:
    """One event per tweet of ``tweet_create_events``, keyed by the tweet id, and one per
    item of ``tweet_delete_events``, keyed by the deleted tweet's id (other event types are
    not listened to)."""
    body = expect_dict(body, "the delivery", "x")
    head = {k: body[k] for k in ("for_user_id", "user_has_blocked") if k in body}
    events = []
    for tweet in expect_list(body.get("tweet_create_events"), "tweet_create_events", "x"):
        tweet = expect_dict(tweet, "tweet_create_events[]", "x")
        tweet_id = tweet.get("id_str") or tweet.get("id")
        if not tweet_id:
            raise MalformedResponseError("x: a tweet without 'id_str'")
        events.append(RawEvent("x_activity", f"x:tweet:{tweet_id}",
                               {**head, "tweet_create_events": [tweet]}))
    for item in expect_list(body.get("tweet_delete_events"), "tweet_delete_events", "x"):
        # raises for an item without the tweet id; the account's own deletions are kept
        # too (its answer written in X's app, deleted there): applied only to a stored post
        deletion = x.parse_delete_event(item, str(body.get("for_user_id") or ""))
        events.append(RawEvent("x_activity", f"x:tweet_delete:{deletion.external_id}",
                               {**head, "tweet_delete_events": [item]}))
    return events


# --- streams ---------------------------------------------------------------------------------
def mastodon_event(item: Mapping[str, Any], notification: bool) -> RawEvent | None:
    """Event of a Notification (mentions only) or a Status; the cursor is its id."""
    item = expect_dict(item, "stream item", "mastodon")
    item_id = item.get("id")
    if not item_id:
        raise MalformedResponseError("mastodon: a stream item without 'id'")
    if notification:
        if item.get("type") != "mention" or not isinstance(item.get("status"), dict) \
                or mastodon.is_direct(item["status"]):
            # another notification, or a private mention (never a public post, its text is
            # not kept by public listening): moves the cursor, stores nothing
            return RawEvent("mastodon", f"mastodon:notification:{item_id}", {},
                            cursor=str(item_id))
        return RawEvent("mastodon", f"mastodon:notification:{item_id}",
                        {"notification": dict(item)}, cursor=str(item_id))
    key = f"mastodon:status:{item_id}"
    if item.get("edited_at"):
        # a ``status.update`` (an edit) is another event than the status's ``update``, and
        # each edit another one: keyed by the status id alone it would be taken for a
        # redelivery and dropped
        key += f":edited:{item['edited_at']}"
    return RawEvent("mastodon", key, {"status": dict(item)}, cursor=str(item_id))


def mastodon_message(text: str | bytes) -> RawEvent | None:
    """Event of one streaming message (None for filters changes, announcements, ...). A
    ``delete`` (its payload is the status id) moves no cursor: the id is an older status's."""
    event, payload = mastodon.parse_stream_message(text)
    if event == "delete":
        deletion = mastodon.parse_stream_delete(payload)
        return RawEvent("mastodon", MASTODON_DELETE_PREFIX + deletion.external_id,
                        {"delete": deletion.external_id})
    if event == "notification":
        return mastodon_event(payload, notification=True)
    if event in ("update", "status.update"):
        return mastodon_event(payload, notification=False)
    return None


def jetstream_message(text: str | bytes, dids: tuple[str, ...] = (),
                      keywords: tuple[str, ...] = ()) -> RawEvent | None:
    """Event of one Jetstream message, or one with an empty payload when the message is not
    wanted (its ``time_us`` still moves the cursor)."""
    message = expect_dict(load_json(text, "bluesky: a jetstream message"),
                          "jetstream message", "bluesky")
    time_us = message.get("time_us")
    cursor = str(time_us) if isinstance(time_us, int) else None
    if bluesky.is_jetstream_delete(message):
        # a deletion has no record to filter by: every deletion of the network comes here,
        # the source keeps those of posts it stored (``social.crm.source._listener_store``)
        deletion = bluesky.parse_jetstream_delete(message)
        return RawEvent("jetstream", JETSTREAM_DELETE_PREFIX + deletion.external_id, dict(message),
                        cursor=cursor)
    if not bluesky.jetstream_wanted(message, dids, keywords):
        return RawEvent("jetstream", "", {}, cursor=cursor)
    commit = message["commit"]
    key = f"bluesky:at://{message['did']}/{commit.get('collection')}/{commit.get('rkey')}"
    if commit.get("operation") == "update":
        # an edit of the record: another event than its creation (and each edit another one)
        key += f"@{commit.get('rev') or commit.get('cid') or time_us}"
    return RawEvent("jetstream", key, dict(message), cursor=cursor)


def replay_events(lines: Iterator[str], start: int = 0) -> Iterator[RawEvent]:
    """Events of a replay file's lines after line ``start`` (cursor: the line number)."""
    for number, line in enumerate(lines, 1):
        if number <= start:
            continue
        if not line.strip():
            yield RawEvent("replay", "", {}, cursor=str(number))
            continue
        value = expect_dict(load_json(line, f"replay: line {number}"), "replay line", "replay")
        key = f"replay:{value.get('network')}:{value.get('external_id')}"
        yield RawEvent("replay", key, value, cursor=str(number))


# --- reading stored events -------------------------------------------------------------------
def posts_of_event(kind: str, payload: Mapping[str, Any], *, host: str = "") -> list[Post]:
    """Connector posts of one stored event (``host``: the Mastodon instance's host).

    Raises :class:`MalformedResponseError` when the payload is not what the network sends."""
    if not payload:
        return []
    if kind == "meta":
        return facebook.parse_webhook(payload)
    if kind == "x_activity":
        return x.parse_activity(payload)
    if kind == "x_stream":
        # one tweet (``data`` is an object in the stream) with its author in ``includes``
        return x.parse_tweets({"data": [payload.get("data")],
                               "includes": payload.get("includes") or {}})
    if kind == "mastodon":
        if "delete" in payload:
            return []  # a deletion: :func:`deletions_of_event`
        return mastodon.posts_of_stream_item(payload, host)
    if kind == "jetstream":
        post = bluesky.parse_jetstream_post(payload)
        return [post] if post else []
    if kind == "replay":
        return [replay.post_from_dict(dict(payload))]
    raise MalformedResponseError(f"unknown event kind {kind!r}")


def deletions_of_event(kind: str, payload: Mapping[str, Any]) -> list[Deletion]:
    """Deletions of one stored event (posts their authors deleted on the network).

    Raises :class:`MalformedResponseError` when a deletion lacks the post's id."""
    if not payload:
        return []
    if kind == "meta":
        return facebook.parse_webhook_removals(payload)
    if kind == "x_activity":
        return x.parse_activity_deletions(payload)
    if kind == "mastodon":
        if "delete" in payload:
            return [mastodon.parse_stream_delete(payload["delete"])]
        return []
    if kind == "jetstream":
        deletion = bluesky.parse_jetstream_delete(payload)
        return [deletion] if deletion else []
    return []
