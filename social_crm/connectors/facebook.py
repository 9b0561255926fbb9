"""Facebook Pages through the Graph API (``requests``).

Kind ``page`` (page id in ``config.account_id``, else ``config.query``; page access token in
``credentials['page_access_token']``, optional ``credentials['app_secret']`` for
``appsecret_proof``; ``config.base_url`` overrides :data:`DEFAULT_BASE_URL`):

1. comments (and replies to comments) on the page's recent posts:
   ``GET /{page-id}/posts?fields=id,message,created_time,permalink_url,comments{...}``
2. posts the page is tagged / mentioned in: ``GET /{page-id}/tagged`` (skipped with a warning
   when the token lacks the permission).

The token travels as the ``access_token`` parameter and is struck from every message.
Paging follows ``paging.next``. Graph errors: code 190/102 -> AuthError, 4/17/32/613/80001..
-> RateLimitError (reset from ``x-business-use-case-usage`` / ``x-page-usage``, else one
hour), 1/2 or ``is_transient`` -> TemporaryError.

Cursor: the newest ``created_time`` (ISO 8601) of the comments and tagged posts seen; older
ones are skipped. Results come newest first, so the cursor comes on a last, empty page.
Posts older than the cursor minus :data:`LOOKBACK` end the walk through the page's posts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from . import http
from .base import (
    BLOCKED,
    DEFAULT_TIMEOUT,
    EMPTY,
    INVALID,
    TOO_LONG,
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
    Rejected,
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
    iso,
    parse_datetime,
    parse_each,
    safe_url,
    short,
    text_of,
    to_int,
)

_logger = logging.getLogger(__name__)

NETWORK = "facebook"
DEFAULT_BASE_URL = "https://graph.facebook.com/v23.0"
LOOKBACK = dt.timedelta(days=14)
COMMENT_FIELDS = "id,message,created_time,permalink_url,from{id,name},like_count," \
                 "comment_count,parent{id,from{id}},is_hidden"
COMMENTS_LIMIT = 50
MAX_COMMENT_PAGES = 5
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
AUTH_CODES = frozenset({102, 190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
TEMPORARY_CODES = frozenset({1, 2})
#: code 100 with subcode 33: "Object with ID ... does not exist, cannot be loaded due to missing
#: permissions, or does not support this operation" (a comment deleted meanwhile)
GONE_CODE, GONE_SUBCODES = 100, frozenset({33})
#: code 100 otherwise: an invalid parameter (a refused write: its message says which)
INVALID_CODE = 100
#: code 368: "The action attempted has been deemed abusive or is otherwise disallowed" (the
#: page is blocked from commenting for a while, or the text looks like spam)
BLOCKED_CODES = frozenset({368})


# --- errors ----------------------------------------------------------------------------------
def rate_limit_reset(headers: Mapping[str, str], now: dt.datetime | None = None) -> dt.datetime:
    """When a Graph rate limit ends: ``estimated_time_to_regain_access`` (minutes) of the
    usage headers, else ``Retry-After``, else one hour from now."""
    now = now or http.now_utc()
    minutes = []
    for name in ("x-business-use-case-usage", "x-page-usage", "x-ad-account-usage",
                 "x-app-usage"):
        value = headers.get(name)
        if not value or len(value) > 10_000:
            continue
        try:
            usage = json.loads(value)
        except (ValueError, RecursionError):
            continue
        items = [usage] if isinstance(usage, dict) else []
        if isinstance(usage, dict) and name == "x-business-use-case-usage":
            items = [i for v in usage.values() if isinstance(v, list) for i in v]
        for item in items:
            if isinstance(item, dict):
                regain = to_int(item.get("estimated_time_to_regain_access"))
                if regain is not None:
                    minutes.append(regain)
    if minutes:  # at most a day (a hostile header must not park the source for ever)
        return now + dt.timedelta(minutes=min(max(max(minutes), 1), 24 * 60))
    return http.parse_reset({"retry-after": headers.get("retry-after", "")}, now) \
        or now + dt.timedelta(hours=1)


def graph_error(response: requests.Response, body: Any) -> ConnectorError | None:
    """Typed error for a Graph API error body ``{"error": {message, type, code, ...}}``."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = to_int(error.get("code"))
    subcode = to_int(error.get("error_subcode"))
    status = response.status_code
    # http.request strikes the credentials from the message of the error returned here
    text = (f"facebook: {response.request.method if response.request else ''} "
            f"{safe_url(response.url)} failed: {short(error.get('message') or '?', limit=200)} "
            f"(type {short(error.get('type') or '?', limit=60)}, code {code}"
            + (f", subcode {subcode}" if subcode else "") + ")")
    if code in AUTH_CODES:
        err: ConnectorError = AuthError(text + ": the page token is invalid, expired or revoked",
                                        status=status)
    elif code in RATE_LIMIT_CODES:
        reset_at = rate_limit_reset(response.headers)
        err = RateLimitError(text + f": rate limited until {reset_at.isoformat()}",
                             reset_at=reset_at, status=status)
    elif code in PERMISSION_CODES:
        err = AuthError(text + ": the token lacks a permission", status=status)
    elif code in TEMPORARY_CODES or error.get("is_transient") or status >= 500:
        err = TemporaryError(text, status=status)
    elif code == GONE_CODE and subcode in GONE_SUBCODES:
        err = GoneError(text + ": the post was deleted or is no longer visible", status=status)
    else:
        err = ConnectorError(text, status=status)
        # a refused write: Meta's words and why, explained by the outbox
        words = (text_of(error.get("message")) or "").lower()
        if code in BLOCKED_CODES:
            err.refusal = BLOCKED
        elif "too long" in words or "at most" in words:
            err.refusal = TOO_LONG
        elif code == INVALID_CODE and "empty" in words:
            err.refusal = EMPTY
        elif code == INVALID_CODE:
            err.refusal = INVALID
    err.detail = short(error.get("message") or "", limit=300)
    err.code = code
    return err


