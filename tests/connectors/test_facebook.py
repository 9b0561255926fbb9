import datetime as dt
import json

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import facebook, get_connector, hide, reply
from social_crm.connectors.base import (
    AuthError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

TOKEN = "EAAGsecretPAGEtoken123"
PAGE = "104628715623817"
GRAPH = "https://graph.facebook.com/v23.0"
POSTS = f"{GRAPH}/{PAGE}/posts"
TAGGED = f"{GRAPH}/{PAGE}/tagged"
CREDS = {"page_access_token": TOKEN}


def connector(**kwargs):
    return get_connector("facebook", SourceConfig(kind="page", account_id=PAGE, timeout=8,
                                                  credentials=CREDS, **kwargs))


def first_posts_page(**kwargs):
    responses.get(POSTS, json=load_payload("facebook/posts_page1.json"),
                  match=[matchers.query_param_matcher({"access_token": TOKEN, "limit": "100"},
                                                      strict_match=False)], **kwargs)


def second_posts_page(**kwargs):
    kwargs.setdefault("json", load_payload("facebook/posts_page2.json"))
    responses.get(POSTS, match=[matchers.query_param_matcher({"after": "QVFIUlhx"},
                                                             strict_match=False)], **kwargs)


@responses.activate
def test_comments_and_tagged_with_cursor_on_last_page():
    first_posts_page()
    second_posts_page()
    responses.get(TAGGED, json=load_payload("facebook/tagged.json"))
    pages = list(connector().fetch(None))
    assert [len(p.posts) for p in pages] == [2, 1, 1, 0]
    assert [p.cursor for p in pages] == [None, None, None, "2024-05-13T12:00:00+00:00"]
    assert [p.is_last for p in pages] == [False, False, False, True]

    comment = pages[0].posts[0]
    assert comment.external_id == "811111111111111_990000000000002"
    assert comment.text == "It bricked my router 😡 — je suis déçu"
    assert comment.posted_at == dt.datetime(2024, 5, 13, 10, 5, tzinfo=dt.UTC)
    assert comment.in_reply_to_external_id == f"{PAGE}_811111111111111"
    assert comment.conversation_external_id == f"{PAGE}_811111111111111"
    assert comment.mentioned_external_ids == (PAGE,)
    assert comment.author.external_id == "6543210987654321"
    assert comment.author.display_name == "Maria Gómez"
    assert comment.like_count == 2
    # a reply to a comment, whose author Facebook withholds
    anonymous = pages[0].posts[1]
    assert anonymous.author is None
    assert anonymous.in_reply_to_external_id == "811111111111111_990000000000000"
    # the replied-to comment's author counts as mentioned (the graph of the Social Score)
    assert anonymous.mentioned_external_ids == ("7654321098765432",)
    tagged = pages[2].posts[0]
    assert tagged.external_id == "1234567890_5555555555" and tagged.mentioned_external_ids == (
        PAGE,)

    first = responses.calls[0].request
    assert "comments" in first.params["fields"]
    assert all(timeout_of(call) == 8 for call in responses.calls)


@responses.activate
def test_cursor_filters_old_comments_and_lookback_stops_paging():
    first_posts_page()
    second_posts_page()
    responses.get(TAGGED, json=load_payload("facebook/tagged.json"))
    # posts within the look-back window are walked; only comments newer than the cursor kept
    pages = list(connector().fetch("2024-05-13T09:30:00+00:00"))
    posts = [p for page in pages for p in page.posts]
    assert [p.external_id for p in posts] == ["811111111111111_990000000000002",
                                              "790000000000000_980000000000001",
                                              "1234567890_5555555555"]
    assert pages[-1].cursor == "2024-05-13T12:00:00+00:00"

    responses.reset()
    first_posts_page()
    responses.get(TAGGED, json={"data": []})
    # page 1's oldest post (2024-05-06) is older than the cursor - 14 days: no page 2
    pages = list(connector().fetch("2024-06-30T00:00:00+00:00"))
    assert sum(len(p.posts) for p in pages) == 0
    assert pages[-1].cursor == "2024-06-30T00:00:00+00:00"
    assert len([c for c in responses.calls if c.request.url.startswith(POSTS)]) == 1


@responses.activate
def test_tagged_without_permission_is_skipped():
    first_posts_page(headers={})
    second_posts_page()
    responses.get(TAGGED, json=load_payload("facebook/error_10.json"), status=403)
    pages = list(connector().fetch(None))
    assert pages[-1].is_last and pages[-1].cursor == "2024-05-13T11:00:00+00:00"


@responses.activate
def test_failure_midway_next_link_token_not_leaked():
    first_posts_page()
    second_posts_page(json=load_payload("facebook/error_2.json"), status=500)
    got = []
    with pytest.raises(TemporaryError) as info:
        for page in connector().fetch(None):
            got.append(page)
    assert len(got) == 1 and got[0].cursor is None
    assert "unexpected error" in str(info.value)
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_revoked_token_190():
    responses.get(POSTS, json=load_payload("facebook/error_190.json"), status=400)
    with pytest.raises(AuthError) as info:
        list(connector().fetch(None))
    assert "190" in str(info.value)
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_rate_limit_reset_from_business_usage_header():
    usage = {PAGE: [{"type": "pages", "call_count": 100, "total_cputime": 20,
                     "total_time": 30, "estimated_time_to_regain_access": 17}]}
    responses.get(POSTS, json=load_payload("facebook/error_32.json"), status=400,
                  headers={"x-business-use-case-usage": json.dumps(usage)})
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(RateLimitError) as info:
        list(connector().fetch(None))
    delta = info.value.reset_at - before
    assert dt.timedelta(minutes=16) < delta < dt.timedelta(minutes=18)
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_rate_limit_without_header_is_one_hour():
    responses.get(POSTS, json=load_payload("facebook/error_4.json"), status=400,
                  headers={"x-app-usage": '{"call_count":100,"total_cputime":5,"total_time":5}'})
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(RateLimitError) as info:
        list(connector().fetch(None))
    assert dt.timedelta(minutes=59) < info.value.reset_at - before < dt.timedelta(minutes=61)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"body": requests.ReadTimeout(f"read timeout ?access_token={TOKEN}")},
    {"body": requests.ConnectionError(f"Max retries exceeded with url: /x?access_token={TOKEN}")},
    {"status": 503, "body": "Service Unavailable"},
    {"status": 500, "json": {"error": {"message": "Please reduce the amount of data",
                                       "type": "OAuthException", "code": 1}}},
])
def test_temporary(kwargs):
    responses.get(POSTS, **kwargs)
    with pytest.raises(TemporaryError) as info:
        list(connector().fetch(None))
    assert_no_secret(info.value, TOKEN)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"body": "<!DOCTYPE html><html>Sorry, something went wrong.</html>"},
    {"json": {"data": {"id": "1"}}},
])
def test_malformed(kwargs):
    responses.get(POSTS, **kwargs)
    with pytest.raises(MalformedResponseError) as info:
        list(connector().fetch(None))
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_post_with_a_bad_date_is_rejected_with_its_comments():
    responses.get(POSTS, json={"data": [{"id": "1", "created_time": "last tuesday"}]})
    responses.get(f"{POSTS.rsplit('/', 1)[0]}/tagged", json={"data": []})
    pages = list(connector().fetch(None))
    (rejected,) = pages[0].rejected
    assert "created_time" in rejected.reason and rejected.raw["id"] == "1"
    assert not any(p.posts for p in pages)


