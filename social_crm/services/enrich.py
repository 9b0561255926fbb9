"""Enrichment decisions (plain Python, no ``odoo``): what a profile look-up changes.

* :func:`handle_from_url`: the handle (or network id) in a profile URL typed or imported
  instead of a handle (``https://x.com/jane`` -> ``jane``, ``https://example.social/@jane``
  -> ``jane@example.social``, ``https://www.youtube.com/channel/UC…`` -> id ``UC…``).
* :func:`plan_identity`: the identity's new values and today's count history row for one
  :class:`~..connectors.lookup.Profile`, and when to look again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Container
from urllib.parse import unquote, urlsplit

from ..connectors import lookup

COUNT_FIELDS = ("followers_count", "following_count", "posts_count", "listed_count")
INTERVAL = dt.timedelta(days=7)  # a found account is looked up again a week later
GONE_RETRY = dt.timedelta(days=30)  # missing, suspended, unavailable: asked again monthly
ERROR_RETRY = dt.timedelta(hours=6)  # this account failed (its instance down...)
#: a rate limit without a reset time: asked again this much later; and never sooner than
#: ``RATE_LIMIT_MIN`` (a reset in the past or a second away must not make the job spin)
RATE_LIMIT_WAIT = dt.timedelta(minutes=15)
RATE_LIMIT_MIN = dt.timedelta(seconds=30)

STATE_OF = {
    lookup.FOUND: "ok",
    lookup.MISSING: "missing",
    lookup.SUSPENDED: "suspended",
    lookup.UNAVAILABLE: "unavailable",
    lookup.ERROR: "error",
}

_URL_START = re.compile(r"^(https?://|www\.)", re.I)
_YOUTUBE_CHANNEL = re.compile(r"^/channel/(UC[A-Za-z0-9_-]{10,40})/?$")


def looks_like_url(value: str | None) -> bool:
    return bool(value and _URL_START.match(value.strip()))


def _pattern_regex(pattern: str) -> re.Pattern | None:
    """A regex matching the URLs of ``pattern`` (placeholders {handle}, {user},
    {instance}), scheme and ``www.`` optional, trailing slash optional."""
    if not pattern:
        return None
    body = re.sub(r"^https?://(www\.)?", "", pattern.strip()).rstrip("/")
    parts = re.split(r"(\{handle\}|\{user\}|\{instance\})", body)
    regex = ""
    for part in parts:
        if part == "{handle}":
            regex += r"(?P<handle>[^/?#]+)"
        elif part == "{user}":
            regex += r"(?P<user>[^/?#@]+)"
        elif part == "{instance}":
            regex += r"(?P<instance>[^/?#]+)"
        else:
            regex += re.escape(part)
    return re.compile(rf"^(?:https?://)?(?:www\.)?{regex}/?(?:[?#].*)?$", re.I)


def handle_from_url(url: str, pattern: str | None, network: str = "") -> tuple[str | None,
                                                                                str | None]:
    """``(handle, external_id)`` read from a profile URL; ``(None, None)`` when the URL does
    not fit the network's pattern (the URL is then kept as the profile URL only)."""
    url = (url or "").strip()
    if not looks_like_url(url):
        return None, None
    if network == "x":  # the old address still names the same accounts
        url = re.sub(r"(?i)^(https?://)?(www\.|mobile\.)?twitter\.com/", "https://x.com/", url)
    if network == "youtube":
        path = urlsplit(url if "://" in url else f"https://{url}").path
        match = _YOUTUBE_CHANNEL.match(path)
        if match:
            return None, match.group(1)
    regex = _pattern_regex(pattern or "")
    match = regex.match(url) if regex else None
    if not match:
        return None, None
    groups = match.groupdict()
    if groups.get("handle"):
        return unquote(groups["handle"]).lstrip("@"), None
    if groups.get("user") and groups.get("instance"):
        return f"{unquote(groups['user']).lstrip('@')}@{groups['instance'].lower()}", None
    return None, None


@dataclasses.dataclass
class IdentityNow:
    """What the database holds of an identity that was looked up."""

    id: int
    external_id: str | None
    handle: str | None
    counts: dict  # COUNT_FIELDS -> int
    display_name: str | None = None
    verified: bool = False
    bio: str | None = None


@dataclasses.dataclass
class IdentityPlan:
    identity_id: int
    vals: dict
    metric: dict | None = None  # today's counts, when found


