"""Bluesky posts by at:// uri (``app.bsky.feed.getPosts``: 25 uris per request).

The AppView answers the post views it has; a uri absent from a 200 answer is gone (deleted
by its author, or its account deactivated or taken down). The request carries no token: an
AppView leaves out the posts of authors who block the viewer (or whom it blocks), which must
not read as deleted. The answer must carry ``posts`` (the lexicon's required field): a body
without it is malformed and deletes nothing. A post view has no edit date: its ``cid`` (the
hash of the record's current version) is the version marker; a stored post whose CID
differs was edited (the caller compares, :data:`.recheck.VERSION_OF`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

from . import bluesky, http
from .base import MalformedResponseError, SourceConfig
from .recheck import Recheck, chunks, register
from .util import cap_items, expect_list, parse_each, text_of

NETWORK = "bluesky"
BATCH = 25


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
def recheck(ids: list[str], config: SourceConfig, session=None) -> Iterator[Recheck]:
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
        yield read_posts(body, batch)
