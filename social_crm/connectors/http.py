"""The one place where connectors talk HTTP through ``requests``.

:func:`request` sends a request with a timeout and turns every failure into a typed
:class:`~.base.ConnectorError` whose message never contains a secret:

* ``requests`` Timeout / ConnectionError -> :class:`TemporaryError`
* HTTP 401 / 403 -> :class:`AuthError`
* HTTP 429 -> :class:`RateLimitError` with ``reset_at`` from ``Retry-After``,
  ``X-RateLimit-Reset`` (Mastodon: ISO time), ``ratelimit-reset`` (Bluesky: epoch seconds)
  or ``x-rate-limit-reset`` (X: epoch seconds)
* HTTP 5xx -> :class:`TemporaryError`
* other non-2xx -> :class:`ConnectorError` (not retryable)

:func:`request_json` adds: body that is not JSON or not of the expected type ->
:class:`MalformedResponseError`.

Hostile answers are bounded: the body is streamed and refused past ``max_bytes``
(:data:`~.base.MAX_RESPONSE_BYTES`, counted both as received and as expanded, so a gzip bomb
stops early); redirects are followed by hand (GET only, at most :data:`MAX_REDIRECTS`) and a
request carrying credentials never follows one to another host; rate-limit reset times are
clamped to :data:`MAX_RESET`. Paging links must pass :func:`check_same_host`.

Addresses are ranked by how public they are (:func:`host_level`): public (a global address,
a public-looking domain name) > private network (10/8, 192.168/16, fc00::/7, a bare or
``.local``/``.internal``/``.lan`` name...) > local (the loopback, link-local addresses such as
the cloud metadata service 169.254.169.254, ``localhost``). **A redirect may not lead to an
address less public than the one asked**: by its name or address literal, and, for a hop to
another host, by the address its name resolves to when connecting. So the company's own
configured address keeps working wherever it is (a self-hosted instance on the office
network, the tests' loopback servers), and nothing a public server answers takes the
server's requests further in. An address taken from a network's data (a post's URL, a DID
document: ``public_only=True``, see :func:`public_origin`) must moreover *resolve* to public
addresses: checked at connect time (the name is resolved once and the checked address is
the one connected to: no second DNS answer slips in). Refusals raise
:class:`~.base.UnsafeAddressError` naming the hosts. Inside a :func:`deadline` every name is
resolved so, within the time left (:func:`resolve`: a resolver that does not answer raises
:class:`TemporaryError`, ``unsent``, naming the host). Through an HTTP proxy, which resolves the
names itself, a checked name is resolved here all the same and refused when it resolves to a
less public address (:func:`check_through_proxy`); a name that does not resolve here is left
to the proxy with the literal checks (not covered: a proxy that resolves a name otherwise than
this machine does; such a proxy denies the inside addresses itself).

A ``timeout`` bounds each socket read, not a whole request: a server sending a byte now and
then keeps a call alive for as long as it likes. Inside ``with deadline(seconds):`` every
request made through :func:`new_session` (:func:`request` and the X client make theirs so)
ends by then: the socket is shut down when the deadline passes, whatever the phase (headers
or body), and the call raises :class:`TemporaryError` (not ``unsent``: the server may have
acted on it). The outbox gives each write to a network such a deadline; :func:`request`
gives every request one of its own (:func:`request_deadline`: :data:`READ_DEADLINE`), whatever
the session it is handed (a plain ``requests.Session`` gets the deadline's adapter). Long-lived
streams are opened outside any deadline and are never cut. Under TLS the connection's current
socket is shut down (the TLS socket's file descriptor), from the connection on, so connect,
TLS handshake, sending and the answer are all bounded.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import email.utils
import ipaddress
import json as jsonlib
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .base import (
    DEFAULT_TIMEOUT,
    MAX_RESPONSE_BYTES,
    AuthError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    TemporaryError,
    UnsafeAddressError,
    scrub_error,
)
from .util import install_log_filter, parse_datetime, remember_secrets, safe_url, short

_logger = logging.getLogger(__name__)

USER_AGENT = "SocialCRM-Odoo/19.0 (+connectors)"
RESET_HEADERS = ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset")
MAX_RESET = dt.timedelta(days=1)  # a rate-limit reset further away is read as one day
MAX_REDIRECTS = 5
READ_CHUNK = 8 * 1024  # a gzip chunk of 8 KB expands to at most ~8 MB before the check
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
#: seconds a whole request (connect, headers, body) may take at most, unless its caller gives
#: a longer timeout: a page of a poll is a few hundred KB a healthy API sends in seconds; a
#: minute leaves three default timeouts to a slow one while a server dripping a byte now and
#: then holds a poll cron a minute per request, not for ever (writes have the outbox's 30 s)
READ_DEADLINE = 60


# libraries that log requests, headers or answers at DEBUG
install_log_filter("urllib3.connectionpool", "requests_oauthlib", "oauthlib", "tweepy",
                   "tweepy.client")

ErrorHook = Callable[[requests.Response, Any], ConnectorError | None]


# --- a wall-clock deadline for whole requests -------------------------------------------------
class Deadline:
    """When the requests made inside ``with deadline(seconds):`` must have ended."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.expired_at: float | None = None
        self._timers: list[threading.Timer] = []
        self._watched: list = []  # the connections watched (by identity)
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    def watch(self, conn) -> None:
        """Shut the socket of ``conn`` (an urllib3 connection) down when the deadline passes:
        a read or write blocked on it then ends. Its socket is looked up then: under TLS it
        is the TLS socket, which took over the plain one's file descriptor."""
        with self._lock:
            if any(watched is conn for watched in self._watched):
                return
            self._watched.append(conn)
            timer = threading.Timer(self.remaining(), self._cut, (conn,))
            timer.daemon = True
            self._timers.append(timer)
        timer.start()

    def _cut(self, conn) -> None:
        self.expired_at = time.monotonic()
        self.expired = True
        # while connecting, ``conn.sock`` is the plain socket, which the TLS handshake's
        # socket took over (detached): ``_deadline_sock`` is a duplicate of it for that time
        for sock in (getattr(conn, "_deadline_sock", None), getattr(conn, "sock", None)):
            if sock is None:
                continue
            with contextlib.suppress(OSError, ValueError):
                # the plain socket's shutdown (also under TLS, where SSLSocket.shutdown would
                # first unwrap): the blocked thread gets EOF
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        self._watched = []


