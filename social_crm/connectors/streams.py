"""Stream clients (plain Python, no ``odoo``): websockets with reconnect, and a replay.

:class:`WebSocketStream` reads one websocket (``websocket-client``) and hands every text
message to a callback; it reconnects with exponential backoff and jitter (:class:`Backoff`),
pings when the line is quiet, builds its URL anew at each connect (so a stored resume cursor is
used) and stops cleanly when its ``stop`` event is set. A refused upgrade (HTTP 401/403: the
token; 404: no such stream on that instance) is reported as :class:`~.base.AuthError` /
:class:`~.base.ConfigurationError` to ``on_error`` and retried at the slowest pace.
:func:`problem_of` tells the listener what went wrong in a few kinds the product words for
users (translated), the server's own words (``detail``) quoted.

:class:`ReplayStream` plays a JSON Lines file of posts (:mod:`.replay`) as a stream at a pace,
for the demo and tests without credentials.

The callbacks decide what is stored; an exception raised by ``on_message`` (e.g. the database
is unavailable) closes the connection and the stream reconnects from the stored cursor, so a
message is never taken as stored when it was not.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import socket
import threading
from collections.abc import Callable, Iterable, Mapping

import websocket

from .base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    TemporaryError,
)
from .events import RawEvent, replay_events
from .util import iso, scrub

_logger = logging.getLogger(__name__)


class Backoff:
    """Exponential backoff with "equal jitter": half the step fixed, half random."""

    def __init__(self, base: float = 1.0, cap: float = 60.0,
                 rng: Callable[[], float] | None = None):
        self.base, self.cap = base, cap
        self.rng = rng or random.random
        self.attempt = 0

    def next(self) -> float:
        step = min(self.cap, self.base * (2 ** self.attempt))
        self.attempt += 1
        return step / 2 + self.rng() * step / 2

    def slowest(self) -> float:
        self.attempt = max(self.attempt, 32)
        return self.next()

    def reset(self):
        self.attempt = 0


#: what went wrong with a stream, for the words the product shows on the source
#: (:func:`problem_of`)
PROBLEMS = ("token", "no_stream", "busy", "server", "refused", "lost", "silent", "unreadable",
            "stream_error", "settings")


def refusal_words(exc: websocket.WebSocketBadStatusException, secrets=()) -> str:
    """The server's own words on a refused upgrade: the ``X-Error-Message`` header (the
    Mastodon streaming server's), the ``error`` / ``message`` of a JSON body, a short text
    body, else the status line's reason ("" when there is none)."""
    headers = {str(k).lower(): v for k, v in (getattr(exc, "resp_headers", None) or {}).items()}
    words = str(headers.get("x-error-message") or "")
    body = getattr(exc, "resp_body", None) or b""
    if not words and body:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            words = str(parsed.get("error") or parsed.get("message") or parsed.get("detail")
                        or "")
        elif parsed is None and "<" not in text:  # a plain text, not an HTML page
            words = text
    words = words or str(getattr(exc, "status_message", "") or "")
    return scrub(" ".join(words.split()), secrets)[:200]


def refused_error(exc: websocket.WebSocketBadStatusException, what: str,
                  secrets=()) -> ConnectorError:
    status = getattr(exc, "status_code", None)
    if status in (401, 403):
        error = AuthError(f"{what}: the server refused the stream (HTTP {status}): the access "
                          "token is missing, wrong, expired or lacks the read scope",
                          status=status)
    elif status == 404:
        error = ConfigurationError(f"{what}: the server has no such stream (HTTP 404): check "
                                   "the server URL and the hashtag", status=status)
    elif status == 429 or (status or 0) >= 500:
        error = TemporaryError(f"{what}: the server is busy (HTTP {status})", status=status)
    else:
        error = ConnectorError(f"{what}: the server refused the stream (HTTP {status})",
                               status=status)
    error.detail = refusal_words(exc, secrets)
    return error


def problem_of(error: ConnectorError) -> tuple[str, int | None, str]:
    """``(problem, HTTP status, the network's words)`` of a stream's error, for the words the
    product shows on the source (one of :data:`PROBLEMS`); the connector's own sentence
    (``str(error)``) is for the log."""
    status = error.status
    detail = error.detail or ""
    problem = getattr(error, "problem", "")
    if problem in PROBLEMS:
        return problem, status, detail
    if isinstance(error, AuthError):
        return "token", status, detail
    if status == 429 or isinstance(error, RateLimitError):
        return "busy", status or 429, detail
    if status and status >= 500:
        return "server", status, detail
    if status == 404 and isinstance(error, ConfigurationError):
        return "no_stream", status, detail
    if isinstance(error, MalformedResponseError):
        return "unreadable", status, detail or str(error)
    if isinstance(error, ConfigurationError):
        return "settings", status, detail or str(error)
    if isinstance(error, TemporaryError):
        return "lost", status, detail
    if status:
        return "refused", status, detail
    return "stream_error", status, detail or str(error)


