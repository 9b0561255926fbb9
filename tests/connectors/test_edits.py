"""Edited posts as each network reports them (payloads shaped as the networks document them):
the connectors say which post a version belongs to and when it was edited."""

import datetime as dt
import json

from social_crm.connectors import bluesky, events, facebook, mastodon, replay, x
from social_crm.connectors.base import Post

PAGE = "102030405060"
HOST = "mastodon.example"

# Mastodon Status entity: ``edited_at`` is null until the author edits the status
STATUS = {
    "id": "113500000000000001", "created_at": "2025-12-01T09:00:00.000Z", "edited_at": None,
    "visibility": "public", "language": "de",
    "uri": "https://mastodon.example/users/kim/statuses/113500000000000001",
    "url": "https://mastodon.example/@kim/113500000000000001",
    "content": "<p>@acme danke, alles gut</p>",
    "account": {"id": "1", "username": "kim", "acct": "kim", "followers_count": 12},
    "mentions": [{"id": "2", "username": "acme", "acct": "acme"}],
    "replies_count": 0, "reblogs_count": 0, "favourites_count": 1,
}
EDITED = {**STATUS, "edited_at": "2025-12-01T09:07:30.000Z",
          "content": "<p>@acme Router wieder kaputt, niemand hilft!</p>"}


def test_mastodon_status_edited_at():
    first = mastodon.parse_status(STATUS, HOST)
    assert first.edited_at is None and first.version_external_id is None
    edited = mastodon.parse_status(EDITED, HOST)
    assert edited.external_id == first.external_id
    assert edited.edited_at == dt.datetime(2025, 12, 1, 9, 7, 30, tzinfo=dt.UTC)
    assert edited.text == "@acme Router wieder kaputt, niemand hilft!"


def test_mastodon_stream_edit_is_its_own_event():
    """``status.update`` (the streaming API's edit event) carries the same status id as the
    ``update`` that announced the status: keyed alike, the edit would be dropped as a
    redelivery by the event table's unique key."""
    update = events.mastodon_message(json.dumps(
        {"stream": ["hashtag"], "event": "update", "payload": json.dumps(STATUS)}))
    edit = events.mastodon_message(json.dumps(
        {"stream": ["hashtag"], "event": "status.update", "payload": json.dumps(EDITED)}))
    again = events.mastodon_message(json.dumps(
        {"stream": ["hashtag"], "event": "status.update", "payload": json.dumps(EDITED)}))
    second = events.mastodon_message(json.dumps(
        {"stream": ["hashtag"], "event": "status.update",
         "payload": json.dumps({**EDITED, "edited_at": "2025-12-01T09:09:00.000Z"})}))
    assert update.key == "mastodon:status:113500000000000001"
    assert edit.key != update.key and again.key == edit.key and second.key != edit.key
    (post,) = events.posts_of_event("mastodon", edit.payload, host=HOST)
    assert post.external_id == "113500000000000001" and post.edited_at is not None


def _jet(operation, text, rev, time_us):
    return {"did": "did:plc:author", "time_us": time_us, "kind": "commit",
            "commit": {"rev": rev, "operation": operation, "collection": "app.bsky.feed.post",
                       "rkey": "3kabc", "cid": f"bafy{rev}",
                       "record": {"$type": "app.bsky.feed.post", "text": text,
                                  "createdAt": "2025-12-01T09:00:00.000Z", "langs": ["en"]}}}


def test_jetstream_update_is_an_edit():
    created = _jet("create", "acme works", "3l3a", 1764579600000000)
    updated = _jet("update", "acme is broken again", "3l3b", 1764580200000000)
    assert bluesky.jetstream_wanted(updated, keywords=("acme",))
    post = bluesky.parse_jetstream_post(updated)
    assert post.external_id == "at://did:plc:author/app.bsky.feed.post/3kabc"
    assert post.text == "acme is broken again"
    assert post.edited_at == dt.datetime.fromtimestamp(1764580200, dt.UTC)
    assert bluesky.parse_jetstream_post(created).edited_at is None
    first = events.jetstream_message(json.dumps(created), keywords=("acme",))
    edit = events.jetstream_message(json.dumps(updated), keywords=("acme",))
    assert first.key == "bluesky:at://did:plc:author/app.bsky.feed.post/3kabc"
    assert edit.key != first.key  # not dropped as a redelivery


