import datetime as dt

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import bluesky, get_connector
from social_crm.connectors.base import (
    AuthError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

BASE = "https://public.api.bsky.app"
SEARCH = f"{BASE}/xrpc/app.bsky.feed.searchPosts"
PROFILES = f"{BASE}/xrpc/app.bsky.actor.getProfiles"
JWT = "eyJhbGciOiJFUzI1NksifQ.secret-access-jwt.sig"
ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB = "did:plc:z72i7hdynmk6r22z27h6tvur"


def connector(**kwargs):
    kwargs.setdefault("page_size", 25)
    return get_connector("bluesky", SourceConfig(kind="search", query="acme", timeout=6,
                                                 **kwargs))


def add_search(payload, cursor=None, **kwargs):
    params = {"q": "acme", "sort": "latest", "limit": "25"}
    if cursor:
        params["cursor"] = cursor
    responses.get(SEARCH, json=load_payload(payload) if payload else None,
                  match=[matchers.query_param_matcher(params)], **kwargs)


@responses.activate
def test_two_pages_profiles_and_cursor():
    add_search("bluesky/search_page1.json")
    responses.get(PROFILES, json=load_payload("bluesky/profiles.json"),
                  match=[matchers.query_string_matcher(f"actors={ALICE}&actors={BOB}")])
    add_search("bluesky/search_page2.json", cursor="25")
    responses.get(PROFILES, json=load_payload("bluesky/profiles2.json"))
    responses.get(SEARCH, json={"posts": []},
                  match=[matchers.query_param_matcher({"cursor": "50"}, strict_match=False)])

    pages = list(connector(page_size=25).fetch(None))
    assert [len(p.posts) for p in pages] == [2, 2, 0]
    assert [p.cursor for p in pages] == [None, None, "2024-05-13T10:00:01.234000+00:00"]
    assert pages[-1].is_last
    post = pages[0].posts[0]
    assert post.external_id == f"at://{ALICE}/app.bsky.feed.post/3kq2abcde2k2a"
    assert post.url == "https://bsky.app/profile/alice.bsky.social/post/3kq2abcde2k2a"
    assert post.text == "@acme.bsky.social your app crashes on login 💥"
    assert post.posted_at == dt.datetime(2024, 5, 13, 10, 0, tzinfo=dt.UTC)
    assert post.mentioned_external_ids == ("did:plc:acmeacmeacmeacmeacmeacme",)
    assert post.mentioned_handles == ("acme.bsky.social",)
    assert post.in_reply_to_external_id.endswith("/3kq1root0000a")
    assert (post.like_count, post.repost_count, post.reply_count) == (10, 2, 1)
    assert post.lang == "en"
    author = post.author
    assert (author.external_id, author.handle, author.display_name) == (
        ALICE, "alice.bsky.social", "Alice ✨")
    assert (author.followers_count, author.following_count, author.posts_count) == (2048, 512,
                                                                                     9001)
    assert author.bio == "Designer. Likes 🐈."
    assert pages[0].posts[1].text == "Ünïcode: Grüße aus München — acme 🇩🇪"
    # missing optional fields, invalid handle
    odd = pages[1].posts[0]
    assert odd.like_count == 0 and odd.lang is None
    assert odd.author.handle is None
    assert odd.url == "https://bsky.app/profile/did:plc:cccccccccccccccccccccccc/post/3kq2abcde0k2c"
    assert all(timeout_of(call) == 6 for call in responses.calls)


@responses.activate
def test_stops_at_cursor():
    add_search("bluesky/search_page1.json")
    responses.get(PROFILES, json=load_payload("bluesky/profiles.json"))
    pages = list(connector().fetch("2024-05-13T09:30:00.500Z"))  # bob's post already seen
    assert len(pages) == 1 and pages[0].is_last
    assert [p.author.handle for p in pages[0].posts] == ["alice.bsky.social"]
    assert pages[0].cursor == "2024-05-13T10:00:01.234000+00:00"
    assert len([c for c in responses.calls if c.request.url.startswith(SEARCH)]) == 1


@responses.activate
def test_nothing_new_keeps_cursor():
    add_search("bluesky/search_page2.json")
    pages = list(connector().fetch("2024-05-14T00:00:00+00:00"))
    assert pages[0].posts == [] and pages[0].cursor == "2024-05-14T00:00:00+00:00"
    assert not any(c.request.url.startswith(PROFILES) for c in responses.calls)


@responses.activate
def test_deleted_author_and_profiles_batched_by_25():
    body = load_payload("bluesky/search_page1.json")
    template = body["posts"][1]
    body["posts"] = []
    for i in range(30):
        item = dict(template, uri=f"at://did:plc:user{i:020d}/app.bsky.feed.post/3k{i:03d}",
                    author=dict(template["author"], did=f"did:plc:user{i:020d}"))
        body["posts"].append(item)
    body["posts"][0] = {k: v for k, v in body["posts"][0].items() if k != "author"}
    body["posts"][1]["record"] = dict(template["record"], text="ß" * 10000)
    responses.get(SEARCH, json=dict(body, cursor=None))
    responses.get(PROFILES, json={"profiles": []})
    pages = list(connector(page_size=100).fetch(None))
    posts = pages[0].posts
    assert posts[0].author is None
    assert posts[1].text == "ß" * 10000
    profile_calls = [c for c in responses.calls if c.request.url.startswith(PROFILES)]
    assert len(profile_calls) == 2  # 29 authors: 25 + 4
    assert profile_calls[0].request.url.count("actors=") == 25


@responses.activate
def test_failure_midway():
    add_search("bluesky/search_page1.json")
    responses.get(PROFILES, json=load_payload("bluesky/profiles.json"))
    add_search("bluesky/error_500.json", cursor="25", status=500)
    got = []
    with pytest.raises(TemporaryError):
        for page in connector().fetch(None):
            got.append(page)
    assert len(got) == 1 and got[0].cursor is None and len(got[0].posts) == 2


@responses.activate
def test_rate_limit_epoch_reset():
    add_search("bluesky/error_429.json", status=429,
               headers={"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                        "ratelimit-reset": "1715594700", "ratelimit-policy": "3000;w=300"})
    with pytest.raises(RateLimitError) as info:
        list(connector().fetch(None))
    assert info.value.reset_at == dt.datetime.fromtimestamp(1715594700, tz=dt.UTC)


@responses.activate
def test_auth_error_hides_token():
    add_search("bluesky/error_401.json", status=401)
    with pytest.raises(AuthError) as info:
        list(connector(credentials={"access_token": JWT}).fetch(None))
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {JWT}"
    assert_no_secret(info.value, JWT)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"body": requests.ConnectTimeout("connect timeout")},
    {"body": requests.ConnectionError("reset by peer")},
    {"status": 503, "body": "upstream"},
])
def test_temporary(kwargs):
    responses.get(SEARCH, **kwargs)
    with pytest.raises(TemporaryError):
        list(connector().fetch(None))


