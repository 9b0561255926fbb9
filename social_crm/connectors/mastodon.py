"""Mastodon REST API (any instance) through ``requests``.

Kinds (``config.base_url`` is the instance, token in ``credentials['access_token']``):

* ``mentions``: ``GET /api/v1/notifications?types[]=mention`` (needs a token)
* ``hashtag``: ``GET /api/v1/timelines/tag/:hashtag`` (``config.query``, with or without ``#``)
* ``search``: ``GET /api/v2/search?type=statuses&q=...`` (``config.query``)

Paging follows the ``Link: <...>; rel="next"`` header (``response.links``) for timelines,
``offset`` for search. Parsing is in :func:`parse_status` / :func:`parse_account`.

Cursor: the newest id seen (notification id for ``mentions``, status id otherwise), sent as
``since_id`` (``min_id`` for search, whose results are also filtered client side). Results
come newest first, so only the last page yielded carries the cursor; pages cut off by
``config.max_pages`` are skipped.

Identities: ``Author.external_id`` is the account's full address ``user@instance`` (stable
across instances, unlike the instance-local numeric account id, which is kept in ``raw``);
``Post.external_id`` is the status id on the configured instance (what replies need).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    EMPTY,
    INVALID,
    MAX_ITEMS_PER_ANSWER,
    TOO_LONG,
    Author,
    ConfigurationError,
    Connector,
    ConnectorError,
    Deletion,
    GoneError,
    InvalidItemError,
    MalformedResponseError,
    Page,
    Post,
    ReplyResult,
    SourceConfig,
    register,
)
from .util import (
    cap_items,
    expect_dict,
    expect_list,
    html_to_text,
    id_key,
    max_id,
    parse_datetime,
    parse_each,
    short,
    text_of,
    to_int,
)

NETWORK = "mastodon"
MAX_LIMIT = 40
MAX_ITEMS = MAX_ITEMS_PER_ANSWER


def instance_url(base_url: str) -> str:
    base_url = (base_url or "").strip().rstrip("/")
    if not base_url:
        raise ConfigurationError("mastodon: the instance URL (base_url) is missing")
    if "://" not in base_url:
        base_url = "https://" + base_url
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"mastodon: {base_url!r} is not an instance URL")
    return f"{parts.scheme}://{parts.netloc}"


def full_acct(acct: str | None, host: str) -> str | None:
    """``user@instance`` for any account address (local accounts get ``host``)."""
    acct = text_of(acct)
    if not acct:
        return None
    acct = acct.lstrip("@")
    return acct if "@" in acct else f"{acct}@{host}"


# --- parsing ---------------------------------------------------------------------------------
def parse_account(account: Mapping[str, Any] | None, host: str) -> Author | None:
    """Author from a Mastodon Account entity (None when missing)."""
    if not account or not isinstance(account, dict):
        return None
    acct = full_acct(account.get("acct") or account.get("username"), host)
    if not acct:
        raise MalformedResponseError("mastodon: account without 'acct'")
    fields = account.get("fields")
    fields = fields if isinstance(fields, list) else []
    return Author(
        network=NETWORK,
        external_id=acct.lower(),
        handle=acct,
        display_name=text_of(account.get("display_name") or account.get("username")) or None,
        profile_url=account.get("url") or None,
        bio=html_to_text(account.get("note")) or None,
        followers_count=to_int(account.get("followers_count")),
        following_count=to_int(account.get("following_count")),
        posts_count=to_int(account.get("statuses_count")),
        verified=any(isinstance(f, dict) and f.get("verified_at") for f in fields),
    )


def parse_status(status: Mapping[str, Any], host: str) -> Post:
    """Post from a Mastodon Status entity (a boost is read as the boosted status)."""
    status = expect_dict(status, "status", NETWORK)
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    status_id = status.get("id")
    if not status_id or not isinstance(status_id, str | int) or isinstance(status_id, bool):
        raise MalformedResponseError("mastodon: status without 'id'")
    text = html_to_text(status.get("content"))
    if text_of(status.get("spoiler_text")):
        text = f"{text_of(status['spoiler_text'])}\n\n{text}".strip()
    author = parse_account(status.get("account"), host)
    mentions = status.get("mentions")
    mentions = [m for m in (mentions if isinstance(mentions, list) else [])
                if isinstance(m, dict)]
    accts = [full_acct(m.get("acct") or m.get("username"), host) for m in mentions]
    own = author.external_id if author else None
    accts = [a for a in dict.fromkeys(accts) if a and a.lower() != own]
    return Post(
        network=NETWORK,
        external_id=str(status_id),
        text=text,
        posted_at=parse_datetime(status.get("created_at"), "status.created_at", NETWORK),
        author=author,
        url=status.get("url") or status.get("uri") or None,
        lang=status.get("language") or None,
        in_reply_to_external_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id")
        else None,
        like_count=to_int(status.get("favourites_count")) or 0,
        repost_count=to_int(status.get("reblogs_count")) or 0,
        reply_count=to_int(status.get("replies_count")) or 0,
        quote_count=to_int(status.get("quotes_count")) or 0,
        mentioned_external_ids=tuple(a.lower() for a in accts),
        mentioned_handles=tuple(accts),
        raw=dict(status),
        # set once the author edited the status (REST answers give its current text; the
        # stream sends a ``status.update`` event): ingestion then updates the stored text
        edited_at=status.get("edited_at") or None,
    )


def parse_statuses(items: Any, host: str) -> list[Post]:
    """Posts of a list of statuses (raises for the first status it cannot read)."""
    return [parse_status(s, host) for s in expect_list(items, "statuses", NETWORK)]


def is_direct(status: Any) -> bool:
    """Whether a status is a private mention (visibility ``direct``): never a public post;
    private messages are read by a source of kind *direct* (``mastodon_dm``)."""
    return isinstance(status, dict) and status.get("visibility") == "direct"


def read_statuses(items: Any, host: str):
    """(posts, rejected items) of a list of statuses: a status that cannot be read is
    rejected with the reason, the others are kept; private (``direct``) ones are left out."""
    items, over = cap_items(expect_list(items, "statuses", NETWORK), NETWORK, "statuses")
    items = [s for s in items if not is_direct(s)]
    posts, rejected = parse_each(items, lambda s: parse_status(s, host), NETWORK, "statuses")
    return posts, rejected + over


def _id_text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) \
        and value != "" else None


def parse_notifications(items: Any, host: str, direct: bool = False):
    """Posts of mention notifications, the newest notification id, and the rejected items.
    Public listening (``direct`` False) leaves out private mentions (visibility ``direct``);
    ``direct`` True keeps only them."""
    items, over = cap_items(expect_list(items, "notifications", NETWORK), NETWORK,
                            "notifications")
    newest, statuses = None, []
    for item in items:
        if not isinstance(item, dict):
            statuses.append(item)  # rejected below with the reason
            continue
        newest = max_id(newest, _id_text(item.get("id")))
        if item.get("type", "mention") != "mention" or not isinstance(item.get("status"), dict):
            continue  # status deleted meanwhile, or another notification type
        if is_direct(item["status"]) != direct:
            continue  # a private message is no public post (and the other way round)
        statuses.append(item["status"])
    posts, rejected = parse_each(statuses, lambda s: parse_status(s, host), NETWORK,
                                 "notifications.status")
    return posts, newest, rejected + over


# --- connector -------------------------------------------------------------------------------
@register
class MastodonConnector(Connector):
    network = NETWORK
    kinds = ("mentions", "hashtag", "search")

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"mastodon: unknown source kind {config.kind!r}")
        self.base = instance_url(config.base_url)
        self.host = urlsplit(self.base).netloc
        self.token = (config.credentials or {}).get("access_token")
        if config.kind == "mentions" and not self.token:
            raise ConfigurationError("mastodon: mentions need credentials['access_token']")
        if config.kind in ("hashtag", "search") and not config.query.strip().lstrip("#"):
            raise ConfigurationError(f"mastodon: a {config.kind} source needs a query")
        self.session = session or requests.Session()
        self.limit = min(max(config.page_size, 1), MAX_LIMIT)

    def _get(self, url: str, params=None, expect: type = list) -> tuple[Any, requests.Response]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return http.request_json(
            self.session, "GET", url, network=NETWORK, params=params, headers=headers,
            timeout=self.config.timeout, secrets=(self.token,), expect=expect,
            max_bytes=self.config.max_response_bytes,
        )

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        if self.config.kind == "search":
            yield from self._fetch_search(cursor)
        else:
            yield from self._fetch_timeline(cursor)

    def _fetch_timeline(self, cursor: str | None) -> Iterator[Page]:
        if self.config.kind == "mentions":
            url = f"{self.base}/api/v1/notifications"
            params: Any = [("types[]", "mention"), ("limit", self.limit)]
        else:
            tag = self.config.query.strip().lstrip("#")
            url = f"{self.base}/api/v1/timelines/tag/{quote(tag, safe='')}"
            params = [("limit", self.limit)]
        if cursor:
            params.append(("since_id", cursor))
        newest = cursor or None
        for number in range(1, max(1, self.config.max_pages) + 1):
            body, response = self._get(url, params)
            if self.config.kind == "mentions":
                posts, page_newest, rejected = parse_notifications(body, self.host)
            else:
                posts, rejected = read_statuses(body, self.host)
                page_newest = max_id(*(_id_text(s.get("id")) for s in body[:MAX_ITEMS]
                                       if isinstance(s, dict)))
            newest = max_id(newest, page_newest)
            next_url = (response.links.get("next") or {}).get("url")
            is_last = not body or not next_url or number >= self.config.max_pages
            yield Page(posts=posts, cursor=newest if is_last else None, is_last=is_last,
                       rejected=rejected)
            if is_last:
                return
            # the next link carries since_id and max_id; it must stay on the instance (it
            # gets the token): another host ends the poll with an error, the cursor unmoved
            url, params = http.check_same_host(next_url, self.base, NETWORK), None

    def _fetch_search(self, cursor: str | None) -> Iterator[Page]:
        url = f"{self.base}/api/v2/search"
        newest = cursor or None
        offset = 0
        for number in range(1, max(1, self.config.max_pages) + 1):
            params = {"q": self.config.query.strip(), "type": "statuses", "limit": self.limit,
                      "resolve": "false"}
            if cursor:
                params["min_id"] = cursor
            if offset:
                params["offset"] = offset
            body, _response = self._get(url, params, expect=dict)
            statuses = expect_list(body.get("statuses"), "statuses", NETWORK)
            parsed, rejected = read_statuses(statuses, self.host)
            posts = [p for p in parsed if not cursor or id_key(p.external_id) > id_key(cursor)]
            newest = max_id(newest, *(p.external_id for p in posts))
            offset += len(statuses)
            is_last = (len(statuses) < self.limit or len(posts) < len(parsed)
                       or number >= self.config.max_pages)
            yield Page(posts=posts, cursor=newest if is_last else None, is_last=is_last,
                       rejected=rejected)
            if is_last:
                return


# --- replies ---------------------------------------------------------------------------------
#: Mastodon's validation errors (HTTP 422 ``{"error": "Validation failed: ..."}``) -> refusal
REFUSAL_WORDS = (
    ("character limit", TOO_LONG),  # "Text character limit of 500 exceeded"
    ("too long", TOO_LONG),
    ("can't be blank", EMPTY),  # "Text can't be blank"
)
#: a 422 saying that the status to answer is gone (deleted meanwhile, or not visible)
GONE_WORDS = ("does not appear to exist", "deleted", "not found")


def _reply_gone(response, body):
    """Mastodon answers 404 ("The post you are trying to reply to does not appear to exist.")
    when the status to answer was deleted, or is not visible to the account; HTTP 422
    ``{"error": "Validation failed: ..."}`` when it refuses the reply itself (too long,
    empty...): the error carries Mastodon's words (``detail``) and why (``refusal``)."""
    status = response.status_code
    words = body.get("error") if isinstance(body, dict) else None
    words = short(words, limit=300) if isinstance(words, str) else ""
    if status in (404, 410) or (status == 422 and any(
            w in words.lower() for w in GONE_WORDS)):
        error = GoneError(
            f"mastodon: reply refused (HTTP {status}"
            + (f", {words[:200]}" if words else "")
            + "): the post was deleted or is no longer visible",
            status=status,
        )
        error.detail = words
        return error
    if status == 422:
        error = ConnectorError(
            "mastodon: reply refused (HTTP 422" + (f", {words}" if words else "") + ")",
            status=status)
        error.detail = words
        error.refusal = next((why for w, why in REFUSAL_WORDS if w in words.lower()), INVALID)
        return error
    return None


