"""Bluesky profiles (``app.bsky.actor.getProfiles``: 25 actors, DIDs or handles, per call).

Actors the AppView does not return (deleted, taken down, deactivated, unknown handle) are
``missing``. The public AppView needs no token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from . import bluesky, http
from .base import chunks
from .lookup import FOUND, MISSING, LookupConfig, Profile, Wanted, not_asked, register
from .util import expect_dict, expect_list, text_of

NETWORK = "bluesky"
BATCH = bluesky.PROFILES_BATCH  # 25


def actor_of(item: Wanted) -> str | None:
    return item.external_id if (item.external_id or "").startswith("did:") else item.handle


def read_profiles(body: Any, items: list[Wanted]) -> list[Profile]:
    body = expect_dict(body, "the answer", NETWORK)
    by_key = {}
    for profile in expect_list(body.get("profiles"), "profiles", NETWORK):
        author = bluesky.parse_profile(profile) if isinstance(profile, dict) else None
        if author is None:
            continue
        by_key[author.external_id] = author
        by_key[(text_of(profile.get("handle")) or "").lower()] = author
    result = []
    for item in items:
        author = by_key.get(item.external_id or "") or by_key.get((item.handle or "").lower())
        if author is not None:
            result.append(Profile(item.key, FOUND, author))
        else:
            result.append(Profile(item.key, MISSING, reason="bluesky: the AppView returned no "
                                  "profile (deleted, deactivated, taken down or renamed)"))
    return result


@register(NETWORK)
def lookup(wanted: list[Wanted], config: LookupConfig, session=None) -> Iterator[list[Profile]]:
    session = session or requests.Session()
    base = (config.base_url or bluesky.DEFAULT_BASE_URL).strip().rstrip("/")
    if base.startswith(("ws://", "wss://")):
        base = bluesky.DEFAULT_BASE_URL  # a Jetstream address is no AppView
    token = (config.credentials or {}).get("access_token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    askable = [w for w in wanted if actor_of(w)]
    if len(askable) < len(wanted):
        yield not_asked([w for w in wanted if not actor_of(w)],
                        "bluesky: neither a DID nor a handle to look up")
    for batch in chunks(askable, BATCH):
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.actor.getProfiles", network=NETWORK,
            params=[("actors", actor_of(w)) for w in batch], headers=headers,
            timeout=config.timeout, secrets=(token,), expect=dict,
            max_bytes=config.max_response_bytes)
        yield read_profiles(body, batch)
