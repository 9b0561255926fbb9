"""Bluesky (AT Protocol AppView) through ``requests``.

Kind ``search``: ``app.bsky.feed.searchPosts`` (``q=config.query``, ``sort=latest``, cursor
paging) against ``config.base_url`` (default :data:`DEFAULT_BASE_URL`); authors' counters and
bios come from ``app.bsky.actor.getProfiles`` (batches of 25). An optional
``credentials['access_token']`` (an access JWT) is sent as a Bearer token for AppViews that
want one.

Replies (:func:`reply`): ``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` with
the reply refs (root and parent as ``{uri, cid}`` strong refs, read with
``app.bsky.feed.getPosts``) on the account's PDS (``base_url``, default
:data:`DEFAULT_PDS_URL`). The session comes from ``credentials['identifier']`` (handle or
DID) and ``credentials['app_password']`` (``com.atproto.server.createSession``), or from an
access JWT in ``credentials['access_token']`` (``com.atproto.server.getSession`` gives its
DID). Bluesky has no way to hide a reply of another account.

Cursor: the newest ``indexedAt`` (``record.createdAt``, set by the author's client, when
absent) seen, as ISO 8601 text, but never later than the poll's own time
(:func:`.util.date_cursor`).
Results come newest first: paging stops at the first post not newer than the cursor, and
only the last page yielded carries the new cursor.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import requests

from . import http
from .base import (
    DEFAULT_TIMEOUT,
    INVALID,
    TOO_LONG,
    Author,
    ConfigurationError,
    Connector,
    ConnectorError,
    Deletion,
    GoneError,
    MalformedResponseError,
    Page,
    Post,
    ReplyResult,
    SourceConfig,
    TemporaryError,
    register,
)
from .util import (
    cap_items,
    date_cursor,
    expect_dict,
    expect_list,
    parse_datetime,
    parse_each,
    read_date_cursor,
    short,
    text_of,
    to_int,
)

NETWORK = "bluesky"
DEFAULT_BASE_URL = "https://public.api.bsky.app"
DEFAULT_PDS_URL = "https://bsky.social"
WEB = "https://bsky.app"
PROFILES_BATCH = 25
MAX_LIMIT = 100


def _did_of(uri: str | None) -> str | None:
    """``did:plc:...`` of an ``at://did/collection/rkey`` uri."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    authority = uri[5:].split("/", 1)[0]
    return authority if authority.startswith("did:") else None


def post_url(uri: str, handle: str | None) -> str | None:
    """``https://bsky.app/profile/<handle>/post/<rkey>`` for a post's at:// uri."""
    if not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not parts[2]:
        return None
    who = handle if handle and handle != "handle.invalid" else parts[0]
    return f"{WEB}/profile/{who}/post/{parts[2]}"


# --- parsing ---------------------------------------------------------------------------------
def parse_profile(profile: Mapping[str, Any] | None,
                  detailed: Mapping[str, Any] | None = None) -> Author | None:
    """Author from a profileViewBasic (in a post) merged with a profileViewDetailed."""
    if not isinstance(profile, dict) or not text_of(profile.get("did")):
        return None
    full = {**profile, **(detailed if isinstance(detailed, dict) else {})}
    handle = text_of(full.get("handle")) or None
    if handle == "handle.invalid":
        handle = None
    verification = full.get("verification") if isinstance(full.get("verification"), dict) \
        else {}
    return Author(
        network=NETWORK,
        external_id=text_of(full["did"]),
        handle=handle,
        display_name=text_of(full.get("displayName")) or handle,
        profile_url=f"{WEB}/profile/{handle or text_of(full['did'])}",
        bio=text_of(full.get("description")) or None,
        followers_count=to_int(full.get("followersCount")),
        following_count=to_int(full.get("followsCount")),
        posts_count=to_int(full.get("postsCount")),
        verified=verification.get("verifiedStatus") == "valid",
    )


def sort_time(post: Mapping[str, Any]) -> dt.datetime:
    """The time a post is ordered by for the cursor: indexedAt, else record.createdAt."""
    if post.get("indexedAt"):
        return parse_datetime(post.get("indexedAt"), "posts[].indexedAt", NETWORK)
    record = post.get("record") if isinstance(post.get("record"), dict) else {}
    return parse_datetime(record.get("createdAt"), "posts[].record.createdAt", NETWORK)