def resolve_status(credentials: Mapping[str, str], uri: str,
                   timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                   session: requests.Session | None = None) -> str:
    """The id on the instance ``base_url`` of the status whose federation URI is ``uri``
    (status ids are local to each instance): ``GET /api/v2/search?q=<uri>&resolve=true``,
    which fetches the status from its home server where the instance does not know it yet.
    Raises :class:`GoneError` where the instance does not find it."""
    token = (credentials or {}).get("access_token")
    if not token:
        raise ConfigurationError("mastodon: resolving a status needs credentials['access_token']")
    base = instance_url(base_url or (credentials or {}).get("base_url", ""))
    body, _response = http.request_json(
        session, "GET", f"{base}/api/v2/search", network=NETWORK,
        params={"q": uri, "type": "statuses", "resolve": "true", "limit": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout, secrets=(token,), expect=dict,
    )
    statuses = body.get("statuses")
    for found in statuses if isinstance(statuses, list) else []:
        if isinstance(found, dict) and found.get("uri") == uri and (
            status_id := _id_text(found.get("id"))
        ):
            return status_id
    raise GoneError(
        f"mastodon: {urlsplit(base).netloc} does not find the post to answer ({uri[:300]}): "
        "it was deleted or is not visible to the account",
        status=404,
    )


def reply(credentials: Mapping[str, str], in_reply_to_external_id: str, text: str,
          timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
          session: requests.Session | None = None, visibility: str | None = None) -> ReplyResult:
    """Post ``text`` as a reply to status ``in_reply_to_external_id`` on the instance
    ``base_url`` (or ``credentials['base_url']``). The reply should start with the
    ``@handle`` of the author so that they are notified."""
    token = (credentials or {}).get("access_token")
    if not token:
        raise ConfigurationError("mastodon: replies need credentials['access_token']")
    base = instance_url(base_url or (credentials or {}).get("base_url", ""))
    payload = {"status": text, "in_reply_to_id": in_reply_to_external_id}
    if visibility:
        payload["visibility"] = visibility
    key = hashlib.sha256(f"{in_reply_to_external_id}\n{text}".encode()).hexdigest()
    body, _response = http.request_json(
        session, "POST", f"{base}/api/v1/statuses", network=NETWORK, json=payload,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        timeout=timeout, secrets=(token,), expect=dict, error_hook=_reply_gone,
    )
    external_id = _id_text(body.get("id"))
    if not external_id:
        raise MalformedResponseError("mastodon: reply answer without 'id'")
    url = body.get("url") or body.get("uri")
    return ReplyResult(external_id=external_id[:512], url=url if isinstance(url, str) and
                       url.startswith(("https://", "http://")) else None)


# --- streaming API ---------------------------------------------------------------------------
STREAM_EVENTS = ("update", "notification", "status.update")


def stream_url(base_url: str, kind: str, query: str = "") -> str:
    """``wss://instance/api/v1/streaming?stream=...`` for a mentions or hashtag source
    (the token travels in the ``Authorization`` header, never in the URL)."""
    base = instance_url(base_url)
    scheme = "wss" if base.startswith("https://") else "ws"
    host = base.split("://", 1)[1]
    if kind == "mentions":
        stream = "stream=user:notification"
    elif kind == "hashtag":
        tag = query.strip().lstrip("#")
        if not tag:
            raise ConfigurationError("mastodon: a hashtag stream needs a hashtag")
        stream = f"stream=hashtag&tag={quote(tag, safe='')}"
    else:
        raise ConfigurationError(f"mastodon: no stream for a {kind!r} source")
    return f"{scheme}://{host}/api/v1/streaming?{stream}"


def parse_stream_message(text: str | bytes) -> tuple[str, Any]:
    """``(event, payload)`` of one streaming message ``{"stream", "event", "payload"}``; the
    payload of ``update``/``notification`` is a JSON string holding a Status/Notification."""
    try:
        message = json.loads(text)
    except ValueError:
        raise MalformedResponseError("mastodon: a stream message is not JSON") from None
    message = expect_dict(message, "stream message", NETWORK)
    event = message.get("event")
    if not isinstance(event, str):
        raise MalformedResponseError("mastodon: a stream message without 'event'")
    payload = message.get("payload")
    if event in STREAM_EVENTS:
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                raise MalformedResponseError(
                    f"mastodon: the payload of a {event!r} message is not JSON") from None
        payload = expect_dict(payload, f"{event} payload", NETWORK)
    return event, payload


def posts_of_stream_item(item: Mapping[str, Any], host: str) -> list[Post]:
    """Posts of a stored stream item ``{"notification": {...}}`` (mentions only) or
    ``{"status": {...}}``.

    Their authors' counts are left undated: the event's receipt dates them
    (``social.crm.event._process``), not the Notification's ``created_at``. Mastodon renders
    the status and its account (with the counts as they are then) when it sends the item:
    on the stream, when it pushes the notification, just after creating it, which the
    receipt follows within the delivery time; in a reconnection's catch-up
    (:func:`catch_up`, ``GET /api/v1/notifications``), when it answers, which may be long
    after ``created_at``. So the counts are as of the delivery, and the receipt is the
    nearest time we know at or after it. ``created_at`` would date a catch-up's counts up to
    hours too early: counts read after a poll would be refused as older than the poll's."""
    item = expect_dict(item, "stream item", NETWORK)
    if "notification" in item:
        posts, _newest, rejected = parse_notifications([item["notification"]], host)
        if rejected and not posts:  # the one item cannot be read: the event is quarantined
            raise InvalidItemError(rejected[0].reason)
        return posts
    return [parse_status(item.get("status"), host)]


def catch_up(base_url: str, token: str | None, kind: str, query: str, since_id: str | None,
             *, session=None, timeout: float = DEFAULT_TIMEOUT, limit: int = MAX_LIMIT,
             max_pages: int = 5) -> tuple[list[dict], bool]:
    """Raw notifications (mentions) or statuses (hashtag) newer than ``since_id``, oldest
    first: what a stream missed while it was down (same endpoints as polling), and whether
    that is all of it: ``False`` when ``max_pages`` ended the paging with more to come
    (pages run forward from ``since_id``: the newest items of the outage were not fetched,
    :func:`catch_up_cut_at`)."""
    base = instance_url(base_url)
    if kind == "mentions":
        url = f"{base}/api/v1/notifications"
        params: Any = [("types[]", "mention"), ("limit", limit)]
    else:
        url = f"{base}/api/v1/timelines/tag/{quote(query.strip().lstrip('#'), safe='')}"
        params = [("limit", limit)]
    if since_id:
        params.append(("min_id", since_id))  # min_id pages forward from since_id
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    items: list[dict] = []
    complete = False
    for _number in range(max(1, max_pages)):
        body, response = http.request_json(
            session, "GET", url, network=NETWORK, params=params, headers=headers,
            timeout=timeout, secrets=(token,), expect=list,
        )
        page = [i for i in body if isinstance(i, dict) and i.get("id")]
        items.extend(page)
        prev_url = (response.links.get("prev") or {}).get("url")
        if not page or not prev_url or len(page) < limit:
            complete = True
            break
        if urlsplit(prev_url).netloc != urlsplit(base).netloc:
            # like polling, paging never leaves the configured instance with the token
            raise MalformedResponseError("mastodon: the next page points to another host")
        url, params = prev_url, None  # "prev" pages towards newer items (min_id)
    unique = {str(i["id"]): i for i in items}
    return [unique[k] for k in sorted(unique, key=id_key)], complete


def catch_up_cut_at(items: list[dict]) -> dt.datetime | None:
    """Of a catch-up cut by its page limit (:func:`catch_up`, oldest first): when the newest
    item fetched was created (UTC, aware); what was published after it, until the stream
    connected, was not fetched. None when no item tells."""
    times = []
    for item in items:
        value = item.get("created_at") if isinstance(item, Mapping) else None
        try:
            when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            continue
        times.append(when if when.tzinfo else when.replace(tzinfo=dt.UTC))
    return max(times, default=None)


def parse_stream_delete(payload: Any) -> Deletion:
    """Deletion of a streaming ``delete`` message, whose payload is the deleted status's id
    (a string: the same id the status had in ``update``)."""
    status_id = _id_text(payload)
    if not status_id:
        raise MalformedResponseError("mastodon: a 'delete' message without the status id")
    return Deletion(NETWORK, status_id)
