"""Hostile answers at the HTTP boundary (issue 18): secrets, hosts, sizes, types, values."""

import datetime as dt
import gzip
import http.server
import importlib.util
import json
import logging
import pathlib
import threading

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload

from social_crm.connectors import get_connector, reply
from social_crm.connectors.base import (
    MAX_COUNT,
    MAX_ID,
    MAX_POST_COUNT,
    Author,
    ConnectorError,
    InvalidItemError,
    MalformedResponseError,
    Post,
    RateLimitError,
    SourceConfig,
)

TOKEN = "HOSTILE-secret-token-3f9a1c"
EVIL = "https://evil.example"
GRAPH = "https://graph.facebook.com/v23.0"
PAGE = "104628715623817"
MASTODON = "https://mastodon.example"
TAG = f"{MASTODON}/api/v1/timelines/tag/acme"
BSKY = "https://public.api.bsky.app/xrpc"
X_SEARCH = "https://api.twitter.com/2/tweets/search/recent"

CONNECTORS = {
    "x": (SourceConfig(kind="search", query="acme", credentials={"bearer_token": TOKEN}),
          X_SEARCH),
    "mastodon": (SourceConfig(kind="hashtag", query="acme", base_url=MASTODON,
                              credentials={"access_token": TOKEN}), TAG),
    "bluesky": (SourceConfig(kind="search", query="acme", credentials={"access_token": TOKEN}),
                f"{BSKY}/app.bsky.feed.searchPosts"),
    "facebook": (SourceConfig(kind="page", account_id=PAGE,
                              credentials={"page_access_token": TOKEN, "app_secret": "appsec"}),
                 f"{GRAPH}/{PAGE}/posts"),
}


def fetch(name, config=None):
    config = config or CONNECTORS[name][0]
    return list(get_connector(name, config).fetch(None))


# --- secrets ---------------------------------------------------------------------------------
@responses.activate
@pytest.mark.parametrize("name", sorted(CONNECTORS))
@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_no_token_in_any_error_or_log(name, status, caplog):
    """Error bodies echoing the token: never in the message, the repr, the chained
    exceptions, nor in any log record (libraries log at DEBUG)."""
    caplog.set_level(logging.DEBUG)
    body = {"error": {"message": f"Invalid token {TOKEN}", "type": f"OAuth {TOKEN}",
                      "code": 190 if status == 401 else 100},
            "errors": [{"message": f"Bearer {TOKEN}"}], "detail": TOKEN,
            "error_description": f"access_token={TOKEN}"}
    responses.get(CONNECTORS[name][1], json=body, status=status,
                  headers={"x-rate-limit-reset": "9" * 50})
    with pytest.raises(ConnectorError) as info:
        fetch(name)
    assert_no_secret(info.value, TOKEN, "appsec")
    for record in caplog.records:
        assert TOKEN not in record.getMessage()


@responses.activate
def test_facebook_reply_error_is_scrubbed():
    responses.post(f"{GRAPH}/123/comments", status=400,
                   json={"error": {"message": f"bad {TOKEN}", "type": TOKEN, "code": 100}})
    with pytest.raises(ConnectorError) as info:
        reply("facebook", {"page_access_token": TOKEN}, "123", "hi")
    assert_no_secret(info.value, TOKEN)


# --- hosts -----------------------------------------------------------------------------------
@responses.activate
def test_mastodon_next_link_to_another_host_is_not_followed():
    responses.get(TAG, json=[load_payload("mastodon/tag_timeline.json")[0]],
                  headers={"Link": f'<{EVIL}/api/v1/timelines/tag/acme?max_id=1>; rel="next"'})
    evil = responses.get(f"{EVIL}/api/v1/timelines/tag/acme", json=[])
    config = SourceConfig(kind="hashtag", query="acme", base_url=MASTODON, max_pages=3,
                          credentials={"access_token": TOKEN})
    pages = get_connector("mastodon", config).fetch(None)
    first = next(pages)
    assert first.posts and first.cursor is None  # stored; the cursor waits
    with pytest.raises(MalformedResponseError, match="another host"):
        next(pages)
    assert evil.call_count == 0


@responses.activate
@pytest.mark.parametrize("where", ["posts", "comments"])
def test_facebook_paging_to_another_host_is_not_followed(where):
    body = load_payload("facebook/posts_page1.json")
    if where == "posts":
        body["paging"] = {"next": f"{EVIL}/v23.0/{PAGE}/posts?after=x"}
    else:
        body["data"][0]["comments"]["paging"] = {"next": f"{EVIL}/c?access_token={TOKEN}"}
    responses.get(f"{GRAPH}/{PAGE}/posts", json=body)
    responses.get(f"{GRAPH}/{PAGE}/tagged", json={"data": []})
    config = SourceConfig(kind="page", account_id=PAGE, max_pages=3,
                          credentials={"page_access_token": TOKEN})
    with pytest.raises(MalformedResponseError, match="another host") as info:
        list(get_connector("facebook", config).fetch(None))
    assert_no_secret(info.value, TOKEN)
    assert all("evil.example" not in call.request.url for call in responses.calls)


