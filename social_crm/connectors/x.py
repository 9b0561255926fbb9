"""X (Twitter) API v2 through tweepy.

Paging (tweepy's :class:`~tweepy.Paginator`, ``since_id``) lives in :class:`XConnector`;
parsing of the JSON answers into :class:`Post` lives in :func:`parse_tweets`.

Kinds: ``search`` (recent search for ``config.query``) and ``mentions`` (mentions timeline of
``config.account_id``). Bearer token: ``credentials['bearer_token']``. Replies and hides use the
user context keys ``consumer_key``, ``consumer_secret``, ``access_token``, ``access_token_secret``.

Cursor: the newest tweet id seen (``since_id``). Results come newest first, so only the last
page yielded carries it. When ``config.max_pages`` stops the paging before the end, the
older tweets left over are skipped: the next poll starts from the newest id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import requests
import tweepy

from .base import (
    DEFAULT_TIMEOUT,
    AuthError,
    Author,
    ConfigurationError,
    Connector,
    ConnectorError,
    MalformedResponseError,
    Page,
    Post,
    RateLimitError,
    ReplyResult,
    SourceConfig,
    TemporaryError,
    register,
)
from .util import expect_dict, expect_list, max_id, parse_datetime, scrub, short, to_int

_logger = logging.getLogger(__name__)


class _ScrubSecrets(logging.Filter):
    """tweepy logs each request's headers (the bearer token) at DEBUG: strike secrets."""

    def filter(self, record):
        if record.levelno <= logging.DEBUG:
            record.msg, record.args = scrub(record.getMessage()), ()
        return True


if not any(isinstance(f, _ScrubSecrets) for f in logging.getLogger("tweepy.client").filters):
    logging.getLogger("tweepy.client").addFilter(_ScrubSecrets())

NETWORK = "x"
WEB = "https://x.com"
EXPANSIONS = ["author_id", "referenced_tweets.id.author_id", "entities.mentions.username"]
TWEET_FIELDS = [
    "created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets",
    "public_metrics", "lang", "entities", "author_id", "note_tweet",
]
USER_FIELDS = ["public_metrics", "description", "url", "verified", "username", "name"]
USER_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


# --- HTTP plumbing ---------------------------------------------------------------------------
class TimeoutSession:
    """Wraps a requests session so that every request has a timeout.

    tweepy 4.17 calls ``self.session.request(method, url, params=, json=, headers=, auth=)``
    without a timeout; this object stands in for ``client.session``.
    """

    def __init__(self, session: requests.Session | None, timeout: float | None):
        self._session = session or requests.Session()
        self.timeout = timeout or DEFAULT_TIMEOUT

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return self._session.request(method, url, **kwargs)

    def __getattr__(self, name):
        return getattr(self._session, name)


