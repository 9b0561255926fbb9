"""Posts their authors delete on the network: the deletions of webhooks and streams, parsed
from the payloads the networks document, without a database."""

import datetime as dt
import json

import pytest

from social_crm.connectors import bluesky, events, facebook, x
from social_crm.connectors.base import Deletion, MalformedResponseError

PAGE = "102030405060"


# --- X Account Activity API: tweet_delete_events -----------------------------------------------
def _x_delete(tweet_id="1045405559317569537", user_id="6253282", stamp="1764600000123"):
    status = {}
    if tweet_id is not None:
        status["id"] = tweet_id
    if user_id is not None:
        status["user_id"] = user_id
    return {"status": status, "timestamp_ms": stamp}


def test_x_delete_events_are_keyed_by_the_tweet_and_apart_from_its_creation():
    body = {"for_user_id": "99", "tweet_delete_events": [_x_delete(), _x_delete("77")]}
    raw = events.split_x_activity(body)
    assert [e.key for e in raw] == ["x:tweet_delete:1045405559317569537", "x:tweet_delete:77"]
    assert raw[0].payload == {"for_user_id": "99", "tweet_delete_events": [_x_delete()]}
    assert raw[0].key != "x:tweet:1045405559317569537"
    # a redelivery gets the same keys (the event table stores it once)
    assert [e.key for e in events.split_x_activity(json.loads(json.dumps(body)))] == \
        [e.key for e in raw]
    (deletion,) = events.deletions_of_event("x_activity", raw[0].payload)
    assert deletion == Deletion(
        "x", "1045405559317569537",
        dt.datetime(2025, 12, 1, 14, 40, 0, 123000, tzinfo=dt.UTC), "6253282", why="author")
    assert events.posts_of_event("x_activity", raw[0].payload) == []


def test_x_delete_of_our_own_tweet_and_without_date():
    own = {"for_user_id": "99", "tweet_delete_events": [_x_delete(user_id="99")]}
    assert x.parse_activity_deletions(own) == []
    assert events.split_x_activity(own) == []  # not even stored
    undated = x.parse_activity_deletions(
        {"tweet_delete_events": [{"status": {"id": "5", "user_id": "6"}}]})
    assert undated == [Deletion("x", "5", None, "6", why="author")]


def test_x_malformed_delete_refuses_the_delivery():
    with pytest.raises(MalformedResponseError):
        events.split_x_activity({"tweet_delete_events": [_x_delete(tweet_id=None)]})
    with pytest.raises(MalformedResponseError):
        events.split_x_activity({"tweet_delete_events": [{"timestamp_ms": "1"}]})
    with pytest.raises(MalformedResponseError):
        events.split_x_activity({"tweet_delete_events": {"status": {"id": "1"}}})


# --- Mastodon streaming: delete ----------------------------------------------------------------
def test_mastodon_delete_message():
    message = json.dumps({"stream": ["user"], "event": "delete",
                          "payload": "109485834000000000"})
    event = events.mastodon_message(message)
    assert event.key == "mastodon:delete:109485834000000000"
    assert event.cursor is None  # the id is an older status's: the cursor stays
    assert events.deletions_of_event("mastodon", event.payload) == [
        Deletion("mastodon", "109485834000000000")]
    assert events.posts_of_event("mastodon", event.payload, host="mastodon.example") == []


@pytest.mark.parametrize("payload", ["", None, {"id": "1"}, True])
def test_mastodon_malformed_delete(payload):
    with pytest.raises(MalformedResponseError):
        events.mastodon_message(json.dumps({"stream": ["user"], "event": "delete",
                                            "payload": payload}))


# --- Bluesky Jetstream: commit delete ----------------------------------------------------------
def _jet_delete(did="did:plc:author", rkey="3kabc", collection="app.bsky.feed.post"):
    commit = {"rev": "3l3f6nzl3cv2s", "operation": "delete", "collection": collection}
    if rkey is not None:
        commit["rkey"] = rkey
    message = {"time_us": 1764600000000001, "kind": "commit", "commit": commit}
    if did is not None:
        message["did"] = did
    return message