_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "social_crm_http_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float):
    """Every request made inside ends within ``seconds`` (an outer, earlier deadline holds)."""
    outer = _DEADLINE.get()
    if outer is not None and outer.at <= time.monotonic() + seconds:
        yield outer
        return
    limit = Deadline(seconds)
    token = _DEADLINE.set(limit)
    try:
        yield limit
    finally:
        _DEADLINE.reset(token)
        limit.close()


def read_timeout(timeout: float | None) -> float:
    """``timeout`` (per socket read), at most the time left before the current deadline;
    :class:`TemporaryError` (``unsent``) when it has passed before the request is sent."""
    timeout = timeout or DEFAULT_TIMEOUT
    limit = _DEADLINE.get()
    if limit is None:
        return timeout
    left = limit.remaining()
    if left <= 0:
        limit.expired = True
        raise TemporaryError(f"no time left to send the request (deadline of "
                             f"{limit.seconds:g}s passed)", unsent=True)
    return min(timeout, left)


def deadline_error(network: str, what: str) -> TemporaryError | None:
    """The error of a request the current deadline cut short (None when it did not)."""
    limit = _DEADLINE.get()
    if limit is None or not limit.expired:
        return None
    return TemporaryError(f"{network}: {what} did not finish within {limit.seconds:g}s (the "
                          "network answered too slowly)")


