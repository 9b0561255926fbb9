"""Instagram Direct: private messages to a professional account (Meta webhook ``messaging``,
Send API), plain Python.

An Instagram professional account linked to a Facebook page, with the app subscribed to the
webhook field ``messages`` (permission ``instagram_manage_messages``, granted to people
without a role on the app only after App Review), gets deliveries of the form
``{"object": "instagram", "entry": [{"id": <IG account id>, "time": ..., "messaging":
[{"sender": {"id": <IGSID>}, "recipient": {"id": <IG account id>}, "timestamp": <ms>,
"message": {"mid": ..., "text": ..., "attachments": [{"type": "image", "payload": {"url":
...}}]}}]}]}``, signed like every Meta delivery (``X-Hub-Signature-256``, checked by the webhook
before anything is read). Each messaging item is one raw event keyed by its ``mid``; echoes of
the account's own messages (``is_echo``), reads, reactions and deleted messages are dropped.

A message becomes a :class:`~.base.Post` of network ``instagram``: id = ``mid``, conversation
``dm:<IGSID>`` (one ticket per person and account), author = the Instagram-scoped id (Meta
sends no name in the delivery). Images and files are listed in ``raw["media"]`` with their URL.

Sending (Messenger API for Instagram): ``POST {graph}/me/messages`` with the page access
token, ``recipient.id`` = IGSID and ``message.text``; the answer is ``{"recipient_id",
"message_id"}``. Meta accepts answers within 24 hours of the person's last message only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import requests

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    Author,
    ConfigurationError,
    MalformedResponseError,
    Post,
    ReplyResult,
)
from .events import RawEvent
from .facebook import _base, _proof, _token, graph_error
from .util import expect_dict, expect_list

NETWORK = "instagram"
OBJECT = "instagram"
KIND = "instagram_dm"
MAX_TEXT = 1000  # the Instagram Send API refuses longer texts (UTF-8 bytes, see send_message)


def conversation_key(igsid: Any) -> str:
    return f"dm:{igsid}"


def is_instagram(body: Any) -> bool:
    return isinstance(body, dict) and body.get("object") == OBJECT


def has_messaging(body: Any) -> bool:
    return is_instagram(body) and any(
        isinstance(entry, dict) and entry.get("messaging") for entry in body.get("entry") or []
    )


def split_messaging(body: Any) -> tuple[list[RawEvent], dict | None]:
    """``(events of the messages, the delivery without its messaging items or None)``."""
    body = expect_dict(body, "the delivery", NETWORK)
    events, rest = [], []
    for entry in expect_list(body.get("entry"), "entry", NETWORK):
        entry = expect_dict(entry, "entry[]", NETWORK)
        for item in entry.get("messaging") or []:
            item = expect_dict(item, "entry[].messaging[]", NETWORK)
            message = item.get("message")
            if not isinstance(message, dict) or message.get("is_echo") \
                    or message.get("is_deleted"):
                continue  # reads, reactions, postbacks, the account's own messages
            mid = message.get("mid")
            if not mid:
                raise MalformedResponseError("instagram: a message without 'mid'")
            digest = hashlib.sha256(str(mid).encode()).hexdigest()[:40]
            events.append(RawEvent(KIND, f"instagram_dm:{digest}",
                                   {"account_id": entry.get("id"), "messaging": dict(item)}))
        if entry.get("changes"):
            rest.append({k: v for k, v in entry.items() if k != "messaging"})
    remaining = {**body, "entry": rest} if rest else None
    return events, remaining


def parse_message(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored messaging item."""
    item = expect_dict(payload.get("messaging"), "messaging", NETWORK)
    sender = expect_dict(item.get("sender"), "messaging.sender", NETWORK)
    message = expect_dict(item.get("message"), "messaging.message", NETWORK)
    igsid = sender.get("id")
    stamp = item.get("timestamp")
    if not igsid or not isinstance(stamp, int) or not message.get("mid"):
        raise MalformedResponseError("instagram: a message without sender, timestamp or mid")
    media, others = [], []
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        url = (attachment.get("payload") or {}).get("url")
        if url and attachment.get("type") in ("image", "file"):
            media.append({"url": url, "type": attachment["type"]})
        else:  # audio, video, a shared post, a story mention...: the ticket says so
            others.append(f"[{attachment.get('type') or 'attachment'}]")
    return [Post(
        network=NETWORK,
        external_id=str(message["mid"]),
        text=message.get("text") or " ".join(others),
        posted_at=dt.datetime.fromtimestamp(stamp / 1000, dt.UTC),
        author=Author(network=NETWORK, external_id=str(igsid)),
        conversation_external_id=conversation_key(igsid),
        raw={"account_id": payload.get("account_id"), "igsid": igsid, "media": media},
    )]


def send_message(credentials: Mapping[str, str], igsid: str, text: str,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session: requests.Session | None = None) -> ReplyResult:
    """Answer person ``igsid`` as the Instagram account (through its page's token)."""
    token = _token(credentials)
    app_secret = (credentials or {}).get("app_secret")
    if not (text or "").strip():
        raise ConfigurationError("instagram: a message needs some text")
    if len(text.encode()) > MAX_TEXT:
        raise ConfigurationError(f"instagram: a message holds at most {MAX_TEXT} bytes")
    body, _response = http.request_json(
        session, "POST", f"{_base(base_url)}/me/messages", network=NETWORK,
        params={"access_token": token, **_proof(token, app_secret)},
        json={"recipient": {"id": igsid}, "message": {"text": text}},
        timeout=timeout, secrets=(token, app_secret), error_hook=graph_error, expect=dict,
    )
    if not body.get("message_id"):
        raise MalformedResponseError("instagram: Send API answer without 'message_id'")
    return ReplyResult(external_id=str(body["message_id"])[:512])

