"""X API v2 filtered stream (plain Python, no ``odoo``): rules and the stream itself.

``GET https://api.x.com/2/tweets/search/stream`` answers one JSON object per line over HTTP
chunked transfer (``{"data": {...}, "includes": {...}, "matching_rules": [{"id", "tag"}]}``),
with a keep-alive ``\\r\\n`` every 20 seconds; X advises a read timeout of 90 seconds. The
stream delivers the matches of every rule of the app, so each source's rule is tagged with
the source (:func:`rule_tag`) and a source keeps only the lines its rule matched.

Reconnects follow X's documented backoff (:class:`XBackoff`): network errors linearly by
250 ms up to 16 s, HTTP errors exponentially from 5 s up to 320 s, HTTP 429 exponentially
from one minute. Error objects inside the stream (``{"errors": [...]}``): an operational
disconnect closes the connection (reconnect), any other is reported and the stream read on.

``requests`` with ``stream=True`` and ``timeout=(connect, read)`` is used, not tweepy's
``StreamingClient``: tweepy's client sleeps its own backoff, swallows the HTTP status behind
``on_request_error`` and has no stop event to wait on, where the listener needs typed errors
and a stop that ends the wait at once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests

from . import x
from .base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    TemporaryError,
)
from .events import RawEvent
from .util import scrub, text_of

_logger = logging.getLogger(__name__)

API = "https://api.x.com/2"
STREAM_URL = f"{API}/tweets/search/stream"
RULES_URL = f"{API}/tweets/search/stream/rules"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 90.0  # X sends a keep-alive every 20 s; 90 s of silence is a dead connection
MAX_LINE = 1024 * 1024  # bytes; a tweet with its includes is a few KB
TAG_PREFIX = "social_crm:"
KIND = "x_stream"
KEY_PREFIX = "x:tweet:"


def stream_params() -> dict[str, str]:
    """The fields the polling connector asks for: the author's counts come with the post."""
    return {
        "expansions": ",".join(x.EXPANSIONS),
        "tweet.fields": ",".join(x.TWEET_FIELDS),
        "user.fields": ",".join(x.USER_FIELDS),
    }


# --- rules ------------------------------------------------------------------------------------
def rule_tag(database: str, source_id: int) -> str:
    """The tag of a source's rule: two sources (or two databases) of one app do not clash."""
    return f"{TAG_PREFIX}{database}:{source_id}"


def rule_value(kind: str, query: str) -> str:
    """The rule of a source: the search query, or for mentions ``@username`` (the username in
    the query field, with or without its ``@``)."""
    query = (query or "").strip()
    if kind == "mentions":
        handle = query.lstrip("@").strip()
        if not handle or " " in handle:
            raise ConfigurationError("x: a mentions stream needs our username in the query")
        return f"@{handle}"
    if not query:
        raise ConfigurationError("x: a search stream needs a query")
    return query


def _headers(bearer: str) -> dict[str, str]:
    if not bearer:
        raise ConfigurationError("x: the stream needs the app's bearer token")
    return {"Authorization": f"Bearer {bearer}", "User-Agent": "social_crm"}


def http_error(response: requests.Response, what: str) -> ConnectorError:
    """Typed error of a refused request (the body's ``title``/``detail`` when there is one)."""
    status = response.status_code
    try:
        body = json.loads(response.content[:20_000] or b"{}")
    except ValueError:
        body = None  # not JSON (a proxy's page): the status says enough
    detail = text_of(body.get("detail") or body.get("title"))[:200] \
        if isinstance(body, dict) else ""
    suffix = f": {detail}" if detail else ""
    if status in (401, 403):
        return AuthError(f"x: {what} refused (HTTP {status}){suffix}: the bearer token is "
                         "missing, wrong, revoked or the app lacks filtered-stream access",
                         status=status)
    if status == 429:
        return TemporaryError(f"x: {what} rate limited or too many connections (HTTP 429)"
                              f"{suffix}", status=status)
    if status >= 500:
        return TemporaryError(f"x: {what} server error (HTTP {status}){suffix}", status=status)
    return ConfigurationError(f"x: {what} refused (HTTP {status}){suffix}", status=status)


def _call(session, method, url, bearer, what, timeout, **kwargs) -> dict:
    try:
        response = session.request(method, url, headers=_headers(bearer), timeout=timeout,
                                   allow_redirects=False, **kwargs)
    except requests.Timeout:
        raise TemporaryError(f"x: {what} timed out") from None
    except requests.RequestException as exc:
        raise TemporaryError(f"x: {what}: could not connect ({type(exc).__name__})") from None
    if response.status_code >= 300:
        raise http_error(response, what)
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        raise MalformedResponseError(f"x: {what}: the answer is not JSON") from None
    if not isinstance(body, dict):
        raise MalformedResponseError(f"x: {what}: the answer is not an object")
    return body