def test_malformed_comment_date_names_field():
    post = load_payload("facebook/posts_page1.json")["data"][0]
    post["comments"]["data"][0]["created_time"] = "not a date"
    with pytest.raises(MalformedResponseError, match="created_time"):
        facebook.parse_comment(post["comments"]["data"][0], post)


@responses.activate
def test_reply_and_hide():
    responses.post(f"{GRAPH}/811111111111111_990000000000002/comments",
                   json=load_payload("facebook/reply.json"),
                   match=[matchers.urlencoded_params_matcher(
                       {"message": "Sorry Maria, we sent you a DM 🙏", "access_token": TOKEN})])
    result = reply("facebook", CREDS, "811111111111111_990000000000002",
                   "Sorry Maria, we sent you a DM 🙏", timeout=4)
    assert result.external_id == "811111111111111_990000000000003"
    responses.post(f"{GRAPH}/811111111111111_990000000000002",
                   json=load_payload("facebook/hide.json"),
                   match=[matchers.urlencoded_params_matcher(
                       {"is_hidden": "true", "access_token": TOKEN})])
    assert hide("facebook", CREDS, "811111111111111_990000000000002", timeout=4) is True
    for call in responses.calls:
        assert TOKEN not in call.request.url  # the token travels in the body
        assert timeout_of(call) == 4


@responses.activate
def test_reply_errors():
    responses.post(f"{GRAPH}/1_2/comments", json=load_payload("facebook/error_190.json"),
                   status=400)
    with pytest.raises(AuthError) as info:
        facebook.reply(CREDS, "1_2", "hi")
    assert_no_secret(info.value, TOKEN)
    responses.post(f"{GRAPH}/1_3", status=400, json={"error": {
        "message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}})
    with pytest.raises(ConnectorError) as info:
        facebook.hide_comment(CREDS, "1_3")
    assert not info.value.retryable and info.value.status == 400


def test_appsecret_proof():
    proof = facebook._proof(TOKEN, "app-secret")
    assert len(proof["appsecret_proof"]) == 64