@responses.activate
@pytest.mark.parametrize("body", ["not json", '{"posts": {"a": 1}}'])
def test_malformed(body):
    responses.get(SEARCH, body=body)
    with pytest.raises(MalformedResponseError):
        list(connector().fetch(None))


@responses.activate
def test_post_with_a_bad_date_is_rejected_the_rest_kept():
    good = load_payload("bluesky/search_page1.json")["posts"][0]
    bad = {"uri": "at://x/app.bsky.feed.post/1", "record": {"createdAt": "nope"}}
    responses.get(SEARCH, json={"posts": [bad, good]})
    responses.get(f"{SEARCH.rsplit('/', 1)[0]}/app.bsky.actor.getProfiles",
                  json={"profiles": []})
    (page,) = list(connector().fetch(None))
    assert [p.external_id for p in page.posts] == [good["uri"]]
    (rejected,) = page.rejected
    assert rejected.external_id == bad["uri"] and "createdAt" in rejected.reason


def test_bad_created_at_falls_back_to_indexed_at():
    item = load_payload("bluesky/search_page1.json")["posts"][1]
    item["record"]["createdAt"] = "0000-00-00"
    post = bluesky.parse_post(item, {})
    assert post.posted_at == dt.datetime(2024, 5, 13, 9, 30, 0, 500000, tzinfo=dt.UTC)
