"""WhatsApp Cloud API and Instagram Direct: documented webhook payloads, sending, media."""

import json

import pytest
import responses
from connector_helpers import assert_no_secret

from social_crm.connectors import instagram_dm, whatsapp
from social_crm.connectors.base import AuthError, ConfigurationError, ConnectorError

GRAPH = "https://graph.facebook.com/v23.0"
TOKEN = "EAAGwhatsappSYSTEMUSERtoken987"
PHONE_ID = "106540352242922"
WA_ID = "4915112345678"


def wa_delivery(messages=(), statuses=(), field="messages"):
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
             "contacts": [{"profile": {"name": "Wanda Weber"}, "wa_id": WA_ID}]}
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": field}]}]}


TEXT = {"from": WA_ID, "id": "wamid.IN1", "timestamp": "1764600000", "type": "text",
        "text": {"body": "Mein Router ist kaputt"}}
IMAGE = {"from": WA_ID, "id": "wamid.IMG", "timestamp": "1764600001", "type": "image",
         "image": {"caption": "Foto", "mime_type": "image/jpeg", "sha256": "abc",
                   "id": "1037543291543636"}}


def test_messages_and_statuses_become_events_and_posts():
    events = whatsapp.split_delivery(wa_delivery(
        [TEXT, IMAGE], [{"id": "wamid.OUT", "status": "read", "timestamp": "1764600100",
                         "recipient_id": WA_ID}, {"id": "wamid.OUT", "status": "deleted"}]))
    assert [e.kind for e in events] == ["whatsapp", "whatsapp", "whatsapp_status"]
    assert events[0].key == "whatsapp:wamid.IN1"
    [post] = whatsapp.parse_message(events[0].payload)
    assert (post.network, post.external_id, post.text) == (
        "whatsapp", "wamid.IN1", "Mein Router ist kaputt")
    assert post.conversation_external_id == f"dm:{WA_ID}"
    assert (post.author.external_id, post.author.display_name) == (WA_ID, "Wanda Weber")
    assert post.posted_at.timestamp() == 1764600000
    [image] = whatsapp.parse_message(events[1].payload)
    assert image.text == "Foto"
    assert image.raw["media"][0]["media_id"] == "1037543291543636"
    status = whatsapp.parse_status(events[2].payload)
    assert (status["id"], status["status"]) == ("wamid.OUT", "read")
    # other webhook fields are dropped
    assert whatsapp.split_delivery(wa_delivery([TEXT], field="message_template_status_update")) \
        == []


def test_template_button_and_interactive_replies_are_text():
    button = {"from": WA_ID, "id": "wamid.B", "timestamp": "1764600002", "type": "button",
              "context": {"from": "15550783881", "id": "wamid.TPL"},
              "button": {"payload": "YES", "text": "Ja, bitte zurückrufen"}}
    interactive = {"from": WA_ID, "id": "wamid.I", "timestamp": "1764600003",
                   "type": "interactive", "interactive": {
                       "type": "list_reply", "list_reply": {"id": "r1", "title": "Rechnung"}}}
    audio = {"from": WA_ID, "id": "wamid.A", "timestamp": "1764600004", "type": "audio",
             "audio": {"id": "55", "mime_type": "audio/ogg; codecs=opus"}}
    texts = [whatsapp.parse_message(e.payload)[0].text
             for e in whatsapp.split_delivery(wa_delivery([button, interactive, audio]))]
    assert texts == ["Ja, bitte zurückrufen", "Rechnung", "[audio]"]


