"""Meta's Messenger Platform webhook format, shared by Facebook Messenger and Instagram Direct.

Both networks deliver private messages as ``{"object": ..., "entry": [{"id": <page or account
id>, "time": ..., "messaging": [{"sender": {"id": <person id>}, "recipient": {"id": ...},
"timestamp": <ms>, "message": {"mid": ..., "text": ..., "attachments": [{"type": "image",
"payload": {"url": ...}}]}}]}]}``, signed like every Meta delivery (``X-Hub-Signature-256``,
checked by the webhook before anything is read). One parser reads both; a
:class:`MessagingNetwork` says what differs (the network of the posts, the raw event kind, the
names of the ids, Instagram's ``object``, its ``is_deleted`` items and its naming of attachments
it cannot show).

Each messaging item is one raw event keyed by its ``mid``; echoes of the page's or account's
own messages (``is_echo``), reads, deliveries, reactions and postbacks are dropped. A message
becomes a :class:`~.base.Post`: id = ``mid``, conversation ``dm:<person id>`` (one ticket per
person and page/account), author = the page- or Instagram-scoped id (Meta sends no name).
Images and files are listed in ``raw["media"]`` with their URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Author, MalformedResponseError, Post
from .events import RawEvent
from .util import expect_dict, expect_list


@dataclass(frozen=True)
class MessagingNetwork:
    """What differs between the networks speaking the Messenger Platform format."""

    network: str  # ``Post.network`` and the prefix of error messages
    kind: str  # the raw event kind, also the prefix of its key
    account_key: str  # the page/account id in the stored payload and ``Post.raw``
    person_key: str  # the person's scoped id in ``Post.raw``
    object: str | None = None  # the delivery's ``object`` required, None: any
    drop_deleted: bool = False  # ``message.is_deleted`` items are dropped
    name_attachments: bool = False  # a message without text names what it holds: "[video]"


MESSENGER = MessagingNetwork(network="facebook", kind="messenger", account_key="page_id",
                             person_key="psid")
INSTAGRAM = MessagingNetwork(network="instagram", kind="instagram_dm", account_key="account_id",
                             person_key="igsid", object="instagram", drop_deleted=True,
                             name_attachments=True)


def conversation_key(person_id: Any) -> str:
    return f"dm:{person_id}"


def has_messaging(spec: MessagingNetwork, body: Any) -> bool:
    """Whether ``body`` is a delivery of ``spec``'s network holding ``messaging`` items."""
    if not isinstance(body, dict) or (spec.object and body.get("object") != spec.object):
        return False
    entries = body.get("entry")
    return isinstance(entries, list) and any(
        isinstance(entry, dict) and entry.get("messaging") for entry in entries
    )


def _dropped(spec: MessagingNetwork, message: Any) -> bool:
    if not isinstance(message, dict) or message.get("is_echo"):
        return True  # reads, deliveries, reactions, postbacks, the page's own messages
    return spec.drop_deleted and bool(message.get("is_deleted"))


def split_messaging(spec: MessagingNetwork, body: Any) -> tuple[list[RawEvent], dict | None]:
    """``(events of the messages, the delivery without its messaging items or None)``.

    A message without ``mid`` raises :class:`~.base.MalformedResponseError` (the webhook keeps
    the delivery in quarantine); the ``changes`` of the same entries are left for the public
    path."""
    body = expect_dict(body, "the delivery", spec.network)
    events, rest = [], []
    for entry in expect_list(body.get("entry"), "entry", spec.network):
        entry = expect_dict(entry, "entry[]", spec.network)
        for item in expect_list(entry.get("messaging") or [], "entry[].messaging", spec.network):
            item = expect_dict(item, "entry[].messaging[]", spec.network)
            message = item.get("message")
            if _dropped(spec, message):
                continue
            mid = message.get("mid")
            if not mid:
                raise MalformedResponseError(f"{spec.network}: a message without 'mid'")
            digest = hashlib.sha256(str(mid).encode("utf-8", "surrogatepass")).hexdigest()[:40]
            events.append(RawEvent(spec.kind, f"{spec.kind}:{digest}",
                                   {spec.account_key: entry.get("id"), "messaging": dict(item)}))
        if entry.get("changes"):
            rest.append({k: v for k, v in entry.items() if k != "messaging"})
    remaining = {**body, "entry": rest} if rest else None
    return events, remaining


def parse_message(spec: MessagingNetwork, payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored messaging item (the payload of a :func:`split_messaging` event)."""
    payload = expect_dict(payload, "the event", spec.network)
    item = expect_dict(payload.get("messaging"), "messaging", spec.network)
    sender = expect_dict(item.get("sender"), "messaging.sender", spec.network)
    message = expect_dict(item.get("message"), "messaging.message", spec.network)
    person = sender.get("id")
    stamp = item.get("timestamp")
    if not person or not isinstance(stamp, int) or isinstance(stamp, bool) \
            or not message.get("mid"):
        raise MalformedResponseError(
            f"{spec.network}: a message without sender, timestamp or 'mid'")
    media, others = [], []
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        content = attachment.get("payload")
        url = content.get("url") if isinstance(content, dict) else None
        if isinstance(url, str) and url and attachment.get("type") in ("image", "file"):
            media.append({"url": url, "type": attachment["type"]})
        elif spec.name_attachments:  # audio, video, a shared post, a story mention...
            others.append(f"[{attachment.get('type') or 'attachment'}]")
    text = message.get("text")
    if text is not None and not isinstance(text, str):
        raise MalformedResponseError(f"{spec.network}: a message whose 'text' is not a string")
    return [Post(
        network=spec.network,
        external_id=str(message["mid"]),
        text=text or " ".join(others),
        posted_at=dt.datetime.fromtimestamp(stamp / 1000, dt.UTC),
        author=Author(network=spec.network, external_id=str(person)),
        conversation_external_id=conversation_key(person),
        raw={spec.account_key: payload.get(spec.account_key), spec.person_key: person,
             "media": media},
    )]
