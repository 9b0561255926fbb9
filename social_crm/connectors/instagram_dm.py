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
The webhook format is Meta's Messenger Platform, read by :mod:`.meta_messaging` (shared with
Facebook Messenger).

A message becomes a :class:`~.base.Post` of network ``instagram``: id = ``mid``, conversation
``dm:<IGSID>`` (one ticket per person and account), author = the Instagram-scoped id (Meta
sends no name in the delivery). Images and files are listed in ``raw["media"]`` with their URL.

Sending (Messenger API for Instagram): ``POST {graph}/me/messages`` with the page access
token, ``recipient.id`` = IGSID and ``message.text``; the answer is ``{"recipient_id",
"message_id"}``. Meta accepts answers within 24 hours of the person's last message only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from . import http, meta_messaging
from .base import DEFAULT_TIMEOUT, ConfigurationError, MalformedResponseError, Post, ReplyResult
from .events import RawEvent
from .facebook import _base, _proof, _token, graph_error

SPEC = meta_messaging.INSTAGRAM
NETWORK = SPEC.network
OBJECT = SPEC.object
KIND = SPEC.kind
MAX_TEXT = 1000  # the Instagram Send API refuses longer texts (UTF-8 bytes, see send_message)


def conversation_key(igsid: Any) -> str:
    return meta_messaging.conversation_key(igsid)


def is_instagram(body: Any) -> bool:
    return isinstance(body, dict) and body.get("object") == OBJECT


def has_messaging(body: Any) -> bool:
    return meta_messaging.has_messaging(SPEC, body)


def split_messaging(body: Any) -> tuple[list[RawEvent], dict | None]:
    """``(events of the messages, the delivery without its messaging items or None)``."""
    return meta_messaging.split_messaging(SPEC, body)


def parse_message(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored messaging item."""
    return meta_messaging.parse_message(SPEC, payload)


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

