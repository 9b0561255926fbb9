"""Connectors whose cursor is a date (RSS/Atom, Facebook, Bluesky): an item dated ahead of the
poll (a feed in a wrong time zone, a client clock ahead) never moves the cursor past the
poll's own time, so the items published after it are not skipped at the next polls."""

import copy
import datetime as dt
import email.utils
import json

import pytest
import responses
from connector_helpers import load_payload

from social_crm.connectors import get_connector, http
from social_crm.connectors.base import SourceConfig
from social_crm.connectors.util import date_cursor, read_date_cursor

FEED = "https://blog.example.org/feed.xml"
PAGE = "104628715623817"
GRAPH = "https://graph.facebook.com/v23.0"
BSKY = "https://public.api.bsky.app/xrpc"

# the first poll; an item of the feed is dated 12 hours ahead of it
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
AHEAD = T0 + dt.timedelta(hours=12)
T1 = T0 + dt.timedelta(minutes=10)  # the next poll
NEW = T0 + dt.timedelta(minutes=5)  # an item published between the two polls


@pytest.fixture
def clock(monkeypatch):
    """``clock(when)``: the connectors' poll time (``http.now_utc``) from then on."""
    def set_clock(when):
        monkeypatch.setattr(http, "now_utc", lambda: when)
    return set_clock


def rss(*items):
    """An RSS 2.0 document of ``(guid, title, date)`` items (``pubDate`` as RFC 822)."""
    entries = "".join(
        f"<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title>"
        f"<link>https://blog.example.org/{guid}</link>"
        f"<pubDate>{email.utils.format_datetime(when)}</pubDate></item>"
        for guid, title, when in items)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Blog</title><link>https://blog.example.org/</link>{entries}"
            f"</channel></rss>").encode()


def feed_ids(cursor):
    pages = list(get_connector("rss", SourceConfig(kind="feed", query=FEED)).fetch(cursor))
    return [p.external_id for page in pages for p in page.posts], pages[-1].cursor


@responses.activate
def test_feed_entry_dated_ahead_moves_the_cursor_to_the_poll_time_only(clock):
    clock(T0)
    responses.get(FEED, body=rss(("wrong-tz", "ACME review", AHEAD),
                                 ("older", "ACME news", T0 - dt.timedelta(hours=1))),
                  content_type="application/rss+xml")
    ids, cursor = feed_ids(None)
    assert ids == ["blog.example.org:wrong-tz", "blog.example.org:older"]
    assert json.loads(cursor) == {"published": T0.isoformat()}

    clock(T1)
    responses.replace(responses.GET, FEED, body=rss(
        ("later", "ACME outage", NEW), ("wrong-tz", "ACME review", AHEAD),
        ("older", "ACME news", T0 - dt.timedelta(hours=1))), content_type="application/rss+xml")
    ids, cursor = feed_ids(cursor)
    # the entry published after the first poll comes; the one dated ahead comes again
    # (ingestion knows it by its id); the older one does not
    assert ids == ["blog.example.org:later", "blog.example.org:wrong-tz"]
    assert json.loads(cursor) == {"published": T1.isoformat()}


@responses.activate
def test_feed_cursor_stored_ahead_is_read_as_none(clock):
    # a cursor an older version moved 12 hours ahead tells nothing of what was read: the
    # feed is read whole (ingestion knows what it stored by the ids), not skipped
    clock(T1)
    responses.get(FEED, body=rss(("later", "ACME outage", T1 - dt.timedelta(seconds=1)),
                                 ("older", "ACME news", T0 - dt.timedelta(hours=1))),
                  content_type="application/rss+xml")
    ids, cursor = feed_ids(json.dumps({"published": AHEAD.isoformat()}))
    assert ids == ["blog.example.org:later", "blog.example.org:older"]
    assert json.loads(cursor) == {"published": (T1 - dt.timedelta(seconds=1)).isoformat()}