@contextlib.contextmanager
def late_as_error(network: str, what: str):
    """A request the current deadline cut short raises :func:`deadline_error`'s error (also
    one whose body merely ended: a body read until the connection closes looks complete)."""
    try:
        yield
        finished = time.monotonic()
        limit = _DEADLINE.get()
        if limit is not None and limit.expired_at is not None and limit.expired_at <= finished:
            raise deadline_error(network, what)
    except (requests.RequestException, ConnectorError) as exc:
        # an error raised before anything was sent (a name that did not resolve in time)
        # says so, also when the deadline's timer fired meanwhile
        unsent = isinstance(exc, TemporaryError) and exc.unsent
        late = None if unsent else deadline_error(network, what)
        if late is not None:
            raise late from None
        if isinstance(exc, TemporaryError) and not str(exc).startswith(network):
            raise TemporaryError(f"{network}: {what}: {exc}", unsent=exc.unsent) from None
        raise


def request_deadline(timeout: float | None) -> float:
    """Seconds a whole request with this per-read ``timeout`` may take: ten timeouts, at
    most :data:`READ_DEADLINE`, never less than one timeout."""
    timeout = timeout or DEFAULT_TIMEOUT
    return max(min(10 * timeout, READ_DEADLINE), timeout)


# --- how public an address is ------------------------------------------------------------------
LOCAL, PRIVATE, PUBLIC = 0, 1, 2
LEVEL_NAMES = {LOCAL: "local (loopback or link-local)", PRIVATE: "private-network",
               PUBLIC: "public"}
_PRIVATE_SUFFIXES = (".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp")
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}")


