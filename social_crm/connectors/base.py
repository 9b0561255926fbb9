"""Plain data and typed errors shared by every network connector.

No ``odoo`` import here: connectors are plain Python, tested without a
database. A connector turns one network's API into :class:`Page` objects of
:class:`Post` objects; ingestion (``social.crm.post._ingest_posts``) stores them.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import functools
import hashlib
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 20  # seconds, for every HTTP request a connector makes

# --- bounds of what a connector hands on (see Post.__post_init__) ----------------------------
MAX_ID = 512  # external ids, handles, network codes: longer ids keep a prefix and a hash
MAX_NAME = 512  # display names
MAX_TEXT = 65_536  # post text (Facebook allows 63,206 characters, X long posts 25,000)
MAX_BIO = 10_000
MAX_URL = 2_048
MAX_COUNT = 2**31 - 1  # PostgreSQL integer
MAX_POST_COUNT = MAX_COUNT // 4  # a post's four counts are summed into another integer
MAX_MENTIONS = 200
MAX_RAW_DEPTH = 32
MAX_RAW_ITEMS = 1_000  # entries per list or object kept in ``raw``
FUTURE_SLACK = dt.timedelta(days=1)  # dates later than now + this are read as "now"
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # per HTTP answer, compressed and expanded
MAX_ITEMS_PER_ANSWER = 1_000  # items read from one answer; the rest is rejected with a reason

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,6}$")


def clean_str(value: Any, limit: int, *, multiline: bool = False,
              strip: bool | None = None) -> str | None:
    """``value`` as a bounded, storable string, or None.

    Numbers become text; other non-strings (objects, lists, booleans) are dropped. NUL and
    other control characters and lone surrogates are removed (line breaks and tabs stay in
    ``multiline`` text, elsewhere they become spaces); text over ``limit`` is cut with "…".
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = _BAD_CHARS.sub("", value)
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    if strip or (strip is None and not multiline):  # multiline text is kept as written
        value = value.strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value or None


def clean_id(value: Any) -> str | None:
    """An external id as a single-line string of at most :data:`MAX_ID` characters.

    A longer id (an RSS ``<guid>`` of 8 KB...) keeps a prefix and a SHA-256 of the whole id,
    so it stays unique and the same id maps to the same text at every poll.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = clean_str(value, 10**9)
    if text is None:
        return None
    if len(text) > MAX_ID:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        text = f"{text[: MAX_ID - len(digest) - 1]}~{digest}"
    return text


def clean_url(value: Any) -> str | None:
    """An http(s) URL with a host, of at most :data:`MAX_URL` characters; else None
    (``javascript:``, ``data:``, relative or garbage URLs are dropped)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_URL or _BAD_CHARS.search(value) or re.search(r"\s", value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return value


def clean_count(value: Any, default: int | None = 0) -> int | None:
    """A counter clamped to 0 .. 2^31-1; ``default`` when missing or not a number."""
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, float):
        if not math.isfinite(value):
            return default
        value = int(value)
    elif isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,30}", value):
            return default
        value = int(value)
    elif not isinstance(value, int):
        return default
    return min(max(value, 0), MAX_COUNT)


def clean_lang(value: Any) -> str | None:
    text = clean_str(value, 35)
    return text if text and _LANG.match(text) else None


def clean_ids(values: Any) -> tuple[str, ...]:
    """Unique cleaned ids, at most :data:`MAX_MENTIONS`."""
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, list | tuple | set | frozenset):
        return ()
    result: dict[str, None] = {}
    for value in values:
        value = clean_id(value)
        if value:
            result.setdefault(value, None)
            if len(result) >= MAX_MENTIONS:
                break
    return tuple(result)


def clean_json(value: Any, depth: int = 0) -> Any:
    """A JSON-storable copy of ``value``: strings cleaned and capped, no NaN, depth and
    breadth bounded (what lies deeper is replaced by the text "…")."""
    if depth > MAX_RAW_DEPTH:
        return "…"
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_str(value, MAX_TEXT, multiline=True, strip=False) or ""
    if isinstance(value, Mapping):
        return {
            (clean_str(key, MAX_NAME) or "?"): clean_json(item, depth + 1)
            for key, item in list(value.items())[:MAX_RAW_ITEMS]
        }
    if isinstance(value, list | tuple):
        return [clean_json(item, depth + 1) for item in value[:MAX_RAW_ITEMS]]
    return clean_str(str(value), MAX_NAME) or ""


