"""Telegram Bot API: updates of the webhook as the Bot API documents them, sendMessage."""

import datetime as dt

import pytest
import responses
from connector_helpers import assert_no_secret, load_payload

from social_crm.connectors import telegram
from social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    MalformedResponseError,
    RateLimitError,
)

TOKEN = "5000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SEND = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


def test_secret_header_is_checked_exactly():
    assert telegram.check_secret("s3cr3t-token_A", "s3cr3t-token_A")
    assert not telegram.check_secret("s3cr3t-token_A", "s3cr3t-token_B")
    assert not telegram.check_secret("s3cr3t-token_A", None)
    assert not telegram.check_secret(None, "anything")
    assert not telegram.check_secret("", "")


def test_private_text_message_becomes_a_post_of_its_chat():
    update = load_payload("telegram/update_private_text.json")
    [event] = telegram.split_update(update)
    assert event.kind == "telegram"
    assert event.key == "telegram:update:10000"
    [post] = telegram.parse_update(event.payload)
    assert post.network == "telegram"
    assert post.external_id == "1111111:1365"
    assert post.conversation_external_id == "dm:1111111"
    assert post.author.external_id == "1111111"
    assert post.author.handle == "Testusername"
    assert post.author.display_name == "Test Lastname"
    assert post.author.profile_url == "https://t.me/Testusername"
    assert post.lang == "de"
    assert post.posted_at == dt.datetime(2015, 9, 7, 17, 5, 32, tzinfo=dt.UTC)
    assert post.raw["chat_id"] == 1111111
    assert telegram.chat_of_conversation(post.conversation_external_id) == "1111111"


def test_photo_caption_is_the_text_and_the_biggest_size_is_listed():
    [post] = telegram.parse_update(load_payload("telegram/update_private_photo.json"))
    assert post.text == "So sieht das Gerät aus"
    assert post.raw["media"] == [
        {"file_id": "AgADBAADbig", "mime_type": "image/jpeg", "file_name": "photo.jpg",
         "file_size": 48541}
    ]


def test_an_edit_is_a_new_post_of_the_same_chat():
    update = load_payload("telegram/update_private_text.json")
    message = dict(update.pop("message"), edit_date=1441645999, text="korrigiert")
    update["edited_message"] = message
    [post] = telegram.parse_update(update)
    assert post.external_id == "1111111:1365:e1441645999"
    assert post.conversation_external_id == "dm:1111111"
    assert post.text == "korrigiert"


def test_groups_and_other_updates_are_dropped():
    assert telegram.split_update(load_payload("telegram/update_group.json")) == []
    assert telegram.parse_update(load_payload("telegram/update_group.json")) == []
    assert telegram.split_update({"update_id": 5, "callback_query": {"id": "1"}}) == []


def test_an_update_without_id_is_malformed():
    with pytest.raises(MalformedResponseError):
        telegram.split_update({"message": {}})
    with pytest.raises(MalformedResponseError):
        telegram.split_update(["not", "an", "object"])
    with pytest.raises(MalformedResponseError):
        telegram.parse_update({"update_id": 1, "message": {"chat": {"type": "private", "id": 1},
                                                           "message_id": 2, "date": 3}})


@responses.activate
def test_send_message_posts_chat_and_text_and_returns_the_message_id():
    responses.add(responses.POST, SEND, json=load_payload("telegram/send_message_ok.json"))
    result = telegram.send_message({"access_token": TOKEN}, "1111111", "Wir kümmern uns darum.")
    assert result.external_id == "1111111:1367"
    call = responses.calls[0]
    assert call.request.body and b'"chat_id": "1111111"' in call.request.body
    assert call.request.req_kwargs.get("timeout")


@responses.activate
def test_blocked_bot_is_an_auth_error_without_the_token():
    responses.add(responses.POST, SEND, status=403, json={
        "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    with pytest.raises(AuthError) as caught:
        telegram.send_message({"access_token": TOKEN}, "1111111", "Hallo")
    assert "blocked" in str(caught.value)
    assert_no_secret(caught.value, TOKEN)


@responses.activate
def test_flood_limit_is_a_rate_limit_with_its_reset():
    responses.add(responses.POST, SEND, status=429, json={
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 35",
        "parameters": {"retry_after": 35}})
    with pytest.raises(RateLimitError) as caught:
        telegram.send_message({"access_token": TOKEN}, "1111111", "Hallo")
    assert caught.value.reset_at is not None
    assert_no_secret(caught.value, TOKEN)


def test_no_token_or_no_text_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        telegram.send_message({}, "1", "Hallo")
    with pytest.raises(ConfigurationError):
        telegram.send_message({"access_token": TOKEN}, "1", "   ")
    with pytest.raises(ConfigurationError):
        telegram.send_message({"access_token": TOKEN}, "1", "x" * 5000)


@responses.activate
def test_download_file_refuses_files_over_the_limit():
    responses.add(responses.GET, f"https://api.telegram.org/bot{TOKEN}/getFile", json={
        "ok": True, "result": {"file_id": "AgADBAADbig", "file_unique_id": "AQADb",
                               "file_size": 48541, "file_path": "photos/file_0.jpg"}})
    responses.add(responses.GET, f"https://api.telegram.org/file/bot{TOKEN}/photos/file_0.jpg",
                  body=b"\xff\xd8\xff\xe0jpegdata")
    assert telegram.download_file({"access_token": TOKEN}, "AgADBAADbig", 100_000) \
        == b"\xff\xd8\xff\xe0jpegdata"
    with pytest.raises(Exception) as caught:
        telegram.download_file({"access_token": TOKEN}, "AgADBAADbig", 1_000)
    assert_no_secret(caught.value, TOKEN)
