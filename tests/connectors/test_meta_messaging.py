"""The one parser of Meta's Messenger Platform webhook format (Messenger and Instagram Direct)."""

import pytest

from social_crm.connectors import instagram_dm, messenger
from social_crm.connectors.base import MalformedResponseError
from social_crm.connectors.meta_messaging import (
    INSTAGRAM,
    MESSENGER,
    has_messaging,
    parse_message,
    split_messaging,
)

PAGE = "102030405060"
IG = "17841400000000001"
PERSON = "6543210987654321"
STAMP = 1764600000000
BOTH = pytest.mark.parametrize("spec", [MESSENGER, INSTAGRAM], ids=["messenger", "instagram"])


def item(mid="m_1", text="Hallo", account=PAGE, **message):
    """One ``messaging`` item as Meta documents it (a person writing to the page/account)."""
    return {"sender": {"id": PERSON}, "recipient": {"id": account}, "timestamp": STAMP,
            "message": {"mid": mid, "text": text, **message}}


def delivery(spec, *items, changes=False):
    account = IG if spec is INSTAGRAM else PAGE
    entry = {"id": account, "time": STAMP + 123, "messaging": list(items)}
    if changes:
        entry["changes"] = [{"field": "feed" if spec is MESSENGER else "comments",
                             "value": {"id": "1", "text": "öffentlich"}}]
    return {"object": spec.object or "page", "entry": [entry]}


@BOTH
def test_a_message_is_one_event_and_one_post_of_its_network(spec):
    [event], rest = split_messaging(spec, delivery(spec, item(attachments=[
        {"type": "image", "payload": {"url": "https://x/i.jpg"}},
        {"type": "file", "payload": {"url": "https://x/f.pdf"}}])))
    assert rest is None
    assert event.kind == spec.kind
    assert event.key.startswith(f"{spec.kind}:")
    account = IG if spec is INSTAGRAM else PAGE
    assert event.payload[spec.account_key] == account
    [post] = parse_message(spec, event.payload)
    assert (post.network, post.author.network) == (spec.network, spec.network)
    assert (post.external_id, post.text) == ("m_1", "Hallo")
    assert post.author.external_id == PERSON
    assert post.conversation_external_id == f"dm:{PERSON}"
    assert post.posted_at.timestamp() == STAMP / 1000
    assert post.raw == {spec.account_key: account, spec.person_key: PERSON, "media": [
        {"url": "https://x/i.jpg", "type": "image"}, {"url": "https://x/f.pdf", "type": "file"}]}
    # the same message delivered again has the same key (stored once)
    assert split_messaging(spec, delivery(spec, item()))[0][0].key == event.key


def test_the_networks_keep_their_public_functions():
    body = delivery(MESSENGER, item())
    assert messenger.split_messaging(body)[0][0].kind == "messenger"
    assert messenger.parse_message(messenger.split_messaging(body)[0][0].payload)[0].network \
        == "facebook"
    body = delivery(INSTAGRAM, item(account=IG))
    assert instagram_dm.split_messaging(body)[0][0].kind == "instagram_dm"
    assert instagram_dm.is_instagram(body) and instagram_dm.has_messaging(body)
    assert messenger.conversation_key(PERSON) == instagram_dm.conversation_key(PERSON)


def test_only_instagram_asks_for_its_object():
    page = delivery(MESSENGER, item())
    insta = delivery(INSTAGRAM, item())
    assert has_messaging(MESSENGER, page) and has_messaging(MESSENGER, insta)
    assert has_messaging(INSTAGRAM, insta) and not has_messaging(INSTAGRAM, page)
    for body in (None, [], "x", {"object": "instagram"}, {"object": "instagram", "entry": {}},
                 {"object": "instagram", "entry": [{"changes": [{}]}, "x"]}):
        assert not has_messaging(INSTAGRAM, body)
        assert not has_messaging(MESSENGER, body)