@pytest.mark.parametrize("body", [
    {"object": "page", "entry": []},
    {"object": "whatsapp_business_account", "entry": "x"},
    {"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "messages", "value": {"messages": [{"id": "wamid.X"}]}}]}]},
])
def test_malformed_deliveries_raise(body):
    with pytest.raises(ConnectorError):
        whatsapp.split_delivery(body)


def test_failed_status_names_the_error():
    status = whatsapp.parse_status({"status": {
        "id": "wamid.OUT", "status": "failed", "timestamp": "1764600100", "recipient_id": WA_ID,
        "errors": [{"code": 131047, "title": "Re-engagement message",
                    "error_data": {"details": "more than 24 hours have passed"}}]}})
    assert status["error"] == ("Re-engagement message (code 131047): more than 24 hours have "
                               "passed")


@responses.activate
def test_send_text_and_template():
    responses.post(f"{GRAPH}/{PHONE_ID}/messages", json={
        "messaging_product": "whatsapp", "contacts": [{"input": WA_ID, "wa_id": WA_ID}],
        "messages": [{"id": "wamid.OUT"}]})
    result = whatsapp.send_message({"access_token": TOKEN}, PHONE_ID, WA_ID, "Hallo")
    assert result.external_id == "wamid.OUT"
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(sent.body)["text"] == {"preview_url": False, "body": "Hallo"}
    whatsapp.send_message({"access_token": TOKEN}, PHONE_ID, WA_ID,
                          template=("service_followup", "de"))
    body = json.loads(responses.calls[1].request.body)
    assert body["template"] == {"name": "service_followup", "language": {"code": "de"}}
    with pytest.raises(ConfigurationError):
        whatsapp.send_message({"access_token": TOKEN}, "", WA_ID, "Hallo")


@responses.activate
def test_expired_token_is_an_auth_error_without_the_token():
    responses.post(f"{GRAPH}/{PHONE_ID}/messages", status=401, json={"error": {
        "message": "Error validating access token", "type": "OAuthException", "code": 190,
        "fbtrace_id": "A1"}})
    with pytest.raises(AuthError) as info:
        whatsapp.send_message({"access_token": TOKEN}, PHONE_ID, WA_ID, "Hallo")
    assert_no_secret(info.value, TOKEN)
    assert str(info.value).startswith("whatsapp: ")
    assert "the access token is invalid" in str(info.value)


@responses.activate
def test_media_download_with_size_limit():
    url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"
    responses.get(f"{GRAPH}/1037543291543636", json={
        "messaging_product": "whatsapp", "url": url, "mime_type": "image/jpeg",
        "sha256": "abc", "file_size": "4", "id": "1037543291543636"})
    responses.get(url, body=b"\xff\xd8\xff\xe0")
    data = whatsapp.download_media({"access_token": TOKEN}, "1037543291543636", 1000)
    assert data == b"\xff\xd8\xff\xe0"
    assert responses.calls[1].request.headers["Authorization"] == f"Bearer {TOKEN}"
    with pytest.raises(ConnectorError, match="over the limit"):
        whatsapp.download_media({"access_token": TOKEN}, "1037543291543636", 2)


IG = "17841400000000001"
IGSID = "1234567890123456"


def ig_delivery(echo=False, changes=False):
    entry = {"id": IG, "time": 1764600000123, "messaging": [{
        "sender": {"id": IG if echo else IGSID}, "recipient": {"id": IGSID if echo else IG},
        "timestamp": 1764600000000,
        "message": {"mid": "aWdfZAG1", "text": "Hallo", **({"is_echo": True} if echo else {}),
                    "attachments": [{"type": "image", "payload": {"url": "https://x/i.jpg"}}]},
    }]}
    if changes:
        entry["changes"] = [{"field": "comments", "value": {"id": "1", "text": "hi"}}]
    return {"object": "instagram", "entry": [entry]}


def test_instagram_message_is_a_post_echoes_dropped():
    assert instagram_dm.has_messaging(ig_delivery())
    assert not instagram_dm.has_messaging({"object": "page", "entry": [{"messaging": [{}]}]})
    [event], rest = instagram_dm.split_messaging(ig_delivery())
    assert (event.kind, rest) == ("instagram_dm", None)
    [post] = instagram_dm.parse_message(event.payload)
    assert (post.network, post.conversation_external_id) == ("instagram", f"dm:{IGSID}")
    assert post.raw["media"] == [{"url": "https://x/i.jpg", "type": "image"}]
    events, rest = instagram_dm.split_messaging(ig_delivery(echo=True, changes=True))
    assert events == []
    assert rest["entry"][0]["changes"] and "messaging" not in rest["entry"][0]


def test_instagram_unsupported_attachment_is_named_and_bad_items_raise():
    body = ig_delivery()
    body["entry"][0]["messaging"][0]["message"] = {
        "mid": "aWdfZAG2", "attachments": [{"type": "video", "payload": {"url": "https://x/v"}}]}
    [event], _rest = instagram_dm.split_messaging(body)
    assert instagram_dm.parse_message(event.payload)[0].text == "[video]"
    body["entry"][0]["messaging"][0]["message"] = {"text": "no mid"}
    with pytest.raises(ConnectorError):
        instagram_dm.split_messaging(body)


@responses.activate
def test_instagram_send():
    responses.post(f"{GRAPH}/me/messages", json={"recipient_id": IGSID, "message_id": "ig1"})
    result = instagram_dm.send_message({"page_access_token": TOKEN}, IGSID, "Hallo")
    assert result.external_id == "ig1"
    assert json.loads(responses.calls[0].request.body) == {
        "recipient": {"id": IGSID}, "message": {"text": "Hallo"}}
    with pytest.raises(ConfigurationError):
        instagram_dm.send_message({"page_access_token": TOKEN}, IGSID, "x" * 1001)
