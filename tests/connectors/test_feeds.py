import datetime as dt
import json

import pytest
import requests
import responses
from connector_helpers import PAYLOADS, timeout_of
from responses import matchers

from social_crm.connectors import feeds, get_connector
from social_crm.connectors.base import (
    ConfigurationError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

URL = "https://reviews.example.org/feed.xml"
ATOM = "https://news.example.de/atom"
RSS_BODY = (PAYLOADS / "feeds" / "blog.rss").read_bytes()
ATOM_BODY = (PAYLOADS / "feeds" / "news.atom").read_bytes()


def connector(url=URL, keywords=("acme",), **kwargs):
    return get_connector("rss", SourceConfig(kind="feed", query=url, keywords=keywords,
                                             timeout=5, **kwargs))


def add_rss(**kwargs):
    responses.get(URL, body=RSS_BODY, content_type="application/rss+xml; charset=utf-8",
                  headers={"ETag": '"abc123"', "Last-Modified": "Mon, 13 May 2024 10:05:00 GMT"},
                  **kwargs)


@responses.activate
def test_rss_keywords_text_author_and_cursor():
    add_rss()
    pages = list(connector().fetch(None))
    assert len(pages) == 1 and pages[0].is_last
    posts = pages[0].posts
    assert [p.external_id for p in posts] == [
        "reviews.example.org:reviews-1042", "https://reviews.example.org/mail",
        "https://reviews.example.org/returns"]
    first = posts[0]
    assert first.network == "rss"
    assert first.text == ("Acme X200 review: fast & flaky\n\nThe ACME X200 drops Wi-Fi every "
                          "hour.\n\nFirmware 2.1 makes it worse 😬")
    assert first.posted_at == dt.datetime(2024, 5, 13, 10, tzinfo=dt.UTC)
    assert first.url == "https://reviews.example.org/acme-x200"
    assert first.author.external_id == "reviews.example.org:jane doe"
    assert first.author.display_name == "Jane Doe"
    assert first.lang == "en-us"
    assert posts[1].author is None  # no author, no date: still yielded
    assert posts[2].author.external_id == "reviews.example.org:editor@reviews.example.org"
    cursor = json.loads(pages[0].cursor)
    assert cursor == {"published": "2024-05-13T10:00:00+00:00", "etag": '"abc123"',
                      "modified": "Mon, 13 May 2024 10:05:00 GMT"}
    assert timeout_of(responses.calls[0]) == 5


@responses.activate
def test_cursor_skips_old_entries_and_sends_validators():
    cursor = json.dumps({"published": "2024-05-11T00:00:00+00:00", "etag": '"old"'})
    add_rss(match=[matchers.header_matcher({"If-None-Match": '"old"'})])
    pages = list(connector(keywords=()).fetch(cursor))
    ids = [p.external_id for p in pages[0].posts]
    # the 2024-05-10 entry is older than the cursor; the undated one always comes
    assert ids == ["reviews.example.org:reviews-1042", "https://reviews.example.org/zyxel",
                   "https://reviews.example.org/mail"]


@responses.activate
def test_not_modified():
    cursor = json.dumps({"published": "2024-05-13T10:00:00+00:00", "etag": '"abc123"'})
    responses.get(URL, status=304)
    pages = list(connector().fetch(cursor))
    assert pages == [feeds.Page(posts=[], cursor=cursor, is_last=True)]


@responses.activate
def test_bare_iso_cursor_and_paging():
    add_rss()
    pages = list(connector(keywords=(), page_size=2).fetch("2024-05-01T00:00:00Z"))
    assert [len(p.posts) for p in pages] == [2, 2]
    assert pages[0].cursor is None and json.loads(pages[1].cursor)["published"].startswith(
        "2024-05-13T10:00")


@responses.activate
def test_atom_unicode_and_author_uri():
    responses.get(ATOM, body=ATOM_BODY, content_type="application/atom+xml")
    post = list(connector(ATOM, keywords=("ÄRGER",)).fetch(None))[0].posts[0]
    assert post.text == "Acme-Router: Ärger über Update\n\nViele Nutzer melden Abbrüche."
    assert post.posted_at == dt.datetime(2024, 5, 13, 9, 30, tzinfo=dt.UTC)
    assert post.external_id == "tag:news.example.de,2024:/acme-update"
    assert post.author.external_id == "news.example.de:https://news.example.de/autoren/mm"
    assert post.author.profile_url == "https://news.example.de/autoren/mm"
    assert post.lang == "de"


@responses.activate
def test_long_entry():
    body = RSS_BODY.replace(b"Old news about acme.", ("acme " + "ü" * 50000).encode())
    responses.get(URL, body=body)
    posts = list(connector().fetch(None))[0].posts
    assert len(posts[-1].text) > 50000


@responses.activate
@pytest.mark.parametrize("kwargs,error", [
    ({"body": requests.ReadTimeout("slow")}, TemporaryError),
    ({"body": requests.ConnectionError("dns")}, TemporaryError),
    ({"status": 503, "body": "down"}, TemporaryError),
    ({"status": 500, "body": "oops"}, TemporaryError),
    ({"status": 429, "headers": {"Retry-After": "120"}}, RateLimitError),
    ({"body": b"\x00\x01 definitely not xml"}, MalformedResponseError),
])
def test_faults(kwargs, error):
    responses.get(URL, **kwargs)
    with pytest.raises(error) as info:
        list(connector().fetch(None))
    if error is RateLimitError:
        assert info.value.reset_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=100)


@responses.activate
def test_malformed_entry_date_names_field():
    responses.get(URL, body=RSS_BODY.replace(b"Mon, 13 May 2024 10:00:00 GMT", b"sometime soon"))
    pages = list(connector().fetch(None))
    rejected = [r for p in pages for r in p.rejected]
    assert len(rejected) == 1 and "entries[0].published" in rejected[0].reason
    assert rejected[0].raw["published"] == "sometime soon" and rejected[0].external_id


def test_configuration():
    with pytest.raises(ConfigurationError):
        connector("file:///etc/passwd")


@responses.activate
def test_bare_guids_of_two_feeds_are_two_posts():
    """RSS allows any text as a guid: "reviews-1042" is unique in its feed only. Scoped to
    the feed's host, the same guid in another site's feed is another post; URLs and tag:
    URIs stay as they are."""
    other = "https://blog.other.example/rss"
    add_rss()
    responses.get(other, body=RSS_BODY.replace(b"reviews.example.org", b"blog.other.example"),
                  content_type="application/rss+xml; charset=utf-8")
    first = list(connector().fetch(None))[0].posts[0]
    second = list(connector(url=other).fetch(None))[0].posts[0]
    assert first.external_id == "reviews.example.org:reviews-1042"
    assert second.external_id == "blog.other.example:reviews-1042"
