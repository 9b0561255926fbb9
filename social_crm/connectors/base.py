"""Plain data and typed errors shared by every network connector.

No ``odoo`` import here: connectors are plain Python, tested without a
database. A connector turns one network's API into :class:`Page` objects of
:class:`Post` objects; ingestion (``social.crm.post._ingest_posts``) stores them.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

DEFAULT_TIMEOUT = 20  # seconds, for every HTTP request a connector makes


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
    like_count: int = 0
    repost_count: int = 0
    reply_count: int = 0
    quote_count: int = 0
    # authors this post mentions or replies to (network user ids where known, else handles):
    # the edges of the mention/reply graph used for scoring
    mentioned_external_ids: tuple[str, ...] = ()
    mentioned_handles: tuple[str, ...] = ()
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the item as received


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

    def __repr__(self):  # never show credentials
        return f"SourceConfig(kind={self.kind!r}, query={self.query!r}, base_url={self.base_url!r})"


# --- errors ----------------------------------------------------------------------------------
class ConnectorError(Exception):
    """Base class. ``str(error)`` is a sentence for users; it never contains a secret."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class AuthError(ConnectorError):
    """Credentials missing, wrong, expired or revoked (HTTP 401/403)."""


class RateLimitError(ConnectorError):
    """HTTP 429. ``reset_at`` (UTC, aware) is when the network allows the next call."""

    retryable = True

    def __init__(
        self, message: str, *, reset_at: dt.datetime | None = None, status: int | None = 429
    ):
        super().__init__(message, status=status)
        self.reset_at = reset_at


class TemporaryError(ConnectorError):
    """Timeout, connection error, HTTP 5xx: try again at the next poll."""

    retryable = True


class MalformedResponseError(ConnectorError):
    """The network answered something that is not what its API documents."""


class ConfigurationError(ConnectorError):
    """The source is set up wrong (missing query, bad instance URL...)."""


# --- connector -------------------------------------------------------------------------------
class Connector(abc.ABC):
    network: str = ""

    def __init__(self, config: SourceConfig, session=None):
        self.config = config
        self.session = session  # a requests.Session; connectors create one if None

    @abc.abstractmethod
    def fetch(self, cursor: str | None) -> Iterator[Page]:
        """Yield pages of posts newer than ``cursor`` (at most ``config.max_pages``)."""


REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    REGISTRY[cls.network] = cls
    return cls


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC datetime from an aware or naive-UTC one."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