def clean_datetime(value: Any, now: dt.datetime | None = None) -> dt.datetime:
    """Aware UTC datetime; a date later than tomorrow (a client clock or a hostile answer
    saying year 9999) is read as ``now``. Raises :class:`InvalidItemError` for non-dates."""
    if not isinstance(value, dt.datetime):
        raise InvalidItemError(f"the date is not a date ({type(value).__name__})")
    try:
        value = utc(value)
    except (OverflowError, ValueError):
        raise InvalidItemError(f"the date {value!r} is out of range") from None
    now = now or dt.datetime.now(dt.UTC)
    try:
        latest = now + FUTURE_SLACK
    except OverflowError:  # pragma: no cover - now is never year 9999
        latest = now
    return now if value > latest else value


# --- results ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Author:
    """One account on one network, as the network describes it."""

    network: str  # network code: x, mastodon, bluesky, facebook, rss, ...
    external_id: str  # the network's stable user id (for feeds: the author's name or uri)
    handle: str | None = None  # without leading "@"; Mastodon: user@instance
    display_name: str | None = None
    profile_url: str | None = None
    bio: str | None = None
    followers_count: int | None = None  # None: the network did not say
    following_count: int | None = None
    posts_count: int | None = None
    listed_count: int | None = None
    verified: bool = False
    # when the network's counts above were true (UTC, aware): the event's own time of a
    # webhook or stream item where the network documents one (X Account Activity
    # ``timestamp_ms``, Meta ``entry[].time``, Jetstream ``time_us``); None: now, as read
    # (a poll's answer). Ingestion never lets an older observation overwrite newer counts.
    observed_at: dt.datetime | None = None

    def __post_init__(self):
        """Typed, bounded, cleaned values (see :func:`clean_str` and friends); an author
        without a network or id raises :class:`InvalidItemError`."""
        put = functools.partial(object.__setattr__, self)
        put("network", clean_id(self.network))
        put("external_id", clean_id(self.external_id))
        if not self.network or not self.external_id:
            raise InvalidItemError("an author has no id")
        handle = clean_str(self.handle, MAX_ID)
        put("handle", handle.lstrip("@") or None if handle else None)
        put("display_name", clean_str(self.display_name, MAX_NAME))
        put("profile_url", clean_url(self.profile_url))
        put("bio", clean_str(self.bio, MAX_BIO, multiline=True))
        for name in ("followers_count", "following_count", "posts_count", "listed_count"):
            put(name, clean_count(getattr(self, name), None))
        put("verified", self.verified is True or self.verified == 1)
        if self.observed_at is not None:
            put("observed_at", clean_edited_at(self.observed_at))
        put("_checked", True)  # see ``services.ingest.checked``