def address_level(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int:
    """:data:`PUBLIC`, :data:`PRIVATE` or :data:`LOCAL` (loopback, link-local such as the
    cloud metadata address, unspecified, multicast) of an IP address."""
    mapped = getattr(address, "ipv4_mapped", None) or getattr(address, "sixtofour", None)
    if mapped is not None:
        address = mapped
    if address.is_loopback or address.is_link_local or address.is_unspecified \
            or address.is_multicast:
        return LOCAL
    return PUBLIC if address.is_global else PRIVATE


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host literal names (also ``127.1``, ``2130706433``, ``0x7f.1``, which
    the resolver reads as IPv4), else None (a name)."""
    host = host.strip("[]").rstrip(".").lower().split("%")[0]
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host)
    if _NUMERIC_HOST.fullmatch(host):
        with contextlib.suppress(OSError):
            return ipaddress.IPv4Address(socket.inet_aton(host))
    return None


def host_level(host: str | None) -> int:
    """How public a host is by its name or address literal (no DNS look-up)."""
    host = (host or "").strip("[]").rstrip(".").lower()
    address = host_address(host)
    if address is not None:
        return address_level(address)
    if not host or host == "localhost" or host.endswith(".localhost"):
        return LOCAL
    if "." not in host or host.endswith(_PRIVATE_SUFFIXES):
        return PRIVATE
    return PUBLIC


def url_level(url: str) -> int:
    try:
        return host_level(urlsplit(url).hostname)
    except ValueError:
        return LOCAL


class _Floor:
    """The least public address a connection may go to, and what to say when it does not."""

    def __init__(self, level: int, network: str, asked: str, why: str):
        self.level, self.network, self.asked, self.why = level, network, asked, why

    def check(self, host: str, address: str) -> None:
        level = address_level(ipaddress.ip_address(address.split("%")[0]))
        if level < self.level:
            raise UnsafeAddressError(
                f"{self.network}: {host} resolves to {address}, a {LEVEL_NAMES[level]} "
                f"address, {self.why}; not connected")


_FLOOR: contextvars.ContextVar[_Floor | None] = contextvars.ContextVar(
    "social_crm_http_address_floor", default=None)


def resolve(host: str, port: int | None) -> list:
    """``socket.getaddrinfo(host, port)`` (TCP) within the current :func:`deadline`: the
    resolver's own time-out and retries can exceed it. A name that does not resolve by then
    raises :class:`TemporaryError` (``unsent``: nothing reached the server) naming the host;
    the look-up goes on in its thread until the resolver gives up (its answer unused)."""
    limit = _DEADLINE.get()
    if limit is None or host_address(host) is not None:  # an address literal: no look-up
        return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    left = limit.remaining()
    answer: dict[str, Any] = {}

    def look_up():
        try:
            answer["found"] = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except Exception as exc:  # handed to the caller's thread
            answer["error"] = exc

    if left > 0:
        thread = threading.Thread(target=look_up, name="social_crm_dns", daemon=True)
        thread.start()
        thread.join(left)
    if "error" in answer:
        raise answer["error"]
    if "found" not in answer:
        raise TemporaryError(
            f"the name {short(host, limit=100)} did not resolve within the deadline of "
            f"{limit.seconds:g}s (DNS did not answer); not sent", unsent=True)
    return answer["found"]


class _DeadlineConnectionMixin:
    """Follows the current :func:`deadline` (its socket is shut down when it passes) and the
    current address floor (the name is resolved here, checked, and the checked address is
    the one connected to)."""

    def _watch(self):
        limit = _DEADLINE.get()
        if limit is not None:
            limit.watch(self)

    _deadline_sock = None

    def connect(self):
        self._watch()
        try:
            return super().connect()
        finally:
            held, self._deadline_sock = self._deadline_sock, None
            if held is not None:
                held.close()

    def request(self, *args, **kwargs):
        self._watch()
        floor = _FLOOR.get()
        if floor is not None and self.sock is not None and getattr(self, "proxy", None) is None:
            peer = None
            with contextlib.suppress(OSError, IndexError, TypeError):  # a reused connection
                peer = self.sock.getpeername()[0]
            if peer:
                floor.check(self.host, peer)
        return super().request(*args, **kwargs)

    def getresponse(self):
        self._watch()
        return super().getresponse()

    def _new_conn(self):
        host, addresses = self._dns_host, [None]
        floor = _FLOOR.get() if getattr(self, "proxy", None) is None else None
        if floor is not None or _DEADLINE.get() is not None:
            # the name is resolved here: within the deadline, and checked against the floor
            try:
                found = resolve(host, self.port)
            except OSError as exc:  # the name does not resolve: the request was not sent
                raise NewConnectionError(self, f"Failed to resolve '{host}' ({exc})") from None
            if found:
                addresses = list(dict.fromkeys(info[4][0] for info in found))
            for address in addresses if floor is not None and found else ():
                floor.check(host, address)  # a mixed answer is refused whole
        error = None
        for address in addresses:  # the checked addresses only: no second look-up
            self._dns_host = address or host
            try:
                sock = super()._new_conn()
            except (NewConnectionError, ConnectTimeoutError) as exc:
                error = exc
                continue
            finally:
                self._dns_host = host
            if _DEADLINE.get() is not None:
                # the TLS handshake detaches ``sock``: a duplicate lets the deadline cut it
                self._deadline_sock = sock.dup()
            return sock
        raise error


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, HTTPSConnection):
    pass


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """``requests``' adapter whose connections follow the current :func:`deadline`."""

    POOLS = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self.POOLS)
        return result

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if urlsplit(proxy).scheme.lower() in ("http", "https"):
            manager.pool_classes_by_scheme = dict(self.POOLS)
        return manager


def new_session() -> requests.Session:
    """A ``requests`` session whose requests follow the current :func:`deadline`."""
    session = requests.Session()
    adapter = DeadlineAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def deadline_session(session: requests.Session | None) -> requests.Session:
    """``session`` following the current :func:`deadline` and address checks: a plain
    ``requests.Session`` (a connector's own) gets the deadline's adapter in place of the
    default one; a session with adapters of its own is left as it is."""
    if session is None:
        return new_session()
    adapters = getattr(session, "adapters", None)
    if isinstance(session, requests.Session) and isinstance(adapters, dict):
        for prefix in ("http://", "https://"):
            if type(adapters.get(prefix)) is HTTPAdapter:
                session.mount(prefix, DeadlineAdapter())
    return session


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _bounded_reset(value: dt.datetime, now: dt.datetime) -> dt.datetime:
    return min(value, now + MAX_RESET)


