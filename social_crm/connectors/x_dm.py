"""X direct messages: API v2 ``dm_events`` through tweepy, plain Python.

Reading (a source of kind ``direct``, polled on its schedule: the Account Activity webhooks
are not on every plan): ``GET /2/dm_events`` (tweepy ``Client.get_direct_message_events``)
with ``event_types=MessageCreate``, ``dm_event.fields`` (``id``, ``text``, ``event_type``,
``dm_conversation_id``, ``created_at``, ``sender_id``, ``participant_ids``, ``attachments``)
and ``expansions=sender_id,participant_ids`` (the users in ``includes.users``). The answer::

    {"data": [{"id": "1582838499983564806", "event_type": "MessageCreate",
               "text": "Hi", "sender_id": "944480690",
               "dm_conversation_id": "783214-944480690",
               "created_at": "2022-10-19T20:58:00.000Z"}],
     "includes": {"users": [{"id": "944480690", "name": "...", "username": "..."}]},
     "meta": {"result_count": 1, "next_token": "..."}}

Events come newest first, paged backwards with ``pagination_token`` (``meta.next_token``);
there is no ``since_id``. The cursor is the newest event id stored (event ids are snowflakes,
so they grow); a poll pages back until it meets that id. When a poll stops earlier (its
``max_pages``, or a 429 rate limit: never slept on, the source is polled again when
``x-rate-limit-reset`` says), the cursor becomes ``<floor>|<next page token>|<top>`` and the
next poll goes on from that page: nothing between the stored id and the newest is skipped.
The first poll of a source reads the latest ``max_pages`` pages only (no 30-day backlog).

Each message becomes a :class:`~.base.Post`: id ``dm:<event id>``, conversation
``dm:<dm_conversation_id>`` (one ticket per conversation), the author read as on public
posts (:func:`.x.parse_user`: the same X user id is the same identity). Messages sent by our
own account (``config.account_id``: from Odoo or from the X app) are dropped.

Sending: ``POST /2/dm_conversations/:dm_conversation_id/messages`` (tweepy
``create_direct_message``) with ``{"text": ...}``; the answer is
``{"data": {"dm_conversation_id": ..., "dm_event_id": ...}}``.

Credentials: user context, either the OAuth 1.0a keys (``consumer_key``,
``consumer_secret``, ``access_token``, ``access_token_secret``, the app with the permission
"Read, write and Direct Messages") or an OAuth 2.0 user access token in ``bearer_token``
(scopes ``dm.read dm.write tweet.read users.read``). An app-only bearer token is refused by X.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import tweepy
from oauthlib import oauth1

from . import http, x
from .base import (
    DEFAULT_TIMEOUT,
    AuthError,
    Author,
    ConfigurationError,
    Connector,
    MalformedResponseError,
    Page,
    Post,
    ReplyResult,
    SourceConfig,
)
from .events import RawEvent
from .util import (
    cap_items,
    expect_dict,
    expect_list,
    id_key,
    max_id,
    parse_datetime,
    parse_each,
    text_of,
)

NETWORK = "x"
DM_EVENT_FIELDS = [
    "id", "text", "event_type", "dm_conversation_id", "created_at", "sender_id",
    "participant_ids", "attachments",
]
EXPANSIONS = ["sender_id", "participant_ids", "attachments.media_keys"]
MEDIA_FIELDS = ["media_key", "type", "url"]
#: hosts X serves direct message files from: the credentials are sent to these only
MEDIA_HOSTS = ("ton.twitter.com", "ton.x.com")
MAX_TEXT = 10_000  # X refuses longer direct messages
WEB_MESSAGES = f"{x.WEB}/messages"
AUTH_HINT = (
    "the access token was revoked or lacks the direct message permission (OAuth 1.0a: app "
    "permission “Read, write and Direct Messages”; OAuth 2.0: scopes dm.read, dm.write, "
    "tweet.read, users.read); authorize the account again and enter the new tokens"
)


def conversation_key(conversation_id: Any) -> str:
    return f"dm:{conversation_id}"


def conversation_of_key(key: str | None) -> str | None:
    """The ``dm_conversation_id`` of a ``dm:<id>`` conversation key (None for others)."""
    if not key or not key.startswith("dm:"):
        return None
    return key[3:] or None


def has_credentials(credentials: Mapping[str, str] | None) -> bool:
    credentials = credentials or {}
    return all(credentials.get(k) for k in x.USER_KEYS) or bool(credentials.get("bearer_token"))


def _client(credentials: Mapping[str, str], timeout: float | None, session=None,
            max_bytes: int | None = None) -> tuple[tweepy.Client, bool]:
    """``(client, user_auth)``: OAuth 1.0a user context when its four keys are there, else
    the OAuth 2.0 user access token given as bearer token."""
    credentials = credentials or {}
    user_auth = all(credentials.get(k) for k in x.USER_KEYS)
    if not user_auth and not credentials.get("bearer_token"):
        raise ConfigurationError(
            "x: direct messages need the account's user context keys (API key and secret, "
            "access token and secret) or an OAuth 2.0 user access token")
    client = x.make_client(credentials, timeout=timeout, session=session, user_auth=user_auth,
                           max_bytes=max_bytes)
    return client, user_auth


def _reraise_auth(error: AuthError, what: str) -> AuthError:
    status = f" ({error.status})" if error.status else ""
    return AuthError(f"x: {what} refused{status}: {AUTH_HINT}.", status=error.status)


# --- cursor ----------------------------------------------------------------------------------
def parse_cursor(cursor: str | None) -> tuple[str | None, str | None, str | None]:
    """``(floor, resume token, top)`` of a stored cursor: a plain event id is the floor; a
    resumed poll carries the page token to go on from and the newest id it had seen."""
    cursor = (cursor or "").strip()
    if not cursor:
        return None, None, None
    if "|" not in cursor:
        return cursor, None, None
    floor, token, top = ([*cursor.split("|", 2), "", ""])[:3]
    return floor or None, token or None, top or None


def resume_cursor(floor: str | None, token: str, top: str | None) -> str:
    return f"{floor or ''}|{token}|{top or ''}"


# --- parsing ---------------------------------------------------------------------------------
def _media(event: Mapping[str, Any], media: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """The photos of a message (``attachments.media_keys`` -> ``includes.media``), for the
    attachment download; videos and GIFs stay on X (v2 gives no file URL for them)."""
    attachments = event.get("attachments") if isinstance(event.get("attachments"), dict) \
        else {}
    items = []
    for key in attachments.get("media_keys") or []:
        item = media.get(text_of(key)) or {}
        url = item.get("url")
        if item.get("type") == "photo" and isinstance(url, str) and url.startswith("https://"):
            items.append({"url": url, "type": "image",
                          "file_name": urlsplit(url).path.rsplit("/", 1)[-1] or "image.jpg"})
    return items


def parse_event(event: Mapping[str, Any], users: Mapping[str, Author],
                media: Mapping[str, Mapping[str, Any]] | None = None) -> Post | None:
    """The post of one ``MessageCreate`` event (None for other event types)."""
    event = expect_dict(event, "data[]", NETWORK)
    if event.get("event_type", "MessageCreate") != "MessageCreate":
        return None
    event_id = text_of(event.get("id"))
    conversation = text_of(event.get("dm_conversation_id"))
    sender = text_of(event.get("sender_id"))
    if not event_id or not conversation or not sender:
        raise MalformedResponseError(
            "x: a direct message without 'id', 'dm_conversation_id' or 'sender_id'")
    author = users.get(sender) or Author(network=NETWORK, external_id=sender)
    return Post(
        network=NETWORK,
        external_id=f"dm:{event_id}",
        text=text_of(event.get("text")),
        posted_at=parse_datetime(event.get("created_at"), "data[].created_at", NETWORK),
        author=author,
        url=f"{WEB_MESSAGES}/{conversation}",
        conversation_external_id=conversation_key(conversation),
        raw={"dm_event_id": event_id, "dm_conversation_id": conversation, "sender_id": sender,
             "participant_ids": event.get("participant_ids") or [],
             "media": _media(event, media or {})},
    )


def read_events(body: Any, own_id: str, floor: str | None = None):
    """``(posts, rejected, ids, reached_floor)`` of one ``dm_events`` answer: posts of the
    messages newer than ``floor`` not sent by ``own_id``; ``ids`` every event id read."""
    body = expect_dict(body, "the answer", NETWORK)
    includes = expect_dict(body.get("includes") or {}, "includes", NETWORK)
    authors, _bad = parse_each(
        expect_list(includes.get("users"), "includes.users", NETWORK)[:x.MAX_INCLUDES],
        x.parse_user, NETWORK, "includes.users")
    users = {author.external_id: author for author in authors}
    media = {
        text_of(m.get("media_key")): m
        for m in expect_list(includes.get("media"), "includes.media", NETWORK)[:x.MAX_INCLUDES]
        if isinstance(m, dict) and text_of(m.get("media_key"))
    }
    data, over = cap_items(expect_list(body.get("data"), "data", NETWORK), NETWORK, "data")
    fresh, ids, reached = [], [], False
    for event in data:
        event_id = text_of(event.get("id")) if isinstance(event, dict) else ""
        if event_id:
            ids.append(event_id)
        if floor and event_id and id_key(event_id) <= id_key(floor):
            reached = True  # stored by an earlier poll (newest first: the rest too)
            break
        if isinstance(event, dict) and text_of(event.get("sender_id")) == own_id:
            continue  # our own message (an answer from Odoo or from the X app)
        fresh.append(event)
    parsed, rejected = parse_each(fresh, lambda e: parse_event(e, users, media), NETWORK,
                                  "data")
    return [p for p in parsed if p is not None], rejected + over, ids, reached


# --- connector -------------------------------------------------------------------------------
class XDmConnector(Connector):
    """Direct messages of our account (not in the REGISTRY: the source of kind ``direct``
    builds it; ``x`` stays the public connector)."""

    network = NETWORK
    kinds = ("direct",)

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"x: unknown direct message source kind {config.kind!r}")
        self.own_id = (config.account_id or "").strip()
        if not self.own_id.isdigit():
            raise ConfigurationError(
                "x: direct messages need our account's numeric user id (Our Account ID), to "
                "leave out our own messages")
        self.client, self.user_auth = _client(
            config.credentials, config.timeout, session, config.max_response_bytes)

    def _page(self, token: str | None) -> dict:
        params = {
            "dm_event_fields": DM_EVENT_FIELDS, "event_types": "MessageCreate",
            "expansions": EXPANSIONS, "user_fields": x.USER_FIELDS,
            "media_fields": MEDIA_FIELDS,
            "max_results": min(max(self.config.page_size, 1), 100),
            "user_auth": self.user_auth,
        }
        if token:
            params["pagination_token"] = token
        return self.client.get_direct_message_events(**params)

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        secrets = x._secrets(self.config.credentials)
        floor, token, top = parse_cursor(cursor)
        resuming = bool(token)
        for number in range(1, max(1, self.config.max_pages) + 1):
            try:
                with x.translate_errors(secrets, "direct messages"):
                    try:
                        body = self._page(token)
                    except tweepy.BadRequest:
                        if not resuming:
                            raise
                        # the page token of the stopped poll expired: page back from the
                        # newest again, down to the same floor (ingestion dedupes)
                        token, resuming, top = None, False, None
                        body = self._page(None)
            except AuthError as error:
                raise _reraise_auth(error, "reading direct messages") from None
            except (AttributeError, TypeError, RuntimeError):  # tweepy: not an object
                raise MalformedResponseError("x: direct messages: the answer is not an object") \
                    from None
            posts, rejected, ids, reached = read_events(body, self.own_id, floor)
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            next_token = text_of(meta.get("next_token")) or None
            if not resuming or top is None:
                top = max_id(top, *(i for i in ids if i.isdigit() and len(i) <= 30))
            end = reached or not next_token or not floor and number >= self.config.max_pages
            if end:
                # everything from the floor up to the newest is stored: a plain high-water mark
                yield Page(posts=posts, cursor=max_id(top, floor) or "", is_last=True,
                           rejected=rejected)
                return
            # pages remain before the floor: the next poll resumes here if this one stops
            yield Page(posts=posts, cursor=resume_cursor(floor, next_token, top) if floor
                       else None, is_last=number >= self.config.max_pages, rejected=rejected)
            token = next_token


# --- Account Activity API (push, where the plan has it), v1.1 objects ----------------------
def has_direct_messages(body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("direct_message_events"))


def one_to_one_conversation(*user_ids: str) -> str:
    """The ``dm_conversation_id`` of the one-to-one conversation of two users (X shares
    conversation ids across v1.1 and v2: the two user ids, the smaller first)."""
    return "-".join(sorted((str(i) for i in user_ids), key=id_key))


def split_activity(body: Any) -> list[RawEvent]:
    """One raw event per message of an Account Activity delivery's
    ``direct_message_events`` (``type`` ``message_create``), keyed by the event id; the
    messages our account (``for_user_id``) sent are dropped."""
    body = expect_dict(body, "the delivery", NETWORK)
    own = text_of(body.get("for_user_id"))
    users = body.get("users") if isinstance(body.get("users"), dict) else {}
    events = []
    for event in expect_list(body.get("direct_message_events"), "direct_message_events",
                             NETWORK):
        event = expect_dict(event, "direct_message_events[]", NETWORK)
        if event.get("type") != "message_create":
            continue
        create = expect_dict(event.get("message_create"), "message_create", NETWORK)
        sender = text_of(create.get("sender_id"))
        if not text_of(event.get("id")) or not sender:
            raise MalformedResponseError("x: a direct message event without 'id' or sender")
        if own and sender == own:
            continue
        events.append(RawEvent("x_dm", f"x:dm:{text_of(event['id'])}", {
            "for_user_id": own, "direct_message_event": dict(event),
            "users": {sender: users.get(sender)} if isinstance(users.get(sender), dict) else {},
        }))
    return events


def parse_activity_event(payload: Mapping[str, Any]) -> list[Post]:
    """The post of one stored Account Activity direct message (same ids, conversation and
    identity as the polled ``dm_events``)."""
    payload = expect_dict(payload, "the event", NETWORK)
    event = expect_dict(payload.get("direct_message_event"), "direct_message_event", NETWORK)
    create = expect_dict(event.get("message_create"), "message_create", NETWORK)
    sender = text_of(create.get("sender_id"))
    recipient = text_of((create.get("target") or {}).get("recipient_id")) \
        or text_of(payload.get("for_user_id"))
    event_id = text_of(event.get("id"))
    stamp = text_of(event.get("created_timestamp"))
    if not event_id or not sender or not recipient or not stamp.isdigit():
        raise MalformedResponseError(
            "x: a direct message event without id, sender, recipient or time")
    user = (payload.get("users") or {}).get(sender)
    author = x.parse_v1_user(user) if isinstance(user, dict) else \
        Author(network=NETWORK, external_id=sender)
    data = create.get("message_data") if isinstance(create.get("message_data"), dict) else {}
    conversation = one_to_one_conversation(sender, recipient)
    return [Post(
        network=NETWORK,
        external_id=f"dm:{event_id}",
        text=text_of(data.get("text")),
        posted_at=dt.datetime.fromtimestamp(int(stamp) / 1000, dt.UTC),
        author=author,
        url=f"{WEB_MESSAGES}/{conversation}",
        conversation_external_id=conversation_key(conversation),
        raw={"dm_event_id": event_id, "dm_conversation_id": conversation,
             "sender_id": sender},
    )]


def download_media(credentials: Mapping[str, str], url: str, max_bytes: int,
                   timeout: float = DEFAULT_TIMEOUT, *, session=None) -> bytes:
    """The file of a direct message: X serves it to requests signed as a participant only
    (OAuth 1.0a user context, else the OAuth 2.0 user token); refused over ``max_bytes``.
    The credentials go to X's file hosts only."""
    parts = urlsplit(url or "")
    if parts.scheme != "https" or parts.hostname not in MEDIA_HOSTS:
        raise ConfigurationError("x: a direct message file outside X's file hosts")
    credentials = credentials or {}
    if all(credentials.get(k) for k in x.USER_KEYS):
        signer = oauth1.Client(
            credentials["consumer_key"], client_secret=credentials["consumer_secret"],
            resource_owner_key=credentials["access_token"],
            resource_owner_secret=credentials["access_token_secret"])
        _uri, headers, _body = signer.sign(url, http_method="GET")
    elif credentials.get("bearer_token"):
        headers = {"Authorization": f"Bearer {credentials['bearer_token']}"}
    else:
        raise ConfigurationError("x: no credentials to download the file of a direct message")
    response = http.request(session, "GET", url, network=NETWORK, timeout=timeout,
                            headers={**headers, "Accept": "*/*"},
                            secrets=x._secrets(credentials), max_bytes=max_bytes)
    return response.content


