#!/usr/bin/env python3
"""bench/fuzz: hostile API answers against every listening connector.

For each connector (X search, Mastodon hashtag, Bluesky search, Facebook page, RSS feed,
replay file) a few hundred answers are made from the documented fixture payloads of
``tests/connectors/payloads`` (seeded, so every run tries the same): values of the wrong type
anywhere, NUL characters and lone surrogates, ids and handles of 10 KB, ``javascript:`` URLs,
counts of 2^40 or -1, dates of year 9999 or garbage, items without an id, JSON nested 100,000
deep, 5,000 items in one answer, a 0.19 MB gzip body expanding to 200 MB, rate-limit headers of
5,000 digits, error bodies echoing the token, redirects and paging links to another host.

Each answer is fed through ``connector.fetch`` at the HTTP boundary (``responses``) and the
result is classified:

* typed: a :class:`ConnectorError` (the poll ends with a clear message, the cursor stays);
* untyped: any other exception (the goal is 0);
* posts kept and items rejected (``Page.rejected``, quarantined by ingestion);
* lost: items of an answer that yielded pages but are neither a post nor rejected (goal 0);
* unstorable: a post or author value PostgreSQL or the ORM would refuse (NUL, surrogate,
  over-long id, count out of range, non-http URL, date past tomorrow...) (goal 0);
* tokens: the credential found in any error message, repr, log record, rejection reason, or
  sent to another host (goal 0).

Usage: python3 bench/fuzz.py [--per-connector 300] [--seed 18]
"""

import argparse
import copy
import datetime as dt
import gzip
import json
import logging
import os
import pathlib
import random
import re
import sys
import tempfile
import time
import types
from urllib.parse import urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAYLOADS = ROOT / "tests" / "connectors" / "payloads"
if "social_crm" not in sys.modules:  # the connectors without Odoo (as tests/conftest.py does)
    _package = types.ModuleType("social_crm")
    _package.__path__ = [str(ROOT / "social_crm")]
    sys.modules["social_crm"] = _package

import responses  # noqa: E402

from social_crm.connectors import get_connector  # noqa: E402
from social_crm.connectors.base import (  # noqa: E402
    MAX_COUNT,
    MAX_ID,
    MAX_TEXT,
    ConnectorError,
    SourceConfig,
)

TOKEN = "FUZZ-secret-TOKEN-8c1f2a7e9d"
EVIL = "https://evil.example"
DEEP = "[" * 100_000 + "]" * 100_000
HOSTILE_VALUES = [
    None, True, 0, -1, 2**40, 2**70, 1e308, float("nan"), "", " ", "x", "\x00", "\ud800",
    "a\x00b", "9" * 5_000, "javascript:alert(1)", [], [1, 2], {}, {"a": {"b": None}},
    "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "<script>x</script>",
]
BAD_DATES = [
    "9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00",
    "+10000-01-01T00:00:00Z", "", "yesterday", "x" * 10_000, 1e20, -1e20, None, [], {},
    "2024-13-45T99:99:99Z", "\x002024-05-01T00:00:00Z",
]
BAD_STRINGS = [
    lambda s: s + "\x00", lambda s: "\ud800" + s + "\udfff", lambda s: (s or "a") * 10_000,
    lambda s: "javascript:alert(document.cookie)", lambda s: "data:text/html,<b>x</b>",
    lambda s: "\x1b[31m" + s, lambda s: "http://exa mple.com/\x00", lambda s: "@" * 3_000,
]
RESET_HEADERS = [
    {"x-rate-limit-reset": "9" * 5_000}, {"x-ratelimit-reset": "1e400"},
    {"ratelimit-reset": "nan"}, {"retry-after": "9" * 400}, {"x-ratelimit-reset": "-5"},
    {"x-ratelimit-reset": "99999-12-31T00:00:00Z"}, {"retry-after": "Fri, 31 Dec 9999 23:59:59"},
    {"x-business-use-case-usage": '{"1": [{"estimated_time_to_regain_access": 1e300}]}'},
    {"x-page-usage": "[" * 5_000},
]