# --- parsing ---------------------------------------------------------------------------------
def parse_from(value: Any) -> Author | None:
    """Author of a ``from {id, name}`` (missing when Facebook withholds the user)."""
    if not isinstance(value, dict) or not text_of(value.get("id")):
        return None
    user_id = text_of(value["id"])
    return Author(
        network=NETWORK,
        external_id=user_id,
        display_name=text_of(value.get("name")) or None,
        profile_url=f"https://www.facebook.com/{user_id}" if user_id.isdigit() else None,
    )


def parse_comment(comment: Mapping[str, Any], post: Mapping[str, Any]) -> Post:
    comment = expect_dict(comment, "comments.data[]", NETWORK)
    if not text_of(comment.get("id")):
        raise MalformedResponseError("facebook: comment without 'id'")
    parent_comment = comment.get("parent") if isinstance(comment.get("parent"), dict) else {}
    parent = parent_comment.get("id")
    post_author = post.get("from") if isinstance(post.get("from"), dict) else {}
    parent_author = (parent_comment.get("from") if isinstance(parent_comment.get("from"), dict)
                     else {})
    author = parse_from(comment.get("from"))
    # the replied-to account counts as mentioned (as X, Mastodon and Bluesky do): the
    # comment's parent comment's author, or the post's author for a top-level comment
    replied_to = [(parent_author if parent else post_author).get("id")]
    replied_to = [text_of(i) for i in replied_to if text_of(i)]
    return Post(
        network=NETWORK,
        external_id=text_of(comment["id"]),
        text=text_of(comment.get("message")),
        posted_at=parse_datetime(comment.get("created_time"), "comments.data[].created_time",
                                 NETWORK),
        author=author,
        url=comment.get("permalink_url") or None,
        in_reply_to_external_id=text_of(parent or post.get("id")) or None,
        # the page's own post (``/{page}/posts``): the ingestion threads its comments by the
        # comment they answer, else as conversations of their own (as the webhook's)
        conversation_external_id=text_of(post.get("id")) or None,
        like_count=to_int(comment.get("like_count")) or 0,
        reply_count=to_int(comment.get("comment_count")) or 0,
        mentioned_external_ids=tuple(
            str(i) for i in replied_to if not author or str(i) != author.external_id),
        raw={**comment, "post_id": post.get("id")},
    )


def parse_tagged(item: Mapping[str, Any], page_id: str) -> Post:
    item = expect_dict(item, "tagged.data[]", NETWORK)
    if not text_of(item.get("id")):
        raise MalformedResponseError("facebook: tagged post without 'id'")
    author = parse_from(item.get("from"))
    return Post(
        network=NETWORK,
        external_id=text_of(item["id"]),
        text=text_of(item.get("message")),
        posted_at=parse_datetime(item.get("created_time"), "tagged.data[].created_time",
                                 NETWORK),
        author=author,
        url=item.get("permalink_url") or None,
        conversation_external_id=text_of(item["id"]),
        mentioned_external_ids=(page_id,),
        raw=dict(item),
    )


