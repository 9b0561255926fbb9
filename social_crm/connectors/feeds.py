"""RSS / Atom feeds: fetched with ``requests`` (timeout), parsed with feedparser.

Kind ``feed`` (network code ``rss``): ``config.query`` is the feed URL. Only entries
mentioning one of ``config.keywords`` (case-insensitive, in title, summary or content) are
kept; all entries when there are no keywords.

Cursor: JSON text ``{"published": ISO time of the newest entry seen, but never later than
the poll's own time, "etag": ..., "modified": ...}`` (a bare ISO time is accepted too; one
stored ahead of the poll's time is read as none). Entries not newer than ``published``
are skipped (an entry dated ahead comes again until the polls' time passes it); ``etag`` /
``modified`` are sent back as ``If-None-Match`` / ``If-Modified-Since`` and a 304 answer
yields one empty last page. Entries without any date are always yielded (ingestion dedupes
them). A feed is one document: it is cut into pages of ``config.page_size`` and only the
last page carries the cursor.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import feedparser
import requests

from . import http
from .base import (
    Author,
    ConfigurationError,
    Connector,
    MalformedResponseError,
    Page,
    Post,
    SourceConfig,
    register,
)
from .util import (
    cap_items,
    date_cursor,
    html_to_text,
    parse_datetime,
    parse_each,
    read_date_cursor,
    safe_url,
    text_of,
)

NETWORK = "rss"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")


# --- cursor ----------------------------------------------------------------------------------
def read_cursor(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    cursor = cursor.strip()
    if cursor.startswith("{"):
        try:
            value = json.loads(cursor)
        except ValueError:
            return {}
        return {k: str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}
    return {"published": cursor}


def write_cursor(published: dt.datetime | None, etag: str | None, modified: str | None,
                 now: dt.datetime) -> str:
    """The cursor after a poll made at ``now``: ``published`` never later than ``now``
    (:func:`.util.date_cursor`: an entry dated ahead moves it to the poll's time only)."""
    value = {"published": date_cursor(published, now), "etag": etag, "modified": modified}
    return json.dumps({k: v for k, v in value.items() if v}, sort_keys=True)


# --- parsing ---------------------------------------------------------------------------------
def _entry_time(entry: Mapping[str, Any], index: int) -> dt.datetime | None:
    """Published (else updated) time of an entry; None when it gives none."""
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
        if entry.get(key):  # present but feedparser could not read it
            return parse_datetime(entry[key], f"entries[{index}].{key}", NETWORK)
    return None


def parse_author(entry: Mapping[str, Any], host: str) -> Author | None:
    """The entry's author, scoped to the feed's host (feeds have no user ids)."""
    detail = entry.get("author_detail")
    detail = detail if isinstance(detail, Mapping) else {}
    name = text_of(detail.get("name") or entry.get("author")).strip()
    email = text_of(detail.get("email")).strip()
    uri = text_of(detail.get("href")).strip()
    identity = uri or email.lower() or name.lower()
    if not identity:
        return None
    return Author(
        network=NETWORK,
        external_id=f"{host}:{identity}",
        handle=None,
        display_name=name or email or None,
        profile_url=uri or None,
    )


def _entry_text(entry: Mapping[str, Any]) -> tuple[str, str]:
    title = html_to_text(entry.get("title"))
    summary = text_of(entry.get("summary"))
    if not summary:
        contents = _contents(entry)
        summary = text_of(contents[0].get("value")) if contents else ""
    return title, html_to_text(summary)


def _contents(entry: Mapping[str, Any]) -> list:
    contents = entry.get("content")
    return [c for c in contents if isinstance(c, Mapping)] if isinstance(contents, list) else []


def matches(entry: Mapping[str, Any], keywords) -> bool:
    keywords = [k.strip().lower() for k in keywords or () if k and k.strip()]
    if not keywords:
        return True
    title, summary = _entry_text(entry)
    haystack = "\n".join([title, summary, *(html_to_text(c.get("value"))
                                            for c in _contents(entry))]).lower()
    return any(k in haystack for k in keywords)


#: an id unique by itself: a URI with a scheme (https:, tag:, urn:...)
_GLOBAL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")


def parse_entry(entry: Mapping[str, Any], index: int, host: str, feed_lang: str | None,
                fallback_time: dt.datetime) -> Post:
    title, summary = _entry_text(entry)
    text = "\n\n".join(part for part in (title, summary) if part)
    link = text_of(entry.get("link")) or None
    external_id = text_of(entry.get("id")) or link
    if not external_id:
        digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()[:32]
        external_id = f"{host}:{digest}"
    elif not _GLOBAL_ID.match(external_id):
        # a bare guid ("1042", "post-7": RSS allows any text) is unique in its feed only:
        # scoped to the feed's host, as authors are, so that two feeds' entries "1042" are
        # two posts (URLs and tag: URIs are unique by themselves)
        external_id = f"{host}:{external_id}"
    return Post(
        network=NETWORK,
        external_id=str(external_id),
        text=text,
        posted_at=_entry_time(entry, index) or fallback_time,
        author=parse_author(entry, host),
        url=link,
        lang=text_of(entry.get("language")) or feed_lang or None,
        raw={k: v for k, v in entry.items() if isinstance(v, (str, int, float, bool))},
    )


def _entry_raw(raw: Mapping[str, Any]) -> dict:
    """The raw entry of a rejected ``(index, entry)`` pair."""
    value = raw.get("value")
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], Mapping):
        return {k: v for k, v in value[1].items() if isinstance(v, str | int | float | bool)}
    return dict(raw)