_BOMB = None


def gzip_bomb() -> bytes:
    """~0.19 MB of gzip expanding to 200 MB of spaces (valid JSON whitespace)."""
    global _BOMB
    if _BOMB is None:
        compressor = gzip.compress(b" " * (200 * 1024 * 1024), compresslevel=9)
        _BOMB = compressor
    return _BOMB


# --- the connectors under test -----------------------------------------------------------------
def _fb_comments(body):
    data = body.get("data") if isinstance(body, dict) else None
    total = 0
    for post in data if isinstance(data, list) else []:
        comments = post.get("comments") if isinstance(post, dict) else None
        items = comments.get("data") if isinstance(comments, dict) else None
        total += len(items) if isinstance(items, list) else 0
    return total


SETUPS = {
    "x": {
        "config": SourceConfig(kind="search", query="acme", max_pages=2,
                               credentials={"bearer_token": TOKEN}),
        "main": "https://api.twitter.com/2/tweets/search/recent",
        "payload": "x/search_page1.json",
        "items": lambda b: b.get("data") if isinstance(b, dict) else None,
        "items_path": ("data",),
        "benign": {"meta": {"result_count": 0}},
        "date_keys": ("created_at",), "id_keys": ("id",),
    },
    "mastodon": {
        "config": SourceConfig(kind="hashtag", query="acme", base_url="https://mastodon.example",
                               max_pages=2, credentials={"access_token": TOKEN}),
        "main": "https://mastodon.example/api/v1/timelines/tag/acme",
        "payload": "mastodon/tag_timeline.json",
        "items": lambda b: b,
        "items_path": (),
        "benign": [],
        "date_keys": ("created_at",), "id_keys": ("id",),
        "next_link": True,
    },
    "bluesky": {
        "config": SourceConfig(kind="search", query="acme", max_pages=2,
                               credentials={"access_token": TOKEN}),
        "main": "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts",
        "aux": {"https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles": {"profiles": []}},
        "payload": "bluesky/search_page1.json",
        "items": lambda b: b.get("posts") if isinstance(b, dict) else None,
        "items_path": ("posts",),
        "benign": {"posts": []},
        "date_keys": ("createdAt", "indexedAt"), "id_keys": ("uri", "did"),
    },
    "facebook": {
        "config": SourceConfig(kind="page", account_id="104628715623817", max_pages=2,
                               credentials={"page_access_token": TOKEN}),
        "main": "https://graph.facebook.com/v23.0/104628715623817/posts",
        "aux": {"https://graph.facebook.com/v23.0/104628715623817/tagged": {"data": []}},
        "payload": "facebook/posts_page1.json",
        "items": _fb_comments,
        "items_path": ("data", 0, "comments", "data"),
        "benign": {"data": []},
        "date_keys": ("created_time",), "id_keys": ("id",),
        "paging_next": True,
    },
}


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _set(value, path, new):
    if not path:
        return new
    target = value
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return value


def _get(value, path):
    for key in path:
        value = value[key]
    return value