def _seconds_reset(number: float, now: dt.datetime) -> dt.datetime:
    """Reset time of a number of seconds (delta) or of epoch seconds (> 1e9), at most
    :data:`MAX_RESET` from now."""
    if not math.isfinite(number):
        return now + MAX_RESET
    if number > 1e9:  # epoch seconds (X, Bluesky)
        latest = now + MAX_RESET
        if number >= latest.timestamp():
            return latest
        return dt.datetime.fromtimestamp(number, tz=dt.UTC)
    number = min(max(number, 0), MAX_RESET.total_seconds())
    return now + dt.timedelta(seconds=number)


def parse_reset(headers: Mapping[str, str], now: dt.datetime | None = None) -> dt.datetime | None:
    """When a rate limit resets, from the usual response headers, or None.

    Always between ``now`` and ``now + MAX_RESET`` (a hostile header cannot park a source
    for ever, nor make the arithmetic overflow).
    """
    now = now or now_utc()
    for name in RESET_HEADERS:
        value = headers.get(name)
        if not value or not isinstance(value, str):
            continue
        value = value.strip()[:100]
        try:
            number = float(value)
        except ValueError:
            try:  # Mastodon: ISO 8601 time
                return _bounded_reset(parse_datetime(value, name), now)
            except MalformedResponseError:
                continue
        return _seconds_reset(number, now)  # IETF draft: delta seconds
    retry_after = headers.get("retry-after")
    if retry_after and isinstance(retry_after, str):
        retry_after = retry_after.strip()[:100]
        if retry_after.isdigit():
            return _seconds_reset(float(retry_after), now)
        try:
            parsed = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None:
            try:
                parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
                return _bounded_reset(parsed.astimezone(dt.UTC), now)
            except (OverflowError, ValueError):
                return now + MAX_RESET
    return None


def same_host(url: str, base: str) -> bool:
    """Whether ``url`` is on the scheme, host and port of ``base``."""
    try:
        one, two = urlsplit(url), urlsplit(base)
        return (one.scheme.lower(), one.hostname, one.port) == (
            two.scheme.lower(), two.hostname, two.port)
    except ValueError:
        return False


def check_same_host(url: Any, base: str, network: str, what: str = "the next page link") -> str:
    """``url`` when it is an http(s) URL on ``base``'s host, else MalformedResponseError:
    a paging link never takes credentials (nor the server's requests) to another host."""
    if not isinstance(url, str) or not same_host(url, base):
        where = urlsplit(url).netloc if isinstance(url, str) and "://" in url else "?"
        raise MalformedResponseError(
            f"{network}: {what} points to another host ({short(where, limit=80)}), not "
            f"{urlsplit(base).netloc}; not followed")
    return url


def public_origin(url: Any) -> str | None:
    """``https://host[:port]`` of ``url`` when it names a public web host over https (a
    domain name with a dot, or a global IP address), else None: an address taken from a
    network's data (a post's URL, a DID document) never sends the server's requests to the
    loopback, a private network or a bare name. Ask it with ``request(..., public_only=True)``:
    the name must then also resolve to public addresses."""
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        host, port = (parts.hostname, parts.port) if parts else (None, None)
    except ValueError:
        return None
    if not parts or parts.scheme.lower() != "https" or not host or parts.username:
        return None
    host = host.rstrip(".").lower()
    if host_level(host) != PUBLIC:
        return None
    address = host_address(host)
    shown = f"[{host}]" if address is not None and address.version == 6 else host
    return f"https://{shown}" + (f":{port}" if port and port != 443 else "")


