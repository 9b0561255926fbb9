"""Small parsing helpers shared by the connectors (no network, no ``odoo``)."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import threading
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as date_parser

from .base import (
    FUTURE_SLACK,
    MAX_ITEMS_PER_ANSWER,
    ConnectorError,
    MalformedResponseError,
    Rejected,
    clean_id,
    utc,
)

# query parameters and header names whose value is a secret
SECRET_PARAMS = frozenset({
    "access_token", "input_token", "client_secret", "appsecret_proof", "token",
    "bearer_token", "oauth_token", "oauth_signature", "password", "api_key", "key",
})
_SECRET_IN_TEXT = re.compile(
    r"(?i)\b(access_token|input_token|client_secret|appsecret_proof|oauth_token|oauth_signature"
    r"|bearer_token|password|api_key)(=|%3D|\"?\s*:\s*\"?)([^&\s\"',;]+)"
)
_AUTH_HEADER = re.compile(
    r"(?i)\b(authorization\"?'?\s*[:=]\s*\"?'?)(bearer|oauth|basic)?\s*[^\s\"',}]+"
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/%]+=*")
MAX_MESSAGE = 300
_KNOWN_SECRETS: dict[str, None] = {}  # the credentials in use, for the log filters (bounded)
_KNOWN_SECRETS_LOCK = threading.Lock()  # requests are made from several threads (the outbox)


def remember_secrets(*secrets: Any) -> None:
    """Let the log filters strike these values too (the last 200 credentials seen)."""
    with _KNOWN_SECRETS_LOCK:
        for secret in secrets:
            if secret and isinstance(secret, str) and len(secret) >= 4:
                _KNOWN_SECRETS.pop(secret, None)
                _KNOWN_SECRETS[secret] = None
        while len(_KNOWN_SECRETS) > 200:
            _KNOWN_SECRETS.pop(next(iter(_KNOWN_SECRETS)))


def known_secrets() -> tuple[str, ...]:
    with _KNOWN_SECRETS_LOCK:
        return tuple(_KNOWN_SECRETS)


class ScrubSecretsFilter(logging.Filter):
    """Strikes every known credential from a log record (libraries log requests, headers
    and answers at DEBUG: tweepy, urllib3, requests-oauthlib)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left alone
            return True
        clean = scrub(message, known_secrets())
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def install_log_filter(*names: str) -> None:
    for name in names:
        log = logging.getLogger(name)
        if not any(isinstance(f, ScrubSecretsFilter) for f in log.filters):
            log.addFilter(ScrubSecretsFilter())


def scrub(text: Any, secrets: Iterable[str | None] = ()) -> str:
    """``text`` as a string without any secret: the given secret values, ``access_token=...``
    style parameters, ``Authorization`` header values and bearer tokens are replaced by ``***``.
    """
    text = str(text)
    for secret in secrets:
        if secret and len(str(secret)) >= 4:
            text = text.replace(str(secret), "***")
    text = _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}***", text)
    return _BEARER.sub("Bearer ***", text)