def json_answers(name, setup, rng, count):
    """(label, status, headers, body bytes, expected items or None) of hostile answers."""
    base = json.loads((PAYLOADS / setup["payload"]).read_text(encoding="utf-8"))
    paths = [p for p in _paths(base) if p]
    strings = [p for p in paths if isinstance(_get(base, p), str)]
    dates = [p for p in paths if p[-1] in setup["date_keys"]]
    ids = [p for p in paths if p[-1] in setup["id_keys"]]
    counts = [p for p in paths if isinstance(p[-1], str) and p[-1].lower().endswith("count")]
    host = urlsplit(setup["main"]).netloc

    def dump(value):
        return json.dumps(value).encode()

    fixed = [
        ("deep nesting", 200, {}, DEEP.encode()),
        ("deep nesting in a field", 200, {},
         json.dumps(base).replace(json.dumps(_get(base, strings[0])), DEEP, 1).encode()),
        ("gzip bomb", 200, {"Content-Encoding": "gzip", "Content-Type": "application/json"},
         gzip_bomb()),
        ("null body", 200, {}, b"null"),
        ("string body", 200, {}, b'"hello"'),
        ("truncated JSON", 200, {}, dump(base)[:50]),
        ("HTML", 200, {"Content-Type": "text/html"}, b"<html>maintenance</html>"),
        ("off-host redirect", 302, {"Location": f"{EVIL}/steal?access_token={TOKEN}"}, b""),
        ("redirect loop", 302, {"Location": setup["main"]}, b""),
        ("javascript redirect", 302, {"Location": "javascript:alert(1)"}, b""),
    ]
    for status in (400, 401, 403, 404, 429, 500, 503):
        for shape in ({"error": {"message": f"bad token {TOKEN}", "code": 190, "type": TOKEN}},
                      {"errors": [{"message": f"Bearer {TOKEN}"}], "detail": TOKEN},
                      {"error": f"access_token={TOKEN}", "error_description": TOKEN}):
            fixed.append((f"HTTP {status} echoing the token", status, {}, dump(shape)))
    for headers in RESET_HEADERS:
        fixed.append(("huge rate-limit header", 429, headers, b"{}"))
    fixed.append(("huge Link header", 200, {"Link": f'<{EVIL}/{"a" * 50_000}>; rel="next"'},
                  dump(base)))
    items = _get(base, setup["items_path"])
    crowd = [copy.deepcopy(items[i % len(items)]) for i in range(5_000)]
    for index, item in enumerate(crowd):
        key = setup["id_keys"][0]
        if isinstance(item, dict) and key in item:
            item[key] = f"{item[key]}{index}"
    many = _set(copy.deepcopy(base), setup["items_path"], crowd)
    fixed.append(("5,000 items in one answer", 200, {}, dump(many)))
    if setup.get("next_link"):
        fixed.append(("next link to another host", 200,
                      {"Link": f'<{EVIL}/api/v1/timelines/tag/acme?max_id=1>; rel="next"'},
                      dump(base)))
    if setup.get("paging_next"):
        moved = copy.deepcopy(base)
        moved["paging"] = {"next": f"{EVIL}/v23.0/104628715623817/posts?after=x"}
        fixed.append(("paging.next to another host", 200, {}, dump(moved)))
        moved = copy.deepcopy(base)
        moved["data"][0]["comments"]["paging"] = {"next": f"{EVIL}/c?access_token={TOKEN}"}
        fixed.append(("comments paging.next to another host", 200, {}, dump(moved)))
    for label, status, headers, body in fixed:
        yield label, status, headers, body, None
    made = len(fixed)
    while made < count:
        made += 1
        value = copy.deepcopy(base)
        kind = rng.choice(("type", "string", "date", "id", "count", "multi"))
        if kind == "type":
            value = _set(value, rng.choice(paths), rng.choice(HOSTILE_VALUES))
        elif kind == "string" and strings:
            path = rng.choice(strings)
            value = _set(value, path, rng.choice(BAD_STRINGS)(_get(value, path)))
        elif kind == "date" and dates:
            value = _set(value, rng.choice(dates), rng.choice(BAD_DATES))
        elif kind == "id" and ids:
            value = _set(value, rng.choice(ids), rng.choice(
                [None, "", "\x00", "9" * 10_000, 1.5, [], {"a": 1}, "\ud800", -1]))
        elif kind == "count" and counts:
            value = _set(value, rng.choice(counts), rng.choice(
                [2**40, -1, 1e308, "NaN", "9" * 400, None, "12", float("inf")]))
        else:
            for _ in range(5):
                path = rng.choice(paths)
                try:
                    value = _set(value, path, rng.choice(HOSTILE_VALUES))
                except (KeyError, IndexError, TypeError):
                    pass
        try:
            expected = setup["items"](value)
        except Exception:
            expected = None
        expected = expected if isinstance(expected, int) else (
            len(expected) if isinstance(expected, list) else None)
        yield f"mutated {kind}", 200, {}, dump(value), expected
    del host


