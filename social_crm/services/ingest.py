"""What one batch of network posts changes in the database: plain data in, a plan out.

No ``odoo`` import. ``social.crm.post._ingest_posts`` runs the three steps:

1. :func:`prepare`: clean every :class:`Post` and its :class:`Author` (values PostgreSQL would
   refuse are cleaned or, when nothing sensible is left, the item is *refused* with a reason
   code), dedupe by (network, id). :meth:`Batch.lookups` says what the models must read.
2. the models read a :class:`Snapshot` of what exists (posts, identities, candidate contacts)
   in a fixed number of queries;
3. :func:`plan` decides: posts to create and to update, identities to link, refresh and create,
   contacts to create, suggestions for review, count history rows. The models apply the
   :class:`Plan` and call the declared hooks.

Resolution order of an author the database does not know: an identity entered by hand with
the same handle, else the same profile URL (linked: it gets the network id; handles are
matched first over the whole batch, so an identity whose handle and URL name two accounts goes
to the handle's); the contact of the same
account's identity in another company, when this company may see that contact; a contact
whose web site is the profile URL (a user's contact never); then only *suggestions* for a
person to confirm: a contact whose e-mail address is in the bio (never a user's contact:
anyone can write ``admin@…`` in a bio), a contact with a similar name. Otherwise a new
contact, or none, per source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..connectors.base import Author, Post, clean_edited_at
from . import matching
from .cleaning import clean_json, clean_text

MAX_INT = 2**31 - 1  # PostgreSQL ``integer``
#: ids and handles are indexed (btree rows are limited to ~2.7 KB): longer ones are refused
MAX_KEY_BYTES = 1000
MAX_NAME = 512  # names, language codes and such: longer is garbage, cut
MAX_URL = 4096
SUGGEST_THRESHOLD = 0.85
EMAIL_CONFIDENCE = 0.95

# reason codes of refused items (the model shows them translated)
NO_ID = "no_id"
BAD_ID = "bad_id"
ID_TOO_LONG = "id_too_long"
AUTHOR_ID_TOO_LONG = "author_id_too_long"
BAD_TEXT = "bad_text"
STORAGE = "storage"  # the database refused it after all (the model's last resort)
REJECTED = "rejected"  # the connector could not read it as a post (``Page.rejected``)

# reason codes of suggestions
SIMILAR_NAME = "name"
EMAIL_IN_BIO = "email"

# a post cannot have been written after it reached us: a date later than the batch's ``now``
# (the network's clock ahead of ours, an RSS/news feed in a wrong time zone, a broken or
# hostile payload: "2031-01-01T00:00:00Z") is stored as ``now``, the time received, so that
# deadlines, reaction times, the list's order, "last 24 hours" windows and recency count from
# the arrival; the network's own value stays in the raw payload, under this key as well
REPORTED_POSTED_AT = "_social_crm_reported_posted_at"
# a date at most this far ahead is ordinary clock jitter: clamped all the same, but not logged
FUTURE_LOG_TOLERANCE = dt.timedelta(minutes=1)

COUNT_FIELDS = ("followers_count", "following_count", "posts_count", "listed_count")
POST_COUNT_FIELDS = ("like_count", "repost_count", "reply_count", "quote_count")


# --- cleaning --------------------------------------------------------------------------------
def text(value: Any, limit: int | None = None) -> str | None:
    """A storable string or None: numbers become text, anything else None; cut to ``limit``."""
    if type(value) is not str:
        if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        value = str(value)
    value = clean_text(value)
    if limit is not None and len(value) > limit:
        value = value[:limit]
    return value or None


def count(value: Any) -> int | None:
    """An ``integer`` column value: None stays None, garbage 0, clamped to 0..2^31-1."""
    if type(value) is int and 0 <= value <= MAX_INT:
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return min(max(number, 0), MAX_INT)


_BLANK = re.compile(r"\s")


def url(value: Any) -> str | None:
    """An http(s) URL naming a host, or None (``javascript:``, garbage, over-long)."""
    value = text(value)
    if not value:
        return None
    value = value.strip()
    if len(value) > MAX_URL or _BLANK.search(value):
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if not host or host.startswith(":"):
        return None
    return value


def key_id(value: Any) -> tuple[str | None, str | None]:
    """(id, reason code) of a network id: text, no blanks around; None with a reason when it
    is missing, not a scalar, or too long to index."""
    if value is None or isinstance(value, bool):
        return None, NO_ID
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None, BAD_ID
    value = clean_text(value).strip()
    if not value or value.lower() in ("none", "null"):
        return None, NO_ID
    if len(value.encode("utf-8", "replace")) > MAX_KEY_BYTES:
        return None, ID_TOO_LONG
    return value, None


def naive_utc(value: Any, default: dt.datetime) -> dt.datetime:
    """A naive UTC datetime for a ``Datetime`` column (``default`` for anything else)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return default
    if not isinstance(value, dt.datetime):
        return default
    if value.tzinfo is not None:
        try:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):
            return default
    return value


def raw_payload(raw: Any) -> Any:
    """The raw item as storable JSON (no NUL, no lone surrogates, no NaN), or a note."""
    if not raw:
        return None
    try:
        return clean_json(raw)
    except RecursionError:
        return {"_unreadable": "nested too deep"}


