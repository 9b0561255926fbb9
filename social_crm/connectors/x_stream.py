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

import dataclasses
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import requests
import tweepy

from . import http, x
from .base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    TemporaryError,
)
from .events import RawEvent
from .util import expect_dict, expect_list, id_key, max_id, scrub, text_of

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
SEARCH_WINDOW = dt.timedelta(days=7)  # what X's recent search covers
CATCH_UP_PAGES = 10  # of 100 tweets: at most 1,000 tweets caught up per source and connect


class RuleRefused(ConfigurationError):
    """X refused a source's rule; :attr:`detail` holds X's own words (quoted to users)."""

    def __init__(self, value: str, detail: str):
        super().__init__(f"x: X refused the stream rule: {detail or repr(value)}")
        self.value = value
        self.detail = detail or ""


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
    error = _typed_http_error(status, what, suffix)
    error.detail = detail
    return error


def _typed_http_error(status: int, what: str, suffix: str) -> ConnectorError:
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
    """One call of the rules' API; the whole call (connect, answer, body) ends by
    :func:`~.http.request_deadline` (or the caller's earlier deadline), as every request
    through :func:`~.http.request`: a server dripping its answer does not hold the listener
    or the source form's dry run."""
    session = http.deadline_session(session)
    headers = _headers(bearer)
    with http.deadline(http.request_deadline(timeout)), http.late_as_error("x", what):
        try:
            response = session.request(method, url, headers=headers,
                                       timeout=http.read_timeout(timeout),
                                       allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise TemporaryError(f"x: {what} timed out") from None
        except requests.RequestException as exc:
            raise TemporaryError(
                f"x: {what}: could not connect ({type(exc).__name__})") from None
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
            raise RuleRefused(value, _rule_errors(answer))
    if stale and not dry_run:
        _call(session, "POST", RULES_URL, bearer, "deleting the former stream rule", timeout,
              json={"delete": {"ids": stale}})
    return {"added": [value] if missing else [], "deleted": [] if dry_run else stale}


def prune_rules(bearer: str, prefix: str, keep: Iterable[str] = (), *,
                only: Iterable[str] | None = None, session: requests.Session | None = None,
                timeout: float = 20.0) -> list[str]:
    """Delete the app's rules whose tag starts with ``prefix`` (this database's sources,
    :func:`rule_tag`) and is not in ``keep`` (its active stream sources on this app), or
    with ``only`` just the rules of these tags; rules of other databases, of other tags and
    of other apps are left alone. Returns the ids deleted."""
    session = session or requests.Session()
    keep = set(keep)
    only = set(only) if only is not None else None
    body = _call(session, "GET", RULES_URL, bearer, "stream rules", timeout)
    stale = [
        text_of(r.get("id")) for r in body.get("data") or []
        if isinstance(r, dict) and r.get("id") and text_of(r.get("tag")).startswith(prefix)
        and text_of(r.get("tag")) not in keep
        and (only is None or text_of(r.get("tag")) in only)
    ]
    if stale:
        _call(session, "POST", RULES_URL, bearer, "deleting stream rules", timeout,
              json={"delete": {"ids": stale}})
    return stale


# --- catch-up after a reconnect (recent search) -----------------------------------------------
def search_events(body: Any) -> list[RawEvent]:
    """The tweets of one recent-search answer as the stream delivers them: one event per
    tweet, keyed as a stream line (the stream and the catch-up store a tweet once), its
    payload ``{"data": tweet, "includes": {"users": [...], "tweets": [...]}}`` with the
    includes the tweet refers to (its author and counts, mentioned and referenced)."""
    body = expect_dict(body, "the answer", x.NETWORK)
    includes = expect_dict(body.get("includes") or {}, "includes", x.NETWORK)
    users = {text_of(u.get("id")): u for u in expect_list(includes.get("users"),
                                                          "includes.users", x.NETWORK)
             if isinstance(u, dict) and text_of(u.get("id"))}
    tweets = {text_of(t.get("id")): t for t in expect_list(includes.get("tweets"),
                                                           "includes.tweets", x.NETWORK)
              if isinstance(t, dict) and text_of(t.get("id"))}
    events = []
    for tweet in expect_list(body.get("data"), "data", x.NETWORK):
        tweet_id = text_of(tweet.get("id")) if isinstance(tweet, dict) else ""
        if not tweet_id:
            raise MalformedResponseError("x: a recent-search tweet without 'id'")
        refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)]
        referenced = [tweets[text_of(r.get("id"))] for r in refs if text_of(r.get("id")) in tweets]
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        mentions = [m for m in entities.get("mentions") or [] if isinstance(m, dict)]
        user_ids = dict.fromkeys(text_of(i) for i in (
            tweet.get("author_id"), tweet.get("in_reply_to_user_id"),
            *(t.get("author_id") for t in referenced), *(m.get("id") for m in mentions)))
        line = {"data": tweet, "includes": {
            "users": [users[i] for i in user_ids if i in users],
            **({"tweets": referenced} if referenced else {})}}
        events.append(RawEvent(KIND, KEY_PREFIX + tweet_id, line, cursor=tweet_id))
    return events


def _page(pages: Iterator, secrets: tuple[str, ...]) -> Any:
    """The next answer of a tweepy paginator; X's refusal typed (``status``, ``detail``: X's
    own words)."""
    detail = ""
    try:
        with x.translate_errors(secrets, "catch-up search"):
            try:
                return next(pages)
            except tweepy.HTTPException as exc:
                detail = scrub("; ".join(str(m) for m in exc.api_messages), secrets)[:200]
                raise
            except (AttributeError, TypeError, RuntimeError):  # tweepy: not an object
                raise MalformedResponseError("x: catch-up search: the answer is not an "
                                             "object") from None
    except ConnectorError as error:
        error.detail = detail
        if error.status is None and isinstance(error, RateLimitError):
            error.status = 429
        raise