# X API v2: every tweet has ``edit_history_tweet_ids`` (a default field); an edit is a new
# tweet whose list starts with the original's id
X_EDIT = {
    "data": [{
        "id": "1791000000000000020", "text": "@acme_support still broken, a refund please!",
        "author_id": "2244994945", "created_at": "2024-05-14T12:10:00.000Z",
        "conversation_id": "1791000000000000010", "lang": "en",
        "edit_history_tweet_ids": ["1791000000000000010", "1791000000000000020"],
        "edit_controls": {"edits_remaining": 4, "is_edit_eligible": True,
                          "editable_until": "2024-05-14T13:00:00.000Z"},
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2,
                           "quote_count": 0},
    }],
    "includes": {"users": [{"id": "2244994945", "name": "Jane", "username": "jane_u",
                            "public_metrics": {"followers_count": 1520}}]},
    "meta": {"result_count": 1, "newest_id": "1791000000000000020",
             "oldest_id": "1791000000000000020"},
}


def test_x_v2_edit_keeps_the_original_id():
    (post,) = x.parse_tweets(X_EDIT)
    assert post.external_id == "1791000000000000010"
    assert post.version_external_id == "1791000000000000020"
    assert post.edited_at == dt.datetime(2024, 5, 14, 12, 10, tzinfo=dt.UTC)
    assert post.url == "https://x.com/jane_u/status/1791000000000000020"
    original = dict(X_EDIT["data"][0], id="1791000000000000010",
                    edit_history_tweet_ids=["1791000000000000010"])
    (first,) = x.parse_tweets({**X_EDIT, "data": [original]})
    assert first.external_id == "1791000000000000010"
    assert first.edited_at is None and first.version_external_id is None


def test_x_v1_activity_edit():
    tweet = {
        "created_at": "Tue May 14 12:10:00 +0000 2024", "id_str": "1791000000000000020",
        "text": "@acme_support still broken", "lang": "en",
        "edit_history": {"initial_tweet_id": "1791000000000000010",
                         "edit_tweet_ids": ["1791000000000000010", "1791000000000000020"]},
        "edit_controls": {"edits_remaining": 4, "is_edit_eligible": True,
                          "editable_until_ms": 1715691600000},
        "user": {"id_str": "2244994945", "screen_name": "jane_u", "name": "Jane"},
    }
    (post,) = x.parse_activity({"for_user_id": "99", "tweet_create_events": [tweet]})
    assert (post.external_id, post.version_external_id) == (
        "1791000000000000010", "1791000000000000020")
    assert post.edited_at == dt.datetime(2024, 5, 14, 12, 10, tzinfo=dt.UTC)


def test_meta_edited_change():
    change = {"field": "feed", "value": {
        "from": {"id": "555", "name": "Mia Roth"}, "post_id": f"{PAGE}_777",
        "comment_id": f"{PAGE}_9001", "parent_id": f"{PAGE}_777",
        "message": "Refund now! Card 4111 1111 1111 1111", "created_time": 1764600000,
        "item": "comment", "verb": "edited"}}
    body = {"object": "page", "entry": [{"id": PAGE, "time": 1764600300, "changes": [change]}]}
    (post,) = facebook.parse_webhook(body)
    assert post.external_id == f"{PAGE}_9001"
    assert post.posted_at == dt.datetime.fromtimestamp(1764600000, dt.UTC)
    assert post.edited_at == dt.datetime.fromtimestamp(1764600300, dt.UTC)
    change["value"]["verb"] = "add"
    assert facebook.parse_webhook(body)[0].edited_at is None


def test_post_edit_fields_are_cleaned_and_replayed():
    posted = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)
    post = Post("x", "1", "a", posted, edited_at="2025-12-01T09:05:00Z",
                version_external_id="2")
    assert post.edited_at == dt.datetime(2025, 12, 1, 9, 5, tzinfo=dt.UTC)
    assert Post("x", "1", "a", posted, edited_at="garbage").edited_at is None
    assert Post("x", "1", "a", posted, version_external_id="1").version_external_id is None
    again = replay.post_from_dict(json.loads(json.dumps(replay.post_to_dict(post))))
    assert (again.edited_at, again.version_external_id) == (post.edited_at, "2")