@BOTH
def test_echoes_reads_and_reactions_are_dropped_changes_kept(spec):
    read = {"sender": {"id": PERSON}, "recipient": {"id": PAGE}, "timestamp": STAMP,
            "read": {"mid": "m_0"}}
    reaction = {"sender": {"id": PERSON}, "recipient": {"id": PAGE}, "timestamp": STAMP,
                "reaction": {"mid": "m_0", "action": "react", "reaction": "love"}}
    events, rest = split_messaging(spec, delivery(
        spec, item(is_echo=True), read, reaction, item("m_2"), changes=True))
    assert [e.payload["messaging"]["message"]["mid"] for e in events] == ["m_2"]
    [entry] = rest["entry"]
    assert entry["changes"] and "messaging" not in entry
    assert rest["object"] == (spec.object or "page")


def test_deleted_messages_are_dropped_on_instagram_only():
    deleted = item("m_del", is_deleted=True)
    assert split_messaging(INSTAGRAM, delivery(INSTAGRAM, deleted)) == ([], None)
    [event], _rest = split_messaging(MESSENGER, delivery(MESSENGER, deleted))
    assert parse_message(MESSENGER, event.payload)[0].external_id == "m_del"


def test_attachments_without_text_are_named_on_instagram_only():
    video = item("m_v", text=None, attachments=[
        {"type": "video", "payload": {"url": "https://x/v.mp4"}}, "junk", {"type": "share"}])
    [event], _rest = split_messaging(INSTAGRAM, delivery(INSTAGRAM, video))
    assert parse_message(INSTAGRAM, event.payload)[0].text == "[video] [share]"
    [event], _rest = split_messaging(MESSENGER, delivery(MESSENGER, video))
    [post] = parse_message(MESSENGER, event.payload)
    assert (post.text, post.raw["media"]) == ("", [])


@BOTH
@pytest.mark.parametrize("body, message", [
    ("not json", "the delivery is not an object"),
    ({"entry": "x"}, "entry is not a list"),
    ({"entry": ["x"]}, "entry[] is not an object"),
    ({"entry": [{"messaging": {"a": 1}}]}, "entry[].messaging is not a list"),
    ({"entry": [{"messaging": ["x"]}]}, "entry[].messaging[] is not an object"),
    ({"entry": [{"messaging": [{"message": {"text": "no mid"}}]}]}, "without 'mid'"),
])
def test_malformed_deliveries_raise_a_clear_error(spec, body, message):
    with pytest.raises(MalformedResponseError) as caught:
        split_messaging(spec, body)
    assert str(caught.value).startswith(f"{spec.network}: ")
    assert message in str(caught.value)


@BOTH
@pytest.mark.parametrize("broken", [
    lambda p: p.pop("messaging"),
    lambda p: p["messaging"].pop("sender"),
    lambda p: p["messaging"]["sender"].pop("id"),
    lambda p: p["messaging"].update(timestamp="1764600000000"),
    lambda p: p["messaging"].update(timestamp=True),
    lambda p: p["messaging"]["message"].pop("mid"),
    lambda p: p["messaging"].update(message="Hallo"),
    lambda p: p["messaging"]["message"].update(text=["Hallo"]),
], ids=["no item", "no sender", "no sender id", "text stamp", "bool stamp", "no mid",
        "message text", "text not a string"])
def test_malformed_stored_items_raise_a_clear_error(spec, broken):
    [event], _rest = split_messaging(spec, delivery(spec, item()))
    payload = event.payload
    payload["messaging"] = dict(payload["messaging"], sender=dict(payload["messaging"]["sender"]),
                                message=dict(payload["messaging"]["message"]))
    broken(payload)
    with pytest.raises(MalformedResponseError, match=f"^{spec.network}: "):
        parse_message(spec, payload)
    with pytest.raises(MalformedResponseError, match=f"^{spec.network}: the event"):
        parse_message(spec, ["not", "a", "dict"])


@BOTH
def test_an_attachment_whose_payload_is_not_an_object_is_skipped(spec):
    odd = item("m_o", attachments=[{"type": "image", "payload": "https://x/i.jpg"},
                                   {"type": "file", "payload": {"url": 42}},
                                   {"type": "image", "payload": {"url": "https://x/ok.jpg"}}])
    [event], _rest = split_messaging(spec, delivery(spec, odd))
    [post] = parse_message(spec, event.payload)
    assert post.text == "Hallo"
    assert post.raw["media"] == [{"url": "https://x/ok.jpg", "type": "image"}]
