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

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    AuthError,
    Author,
    ConfigurationError,
    Connector,
    ConnectorError,
    Deletion,
    GoneError,
    MalformedResponseError,
    Page,
    Post,
    RateLimitError,
    ReplyResult,
    SourceConfig,
    TemporaryError,
    observed,
    register,
)
from .util import (
    cap_items,
    expect_dict,
    expect_list,
    max_id,
    parse_datetime,
    parse_each,
    remember_secrets,
    safe_url,
    short,
    text_of,
    to_int,
)

_logger = logging.getLogger(__name__)


NETWORK = "x"
WEB = "https://x.com"
EXPANSIONS = ["author_id", "referenced_tweets.id.author_id", "entities.mentions.username"]
TWEET_FIELDS = [
    "created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets",
    "public_metrics", "lang", "entities", "author_id", "note_tweet",
]
USER_FIELDS = ["public_metrics", "description", "url", "verified", "username", "name"]
USER_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
MAX_INCLUDES = 5_000  # users and referenced tweets read from one answer


# --- HTTP plumbing ---------------------------------------------------------------------------
class TimeoutSession:
    """Wraps a requests session so that every request has a timeout.

    tweepy 4.17 calls ``self.session.request(method, url, params=, json=, headers=, auth=)``
    without a timeout; this object stands in for ``client.session``.
    """

    def __init__(self, session: requests.Session | None, timeout: float | None,
                 max_bytes: int | None = None):
        self._session = http.deadline_session(session)  # follows http.deadline()
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.max_bytes = max_bytes

    def request(self, method, url, **kwargs):
        """The request with a timeout, no redirect followed (the X API does not redirect:
        a 3xx is an error, and the credentials never go elsewhere) and the body read with
        the size caps of :func:`.http.read_body`."""
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        # a whole request ends by request_deadline() (or the caller's earlier deadline)
        with http.deadline(http.request_deadline(self.timeout)), http.late_as_error(
                NETWORK, f"{method} {safe_url(url)}"):
            kwargs["timeout"] = http.read_timeout(kwargs.get("timeout") or self.timeout)
            response = self._session.request(method, url, **kwargs)
            http.read_body(response, NETWORK, self.max_bytes, self.timeout)
        reset = response.headers.get("x-rate-limit-reset")
        if reset is not None and not (reset.strip().isdigit() and len(reset.strip()) <= 12):
            # tweepy reads it with int(): a hostile value would raise; bounded epoch instead
            bounded = http.parse_reset({"x-rate-limit-reset": reset})
            response.headers["x-rate-limit-reset"] = str(int(bounded.timestamp())) if bounded \
                else "0"
        return response

    def __getattr__(self, name):
        return getattr(self._session, name)


