"""YouTube channels (Data API v3 ``channels.list``, ``part=snippet,statistics``).

Channels known by id (``UC…``) are asked 50 per request (``id=a,b,c``); channels known by
handle one per request (``forHandle=@handle``). A channel absent from ``items`` is missing.
The API key travels as the ``key`` parameter and is struck from every message. Quota
exhausted (HTTP 403, reason ``quotaExceeded`` / ``rateLimitExceeded``) is a rate limit
lasting until the quota resets, midnight Pacific time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import requests

from . import http
from .base import (
    AuthError,
    Author,
    ConnectorError,
    MalformedResponseError,
    MissingCredentialsError,
    RateLimitError,
    TemporaryError,
    chunks,
)
from .lookup import FOUND, MISSING, LookupConfig, Profile, Wanted, not_asked, register
from .util import expect_dict, expect_list, parse_each, safe_url, short, text_of, to_int

NETWORK = "youtube"
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
WEB = "https://www.youtube.com"
BATCH = 50
QUOTA_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded",
                           "dailyLimitExceeded"})


def quota_reset(now: dt.datetime | None = None) -> dt.datetime:
    """The next midnight in Pacific time (when YouTube resets the daily quota), in UTC."""
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    local = (now or http.now_utc()).astimezone(pacific)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(),
                                   tzinfo=pacific)
    return midnight.astimezone(dt.UTC)


def api_error(response: requests.Response, body: Any) -> ConnectorError | None:
    """Typed error of a Google API error body ``{"error": {code, message, errors: [...]}}``."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    reasons = {text_of(e.get("reason")) for e in error.get("errors") or []
               if isinstance(e, dict)}
    status = response.status_code
    text = (f"youtube: {safe_url(response.url)} answered HTTP {status} "
            f"({short(error.get('message') or '?', limit=200)})")
    if reasons & QUOTA_REASONS or status == 429:
        reset_at = quota_reset()
        return RateLimitError(f"{text}: quota exhausted until {reset_at.isoformat()}",
                              reset_at=reset_at, status=status)
    if status in (400, 401, 403) and reasons & {"keyInvalid", "forbidden", "accessNotConfigured",
                                                "ipRefererBlocked", "authError"}:
        return AuthError(f"{text}: the API key is wrong, restricted or not enabled for the "
                         "YouTube Data API", status=status)
    if status >= 500 or reasons & {"backendError", "internalError"}:
        return TemporaryError(text, status=status)
    return None


def parse_channel(item: Any) -> Author:
    item = expect_dict(item, "items[]", NETWORK)
    channel_id = text_of(item.get("id"))
    if not channel_id:
        raise MalformedResponseError("youtube: items[] channel without 'id'")
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    stats = item.get("statistics") if isinstance(item.get("statistics"), dict) else {}
    handle = text_of(snippet.get("customUrl")).lstrip("@") or None
    hidden = stats.get("hiddenSubscriberCount") is True
    return Author(
        network=NETWORK,
        external_id=channel_id,
        handle=handle,
        display_name=text_of(snippet.get("title")) or None,
        profile_url=f"{WEB}/@{handle}" if handle else f"{WEB}/channel/{channel_id}",
        bio=text_of(snippet.get("description")) or None,
        followers_count=None if hidden else to_int(stats.get("subscriberCount")),
        posts_count=to_int(stats.get("videoCount")),
    )


def read_channels(body: Any, items: list[Wanted], by_handle: bool = False) -> list[Profile]:
    body = expect_dict(body, "the answer", NETWORK)
    authors, _bad = parse_each(expect_list(body.get("items"), "items", NETWORK),
                               parse_channel, NETWORK, "items")
    by_id = {a.external_id: a for a in authors}
    result = []
    for item in items:
        author = by_id.get(item.external_id or "")
        if author is None and by_handle and len(authors) == 1:
            author = authors[0]  # forHandle answers the one channel of that handle
        if author is not None:
            result.append(Profile(item.key, FOUND, author))
        else:
            result.append(Profile(item.key, MISSING, reason="youtube: no such channel "
                                  "(deleted, terminated or renamed)"))
    return result


@register(NETWORK)
def lookup(wanted: list[Wanted], config: LookupConfig, session=None) -> Iterator[list[Profile]]:
    key = (config.credentials or {}).get("api_key")
    if not key:
        raise MissingCredentialsError("youtube: an API key (credentials['api_key']) is needed")
    session = session or requests.Session()
    base = (config.base_url or DEFAULT_BASE_URL).strip().rstrip("/")

    def get(params):
        body, _response = http.request_json(
            session, "GET", f"{base}/channels", network=NETWORK,
            params={"part": "snippet,statistics", **params, "key": key},
            timeout=config.timeout, secrets=(key,), error_hook=api_error, expect=dict,
            max_bytes=config.max_response_bytes)
        return body

    by_id = [w for w in wanted if (w.external_id or "").startswith("UC")]
    by_handle = [w for w in wanted if w not in by_id and w.handle]
    rest = [w for w in wanted if w not in by_id and not w.handle]
    if rest:
        yield not_asked(rest, "youtube: neither a channel id nor a handle to look up")
    for batch in chunks(by_id, BATCH):
        yield read_channels(get({"id": ",".join(w.external_id for w in batch),
                                 "maxResults": BATCH}), batch)
    for item in by_handle:
        yield read_channels(get({"forHandle": f"@{item.handle}"}), [item], by_handle=True)