_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})")


def as_utf8(content: bytes, content_type: str = "") -> bytes:
    """The feed as UTF-8 bytes: decoded with the HTTP charset, else the XML declaration's,
    else UTF-8, else Windows-1252 (which decodes nearly anything), bad bytes replaced.

    feedparser would otherwise run chardet on a body none of these decode, which takes
    minutes on a few hostile megabytes."""
    declared = _CHARSET.search((content_type or "").encode("latin-1", "replace"))
    in_xml = _XML_ENCODING.search(content[:300])
    for match in (declared, in_xml):
        if match:
            try:
                return content.decode(match.group(1).decode("ascii")).encode("utf-8")
            except (LookupError, UnicodeError):
                continue
    try:
        return content.decode("utf-8").encode("utf-8")
    except UnicodeError:
        return content.decode("windows-1252", errors="replace").encode("utf-8")


def parse_feed(content: bytes, url: str = "", headers: Mapping[str, str] | None = None):
    """feedparser's result for the bytes, or MalformedResponseError when it is no feed."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    content = as_utf8(content or b"", headers.get("content-type", ""))
    meta = {"content-location": url, "content-type": "application/xml; charset=utf-8"}
    if headers.get("content-language"):
        meta["content-language"] = headers["content-language"]
    parsed = feedparser.parse(content, response_headers=meta)
    if parsed.get("bozo") and not parsed.get("entries") and not (parsed.get("feed") or {}):
        reason = type(parsed.get("bozo_exception")).__name__
        raise MalformedResponseError(f"rss: {safe_url(url)} is not an RSS/Atom feed ({reason})")
    return parsed


# --- connector -------------------------------------------------------------------------------
@register
class FeedConnector(Connector):
    network = NETWORK
    kinds = ("feed", "rss", "atom")

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if config.kind not in self.kinds:
            raise ConfigurationError(f"rss: unknown source kind {config.kind!r}")
        self.url = config.query.strip()
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(f"rss: {safe_url(self.url)!r} is not a feed URL")
        self.host = parts.netloc.lower()
        self.session = session or requests.Session()

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        state = read_cursor(cursor)
        now = http.now_utc()  # the poll's own time: the cursor never moves past it
        since = read_date_cursor(state.get("published"), NETWORK, now)
        headers = {"Accept": ACCEPT}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        response = http.request(
            self.session, "GET", self.url, network=NETWORK, headers=headers,
            timeout=self.config.timeout, ok_status=(304,),
            max_bytes=self.config.max_response_bytes,
        )
        if response.status_code == 304:
            yield Page(posts=[], cursor=cursor or None, is_last=True)
            return
        parsed = parse_feed(response.content, self.url, response.headers)
        feed_lang = (parsed.get("feed") or {}).get("language")
        fallback = http.now_utc()
        newest = since
        posts = []
        entries, rejected = cap_items(list(parsed.get("entries") or []), NETWORK, "entries")

        def read(pair):
            index, entry = pair
            if not matches(entry, self.config.keywords):
                return None
            post = parse_entry(entry, index, self.host, feed_lang, fallback)
            return post, _entry_time(entry, index) is not None

        read_entries, bad = parse_each(list(enumerate(entries)), read, NETWORK, "entries")
        for item in bad:
            raw = _entry_raw(item.raw)
            rejected.append(dataclasses.replace(
                item, raw=raw, external_id=raw.get("id") or raw.get("link") or None))
        for post, dated in filter(None, read_entries):
            if dated:
                if since is not None and post.posted_at <= since:
                    continue
                newest = post.posted_at if newest is None or post.posted_at > newest else newest
            posts.append(post)
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        new_cursor = write_cursor(newest, etag[:200] if etag else None,
                                  modified[:100] if modified else None, now)
        size = max(1, self.config.page_size)
        chunks = [posts[i:i + size] for i in range(0, len(posts), size)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            is_last = number == len(chunks)
            yield Page(posts=chunk, cursor=new_cursor if is_last else None, is_last=is_last,
                       rejected=rejected if number == 1 else [])