def _secrets(credentials: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(str(v) for v in credentials.values() if v)


def make_client(credentials: Mapping[str, str], *, timeout: float | None = DEFAULT_TIMEOUT,
                session: requests.Session | None = None, user_auth: bool = False,
                max_bytes: int | None = None) -> tweepy.Client:
    """A ``tweepy.Client`` answering dicts, never sleeping on rate limits, with timeouts."""
    credentials = credentials or {}
    remember_secrets(*_secrets(credentials))  # tweepy logs headers and answers at DEBUG
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
    client.session = TimeoutSession(session, timeout, max_bytes)
    return client


@contextlib.contextmanager
def translate_errors(secrets: tuple[str, ...] = (), what: str = "request"):
    """Turn tweepy / requests exceptions into typed, scrubbed ConnectorErrors."""
    try:
        yield
    except tweepy.TooManyRequests as exc:
        reset_at = None
        if exc.reset_time:
            reset_at = http.parse_reset({"x-rate-limit-reset": str(exc.reset_time)})
        raise RateLimitError(
            f"x: {what} rate limited" + (f" until {reset_at.isoformat()}" if reset_at else ""),
            reset_at=reset_at) from None
    except tweepy.Forbidden as exc:
        if _gone(exc):  # a reply to (or hiding of) a tweet deleted meanwhile: no auth problem
            raise GoneError(f"x: {what} refused ({short(exc, secrets, 200)}): the post was "
                            "deleted or is no longer visible", status=_status(exc)) from None
        raise AuthError(f"x: {what} refused ({short(exc, secrets, 200)}): the credentials are "
                        "missing, wrong, revoked or lack access", status=_status(exc)) from None
    except tweepy.Unauthorized as exc:
        raise AuthError(f"x: {what} refused ({short(exc, secrets, 200)}): the credentials are "
                        "missing, wrong, revoked or lack access", status=_status(exc)) from None
    except tweepy.TwitterServerError as exc:
        raise TemporaryError(f"x: {what} server error ({short(exc, secrets, 200)})",
                             status=_status(exc)) from None
    except tweepy.HTTPException as exc:
        raise ConnectorError(f"x: {what} failed ({short(exc, secrets, 200)})",
                             status=_status(exc)) from None
    except requests.Timeout as exc:
        raise TemporaryError(f"x: {what} timed out", unsent=http.never_sent(exc)) from None
    except requests.ConnectionError as exc:
        raise TemporaryError(f"x: {what}: could not connect ({type(exc).__name__})",
                             unsent=http.never_sent(exc)) from None
    except http.ANSWER_CUT_OFF as exc:
        # sent, its answer broke off: X may have acted on it (a reply may be public)
        raise TemporaryError(f"x: {what}: the answer was cut off ({type(exc).__name__})"
                             ) from None
    except RecursionError:
        raise MalformedResponseError(f"x: {what}: the answer is nested too deeply") from None
    except requests.JSONDecodeError:
        raise MalformedResponseError(f"x: {what}: the answer is not valid JSON") from None
    except ValueError as exc:  # tweepy reading a bad header (x-rate-limit-reset...)
        raise MalformedResponseError(
            f"x: {what}: the answer could not be read ({short(exc, secrets, 120)})") from None
    except (AttributeError, TypeError) as exc:  # tweepy reading an error body of a bad shape
        raise MalformedResponseError(
            f"x: {what}: the answer is not of the documented shape ({type(exc).__name__})"
        ) from None
    except requests.RequestException as exc:
        raise ConnectorError(f"x: {what} failed ({short(exc, secrets, 200)})") from None


#: X's error code (v1.1 "errors") of a reply to a deleted or invisible tweet, and its text (v2
#: "detail": "You attempted to reply to a Tweet that is deleted or not visible to you.")
X_GONE_CODES = {385}
X_GONE_TEXT = "deleted or not visible"


def _gone(exc: tweepy.HTTPException) -> bool:
    return bool(X_GONE_CODES & set(exc.api_codes)) or any(
        X_GONE_TEXT in str(message) for message in exc.api_messages
    )


def _status(exc: tweepy.HTTPException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


# --- parsing ---------------------------------------------------------------------------------
def parse_user(user: Mapping[str, Any]) -> Author:
    user = expect_dict(user, "includes.users[]", NETWORK)
    user_id = text_of(user.get("id"))
    if not user_id:
        raise MalformedResponseError("x: includes.users[] item without 'id'")
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    username = text_of(user.get("username")) or None
    description = text_of(user.get("description"))
    return Author(
        network=NETWORK,
        external_id=user_id,
        handle=username,
        display_name=text_of(user.get("name")) or None,
        profile_url=f"{WEB}/{username}" if username else None,
        bio=html.unescape(description) if description else None,
        followers_count=to_int(metrics.get("followers_count")),
        following_count=to_int(metrics.get("following_count")),
        posts_count=to_int(metrics.get("tweet_count")),
        listed_count=to_int(metrics.get("listed_count")),
        verified=user.get("verified") is True,
    )


def _unique(values) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(str(value), None)
    return tuple(seen)


def edit_of(tweet_id: str, history: Any) -> str | None:
    """The original tweet's id when ``tweet_id`` is an edit, else None. An edit on X is a new
    tweet: its ``edit_history_tweet_ids`` (v2) or ``edit_history.edit_tweet_ids`` (v1.1)
    list every version, the original first."""
    ids = [text_of(i) for i in history if text_of(i)] if isinstance(history, list) else []
    original = ids[0] if ids else None
    return original if original and original != tweet_id else None


def parse_tweet(tweet: Mapping[str, Any], users: Mapping[str, Author],
                tweets: Mapping[str, Mapping[str, Any]]) -> Post:
    tweet = expect_dict(tweet, "data[]", NETWORK)
    tweet_id = text_of(tweet.get("id"))
    if not tweet_id:
        raise MalformedResponseError("x: data[] item without 'id'")
    note = tweet.get("note_tweet") or {}
    text = text_of(note.get("text") if isinstance(note, dict) else None) \
        or text_of(tweet.get("text"))
    author_id = text_of(tweet.get("author_id")) or None
    author = users.get(author_id) if author_id else None
    metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) \
        else {}
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    mentions = entities.get("mentions") if isinstance(entities.get("mentions"), list) else []
    mentions = [m for m in mentions if isinstance(m, dict)]

    in_reply_to = None
    referenced_authors = []
    refs = tweet.get("referenced_tweets")
    for ref in refs if isinstance(refs, list) else []:
        if not isinstance(ref, dict) or not text_of(ref.get("id")):
            continue
        if ref.get("type") == "replied_to":
            in_reply_to = text_of(ref["id"])
        if ref.get("type") in ("replied_to", "quoted"):
            referenced = tweets.get(text_of(ref["id"])) or {}
            referenced_authors.append(referenced.get("author_id"))
    mentioned_ids = [
        i for i in _unique([tweet.get("in_reply_to_user_id"), *referenced_authors,
                            *(m.get("id") for m in mentions)])
        if i != author_id
    ]
    handle = author.handle if author else None
    posted_at = parse_datetime(tweet.get("created_at"), "data[].created_at", NETWORK)
    # an edit keeps the original's id (one post, one ticket), its own id as the version
    original = edit_of(tweet_id, tweet.get("edit_history_tweet_ids"))
    return Post(
        network=NETWORK,
        external_id=original or tweet_id,
        version_external_id=tweet_id if original else None,
        edited_at=posted_at if original else None,
        text=html.unescape(text),  # v2 escapes &, <, > in text
        posted_at=posted_at,
        author=author,
        url=f"{WEB}/{handle}/status/{tweet_id}" if handle else f"{WEB}/i/web/status/{tweet_id}",
        lang=tweet.get("lang") or None,
        in_reply_to_external_id=in_reply_to,
        conversation_external_id=text_of(tweet.get("conversation_id")) or None,
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
    ``includes.users`` (deleted, suspended, protected) get ``author=None``. Raises for the
    first tweet it cannot read (:func:`read_tweets` rejects it and keeps the rest)."""
    posts, rejected = read_tweets(body)
    if rejected:
        raise MalformedResponseError(rejected[0].reason)
    return posts


def read_tweets(body: Any):
    """(posts, rejected items) of one X API v2 answer: a tweet that cannot be read is
    rejected with the reason; an author that cannot be read leaves its tweets without
    author."""
    body = expect_dict(body, "the answer", NETWORK)
    includes = body.get("includes") or {}
    includes = expect_dict(includes, "includes", NETWORK)
    authors, _bad_users = parse_each(
        expect_list(includes.get("users"), "includes.users", NETWORK)[:MAX_INCLUDES],
        parse_user, NETWORK, "includes.users")
    users = {author.external_id: author for author in authors}
    tweets = {
        text_of(t["id"]): t
        for t in expect_list(includes.get("tweets"), "includes.tweets", NETWORK)[:MAX_INCLUDES]
        if isinstance(t, dict) and text_of(t.get("id"))
    }
    data, over = cap_items(expect_list(body.get("data"), "data", NETWORK), NETWORK, "data")
    posts, rejected = parse_each(data, lambda t: parse_tweet(t, users, tweets), NETWORK, "data")
    return posts, rejected + over


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
        self.client = make_client(config.credentials, timeout=config.timeout, session=session,
                                  max_bytes=config.max_response_bytes)

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
                except RecursionError:
                    raise MalformedResponseError(f"x: {what}: the answer is nested too deeply") \
                        from None
                except (AttributeError, TypeError, RuntimeError):  # tweepy: not an object
                    raise MalformedResponseError(f"x: {what}: the answer is not an object") \
                        from None
            count += 1
            posts, rejected = read_tweets(body)
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            ids = [text_of(meta.get("newest_id")),
                   *(p.version_external_id or p.external_id for p in posts),
                   *(r.external_id or "" for r in rejected)]  # rejected: quarantined
            newest = max_id(newest, *(i for i in ids if i.isdigit() and len(i) <= 30))
            is_last = not meta.get("next_token") or count >= self.config.max_pages
            yield Page(posts=posts, cursor=newest if is_last else None, is_last=is_last,
                       rejected=rejected)
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
    tweet_id = text_of(data.get("id"))[:512]
    if not tweet_id:
        raise MalformedResponseError("x: reply answer without data.id")
    return ReplyResult(external_id=tweet_id, url=f"{WEB}/i/web/status/{tweet_id}")


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
    posted_at = parse_v1_time(tweet.get("created_at"), "created_at")
    history = tweet.get("edit_history") if isinstance(tweet.get("edit_history"), dict) else {}
    original = edit_of(tweet_id, history.get("edit_tweet_ids"))
    return Post(
        network=NETWORK,
        external_id=original or tweet_id,
        version_external_id=tweet_id if original else None,
        edited_at=posted_at if original else None,
        text=html.unescape(text),
        posted_at=posted_at,
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
    """Posts of an Account Activity delivery's ``tweet_create_events``; other event types
    are ignored. The subscribed account's own tweets (``for_user_id``) are left out, but
    for its replies to another user's tweet: the company's answers written in X's app,
    which a ticket of that conversation records as its reaction."""
    body = expect_dict(body, "the delivery", NETWORK)
    own = str(body.get("for_user_id") or "")
    posts = []
    for tweet in expect_list(body.get("tweet_create_events"), "tweet_create_events", NETWORK):
        post = parse_v1_tweet(tweet)
        if own and post.author and post.author.external_id == own:
            answered = text_of(tweet.get("in_reply_to_user_id_str")
                               or tweet.get("in_reply_to_user_id"))
            if not post.in_reply_to_external_id or not answered or answered == own:
                continue
        # the author's counts as of the event (``timestamp_ms``), not as of its processing
        posts.extend(observed([post], _epoch_ms(tweet.get("timestamp_ms"))))
    return posts


def _epoch_ms(value: Any) -> dt.datetime | None:
    stamp = to_int(value)
    if not stamp or stamp <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(stamp / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_delete_event(item: Any, own: str = "") -> Deletion:
    """Deletion of one ``tweet_delete_events[]`` item of an Account Activity delivery:
    ``{"status": {"id": "<tweet id>", "user_id": "<author id>"}, "timestamp_ms": "<ms>"}``.
    The id may be any version of an edited tweet (the stored post matches by its original's
    or its version's id). X sends these for the author's own deletions (a removal by X, of a
    suspended account, is not delivered here): ``why`` "author". A tweet of the subscribed
    account itself (``own``) is marked ``own_account``: its answer to a customer, written in
    X's app and stored (:func:`parse_activity`), deleted there is deleted here; its other
    tweets were never stored, their deletion leaves no trace (``social.crm.event``)."""
    item = expect_dict(item, "tweet_delete_events[]", NETWORK)
    status = expect_dict(item.get("status"), "tweet_delete_events[].status", NETWORK)
    tweet_id = str(status.get("id_str") or status.get("id") or "")
    if not tweet_id:
        raise MalformedResponseError("x: a deletion without 'status.id'")
    author = str(status.get("user_id_str") or status.get("user_id") or "") or None
    return Deletion(NETWORK, tweet_id, _epoch_ms(item.get("timestamp_ms")), author, why="author",
                    own_account=bool(own and author == own))


def parse_activity_deletions(body: Any) -> list[Deletion]:
    """Deletions of an Account Activity delivery's ``tweet_delete_events``."""
    body = expect_dict(body, "the delivery", NETWORK)
    own = str(body.get("for_user_id") or "")
    return [parse_delete_event(item, own) for item in
            expect_list(body.get("tweet_delete_events"), "tweet_delete_events", NETWORK)]
