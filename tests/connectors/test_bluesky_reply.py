"""Bluesky replies: ``com.atproto.repo.createRecord`` with the reply refs, mocked at the HTTP
boundary with the documented answers (createSession, getSession, getPosts, createRecord)."""

import datetime as dt
import json

import pytest
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import (
    ConfigurationError,
    bluesky,
    can_hide,
    can_reply,
    missing_credentials,
    reply,
)
from social_crm.connectors.base import TOO_LONG, AuthError, ConnectorError, GoneError

PDS = "https://bsky.social"
CUSTOMER_POST = "at://did:plc:kimcustomer00000000000000/app.bsky.feed.post/3lcustomer22"
ROOT = "at://did:plc:someoneelse000000000000000/app.bsky.feed.post/3lthreadroot"
PASSWORD = "abcd-efgh-ijkl-mnop"
CREDENTIALS = {"identifier": "acme.bsky.social", "app_password": PASSWORD}
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


def add_thread():
    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession",
                   json=load_payload("bluesky/create_session.json"),
                   match=[matchers.json_params_matcher(
                       {"identifier": "acme.bsky.social", "password": PASSWORD})])
    responses.get(f"{PDS}/xrpc/app.bsky.feed.getPosts",
                  json=load_payload("bluesky/get_posts_reply.json"),
                  match=[matchers.query_param_matcher({"uris": CUSTOMER_POST})])
    responses.post(f"{PDS}/xrpc/com.atproto.repo.createRecord",
                   json=load_payload("bluesky/create_record.json"))


@responses.activate
def test_reply_creates_a_post_with_reply_refs():
    add_thread()
    result = reply("bluesky", CREDENTIALS, CUSTOMER_POST, "@kim.bsky.social sorry, we call you",
                   timeout=4)
    assert result.external_id == (
        "at://did:plc:acmecompany0000000000000/app.bsky.feed.post/3lacmereply1")
    assert result.url == (
        "https://bsky.app/profile/did:plc:acmecompany0000000000000/post/3lacmereply1")
    create = json.loads(responses.calls[2].request.body)
    assert create["repo"] == "did:plc:acmecompany0000000000000"
    assert create["collection"] == "app.bsky.feed.post"
    record = create["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == "@kim.bsky.social sorry, we call you"
    assert record["createdAt"].endswith("Z")
    # the parent is the customer's post, the root the root of its thread
    assert record["reply"] == {
        "parent": {"uri": CUSTOMER_POST,
                   "cid": "bafyreicustomerpostcid0000000000000000000000000000000000"},
        "root": {"uri": ROOT, "cid": "bafyreithreadrootcid00000000000000000000000000000000000"},
    }
    jwt = load_payload("bluesky/create_session.json")["accessJwt"]
    assert responses.calls[2].request.headers["Authorization"] == f"Bearer {jwt}"
    assert all(timeout_of(call) == 4 for call in responses.calls)


@responses.activate
def test_reply_to_a_thread_start_uses_it_as_root():
    payload = load_payload("bluesky/get_posts_reply.json")
    del payload["posts"][0]["record"]["reply"]
    responses.get(f"{PDS}/xrpc/com.atproto.server.getSession",
                  json=load_payload("bluesky/get_session.json"))
    responses.get(f"{PDS}/xrpc/app.bsky.feed.getPosts", json=payload)
    responses.post(f"{PDS}/xrpc/com.atproto.repo.createRecord",
                   json=load_payload("bluesky/create_record.json"))
    bluesky.reply({"access_token": "jwt-SECRET"}, CUSTOMER_POST, "Sorry!", now=NOW)
    record = json.loads(responses.calls[2].request.body)["record"]
    assert record["reply"]["root"] == record["reply"]["parent"]
    assert record["createdAt"] == "2026-12-03T10:00:00.000Z"
    assert responses.calls[0].request.headers["Authorization"] == "Bearer jwt-SECRET"


@responses.activate
def test_reply_errors_are_typed_and_scrubbed():
    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession",
                   json={"error": "AuthenticationRequired",
                         "message": f"Invalid identifier or password {PASSWORD}"},
                   status=401)
    with pytest.raises(AuthError) as info:
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "Sorry!")
    assert_no_secret(info.value, PASSWORD)
    with pytest.raises(ConfigurationError):
        bluesky.reply({}, CUSTOMER_POST, "Sorry!")
    with pytest.raises(ConfigurationError):
        bluesky.reply(CREDENTIALS, "https://bsky.app/not-a-uri", "Sorry!")


@responses.activate
def test_reply_to_a_deleted_post():
    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession",
                   json=load_payload("bluesky/create_session.json"))
    responses.get(f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": []})
    # the post answered is gone (as a 404 of the other networks): the outbox says so in
    # the user's language
    with pytest.raises(GoneError, match="gone"):
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "Sorry!")
    assert len(responses.calls) == 2  # nothing was created


