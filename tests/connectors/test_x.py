import datetime as dt

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import get_connector, hide, reply, x
from social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

BEARER = "AAAAAAAAAAAAAAAAAAAAAsecretBearerToken%2Fxyz"
SEARCH = "https://api.twitter.com/2/tweets/search/recent"
MENTIONS = "https://api.twitter.com/2/users/1111111111/mentions"
USER_CREDS = {
    "consumer_key": "ck-secret-1234", "consumer_secret": "cs-secret-5678",
    "access_token": "1111111111-at-secret-9999", "access_token_secret": "ats-secret-0000",
}


def search_connector(**kwargs):
    config = SourceConfig(kind="search", query="acme router", timeout=7,
                          credentials={"bearer_token": BEARER}, **kwargs)
    return get_connector("x", config)


def pages(connector, cursor=None):
    return list(connector.fetch(cursor))


@responses.activate
def test_search_two_pages_cursor_on_last_page_only():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"),
                  match=[matchers.query_param_matcher({"query": "acme router"},
                                                      strict_match=False)])
    responses.get(SEARCH, json=load_payload("x/search_page2.json"),
                  match=[matchers.query_param_matcher(
                      {"next_token": "b26v89c19zqg8o3fpz2lskbkrbv3bptd2vvm8yy1fnjct"},
                      strict_match=False)])
    result = pages(search_connector())
    assert [len(p.posts) for p in result] == [2, 1]
    assert [p.cursor for p in result] == [None, "1790000000000000003"]
    assert [p.is_last for p in result] == [False, True]

    first = result[0].posts[0]
    assert first.network == "x" and first.external_id == "1790000000000000003"
    assert first.text.startswith("@acme_support your router keeps dropping & rebooting 😡")
    assert first.posted_at == dt.datetime(2024, 5, 13, 10, 15, 30, tzinfo=dt.UTC)
    assert first.url == "https://x.com/jane_u/status/1790000000000000003"
    assert first.in_reply_to_external_id == "1790000000000000001"
    assert first.conversation_external_id == "1790000000000000001"
    assert (first.like_count, first.repost_count, first.reply_count) == (7, 2, 1)
    assert first.mentioned_external_ids == ("1111111111",)
    assert first.mentioned_handles == ("acme_support",)
    author = first.author
    assert author.external_id == "2244994945" and author.handle == "jane_u"
    assert author.display_name == "Jane Ümlaut"
    assert author.bio == "Network engineer. Opinions mine & yours."
    assert (author.followers_count, author.following_count, author.posts_count,
            author.listed_count) == (1520, 300, 8123, 12)
    assert author.profile_url == "https://x.com/jane_u" and author.verified is False

    # request parameters: expansions, fields, page size, and a timeout on every request
    request = responses.calls[0].request
    assert "author_id" in request.params["expansions"]
    assert "public_metrics" in request.params["user.fields"]
    assert "created_at" in request.params["tweet.fields"]
    assert request.headers["Authorization"] == f"Bearer {BEARER}"
    assert all(timeout_of(call) == 7 for call in responses.calls)


@responses.activate
def test_deleted_author_missing_fields_and_long_text():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"))
    deleted = pages(search_connector(max_pages=1))[0].posts[1]
    assert deleted.author is None  # 9999999999 not in includes.users
    assert deleted.url == "https://x.com/i/web/status/1790000000000000002"

    responses.reset()
    body = load_payload("x/search_page2.json")
    long_text = "Ünïcödé 🚀 " * 2000
    body["data"][0]["note_tweet"]["text"] = long_text
    responses.get(SEARCH, json=body)
    post = pages(search_connector())[0].posts[0]
    assert post.text == long_text  # note_tweet: the full text of long posts
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (0,) * 4
    assert post.in_reply_to_external_id is None and post.lang == "de"
    assert post.author.followers_count is None and post.author.bio is None


@responses.activate
def test_since_id_sent_and_cursor_kept_when_nothing_new():
    responses.get(SEARCH, json=load_payload("x/empty.json"),
                  match=[matchers.query_param_matcher({"since_id": "1790000000000000003"},
                                                      strict_match=False)])
    result = pages(search_connector(), "1790000000000000003")
    assert len(result) == 1 and result[0].posts == []
    assert result[0].is_last and result[0].cursor == "1790000000000000003"