def checked(item: Any, values: Mapping) -> bool:
    """Whether ``item`` (a :class:`Post` or :class:`Author`) went through its own checks
    (``__post_init__``; a post built around them, as a test may, did not) and already holds
    ``values``, its cleaned values: then it is stored as it is. Building it again would run
    the same checks a second time: a third of the batch's preparation in ``bench/ingest.py``
    (10,000 posts: 0.35 s of 0.55 s of CPU)."""
    if not getattr(item, "_checked", False):
        return False
    for name, value in values.items():
        current = getattr(item, name)
        if current is not value and current != value:
            return False
    return True


def clean_author(author: Author | None) -> tuple[Author | None, str | None]:
    """(author fit for storage or None, reason code when the author had to be dropped)."""
    if author is None:
        return None, None
    ext, reason = key_id(author.external_id)
    if ext is None:
        return None, AUTHOR_ID_TOO_LONG if reason == ID_TOO_LONG else None
    handle = text(author.handle)
    if handle:
        handle = handle.strip().lstrip("@") or None
    if handle and len(handle.encode("utf-8", "replace")) > MAX_KEY_BYTES:
        return None, AUTHOR_ID_TOO_LONG
    values = {
        "network": author.network,
        "external_id": ext,
        "handle": handle,
        "display_name": text(author.display_name, MAX_NAME),
        "profile_url": url(author.profile_url),
        "bio": text(author.bio, 20000),
        "followers_count": count(author.followers_count),
        "following_count": count(author.following_count),
        "posts_count": count(author.posts_count),
        "listed_count": count(author.listed_count),
        "verified": author.verified is True,
        "observed_at": getattr(author, "observed_at", None),
    }
    return (author if checked(author, values) else Author(**values)), None