# --- sending ---------------------------------------------------------------------------------
def send_message(credentials: Mapping[str, str], conversation_id: str, text: str,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session: requests.Session | None = None) -> ReplyResult:
    """Send ``text`` into conversation ``conversation_id`` as our account (``base_url`` is
    ignored: one signature across networks)."""
    if not (text or "").strip():
        raise ConfigurationError("x: a direct message needs some text")
    if len(text) > MAX_TEXT:
        raise ConfigurationError(f"x: a direct message holds at most {MAX_TEXT} characters")
    client, user_auth = _client(credentials, timeout, session)
    try:
        with x.translate_errors(x._secrets(credentials), "direct message"):
            body = client.create_direct_message(
                dm_conversation_id=conversation_id, text=text, user_auth=user_auth)
    except AuthError as error:
        raise _reraise_auth(error, "sending the direct message") from None
    data = expect_dict(expect_dict(body, "the answer", NETWORK).get("data"), "data", NETWORK)
    event_id = text_of(data.get("dm_event_id"))
    if not event_id:
        raise MalformedResponseError("x: direct message answer without data.dm_event_id")
    return ReplyResult(external_id=f"dm:{event_id}"[:512],
                       url=f"{WEB_MESSAGES}/{text_of(data.get('dm_conversation_id')) or ''}")