@dataclasses.dataclass(frozen=True)
class Post:
    """One post, comment or mention."""

    network: str
    external_id: str  # unique per network
    text: str  # plain text, never HTML
    posted_at: dt.datetime  # timezone-aware, UTC
    author: Author | None = None  # None: deleted/suspended author or anonymous feed entry
    url: str | None = None
    lang: str | None = None
    in_reply_to_external_id: str | None = None
    conversation_external_id: str | None = None
    # None: the payload does not say (a webhook or stream item, a tagged post): ingestion then
    # keeps the counts a stored copy of the post has, and a new post starts at 0
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    # authors this post mentions or replies to (network user ids where known, else handles):
    # the edges of the mention/reply graph used for scoring
    mentioned_external_ids: tuple[str, ...] = ()
    mentioned_handles: tuple[str, ...] = ()
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the item as received
    # an edit of a post (UTC, aware): when the author last changed its text, as the network
    # says (Mastodon ``edited_at``, the time of a Jetstream ``update`` commit or of a Meta
    # ``edited`` change, the creation of an X edit's new version); None: not edited, or the
    # network did not say. Ingestion updates a stored post's text only with a newer edit.
    edited_at: dt.datetime | None = None
    # X: an edit is a new tweet whose ``edit_history_tweet_ids`` starts with the original
    # id; the post keeps the original id (``external_id``: one post, one ticket) and this is
    # the id of the version read
    version_external_id: str | None = None
    # Meta webhook: the page's own comment directly under a post (the webhook does not say
    # whose post): the company's answer when that post is stored as a customer's (a visitor's
    # post on the page, a post tagging it), else nobody's; the processing of webhook events
    # decides (``social.crm.event``) and stores it as any post or leaves it out
    own_top_level_comment: bool = False

    def __post_init__(self):
        """Typed, bounded, cleaned values, whichever path built the post (connector, replay,
        webhook...): ids and handles single-line and at most :data:`MAX_ID` characters, text
        without NUL / control characters / lone surrogates and at most :data:`MAX_TEXT`
        characters, http(s) URLs only, counts in 0..2^31-1 (a post's four counts in a
        quarter of that, as their sum is stored too; None stays None: not said), a real
        date (future ones read as now), ``raw`` JSON-storable. A post that cannot be stored
        (no id, no network, no date, an author that is not an :class:`Author`) raises
        :class:`InvalidItemError`: the connector puts it in :attr:`Page.rejected` with the
        reason."""
        put = functools.partial(object.__setattr__, self)
        put("network", clean_id(self.network))
        put("external_id", clean_id(self.external_id))
        if not self.network:
            raise InvalidItemError("a post has no network")
        if not self.external_id:
            raise InvalidItemError("a post has no id")
        if self.author is not None and not isinstance(self.author, Author):
            raise InvalidItemError("a post's author is not an author")
        put("text", clean_str(self.text, MAX_TEXT, multiline=True) or "")
        put("posted_at", clean_datetime(self.posted_at))
        put("url", clean_url(self.url))
        put("lang", clean_lang(self.lang))
        put("in_reply_to_external_id", clean_id(self.in_reply_to_external_id))
        put("conversation_external_id", clean_id(self.conversation_external_id))
        for name in ("like_count", "repost_count", "reply_count", "quote_count"):
            if getattr(self, name) is not None:
                put(name, min(clean_count(getattr(self, name), 0), MAX_POST_COUNT))
        put("mentioned_external_ids", clean_ids(self.mentioned_external_ids))
        put("mentioned_handles", tuple(
            h for h in (clean_str(v, MAX_ID) for v in clean_ids(self.mentioned_handles)) if h))
        put("raw", clean_json(self.raw) if isinstance(self.raw, Mapping) else {})
        put("edited_at", clean_edited_at(self.edited_at))
        put("version_external_id", clean_id(self.version_external_id))
        if self.version_external_id == self.external_id:
            put("version_external_id", None)
        put("own_top_level_comment", self.own_top_level_comment is True)
        put("_checked", True)  # see ``services.ingest.checked``


def observed(posts: list, when: Any) -> list:
    """``posts`` whose authors' counts are dated ``when`` (an event's time; aware UTC, an
    ISO 8601 text, or a naive UTC datetime), unless a connector dated them already."""
    if isinstance(when, dt.datetime) and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = clean_edited_at(when)
    if when is None:
        return posts
    return [
        dataclasses.replace(post, author=dataclasses.replace(post.author, observed_at=when))
        if post.author is not None and post.author.observed_at is None else post
        for post in posts
    ]


def clean_edited_at(value: Any) -> dt.datetime | None:
    """An edit's date as :attr:`Post.edited_at` holds it (aware UTC), or None: an ISO 8601
    text is read, anything else that is no date is None (an unreadable edit date never
    refuses the post: it is stored as not edited)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    try:
        return clean_datetime(value)
    except InvalidItemError:
        return None


@dataclasses.dataclass(frozen=True)
class Rejected:
    """An item of an answer that could not be read as a :class:`Post` (no id, a value that
    cannot be stored, beyond the per-answer cap...). Ingestion quarantines it with the
    reason, so nothing is lost and the cursor may move past it."""

    network: str
    reason: str  # a sentence saying what was wrong (never a secret)
    external_id: str | None = None  # when the item has a readable id
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the item as received

    def __post_init__(self):
        put = functools.partial(object.__setattr__, self)
        put("network", clean_id(self.network) or "?")
        put("reason", clean_str(self.reason, 1_000) or "?")
        put("external_id", clean_id(self.external_id))
        raw = self.raw if isinstance(self.raw, Mapping) else {"value": self.raw}
        put("raw", clean_json(raw))


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of results.

    ``cursor`` is the value the source may store once *this page and all pages before
    it* are stored; ``None`` means "do not move the cursor yet" (for example on the
    first pages of a newest-first search, whose new high-water mark may only be kept
    when the last page arrived). The stored cursor is thus never ahead of what was
    stored, and a poll that fails midway is simply repeated (ingestion dedupes).
    """

    posts: list[Post]
    cursor: str | None = None
    is_last: bool = False
    # items of this page that are no posts (see Rejected): to be quarantined with the page
    rejected: list[Rejected] = dataclasses.field(default_factory=list)
    # remarks on the page for the source's log (an answer split or cut by a cap...)
    notes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Deletion:
    """A network's word that a post was deleted by its author (a webhook or stream event):
    ``external_id`` is the id the connector gives the post (:attr:`Post.external_id`; on X
    the id of any version of an edited tweet), ``deleted_at`` when, if the network says.
    ``with_replies``: the network deletes the post's comments and their replies with it
    (Facebook), where replies elsewhere stay (X, Mastodon, Bluesky). ``why``: why the
    network removed it, where it says (one of :data:`REMOVED_WHY`; "": not said)."""

    network: str
    external_id: str
    deleted_at: dt.datetime | None = None
    author_external_id: str | None = None
    with_replies: bool = False
    why: str = ""