@responses.activate
@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_redirect_to_another_host_keeps_the_credentials_home(name):
    responses.get(CONNECTORS[name][1], status=302,
                  headers={"Location": f"{EVIL}/collect"})
    evil = responses.get(f"{EVIL}/collect", json={})
    with pytest.raises(ConnectorError) as info:
        fetch(name)
    assert evil.call_count == 0
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_same_host_redirect_is_followed_with_the_token():
    moved = f"{MASTODON}/api/v1/timelines/tag/acme2"
    responses.get(TAG, status=301, headers={"Location": moved})
    responses.get(moved, json=load_payload("mastodon/tag_timeline.json"))
    (page,) = fetch("mastodon")
    assert page.posts
    assert responses.calls[1].request.headers["Authorization"] == f"Bearer {TOKEN}"


@responses.activate
def test_feed_may_move_to_another_host_without_credentials():
    responses.get("https://old.example/feed", status=301,
                  headers={"Location": "https://new.example/feed"})
    body = (pathlib.Path(__file__).parent / "payloads" / "feeds" / "blog.rss").read_bytes()
    responses.get("https://new.example/feed", body=body)
    pages = fetch("rss", SourceConfig(kind="feed", query="https://old.example/feed"))
    assert pages[0].posts


# --- sizes -----------------------------------------------------------------------------------
class _Bomb(http.server.BaseHTTPRequestHandler):
    body = b""
    sent = 0

    def do_GET(self):  # http.server calls it so
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        try:
            for start in range(0, len(self.body), 16 * 1024):
                self.wfile.write(self.body[start:start + 16 * 1024])
                type(self).sent += 16 * 1024
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def test_gzip_bomb_is_refused_early_over_real_http():
    """0.19 MB of gzip expanding to 200 MB: refused after the first 16 MB expanded."""
    _Bomb.body = gzip.compress(b" " * (200 * 1024 * 1024), compresslevel=9)
    assert len(_Bomb.body) < 250_000
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bomb)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        with pytest.raises(MalformedResponseError, match="expanded"):
            fetch("rss", SourceConfig(kind="feed", query=url))
    finally:
        server.shutdown()
        server.server_close()


@responses.activate
def test_content_length_over_the_cap_is_refused_unread():
    responses.get(TAG, body=b"[]", headers={"Content-Length": str(10**12)},
                  auto_calculate_content_length=False)
    with pytest.raises(MalformedResponseError, match="Content-Length"):
        fetch("mastodon")


@responses.activate
def test_small_byte_cap_applies_to_every_connector():
    config = SourceConfig(kind="hashtag", query="acme", base_url=MASTODON,
                          max_response_bytes=1000)
    responses.get(TAG, json=load_payload("mastodon/tag_timeline.json") * 20)
    with pytest.raises(MalformedResponseError, match="1,000 bytes"):
        fetch("mastodon", config)


@responses.activate
def test_items_beyond_the_cap_are_rejected_and_pages_split():
    status = load_payload("mastodon/tag_timeline.json")[0]
    statuses = [{**status, "id": str(10**6 + i)} for i in range(1_500)]
    responses.get(TAG, json=statuses)
    config = SourceConfig(kind="hashtag", query="acme", base_url=MASTODON, page_size=40)
    pages = fetch("mastodon", config)
    assert sum(len(p.posts) for p in pages) == 1_000
    assert all(len(p.posts) <= 40 for p in pages)
    assert [p.cursor is not None for p in pages] == [False] * (len(pages) - 1) + [True]
    rejected = [r for p in pages for r in p.rejected]
    assert len(rejected) == 500 and "more than the 1000" in rejected[0].reason
    assert rejected[0].raw["id"] == str(10**6 + 1_000)
    assert "stored as 25 pages" in pages[0].notes[0]


# --- types and values ------------------------------------------------------------------------
@responses.activate
@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_deep_json_is_a_typed_error(name):
    responses.get(CONNECTORS[name][1], body="[" * 100_000 + "]" * 100_000)
    with pytest.raises(MalformedResponseError, match="nested too deeply"):
        fetch(name)


@responses.activate
@pytest.mark.parametrize("headers", [
    {"x-rate-limit-reset": "9" * 5000}, {"x-ratelimit-reset": "1e400"},
    {"ratelimit-reset": "nan"}, {"retry-after": "9" * 400},
    {"x-ratelimit-reset": "99999-12-31T00:00:00Z"},
])
@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_huge_rate_limit_headers_give_a_bounded_reset(name, headers):
    responses.get(CONNECTORS[name][1], status=429, json={"error": "slow down"}, headers=headers)
    with pytest.raises(RateLimitError) as info:
        fetch(name)
    reset = info.value.reset_at
    assert reset is None or reset <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)


