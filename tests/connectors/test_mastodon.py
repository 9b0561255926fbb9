import datetime as dt

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import get_connector, hide, mastodon, reply
from social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    GoneError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

TOKEN = "mastodon-secret-token-ZYX987"
BASE = "https://mastodon.example"
NOTIFICATIONS = f"{BASE}/api/v1/notifications"
NEXT = f"{NOTIFICATIONS}?max_id=34975860&types%5B%5D=mention&since_id=34975800"


def connector(kind="mentions", query="", **kwargs):
    config = SourceConfig(kind=kind, query=query, base_url=BASE + "/", timeout=9,
                          credentials={"access_token": TOKEN}, **kwargs)
    return get_connector("mastodon", config)


def link(url, rel="next"):
    return {"Link": f'<{url}>; rel="{rel}", <{NOTIFICATIONS}?min_id=34975861>; rel="prev"'}


@responses.activate
def test_mentions_two_pages_link_header_and_cursor():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/notifications_page1.json"),
                  headers=link(NEXT), match=[matchers.query_param_matcher(
                      {"types[]": "mention", "limit": "40", "since_id": "34975800"})])
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/notifications_page2.json"),
                  match=[matchers.query_param_matcher({"max_id": "34975860"},
                                                      strict_match=False)])
    pages = list(connector().fetch("34975800"))
    assert [p.cursor for p in pages] == [None, "34975861"]
    assert [p.is_last for p in pages] == [False, True]
    # the deleted status (status: null) is skipped
    assert [len(p.posts) for p in pages] == [1, 1]
    post = pages[0].posts[0]
    assert post.external_id == "112433000000000002"
    assert post.text == ("@acme the update bricked my router & my patience 😤\n\n"
                         "Second line\nthird line")
    assert post.posted_at == dt.datetime(2024, 5, 13, 10, 19, 58, tzinfo=dt.UTC)
    assert post.url == "https://fosstodon.org/@kim/112433000000000002"
    assert post.in_reply_to_external_id == "112432000000000001"
    assert (post.like_count, post.repost_count, post.reply_count) == (5, 3, 1)
    assert post.mentioned_external_ids == ("acme@mastodon.example",)
    author = post.author
    assert author.external_id == "kim@fosstodon.org" and author.handle == "kim@fosstodon.org"
    assert author.bio == "Open source & coffee.\nShe/her"
    assert (author.followers_count, author.following_count, author.posts_count) == (812, 199,
                                                                                     4410)
    assert author.verified is True and author.display_name == "Kim 🌻"
    # local account: the instance host is appended; spoiler text kept before the content
    local = pages[1].posts[0]
    assert local.author.handle == "lee@mastodon.example"
    assert local.text == "router rant\n\n@acme help"
    assert local.lang is None
    for call in responses.calls:
        assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert timeout_of(call) == 9
        assert TOKEN not in call.request.url


@responses.activate
def test_hashtag_timeline_missing_counters_and_no_cursor_movement_when_empty():
    url = f"{BASE}/api/v1/timelines/tag/acme"
    responses.get(url, json=load_payload("mastodon/tag_timeline.json"))
    pages = list(connector("hashtag", "#acme").fetch(None))
    assert pages[0].cursor == "112433100000000001" and pages[0].is_last
    post = pages[0].posts[0]
    assert post.text == "J'adore mon routeur #acme — très stable"
    assert post.author.followers_count is None and post.author.bio is None
    assert post.lang == "fr"

    responses.reset()
    responses.get(url, json=[], match=[matchers.query_param_matcher(
        {"since_id": "112433100000000001"}, strict_match=False)])
    pages = list(connector("hashtag", "acme").fetch("112433100000000001"))
    assert pages[0].posts == [] and pages[0].cursor == "112433100000000001"


@responses.activate
def test_search_min_id_offset_paging():
    url = f"{BASE}/api/v2/search"
    responses.get(url, json=load_payload("mastodon/search.json"),
                  match=[matchers.query_param_matcher(
                      {"q": "acme", "type": "statuses", "limit": "2", "resolve": "false"})])
    responses.get(url, json={"accounts": [], "hashtags": [], "statuses": []},
                  match=[matchers.query_param_matcher({"offset": "2"}, strict_match=False)])
    pages = list(connector("search", "acme", page_size=2).fetch(None))
    assert [len(p.posts) for p in pages] == [2, 0]
    assert [p.cursor for p in pages] == [None, "112433100000000001"]

    # with a cursor: min_id is sent and older statuses are dropped client side
    responses.reset()
    responses.get(url, json=load_payload("mastodon/search.json"),
                  match=[matchers.query_param_matcher({"min_id": "112431000000000000"},
                                                      strict_match=False)])
    pages = list(connector("search", "acme", page_size=2).fetch("112431000000000000"))
    assert len(pages) == 1 and [p.external_id for p in pages[0].posts] == ["112433100000000001"]
    assert pages[0].cursor == "112433100000000001"


@responses.activate
def test_deleted_account_and_long_text():
    body = load_payload("mastodon/tag_timeline.json")
    body[0]["account"] = None
    body[0]["content"] = "<p>" + "ü🚀 " * 5000 + "</p>"
    responses.get(f"{BASE}/api/v1/timelines/tag/acme", json=body)
    post = list(connector("hashtag", "acme").fetch(None))[0].posts[0]
    assert post.author is None
    assert post.text == ("ü🚀 " * 5000).strip()


