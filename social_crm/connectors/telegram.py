"""Telegram bots: private messages through the Bot API (``requests``), plain Python.

Intake is a webhook: the bot is registered with ``setWebhook(url, secret_token=...)`` and
Telegram POSTs one `Update <https://core.telegram.org/bots/api#update>`_ per call, with the
header ``X-Telegram-Bot-Api-Secret-Token`` carrying our secret (checked in constant time before
anything is read). Only messages of *private* chats are read (``message`` and
``edited_message``); groups, channels, callbacks... are acknowledged and dropped.

A private message becomes a :class:`~.base.Post`: id ``<chat id>:<message id>`` (an edit gets
``:e<edit date>``), conversation ``dm:<chat id>`` (one ticket per chat), the author from
``from`` (the same :class:`~.base.Author` on every message, so the same identity). Photos and
documents are listed in ``raw["media"]`` (``file_id``, ``mime_type``, ``file_size``) for the
attachment download; their caption is the text.

Sending: ``POST https://api.telegram.org/bot<token>/sendMessage`` with ``chat_id`` and
``text``; the answer is ``{"ok": true, "result": Message}``. Errors are
``{"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}``
(429 adds ``parameters.retry_after`` seconds). The token sits in the URL path: it is struck
from every message.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from typing import Any

import requests

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    AuthError,
    Author,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    Post,
    RateLimitError,
    ReplyResult,
    TemporaryError,
)
from .events import RawEvent
from .util import expect_dict

NETWORK = "telegram"
API = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MESSAGE_KEYS = ("message", "edited_message")
MAX_TEXT = 4096  # sendMessage refuses longer texts


def check_secret(expected: str | None, header: str | None) -> bool:
    """Whether the delivery carries our ``secret_token`` (constant-time comparison)."""
    return bool(expected and header and hmac.compare_digest(expected.encode(), header.encode()))


def conversation_key(chat_id: Any) -> str:
    return f"dm:{chat_id}"


def chat_of_conversation(key: str | None) -> str | None:
    """The chat id of a ``dm:<chat id>`` conversation key (None for other keys)."""
    if not key or not key.startswith("dm:"):
        return None
    return key[3:] or None


# --- intake ----------------------------------------------------------------------------------
def split_update(body: Any) -> list[RawEvent]:
    """The raw event of one webhook delivery (one Update), keyed by its ``update_id`` (a
    redelivery is stored once); no event for updates other than private messages."""
    update = expect_dict(body, "the update", NETWORK)
    update_id = update.get("update_id")
    if not isinstance(update_id, int):
        raise MalformedResponseError("telegram: an update without 'update_id'")
    for key in MESSAGE_KEYS:
        message = update.get(key)
        if isinstance(message, dict):
            chat = message.get("chat")
            if isinstance(chat, dict) and chat.get("type") == "private":
                return [RawEvent("telegram", f"telegram:update:{update_id}", dict(update))]
    return []


def _author(user: Mapping[str, Any]) -> Author:
    name = " ".join(str(user[k]) for k in ("first_name", "last_name") if user.get(k))
    handle = user.get("username")
    return Author(
        network=NETWORK,
        external_id=str(user.get("id") or ""),
        handle=handle,
        display_name=name or handle,
        profile_url=f"https://t.me/{handle}" if handle else None,
    )


def _media(message: Mapping[str, Any]) -> list[dict]:
    media = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        biggest = photos[-1]  # Telegram lists the sizes of a photo smallest first
        if isinstance(biggest, dict) and biggest.get("file_id"):
            media.append({"file_id": biggest["file_id"], "mime_type": "image/jpeg",
                          "file_name": "photo.jpg", "file_size": biggest.get("file_size")})
    document = message.get("document")
    if isinstance(document, dict) and document.get("file_id"):
        media.append({"file_id": document["file_id"],
                      "mime_type": document.get("mime_type") or "application/octet-stream",
                      "file_name": document.get("file_name") or "document",
                      "file_size": document.get("file_size")})
    return media


def parse_update(update: Mapping[str, Any]) -> list[Post]:
    """The post of one stored Update (empty for anything but a private message)."""
    update = expect_dict(update, "the update", NETWORK)
    for key in MESSAGE_KEYS:
        message = update.get(key)
        if not isinstance(message, dict):
            continue
        chat = expect_dict(message.get("chat"), "message.chat", NETWORK)
        if chat.get("type") != "private":
            return []
        sender = message.get("from")
        if not isinstance(sender, dict) or not sender.get("id"):
            raise MalformedResponseError("telegram: a private message without 'from'")
        if not message.get("message_id") or not isinstance(message.get("date"), int):
            raise MalformedResponseError("telegram: a message without 'message_id' or 'date'")
        external_id = f"{chat.get('id')}:{message['message_id']}"
        stamp = message["date"]
        if key == "edited_message" and isinstance(message.get("edit_date"), int):
            external_id += f":e{message['edit_date']}"
            stamp = message["edit_date"]
        media = _media(message)
        return [Post(
            network=NETWORK,
            external_id=external_id,
            text=message.get("text") or message.get("caption") or "",
            posted_at=dt.datetime.fromtimestamp(stamp, dt.UTC),
            author=_author(sender),
            lang=sender.get("language_code"),
            conversation_external_id=conversation_key(chat.get("id")),
            raw={"update_id": update.get("update_id"), "chat_id": chat.get("id"),
                 "message_id": message["message_id"], "media": media},
        )]
    return []


# --- sending ---------------------------------------------------------------------------------
def _token(credentials: Mapping[str, str]) -> str:
    token = (credentials or {}).get("access_token")
    if not token:
        raise ConfigurationError("telegram: the bot token is missing")
    return token


def api_error(response: requests.Response, body: Any) -> ConnectorError | None:
    """Typed error of a Bot API answer ``{"ok": false, "error_code", "description"}``."""
    if not isinstance(body, dict) or body.get("ok") is not False:
        return None
    code = body.get("error_code") or response.status_code
    text = f"telegram: {str(body.get('description') or 'error')[:200]}"
    if code in (401, 403):
        return AuthError(text, status=code)
    if code == 429:
        retry = (body.get("parameters") or {}).get("retry_after")
        reset_at = None
        if isinstance(retry, int):
            reset_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry)
        return RateLimitError(text, reset_at=reset_at)
    if isinstance(code, int) and code >= 500:
        return TemporaryError(text, status=code)
    return ConnectorError(text, status=code if isinstance(code, int) else None)


def send_message(credentials: Mapping[str, str], chat_id: str, text: str,
                 timeout: float = DEFAULT_TIMEOUT, *, session: requests.Session | None = None,
                 base_url: str = "") -> ReplyResult:
    """Send ``text`` to private chat ``chat_id`` as the bot; the message id is returned."""
    token = _token(credentials)
    if not (text or "").strip():
        raise ConfigurationError("telegram: a message needs some text")
    if len(text) > MAX_TEXT:
        raise ConfigurationError(f"telegram: a message holds at most {MAX_TEXT} characters")
    body, _response = http.request_json(
        session, "POST", f"{(base_url or API).rstrip('/')}/bot{token}/sendMessage",
        network=NETWORK, json={"chat_id": chat_id, "text": text}, timeout=timeout,
        secrets=(token,), error_hook=api_error, expect=dict,
    )
    result = body.get("result")
    if body.get("ok") is not True or not isinstance(result, dict) or not result.get("message_id"):
        raise MalformedResponseError("telegram: sendMessage answer without 'result.message_id'")
    return ReplyResult(external_id=f"{chat_id}:{result['message_id']}")


def download_file(credentials: Mapping[str, str], file_id: str, max_bytes: int,
                  timeout: float = DEFAULT_TIMEOUT, *, session: requests.Session | None = None,
                  base_url: str = "") -> bytes:
    """The content of file ``file_id`` (``getFile``, then the file URL), refused over
    ``max_bytes``."""
    token = _token(credentials)
    base = (base_url or API).rstrip("/")
    body, _response = http.request_json(
        session, "GET", f"{base}/bot{token}/getFile", network=NETWORK,
        params={"file_id": file_id}, timeout=timeout, secrets=(token,), error_hook=api_error,
        expect=dict,
    )
    result = body.get("result") if isinstance(body, dict) else None
    path = result.get("file_path") if isinstance(result, dict) else None
    if not path:
        raise MalformedResponseError("telegram: getFile answer without 'result.file_path'")
    size = result.get("file_size")
    if isinstance(size, int) and size > max_bytes:
        raise ConnectorError(f"telegram: the file holds {size} bytes, over the limit")
    response = http.request(
        session, "GET", f"{base}/file/bot{token}/{path}", network=NETWORK, timeout=timeout,
        secrets=(token,), max_bytes=max_bytes,
    )
    return response.content