def catch_up(bearer: str, query: str, *, since_id: str | None = None,
             start_time: dt.datetime | None = None, now: dt.datetime | None = None,
             max_pages: int = CATCH_UP_PAGES, session: requests.Session | None = None,
             timeout: float = 20.0) -> tuple[list[RawEvent], bool]:
    """What the stream missed while it was not connected: the tweets X's recent search finds
    for the rule ``query`` after ``since_id`` (the newest tweet stored) or, without one,
    after ``start_time`` (the last time the source was connected), newest first, with the
    stream's fields and expansions; through the polling connector's tweepy client. Returns
    ``(events, complete)``: ``complete`` is False when ``max_pages`` cut the paging (the
    oldest missed tweets stay missing). A ``since_id`` older than the search window of 7
    days is replaced by the window's start. Nothing to ask (no ``since_id``, no
    ``start_time``: a new source) gives ``([], True)``."""
    now = now or dt.datetime.now(dt.UTC)
    oldest = now - SEARCH_WINDOW + dt.timedelta(minutes=1)
    params = {"expansions": x.EXPANSIONS, "tweet_fields": x.TWEET_FIELDS,
              "user_fields": x.USER_FIELDS, "max_results": 100}
    if since_id:
        params["since_id"] = since_id
    elif start_time:
        start = max(start_time, oldest)
        if start > now - dt.timedelta(seconds=10):  # X: at least 10 s before the request
            return [], True
        params["start_time"] = start
    else:
        return [], True
    client = x.make_client({"bearer_token": bearer}, timeout=timeout, session=session)
    secrets = (bearer,)
    pages = iter(tweepy.Paginator(client.search_recent_tweets, query, limit=max_pages,
                                  **params))
    events, count = [], 0
    while True:
        try:
            body = _page(pages, secrets)
        except StopIteration:
            return events, True
        except ConnectorError as error:
            if count or "since_id" not in params or error.status != 400 \
                    or "since_id" not in getattr(error, "detail", ""):
                raise
            _logger.info("x: catch-up since_id %s is older than the search window", since_id)
            params.pop("since_id")
            params["start_time"] = oldest
            pages = iter(tweepy.Paginator(client.search_recent_tweets, query,
                                          limit=max_pages, **params))
            continue
        count += 1
        events.extend(search_events(body))
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        if not meta.get("next_token"):
            return events, True
        if count >= max_pages:
            return events, False


def newest_id(events: Iterable[RawEvent]) -> str | None:
    """The newest tweet id of ``events`` (None for none)."""
    return max_id(*(e.cursor for e in events if e.cursor))


#: X's ids are snowflakes: milliseconds since this epoch (UTC), shifted by 22 bits
SNOWFLAKE_EPOCH_MS = 1288834974657


def tweet_time(tweet_id: str | None) -> dt.datetime | None:
    """When a tweet was published, read from its id (a snowflake; aware UTC; None for an id
    that is no snowflake)."""
    if not tweet_id or not str(tweet_id).isdigit() or int(tweet_id) < 1 << 22:
        return None
    return dt.datetime.fromtimestamp(((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000,
                                     tz=dt.UTC)


@dataclasses.dataclass(frozen=True)
class CatchUpGap:
    """A catch-up cut by :data:`CATCH_UP_PAGES`: ``count`` tweets fetched, the newest of the
    outage; the older ones published from ``since`` (when the outage began, as far as the
    search reaches back) to ``until`` (the oldest tweet fetched) were not."""

    count: int
    since: dt.datetime | None
    until: dt.datetime | None


def catch_up_gap(events: list[RawEvent], since_id: str | None, start_time: dt.datetime | None,
                 now: dt.datetime | None = None) -> CatchUpGap:
    """What a catch-up cut after :data:`CATCH_UP_PAGES` pages left out (``since_id`` /
    ``start_time``: where it was asked to start, as for :func:`catch_up`)."""
    now = now or dt.datetime.now(dt.UTC)
    since = tweet_time(since_id) if since_id else start_time
    if since is not None:
        since = max(since, now - SEARCH_WINDOW)
    oldest = min((e.cursor for e in events if e.cursor), key=id_key, default=None)
    return CatchUpGap(len(events), since, tweet_time(oldest))


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
            error = TemporaryError(f"x: the stream was disconnected by X ({detail[:200]})")
            error.detail = detail[:200]
            raise error
        if errors:
            words = "; ".join(text_of(e.get("detail") or e.get("title"))[:200] for e in errors)
            error = ConnectorError("x: the stream sent an error: " + words)
            error.detail = words[:300]
            raise error
        raise MalformedResponseError("x: a stream line without 'data'")
    rules = [r for r in line.get("matching_rules") or [] if isinstance(r, dict)]
    if tag and rules and not any(r.get("tag") == tag for r in rules):
        return None  # another source's rule
    tweet_id = text_of(data.get("id"))
    if not tweet_id:
        raise MalformedResponseError("x: a stream tweet without 'id'")
    # partial errors (an expansion that could not be filled) come with the data: kept
    return RawEvent(KIND, KEY_PREFIX + tweet_id, dict(line), cursor=tweet_id)


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
                error.detail = reason[:300]
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