def test_jetstream_delete_whatever_the_filter():
    event = events.jetstream_message(json.dumps(_jet_delete()), dids=("did:plc:acme",),
                                     keywords=("acme",))
    assert event.key == "bluesky:delete:at://did:plc:author/app.bsky.feed.post/3kabc"
    assert event.cursor == "1764600000000001"
    (deletion,) = events.deletions_of_event("jetstream", event.payload)
    assert deletion.external_id == "at://did:plc:author/app.bsky.feed.post/3kabc"
    assert deletion.deleted_at == dt.datetime(2025, 12, 1, 14, 40, 0, 1, tzinfo=dt.UTC)
    assert deletion.author_external_id == "did:plc:author"
    assert events.posts_of_event("jetstream", event.payload) == []
    # a like or a follow deleted: not a post
    other = events.jetstream_message(json.dumps(_jet_delete(collection="app.bsky.feed.like")),
                                     keywords=("acme",))
    assert other.payload == {} and other.cursor == "1764600000000001"
    assert bluesky.parse_jetstream_delete(_jet_delete(collection="app.bsky.feed.like")) is None


@pytest.mark.parametrize("message", [_jet_delete(did=None), _jet_delete(rkey=None),
                                     _jet_delete(rkey="")])
def test_jetstream_malformed_delete(message):
    with pytest.raises(MalformedResponseError):
        events.jetstream_message(json.dumps(message))


# --- Meta (Facebook page) webhooks: verb remove ------------------------------------------------
def _meta(changes):
    return {"object": "page", "entry": [{"id": PAGE, "time": 1764600001, "changes": changes}]}


def _removed_comment(**value):
    return {"field": "feed", "value": {
        "from": {"id": "555", "name": "Mia Roth"}, "post_id": f"{PAGE}_777",
        "comment_id": f"{PAGE}_9001", "parent_id": f"{PAGE}_777",
        "created_time": 1764600000, "item": "comment", "verb": "remove", **value}}


def test_meta_remove_comment_and_post():
    removed_post = {"field": "feed", "value": {
        "from": {"id": "556", "name": "Ole"}, "post_id": f"{PAGE}_778",
        "created_time": 1764600100, "item": "status", "verb": "remove", "recipient_id": PAGE}}
    # the page deleted its answer (a comment of its own) in Facebook's app: the company's
    # answer deleted on the network, a deletion as any author's; its own post is never stored
    page_answer = _removed_comment(**{"from": {"id": PAGE, "name": "Acme"},
                                      "comment_id": f"{PAGE}_9002", "parent_id": f"{PAGE}_9001"})
    page_post = {"field": "feed", "value": {
        "from": {"id": PAGE, "name": "Acme"}, "post_id": f"{PAGE}_779",
        "created_time": 1764600200, "item": "status", "verb": "remove", "recipient_id": PAGE}}
    body = _meta([_removed_comment(), removed_post, page_answer, page_post])
    raw = events.split_meta(body)
    assert len({e.key for e in raw}) == 4
    comment, post, answer = facebook.parse_webhook_removals(body)
    # on Facebook a removed post's comments, and a removed comment's replies, go with it
    assert comment == Deletion("facebook", f"{PAGE}_9001",
                               dt.datetime.fromtimestamp(1764600001, dt.UTC), "555",
                               with_replies=True)
    assert (post.external_id, post.with_replies) == (f"{PAGE}_778", True)
    assert answer == Deletion("facebook", f"{PAGE}_9002",
                              dt.datetime.fromtimestamp(1764600001, dt.UTC), PAGE,
                              with_replies=True)
    assert events.deletions_of_event("meta", raw[2].payload) == [answer]
    assert events.deletions_of_event("meta", raw[3].payload) == []  # the page's own post
    assert events.posts_of_event("meta", raw[0].payload) == []
    # the removal and the comment's creation are different events
    added = events.split_meta(_meta([_removed_comment(verb="add", message="Refund?")]))
    assert added[0].key != raw[0].key


def test_meta_malformed_remove():
    (event,) = events.split_meta(_meta([_removed_comment(comment_id=None)]))
    with pytest.raises(MalformedResponseError):
        events.deletions_of_event("meta", event.payload)
    (event,) = events.split_meta(_meta([{"field": "feed", "value": {
        "item": "status", "verb": "remove", "from": {"id": "1"}}}]))
    with pytest.raises(MalformedResponseError):
        events.deletions_of_event("meta", event.payload)