def _api_message(response: requests.Response, body: Any) -> str:
    """The network's own error text, if the body has one."""
    if isinstance(body, dict):
        for key in ("error_description", "message", "detail", "error", "title"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value:
                return value
    return response.reason or ""


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def error_for_response(
    response: requests.Response, network: str, secrets: Iterable[str | None] = (),
) -> ConnectorError | None:
    """Typed error for a non-2xx response (None for 2xx)."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    secrets = tuple(secrets)
    body = _body(response)
    where = f"{network}: {response.request.method if response.request else ''} " \
            f"{safe_url(response.url)}".rstrip()
    detail = short(_api_message(response, body), secrets, 200)
    text = f"{where} answered HTTP {status}" + (f" ({detail})" if detail else "")
    if status in (401, 403):
        return AuthError(f"{text}: the credentials are missing, wrong, expired or revoked",
                         status=status)
    if status == 429:
        reset_at = parse_reset(response.headers)
        return RateLimitError(f"{text}: rate limited" + (
            f" until {reset_at.isoformat()}" if reset_at else ""), reset_at=reset_at)
    if status >= 500:
        return TemporaryError(f"{text}: server error, will retry", status=status)
    return ConnectorError(text, status=status)


#: ``requests`` errors of an answer that broke off after the request was sent (a chunk cut
#: short, a body that cannot be decoded): temporary, and the server may have acted on it
ANSWER_CUT_OFF = (requests.exceptions.ChunkedEncodingError,
                  requests.exceptions.ContentDecodingError)


def never_sent(exc: BaseException) -> bool:
    """Whether a ``requests`` error happened before the request reached the server: no
    connection could be opened (refused, host name not resolved, connect time-out). A read
    time-out or a connection lost later may follow a request the server acted on."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def request(
    session: requests.Session | None,
    method: str,
    url: str,
    *,
    network: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    data: Any = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    error_hook: ErrorHook | None = None,
    ok_status: Iterable[int] = (),
    max_bytes: int | None = MAX_RESPONSE_BYTES,
    public_only: bool = False,
) -> requests.Response:
    """Send one request; return the response or raise a typed, scrubbed ConnectorError.

    ``secrets``: values to strike from every message (tokens...). ``error_hook(response,
    json_body_or_None)`` may return a network-specific error for a non-2xx answer (or for a
    2xx answer carrying an error body); ``ok_status``: extra statuses returned as is (304...).
    ``public_only``: ``url`` came from a network's data; every address connected to must be
    public (:class:`~.base.UnsafeAddressError`). The whole request ends within
    :func:`request_deadline` (or the caller's earlier :func:`deadline`).
    """
    secrets = tuple(s for s in secrets if s)
    remember_secrets(*secrets)
    session = deadline_session(session)
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    all_headers.update(headers or {})
    try:
        # a whole request ends by request_deadline() (or the caller's earlier deadline)
        with deadline(request_deadline(timeout)), late_as_error(
                network, f"{method} {safe_url(url)}"):
            response = _send(session, method, url, params=params, data=data, json=json,
                             headers=all_headers, timeout=read_timeout(timeout),
                             network=network, credentials=bool(secrets),
                             public_only=public_only)
            read_body(response, network, max_bytes, timeout or DEFAULT_TIMEOUT)
    except requests.Timeout as exc:
        raise TemporaryError(
            f"{network}: {method} {safe_url(url)} timed out after {timeout or DEFAULT_TIMEOUT}s",
            unsent=never_sent(exc),
        ) from None
    except requests.ConnectionError as exc:
        raise TemporaryError(
            f"{network}: could not connect for {method} {safe_url(url)} "
            f"({short(type(exc).__name__)})",
            unsent=never_sent(exc),
        ) from None
    except ANSWER_CUT_OFF as exc:
        # the request reached the server, its answer broke off: it may have been acted on
        raise TemporaryError(
            f"{network}: the answer to {method} {safe_url(url)} was cut off "
            f"({short(type(exc).__name__)})"
        ) from None
    except requests.RequestException as exc:
        raise ConnectorError(
            f"{network}: {method} {safe_url(url)} failed: {short(exc, secrets, 200)}"
        ) from None
    except ConnectorError as exc:
        raise scrub_error(exc, secrets) from None
    if response.status_code in set(ok_status):
        return response
    if error_hook is not None and (response.status_code >= 400 or _looks_like_error(response)):
        error = error_hook(response, _body(response))
        if error is not None:
            raise scrub_error(error, secrets)
    error = error_for_response(response, network, secrets)
    if error is not None:
        raise error
    return response


