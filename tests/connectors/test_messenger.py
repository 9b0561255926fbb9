"""Facebook Messenger: the ``messaging`` items of a Meta page delivery, the Send API."""

import json
from urllib.parse import parse_qs

import pytest
import responses
from connector_helpers import assert_no_secret

from social_crm.connectors import messenger
from social_crm.connectors.base import ConnectorError
from social_crm.connectors.events import split_meta

PAGE = "102030405060"
PSID = "6543210987654321"
TOKEN = "EAAGpagetokenSECRET123"


MID = "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"
IMAGE = "https://scontent.xx.fbcdn.net/v/p.jpg"


def delivery(text="Hallo, mein Paket fehlt", mid=MID, echo=False):
    return {
        "object": "page",
        "entry": [{
            "id": PAGE,
            "time": 1764600000123,
            "messaging": [{
                "sender": {"id": PSID},
                "recipient": {"id": PAGE},
                "timestamp": 1764600000000,
                "message": {"mid": mid, "text": text, **({"is_echo": True} if echo else {}),
                            "attachments": [{"type": "image", "payload": {"url": IMAGE}}]},
            }],
        }],
    }


def test_a_message_is_one_event_and_one_post_of_the_person():
    events, rest = messenger.split_messaging(delivery())
    assert rest is None
    [event] = events
    assert event.kind == "messenger"
    [post] = messenger.parse_message(event.payload)
    assert post.network == "facebook"
    assert post.conversation_external_id == f"dm:{PSID}"
    assert post.author.external_id == PSID
    assert post.text == "Hallo, mein Paket fehlt"
    assert post.posted_at.timestamp() == 1764600000
    assert post.raw["media"] == [{"url": IMAGE, "type": "image"}]
    # the same message delivered twice has the same key
    assert messenger.split_messaging(delivery())[0][0].key == event.key


def test_echoes_are_dropped_and_feed_changes_kept_for_the_public_path():
    body = delivery(echo=True)
    body["entry"][0]["changes"] = [{"field": "feed", "value": {"item": "status", "verb": "add",
                                                                "post_id": f"{PAGE}_1"}}]
    events, rest = messenger.split_messaging(body)
    assert events == []
    assert rest["entry"][0]["changes"] and "messaging" not in rest["entry"][0]
    assert len(split_meta(rest)) == 1


@responses.activate
def test_send_api_answers_the_person_and_returns_the_message_id():
    responses.add(responses.POST, "https://graph.facebook.com/v23.0/me/messages",
                  json={"recipient_id": PSID, "message_id": "m_sent_1"})
    result = messenger.send_message({"page_access_token": TOKEN}, PSID, "Wir kümmern uns")
    assert result.external_id == "m_sent_1"
    sent = parse_qs(responses.calls[0].request.body)
    assert json.loads(sent["recipient"][0]) == {"id": PSID}
    assert sent["messaging_type"] == ["RESPONSE"]
    assert json.loads(sent["message"][0]) == {"text": "Wir kümmern uns"}


@responses.activate
def test_outside_the_window_is_refused_without_the_token():
    responses.add(responses.POST, "https://graph.facebook.com/v23.0/me/messages", status=400,
                  json={"error": {"message": "(#10) This message is sent outside of allowed "
                                  "window.", "type": "OAuthException", "code": 10,
                                  "error_subcode": 2018278, "fbtrace_id": "Abc"}})
    with pytest.raises(ConnectorError) as caught:
        messenger.send_message({"page_access_token": TOKEN}, PSID, "Hallo")
    assert "window" in str(caught.value)
    assert_no_secret(caught.value, TOKEN)
