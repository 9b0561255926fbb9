"""Mastodon private mentions (visibility direct): read apart from public listening."""

import json

import pytest
import responses
from connector_helpers import load_payload

from social_crm.connectors import events, get_connector, mastodon, mastodon_dm
from social_crm.connectors.base import ConfigurationError, SourceConfig

BASE = "https://mastodon.example"
NOTIFICATIONS = f"{BASE}/api/v1/notifications"
TOKEN = "mastodon-token-secret-1234"


@responses.activate
def test_private_mentions_are_messages_of_the_customer_conversation():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/notifications_direct.json"))
    config = SourceConfig(kind="direct", base_url=BASE, credentials={"access_token": TOKEN})
    [page] = list(mastodon_dm.MastodonDmConnector(config).fetch(None))
    [post] = page.posts
    assert post.external_id == "112433000000000050"
    assert post.author.external_id == "kim@fosstodon.org", "the same identity as public posts"
    assert post.conversation_external_id == "dm:kim@fosstodon.org"
    assert post.text.startswith("@acme meine Rechnung 2024-117")
    assert post.raw["visibility"] == "direct"
    assert post.raw["media"] == [{
        "url": "https://files.fosstodon.org/media_attachments/files/022/345/792/original/"
        "rechnung.png", "type": "image", "file_name": "rechnung.png"}]
    assert page.cursor == "34975870"
    assert "types%5B%5D=mention" in responses.calls[0].request.url
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert mastodon_dm.account_of_key(post.conversation_external_id) == "kim@fosstodon.org"


@responses.activate
def test_public_listening_skips_private_mentions():
    responses.get(NOTIFICATIONS, json=load_payload("mastodon/notifications_direct.json"))
    config = SourceConfig(kind="mentions", base_url=BASE, credentials={"access_token": TOKEN})
    [page] = list(get_connector("mastodon", config).fetch(None))
    assert [p.external_id for p in page.posts] == ["112433000000000002"]
    assert page.cursor == "34975870", "the cursor still moves past the private one"
    items = load_payload("mastodon/notifications_direct.json")
    assert mastodon.posts_of_stream_item({"notification": items[0]}, "mastodon.example") == []
    streamed = events.mastodon_event(items[0], notification=True)
    assert (streamed.payload, streamed.cursor) == ({}, "34975870"), \
        "the stream keeps nothing of a private mention, the cursor moves on"
    statuses, _rejected = mastodon.read_statuses([i["status"] for i in items],
                                                 "mastodon.example")
    assert [p.external_id for p in statuses] == ["112433000000000002"]


def test_needs_a_token():
    with pytest.raises(ConfigurationError, match="access token"):
        mastodon_dm.MastodonDmConnector(SourceConfig(kind="direct", base_url=BASE))


@responses.activate
def test_answer_is_a_direct_reply_mentioning_the_customer():
    responses.post(f"{BASE}/api/v1/statuses", json={
        "id": "112433000000000077", "visibility": "direct",
        "url": f"{BASE}/@acme/112433000000000077"})
    result = mastodon_dm.send_message({"access_token": TOKEN}, "112433000000000050",
                                      "kim@fosstodon.org", "Wir erstatten den Betrag heute.",
                                      base_url=BASE)
    assert result.external_id == "112433000000000077"
    body = json.loads(responses.calls[0].request.body)
    assert body == {"status": "@kim@fosstodon.org Wir erstatten den Betrag heute.",
                    "in_reply_to_id": "112433000000000050", "visibility": "direct"}
    with pytest.raises(ConfigurationError):
        mastodon_dm.send_message({"access_token": TOKEN}, "1", "kim", "hi", base_url=BASE)