def _hop_floor(url: str, first: str, network: str, public_only: bool) -> _Floor | None:
    """The address check of one hop: every hop of a ``public_only`` request must resolve to
    public addresses; a hop to another host than the one asked, to addresses as public as
    the one asked (by its literal); the host asked itself (the company's) is not checked."""
    asked = urlsplit(first).netloc
    if public_only:
        return _Floor(PUBLIC, network, asked, f"and {asked} came from the network's data")
    if same_host(url, first):
        return None
    level = url_level(first)
    return _Floor(level, network, asked, f"less public than {asked} ({LEVEL_NAMES[level]}) "
                  "which redirected there") if level > LOCAL else None


def _send(session, method: str, url: str, *, headers: dict, network: str, credentials: bool,
          public_only: bool = False, **kwargs) -> requests.Response:
    """``session.request`` with the body streamed and redirects followed by hand: GET only,
    at most :data:`MAX_REDIRECTS`, http(s) only, a request with credentials (secrets given
    or an ``Authorization`` header) never leaves the host it was sent to, and no hop goes to
    an address less public than the one asked (see the module's docstring)."""
    credentials = credentials or any(k.lower() in AUTH_HEADERS for k in headers)
    first = url
    if public_only and url_level(first) != PUBLIC:
        raise UnsafeAddressError(f"{network}: {safe_url(first)} is no public address; not "
                                 "asked")
    for _hop in range(MAX_REDIRECTS + 1):
        floor = _hop_floor(url, first, network, public_only)
        if floor is not None and proxy_for(session, url):
            check_through_proxy(url, floor)
        token = _FLOOR.set(floor)
        try:
            response = session.request(method, url, headers=headers, stream=True,
                                       allow_redirects=False, **kwargs)
        finally:
            _FLOOR.reset(token)
        if not response.is_redirect or method.upper() not in ("GET", "HEAD"):
            return response
        location = urljoin(response.url or url, response.headers.get("location", ""))
        response.close()
        if urlsplit(location).scheme.lower() not in ("http", "https"):
            raise ConnectorError(f"{network}: {safe_url(first)} redirected to a non-web address")
        if credentials and not same_host(location, first):
            raise ConnectorError(
                f"{network}: {safe_url(first)} redirected to another host "
                f"({urlsplit(location).netloc}); not followed, so that the credentials stay "
                f"on {urlsplit(first).netloc}")
        if url_level(location) < max(url_level(first), PUBLIC if public_only else LOCAL):
            raise UnsafeAddressError(
                f"{network}: {urlsplit(first).netloc} redirected to "
                f"{urlsplit(location).netloc}, a {LEVEL_NAMES[url_level(location)]} address "
                f"less public than the one asked ({LEVEL_NAMES[url_level(first)]}); not "
                "followed")
        url = location
        kwargs["params"] = None  # the location carries the query
    raise ConnectorError(f"{network}: {safe_url(first)} redirected more than "
                         f"{MAX_REDIRECTS} times")


def proxy_for(session, url: str) -> str | None:
    """The proxy ``session`` sends a request to ``url`` through (its own or the
    environment's ``HTTPS_PROXY``..., as ``requests`` picks it), or None."""
    if not isinstance(session, requests.Session):
        return None
    try:
        proxies = session.merge_environment_settings(url, {}, None, None, None)["proxies"]
        return requests.utils.select_proxy(url, proxies) or None
    except (ValueError, TypeError, KeyError):
        return None