# --- RSS and replay ------------------------------------------------------------------------
RSS_URL = "https://reviews.example.org/feed.xml"


def rss_answers(rng, count):
    text = (PAYLOADS / "feeds" / "blog.rss").read_text(encoding="utf-8")
    fixed = [
        ("gzip bomb", 200, {"Content-Encoding": "gzip"}, gzip_bomb()),
        ("not XML", 200, {}, b"\x00\x01 nothing"),
        ("billion laughs", 200, {}, (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                      for i in range(1, 10))
            + ']><rss><channel><item><title>&lol9;</title></item></channel></rss>').encode()),
        ("off-host redirect", 302, {"Location": f"{EVIL}/feed"}, b""),
        ("5,000 entries", 200, {}, text.replace(
            "<item>", "<item>" * 1, 1).replace("</channel>", "".join(
                f"<item><title>acme {i}</title><guid>g{i}</guid></item>"
                for i in range(5_000)) + "</channel>").encode()),
        ("guid of 10 KB", 200, {}, re.sub(r"<guid[^>]*>[^<]*</guid>",
                                          "<guid>" + "g" * 10_000 + "</guid>", text).encode()),
        ("javascript links", 200, {}, re.sub(r"<link>[^<]*</link>",
                                             "<link>javascript:alert(1)</link>", text).encode()),
        ("huge retry-after", 429, {"retry-after": "9" * 5_000}, b""),
    ]
    for label, status, headers, body in fixed:
        yield label, status, headers, body, None
    made = len(fixed)
    while made < count:
        made += 1
        mutated = text
        for _ in range(rng.randint(1, 4)):
            choice = rng.choice((
                lambda t: re.sub(r"<pubDate>[^<]*</pubDate>",
                                 "<pubDate>" + str(rng.choice(BAD_DATES))[:10_000] + "</pubDate>",
                                 t, count=1),
                lambda t: t.replace("acme", "acme\ud800", 1),
                lambda t: t.replace("acme", "acme&#0;&#xD800;", 1),
                lambda t: re.sub(r"<guid[^>]*>[^<]*</guid>", "<guid></guid>", t, count=1),
                lambda t: t.replace("<title>", "<title>" + "T" * 70_000, 1),
                lambda t: re.sub(r"<author>[^<]*</author>", "<author>x\x01y</author>", t),
                lambda t: t[: rng.randint(0, len(t))],
                lambda t: t.replace("</item>", "</item><item>" + "<x>" * 2_000, 1),
            ))
            mutated = choice(mutated)
        yield "mutated feed", 200, {}, mutated.encode("utf-8", "surrogatepass"), None


def replay_lines(rng, count):
    good = {"network": "x", "external_id": "1", "text": "acme", "posted_at":
            "2024-05-01T10:00:00Z", "author": {"network": "x", "external_id": "7",
                                                "handle": "kim"}, "like_count": 1}
    keys = list(good) + ["url", "lang", "mentioned_handles", "raw", "author.handle",
                         "author.followers_count", "author.bio", "author.profile_url"]
    lines = []
    for index in range(count):
        value = copy.deepcopy(good)
        value["external_id"] = str(index + 1)
        key = rng.choice(keys)
        hostile = rng.choice(HOSTILE_VALUES + BAD_DATES)
        if key.startswith("author."):
            value["author"][key[7:]] = hostile
        else:
            value[key] = hostile
        line = json.dumps(value)
        if index % 50 == 0:
            line = DEEP
        elif index % 37 == 0:
            line = "not json"
        lines.append(line)
    return lines


# --- checks --------------------------------------------------------------------------------
class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.texts = []

    def emit(self, record):
        try:
            self.texts.append(record.getMessage())
        except Exception:
            self.texts.append(str(record.msg))