def plan_identity(identity: IdentityNow, profile: lookup.Profile, now: dt.datetime,
                  today: dt.date, taken_ids: Container = frozenset()) -> IdentityPlan:
    """The new values of ``identity`` after ``profile`` (``now`` naive UTC). ``taken_ids``:
    network ids another identity of the company already has (not copied here; only read)."""
    state = STATE_OF[profile.status]
    vals: dict = {"lookup_state": state, "lookup_message": profile.reason or False,
                  "last_lookup_at": now}
    if profile.status == lookup.ERROR:
        vals["next_lookup_at"] = now + ERROR_RETRY
        return IdentityPlan(identity.id, vals)
    if profile.status != lookup.FOUND:
        vals["next_lookup_at"] = now + GONE_RETRY
        return IdentityPlan(identity.id, vals)
    author = profile.author
    vals.update(next_lookup_at=now + INTERVAL, last_synced_at=now, counts_as_of=today,
                lookup_message=False)
    counts = {name: getattr(author, name) for name in COUNT_FIELDS
              if getattr(author, name) is not None}
    vals.update({k: v for k, v in counts.items() if identity.counts.get(k) != v})
    if author.display_name and author.display_name != identity.display_name:
        vals["display_name_on_network"] = author.display_name
    if author.verified != bool(identity.verified):
        vals["verified"] = author.verified
    if author.bio and author.bio != identity.bio:
        vals["bio"] = author.bio
    if not identity.external_id and author.external_id not in taken_ids:
        vals["external_id"] = author.external_id
    if not identity.handle and author.handle:
        vals["handle"] = author.handle
    metric = dict(identity.counts, **counts) if counts else None
    return IdentityPlan(identity.id, vals, metric)


# --- look-up on arrival ----------------------------------------------------------------------
ARRIVAL_LIMIT = 25  # authors looked up per intake batch; the others go to the enrichment job


def arrival_wanted(posts: list, known: Container, limit: int = ARRIVAL_LIMIT) -> list[tuple]:
    """``[(network, external_id, handle)]`` of the authors of ``posts`` (connector posts) whose
    payload says nothing of their followers (Bluesky Jetstream, Meta webhooks) and that the
    network can be asked about, in order of arrival, each once, at most ``limit``; ``known``:
    ``(network, external_id)`` of accounts whose counts the company has already (counted, or
    looked up and not due: asking again at each post would cost a request each)."""
    wanted, seen = [], set()
    for post in posts:
        author = getattr(post, "author", None)
        if author is None or author.followers_count is not None:
            continue
        key = (author.network, author.external_id)
        if key in seen or key in known or not lookup.can_lookup(author.network):
            continue
        seen.add(key)
        wanted.append((author.network, author.external_id, author.handle))
        if len(wanted) >= limit:
            break
    return wanted


def with_profile(post, found, observed_at: dt.datetime):
    """``post`` whose author takes what the look-up ``found`` (an
    :class:`~..connectors.base.Author`) says and the payload did not: its counts (dated
    ``observed_at``, aware UTC: when the look-up read them), handle, name, bio, profile URL
    and verified flag. The payload's own values stay."""
    author = post.author
    changes = {name: getattr(found, name) for name in (*COUNT_FIELDS, "handle",
                                                         "display_name", "bio", "profile_url")
               if getattr(author, name) is None and getattr(found, name) is not None}
    if found.verified and not author.verified:
        changes["verified"] = True
    if not changes:
        return post
    changes["observed_at"] = observed_at
    return dataclasses.replace(post, author=dataclasses.replace(author, **changes))


def rate_limit_resume(reset_at, now):
    """When look-ups paused by a rate limit may resume: the network's reset (``reset_at``,
    aware or naive UTC, or None when it gave none), at least ``RATE_LIMIT_MIN`` after
    ``now`` (naive UTC, as Odoo stores it); a naive UTC datetime.

    >>> now = dt.datetime(2026, 1, 1, 12, 0)
    >>> rate_limit_resume(None, now)
    datetime.datetime(2026, 1, 1, 12, 15)
    >>> rate_limit_resume(dt.datetime(2026, 1, 1, 11, 0, tzinfo=dt.UTC), now)
    datetime.datetime(2026, 1, 1, 12, 0, 30)
    """
    if reset_at is None:
        resume = now + RATE_LIMIT_WAIT
    else:
        resume = reset_at.astimezone(dt.UTC).replace(tzinfo=None) if reset_at.tzinfo \
            else reset_at
    return max(resume, now + RATE_LIMIT_MIN)