def _ids(values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = [values] if values else []
    out = []
    for value in values:
        value = text(value, MAX_NAME)
        if value and " " not in value and value not in out:
            out.append(value)
    return tuple(out)


def clean_post(post: Post, now: dt.datetime, authors=None) -> tuple[Post | None, str | None, str]:
    """(post fit for storage, None, "") or (None, reason code, detail).

    ``authors``: a dict the caller keeps for one batch, so that an author object shared by
    several posts is cleaned once."""
    ext, reason = key_id(post.external_id)
    if ext is None:
        detail = ""
        if reason == ID_TOO_LONG:
            detail = f"{len(str(post.external_id).encode('utf-8', 'replace')):,} bytes"
        return None, reason, detail
    body = post.text
    if body is None:
        body = ""
    elif not isinstance(body, str):
        if isinstance(body, int | float) and not isinstance(body, bool):
            body = str(body)
        else:
            return None, BAD_TEXT, type(body).__name__
    if authors is None:
        author, author_reason = clean_author(post.author)
    else:
        cached = authors.get(id(post.author))
        if cached is None:
            cached = authors[id(post.author)] = (post.author, *clean_author(post.author))
        _original, author, author_reason = cached
    if author_reason:
        return None, author_reason, ""
    conversation = text(post.conversation_external_id)
    if conversation and len(conversation.encode("utf-8", "replace")) > MAX_KEY_BYTES:
        conversation = None
    values = {
        "network": post.network,
        "external_id": ext,
        "text": clean_text(body),
        "author": author,
        "url": url(post.url),
        "lang": text(post.lang, 16),
        "in_reply_to_external_id": text(post.in_reply_to_external_id, MAX_KEY_BYTES),
        "conversation_external_id": conversation,
        # None: the payload did not say (not 0: a stored copy keeps its counts)
        "like_count": count(post.like_count),
        "repost_count": count(post.repost_count),
        "reply_count": count(post.reply_count),
        "quote_count": count(post.quote_count),
        "mentioned_external_ids": _ids(post.mentioned_external_ids),
        "mentioned_handles": _ids(post.mentioned_handles),
        "raw": post.raw if isinstance(post.raw, Mapping) else {},
        "edited_at": clean_edited_at(getattr(post, "edited_at", None)),
        "version_external_id": key_id(getattr(post, "version_external_id", None))[0],
    }
    posted_at = post.posted_at
    received = naive_utc(now, None)
    reported = naive_utc(posted_at, None)
    # (to the second, as the column stores it: the same second is no date ahead)
    if received is not None and reported is not None \
            and reported.replace(microsecond=0) > received:
        # dated after its arrival: stored as received (see REPORTED_POSTED_AT)
        posted_at = received
        values["raw"] = {**values["raw"], REPORTED_POSTED_AT: reported.isoformat() + "Z"}
    edited = values["edited_at"]
    if received is not None and edited is not None \
            and naive_utc(edited, received).replace(microsecond=0) > received:
        # an edit dated ahead: as received, or a later real edit would look older than it
        values["edited_at"] = received.replace(tzinfo=dt.UTC)
    if isinstance(posted_at, dt.datetime) and posted_at.tzinfo is dt.UTC and checked(post, values):
        return post, None, ""  # a checked post holds its date aware in UTC, as Post makes it
    # Post holds the date aware; post_vals makes it naive
    return Post(posted_at=naive_utc(posted_at, now), **values), None, ""


def future_dated(batch: Batch, now: dt.datetime) -> list:
    """(network, external id, date the network reported) of the batch's posts dated more
    than :data:`FUTURE_LOG_TOLERANCE` after ``now`` and stored as received (for the log)."""
    out = []
    for (network, ext), post in batch.posts.items():
        reported = post.raw.get(REPORTED_POSTED_AT) if isinstance(post.raw, Mapping) else None
        when = naive_utc(reported, None) if reported else None
        if when is not None and when - naive_utc(now, when) > FUTURE_LOG_TOLERANCE:
            out.append((network, ext, reported))
    return out


def post_to_data(post: Post) -> dict:
    """A post as storable JSON (for the quarantine), read back by :func:`post_from_data`;
    also a connector's ``Rejected`` item (network, id, no author: not a post to retry)."""
    data = {
        field.name: getattr(post, field.name, None)
        for field in dataclasses.fields(Post)
        if field.name not in ("author", "raw")
    }
    author = getattr(post, "author", None)
    if isinstance(author, Author):
        data["author"] = {f.name: getattr(author, f.name) for f in dataclasses.fields(Author)}
    for name in ("posted_at", "edited_at"):
        value = data.get(name)
        data[name] = value.isoformat() if isinstance(value, dt.datetime) else None
    data["mentioned_external_ids"] = list(data.get("mentioned_external_ids") or ())
    data["mentioned_handles"] = list(data.get("mentioned_handles") or ())
    try:
        return clean_json(json.loads(json.dumps(data, default=str)))
    except (TypeError, ValueError, RecursionError):
        return {"network": text(post.network), "external_id": text(post.external_id)}


def post_from_data(data: Mapping, raw: Any = None) -> Post:
    values = {k: v for k, v in data.items() if k in Post.__dataclass_fields__}
    author = values.pop("author", None)
    if isinstance(author, Mapping):
        author = Author(**{k: v for k, v in author.items() if k in Author.__dataclass_fields__})
    values["author"] = author if isinstance(author, Author) else None
    values.setdefault("network", "")
    values.setdefault("external_id", None)
    values.setdefault("text", "")
    values["posted_at"] = naive_utc(values.get("posted_at"), None)
    if values["posted_at"] is not None:
        values["posted_at"] = values["posted_at"].replace(tzinfo=dt.UTC)
    values["mentioned_external_ids"] = tuple(values.get("mentioned_external_ids") or ())
    values["mentioned_handles"] = tuple(values.get("mentioned_handles") or ())
    values["raw"] = raw if isinstance(raw, Mapping) else {}
    return Post(**values)


# --- step 1: the batch -----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Refused:
    """An item storage would refuse: it goes to the quarantine, the source moves on."""

    post: Post  # or a connector's ``Rejected`` item (reason REJECTED), which may lack an id
    reason: str
    detail: str = ""


@dataclasses.dataclass
class Batch:
    posts: dict  # (network code, external id) -> clean Post, the latest of duplicates wins
    authors: dict  # (network code, external id) -> clean Author, as of its newest post
    refused: list
    skipped: list  # posts of networks this database does not know

    def drop(self, keys) -> list:
        """Take the posts of ``keys`` out of the batch (posts a user deleted: not stored
        again), and the authors that wrote only those; return the posts taken out."""
        dropped = [self.posts.pop(key) for key in keys if key in self.posts]
        if dropped:
            writing = {(p.author.network, p.author.external_id)
                       for p in self.posts.values() if p.author}
            self.authors = {key: a for key, a in self.authors.items() if key in writing}
        return dropped

    def lookups(self, known_identities) -> Lookups:
        """What the models must read about the authors the database does not know yet, and
        about the handles known authors now write under (``known_identities``: {author key:
        KnownIdentity}, or their keys): which stored identity holds such a handle."""
        missing = [a for key, a in self.authors.items() if key not in known_identities]
        renamed = [a for key, a in self.authors.items()
                   if isinstance(known_identities, Mapping) and key in known_identities
                   and renamed_handle(a, known_identities[key].values or {})]
        handles = sorted({a.handle.lower() for a in missing + renamed if a.handle})
        urls = sorted({u for a in missing if (u := matching.normalise_url(a.profile_url))})
        emails = sorted({e for a in missing for e in matching.emails_in_text(a.bio)})
        patterns = set()
        for author in missing:
            words = matching.name_tokens(author.display_name)
            if len(words) < 2:
                continue
            # candidates share the first letters of two words with the author (as NameIndex
            # requires), compared on a lower-cased, accent-folded name
            prefixes = sorted({word[:3] for word in words})[:3]
            if len(prefixes) == 1:
                patterns.add(f"%{prefixes[0]}%")
            for first, second in itertools.permutations(prefixes, 2):
                patterns.add(f"%{first}%{second}%")
        return Lookups(
            networks=sorted({a.network for a in missing + renamed}),
            handles=handles,
            urls=urls,
            emails=emails,
            name_patterns=sorted(patterns),
            author_ids=sorted({a.external_id for a in missing}),
        )


@dataclasses.dataclass(frozen=True)
class Lookups:
    networks: list
    handles: list
    urls: list
    emails: list
    name_patterns: list
    author_ids: list


def prepare(posts: Iterable[Post], networks: Iterable[str], now: dt.datetime) -> Batch:
    """Clean and dedupe a batch; refuse what cannot be stored, skip unknown networks."""
    known = set(networks)
    batch = Batch(posts={}, authors={}, refused=[], skipped=[])
    cleaned_authors = {}  # id(author) -> (author, clean author, reason); keeps the ids valid
    newest = {}  # author key -> (when its counts were observed, date of its post) so far
    for post in posts:
        if not isinstance(post, Post):
            batch.refused.append(Refused(Post("", None, "", now), BAD_ID, type(post).__name__))
            continue
        if post.network not in known:
            batch.skipped.append(post)
            continue
        clean, reason, detail = clean_post(post, now, cleaned_authors)
        if clean is None:
            batch.refused.append(Refused(post, reason, detail))
            continue
        key = (clean.network, clean.external_id)
        earlier = batch.posts.pop(key, None)
        if earlier is not None and newer_edit(earlier.edited_at, clean.edited_at):
            # an older version after a newer one (X: two versions of an edited tweet on one
            # page; a retried delivery): the newer text wins, the later copy's counts
            clean = dataclasses.replace(earlier, **{
                name: getattr(clean, name)
                for name in POST_COUNT_FIELDS if getattr(clean, name) is not None
            })
        elif earlier is not None and None in counts_of(clean):
            # the latest copy wins, but a count it does not know is the earlier copy's
            clean = dataclasses.replace(clean, **{
                name: getattr(earlier, name)
                for name in POST_COUNT_FIELDS if getattr(clean, name) is None
            })
        batch.posts[key] = clean
        if clean.author:
            # the author as of its newest observation (a webhook's event time; a poll's
            # answer: now), then of its newest post (of equally new ones, the latest in the
            # batch): a late item (a webhook retried, a page of older posts) describes it as
            # it was
            author_key = (clean.author.network, clean.author.external_id)
            seen = (observed_at(clean.author, now), clean.posted_at)
            if author_key not in newest or seen >= newest[author_key]:
                newest[author_key] = seen
                batch.authors[author_key] = clean.author
    _one_owner_per_handle(batch)
    return batch


def federation_uri(post: Post) -> str | None:
    """Mastodon: the status's ``uri``, its ActivityPub id, the same on every instance (its
    ``id`` is local to the instance that answered); None for other networks or without one."""
    if post.network != "mastodon" or not isinstance(post.raw, Mapping):
        return None
    uri = post.raw.get("uri")
    if isinstance(uri, str) and uri.startswith(("https://", "http://")) and len(uri) <= 2048:
        return uri
    return None


def same_status_keys(batch: Batch) -> list:
    """Keys of the batch's later copies of a status the batch already holds under another id
    (one status seen through two instances): the first copy is stored."""
    first, keys = {}, []
    for key, post in batch.posts.items():
        uri = federation_uri(post)
        if uri and first.setdefault((key[0], uri), key) != key:
            keys.append(key)
    return keys


def observed_at(author: Author, now: dt.datetime) -> dt.datetime:
    """When ``author``'s counts were true, naive UTC (``now``, naive UTC: a poll's answer
    read now, or an item whose network gives no time)."""
    when = getattr(author, "observed_at", None)
    return naive_utc(when, now) if when is not None else now


def stale_counts(author: Author, current: Mapping, now: dt.datetime) -> bool:
    """Whether ``author``'s counts were observed before the stored ones (``current``'s
    ``counts_observed_at``, naive UTC; empty: never dated, any observation is newer)."""
    stored = current.get("counts_observed_at")
    return bool(stored) and observed_at(author, now) < stored


def stale_profile(author: Author, current: Mapping, now: dt.datetime) -> bool:
    """Whether ``author``'s name, bio and verified flag were observed before the stored ones
    (``current``'s ``profile_observed_at``, naive UTC; empty: never dated, any observation is
    newer): the counts' rule (:func:`stale_counts`) for the profile, dated apart because a
    payload may carry a profile without counts (a Facebook comment's ``from``)."""
    stored = current.get("profile_observed_at")
    return bool(stored) and observed_at(author, now) < stored


def stale_delivery(post: Post, snapshot: Snapshot, now: dt.datetime) -> bool:
    """Whether ``post`` comes from a delivery older than its author's stored counts (see
    :func:`stale_counts`): its own counts are as old."""
    author = post.author
    if author is None or getattr(author, "observed_at", None) is None:
        return False  # read now (a poll, a re-check): as new as anything stored
    known = snapshot.identities.get((author.network, author.external_id))
    return known is not None and stale_counts(author, known.values or {}, now)


def newer_edit(edited_at: dt.datetime | None, than: dt.datetime | None) -> bool:
    """Whether a version edited at ``edited_at`` is newer than one edited at ``than`` (None:
    not edited, the first version; naive values are UTC, as the database gives them)."""
    if edited_at is None:
        return False
    if than is None:
        return True
    return naive_utc(edited_at, edited_at) > naive_utc(than, than)


def counts_of(post: Post) -> tuple:
    """A post's like, repost, reply and quote counts (None: the payload did not say)."""
    return tuple(getattr(post, name) for name in POST_COUNT_FIELDS)


def newest_posts(batch: Batch) -> dict:
    """{author key: date of the author's newest post in the batch} (aware, UTC)."""
    newest = {}
    for post in batch.posts.values():
        if post.author:
            key = (post.author.network, post.author.external_id)
            if key not in newest or post.posted_at > newest[key]:
                newest[key] = post.posted_at
    return newest


def older_than_stored(posted_at: dt.datetime | None, stored: dt.datetime | None) -> bool:
    """Whether a batch's post (``posted_at``) is older than the newest stored post of an
    identity (``stored``, naive UTC as the database gives it; None: it has none)."""
    if posted_at is None or stored is None:
        return False
    return naive_utc(posted_at, stored) < stored


def _one_owner_per_handle(batch: Batch) -> None:
    """A handle belongs to one account at a time: when the batch holds several accounts (ids)
    writing under one handle (it moved from one to the other between their posts), the
    author of the newest post keeps it and the others are stored without it (their posts
    keep the handle they were written under)."""
    newest = newest_posts(batch)
    owners = {}
    for key, author in batch.authors.items():
        if author.handle:
            owners.setdefault((author.network, author.handle.lower()), []).append(key)
    for keys in owners.values():
        if len(keys) > 1:
            keys.sort(key=lambda k: (newest.get(k) or dt.datetime.min.replace(tzinfo=dt.UTC), k))
            for key in keys[:-1]:
                batch.authors[key] = dataclasses.replace(batch.authors[key], handle=None)


# --- step 2: what exists ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class KnownPost:
    id: int
    counts: tuple = (0, 0, 0, 0)  # like, repost, reply, quote
    edited_at: dt.datetime | None = None  # of the stored version (naive UTC), None: first


@dataclasses.dataclass(frozen=True)
class KnownIdentity:
    id: int
    partner_id: int | None
    values: Mapping = dataclasses.field(default_factory=dict)  # the refreshable fields


@dataclasses.dataclass(frozen=True)
class ManualIdentity:
    """An identity of this company on one of the batch's networks that has no network id yet
    (entered by hand), or whose handle one of the batch's authors uses now."""

    id: int
    network: str
    handle: str | None  # lower-cased
    profile_url: str | None
    external_id: str | None
    partner_id: int | None


@dataclasses.dataclass
class Snapshot:
    network_ids: Mapping  # code -> id
    posts: Mapping = dataclasses.field(default_factory=dict)  # key -> KnownPost
    identities: Mapping = dataclasses.field(default_factory=dict)  # author key -> KnownIdentity
    manual: list = dataclasses.field(default_factory=list)  # ManualIdentity
    partners_by_website: Mapping = dataclasses.field(default_factory=dict)  # normalised url -> id
    partners_by_email: Mapping = dataclasses.field(default_factory=dict)  # e-mail -> id (no users)
    name_candidates: list = dataclasses.field(default_factory=list)  # (partner id, name)
    suggested: set = dataclasses.field(default_factory=set)  # (network code, author id, pid)
    decided: set = dataclasses.field(default_factory=set)  # the same, confirmed or rejected
    metrics_today: Mapping = dataclasses.field(default_factory=dict)  # identity id -> (id, vals)
    metrics_date: dt.date | None = None  # the day of metrics_today (the company's day)
    # identity id -> date (naive UTC) of its newest stored post, read only for the identities
    # a handle of the batch concerns (renamed known ones, holders of a handle an author uses)
    last_post_at: Mapping = dataclasses.field(default_factory=dict)
    # (network code, author id) -> contact of the same account's identity in another company
    # (a contact this company may see): the same person, certainly
    partners_by_account: Mapping = dataclasses.field(default_factory=dict)


# --- step 3: the plan ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class NewContact:
    author_key: tuple
    name: str
    note: str | None  # the bio, plain text (the model escapes it into the HTML notes)


@dataclasses.dataclass(frozen=True)
class NewIdentity:
    author_key: tuple
    vals: dict  # without partner_id
    partner_id: int | None  # an existing contact, or None: the NewContact of the same key


@dataclasses.dataclass(frozen=True)
class Suggestion:
    author: Author
    partner_id: int
    confidence: float
    reason: str


@dataclasses.dataclass
class Plan:
    refused: list = dataclasses.field(default_factory=list)
    skipped: list = dataclasses.field(default_factory=list)
    posts_to_create: list = dataclasses.field(default_factory=list)  # clean Posts
    post_vals: list = dataclasses.field(default_factory=list)  # vals of posts_to_create
    post_authors: list = dataclasses.field(default_factory=list)  # author key or None
    posts_to_update: list = dataclasses.field(default_factory=list)  # (post id, vals)
    # edits: (post id, vals of the new version) and the clean Posts, in the same order
    posts_to_edit: list = dataclasses.field(default_factory=list)
    edited_posts: list = dataclasses.field(default_factory=list)
    known_post_ids: list = dataclasses.field(default_factory=list)
    handles_to_release: list = dataclasses.field(default_factory=list)  # identity ids
    identity_links: list = dataclasses.field(default_factory=list)  # (identity id, Author)
    identity_updates: list = dataclasses.field(default_factory=list)  # (identity id, vals)
    contacts_to_create: list = dataclasses.field(default_factory=list)  # NewContact
    identities_to_create: list = dataclasses.field(default_factory=list)  # NewIdentity
    suggestions: list = dataclasses.field(default_factory=list)  # new Suggestions
    suggested_keys: set = dataclasses.field(default_factory=set)  # authors waiting for review
    # new identities whose author's earlier posts have none (they waited for a decision)
    earlier_posts_of: set = dataclasses.field(default_factory=set)
    authors: dict = dataclasses.field(default_factory=dict)  # author key -> clean Author
    metrics: list = dataclasses.field(default_factory=list)  # (author key, metric id|None, vals)
    metrics_date: dt.date | None = None  # the day of the new metric rows (snapshot's)
    identities: dict = dataclasses.field(default_factory=dict)  # author key -> (iid, pid)


def identity_vals(author: Author, network_id: int, now: dt.datetime) -> dict:
    """Values of a new identity found by listening (without contact and company)."""
    return {
        "network_id": network_id,
        "external_id": author.external_id,
        "handle": author.handle or False,
        "display_name_on_network": author.display_name or False,
        "profile_url": author.profile_url or False,
        **{name: getattr(author, name) or 0 for name in COUNT_FIELDS},
        "counts_observed_at": observed_at(author, now) if known_counts(author) else False,
        "verified": bool(author.verified),
        "bio": author.bio or False,
        "profile_observed_at": observed_at(author, now),
        "last_synced_at": now,
        "origin": "listening",
    }


def known_counts(author: Author) -> dict:
    """The counts the network sent for ``author`` (None: it did not say, which is not 0)."""
    return {name: value for name in COUNT_FIELDS if (value := getattr(author, name)) is not None}


def renamed_handle(author: Author, current: Mapping) -> bool:
    """Whether a known account now writes under another handle than the one stored (``current``
    holds the stored ``handle``; a post without a handle changes nothing)."""
    return (bool(author.handle) and "handle" in current
            and (current["handle"] or "") != author.handle)


def refresh_vals(author: Author, current: Mapping, now: dt.datetime) -> dict:
    """The fields of a known identity this author changes (counts the network did not send,
    empty names and bios keep what is stored; counts, and name, bio and verified flag,
    observed before the stored ones, e.g. a webhook delivered late, keep the stored ones and
    their date; the handle follows its own rule, :func:`renamed_handle`)."""
    wanted = {}
    if not stale_counts(author, current, now):
        wanted = known_counts(author)
        if wanted:
            wanted["counts_observed_at"] = observed_at(author, now)
    if not stale_profile(author, current, now):
        wanted["verified"] = bool(author.verified)
        if author.display_name:
            wanted["display_name_on_network"] = author.display_name
        if author.bio:
            wanted["bio"] = author.bio
        wanted["profile_observed_at"] = observed_at(author, now)
    if renamed_handle(author, current):
        wanted["handle"] = author.handle
    vals = {name: value for name, value in wanted.items() if current.get(name) != value}
    vals["last_synced_at"] = now
    return vals


def post_vals(post: Post, network_id: int, now: dt.datetime) -> dict:
    """Values of a new post (without company, source and author identity)."""
    author = post.author
    vals = {
        "network_id": network_id,
        "external_id": post.external_id,
        "author_external_id": author.external_id if author else False,
        "author_handle": (author.handle or False) if author else False,
        "author_name": (author.display_name or False) if author else False,
        # what the network reported with the post: an author without identity (a match
        # waiting for review, a source that creates no contacts) is ranked and counted by it
        "author_followers_count": (author.followers_count or 0) if author else 0,
        "text": post.text or "",
        "url": post.url or False,
        # the one place where a post's date becomes what a ``Datetime`` column takes: naive UTC
        # (a Post holds it aware, see ``Post.__post_init__``)
        "posted_at": naive_utc(post.posted_at, now),
        "fetched_at": now,
        "lang": post.lang or False,
        "in_reply_to_external_id": post.in_reply_to_external_id or False,
        "conversation_external_id": post.conversation_external_id or False,
        "mentioned_external_ids": " ".join(post.mentioned_external_ids) or False,
        "mentioned_handles": " ".join(post.mentioned_handles) or False,
        **{name: getattr(post, name) or 0 for name in POST_COUNT_FIELDS},
        "raw_payload": raw_payload(post.raw) or False,
    }
    if post.edited_at:  # first seen edited (most posts never are: no column to write)
        vals["edited_at"] = naive_utc(post.edited_at, now)
    if post.version_external_id:
        vals["version_external_id"] = post.version_external_id
    return vals


def edit_vals(post: Post, now: dt.datetime) -> dict:
    """Values of a stored post that a newer version (an edit) changes: its text and what is
    read from it (language, mentions), the edit's date, the payload; the URL and X's version
    id where the network gives them. Author, date, thread and counts stay (counts follow
    their own rule)."""
    vals = {
        "text": post.text or "",
        "edited_at": naive_utc(post.edited_at, now),
        "fetched_at": now,
        "lang": post.lang or False,
        "mentioned_external_ids": " ".join(post.mentioned_external_ids) or False,
        "mentioned_handles": " ".join(post.mentioned_handles) or False,
        "raw_payload": raw_payload(post.raw) or False,
    }
    if post.url:
        vals["url"] = post.url
    if post.version_external_id:
        vals["version_external_id"] = post.version_external_id
    return vals


def contact_name(author: Author) -> str:
    name = (author.display_name or "").strip() or (
        f"@{author.handle}" if author.handle else author.external_id
    )
    return name[:128]


def plan(batch: Batch, snapshot: Snapshot, now: dt.datetime, create_contacts=True) -> Plan:
    """Decide what the batch creates, updates, links and suggests."""
    result = Plan(refused=list(batch.refused), skipped=list(batch.skipped),
                  metrics_date=snapshot.metrics_date)
    networks = snapshot.network_ids
    identities = {key: (k.id, k.partner_id) for key, k in snapshot.identities.items()}
    missing = {key: a for key, a in batch.authors.items() if key not in identities}

    # known identities: refresh what changed
    for key, known in snapshot.identities.items():
        author = batch.authors.get(key)
        if author is not None:
            result.identity_updates.append(
                (known.id, refresh_vals(author, known.values or {}, now))
            )

    # 1. identities entered by hand: same handle, else same profile URL
    by_handle, by_url, stale = {}, {}, []
    for manual in snapshot.manual:
        if manual.external_id:
            stale.append(manual)
            continue
        if manual.handle:
            by_handle.setdefault((manual.network, manual.handle.lower()), manual)
        if manual.profile_url:
            site = matching.normalise_url(manual.profile_url)
            if site:
                by_url.setdefault((manual.network, site), manual)
    # every handle match first, then profile URLs: an identity whose handle and URL a user
    # entered for two different accounts goes to the account of its handle (the URL's account
    # then gets an identity of its own), whatever the order of the batch
    taken, linked, candidates = set(), set(), []
    for key, author in missing.items():
        if author.handle:
            candidates.append((key, author, by_handle.get((author.network, author.handle.lower()))))
    for key, author in missing.items():
        if author.profile_url:
            site = matching.normalise_url(author.profile_url)
            candidates.append((key, author, by_url.get((author.network, site))))
    for key, author, manual in candidates:
        if manual is not None and manual.id not in taken and key not in linked:
            taken.add(manual.id)
            linked.add(key)
            identities[key] = (manual.id, manual.partner_id)
            result.identity_links.append((manual.id, author))
            vals = refresh_vals(author, {}, now)
            vals["external_id"] = author.external_id
            result.identity_updates.append((manual.id, vals))
    # a known account under another handle than the stored one: renamed, unless all its posts
    # of the batch are older than its newest stored post (a late page, a webhook retried
    # late: the handle it had then, which may belong to another account now); an identity
    # without a handle yet (known by a stream that sends none) takes it from any post
    newest = newest_posts(batch)
    renamed, keep_handle = {}, set()
    for key, known in snapshot.identities.items():
        author = batch.authors.get(key)
        if author is not None and renamed_handle(author, known.values or {}):
            if (known.values or {}).get("handle") and older_than_stored(
                newest.get(key), snapshot.last_post_at.get(known.id)
            ):
                keep_handle.add(key)
            else:
                renamed[key] = author
    # a known account renamed to a handle an identity entered by hand holds (no network id):
    # the two may be one person, which a user decides (it keeps its former handle meanwhile)
    for key, author in list(renamed.items()):
        if (author.network, author.handle.lower()) in by_handle:
            keep_handle.add(key)
            del renamed[key]
    # a handle now used by another account: the stored one is stale, free it; unless the
    # identity holding it has posted under it more recently than the batch's author (whose
    # post is then older news: that author is stored without the handle, or keeps its own)
    claims = {
        (author.network, author.handle.lower()): key
        for key, author in (*missing.items(), *renamed.items())
        if author.handle and key not in linked
    }
    moved_away = {snapshot.identities[key].id for key in renamed}
    release = []
    for manual in stale:
        claimant = claims.get((manual.network, manual.handle.lower())) if manual.handle else None
        if claimant is None:
            continue
        if manual.id in moved_away or not older_than_stored(
            newest.get(claimant), snapshot.last_post_at.get(manual.id)
        ):
            release.append(manual.id)
        elif claimant in renamed:
            keep_handle.add(claimant)
            del renamed[claimant]
        else:
            missing[claimant] = dataclasses.replace(missing[claimant], handle=None)
    result.handles_to_release = sorted(release)
    kept_ids = {snapshot.identities[key].id for key in keep_handle}
    result.identity_updates = [
        (iid, {k: v for k, v in vals.items() if k != "handle"}) if iid in kept_ids
        else (iid, vals)
        for iid, vals in result.identity_updates
    ]
    rest = {key: a for key, a in missing.items() if key not in linked}

    # 2. the contact of the same account in another company (a contact this company may
    # see), else a contact whose web site is the profile URL (never a user's: the query
    # leaves them out)
    partner_for = {}
    for key, author in rest.items():
        site = matching.normalise_url(author.profile_url)
        if key in snapshot.partners_by_account:
            partner_for[key] = snapshot.partners_by_account[key]
        elif site and site in snapshot.partners_by_website:
            partner_for[key] = snapshot.partners_by_website[site]
    unmatched = {key: a for key, a in rest.items() if key not in partner_for}

    # 3. suggestions only: an e-mail address of the bio, a similar name
    index = matching.NameIndex(snapshot.name_candidates) if snapshot.name_candidates else None
    suggested = set()
    for key, author in unmatched.items():
        found = {}
        for email in matching.emails_in_text(author.bio):
            partner_id = snapshot.partners_by_email.get(email)
            if partner_id and partner_id not in found:
                found[partner_id] = (EMAIL_CONFIDENCE, EMAIL_IN_BIO)
        if index is not None and len(matching.name_tokens(author.display_name)) >= 2:
            for partner_id, confidence in index.best(
                author.display_name, threshold=SUGGEST_THRESHOLD
            ):
                found.setdefault(partner_id, (confidence, SIMILAR_NAME))
        # the author waits for a person's decision while one of its matches is undecided; a
        # match a person rejected (or confirmed, then deleted the identity) is not suggested
        # again, and the author is then treated as a new one (a contact per source)
        if any((author.network, author.external_id, pid) not in snapshot.decided
               for pid in found):
            suggested.add(key)
        for partner_id, (confidence, reason) in found.items():
            if (author.network, author.external_id, partner_id) not in snapshot.suggested:
                result.suggestions.append(Suggestion(author, partner_id, confidence, reason))

    # 4. new identities: of a matched contact, or of a new contact (per source)
    for key, author in rest.items():
        network_id = networks[author.network]
        if key in partner_for:
            result.identities_to_create.append(
                NewIdentity(key, identity_vals(author, network_id, now), partner_for[key])
            )
        elif key not in suggested and create_contacts:
            result.contacts_to_create.append(NewContact(key, contact_name(author), author.bio))
            result.identities_to_create.append(
                NewIdentity(key, identity_vals(author, network_id, now), None)
            )
            if any(pair[:2] == key for pair in snapshot.decided):
                # its earlier posts waited, contact-less, for the match a person rejected
                result.earlier_posts_of.add(key)

    # 5. today's count history of every identity the batch knows the followers of: a count
    # the network did not send (None) is not 0: today's row keeps what it has, a new row
    # carries the identity's last known count (a new identity's stays empty)
    # counts observed before the stored ones (a webhook delivered late) write no row either
    for key, author in batch.authors.items():
        if author.followers_count is None:
            continue
        counts = known_counts(author)
        identity = identities.get(key)
        if identity is None:
            continue  # a new identity: its row follows below
        known = snapshot.identities.get(key)
        last = (known.values or {}) if known is not None else {}
        if stale_counts(author, last, now):
            continue
        current = snapshot.metrics_today.get(identity[0])
        if current is None:
            carried = {name: last[name] for name in COUNT_FIELDS
                       if name not in counts and last.get(name) is not None}
            result.metrics.append((key, None, {**carried, **counts}))
            continue
        metric_id, values = current
        changed = {name: value for name, value in counts.items() if values.get(name) != value}
        if changed:
            result.metrics.append((key, metric_id, changed))
    new_keys = {n.author_key for n in result.identities_to_create}
    for key in new_keys:
        author = batch.authors[key]
        if author.followers_count is not None:
            result.metrics.append((key, None, known_counts(author)))

    # 6. posts: known ones get their counts (those the payload says) and the text of a newer
    # version (an edit: never an older or the same version again), new ones their values
    for key, post in batch.posts.items():
        known = snapshot.posts.get(key)
        if known is not None:
            result.known_post_ids.append(known.id)
            if newer_edit(post.edited_at, known.edited_at):
                result.posts_to_edit.append((known.id, edit_vals(post, now)))
                result.edited_posts.append(post)
            counts = counts_of(post)
            if post.version_external_id or stale_delivery(post, snapshot, now):
                # X counts each version's engagement apart (what the original got stays
                # with it): an edit's counts never lower the stored ones; nor do those of
                # a delivery older than its author's stored counts (a webhook retried late,
                # after a poll or re-check read the post's newer counts)
                counts = tuple(old if new is None else max(old, new)
                               for old, new in zip(known.counts, counts, strict=True))
            if tuple(known.counts) != counts:
                if None in counts:
                    counts = tuple(old if new is None else new
                                   for old, new in zip(known.counts, counts, strict=True))
                if tuple(known.counts) != counts:
                    vals = dict(zip(POST_COUNT_FIELDS, counts, strict=True))
                    result.posts_to_update.append((known.id, vals))
            continue
        result.posts_to_create.append(post)
        result.post_vals.append(post_vals(post, networks[post.network], now))
        author = post.author
        result.post_authors.append((author.network, author.external_id) if author else None)
    result.identities = identities
    result.suggested_keys = suggested
    result.authors = batch.authors
    return result