# --- connector -------------------------------------------------------------------------------
def _proof(token: str, app_secret: str | None) -> dict[str, str]:
    if not app_secret:
        return {}
    digest = hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return {"appsecret_proof": digest}


def _base(base_url: str) -> str:
    base = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigurationError(f"facebook: {base!r} is not a Graph API URL")
    return base


@register
class FacebookConnector(Connector):
    network = NETWORK
    kinds = ("page",)

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"facebook: unknown source kind {config.kind!r}")
        self.page_id = (config.account_id or config.query or "").strip()
        if not self.page_id:
            raise ConfigurationError("facebook: the page id is missing")
        self.token = (config.credentials or {}).get("page_access_token")
        if not self.token:
            raise ConfigurationError("facebook: credentials['page_access_token'] is missing")
        self.app_secret = (config.credentials or {}).get("app_secret")
        self.base = _base(config.base_url)
        self.session = session or requests.Session()
        self.limit = min(max(config.page_size, 1), 100)

    def _get(self, url: str, params: dict | None) -> dict:
        if params is None:  # a paging link: it carries the token, so it must stay on Graph
            url = http.check_same_host(url, self.base, NETWORK)
        else:
            params = {**params, "access_token": self.token, **_proof(self.token, self.app_secret)}
        body, _response = http.request_json(
            self.session, "GET", url, network=NETWORK, params=params,
            timeout=self.config.timeout, secrets=(self.token, self.app_secret),
            error_hook=graph_error, expect=dict, max_bytes=self.config.max_response_bytes,
        )
        return body

    def _pages(self, url: str, params: dict) -> Iterator[tuple[dict, bool]]:
        """(answer, has_next) along ``paging.next``, at most ``config.max_pages``."""
        for number in range(1, max(1, self.config.max_pages) + 1):
            body = self._get(url, params)
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            next_url = paging.get("next")
            has_next = bool(next_url) and number < self.config.max_pages
            yield body, has_next
            if not has_next:
                return
            url, params = next_url, None  # the next link carries every parameter

    def _comments(self, post: dict, since: dt.datetime | None, rejected: list) -> list[Post]:
        """New comments of one post, following the comments' own paging if needed; comments
        that cannot be read go to ``rejected``."""
        comments = post.get("comments") if isinstance(post.get("comments"), dict) else {}
        result = []
        for number in range(MAX_COMMENT_PAGES):
            items, over = cap_items(expect_list(comments.get("data"), "comments.data", NETWORK),
                                    NETWORK, "comments.data")
            parsed, bad = parse_each(items, lambda c: parse_comment(c, post), NETWORK,
                                     "comments.data")
            rejected.extend(bad + over)
            reached = False
            for comment in parsed:
                if since is not None and comment.posted_at <= since:
                    reached = True
                    continue
                result.append(comment)
            paging = comments.get("paging") if isinstance(comments.get("paging"), dict) else {}
            next_url = paging.get("next")
            if reached or not next_url or not items or number + 1 >= MAX_COMMENT_PAGES:
                return result
            comments = self._get(next_url, None)
        return result

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        since = parse_datetime(cursor, "cursor", NETWORK) if cursor else None
        newest = since

        def note(posts):
            nonlocal newest
            for post in posts:
                if newest is None or post.posted_at > newest:
                    newest = post.posted_at

        fields = (f"id,message,created_time,permalink_url,from{{id,name}},"
                  f"comments.filter(stream).order(reverse_chronological)"
                  f".limit({COMMENTS_LIMIT}){{{COMMENT_FIELDS}}}")
        for body, has_next in self._pages(f"{self.base}/{self.page_id}/posts",
                                          {"fields": fields, "limit": self.limit}):
            posts, oldest, rejected = [], None, []
            items, over = cap_items(expect_list(body.get("data"), "posts.data", NETWORK),
                                    NETWORK, "posts.data")
            rejected.extend(over)
            for item in items:
                try:
                    item = expect_dict(item, "posts.data[]", NETWORK)
                    created = parse_datetime(item.get("created_time"),
                                             "posts.data[].created_time", NETWORK)
                except MalformedResponseError as exc:  # its comments go to quarantine with it
                    rejected.append(Rejected(NETWORK, str(exc), None, item if isinstance(
                        item, dict) else {"value": item}))
                    continue
                oldest = created if oldest is None or created < oldest else oldest
                posts.extend(self._comments(item, since, rejected))
            note(posts)
            yield Page(posts=posts, rejected=rejected)
            if since is not None and oldest is not None and oldest < since - LOOKBACK:
                break
            if not has_next:
                break

        try:
            for body, _has_next in self._pages(
                    f"{self.base}/{self.page_id}/tagged",
                    {"fields": "id,message,created_time,permalink_url,from{id,name}",
                     "limit": self.limit}):
                posts, reached = [], False
                items, over = cap_items(expect_list(body.get("data"), "tagged.data", NETWORK),
                                        NETWORK, "tagged.data")
                parsed, rejected = parse_each(items, lambda i: parse_tagged(i, self.page_id),
                                              NETWORK, "tagged.data")
                for post in parsed:
                    if since is not None and post.posted_at <= since:
                        reached = True
                        continue
                    posts.append(post)
                note(posts)
                yield Page(posts=posts, rejected=rejected + over)
                if reached:
                    break
        except AuthError as error:
            if getattr(error, "code", None) not in PERMISSION_CODES:
                raise
            _logger.warning("facebook: page %s: tagged posts skipped: %s", self.page_id, error)

        # everything was yielded: a last, empty page carries the new high-water mark
        yield Page(posts=[], cursor=iso(newest) if newest else None, is_last=True)