def unstorable(post) -> list[str]:
    """Why PostgreSQL / the ORM would refuse this post's values (empty: storable)."""
    problems = []
    now = dt.datetime.now(dt.UTC)

    def text(value, limit, what):
        if value is None:
            return
        if not isinstance(value, str):
            problems.append(f"{what} not a string")
        elif "\x00" in value or len(value) > limit:
            problems.append(f"{what} NUL or too long")
        else:
            try:
                value.encode("utf-8")
            except UnicodeError:
                problems.append(f"{what} surrogate")

    def count(value, what, optional=False):
        if value is None and optional:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            problems.append(f"{what} out of range")

    def url(value, what):
        if value is not None and not (isinstance(value, str)
                                      and value.startswith(("http://", "https://"))):
            problems.append(f"{what} not http(s)")

    for what in ("network", "external_id", "in_reply_to_external_id",
                 "conversation_external_id", "lang"):
        text(getattr(post, what), MAX_ID, what)
    text(post.text, MAX_TEXT, "text")
    url(post.url, "url")
    for what in ("like_count", "repost_count", "reply_count", "quote_count"):
        count(getattr(post, what), what, optional=True)  # None: the payload did not say
    if sum(getattr(post, w) or 0 for w in ("like_count", "repost_count", "reply_count",
                                          "quote_count")) > MAX_COUNT:
        problems.append("engagement sum out of range")
    for value in (*post.mentioned_external_ids, *post.mentioned_handles):
        text(value, MAX_ID, "mention")
    if not isinstance(post.posted_at, dt.datetime) or post.posted_at.tzinfo is None \
            or post.posted_at > now + dt.timedelta(days=1):
        problems.append("posted_at")
    try:
        dumped = json.dumps(post.raw, allow_nan=False)
        if "\\u0000" in dumped:
            problems.append("raw NUL")
        dumped.encode("utf-8")
    except (ValueError, TypeError, RecursionError):
        problems.append("raw not JSON")
    author = post.author
    if author is not None:
        for what in ("network", "external_id", "handle"):
            text(getattr(author, what), MAX_ID, f"author.{what}")
        text(author.display_name, MAX_ID, "author.display_name")
        text(author.bio, MAX_TEXT, "author.bio")
        url(author.profile_url, "author.profile_url")
        for what in ("followers_count", "following_count", "posts_count", "listed_count"):
            count(getattr(author, what), f"author.{what}", optional=True)
    return problems


class Tally:
    def __init__(self):
        self.answers = self.typed = self.untyped = self.posts = self.rejected = 0
        self.lost = self.unstorable = self.tokens = self.offhost = 0
        self.untyped_examples, self.token_examples, self.lost_examples = [], [], []
        self.seconds = 0.0

    def row(self, name):
        return (f"{name:<9} {self.answers:>7} {self.typed:>6} {self.untyped:>8} {self.posts:>7} "
                f"{self.rejected:>8} {self.lost:>5} {self.unstorable:>10} {self.tokens:>6} "
                f"{self.seconds:>6.1f}")


def _weight(rejected):
    """How many items of the answer a rejected item holds (a Facebook post: its comments)."""
    comments = rejected.raw.get("comments") if isinstance(rejected.raw, dict) else None
    data = comments.get("data") if isinstance(comments, dict) else None
    return max(len(data), 1) if isinstance(data, list) else 1


