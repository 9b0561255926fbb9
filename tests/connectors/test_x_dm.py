"""X direct messages (v2 dm_events) at the HTTP boundary: the real tweepy client runs."""

import datetime as dt
import json

import pytest
import responses
from connector_helpers import assert_no_secret, load_payload
from responses import matchers

from social_crm.connectors import x_dm
from social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    RateLimitError,
    SourceConfig,
)

DM_EVENTS = "https://api.twitter.com/2/dm_events"
OWN = "1111111111"
USER_CREDS = {
    "consumer_key": "ck-secret-1234", "consumer_secret": "cs-secret-5678",
    "access_token": "1111111111-at-secret-9999", "access_token_secret": "ats-secret-0000",
}
PAGE2_TOKEN = "18LAA581J5II7LA00C00ZZZZ"


def connector(credentials=None, **kwargs):
    config = SourceConfig(kind="direct", account_id=OWN,
                          credentials=credentials or USER_CREDS, **kwargs)
    return x_dm.XDmConnector(config)


def token_matcher(token):
    return [matchers.query_param_matcher({"pagination_token": token}, strict_match=False)]


@responses.activate
def test_messages_become_posts_of_their_conversation_our_own_dropped():
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page1.json"),
                  match=[matchers.query_param_matcher(
                      {"event_types": "MessageCreate",
                       "expansions": "sender_id,participant_ids,attachments.media_keys"},
                      strict_match=False)])
    [page] = list(connector(max_pages=1).fetch(None))
    request = responses.calls[0].request
    assert "dm_event.fields=id%2Ctext%2Cevent_type%2Cdm_conversation_id" in request.url
    assert request.headers["Authorization"].startswith("OAuth "), "user context (OAuth 1.0a)"
    assert [p.external_id for p in page.posts] == ["dm:1790500000000000005",
                                                   "dm:1790500000000000003"]
    first_message = page.posts[1]
    assert first_message.text == "My order 4711 never arrived & nobody answers."
    assert first_message.conversation_external_id == "dm:944480690-1111111111"
    assert first_message.posted_at == dt.datetime(2024, 5, 13, 10, 55, tzinfo=dt.UTC)
    assert first_message.author.external_id == "944480690", "the same id as public posts"
    assert first_message.author.handle == "jane_u"
    assert first_message.author.followers_count == 230
    assert first_message.url == "https://x.com/messages/944480690-1111111111"
    assert x_dm.conversation_of_key(first_message.conversation_external_id) == \
        "944480690-1111111111"
    assert page.is_last and page.cursor == "1790500000000000005", \
        "first poll: the latest pages only, then the newest id"


@responses.activate
def test_pages_back_to_the_stored_id_and_resumes_after_a_rate_limit():
    # the first page is asked without a token (answered once), the second with its next_token
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page1.json"))
    responses.get(DM_EVENTS, status=429, json=load_payload("x/error_429.json"),
                  headers={"x-rate-limit-reset": "1715600000"}, match=token_matcher(PAGE2_TOKEN))
    stored = "1790300000000000001"
    result, error = [], None
    try:
        for page in connector().fetch(stored):
            result.append(page)
    except RateLimitError as exc:
        error = exc
    assert error and error.reset_at == dt.datetime.fromtimestamp(1715600000, dt.UTC), \
        "never sleeps: the source is polled again at the reset"
    assert len(result) == 1
    assert result[0].cursor == f"{stored}|{PAGE2_TOKEN}|1790500000000000005"
    # the next poll goes on from the stopped page down to the stored id, then moves on
    responses.reset()
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page2.json"),
                  match=token_matcher(PAGE2_TOKEN))
    [page] = list(connector().fetch(result[0].cursor))
    assert [p.external_id for p in page.posts] == ["dm:1790400000000000002"]
    assert page.posts[0].author.handle == "otto_k"
    assert page.cursor == "1790500000000000005" and page.is_last