@responses.activate
def test_hostile_values_are_cleaned_or_rejected_with_a_reason():
    status = load_payload("mastodon/tag_timeline.json")[0]
    items = [
        {**status, "id": "1", "content": 12345, "created_at": "9999-12-31T23:59:59Z"},
        {**status, "id": "6", "created_at": "9999-12-31T23:59:59-05:00"},
        {**status, "id": "2", "content": {"html": "x"}, "favourites_count": 2**70,
         "url": "javascript:alert(1)", "language": ["de"]},
        {**status, "id": None},
        {**status, "id": "4", "created_at": "0001-01-01T00:00:00+05:00"},
        {**status, "id": "5", "account": {**status["account"], "acct": "x\x00y\ud800",
                                          "display_name": 7, "note": ["bio"],
                                          "followers_count": "-3"}},
    ]
    responses.get(TAG, json=items)
    (page,) = fetch("mastodon")
    posts = {p.external_id: p for p in page.posts}
    assert posts["1"].text == "12345"
    assert posts["1"].posted_at <= dt.datetime.now(dt.UTC)
    assert posts["2"].text == "" and posts["2"].like_count == MAX_POST_COUNT
    assert posts["2"].url is None and posts["2"].lang is None
    author = posts["5"].author
    assert author.handle == "xy@mastodon.example" and author.display_name == "7"
    assert author.bio is None and author.followers_count == 0
    reasons = {r.external_id: r.reason for r in page.rejected}
    assert set(reasons) == {None, "4", "6"}
    assert "without 'id'" in reasons[None]
    assert "out of range" in reasons["4"] and "out of range" in reasons["6"]


def test_post_and_author_are_typed_bounded_and_clean():
    now = dt.datetime.now(dt.UTC)
    post = Post(
        network="x", external_id="g" * 9000, text="a\x00b\ud800c\x07" + "t" * 100_000,
        posted_at=dt.datetime(9999, 12, 31), url="javascript:alert(1)", lang="xx\x00",
        like_count=-4, repost_count=2**40, reply_count="12", quote_count=float("nan"),
        in_reply_to_external_id=123, mentioned_handles=("ok", "\x00", 5, "h" * 600),
        mentioned_external_ids="single", raw={"a": "\x00", "b": float("inf"),
                                              "deep": json.loads("[" * 50 + "]" * 50)},
        author=Author(network="x", external_id="1", handle="@kim\x00", display_name=["x"],
                      bio=b"bytes", profile_url="https://x.com/kim", followers_count=2**40,
                      verified="false"),
    )
    assert len(post.external_id) == MAX_ID and post.external_id.startswith("ggg")
    assert post.external_id == Post(network="x", external_id="g" * 9000, text="",
                                    posted_at=now).external_id  # stable
    assert post.text.startswith("abc") and len(post.text) == 65_536
    assert post.posted_at <= dt.datetime.now(dt.UTC)
    assert post.url is None and post.lang == "xx"
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (
        0, MAX_POST_COUNT, 12, 0)
    assert post.in_reply_to_external_id == "123"
    assert post.mentioned_handles[:2] == ("ok", "5") and len(post.mentioned_handles[2]) <= 512
    assert post.mentioned_external_ids == ("single",)
    assert post.raw["a"] == "" and post.raw["b"] is None
    json.dumps(post.raw, allow_nan=False)
    author = post.author
    assert (author.handle, author.display_name, author.bio) == ("kim", None, None)
    assert author.followers_count == MAX_COUNT and author.verified is False
    for bad in ({"external_id": None}, {"external_id": ""}, {"external_id": "\x00"},
                {"network": None}, {"posted_at": "2024-01-01"}, {"author": {"id": 1}}):
        values = {"network": "x", "external_id": "1", "text": "", "posted_at": now, **bad}
        with pytest.raises(InvalidItemError):
            Post(**values)


# --- the fuzz figures ------------------------------------------------------------------------
def test_fuzz_figures(capsys):
    """A short run of bench/fuzz.py: no untyped error, nothing lost, nothing unstorable, no
    token anywhere (the full run is ``python3 bench/fuzz.py``)."""
    path = pathlib.Path(__file__).resolve().parents[2] / "bench" / "fuzz.py"
    spec = importlib.util.spec_from_file_location("bench_fuzz", path)
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    results = fuzz.main(per_connector=20, seed=7, quiet=True)
    with capsys.disabled():
        print()
        fuzz.print_figures(results)
    for name, tally in results.items():
        assert tally.untyped == 0, (name, tally.untyped_examples)
        assert tally.lost == 0, (name, tally.lost_examples)
        assert tally.unstorable == 0, name
        assert tally.tokens == 0, (name, tally.token_examples)
    assert requests  # the connectors' HTTP library, imported by the harness too


@responses.activate
@pytest.mark.parametrize("usage", [
    '{"1": [{"estimated_time_to_regain_access": 1e300}]}', "[" * 100_000 + "]" * 100_000,
    '{"estimated_time_to_regain_access": "9999999999999999999999"}',
])
def test_facebook_usage_headers_give_a_bounded_reset(usage):
    responses.post(f"{GRAPH}/123/comments", status=400, json={"error": {
        "message": "Application request limit reached", "code": 4}},
        headers={"x-business-use-case-usage": usage, "x-app-usage": usage})
    with pytest.raises(RateLimitError) as info:
        reply("facebook", {"page_access_token": TOKEN}, "123", "hi")
    assert info.value.reset_at <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)
