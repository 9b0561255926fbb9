"""Facebook Messenger: private messages to a page (Meta webhook ``messaging``, Send API).

A page subscribed to the ``messages`` webhook field gets deliveries of the form
``{"object": "page", "entry": [{"id": <page id>, "time": ..., "messaging": [{"sender":
{"id": <PSID>}, "recipient": {"id": <page id>}, "timestamp": <ms>, "message": {"mid": ...,
"text": ..., "attachments": [...]}}]}]}``, signed like every Meta delivery
(``X-Hub-Signature-256``, checked by the webhook before anything is read). Each messaging item
is one raw event keyed by its ``mid``; echoes of the page's own messages, reads and deliveries
are dropped.

A message becomes a :class:`~.base.Post`: id = ``mid``, conversation ``dm:<PSID>`` (one
ticket per person and page), author = the page-scoped id (Meta sends no name). Attachments
(``image``, ``file``...) are listed in ``raw["media"]`` with their URL.

Sending: ``POST {graph}/me/messages`` with ``recipient.id``, ``messaging_type=RESPONSE`` and
``message.text``; the answer is ``{"recipient_id", "message_id"}``. Meta accepts answers
within 24 hours of the person's last message only (error code 10, subcode 2018278 after).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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

NETWORK = "facebook"
MAX_TEXT = 2000  # the Send API refuses longer texts


def conversation_key(psid: Any) -> str:
    return f"dm:{psid}"


def has_messaging(body: Any) -> bool:
    return isinstance(body, dict) and any(
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
            if not isinstance(message, dict) or message.get("is_echo"):
                continue  # reads, deliveries, postbacks, the page's own messages
            mid = message.get("mid")
            if not mid:
                raise MalformedResponseError("facebook: a message without 'mid'")
            digest = hashlib.sha256(str(mid).encode()).hexdigest()[:40]
            events.append(RawEvent("messenger", f"messenger:{digest}",
                                   {"page_id": entry.get("id"), "messaging": dict(item)}))
        if entry.get("changes"):
            rest.append({k: v for k, v in entry.items() if k != "messaging"})
    remaining = {**body, "entry": rest} if rest else None
    return events, remaining


def parse_message(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored messaging item."""
    item = expect_dict(payload.get("messaging"), "messaging", NETWORK)
    sender = expect_dict(item.get("sender"), "messaging.sender", NETWORK)
    message = expect_dict(item.get("message"), "messaging.message", NETWORK)
    psid = sender.get("id")
    stamp = item.get("timestamp")
    if not psid or not isinstance(stamp, int):
        raise MalformedResponseError("facebook: a message without sender or timestamp")
    media = []
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        url = (attachment.get("payload") or {}).get("url")
        if url and attachment.get("type") in ("image", "file"):
            media.append({"url": url, "type": attachment["type"]})
    return [Post(
        network=NETWORK,
        external_id=str(message["mid"]),
        text=message.get("text") or "",
        posted_at=dt.datetime.fromtimestamp(stamp / 1000, dt.UTC),
        author=Author(network=NETWORK, external_id=str(psid)),
        conversation_external_id=conversation_key(psid),
        raw={"page_id": payload.get("page_id"), "psid": psid, "media": media},
    )]


def send_message(credentials: Mapping[str, str], psid: str, text: str,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session: requests.Session | None = None) -> ReplyResult:
    """Answer person ``psid`` as the page (``messaging_type`` RESPONSE)."""
    token = _token(credentials)
    app_secret = (credentials or {}).get("app_secret")
    if len(text or "") > MAX_TEXT:
        raise ConfigurationError(f"facebook: a message holds at most {MAX_TEXT} characters")
    body, _response = http.request_json(
        session, "POST", f"{_base(base_url)}/me/messages", network=NETWORK,
        params={"access_token": token, **_proof(token, app_secret)},
        data={"recipient": json.dumps({"id": psid}), "messaging_type": "RESPONSE",
              "message": json.dumps({"text": text})},
        timeout=timeout, secrets=(token, app_secret), error_hook=graph_error, expect=dict,
    )
    if not body.get("message_id"):
        raise MalformedResponseError("facebook: Send API answer without 'message_id'")
    return ReplyResult(external_id=str(body["message_id"])[:512])