@responses.activate
def test_expired_page_token_pages_from_the_newest_again():
    responses.get(DM_EVENTS, status=400, json={
        "errors": [{"parameters": {"pagination_token": ["bad"]},
                    "message": "The `pagination_token` query parameter value is invalid"}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was "
        "invalid.", "type": "https://api.twitter.com/2/problems/invalid-request"},
        match=token_matcher("expired0000000000000"))
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page1.json"))
    pages = list(connector(max_pages=1).fetch("1790500000000000003|expired0000000000000|17"))
    assert [p.external_id for p in pages[0].posts] == ["dm:1790500000000000005"]
    assert pages[0].cursor == "1790500000000000005"


@responses.activate
def test_revoked_token_says_what_to_do_without_the_secrets():
    responses.get(DM_EVENTS, status=401, json=load_payload("x/error_401.json"))
    with pytest.raises(AuthError) as caught:
        list(connector().fetch("1790300000000000001"))
    assert "revoked" in str(caught.value) and "dm.read" in str(caught.value)
    assert_no_secret(caught.value, *USER_CREDS.values())


def test_needs_our_account_id_and_user_context():
    with pytest.raises(ConfigurationError, match="Our Account ID"):
        x_dm.XDmConnector(SourceConfig(kind="direct", credentials=USER_CREDS))
    with pytest.raises(ConfigurationError, match="user context"):
        x_dm.XDmConnector(SourceConfig(kind="direct", account_id=OWN, credentials={}))
    assert x_dm.has_credentials({"bearer_token": "oauth2-user-token"})
    assert not x_dm.has_credentials({"consumer_key": "ck"})


@responses.activate
def test_send_into_the_conversation():
    url = "https://api.twitter.com/2/dm_conversations/944480690-1111111111/messages"
    responses.post(url, status=201, json=load_payload("x/dm_create.json"))
    result = x_dm.send_message(USER_CREDS, "944480690-1111111111", "We refund you today.")
    assert result.external_id == "dm:1790500000000000010"
    assert json.loads(responses.calls[0].request.body) == {"text": "We refund you today."}
    with pytest.raises(ConfigurationError):
        x_dm.send_message(USER_CREDS, "944480690-1111111111", "x" * 10_001)


@responses.activate
def test_oauth2_user_token_is_sent_as_bearer():
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page1.json"))
    list(connector({"bearer_token": "oauth2-user-access-token"}, max_pages=1).fetch(None))
    assert responses.calls[0].request.headers["Authorization"] == \
        "Bearer oauth2-user-access-token"


def test_account_activity_direct_message_is_the_same_post_as_polled():
    delivery = load_payload("x/activity_direct_message.json")
    assert x_dm.has_direct_messages(delivery)
    [event] = x_dm.split_activity(delivery)  # our own answer is dropped
    assert (event.kind, event.key) == ("x_dm", "x:dm:1790600000000000001")
    [post] = x_dm.parse_activity_event(event.payload)
    assert post.external_id == "dm:1790600000000000001"
    assert post.conversation_external_id == "dm:944480690-1111111111", \
        "the conversation id of dm_events (smaller user id first)"
    assert post.author.external_id == "944480690" and post.author.handle == "jane_u"
    assert post.author.followers_count == 230
    assert post.text == "Meine Bestellung 4711 ist nicht angekommen."
    assert post.posted_at == dt.datetime(2024, 5, 13, 11, 0, 0, 557000, tzinfo=dt.UTC)
    assert x_dm.one_to_one_conversation("1111111111", "944480690") == "944480690-1111111111"


@responses.activate
def test_photos_are_listed_and_downloaded_signed_from_x_only():
    responses.get(DM_EVENTS, json=load_payload("x/dm_events_page1.json"))
    [page] = list(connector(max_pages=1).fetch(None))
    assert "media.fields=media_key%2Ctype%2Curl" in responses.calls[0].request.url
    url = ("https://ton.twitter.com/1.1/ton/data/dm/1790500000000000003/1790500000000000099/"
           "Qf3vX1aB.jpg")
    assert page.posts[1].raw["media"] == [{"url": url, "type": "image",
                                           "file_name": "Qf3vX1aB.jpg"}]
    assert page.posts[0].raw["media"] == []
    responses.get(url, body=b"\xff\xd8\xff\xe0jpeg-bytes", content_type="image/jpeg")
    assert x_dm.download_media(USER_CREDS, url, 1_000_000).startswith(b"\xff\xd8")
    header = responses.calls[-1].request.headers["Authorization"]
    assert header.startswith("OAuth ") and 'oauth_token="1111111111-at-secret-9999"' in header
    with pytest.raises(ConfigurationError, match="file hosts"):
        x_dm.download_media(USER_CREDS, "https://evil.example/steal.jpg", 1_000_000)