@responses.activate
def test_max_pages_stops_paging_and_sets_cursor():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"))
    result = pages(search_connector(max_pages=1))
    assert len(responses.calls) == 1
    assert result[0].is_last and result[0].cursor == "1790000000000000003"


@responses.activate
def test_mentions_timeline():
    responses.get(MENTIONS, json=load_payload("x/mentions.json"),
                  match=[matchers.query_param_matcher({"since_id": "1790000000000000000"},
                                                      strict_match=False)])
    config = SourceConfig(kind="mentions", account_id="1111111111",
                          credentials={"bearer_token": BEARER})
    result = pages(get_connector("x", config), "1790000000000000000")
    assert result[0].cursor == "1791000000000000010" and result[0].is_last
    assert result[0].posts[0].author.handle == "jane_u"


@responses.activate
def test_failure_midway_keeps_yielded_pages():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"),
                  match=[matchers.query_param_matcher({"query": "acme router"},
                                                      strict_match=False)])
    responses.get(SEARCH, json=load_payload("x/error_503.json"), status=503,
                  match=[matchers.query_param_matcher(
                      {"next_token": "b26v89c19zqg8o3fpz2lskbkrbv3bptd2vvm8yy1fnjct"},
                      strict_match=False)])
    got = []
    with pytest.raises(TemporaryError) as info:
        for page in search_connector().fetch(None):
            got.append(page)
    assert len(got) == 1 and got[0].cursor is None and len(got[0].posts) == 2
    assert info.value.status == 503 and info.value.retryable


@responses.activate
def test_rate_limit_has_reset_time():
    responses.get(SEARCH, json=load_payload("x/error_429.json"), status=429,
                  headers={"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0",
                           "x-rate-limit-reset": "1715600000"})
    with pytest.raises(RateLimitError) as info:
        pages(search_connector())
    assert info.value.reset_at == dt.datetime.fromtimestamp(1715600000, tz=dt.UTC)
    assert_no_secret(info.value, BEARER)


@responses.activate
def test_revoked_token_is_auth_error_without_token():
    responses.get(SEARCH, json=load_payload("x/error_401.json"), status=401)
    with pytest.raises(AuthError) as info:
        pages(search_connector())
    assert_no_secret(info.value, BEARER)
    assert info.value.status == 401


@responses.activate
@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_temporary(status):
    responses.get(SEARCH, body="upstream failure", status=status)
    with pytest.raises(TemporaryError):
        pages(search_connector())


@responses.activate
@pytest.mark.parametrize("exc", [requests.ConnectTimeout("t"), requests.ReadTimeout("t"),
                                 requests.ConnectionError("refused")])
def test_timeouts_and_connection_errors_are_temporary(exc):
    responses.get(SEARCH, body=exc)
    with pytest.raises(TemporaryError) as info:
        pages(search_connector())
    assert_no_secret(info.value, BEARER)


@responses.activate
def test_malformed_json():
    responses.get(SEARCH, body="<html>oops</html>", content_type="text/html")
    with pytest.raises(MalformedResponseError):
        pages(search_connector())


@responses.activate
@pytest.mark.parametrize("body", [[1, 2], {"data": {"id": "1"}}])
def test_wrong_shape(body):
    responses.get(SEARCH, json=body)
    with pytest.raises(MalformedResponseError):
        pages(search_connector())


@responses.activate
def test_tweet_without_id_is_rejected():
    responses.get(SEARCH, json={"data": [{"text": "no id"}]})
    (page,) = pages(search_connector())
    assert not page.posts
    assert "without 'id'" in page.rejected[0].reason and page.rejected[0].external_id is None


@responses.activate
def test_malformed_date_names_field():
    body = load_payload("x/search_page2.json")
    body["data"][0]["created_at"] = "yesterday-ish"
    responses.get(SEARCH, json=body)
    (page,) = pages(search_connector())
    assert "created_at" in page.rejected[0].reason
    assert page.rejected[0].external_id == body["data"][0]["id"]
    assert len(page.posts) == len(body["data"]) - 1