# --- replies and moderation ------------------------------------------------------------------
def _token(credentials: Mapping[str, str]) -> str:
    token = (credentials or {}).get("page_access_token")
    if not token:
        raise ConfigurationError("facebook: credentials['page_access_token'] is missing")
    return token


def reply(credentials: Mapping[str, str], in_reply_to_external_id: str, text: str,
          timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
          session: requests.Session | None = None) -> ReplyResult:
    """Reply as the page to comment (or post) ``in_reply_to_external_id``."""
    token = _token(credentials)
    app_secret = (credentials or {}).get("app_secret")
    body, _response = http.request_json(
        session, "POST", f"{_base(base_url)}/{in_reply_to_external_id}/comments",
        network=NETWORK, data={"message": text, "access_token": token,
                               **_proof(token, app_secret)},
        timeout=timeout, secrets=(token, app_secret), error_hook=graph_error, expect=dict,
    )
    if not text_of(body.get("id")):
        raise MalformedResponseError("facebook: reply answer without 'id'")
    url = body.get("permalink_url")
    return ReplyResult(external_id=text_of(body["id"])[:512], url=url if isinstance(url, str)
                       and url.startswith(("https://", "http://")) else None)


def hide_comment(credentials: Mapping[str, str], comment_id: str,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session: requests.Session | None = None, hidden: bool = True) -> bool:
    """Hide (``hidden=False``: unhide) a comment on the page; True when Facebook agreed."""
    token = _token(credentials)
    app_secret = (credentials or {}).get("app_secret")
    body, _response = http.request_json(
        session, "POST", f"{_base(base_url)}/{comment_id}", network=NETWORK,
        data={"is_hidden": "true" if hidden else "false", "access_token": token,
              **_proof(token, app_secret)},
        timeout=timeout, secrets=(token, app_secret), error_hook=graph_error, expect=dict,
    )
    return bool(body.get("success"))


# --- webhooks (push) -------------------------------------------------------------------------
WEBHOOK_FEED_ITEMS = frozenset({"comment", "post", "status", "photo", "video", "share"})
WEBHOOK_VERBS = frozenset({"add", "edited"})