def _rule_errors(body: Mapping[str, Any]) -> str:
    """X's words on refused rules (``errors[].details`` / ``title``)."""
    words = []
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        details = error.get("details")
        text = "; ".join(str(d) for d in details) if isinstance(details, list) and details \
            else text_of(error.get("detail") or error.get("title"))
        value = text_of(error.get("value"))
        words.append(f"{value!r}: {text}" if value else text)
    return "; ".join(w for w in words if w)[:500]


def sync_rules(bearer: str, tag: str, value: str, *, dry_run: bool = False,
               session: requests.Session | None = None,
               timeout: float = 20.0) -> dict[str, list]:
    """Make the app's rules tagged ``tag`` be exactly ``value``: delete the tagged rules of
    another value, add ``value`` when it is missing; rules of other tags are left alone.
    With ``dry_run`` X only validates (nothing changes). Returns ``{"added": [values],
    "deleted": [ids]}``; raises :class:`ConfigurationError` with X's words when it refuses
    the rule."""
    session = session or requests.Session()
    body = _call(session, "GET", RULES_URL, bearer, "stream rules", timeout)
    rules = [r for r in body.get("data") or [] if isinstance(r, dict)]
    mine = [r for r in rules if r.get("tag") == tag]
    stale = [text_of(r.get("id")) for r in mine if r.get("value") != value and r.get("id")]
    missing = not any(r.get("value") == value for r in mine)
    params = {"dry_run": "true"} if dry_run else {}
    if missing:
        answer = _call(session, "POST", RULES_URL, bearer, "adding the stream rule", timeout,
                       params=params, json={"add": [{"value": value, "tag": tag}]})
        summary = (answer.get("meta") or {}).get("summary") or {}
        if answer.get("errors") or summary.get("invalid") or summary.get("not_created"):
            raise ConfigurationError(
                f"x: X refused the stream rule: {_rule_errors(answer) or repr(value)}")
    if stale and not dry_run:
        _call(session, "POST", RULES_URL, bearer, "deleting the former stream rule", timeout,
              json={"delete": {"ids": stale}})
    return {"added": [value] if missing else [], "deleted": [] if dry_run else stale}


# --- reading lines ----------------------------------------------------------------------------
def is_disconnect(error: Mapping[str, Any]) -> bool:
    """An error object by which X closes the stream (operational disconnect and the like)."""
    kind = text_of(error.get("type"))
    return bool(error.get("disconnect_type")) or kind.endswith(
        ("/operational-disconnect", "/streaming-connection"))


def message_event(text: str | bytes, tag: str) -> RawEvent | None:
    """Event of one stream line for the source of ``tag`` (keyed by the tweet id: the same
    tweet delivered twice is stored once), or None when another rule matched it. A line of
    errors only raises :class:`TemporaryError` for a disconnect and :class:`ConnectorError`
    otherwise; a line that is not a JSON object raises :class:`MalformedResponseError`."""
    try:
        line = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedResponseError("x: a stream line is not JSON") from None
    if not isinstance(line, dict):
        raise MalformedResponseError("x: a stream line is not an object")
    errors = [e for e in line.get("errors") or [] if isinstance(e, dict)]
    data = line.get("data")
    if not isinstance(data, dict):
        if any(is_disconnect(e) for e in errors):
            detail = next(text_of(e.get("detail") or e.get("title")) for e in errors
                          if is_disconnect(e))
            raise TemporaryError(f"x: the stream was disconnected by X ({detail[:200]})")
        if errors:
            raise ConnectorError("x: the stream sent an error: " + "; ".join(
                text_of(e.get("detail") or e.get("title"))[:200] for e in errors))
        raise MalformedResponseError("x: a stream line without 'data'")
    rules = [r for r in line.get("matching_rules") or [] if isinstance(r, dict)]
    if tag and rules and not any(r.get("tag") == tag for r in rules):
        return None  # another source's rule
    tweet_id = text_of(data.get("id"))
    if not tweet_id:
        raise MalformedResponseError("x: a stream tweet without 'id'")
    # partial errors (an expansion that could not be filled) come with the data: kept
    return RawEvent(KIND, KEY_PREFIX + tweet_id, dict(line))


