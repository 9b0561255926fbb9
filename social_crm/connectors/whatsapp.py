"""WhatsApp Business (Cloud API): private messages through Meta's webhooks and the Graph API,
plain Python.

A WhatsApp Business Account with the app subscribed to its webhook field ``messages`` gets
deliveries signed like every Meta delivery (``X-Hub-Signature-256``, checked by the webhook
before anything is read)::

    {"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "changes": [{
      "field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": ..., "phone_number_id": ...},
        "contacts": [{"profile": {"name": ...}, "wa_id": ...}],
        "messages": [{"from": <wa_id>, "id": "wamid...", "timestamp": "<seconds>",
                      "type": "text", "text": {"body": ...}}],
        "statuses": [{"id": "wamid...", "status": "sent|delivered|read|failed",
                      "timestamp": ..., "recipient_id": ..., "errors": [...]}]}}]}]}

Each message is one raw event of kind ``whatsapp`` keyed by its ``wamid``; each status one of
kind ``whatsapp_status`` keyed by ``wamid`` and status (a redelivery is stored once).

A message becomes a :class:`~.base.Post` of network ``whatsapp``: id = ``wamid``,
conversation ``dm:<wa_id>`` (one ticket per customer number), author = the WhatsApp id with
the profile name. Text, image and document messages are read (the caption of a medium is its
text; media are listed in ``raw["media"]`` by their media id, downloaded later with
:func:`download_media`), so are taps on a template's quick-reply button (``button.text``) and
interactive replies (the title); other types keep a short marker as text (``[audio]``).

Sending: ``POST {graph}/{phone-number-id}/messages`` with ``Authorization: Bearer <token>``;
a text ``{"messaging_product": "whatsapp", "to": <wa_id>, "type": "text", "text": {"body"}}``
inside the 24-hour customer service window, else only an approved template ``{"type":
"template", "template": {"name", "language": {"code"}}}``. The answer is ``{"messages":
[{"id": "wamid..."}]}``; what happens next (delivered, read, failed) comes as statuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import requests

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    Author,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    Post,
    ReplyResult,
)
from .events import RawEvent
from .facebook import DEFAULT_BASE_URL, graph_error
from .util import expect_dict, expect_list

NETWORK = "whatsapp"
OBJECT = "whatsapp_business_account"
KIND = "whatsapp"
STATUS_KIND = "whatsapp_status"
STATUSES = ("sent", "delivered", "read", "failed")
MAX_TEXT = 4096  # the Cloud API refuses longer text bodies
MEDIA_TYPES = ("image", "document")


def conversation_key(wa_id: Any) -> str:
    return f"dm:{wa_id}"


def is_whatsapp(body: Any) -> bool:
    return isinstance(body, dict) and body.get("object") == OBJECT


def _base(base_url: str) -> str:
    base = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigurationError(f"whatsapp: {base!r} is not a Graph API URL")
    return base


# --- intake ----------------------------------------------------------------------------------
def split_delivery(body: Any) -> list[RawEvent]:
    """One event per message and per status of a delivery (other fields are dropped)."""
    body = expect_dict(body, "the delivery", NETWORK)
    if body.get("object") != OBJECT:
        raise MalformedResponseError(f"whatsapp: a delivery of object {body.get('object')!r}")
    events = []
    for entry in expect_list(body.get("entry"), "entry", NETWORK):
        entry = expect_dict(entry, "entry[]", NETWORK)
        for change in expect_list(entry.get("changes"), "entry[].changes", NETWORK):
            change = expect_dict(change, "entry[].changes[]", NETWORK)
            if change.get("field") != "messages":
                continue
            value = expect_dict(change.get("value"), "changes[].value", NETWORK)
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            contacts = {
                str(c.get("wa_id")): c for c in value.get("contacts") or []
                if isinstance(c, dict) and c.get("wa_id")
            }
            for message in expect_list(value.get("messages") or [], "value.messages", NETWORK):
                message = expect_dict(message, "value.messages[]", NETWORK)
                wamid = message.get("id")
                if not wamid or not message.get("from"):
                    raise MalformedResponseError("whatsapp: a message without 'id' or 'from'")
                contact = contacts.get(str(message["from"]))
                events.append(RawEvent(KIND, f"whatsapp:{wamid}", {
                    "metadata": metadata,
                    "contact": contact or {"wa_id": message["from"]},
                    "message": dict(message),
                }))
            for status in expect_list(value.get("statuses") or [], "value.statuses", NETWORK):
                status = expect_dict(status, "value.statuses[]", NETWORK)
                if not status.get("id") or status.get("status") not in STATUSES:
                    continue  # e.g. "deleted", "warning": nothing to record
                events.append(RawEvent(
                    STATUS_KIND, f"whatsapp:{status['id']}:{status['status']}",
                    {"metadata": metadata, "status": dict(status)},
                ))
    return events


def _stamp(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (TypeError, ValueError):
        raise MalformedResponseError("whatsapp: a message without a valid 'timestamp'") \
            from None


def parse_message(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored message event."""
    message = expect_dict(payload.get("message"), "message", NETWORK)
    contact = payload.get("contact") if isinstance(payload.get("contact"), dict) else {}
    wa_id = message.get("from")
    if not wa_id or not message.get("id"):
        raise MalformedResponseError("whatsapp: a message without 'id' or 'from'")
    kind = message.get("type")
    text, media = "", []
    if kind == "text":
        text = (message.get("text") or {}).get("body") or ""
    elif kind in MEDIA_TYPES:
        medium = expect_dict(message.get(kind), f"message.{kind}", NETWORK)
        text = medium.get("caption") or ""
        if medium.get("id"):
            default = "image.jpg" if kind == "image" else "document"
            media.append({"media_id": str(medium["id"]), "type": kind,
                          "mime_type": medium.get("mime_type") or "",
                          "file_name": medium.get("filename") or default})
    elif kind == "button":  # the customer tapped a quick-reply button of a template
        text = (message.get("button") or {}).get("text") or "[button]"
    elif kind == "interactive":  # a reply button or list row of an interactive message
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        text = reply.get("title") or "[interactive]"
    else:
        text = f"[{kind or 'unknown'}]"  # audio, sticker, location...: the ticket says so
    profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
    return [Post(
        network=NETWORK,
        external_id=str(message["id"]),
        text=text,
        posted_at=_stamp(message.get("timestamp")),
        author=Author(network=NETWORK, external_id=str(wa_id),
                      display_name=profile.get("name") or None),
        conversation_external_id=conversation_key(wa_id),
        raw={"phone_number_id": (payload.get("metadata") or {}).get("phone_number_id"),
             "wa_id": wa_id, "type": kind, "media": media},
    )]