def _secrets(credentials: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(str(v) for v in credentials.values() if v)


def make_client(credentials: Mapping[str, str], *, timeout: float | None = DEFAULT_TIMEOUT,
                session: requests.Session | None = None, user_auth: bool = False) -> tweepy.Client:
    """A ``tweepy.Client`` answering dicts, never sleeping on rate limits, with timeouts."""
    credentials = credentials or {}
    if user_auth:
        missing = [k for k in USER_KEYS if not credentials.get(k)]
        if missing:
            raise ConfigurationError(f"x: user context credentials missing: {', '.join(missing)}")
    elif not credentials.get("bearer_token"):
        raise ConfigurationError("x: credentials['bearer_token'] is missing")
    client = tweepy.Client(
        bearer_token=credentials.get("bearer_token"),
        consumer_key=credentials.get("consumer_key"),
        consumer_secret=credentials.get("consumer_secret"),
        access_token=credentials.get("access_token"),
        access_token_secret=credentials.get("access_token_secret"),
        return_type=dict,
        wait_on_rate_limit=False,
    )
    client.session = TimeoutSession(session, timeout)
    return client


@contextlib.contextmanager
def translate_errors(secrets: tuple[str, ...] = (), what: str = "request"):
    """Turn tweepy / requests exceptions into typed, scrubbed ConnectorErrors."""
    try:
        yield
    except tweepy.TooManyRequests as exc:
        reset_at = None
        if exc.reset_time:
            reset_at = dt.datetime.fromtimestamp(int(exc.reset_time), tz=dt.UTC)
        raise RateLimitError(
            f"x: {what} rate limited" + (f" until {reset_at.isoformat()}" if reset_at else ""),
            reset_at=reset_at) from None
    except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
        raise AuthError(f"x: {what} refused ({short(exc, secrets, 200)}): the credentials are "
                        "missing, wrong, revoked or lack access", status=_status(exc)) from None
    except tweepy.TwitterServerError as exc:
        raise TemporaryError(f"x: {what} server error ({short(exc, secrets, 200)})",
                             status=_status(exc)) from None
    except tweepy.HTTPException as exc:
        raise ConnectorError(f"x: {what} failed ({short(exc, secrets, 200)})",
                             status=_status(exc)) from None
    except requests.Timeout:
        raise TemporaryError(f"x: {what} timed out") from None
    except requests.ConnectionError as exc:
        raise TemporaryError(f"x: {what}: could not connect ({type(exc).__name__})") from None
    except ValueError:  # includes requests' JSONDecodeError
        raise MalformedResponseError(f"x: {what}: the answer is not valid JSON") from None
    except requests.RequestException as exc:
        raise ConnectorError(f"x: {what} failed ({short(exc, secrets, 200)})") from None


def _status(exc: tweepy.HTTPException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


# --- parsing ---------------------------------------------------------------------------------
def parse_user(user: Mapping[str, Any]) -> Author:
    user = expect_dict(user, "includes.users[]", NETWORK)
    user_id = user.get("id")
    if not user_id:
        raise MalformedResponseError("x: includes.users[] item without 'id'")
    metrics = user.get("public_metrics") or {}
    username = user.get("username") or None
    return Author(
        network=NETWORK,
        external_id=str(user_id),
        handle=username,
        display_name=user.get("name") or None,
        profile_url=f"{WEB}/{username}" if username else None,
        bio=html.unescape(user["description"]) if user.get("description") else None,
        followers_count=to_int(metrics.get("followers_count")),
        following_count=to_int(metrics.get("following_count")),
        posts_count=to_int(metrics.get("tweet_count")),
        listed_count=to_int(metrics.get("listed_count")),
        verified=bool(user.get("verified")),
    )


def _unique(values) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(str(value), None)
    return tuple(seen)


def parse_tweet(tweet: Mapping[str, Any], users: Mapping[str, Author],
                tweets: Mapping[str, Mapping[str, Any]]) -> Post:
    tweet = expect_dict(tweet, "data[]", NETWORK)
    tweet_id = tweet.get("id")
    if not tweet_id:
        raise MalformedResponseError("x: data[] item without 'id'")
    tweet_id = str(tweet_id)
    note = tweet.get("note_tweet") or {}
    text = (note.get("text") if isinstance(note, dict) else None) or tweet.get("text") or ""
    author_id = str(tweet["author_id"]) if tweet.get("author_id") else None
    author = users.get(author_id) if author_id else None
    metrics = tweet.get("public_metrics") or {}
    entities = tweet.get("entities") or {}
    mentions = [m for m in (entities.get("mentions") or []) if isinstance(m, dict)]

    in_reply_to = None
    referenced_authors = []
    for ref in tweet.get("referenced_tweets") or []:
        if not isinstance(ref, dict) or not ref.get("id"):
            continue
        if ref.get("type") == "replied_to":
            in_reply_to = str(ref["id"])
        if ref.get("type") in ("replied_to", "quoted"):
            referenced = tweets.get(str(ref["id"])) or {}
            referenced_authors.append(referenced.get("author_id"))
    mentioned_ids = [
        i for i in _unique([tweet.get("in_reply_to_user_id"), *referenced_authors,
                            *(m.get("id") for m in mentions)])
        if i != author_id
    ]
    handle = author.handle if author else None
    return Post(
        network=NETWORK,
        external_id=tweet_id,
        text=html.unescape(text),  # v2 escapes &, <, > in text
        posted_at=parse_datetime(tweet.get("created_at"), "data[].created_at", NETWORK),
        author=author,
        url=f"{WEB}/{handle}/status/{tweet_id}" if handle else f"{WEB}/i/web/status/{tweet_id}",
        lang=tweet.get("lang") or None,
        in_reply_to_external_id=in_reply_to,
        conversation_external_id=str(tweet["conversation_id"]) if tweet.get("conversation_id")
        else None,
        like_count=to_int(metrics.get("like_count")) or 0,
        repost_count=to_int(metrics.get("retweet_count")) or 0,
        reply_count=to_int(metrics.get("reply_count")) or 0,
        quote_count=to_int(metrics.get("quote_count")) or 0,
        mentioned_external_ids=tuple(mentioned_ids),
        mentioned_handles=_unique(m.get("username") for m in mentions),
        raw=dict(tweet),
    )


def parse_tweets(body: Any) -> list[Post]:
    """Posts of one X API v2 answer (``data`` + ``includes``); tweets whose author is not in
    ``includes.users`` (deleted, suspended, protected) get ``author=None``."""
    body = expect_dict(body, "the answer", NETWORK)
    includes = body.get("includes") or {}
    includes = expect_dict(includes, "includes", NETWORK)
    users = {}
    for user in expect_list(includes.get("users"), "includes.users", NETWORK):
        author = parse_user(user)
        users[author.external_id] = author
    tweets = {
        str(t["id"]): t
        for t in expect_list(includes.get("tweets"), "includes.tweets", NETWORK)
        if isinstance(t, dict) and t.get("id")
    }
    data = expect_list(body.get("data"), "data", NETWORK)
    return [parse_tweet(t, users, tweets) for t in data]


# --- connector -------------------------------------------------------------------------------
@register
class XConnector(Connector):
    network = NETWORK
    kinds = ("search", "mentions")

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"x: unknown source kind {config.kind!r}")
        if config.kind == "search" and not config.query.strip():
            raise ConfigurationError("x: a search source needs a query")
        if config.kind == "mentions" and not config.account_id:
            raise ConfigurationError("x: a mentions source needs the account id")
        self.client = make_client(config.credentials, timeout=config.timeout, session=session)

    def _paginator(self, cursor: str | None) -> tweepy.Paginator:
        common = {
            "expansions": EXPANSIONS, "tweet_fields": TWEET_FIELDS, "user_fields": USER_FIELDS,
            "since_id": cursor or None, "limit": max(1, self.config.max_pages),
        }
        if self.config.kind == "search":
            size = min(max(self.config.page_size, 10), 100)
            return tweepy.Paginator(self.client.search_recent_tweets, self.config.query,
                                    max_results=size, **common)
        size = min(max(self.config.page_size, 5), 100)
        return tweepy.Paginator(self.client.get_users_mentions, self.config.account_id,
                                max_results=size, **common)

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        secrets = _secrets(self.config.credentials)
        what = "search" if self.config.kind == "search" else "mentions timeline"
        responses = iter(self._paginator(cursor))
        newest = cursor or None
        count = 0
        while True:
            with translate_errors(secrets, what):
                try:
                    body = next(responses)
                except StopIteration:
                    return
                except tweepy.BadRequest as exc:
                    # recent search refuses a since_id older than its 7-day window: start
                    # afresh (what lies before the window cannot be fetched anyway)
                    if count or not cursor or "since_id" not in str(exc):
                        raise
                    _logger.info("x: since_id %s is too old; fetching without it", cursor)
                    responses = iter(self._paginator(None))
                    body = next(responses)
                except (AttributeError, TypeError, RuntimeError):  # tweepy: not an object
                    raise MalformedResponseError(f"x: {what}: the answer is not an object") \
                        from None
            count += 1
            posts = parse_tweets(body)
            meta = body.get("meta") or {}
            newest = max_id(newest, meta.get("newest_id"), *(p.external_id for p in posts))
            is_last = not meta.get("next_token") or count >= self.config.max_pages
            yield Page(posts=posts, cursor=newest if is_last else None, is_last=is_last)
            if is_last:
                return


# --- replies and moderation ------------------------------------------------------------------
def reply(credentials: Mapping[str, str], in_reply_to_external_id: str, text: str,
          timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
          session: requests.Session | None = None) -> ReplyResult:
    """Post ``text`` as a reply to tweet ``in_reply_to_external_id`` (user context;
    ``base_url`` is ignored: it is there for one signature across networks)."""
    client = make_client(credentials, timeout=timeout, session=session, user_auth=True)
    with translate_errors(_secrets(credentials), "reply"):
        body = client.create_tweet(text=text, in_reply_to_tweet_id=in_reply_to_external_id,
                                   user_auth=True)
    data = expect_dict(expect_dict(body, "the answer", NETWORK).get("data"), "data", NETWORK)
    if not data.get("id"):
        raise MalformedResponseError("x: reply answer without data.id")
    return ReplyResult(external_id=str(data["id"]), url=f"{WEB}/i/web/status/{data['id']}")


def hide_reply(credentials: Mapping[str, str], tweet_id: str,
               timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
               session: requests.Session | None = None, hidden: bool = True) -> bool:
    """Hide (or, with ``hidden=False``, unhide) a reply to one of the account's tweets."""
    client = make_client(credentials, timeout=timeout, session=session, user_auth=True)
    with translate_errors(_secrets(credentials), "hide reply"):
        if hidden:
            body = client.hide_reply(tweet_id, user_auth=True)
        else:
            body = client.unhide_reply(tweet_id, user_auth=True)
    data = expect_dict(expect_dict(body, "the answer", NETWORK).get("data"), "data", NETWORK)
    return bool(data.get("hidden"))


# --- Account Activity API (push), v1.1 objects ------------------------------------------------
V1_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"


def parse_v1_time(value: Any, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            return dt.datetime.strptime(value.strip(), V1_TIME_FORMAT).astimezone(dt.UTC)
        except ValueError:
            _logger.debug("x: %r is not a v1.1 time; reading it as ISO 8601", value)
    return parse_datetime(value, field, NETWORK)


def parse_v1_user(user: Mapping[str, Any]) -> Author:
    """Author from a v1.1 user object (``id_str``, ``screen_name``, ``followers_count``...)."""
    user = expect_dict(user, "user", NETWORK)
    user_id = user.get("id_str") or user.get("id")
    if not user_id:
        raise MalformedResponseError("x: user object without 'id_str'")
    username = user.get("screen_name") or None
    return Author(
        network=NETWORK,
        external_id=str(user_id),
        handle=username,
        display_name=user.get("name") or None,
        profile_url=f"{WEB}/{username}" if username else None,
        bio=html.unescape(user["description"]) if user.get("description") else None,
        followers_count=to_int(user.get("followers_count")),
        following_count=to_int(user.get("friends_count")),
        posts_count=to_int(user.get("statuses_count")),
        listed_count=to_int(user.get("listed_count")),
        verified=bool(user.get("verified") or user.get("verified_type")),
    )


def parse_v1_tweet(tweet: Mapping[str, Any]) -> Post:
    """Post from a v1.1 tweet object as the Account Activity API delivers it (a retweet is
    read as the retweeted tweet; ``extended_tweet.full_text`` wins over ``text``)."""
    tweet = expect_dict(tweet, "tweet_create_events[]", NETWORK)
    if isinstance(tweet.get("retweeted_status"), dict):
        tweet = tweet["retweeted_status"]
    tweet_id = tweet.get("id_str") or tweet.get("id")
    if not tweet_id:
        raise MalformedResponseError("x: tweet object without 'id_str'")
    tweet_id = str(tweet_id)
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) \
        else {}
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or ""
    entities = extended.get("entities") or tweet.get("entities") or {}
    mentions = [m for m in (entities.get("user_mentions") or []) if isinstance(m, dict)]
    author = parse_v1_user(tweet["user"]) if isinstance(tweet.get("user"), dict) else None
    author_id = author.external_id if author else None
    mentioned_ids = [
        i for i in _unique([tweet.get("in_reply_to_user_id_str"),
                            *(m.get("id_str") for m in mentions)])
        if i != author_id
    ]
    handle = author.handle if author else None
    in_reply_to = tweet.get("in_reply_to_status_id_str") or None
    return Post(
        network=NETWORK,
        external_id=tweet_id,
        text=html.unescape(text),
        posted_at=parse_v1_time(tweet.get("created_at"), "created_at"),
        author=author,
        url=f"{WEB}/{handle}/status/{tweet_id}" if handle else f"{WEB}/i/web/status/{tweet_id}",
        lang=tweet.get("lang") if tweet.get("lang") not in (None, "und") else None,
        in_reply_to_external_id=str(in_reply_to) if in_reply_to else None,
        like_count=to_int(tweet.get("favorite_count")) or 0,
        repost_count=to_int(tweet.get("retweet_count")) or 0,
        reply_count=to_int(tweet.get("reply_count")) or 0,
        quote_count=to_int(tweet.get("quote_count")) or 0,
        mentioned_external_ids=tuple(mentioned_ids),
        mentioned_handles=_unique(m.get("screen_name") for m in mentions),
        raw=dict(tweet),
    )


def parse_activity(body: Any) -> list[Post]:
    """Posts of an Account Activity delivery's ``tweet_create_events`` (the subscribed
    account's own tweets, ``for_user_id``, are left out; other event types are ignored)."""
    body = expect_dict(body, "the delivery", NETWORK)
    own = str(body.get("for_user_id") or "")
    posts = []
    for tweet in expect_list(body.get("tweet_create_events"), "tweet_create_events", NETWORK):
        post = parse_v1_tweet(tweet)
        if own and post.author and post.author.external_id == own:
            continue
        posts.append(post)
    return posts