class WebSocketStream:
    """One websocket, read until ``stop`` is set.

    :param url: the URL, or a callable returning it (called at every connect)
    :param headers: e.g. ``{"Authorization": "Bearer ..."}`` (never logged)
    :param what: a name for messages ("mastodon #acme")
    :param heartbeat: seconds without a frame after which we ping; after ``idle_limit``
        quiet heartbeats in a row the connection counts as dead and is reopened
    """

    def __init__(self, url: str | Callable[[], str], *, headers: Mapping[str, str] | None = None,
                 what: str = "stream", heartbeat: float = 30.0, idle_limit: int = 4,
                 connect_timeout: float = 20.0, backoff: Backoff | None = None,
                 secrets: Iterable[str | None] = ()):
        self.url = url
        self.headers = dict(headers or {})
        self.what = what
        self.heartbeat = heartbeat
        self.idle_limit = idle_limit
        self.connect_timeout = connect_timeout
        self.backoff = backoff or Backoff()
        self.secrets = tuple(s for s in secrets if s)
        self.connections = 0
        self._ws = None

    def _url(self) -> str:
        return self.url() if callable(self.url) else self.url

    def close(self):
        """Close the connection, also from another thread while the reading one waits for a
        frame: the close frame is sent, then the socket is shut down, which wakes the reader.
        Waiting for the server's answer to the close frame (``WebSocket.close``) held the
        caller (the listener's look at the sources) until the next frame of a server that
        stalls (Mastodon pings every 30 s)."""
        ws = self._ws
        if ws is None:
            return
        try:
            if ws.connected:
                ws.send_close()
        except Exception:  # closing a broken socket
            _logger.debug("%s: closing failed", self.what, exc_info=True)
        sock = ws.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed by the server
                _logger.debug("%s: the socket was closed already", self.what)

    def run(self, stop: threading.Event, on_message: Callable[[str], None], *,
            on_connect: Callable[[], None] | None = None,
            on_heartbeat: Callable[[], None] | None = None,
            on_error: Callable[[ConnectorError], None] | None = None,
            on_malformed: Callable[[str], None] | None = None):
        """Read until ``stop`` is set; reconnect after any failure."""
        while not stop.is_set():
            delay = None
            try:
                self._session(stop, on_message, on_connect, on_heartbeat, on_malformed)
            except websocket.WebSocketBadStatusException as exc:
                error = refused_error(exc, self.what, self.secrets)
                if on_error:
                    on_error(error)
                delay = self.backoff.slowest() if isinstance(
                    error, (AuthError, ConfigurationError)) else self.backoff.next()
            except (OSError, websocket.WebSocketException) as exc:
                reason = scrub(f"{type(exc).__name__}: {exc}", self.secrets)
                error = TemporaryError(f"{self.what}: connection lost ({reason})")
                error.detail = reason[:300]
                if on_error:
                    on_error(error)
                delay = self.backoff.next()
            except ConnectorError as exc:
                if on_error:
                    on_error(exc)
                delay = self.backoff.next()
            except Exception as exc:  # e.g. the database is unavailable: reconnect later
                _logger.info("%s: stopped by %s; reconnecting", self.what, type(exc).__name__,
                             exc_info=True)
                if on_error:
                    error = TemporaryError(f"{self.what}: {type(exc).__name__}: "
                                           f"{scrub(str(exc), self.secrets)}")
                    error.detail = f"{type(exc).__name__}: {scrub(str(exc), self.secrets)}"[:300]
                    on_error(error)
                delay = self.backoff.next()
            finally:
                self.close()
                if self._ws is not None:
                    self._ws.shutdown()  # the reader's own: the socket is released
                self._ws = None
            if delay is None:
                delay = self.backoff.next()  # the server closed the stream
            if not stop.is_set():
                _logger.info("%s: reconnecting in %.1f s", self.what, delay)
                stop.wait(delay)

    def _session(self, stop, on_message, on_connect, on_heartbeat, on_malformed):
        url = self._url()
        self._ws = ws = websocket.create_connection(
            url, header=[f"{k}: {v}" for k, v in self.headers.items()],
            timeout=self.connect_timeout, enable_multithread=True,
        )
        ws.settimeout(self.heartbeat)
        self.connections += 1
        _logger.info("%s: connected", self.what)
        if on_connect:
            on_connect()
        quiet = 0
        while not stop.is_set():
            try:
                opcode, data = ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                quiet += 1
                if quiet > self.idle_limit:
                    silent = TemporaryError(f"{self.what}: no sign of life for "
                                            f"{quiet * self.heartbeat:.0f} s")
                    silent.problem = "silent"
                    raise silent from None
                ws.ping()
                if on_heartbeat:
                    on_heartbeat()
                continue
            quiet = 0
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                _logger.info("%s: the server closed the stream", self.what)
                return
            if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                if on_heartbeat:
                    on_heartbeat()
                continue
            if isinstance(data, bytes):
                try:
                    data = data.decode("utf-8")
                except UnicodeDecodeError:
                    if on_malformed:
                        on_malformed(f"{self.what}: a binary or non-UTF-8 message was skipped")
                    continue
            on_message(data)
            self.backoff.reset()


class ReplayStream:
    """Plays a replay file (JSON Lines of posts) as a stream: one event every ``pace``
    seconds, from line ``start``; each post is stamped as posted now (the demo shows live
    traffic). When the file ends it waits for ``stop``."""

    def __init__(self, path: str, *, pace: float = 2.0, start: int = 0,
                 clock: Callable[[], dt.datetime] | None = None, what: str = "replay"):
        self.path, self.pace, self.start = path, pace, start
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.what = what

    def run(self, stop: threading.Event, on_event: Callable[[RawEvent], None], *,
            on_error: Callable[[ConnectorError], None] | None = None, **_ignored):
        try:
            handle = open(self.path, encoding="utf-8")  # closed by the with below
        except OSError as error:
            if on_error:
                on_error(ConfigurationError(
                    f"replay: cannot read {self.path!r} ({error.strerror})"))
            stop.wait()
            return
        with handle:
            for event in replay_events(handle, self.start):
                if stop.is_set():
                    return
                if event.payload:
                    event = RawEvent(event.kind, event.key,
                                     {**event.payload,
                                      "posted_at": iso(self.clock().replace(microsecond=0))},
                                     event.cursor)
                on_event(event)
                self.start = int(event.cursor)
                if event.payload and self.pace > 0 and stop.wait(self.pace):
                    return
        stop.wait()