def parse_status(payload: Mapping[str, Any]) -> dict:
    """``{"id", "status", "at", "error"}`` of one stored status event."""
    status = expect_dict(payload.get("status"), "status", NETWORK)
    error = ""
    for item in status.get("errors") or []:
        if isinstance(item, dict):
            details = (item.get("error_data") or {}).get("details") if isinstance(
                item.get("error_data"), dict) else None
            error = (f"{item.get('title') or item.get('message') or 'error'}"
                     f" (code {item.get('code')})" + (f": {details}" if details else ""))
            break
    return {"id": str(status.get("id") or ""), "status": status.get("status"),
            "at": _stamp(status.get("timestamp")) if status.get("timestamp") else None,
            "error": error[:500]}


# --- sending ---------------------------------------------------------------------------------
def api_error(response: requests.Response, body: Any) -> ConnectorError | None:
    """The Graph API's typed error, worded for WhatsApp (the token is a system user's)."""
    error = graph_error(response, body)
    if error is not None and error.args:
        text = str(error.args[0]).replace("facebook: ", "whatsapp: ", 1)
        error.args = (text.replace("the page token", "the access token"),)
    return error


def _token(credentials: Mapping[str, str]) -> str:
    token = (credentials or {}).get("access_token")
    if not token:
        raise ConfigurationError("whatsapp: the access token is missing")
    return token


def send_message(credentials: Mapping[str, str], phone_number_id: str, wa_id: str,
                 text: str = "", template: tuple[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session: requests.Session | None = None) -> ReplyResult:
    """Send ``text`` (or the approved ``template`` ``(name, language code)``) to ``wa_id``
    from the business number ``phone_number_id``; the ``wamid`` is returned."""
    token = _token(credentials)
    if not phone_number_id:
        raise ConfigurationError("whatsapp: the phone number id is missing")
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id}
    if template:
        name, lang = template
        if not name or not lang:
            raise ConfigurationError("whatsapp: a template needs a name and a language")
        body.update(type="template", template={"name": name, "language": {"code": lang}})
    else:
        if not (text or "").strip():
            raise ConfigurationError("whatsapp: a message needs some text")
        if len(text) > MAX_TEXT:
            raise ConfigurationError(f"whatsapp: a message holds at most {MAX_TEXT} characters")
        body.update(type="text", text={"preview_url": False, "body": text})
    answer, _response = http.request_json(
        session, "POST", f"{_base(base_url)}/{phone_number_id}/messages", network=NETWORK,
        headers={"Authorization": f"Bearer {token}"}, json=body, timeout=timeout,
        secrets=(token,), error_hook=api_error, expect=dict,
    )
    messages = answer.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[0], dict) \
            or not messages[0].get("id"):
        raise MalformedResponseError("whatsapp: answer without 'messages[0].id'")
    return ReplyResult(external_id=str(messages[0]["id"])[:512])


def download_media(credentials: Mapping[str, str], media_id: str, max_bytes: int,
                   timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                   session: requests.Session | None = None) -> bytes:
    """The content of medium ``media_id``: ``GET {graph}/{media-id}`` gives a short-lived
    URL (and the size), fetched with the same token; refused over ``max_bytes``."""
    token = _token(credentials)
    auth = {"Authorization": f"Bearer {token}"}
    info, _response = http.request_json(
        session, "GET", f"{_base(base_url)}/{media_id}", network=NETWORK, headers=auth,
        timeout=timeout, secrets=(token,), error_hook=api_error, expect=dict,
    )
    url = info.get("url")
    if not url:
        raise MalformedResponseError("whatsapp: media answer without 'url'")
    try:
        size = int(info.get("file_size"))
    except (TypeError, ValueError):
        size = None
    if size is not None and size > max_bytes:
        raise ConnectorError(f"whatsapp: the file holds {size} bytes, over the limit")
    response = http.request(session, "GET", url, network=NETWORK, headers=auth,
                            timeout=timeout, secrets=(token,), max_bytes=max_bytes)
    return response.content