def safe_url(url: str | None) -> str:
    """``url`` without secret query parameters (for messages and logs)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in SECRET_PARAMS]
    return scrub(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")))


def short(text: Any, secrets: Iterable[str | None] = (), limit: int = MAX_MESSAGE) -> str:
    """Scrubbed, single-line, truncated ``text`` for an error message."""
    text = " ".join(scrub(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_datetime(value: Any, field: str, network: str = "") -> dt.datetime:
    """Aware UTC datetime from an ISO 8601 string (or epoch number).

    Raises :class:`MalformedResponseError` naming ``field`` when the value is missing, bad
    or out of range. A date later than tomorrow (year 9999...) is read as now, so that one
    hostile date cannot move a cursor past every later post.
    """
    where = f"{network}: " if network else ""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = dt.datetime.fromtimestamp(value, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise MalformedResponseError(
                f"{where}timestamp out of range in field {field!r}") from None
    elif not isinstance(value, str) or not value.strip():
        raise MalformedResponseError(f"{where}missing or empty date in field {field!r}")
    elif len(value) > 64:
        raise MalformedResponseError(f"{where}date text too long in field {field!r}")
    else:
        try:
            parsed = date_parser.isoparse(value.strip())
        except (ValueError, OverflowError):
            try:
                parsed = date_parser.parse(value.strip())
            except (ValueError, OverflowError, TypeError):
                raise MalformedResponseError(
                    f"{where}malformed date {short(value, limit=40)!r} in field {field!r}"
                ) from None
    try:
        parsed = utc(parsed)
    except (OverflowError, ValueError):
        raise MalformedResponseError(
            f"{where}date out of range {short(value, limit=40)!r} in field {field!r}") from None
    now = dt.datetime.now(dt.UTC)
    return now if parsed > now + FUTURE_SLACK else parsed


def read_date_cursor(value: Any, network: str, now: dt.datetime) -> dt.datetime | None:
    """The date a stored date cursor holds; None without one, and for one later than ``now``
    (the poll's own time): moved ahead by an item dated in the future (an older version did
    not stop it at the poll's time) or by a clock set back, it tells nothing of what was read;
    the poll reads as a source's first (ingestion de-duplicates by external id) instead of
    skipping what was published since the last good poll. It writes a good cursor again."""
    if not value:
        return None
    since = parse_datetime(value, "cursor", network)
    return None if since > utc(now) else since


def date_cursor(newest: dt.datetime | None, now: dt.datetime) -> str | None:
    """The cursor text of a connector whose cursor is a date (RSS/Atom, Facebook, Bluesky):
    ``newest``, the newest date seen, but never later than ``now``, the poll's own time taken
    before its first request. An item dated ahead of the poll (a feed in a wrong time zone, a
    client clock ahead) would otherwise make the next polls ask for items newer than it and
    skip every item dated before it. Items are new when dated after the cursor: those dated
    after ``now`` come again at the next polls (ingestion de-duplicates them by external id)
    until the poll's time passes them; none is skipped."""
    if newest is None:
        return None
    return iso(min(utc(newest), utc(now)))


def iso(value: dt.datetime) -> str:
    """ISO 8601 text of an aware datetime, in UTC (``2024-05-01T10:00:00.123000+00:00``)."""
    return utc(value).isoformat()


def to_int(value: Any) -> int | None:
    """int or None (for counters the network may omit or null)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) > 40:
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def text_of(value: Any) -> str:
    """A string field of an answer: numbers as text, anything else not a string as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def item_id(item: Any, *keys: str) -> str | None:
    """The first readable id of a raw item (for the reason of a rejected item)."""
    if not isinstance(item, dict):
        return None
    for key in keys or ("id",):
        value = clean_id(item.get(key))
        if value:
            return value
    return None


def cap_items(items: list, network: str, what: str,
              limit: int = MAX_ITEMS_PER_ANSWER) -> tuple[list, list[Rejected]]:
    """The first ``limit`` items, and the rest as rejected items (quarantined, not lost)."""
    if len(items) <= limit:
        return items, []
    reason = (f"{network}: {what} held {len(items)} items, more than the {limit} read from "
              f"one answer")
    return items[:limit], [Rejected(network, reason, item_id(i), i if isinstance(i, dict)
                                    else {"value": i}) for i in items[limit:]]


def parse_each(items, parse, network: str, what: str, *,
               id_keys: tuple[str, ...] = ("id",)) -> tuple[list, list[Rejected]]:
    """``parse(item)`` for each item; an item it cannot read becomes a :class:`Rejected`
    with the reason, the others are kept (one bad item never blocks the rest)."""
    done, rejected = [], []
    for index, item in enumerate(items):
        try:
            done.append(parse(item))
        except ConnectorError as exc:
            if not isinstance(exc, MalformedResponseError):
                raise
            rejected.append(_rejected(network, item, f"{network}: {what}[{index}]: {exc}",
                                      id_keys))
        except RecursionError:
            rejected.append(_rejected(
                network, item, f"{network}: {what}[{index}] is nested too deeply", id_keys))
        except (TypeError, ValueError, AttributeError, KeyError, IndexError,
                OverflowError, UnicodeError) as exc:
            rejected.append(_rejected(
                network, item, f"{network}: {what}[{index}] could not be read "
                f"({type(exc).__name__}: "
                f"{short(exc, limit=160)})", id_keys))
    return done, rejected


def _rejected(network: str, item: Any, reason: str, id_keys) -> Rejected:
    reason = reason.replace(f": {network}: ", ": ")
    return Rejected(network, reason, item_id(item, *id_keys),
                    item if isinstance(item, dict) else {"value": item})


def id_key(value: str | None) -> tuple[int, str]:
    """Sort key for numeric-string ids (snowflakes): longer is larger, then lexicographic."""
    value = value or ""
    return (len(value), value)


def max_id(*ids: str | None) -> str | None:
    present = [i for i in ids if i]
    return max(present, key=id_key) if present else None


def expect_dict(value: Any, what: str, network: str = "") -> dict:
    if not isinstance(value, dict):
        raise MalformedResponseError(f"{network + ': ' if network else ''}{what} is not an object")
    return value


def expect_list(value: Any, what: str, network: str = "") -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponseError(f"{network + ': ' if network else ''}{what} is not a list")
    return value


class _TextExtractor(HTMLParser):
    _BREAK_BEFORE = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BREAK_BEFORE:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BREAK_BEFORE:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, entities unescaped, paragraphs and
    ``<br>`` kept as line breaks, runs of spaces collapsed."""
    value = text_of(value)
    if not value:
        return ""
    if "<" not in value:
        return html.unescape(value).strip()
    extractor = _TextExtractor()
    try:
        extractor.feed(value)
        extractor.close()
    except Exception:
        return html.unescape(re.sub(r"<[^>]*>", " ", value)).strip()
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