@responses.activate
def test_a_reply_longer_than_bluesky_allows_is_refused_with_its_words():
    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession",
                   json=load_payload("bluesky/create_session.json"))
    responses.get(f"{PDS}/xrpc/app.bsky.feed.getPosts",
                  json=load_payload("bluesky/get_posts_reply.json"))
    responses.post(f"{PDS}/xrpc/com.atproto.repo.createRecord", status=400, json={
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than "
                   "300 graphemes"})
    with pytest.raises(ConnectorError) as info:
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "x" * 400)
    assert info.value.status == 400
    assert info.value.refusal == TOO_LONG
    assert info.value.detail == ("Invalid app.bsky.feed.post record: Record/text must not be "
                                 "longer than 300 graphemes")


def test_bluesky_replies_but_does_not_hide():
    assert can_reply("bluesky")
    assert not can_hide("bluesky")


def test_missing_credentials_name_the_keys():
    assert missing_credentials("facebook", "hide", {"bearer_token": "t"}) == (
        "page_access_token",)
    assert missing_credentials("facebook", "hide", {"page_access_token": "t"}) == ()
    assert missing_credentials("x", "reply", {"consumer_key": "k", "access_token": "a"}) == (
        "consumer_secret", "access_token_secret")
    assert missing_credentials("bluesky", "reply", {"identifier": "acme.bsky.social"}) == (
        "app_password",)
    assert missing_credentials("bluesky", "reply", {"access_token": "jwt"}) == ()
    assert missing_credentials("bluesky", "reply", {}) == ("identifier", "app_password")
    assert missing_credentials("mastodon", "reply", {}) == ("access_token",)
    assert missing_credentials("rss", "reply", {}) == ()


@responses.activate
def test_the_author_s_handle_in_the_reply_is_a_mention():
    """Served probe: the reply began with ``@ines-voigt.bsky.social`` as plain text. Bluesky
    reads a mention from the record's facets only (byte offsets into the UTF-8 text, the
    account's DID): the handle of the answered post's author is one."""
    add_thread()
    text = "Grüße @kim.bsky.social, wir melden uns (@KIM.bsky.social)! @kim.bsky.socialist"
    reply("bluesky", CREDENTIALS, CUSTOMER_POST, text, timeout=4)
    record = json.loads(responses.calls[2].request.body)["record"]
    assert record["text"] == text
    mention = [{"$type": "app.bsky.richtext.facet#mention",
                "did": "did:plc:kimcustomer00000000000000"}]
    encoded = text.encode()
    first = encoded.index(b"@kim")
    second = encoded.index(b"@KIM")
    assert record["facets"] == [
        {"index": {"byteStart": first, "byteEnd": first + 16}, "features": mention},
        {"index": {"byteStart": second, "byteEnd": second + 16}, "features": mention},
    ]
    assert encoded[first:first + 16] == b"@kim.bsky.social"


@responses.activate
def test_a_reply_without_the_author_s_handle_has_no_facets():
    add_thread()
    reply("bluesky", CREDENTIALS, CUSTOMER_POST, "sorry, we call you", timeout=4)
    record = json.loads(responses.calls[2].request.body)["record"]
    assert "facets" not in record


@responses.activate
def test_a_failure_before_the_record_is_written_is_unsent():
    """Served probe: the PDS failed on ``getPosts`` (before any write) and the outbox told
    the agent that Bluesky "may have published it anyway: check the post", with no retry.
    Nothing is written before ``createRecord``: a temporary failure of the session or of
    ``getPosts`` is ``unsent`` (the outbox retries it); one of ``createRecord`` is not."""
    from social_crm.connectors.base import TemporaryError

    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession",
                   json=load_payload("bluesky/create_session.json"))
    responses.get(f"{PDS}/xrpc/app.bsky.feed.getPosts", status=502,
                  json={"error": "UpstreamFailure", "message": "Upstream Failure"})
    with pytest.raises(TemporaryError) as info:
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "Sorry!")
    assert info.value.unsent
    responses.reset()
    responses.post(f"{PDS}/xrpc/com.atproto.server.createSession", status=503,
                   json={"error": "InternalServerError", "message": "Internal Server Error"})
    with pytest.raises(TemporaryError) as info:
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "Sorry!")
    assert info.value.unsent
    responses.reset()
    add_thread()
    responses.replace(responses.POST, f"{PDS}/xrpc/com.atproto.repo.createRecord", status=502,
                      json={"error": "UpstreamFailure", "message": "Upstream Failure"})
    with pytest.raises(TemporaryError) as info:
        reply("bluesky", CREDENTIALS, CUSTOMER_POST, "Sorry!")
    assert not info.value.unsent, "the record may have been written"