@responses.activate
def test_failure_midway():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/notifications_page1.json"),
                  headers=link(NEXT), match=[matchers.query_param_matcher(
                      {"types[]": "mention", "limit": "40", "since_id": "34975800"})])
    responses.get(NOTIFICATIONS, status=502, body="<html>Bad gateway</html>",
                  match=[matchers.query_param_matcher({"max_id": "34975860"},
                                                      strict_match=False)])
    got = []
    with pytest.raises(TemporaryError):
        for page in connector().fetch("34975800"):
            got.append(page)
    assert len(got) == 1 and got[0].cursor is None


@responses.activate
def test_rate_limit_iso_reset():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/error_429.json"), status=429,
                  headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                           "X-RateLimit-Reset": "2024-05-13T10:25:00.000Z"})
    with pytest.raises(RateLimitError) as info:
        list(connector().fetch(None))
    assert info.value.reset_at == dt.datetime(2024, 5, 13, 10, 25, tzinfo=dt.UTC)


@responses.activate
def test_revoked_token():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/error_401.json"), status=401)
    with pytest.raises(AuthError) as info:
        list(connector().fetch(None))
    assert "revoked" in str(info.value)
    assert_no_secret(info.value, TOKEN)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"body": requests.ReadTimeout(f"HTTPSConnectionPool: Read timed out. Bearer {TOKEN}")},
    {"body": requests.ConnectionError("Name or service not known")},
    {"status": 500, "body": "boom"},
    {"status": 503, "body": "maintenance"},
])
def test_temporary_faults(kwargs):
    responses.get(NOTIFICATIONS, **kwargs)
    with pytest.raises(TemporaryError) as info:
        list(connector().fetch(None))
    assert_no_secret(info.value, TOKEN)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"body": "<html>maintenance</html>", "content_type": "text/html"},
    {"json": {"statuses": []}},  # an object where a list is documented
])
def test_malformed(kwargs):
    responses.get(NOTIFICATIONS, **kwargs)
    with pytest.raises(MalformedResponseError):
        list(connector().fetch(None))


@responses.activate
def test_bad_status_is_rejected_with_reason_and_the_rest_kept():
    good = load_payload("mastodon/notifications_page2.json")
    bad = {"id": "1", "type": "mention", "status": {"id": "2", "created_at": "13/05/2024 x",
                                                    "content": "", "account": None}}
    responses.get(NOTIFICATIONS, json=[bad, *good])
    (page,) = list(connector().fetch(None))
    assert len(page.posts) == 1
    (rejected,) = page.rejected
    assert rejected.external_id == "2" and rejected.network == "mastodon"
    assert "malformed date" in rejected.reason and "created_at" in rejected.reason
    assert rejected.raw["created_at"] == "13/05/2024 x"
    assert page.cursor  # the rejected item is quarantined: the cursor may move past it


def test_configuration():
    with pytest.raises(ConfigurationError):
        get_connector("mastodon", SourceConfig(kind="mentions", base_url=BASE))  # no token
    with pytest.raises(ConfigurationError):
        get_connector("mastodon", SourceConfig(kind="hashtag", query="#"))
    with pytest.raises(ConfigurationError):
        get_connector("mastodon", SourceConfig(kind="hashtag", query="a", base_url="ftp://x"))


@responses.activate
def test_reply():
    responses.post(f"{BASE}/api/v1/statuses", json=load_payload("mastodon/status.json"),
                   match=[matchers.json_params_matcher(
                       {"status": "@kim sorry! We are on it.",
                        "in_reply_to_id": "112433000000000002"})])
    result = reply("mastodon", {"access_token": TOKEN}, "112433000000000002",
                   "@kim sorry! We are on it.", timeout=3, base_url=BASE)
    assert result.external_id == "112433200000000000"
    assert result.url == "https://mastodon.example/@acme/112433200000000000"
    request = responses.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Idempotency-Key"]
    assert timeout_of(responses.calls[0]) == 3


@responses.activate
def test_reply_errors_and_no_hide():
    responses.post(f"{BASE}/api/v1/statuses", json={"error": "Validation failed: Text too long"},
                   status=422)
    with pytest.raises(Exception) as info:
        mastodon.reply({"access_token": TOKEN}, "1", "x" * 600, base_url=BASE)
    assert "Text too long" in str(info.value) and info.value.status == 422
    assert info.value.refusal == "too_long"
    assert info.value.detail == "Validation failed: Text too long"
    with pytest.raises(ConfigurationError):
        mastodon.reply({}, "1", "hi", base_url=BASE)
    with pytest.raises(ConfigurationError):
        hide("mastodon", {"access_token": TOKEN}, "1")


@responses.activate
@pytest.mark.parametrize(("status", "words", "refusal", "gone"), [
    (422, "Validation failed: Text character limit of 500 exceeded", "too_long", False),
    (422, "Validation failed: Text can't be blank", "empty", False),
    (422, "Validation failed: Visibility is not included in the list", "invalid", False),
    (422, "Validation failed: The post you are trying to reply to does not appear to exist",
     "", True),
    (404, "The post you are trying to reply to does not appear to exist.", "", True),
])
def test_reply_refusals_carry_mastodon_s_words_and_why(status, words, refusal, gone):
    responses.post(f"{BASE}/api/v1/statuses", json={"error": words}, status=status)
    with pytest.raises(ConnectorError) as info:
        mastodon.reply({"access_token": TOKEN}, "1", "hi", base_url=BASE)
    assert isinstance(info.value, GoneError) == gone
    assert (info.value.refusal, info.value.detail, info.value.status) == (refusal, words, status)
