"""Bluesky posts by at:// uri (``app.bsky.feed.getPosts``: 25 uris per request).

The AppView answers the post views it has; a uri absent from a 200 answer is gone only when its
author's profile is still served (``app.bsky.actor.getProfiles``, 25 actors per request): an
AppView strips a deactivated or taken-down account from its answers, posts and profile alike,
and such an account may come back, so its posts are no answer (``unknown``), never deleted. The
request carries no token: an AppView leaves out the posts of authors who block the viewer (or
whom it blocks), which must not read as deleted. The answer must carry ``posts`` (the lexicon's
required field): a body without it is malformed and deletes nothing. A post view has no edit
date: its ``cid`` (the hash of the record's current version) is the version marker; a stored
post whose CID differs was edited (the caller compares, :data:`.recheck.VERSION_OF`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from . import bluesky, http
from .base import MalformedResponseError, SourceConfig, chunks
from .recheck import Recheck, register
from .util import cap_items, expect_list, parse_each, text_of

NETWORK = "bluesky"
BATCH = 25


def did_of(uri: str) -> str | None:
    """The author's DID of an ``at://did/collection/rkey`` uri."""
    authority = uri[len("at://"):].split("/", 1)[0] if uri.startswith("at://") else ""
    return authority if authority.startswith("did:") else None


def read_profiles(body: Any) -> set[str]:
    """The DIDs of one ``getProfiles`` answer (the lexicon's required ``profiles``)."""
    if not isinstance(body, dict) or not isinstance(body.get("profiles"), list):
        raise MalformedResponseError("bluesky: the getProfiles answer has no 'profiles' list")
    return {did for p in body["profiles"] if isinstance(p, dict) and (did := text_of(p.get("did")))}


def authors_served(session, base: str, dids: list[str], config: SourceConfig) -> set[str]:
    """Which of these authors' profiles the AppView still serves (one request per 25)."""
    served: set[str] = set()
    for batch in chunks(dids, BATCH):
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.actor.getProfiles", network=NETWORK,
            params=[("actors", d) for d in batch], timeout=config.timeout, expect=dict,
            max_bytes=config.max_response_bytes)
        served |= read_profiles(body)
    return served


def keep_hidden_authors(result: Recheck, served: set[str]) -> Recheck:
    """``result`` with the absent posts of authors no longer served moved to ``unknown``."""
    hidden = tuple(u for u in result.gone if did_of(u) not in served)
    if not hidden:
        return result
    return dataclasses.replace(
        result,
        gone=tuple(u for u in result.gone if u not in hidden),
        unknown=(*result.unknown, *hidden),
        notes=(*result.notes, f"bluesky: {len(hidden)} post(s) absent because their author's "
               "account is deactivated or taken down (no deletion)"),
    )


def cid_of(raw: Any) -> str | None:
    """The CID of a stored post's raw payload: a post view (``cid``) or a Jetstream commit
    (``commit.cid``)."""
    if not isinstance(raw, Mapping):
        return None
    commit = raw.get("commit") if isinstance(raw.get("commit"), Mapping) else {}
    return text_of(raw.get("cid") or commit.get("cid")) or None


def read_posts(body: Any, asked: list[str]) -> Recheck:
    """The :class:`Recheck` of one ``getPosts`` answer for the uris ``asked``."""
    if not isinstance(body, dict) or not isinstance(body.get("posts"), list):
        raise MalformedResponseError("bluesky: the getPosts answer has no 'posts' list")
    items, over = cap_items(expect_list(body["posts"], "posts", NETWORK), NETWORK, "posts")
    views = {text_of(v.get("uri")): v for v in items if isinstance(v, dict)}
    posts, rejected = parse_each([views[u] for u in asked if u in views],
                                 lambda v: bluesky.parse_post(v, {}), NETWORK, "posts",
                                 id_keys=("uri",))
    found = {p.external_id: p for p in posts}
    return Recheck(
        posts=list(found.values()),
        gone=tuple(u for u in asked if u not in views),
        unknown=tuple(u for u in asked if u in views and u not in found),
        notes=tuple(r.reason for r in [*rejected, *over]),
        versions={u: cid for u in found if (cid := text_of(views[u].get("cid")))},
    )


@register(NETWORK, version_of=cid_of)
def recheck(ids: list[str], config: SourceConfig, session=None,
            authors=None, hints=None) -> Iterator[Recheck]:
    session = session or requests.Session()
    base = (config.base_url or bluesky.DEFAULT_BASE_URL).strip().rstrip("/")
    if base.startswith(("ws://", "wss://")):
        base = bluesky.DEFAULT_BASE_URL  # a Jetstream address is no AppView
    # asked as nobody: an AppView leaves out of ``getPosts`` the posts of an author who blocks
    # the viewer, or whom the viewer blocks, which would read as deleted (an AppView that
    # wants a token answers 401: the re-check fails visibly and deletes nothing)
    uris = [i for i in ids if i.startswith("at://")]
    if len(uris) < len(ids):
        yield Recheck(unknown=tuple(i for i in ids if not i.startswith("at://")),
                      notes=("bluesky: an id that is no at:// uri cannot be re-checked",))
    for batch in chunks(uris, BATCH):
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.feed.getPosts", network=NETWORK,
            params=[("uris", u) for u in batch], timeout=config.timeout, expect=dict,
            max_bytes=config.max_response_bytes)
        result = read_posts(body, batch)
        if result.gone:
            dids = list(dict.fromkeys(d for u in result.gone if (d := did_of(u))))
            result = keep_hidden_authors(result, authors_served(session, base, dids, config))
        yield result