def _webhook_time(value: Any, field: str) -> dt.datetime:
    """Webhook times are epoch seconds (some Meta payloads use milliseconds) or ISO 8601."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 10**11:
        value = value / 1000
    return parse_datetime(value, field, NETWORK)


def parse_webhook_change(entry: Mapping[str, Any], change: Mapping[str, Any],
                         obj: str = "page") -> Post | None:
    """Post of one ``entry[].changes[]`` item of a Meta webhook delivery, or None when the
    change is no new or edited text (reactions, removals, the page's own posts...).

    Pages (``object: page``), field ``feed``: ``value`` has ``item`` (comment, status, photo,
    ...), ``verb`` (add, edited, remove), ``from {id, name}``, ``post_id``, ``comment_id``,
    ``parent_id``, ``message``, ``created_time`` (epoch seconds). Instagram
    (``object: instagram``), field ``comments``: ``value`` has ``id``, ``text``,
    ``from {id, username}``, ``media {id}``, ``parent_id``; its time is the entry's ``time``.

    Meta also sends the page's (the Instagram account's: ``from.id`` is the entry's ``id``)
    own changes. Its replies to a comment are read: the company's answers written in
    Facebook's or Instagram's own app, which a ticket of that conversation records as its
    reaction (a reply sent from Odoo that comes back is known by its id there); its posts,
    and its comments directly under an Instagram media (the account's own), are left out
    (:func:`_page_s_own_reply`). The page's comment directly under a Facebook post is read
    marked ``own_top_level_comment``: the webhook does not say whose post it is, the
    processing of the events does (a customer's post stored: the company's answer; the
    page's own post, never stored: left out).
    """
    entry = expect_dict(entry, "entry[]", NETWORK)
    change = expect_dict(change, "entry[].changes[]", NETWORK)
    value = expect_dict(change.get("value"), "entry[].changes[].value", NETWORK)
    page_id = str(entry.get("id") or "")
    sender = value.get("from") if isinstance(value.get("from"), dict) else {}
    own = bool(sender.get("id") and str(sender["id"]) == page_id)
    top_level = own and _page_s_top_level_comment(change, value, obj)
    if own and not top_level and not _page_s_own_reply(change, value, obj):
        return None  # the page's (or account's) own post, or its comment under a media
    # the page mentions nobody by answering (its own id is no mention of the brand)
    mentioned = (page_id,) if page_id and not own else ()
    if obj == "instagram" and change.get("field") == "comments":
        if not value.get("id"):
            raise MalformedResponseError("instagram: comment without 'id'")
        media = value.get("media") if isinstance(value.get("media"), dict) else {}
        username = sender.get("username") or None
        author = Author(
            network="instagram", external_id=str(sender["id"]), handle=username,
            display_name=username,
            profile_url=f"https://www.instagram.com/{username}" if username else None,
        ) if sender.get("id") else None
        media_id = str(media["id"]) if media.get("id") else None
        return Post(
            network="instagram",
            external_id=str(value["id"]),
            text=value.get("text") or "",
            posted_at=_webhook_time(entry.get("time"), "entry[].time"),
            author=author,
            in_reply_to_external_id=str(value.get("parent_id") or media_id or "") or None,
            conversation_external_id=media_id,
            mentioned_external_ids=mentioned,
            raw=dict(value),
        )
    if change.get("field") != "feed":
        return None
    if value.get("verb") not in WEBHOOK_VERBS or value.get("item") not in WEBHOOK_FEED_ITEMS:
        return None
    post_id = str(value.get("post_id") or "") or None
    if value.get("item") == "comment":
        external_id = str(value.get("comment_id") or "")
        parent = str(value.get("parent_id") or "") or None
        in_reply_to = parent or post_id
    else:
        external_id, in_reply_to = post_id or "", None
    if not external_id:
        raise MalformedResponseError("facebook: feed change without post_id/comment_id")
    post = value.get("post") if isinstance(value.get("post"), dict) else {}
    return Post(
        network=NETWORK,
        external_id=external_id,
        text=value.get("message") or "",
        posted_at=_webhook_time(value.get("created_time") or entry.get("time"),
                                "value.created_time"),
        author=parse_from(sender),
        url=(value.get("link") if external_id == post_id else None)
        or (post.get("permalink_url") if external_id == post_id else None)
        or f"https://www.facebook.com/{external_id}",
        in_reply_to_external_id=in_reply_to,
        # the post commented on; the ingestion threads a comment on a post it does not store
        # (the page's own) by the comment it answers, else as a conversation of its own
        conversation_external_id=post_id,
        mentioned_external_ids=mentioned,
        raw=dict(value),
        # ``edited``: the author changed the text; ``created_time`` stays the post's, the
        # entry's ``time`` is when the change happened
        edited_at=_edited_time(entry) if value.get("verb") == "edited" else None,
        own_top_level_comment=top_level,
    )


def _page_s_own_reply(change: Mapping[str, Any], value: Mapping[str, Any], obj: str) -> bool:
    """Whether a change of the page's (the Instagram account's) own is its reply to a comment
    (``parent_id`` names a comment, not the post): the company's answer in a conversation.
    Its comments directly under a post name the post as their parent, or no parent."""
    parent = text_of(value.get("parent_id"))
    if obj == "instagram":
        return change.get("field") == "comments" and bool(parent)
    return (change.get("field") == "feed" and value.get("item") == "comment"
            and bool(parent) and parent != text_of(value.get("post_id")))


def _page_s_top_level_comment(change: Mapping[str, Any], value: Mapping[str, Any],
                              obj: str) -> bool:
    """Whether a change of the page's own is its comment directly under a Facebook post
    (``parent_id`` the post, or none): an answer only if the post is a customer's."""
    parent = text_of(value.get("parent_id"))
    post_id = text_of(value.get("post_id"))
    return (obj == "page" and change.get("field") == "feed" and value.get("item") == "comment"
            and bool(post_id) and parent in ("", post_id))


def _edited_time(entry: Mapping[str, Any]) -> dt.datetime | None:
    try:
        return _webhook_time(entry.get("time"), "entry[].time") if entry.get("time") else None
    except MalformedResponseError:
        return None


def parse_webhook_removal(entry: Mapping[str, Any], change: Mapping[str, Any],
                          obj: str = "page") -> Deletion | None:
    """Deletion of one ``entry[].changes[]`` item of a page's ``feed`` saying ``verb:
    remove`` (a comment: ``comment_id``; a post: ``post_id``), dated by the entry's ``time``;
    None for any other change, and for the page's own posts (never stored). The page's own
    comment removed is the company's answer deleted on the network: deleted here as any
    post its author deleted (as a Mastodon stream's ``delete`` of the company's status, or
    a re-check finding it gone). On Facebook the comments of a removed post, and the
    replies of a removed comment, go with it (``with_replies``)."""
    entry = expect_dict(entry, "entry[]", NETWORK)
    change = expect_dict(change, "entry[].changes[]", NETWORK)
    if obj != "page" or change.get("field") != "feed":
        return None
    value = expect_dict(change.get("value"), "entry[].changes[].value", NETWORK)
    if value.get("verb") != "remove" or value.get("item") not in WEBHOOK_FEED_ITEMS:
        return None
    sender = value.get("from") if isinstance(value.get("from"), dict) else {}
    page_id = str(entry.get("id") or "")
    if sender.get("id") and str(sender["id"]) == page_id and value.get("item") != "comment":
        return None  # the page's own post: never stored
    key = "comment_id" if value.get("item") == "comment" else "post_id"
    external_id = value.get(key)
    if not isinstance(external_id, str | int) or isinstance(external_id, bool) \
            or not str(external_id):
        raise MalformedResponseError(f"facebook: a removal without '{key}'")
    return Deletion(NETWORK, str(external_id), _edited_time(entry),
                    str(sender["id"]) if sender.get("id") else None, with_replies=True)


def _webhook_items(body: Any, parse) -> list:
    """``parse(entry, change, obj)`` of every ``entry[].changes[]`` item of a whole Meta
    webhook delivery ``{"object", "entry": [{id, time, changes}]}``, without the Nones."""
    body = expect_dict(body, "the delivery", NETWORK)
    obj = body.get("object") or "page"
    items = []
    for entry in expect_list(body.get("entry"), "entry", NETWORK):
        entry = expect_dict(entry, "entry[]", NETWORK)
        for change in expect_list(entry.get("changes"), "entry[].changes", NETWORK):
            item = parse(entry, change, obj)
            if item is not None:
                items.append(item)
    return items


def parse_webhook_removals(body: Any) -> list[Deletion]:
    """Deletions of a whole Meta webhook delivery (``verb: remove`` feed changes)."""
    return _webhook_items(body, parse_webhook_removal)


def _observed_change(entry: Mapping[str, Any], change: Mapping[str, Any],
                     obj: str = "page") -> Post | None:
    post = parse_webhook_change(entry, change, obj)
    # what the change says of its author was true at the entry's ``time``
    return observed([post], _edited_time(entry))[0] if post is not None else None


def parse_webhook(body: Any) -> list[Post]:
    """Posts of a whole Meta webhook delivery ``{"object", "entry": [{id, time, changes}]}``
    (their authors dated by the entry's ``time``)."""
    return _webhook_items(body, _observed_change)
