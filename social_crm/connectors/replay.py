"""Replay of recorded traffic from a JSON Lines file (demo, tests: no credentials).

Each line is one :class:`Post` as :func:`post_to_dict` writes it (``dataclasses.asdict``
with ISO 8601 datetimes; ``author`` an object or null). ``config.query`` is the file path.

Cursor: the number of lines consumed, as text. Pages hold ``config.page_size`` posts (at
most ``config.max_pages`` pages a poll); every page carries the cursor of its last line.
Blank lines are skipped but counted. A line that cannot be read as a post (not JSON, no id,
a wrong type) goes to :attr:`Page.rejected` with the reason and is counted too.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .base import (
    Author,
    ConfigurationError,
    Connector,
    MalformedResponseError,
    Page,
    Post,
    Rejected,
    SourceConfig,
    register,
)
from .util import iso, parse_datetime

NETWORK = "replay"
_AUTHOR_FIELDS = {f.name for f in dataclasses.fields(Author)}
_POST_FIELDS = {f.name for f in dataclasses.fields(Post)}
_TUPLES = ("mentioned_external_ids", "mentioned_handles")


def post_to_dict(post: Post) -> dict[str, Any]:
    """JSON-ready dict of a Post (``dataclasses.asdict``, datetimes as ISO text)."""
    value = dataclasses.asdict(post)
    value["posted_at"] = iso(post.posted_at)
    value["edited_at"] = iso(post.edited_at) if post.edited_at else None
    if value.get("author") is not None:
        observed_at = post.author.observed_at
        value["author"]["observed_at"] = iso(observed_at) if observed_at else None
    for key in _TUPLES:
        value[key] = list(value[key])
    value["raw"] = json.loads(json.dumps(dict(post.raw), default=str))
    return value


def author_from_dict(value: Mapping[str, Any] | None) -> Author | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value.get("network") or not value.get("external_id"):
        raise MalformedResponseError("replay: 'author' needs 'network' and 'external_id'")
    return Author(**{k: v for k, v in value.items() if k in _AUTHOR_FIELDS})


def post_from_dict(value: Mapping[str, Any]) -> Post:
    """Post from :func:`post_to_dict`'s dict (unknown keys ignored)."""
    if not isinstance(value, dict):
        raise MalformedResponseError("replay: a line is not a JSON object")
    missing = [k for k in ("network", "external_id", "text", "posted_at") if k not in value]
    if missing:
        raise MalformedResponseError(f"replay: line without {', '.join(missing)}")
    data = {k: v for k, v in value.items() if k in _POST_FIELDS}
    data["posted_at"] = parse_datetime(value["posted_at"], "posted_at", NETWORK)
    data["author"] = author_from_dict(value.get("author"))
    for key in _TUPLES:
        items = value.get(key) or ()
        data[key] = tuple(items) if isinstance(items, list | tuple) else ()
    raw = value.get("raw")
    data["raw"] = dict(raw) if isinstance(raw, dict) else {}
    return Post(**data)


def dump_jsonl(posts: Iterable[Post], path: str | os.PathLike) -> int:
    """Write ``posts`` to ``path`` as JSON Lines; return how many were written."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for post in posts:
            handle.write(json.dumps(post_to_dict(post), ensure_ascii=False) + "\n")
            count += 1
    return count


def load_jsonl(path: str | os.PathLike) -> list[Post]:
    with open(path, encoding="utf-8") as handle:
        return [post_from_dict(json.loads(line)) for line in handle if line.strip()]


def read_line(line: str, number: int) -> Post:
    """The post of one JSON line; MalformedResponseError saying what is wrong."""
    try:
        value = json.loads(line)
    except RecursionError:
        raise MalformedResponseError(f"replay: line {number} is nested too deeply") from None
    except ValueError:
        raise MalformedResponseError(f"replay: line {number} is not JSON") from None
    try:
        return post_from_dict(value)
    except MalformedResponseError as exc:
        raise MalformedResponseError(f"line {number}: {exc}") from None
    except (TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        raise MalformedResponseError(
            f"replay: line {number} is not a post ({type(exc).__name__}: "
            f"{str(exc)[:160]})") from None


@register
class ReplayConnector(Connector):
    network = NETWORK
    kinds = ("replay",)

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        self.path = config.query.strip()
        if not self.path:
            raise ConfigurationError("replay: the file path (query) is missing")

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        try:
            start = int(cursor) if cursor else 0
        except ValueError:
            raise ConfigurationError(f"replay: bad cursor {cursor!r}") from None
        size = max(1, self.config.page_size)
        try:
            handle = open(self.path, encoding="utf-8")  # closed by the with below
        except OSError as error:
            raise ConfigurationError(
                f"replay: cannot read {self.path!r} ({error.strerror})") from None
        with handle:
            consumed, posts, rejected, pages = 0, [], [], 0
            for consumed, line in enumerate(handle, 1):
                if consumed <= start:
                    continue
                if line.strip():
                    try:
                        posts.append(read_line(line, consumed))
                    except MalformedResponseError as exc:
                        rejected.append(Rejected(NETWORK, str(exc), None, {"line": line[:65536]}))
                if len(posts) + len(rejected) >= size:
                    pages += 1
                    is_last = pages >= self.config.max_pages
                    yield Page(posts=posts, cursor=str(consumed), is_last=is_last,
                               rejected=rejected)
                    posts, rejected = [], []
                    if is_last:
                        return
            yield Page(posts=posts, cursor=str(max(consumed, start)), is_last=True,
                       rejected=rejected)