def _mentions(record: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """DIDs and handles of the mention facets (byte offsets into the UTF-8 text)."""
    dids, handles = [], []
    raw = text_of(record.get("text")).encode("utf-8", errors="ignore")
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else []:
        if not isinstance(facet, dict) or not isinstance(facet.get("features"), list):
            continue
        for feature in facet["features"]:
            if not isinstance(feature, dict) or not str(feature.get("$type", "")).endswith(
                    "#mention") or not text_of(feature.get("did")):
                continue
            dids.append(text_of(feature["did"]))
            index = facet.get("index") if isinstance(facet.get("index"), dict) else {}
            start, end = to_int(index.get("byteStart")), to_int(index.get("byteEnd"))
            if start is not None and end is not None and 0 <= start < end <= len(raw):
                handle = raw[start:end].decode("utf-8", errors="ignore").lstrip("@").strip()
                if handle:
                    handles.append(handle)
    return dids, handles


def parse_post(post: Mapping[str, Any], profiles: Mapping[str, Mapping[str, Any]]) -> Post:
    """Post from an ``app.bsky.feed.defs#postView``."""
    post = expect_dict(post, "posts[]", NETWORK)
    uri = post.get("uri")
    if not uri or not isinstance(uri, str):
        raise MalformedResponseError("bluesky: posts[] item without 'uri'")
    record = post.get("record")
    record = record if isinstance(record, dict) else {}
    basic = post.get("author") if isinstance(post.get("author"), dict) else None
    author = parse_profile(basic, profiles.get(text_of((basic or {}).get("did"))))
    try:
        posted_at = parse_datetime(record.get("createdAt"), "posts[].record.createdAt", NETWORK)
    except MalformedResponseError:
        if not post.get("indexedAt"):
            raise
        posted_at = parse_datetime(post.get("indexedAt"), "posts[].indexedAt", NETWORK)
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = text_of((reply.get("parent") if isinstance(reply.get("parent"), dict)
                      else {}).get("uri"))
    root = text_of((reply.get("root") if isinstance(reply.get("root"), dict)
                    else {}).get("uri"))
    dids, handles = _mentions(record)
    own = author.external_id if author else None
    mentioned = [d for d in dict.fromkeys([_did_of(parent), *dids]) if d and d != own]
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return Post(
        network=NETWORK,
        external_id=uri,
        text=text_of(record.get("text")),
        posted_at=posted_at,
        author=author,
        url=post_url(uri, author.handle if author else None),
        lang=langs[0] if langs and isinstance(langs[0], str) else None,
        in_reply_to_external_id=parent or None,
        conversation_external_id=root or uri,
        like_count=to_int(post.get("likeCount")) or 0,
        repost_count=to_int(post.get("repostCount")) or 0,
        reply_count=to_int(post.get("replyCount")) or 0,
        quote_count=to_int(post.get("quoteCount")) or 0,
        mentioned_external_ids=tuple(mentioned),
        mentioned_handles=tuple(dict.fromkeys(handles)),
        raw=dict(post),
    )


# --- connector -------------------------------------------------------------------------------
@register
class BlueskyConnector(Connector):
    network = NETWORK
    kinds = ("search",)

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"bluesky: unknown source kind {config.kind!r}")
        if not config.query.strip():
            raise ConfigurationError("bluesky: a search source needs a query")
        self.base = (config.base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        if not self.base.startswith(("http://", "https://")):
            raise ConfigurationError(f"bluesky: {self.base!r} is not an AppView URL")
        self.token = (config.credentials or {}).get("access_token")
        self.session = session or requests.Session()
        self.limit = min(max(config.page_size, 1), MAX_LIMIT)

    def _get(self, method: str, params) -> dict:
        # the token travels in the Authorization header, which http.request never sends
        # to another host on a redirect
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body, _response = http.request_json(
            self.session, "GET", f"{self.base}/xrpc/{method}", network=NETWORK, params=params,
            headers=headers, timeout=self.config.timeout, secrets=(self.token,), expect=dict,
            max_bytes=self.config.max_response_bytes,
        )
        return body

    def get_profiles(self, dids: list[str]) -> dict[str, dict]:
        """profileViewDetailed by DID (actors the AppView does not know are left out)."""
        profiles: dict[str, dict] = {}
        unique = list(dict.fromkeys(d for d in dids if d))
        for start in range(0, len(unique), PROFILES_BATCH):
            batch = unique[start:start + PROFILES_BATCH]
            body = self._get("app.bsky.actor.getProfiles", [("actors", d) for d in batch])
            for profile in expect_list(body.get("profiles"), "profiles", NETWORK):
                if isinstance(profile, dict) and text_of(profile.get("did")):
                    profiles[text_of(profile["did"])] = profile
        return profiles

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        now = http.now_utc()  # the poll's own time: the cursor never moves past it
        since = read_date_cursor(cursor, NETWORK, now)
        newest = since
        page_cursor = None
        for number in range(1, max(1, self.config.max_pages) + 1):
            params = {"q": self.config.query.strip(), "limit": self.limit, "sort": "latest"}
            if page_cursor:
                params["cursor"] = page_cursor
            body = self._get("app.bsky.feed.searchPosts", params)
            items, rejected = cap_items(expect_list(body.get("posts"), "posts", NETWORK),
                                        NETWORK, "posts")
            timed, bad = parse_each(items, lambda p: (sort_time(expect_dict(
                p, "posts[]", NETWORK)), p), NETWORK, "posts", id_keys=("uri",))
            rejected += bad
            fresh, reached_cursor = [], False
            for when, item in timed:
                if since is not None and when <= since:
                    reached_cursor = True
                    continue
                fresh.append(item)
                newest = when if newest is None or when > newest else newest
            authors = [text_of(p["author"].get("did")) for p in fresh
                       if isinstance(p.get("author"), dict)]
            profiles = self.get_profiles(authors) if any(authors) else {}
            posts, bad = parse_each(fresh, functools.partial(parse_post, profiles=profiles),
                                    NETWORK, "posts",
                                    id_keys=("uri",))
            rejected += bad
            page_cursor = text_of(body.get("cursor")) or None
            is_last = (reached_cursor or not items or not page_cursor
                       or number >= self.config.max_pages)
            new_cursor = date_cursor(newest, now) if is_last else None
            yield Page(posts=posts, cursor=new_cursor, is_last=is_last, rejected=rejected)
            if is_last:
                return


# --- Jetstream (stream) ----------------------------------------------------------------------
JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
POST_COLLECTION = "app.bsky.feed.post"


def jetstream_url(base: str = "", cursor: str | int | None = None,
                  wanted_dids: tuple[str, ...] = ()) -> str:
    """Subscribe URL for new posts, resuming at ``cursor`` (``time_us``) when given.

    ``wanted_dids`` filters by *author* on the server (for watching given accounts' posts);
    mentions of and replies to the brand come from anyone, so they are filtered client side
    (:func:`jetstream_wanted`)."""
    params = [("wantedCollections", POST_COLLECTION)]
    params += [("wantedDids", did) for did in wanted_dids]
    if cursor not in (None, ""):
        params.append(("cursor", str(int(cursor))))
    return f"{(base or JETSTREAM_URL).rstrip('?')}?{urlencode(params)}"


#: commit operations that carry a post's text: a new post, and an edit of it (``update``:
#: the record as it is now, the same ``rkey``)
JETSTREAM_OPERATIONS = ("create", "update")


def _jetstream_commit(event: Mapping[str, Any]) -> dict | None:
    commit = event.get("commit") if event.get("kind") == "commit" else None
    if not isinstance(commit, dict) or commit.get("collection") != POST_COLLECTION \
            or commit.get("operation") not in JETSTREAM_OPERATIONS \
            or not isinstance(commit.get("record"), dict):
        return None
    return commit


def _time_us(value: Any) -> dt.datetime | None:
    """The date of a Jetstream event's ``time_us`` (microseconds since the epoch), or None."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(value / 1_000_000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def is_jetstream_delete(event: Any) -> bool:
    """Whether a Jetstream message is a ``commit`` deleting an ``app.bsky.feed.post``."""
    commit = event.get("commit") if isinstance(event, dict) and event.get("kind") == "commit" \
        else None
    return isinstance(commit, dict) and commit.get("collection") == POST_COLLECTION \
        and commit.get("operation") == "delete"


def parse_jetstream_delete(event: Mapping[str, Any]) -> Deletion | None:
    """Deletion of a Jetstream ``commit`` deleting an ``app.bsky.feed.post`` (``did`` and
    ``commit.rkey``, no record), dated by the event's ``time_us`` (None for other events)."""
    event = expect_dict(event, "jetstream event", NETWORK)
    if not is_jetstream_delete(event):
        return None
    did, rkey = event.get("did"), event["commit"].get("rkey")
    if not isinstance(did, str) or not did or not isinstance(rkey, str) or not rkey:
        raise MalformedResponseError("bluesky: jetstream deletion without 'did' or 'rkey'")
    return Deletion(NETWORK, f"at://{did}/{POST_COLLECTION}/{rkey}",
                    _time_us(event.get("time_us")), did)


def jetstream_wanted(event: Mapping[str, Any], dids: tuple[str, ...] = (),
                     keywords: tuple[str, ...] = ()) -> bool:
    """True for a new or edited post (not by one of ``dids``) that mentions or replies to one of
    ``dids`` or contains one of ``keywords`` (case-insensitive)."""
    commit = _jetstream_commit(event) if isinstance(event, dict) else None
    if commit is None or event.get("did") in dids:
        return False
    record = commit["record"]
    text = (record.get("text") or "").casefold()
    if any(k.casefold() in text for k in keywords if k):
        return True
    if not dids:
        return False
    mentioned, _handles = _mentions(record)
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    replied = [_did_of((reply.get(k) or {}).get("uri")) for k in ("parent", "root")]
    return any(d in dids for d in (*mentioned, *replied))


def parse_jetstream_post(event: Mapping[str, Any]) -> Post | None:
    """Post of a Jetstream ``commit`` event creating or updating (an edit: ``edited_at`` is
    the event's ``time_us``) an ``app.bsky.feed.post`` (None for any other event). The author
    is known by DID only (Jetstream sends no profile)."""
    event = expect_dict(event, "jetstream event", NETWORK)
    commit = _jetstream_commit(event)
    if commit is None:
        return None
    did, rkey = event.get("did"), commit.get("rkey")
    if not did or not rkey:
        raise MalformedResponseError("bluesky: jetstream commit without 'did' or 'rkey'")
    record = commit["record"]
    uri = f"at://{did}/{POST_COLLECTION}/{rkey}"
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = (reply.get("parent") or {}).get("uri")
    root = (reply.get("root") or {}).get("uri")
    dids, handles = _mentions(record)
    mentioned = [d for d in dict.fromkeys([_did_of(parent), *dids]) if d and d != did]
    langs = record.get("langs") or []
    return Post(
        network=NETWORK,
        external_id=uri,
        text=record.get("text") or "",
        posted_at=parse_datetime(record.get("createdAt"), "commit.record.createdAt", NETWORK),
        author=Author(network=NETWORK, external_id=str(did), profile_url=f"{WEB}/profile/{did}",
                      observed_at=_time_us(event.get("time_us"))),
        url=post_url(uri, None),
        lang=langs[0] if langs and isinstance(langs[0], str) else None,
        in_reply_to_external_id=parent or None,
        conversation_external_id=root or uri,
        mentioned_external_ids=tuple(mentioned),
        mentioned_handles=tuple(dict.fromkeys(handles)),
        raw={"did": did, "time_us": event.get("time_us"), "commit": dict(commit)},
        edited_at=_time_us(event.get("time_us")) if commit.get("operation") == "update"
        else None,
    )


# --- replies ---------------------------------------------------------------------------------
def _pds(base_url: str) -> str:
    base = (base_url or DEFAULT_PDS_URL).strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigurationError(f"bluesky: {base!r} is not a PDS URL")
    return base


def _session(credentials: Mapping[str, str], base: str, timeout: float, session,
             secrets: tuple[str, ...]) -> tuple[str, str]:
    """``(access JWT, DID)`` of the publishing account."""
    identifier = (credentials or {}).get("identifier")
    password = (credentials or {}).get("app_password")
    if identifier and password:
        body, _response = http.request_json(
            session, "POST", f"{base}/xrpc/com.atproto.server.createSession", network=NETWORK,
            json={"identifier": identifier, "password": password}, timeout=timeout,
            secrets=secrets, expect=dict,
        )
        token, did = text_of(body.get("accessJwt")), text_of(body.get("did"))
        if not token or not did:
            raise MalformedResponseError("bluesky: session answer without 'accessJwt' or 'did'")
        return token, did
    token = (credentials or {}).get("access_token")
    if not token:
        raise ConfigurationError(
            "bluesky: replies need credentials['identifier'] and credentials['app_password']")
    body, _response = http.request_json(
        session, "GET", f"{base}/xrpc/com.atproto.server.getSession", network=NETWORK,
        headers={"Authorization": f"Bearer {token}"}, timeout=timeout, secrets=secrets,
        expect=dict,
    )
    did = text_of(body.get("did"))
    if not did:
        raise MalformedResponseError("bluesky: session answer without 'did'")
    return token, did


def reply_refs(post_view: Mapping[str, Any]) -> dict:
    """The ``reply`` of a new post answering ``post_view`` (an ``app.bsky.feed.defs#postView``):
    the parent is that post, the root its thread's root (itself when it is no reply)."""
    post_view = expect_dict(post_view, "posts[]", NETWORK)
    uri, cid = text_of(post_view.get("uri")), text_of(post_view.get("cid"))
    if not uri or not cid:
        raise MalformedResponseError("bluesky: posts[] item without 'uri' or 'cid'")
    parent = {"uri": uri, "cid": cid}
    record = post_view.get("record") if isinstance(post_view.get("record"), dict) else {}
    thread = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    root = thread.get("root") if isinstance(thread.get("root"), dict) else {}
    if text_of(root.get("uri")) and text_of(root.get("cid")):
        root = {"uri": text_of(root["uri"]), "cid": text_of(root["cid"])}
    else:
        root = parent
    return {"root": root, "parent": parent}


def mention_facets(text: str, post_view: Mapping[str, Any]) -> list[dict]:
    """The mention facets of a reply's ``text``: each ``@handle`` of the answered post's
    author (``post_view``, an ``app.bsky.feed.defs#postView``), case-insensitive and not part
    of a longer handle, as Bluesky reads mentions (byte offsets into the UTF-8 text, the
    account's DID); the text alone links and notifies nobody."""
    author = post_view.get("author") if isinstance(post_view.get("author"), dict) else {}
    did, handle = text_of(author.get("did")), text_of(author.get("handle"))
    if not did or not handle or not text:
        return []
    facets = []
    pattern = re.compile(rf"(?<![\w.@-])@{re.escape(handle)}(?![\w.-]*\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        start = len(text[:match.start()].encode())
        facets.append({
            "index": {"byteStart": start, "byteEnd": start + len(match.group().encode())},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        })
    return facets


def _record_refused(response, body):
    """The PDS refuses the reply's record (HTTP 400 ``{"error": "InvalidRequest", "message":
    "Invalid app.bsky.feed.post record: Record/text must not be longer than 300
    graphemes"}``): the error carries its words (``detail``) and why (``refusal``)."""
    if response.status_code != 400 or not isinstance(body, dict):
        return None
    words = short(text_of(body.get("message")) or text_of(body.get("error")), limit=300)
    lower = words.lower()
    error = ConnectorError(
        f"bluesky: reply refused (HTTP 400, {text_of(body.get('error'))[:60] or '?'}"
        + (f": {words}" if words else "") + ")", status=400)
    error.detail = words
    error.refusal = TOO_LONG if "longer than" in lower or "too long" in lower else INVALID
    return error


def reply(credentials: Mapping[str, str], in_reply_to_external_id: str, text: str,
          timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
          session: requests.Session | None = None, now: dt.datetime | None = None
          ) -> ReplyResult:
    """Publish ``text`` as a reply to the post ``in_reply_to_external_id`` (its at:// uri)."""
    if not _did_of(in_reply_to_external_id):
        raise ConfigurationError(
            f"bluesky: {in_reply_to_external_id!r} is not the at:// uri of a post")
    base = _pds(base_url)
    session = session or http.new_session()  # follows http.deadline()
    secrets = tuple(str(v) for v in (credentials or {}).values() if v)
    try:
        token, did = _session(credentials, base, timeout, session, secrets)
        secrets += (token,)
        headers = {"Authorization": f"Bearer {token}"}
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.feed.getPosts", network=NETWORK,
            params={"uris": in_reply_to_external_id}, headers=headers, timeout=timeout,
            secrets=secrets, expect=dict,
        )
    except TemporaryError as exc:
        exc.unsent = True  # nothing is written before createRecord: safe to send again
        raise
    posts = expect_list(body.get("posts"), "posts", NETWORK)
    if not posts:
        # a deleted post (or one hidden from the account) is left out of the answer
        raise GoneError(
            "bluesky: the post to answer is gone (deleted, or not visible to the account)",
            status=404)
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    record = {
        "$type": POST_COLLECTION,
        "text": text,
        "createdAt": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "reply": reply_refs(posts[0]),
    }
    facets = mention_facets(text, posts[0])
    if facets:
        record["facets"] = facets
    body, _response = http.request_json(
        session, "POST", f"{base}/xrpc/com.atproto.repo.createRecord", network=NETWORK,
        json={"repo": did, "collection": POST_COLLECTION, "record": record},
        headers=headers, timeout=timeout, secrets=secrets, expect=dict,
        error_hook=_record_refused,
    )
    uri = text_of(body.get("uri"))
    if not uri or not text_of(body.get("cid")):
        raise MalformedResponseError("bluesky: createRecord answer without 'uri' or 'cid'")
    return ReplyResult(external_id=uri[:512], url=post_url(uri, None))
