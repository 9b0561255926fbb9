"""Facebook Messenger: private messages to a page (Meta webhook ``messaging``, Send API).

A page subscribed to the ``messages`` webhook field gets deliveries of the form
``{"object": "page", "entry": [{"id": <page id>, "time": ..., "messaging": [{"sender":
{"id": <PSID>}, "recipient": {"id": <page id>}, "timestamp": <ms>, "message": {"mid": ...,
"text": ..., "attachments": [...]}}]}]}``, signed like every Meta delivery
(``X-Hub-Signature-256``, checked by the webhook before anything is read). Each messaging item
is one raw event keyed by its ``mid``; echoes of the page's own messages, reads and deliveries
are dropped. The webhook format is Meta's Messenger Platform, read by :mod:`.meta_messaging`
(shared with Instagram Direct).

A message becomes a :class:`~.base.Post`: id = ``mid``, conversation ``dm:<PSID>`` (one
ticket per person and page), author = the page-scoped id (Meta sends no name). Attachments
(``image``, ``file``...) are listed in ``raw["media"]`` with their URL.

Sending: ``POST {graph}/me/messages`` with ``recipient.id``, ``messaging_type=RESPONSE`` and
``message.text``; the answer is ``{"recipient_id", "message_id"}``. Meta accepts answers
within 24 hours of the person's last message only (error code 10, subcode 2018278 after).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from . import http, meta_messaging
from .base import DEFAULT_TIMEOUT, ConfigurationError, MalformedResponseError, Post, ReplyResult
from .events import RawEvent
from .facebook import _base, _proof, _token, graph_error

SPEC = meta_messaging.MESSENGER
NETWORK = SPEC.network
MAX_TEXT = 2000  # the Send API refuses longer texts


def conversation_key(psid: Any) -> str:
    return meta_messaging.conversation_key(psid)


def has_messaging(body: Any) -> bool:
    return meta_messaging.has_messaging(SPEC, body)


def split_messaging(body: Any) -> tuple[list[RawEvent], dict | None]:
    """``(events of the messages, the delivery without its messaging items or None)``."""
    return meta_messaging.split_messaging(SPEC, body)


def parse_message(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored messaging item."""
    return meta_messaging.parse_message(SPEC, payload)


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