# --- backoff ----------------------------------------------------------------------------------
class XBackoff:
    """X's documented reconnect policy: network errors linear (+250 ms, at most 16 s), HTTP
    errors exponential (5 s doubling, at most 320 s), HTTP 429 exponential from 60 s (at most
    ``cap_429``: X gives no cap, a rate limit window is 15 minutes)."""

    def __init__(self, scale: float = 1.0, cap_429: float = 960.0):
        self.scale = scale
        self.cap_429 = cap_429
        self.reset()

    def reset(self):
        self.network = self.http = self.limited = 0

    def next(self, error: ConnectorError | None = None) -> float:
        status = getattr(error, "status", None) if error is not None else None
        if status == 429:
            delay = min(60.0 * 2 ** self.limited, self.cap_429)
            self.limited += 1
        elif status or isinstance(error, (AuthError, ConfigurationError)):
            delay = min(5.0 * 2 ** self.http, 320.0)
            self.http += 1
        else:
            self.network += 1
            delay = min(0.25 * self.network, 16.0)
        return delay * self.scale


# --- the stream -------------------------------------------------------------------------------
class XFilteredStream:
    """The filtered stream, read until ``stop`` is set (the interface of
    :class:`~.streams.WebSocketStream`: ``on_message`` gets each non-empty line).

    :param before_connect: called before every connect (the listener syncs the rules there)
    """

    def __init__(self, bearer: str, *, what: str = "x stream", url: str | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
                 backoff: XBackoff | None = None, session: requests.Session | None = None,
                 before_connect: Callable[[], None] | None = None,
                 secrets: Iterable[str | None] = ()):
        self.bearer = bearer
        self.what = what
        self.url = url or STREAM_URL
        self.timeout = (connect_timeout, read_timeout)
        self.backoff = backoff or XBackoff()
        self.session = session or requests.Session()
        self.before_connect = before_connect
        self.secrets = tuple(s for s in (bearer, *secrets) if s)
        self.connections = 0
        self._response = None
        self._lock = threading.Lock()

    def close(self):
        with self._lock:
            response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # closing a broken connection
                _logger.debug("%s: closing failed", self.what, exc_info=True)

    def run(self, stop: threading.Event, on_message: Callable[[str], None], *,
            on_connect: Callable[[], None] | None = None,
            on_heartbeat: Callable[[], None] | None = None,
            on_error: Callable[[ConnectorError], None] | None = None,
            on_malformed: Callable[[str], None] | None = None):
        """Read until ``stop`` is set; reconnect after any failure with X's backoff."""
        while not stop.is_set():
            error = None
            try:
                self._session(stop, on_message, on_connect, on_heartbeat)
            except (requests.RequestException, OSError) as exc:
                reason = scrub(f"{type(exc).__name__}: {exc}", self.secrets)
                error = TemporaryError(f"{self.what}: connection lost ({reason[:300]})")
            except ConnectorError as exc:
                error = exc
            except Exception as exc:  # e.g. the database is unavailable: reconnect later
                if not stop.is_set():
                    _logger.info("%s: stopped by %s; reconnecting", self.what,
                                 type(exc).__name__, exc_info=True)
                error = TemporaryError(f"{self.what}: {type(exc).__name__}: "
                                       f"{scrub(str(exc), self.secrets)[:300]}")
            finally:
                self.close()
                with self._lock:
                    self._response = None
            if stop.is_set():
                return  # closed from outside (the listener stops): no error
            if error is not None and on_error:
                on_error(error)
            delay = self.backoff.next(error)
            if not stop.is_set():
                _logger.info("%s: reconnecting in %.2f s", self.what, delay)
                stop.wait(delay)

    def _session(self, stop, on_message, on_connect, on_heartbeat):
        if self.before_connect:
            self.before_connect()
        response = self.session.get(self.url, params=stream_params(),
                                    headers=_headers(self.bearer), stream=True,
                                    timeout=self.timeout, allow_redirects=False)
        with self._lock:
            self._response = response
        if response.status_code != 200:
            raise http_error(response, self.what)
        self.connections += 1
        _logger.info("%s: connected", self.what)
        if on_connect:
            on_connect()
        for raw in response.iter_lines(chunk_size=512):
            if stop.is_set():
                return
            if len(raw) > MAX_LINE:
                raise TemporaryError(f"{self.what}: a line over {MAX_LINE} bytes")
            line = raw.strip()
            if not line:  # keep-alive
                self.backoff.reset()
                if on_heartbeat:
                    on_heartbeat()
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", errors="replace")
            on_message(text)
            self.backoff.reset()
        _logger.info("%s: X closed the stream", self.what)