def graph_posts(comment_times):
    """A ``/{page-id}/posts`` answer (Graph API shape) of one post with these comments."""
    body = copy.deepcopy(load_payload("facebook/posts_page2.json"))
    post = body["data"][0]
    post["created_time"] = (T0 - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    template = post["comments"]["data"][0]
    post["comments"]["data"] = [
        {**template, "id": f"790000000000000_98000000000000{n}",
         "created_time": when.strftime("%Y-%m-%dT%H:%M:%S+0000")}
        for n, when in enumerate(comment_times)]
    body.pop("paging")
    return body


def facebook_poll(cursor, comment_times):
    responses.get(f"{GRAPH}/{PAGE}/posts", json=graph_posts(comment_times))
    responses.get(f"{GRAPH}/{PAGE}/tagged", json={"data": []})
    connector = get_connector("facebook", SourceConfig(
        kind="page", account_id=PAGE, credentials={"page_access_token": "EAAGsecret1234"}))
    pages = list(connector.fetch(cursor))
    return [p.external_id for page in pages for p in page.posts], pages[-1].cursor


@responses.activate
def test_facebook_comment_dated_ahead_moves_since_to_the_poll_time_only(clock):
    clock(T0)
    ids, cursor = facebook_poll(None, [AHEAD, T0 - dt.timedelta(hours=1)])
    assert len(ids) == 2 and cursor == T0.isoformat()
    responses.reset()
    clock(T1)
    ids, cursor = facebook_poll(cursor, [AHEAD, NEW, T0 - dt.timedelta(hours=1)])
    assert ids == ["790000000000000_980000000000000", "790000000000000_980000000000001"]
    assert cursor == T1.isoformat()


def bluesky_search(times):
    """A ``searchPosts`` answer (its documented shape) of posts indexed at these times."""
    body = copy.deepcopy(load_payload("bluesky/search_page1.json"))
    template = body["posts"][0]
    posts = []
    for n, when in enumerate(times):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        post = copy.deepcopy(template)
        post["uri"] = f"at://{template['author']['did']}/app.bsky.feed.post/3kq2date{n}"
        post["record"]["createdAt"] = post["indexedAt"] = stamp
        posts.append(post)
    return {"posts": posts}  # no cursor: the last page


def bluesky_poll(cursor, times):
    responses.get(f"{BSKY}/app.bsky.feed.searchPosts", json=bluesky_search(times))
    responses.get(f"{BSKY}/app.bsky.actor.getProfiles",
                  json=load_payload("bluesky/profiles.json"))
    connector = get_connector("bluesky", SourceConfig(kind="search", query="acme"))
    pages = list(connector.fetch(cursor))
    return [p.external_id.rsplit("/", 1)[1] for page in pages for p in page.posts], \
        pages[-1].cursor


@responses.activate
def test_bluesky_post_dated_ahead_moves_the_cursor_to_the_poll_time_only(clock):
    clock(T0)
    ids, cursor = bluesky_poll(None, [AHEAD, T0 - dt.timedelta(hours=1)])
    assert ids == ["3kq2date0", "3kq2date1"] and cursor == T0.isoformat()
    responses.reset()
    clock(T1)
    ids, cursor = bluesky_poll(cursor, [AHEAD, NEW, T0 - dt.timedelta(hours=1)])
    assert ids == ["3kq2date0", "3kq2date1"] and cursor == T1.isoformat()


def test_date_cursor_helpers():
    assert date_cursor(None, T0) is None
    assert date_cursor(T0 - dt.timedelta(hours=1), T0) == (T0 - dt.timedelta(hours=1)).isoformat()
    assert date_cursor(AHEAD, T0) == T0.isoformat()
    assert date_cursor(T0, T0) == T0.isoformat()  # the boundary: the poll's own time
    assert read_date_cursor(None, "rss", T0) is None
    assert read_date_cursor(AHEAD.isoformat(), "rss", T0) is None
    assert read_date_cursor(T0.isoformat(), "rss", T0) == T0
    assert read_date_cursor("2024-05-13T10:00:00Z", "rss", T0) == dt.datetime(
        2024, 5, 13, 10, tzinfo=dt.UTC)