def run_answer(tally, name, make_connector, serve, expected, capture):
    """Feed one hostile answer to a fresh connector and score the outcome."""
    tally.answers += 1
    capture.texts.clear()
    texts, posts, rejected = [], 0, 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        sent = serve(mock)
        try:
            for page in make_connector().fetch(None):
                posts += len(page.posts)
                rejected += sum(_weight(r) for r in page.rejected)
                texts += [r.reason for r in page.rejected] + list(page.notes)
                for post in page.posts:
                    if unstorable(post):
                        tally.unstorable += 1
        except ConnectorError as exc:
            tally.typed += 1
            texts += [str(exc), repr(exc), repr(exc.args)]
            expected = None  # nothing stored, the cursor stays: the next poll retries
        except Exception as exc:
            tally.untyped += 1
            if len(tally.untyped_examples) < 5:
                tally.untyped_examples.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            texts += [str(exc), repr(exc)]
            expected = None
    tally.posts += posts
    tally.rejected += rejected
    if expected is not None and posts + rejected < expected:
        tally.lost += expected - posts - rejected
        if len(tally.lost_examples) < 3:
            tally.lost_examples.append(f"{name}: {expected} items, {posts} posts, "
                                       f"{rejected} rejected")
    texts += capture.texts
    leaks = [t for t in texts if TOKEN in t]
    for request in sent:
        if urlsplit(request.url).hostname == "evil.example" and (
                TOKEN in request.url or TOKEN in str(request.headers)):
            leaks.append(f"sent to {request.url[:60]}")
            tally.offhost += 1
    if leaks:
        tally.tokens += 1
        if len(tally.token_examples) < 3:
            tally.token_examples.append(leaks[0][:160])


def serve_json(setup, status, headers, body):
    def serve(mock):
        sent, state = [], {"main": 0}

        def callback(request):
            sent.append(request)
            url = request.url.split("?")[0]
            if url == setup["main"]:
                state["main"] += 1
                if state["main"] == 1:
                    return status, headers, body
                return 200, {}, json.dumps(setup["benign"])
            for aux, answer in setup.get("aux", {}).items():
                if url == aux:
                    return 200, {}, json.dumps(answer)
            return 200, {}, json.dumps(setup["benign"])

        for method in ("GET", "POST"):
            mock.add_callback(method, re.compile(r"https?://.*"), callback=callback)
        return sent

    return serve


def main(per_connector=300, seed=18, quiet=False):
    rng = random.Random(seed)
    capture = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(capture)
    results = {}
    try:
        for name, setup in SETUPS.items():
            tally = results[name] = Tally()
            start = time.perf_counter()
            for _label, status, headers, body, expected in json_answers(
                    name, setup, rng, per_connector):
                run_answer(tally, name,
                           lambda s=setup, n=name: get_connector(n, s["config"]),
                           serve_json(setup, status, headers, body), expected, capture)
            tally.seconds = time.perf_counter() - start
        tally = results["rss"] = Tally()
        start = time.perf_counter()
        rss = {"main": RSS_URL, "benign": {}}
        config = SourceConfig(kind="feed", query=RSS_URL, keywords=("acme",))
        for _label, status, headers, body, expected in rss_answers(rng, per_connector):
            run_answer(tally, "rss", lambda: get_connector("rss", config),
                       serve_json(rss, status, headers, body), expected, capture)
        tally.seconds = time.perf_counter() - start
        tally = results["replay"] = Tally()
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "hostile.jsonl")
            lines = replay_lines(rng, per_connector)
            with open(path, "w", encoding="utf-8", errors="surrogatepass") as handle:
                handle.write("\n".join(lines) + "\n")
            config = SourceConfig(kind="replay", query=path, page_size=50, max_pages=100)
            run_answer(tally, "replay", lambda: get_connector("replay", config),
                       lambda mock: [], len(lines), capture)
            tally.answers = len(lines)
        tally.seconds = time.perf_counter() - start
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    if not quiet:
        print_figures(results)
    return results


def print_figures(results):
    print("connector answers  typed  untyped   posts rejected  lost unstorable tokens      s")
    total = Tally()
    for name, tally in results.items():
        print(tally.row(name))
        for attr in ("answers", "typed", "untyped", "posts", "rejected", "lost", "unstorable",
                     "tokens", "seconds"):
            setattr(total, attr, getattr(total, attr) + getattr(tally, attr))
    print(total.row("total"))
    print("goal: 0 untyped, 0 lost, 0 unstorable, 0 tokens (anywhere, or sent to another host)")
    for name, tally in results.items():
        for example in tally.untyped_examples + tally.token_examples + tally.lost_examples:
            print(f"  {name}: {example}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-connector", type=int, default=300)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    main(args.per_connector, args.seed)