#: why a network removed a post (``Deletion.why``): its author deleted it, the host took it
#: down (Bluesky: the author's PDS), or its author's account was suspended, made private or
#: deactivated (X compliance)
REMOVED_WHY = ("author", "taken_down", "suspended", "protected", "deactivated")


@dataclasses.dataclass(frozen=True)
class ReplyResult:
    external_id: str
    url: str | None = None


@dataclasses.dataclass(frozen=True)
class SourceConfig:
    """What a source listens to. Built by ``social.crm.source`` from its fields."""

    kind: str  # search | mentions | hashtag | page | feed | replay
    query: str = ""  # search query, hashtag, feed url, page id, replay file path...
    keywords: tuple[str, ...] = ()  # feeds: only entries mentioning one of these
    base_url: str = ""  # Mastodon instance, Bluesky AppView, Graph API base...
    account_id: str = ""  # the company's own account id (mentions timeline, page id)
    credentials: Mapping[str, str] = dataclasses.field(default_factory=dict)
    max_pages: int = 10
    page_size: int = 100
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def __repr__(self):  # never show credentials
        return f"SourceConfig(kind={self.kind!r}, query={self.query!r}, base_url={self.base_url!r})"


# --- errors ----------------------------------------------------------------------------------
#: why a network refused a write, where its answer says so (``ConnectorError.refusal``): the
#: text is longer than it allows, empty, refused as spam or abuse, or otherwise invalid
TOO_LONG, EMPTY, BLOCKED, INVALID = "too_long", "empty", "blocked", "invalid"
REFUSALS = (TOO_LONG, EMPTY, BLOCKED, INVALID)


class ConnectorError(Exception):
    """Base class. ``str(error)`` is a sentence for users; it never contains a secret.
    ``detail``: the network's own words on it, where it gave some (quoted to users).
    ``refusal``: why the network refused a write (one of :data:`REFUSALS`), where its
    answer says so (the outbox explains it in the user's language)."""

    retryable = False
    detail = ""
    refusal = ""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class AuthError(ConnectorError):
    """Credentials missing, wrong, expired or revoked (HTTP 401/403)."""


class GoneError(ConnectorError):
    """The post to answer or hide is no longer there: deleted by its author, or no longer
    visible to the account (X: HTTP 403, code 385; others: HTTP 404 / 410). Never retried."""


class RateLimitError(ConnectorError):
    """HTTP 429. ``reset_at`` (UTC, aware) is when the network allows the next call."""

    retryable = True

    def __init__(
        self, message: str, *, reset_at: dt.datetime | None = None, status: int | None = 429
    ):
        super().__init__(message, status=status)
        self.reset_at = reset_at


class TemporaryError(ConnectorError):
    """Timeout, connection error, HTTP 5xx: try again at the next poll. ``unsent``: the
    request never reached the network (no connection could be opened: refused, name not
    resolved, connect time-out), so repeating a write cannot publish it twice."""

    retryable = True

    def __init__(self, message: str, *, status: int | None = None, unsent: bool = False):
        super().__init__(message, status=status)
        self.unsent = unsent


class UnsafeAddressError(ConnectorError):
    """A request that would go to an address less public than the one asked (a redirect
    from a public host to the loopback, a private network or a link-local address such as
    the cloud metadata service), or to a non-public address when the URL came from a
    network's data. Not followed, not connected; never retried (it does not get better)."""


class MalformedResponseError(ConnectorError):
    """The network answered something that is not what its API documents."""


class InvalidItemError(MalformedResponseError):
    """One item of an answer cannot be read as a post (the rest of the answer can)."""


class ConfigurationError(ConnectorError):
    """The source is set up wrong (missing query, bad instance URL...)."""


class MissingCredentialsError(ConfigurationError):
    """The company has no credentials for this network (a set-up not done yet, not a fault
    of the network): nothing was asked. The caller words it for its users."""