def check_through_proxy(url: str, floor: _Floor) -> None:
    """Through a proxy, the proxy resolves the name and connects: the address connected to
    is not seen here. The name is resolved here all the same (within the deadline) and
    refused when it resolves to an address below ``floor`` (a name of the company's own
    network, or one a hostile DNS points inside); a name that does not resolve here (a
    machine that reaches the outside through the proxy only) is left to the proxy, with the
    checks of the address as written."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if not host or host_address(host) is not None:
        return  # an address literal: checked as written (url_level)
    try:
        found = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        return
    for address in dict.fromkeys(info[4][0] for info in found):
        floor.check(host, address)


def read_body(response: requests.Response, network: str,
              max_bytes: int | None = MAX_RESPONSE_BYTES,
              timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
    """Read a streamed body into ``response.content``, refusing it past ``max_bytes`` as
    received (``Content-Length``, bytes on the wire) and as expanded (gzip, deflate...), and
    past a total read time of ten timeouts (a server dripping one byte a second)."""
    if getattr(response, "_content", False) is not False:  # already read (or a canned answer)
        content = response._content or b""
        if len(content) > (max_bytes or MAX_RESPONSE_BYTES):
            raise MalformedResponseError(
                f"{network}: {safe_url(response.url)} answered more than "
                f"{max_bytes or MAX_RESPONSE_BYTES:,} bytes; refused", status=response.status_code)
        return content
    max_bytes = max_bytes or MAX_RESPONSE_BYTES
    where = f"{network}: {safe_url(response.url)}"

    def refuse(what):
        response.close()
        return MalformedResponseError(
            f"{where} answered more than {max_bytes:,} bytes ({what}); refused", status=
            response.status_code)

    length = response.headers.get("content-length", "")
    if isinstance(length, str) and length.strip().isdigit() and int(length) > max_bytes:
        raise refuse("Content-Length")
    deadline = time.monotonic() + 10 * (timeout or DEFAULT_TIMEOUT)
    chunks, size = [], 0
    raw = response.raw
    for chunk in response.iter_content(READ_CHUNK):
        size += len(chunk)
        received = raw.tell() if hasattr(raw, "tell") else 0
        if size > max_bytes:
            raise refuse("expanded")
        if received > max_bytes:
            raise refuse("received")
        if time.monotonic() > deadline:
            response.close()
            raise TemporaryError(f"{where} took too long to send its answer")
        chunks.append(chunk)
    response._content = b"".join(chunks)
    response._content_consumed = True
    return response._content


def _looks_like_error(response: requests.Response) -> bool:
    return b'"error"' in (response.content[:200] if response.content else b"")



def decode_json(response: requests.Response, network: str, expect: type | tuple = dict) -> Any:
    """The JSON body, of type ``expect``, or MalformedResponseError."""
    try:
        body = jsonlib.loads(response.content or b"")
    except RecursionError:
        raise MalformedResponseError(
            f"{network}: {safe_url(response.url)} answered JSON nested too deeply",
            status=response.status_code) from None
    except ValueError:
        raise MalformedResponseError(
            f"{network}: {safe_url(response.url)} did not answer JSON "
            f"(HTTP {response.status_code}, "
            f"{short(response.headers.get('content-type', '?'), limit=60)})",
            status=response.status_code,
        ) from None
    if expect is not None and not isinstance(body, expect):
        raise MalformedResponseError(
            f"{network}: {safe_url(response.url)} answered JSON of an unexpected shape "
            f"({type(body).__name__})", status=response.status_code,
        )
    return body


def request_json(session, method, url, *, network, expect: type | tuple = dict, **kwargs) -> Any:
    """:func:`request` then :func:`decode_json`; returns ``(body, response)``."""
    response = request(session, method, url, network=network, **kwargs)
    return decode_json(response, network, expect), response