def test_configuration_errors():
    with pytest.raises(ConfigurationError):
        get_connector("x", SourceConfig(kind="search", query="a"))  # no bearer token
    with pytest.raises(ConfigurationError):
        get_connector("x", SourceConfig(kind="mentions", credentials={"bearer_token": "b"}))
    with pytest.raises(ConfigurationError):
        get_connector("nope", SourceConfig(kind="search"))


@responses.activate
def test_reply_uses_user_context_and_timeout():
    responses.post("https://api.twitter.com/2/tweets", json=load_payload("x/create_tweet.json"),
                   status=201, match=[matchers.json_params_matcher(
                       {"text": "@jane_u Sorry!", "reply": {
                           "in_reply_to_tweet_id": "1790000000000000003"}})])
    result = reply("x", USER_CREDS, "1790000000000000003", "@jane_u Sorry!", timeout=5)
    assert result.external_id == "1792000000000000001"
    assert result.url.endswith("/1792000000000000001")
    call = responses.calls[0]
    assert call.request.headers["Authorization"].startswith("OAuth ")
    assert timeout_of(call) == 5


@responses.activate
def test_reply_errors():
    responses.post("https://api.twitter.com/2/tweets", json={
        "title": "Forbidden", "status": 403,
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank"}, status=403)
    with pytest.raises(AuthError) as info:
        x.reply(USER_CREDS, "1", "dup")
    assert_no_secret(info.value, *USER_CREDS.values())
    with pytest.raises(ConfigurationError):
        x.reply({"bearer_token": BEARER}, "1", "no user context")


@responses.activate
def test_hide_reply():
    responses.put("https://api.twitter.com/2/tweets/1790000000000000003/hidden",
                  json=load_payload("x/hide_reply.json"),
                  match=[matchers.json_params_matcher({"hidden": True})])
    assert hide("x", USER_CREDS, "1790000000000000003", timeout=4) is True
    assert timeout_of(responses.calls[0]) == 4


@responses.activate
def test_hide_reply_rate_limited():
    responses.put("https://api.twitter.com/2/tweets/1/hidden", status=429,
                  json=load_payload("x/error_429.json"),
                  headers={"x-rate-limit-reset": "1715600000"})
    with pytest.raises(RateLimitError) as info:
        x.hide_reply(USER_CREDS, "1")
    assert info.value.reset_at is not None
    assert isinstance(info.value, ConnectorError)


@responses.activate
def test_stale_since_id_is_dropped():
    responses.get(SEARCH, status=400, json={
        "errors": [{"parameters": {"since_id": ["1700000000000000000"]},
                    "message": "Invalid 'since_id':'1700000000000000000'. 'since_id' must be a "
                               "tweet id created after 2024-05-06T10:00:00Z."}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was "
        "invalid.", "type": "https://api.twitter.com/2/problems/invalid-request"},
        match=[matchers.query_param_matcher({"since_id": "1700000000000000000"},
                                            strict_match=False)])
    responses.get(SEARCH, json=load_payload("x/search_page2.json"))
    pages = list(search_connector().fetch("1700000000000000000"))
    assert pages[-1].cursor == "1790000000000000000"
    assert "since_id" not in responses.calls[1].request.params


@responses.activate
def test_other_bad_request_is_not_retried():
    responses.get(SEARCH, status=400, json={"title": "Invalid Request", "detail": "bad query",
                                            "type": "about:blank"})
    with pytest.raises(ConnectorError) as info:
        pages(search_connector(), "1700000000000000000")
    assert info.value.status == 400 and not info.value.retryable
    assert len(responses.calls) == 1


@responses.activate
def test_tweepy_debug_log_does_not_show_the_token(caplog):
    responses.get(SEARCH, json=load_payload("x/empty.json"))
    with caplog.at_level("DEBUG", logger="tweepy.client"):
        pages(search_connector())
    assert "Making API request" in caplog.text
    assert BEARER not in caplog.text