def scrub_error(error: ConnectorError, secrets) -> ConnectorError:
    """``error`` with every secret struck from its message (in place; returned)."""
    from .util import scrub  # util imports this module

    secrets = tuple(s for s in secrets or () if s)
    error.args = tuple(scrub(arg, secrets) if isinstance(arg, str) else arg for arg in error.args)
    if error.detail:
        error.detail = scrub(error.detail, secrets)
    return error


# --- connector -------------------------------------------------------------------------------
class Connector(abc.ABC):
    """A network's reader. Every subclass's :meth:`fetch` is wrapped by :func:`guard_fetch`:
    it raises only typed :class:`ConnectorError`s with the secrets struck out, and yields
    pages of at most ``config.page_size`` posts."""

    network: str = ""

    def __init__(self, config: SourceConfig, session=None):
        self.config = config
        self.session = session  # a requests.Session; connectors create one if None

    def __init_subclass__(cls, **kwargs):
        result = super().__init_subclass__(**kwargs)
        fetch = cls.__dict__.get("fetch")
        if fetch is not None and not getattr(fetch, "_guarded", False):
            cls.fetch = guard_fetch(fetch)
        return result

    def secrets(self) -> tuple[str, ...]:
        """The values struck from every message: the credentials."""
        credentials = getattr(self.config, "credentials", None) or {}
        return tuple(str(v) for v in credentials.values() if v)

    @abc.abstractmethod
    def fetch(self, cursor: str | None) -> Iterator[Page]:
        """Yield pages of posts newer than ``cursor`` (at most ``config.max_pages``)."""


def typed_error(exc, network, secrets, what="answer"):
    """The error a connector lets out for ``exc``: a :class:`ConnectorError` without the
    credentials, and anything else (a hostile answer the parsing did not foresee) as a
    :class:`MalformedResponseError` saying what was wrong. One place for reading and writing."""
    from .util import short

    if isinstance(exc, ConnectorError):
        return scrub_error(exc, secrets)
    if isinstance(exc, RecursionError):
        return MalformedResponseError(f"{network}: the {what} is nested too deeply to be read")
    if isinstance(exc, MemoryError):
        return MalformedResponseError(f"{network}: the {what} is too large to be read")
    return MalformedResponseError(
        f"{network}: the {what} could not be read ({type(exc).__name__}: "
        f"{short(exc, secrets, 200)})"
    )


def typed_batches(batches, network, secrets, what="answer"):
    """Yield from ``batches`` (a connector's generator of request batches), every error
    leaving typed and scrubbed (:func:`typed_error`); the batches yielded before an error are
    the caller's to keep."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as exc:  # every error leaves typed and scrubbed
            raise typed_error(exc, network, secrets, what) from None
        yield batch


def chunks(items: list, size: int) -> Iterator[list]:
    """``items`` in consecutive lists of at most ``size`` (a network's request batches)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def guard_fetch(fetch):
    """Wrap a connector's ``fetch``: whatever a hostile or broken answer makes the parsing
    raise becomes a :class:`MalformedResponseError` saying what was wrong; every
    :class:`ConnectorError` is scrubbed of the credentials; pages over ``config.page_size``
    posts are split (only the last part carries the cursor)."""

    @functools.wraps(fetch)
    def guarded(self, cursor):
        from .util import remember_secrets

        secrets = self.secrets()
        remember_secrets(*secrets)
        network = self.network or type(self).__name__
        pages = fetch(self, cursor)
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except Exception as exc:  # every error leaves typed and scrubbed
                raise typed_error(exc, network, secrets) from None
            yield from split_page(page, getattr(self.config, "page_size", 0) or 0)

    guarded._guarded = True
    return guarded


def split_page(page: Page, size: int) -> Iterator[Page]:
    """``page`` as pages of at most ``size`` posts (the last one carries the cursor)."""
    if size <= 0 or len(page.posts) <= size:
        yield page
        return
    chunks = [page.posts[i:i + size] for i in range(0, len(page.posts), size)]
    note = (f"an answer held {len(page.posts)} posts for a page size of {size}: "
            f"stored as {len(chunks)} pages")
    for number, chunk in enumerate(chunks, 1):
        last = number == len(chunks)
        yield Page(
            posts=chunk,
            cursor=page.cursor if last else None,
            is_last=page.is_last if last else False,
            rejected=page.rejected if number == 1 else [],
            notes=(*page.notes, note) if number == 1 else (),
        )


REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    REGISTRY[cls.network] = cls
    return cls


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC datetime from an aware or naive-UTC one."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
