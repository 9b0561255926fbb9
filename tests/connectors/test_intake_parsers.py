"""Signatures and the push/stream parsers, without a database."""

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from social_crm.connectors import bluesky, events, facebook, mastodon, signatures, x
from social_crm.connectors.base import ConfigurationError, MalformedResponseError

SECRET = "app-secret-123"
PAGE = "102030405060"


# --- signatures ------------------------------------------------------------------------------
def test_meta_signature_is_hex_hmac_sha256_of_the_raw_body():
    body = b'{"object":"page","entry":[]}'
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signatures.meta_signature(SECRET, body) == expected
    assert signatures.check_meta(SECRET, body, expected) == signatures.OK
    assert signatures.check_meta(SECRET, body, expected.upper().replace("SHA256", "sha256")) \
        == signatures.OK
    assert signatures.check_meta(SECRET, body + b" ", expected) == signatures.MISMATCH
    assert signatures.check_meta("other", body, expected) == signatures.MISMATCH
    assert signatures.check_meta(SECRET, body, None) == signatures.MISSING
    assert signatures.check_meta(SECRET, body, "sha1=abc") == signatures.MALFORMED
    assert signatures.check_meta(None, body, expected) == signatures.NO_SECRET


def test_x_crc_and_signature_are_base64_hmac_sha256():
    digest = hmac.new(b"consumer", b"crc-abc", hashlib.sha256).digest()
    assert signatures.x_crc_response("consumer", "crc-abc") == {
        "response_token": "sha256=" + base64.b64encode(digest).decode()}
    body = b'{"for_user_id":"1"}'
    header = signatures.x_signature("consumer", body)
    assert signatures.check_x("consumer", body, header) == signatures.OK
    assert signatures.check_x("wrong", body, header) == signatures.MISMATCH
    assert signatures.check_x("consumer", body, "") == signatures.MISSING


def test_meta_handshake():
    assert signatures.check_meta_handshake("tok", "subscribe", "tok")
    assert not signatures.check_meta_handshake("tok", "subscribe", "nope")
    assert not signatures.check_meta_handshake("tok", "unsubscribe", "tok")
    assert not signatures.check_meta_handshake("", "subscribe", "")


# --- Meta ------------------------------------------------------------------------------------
def _meta(changes, obj="page", entry_id=PAGE):
    return {"object": obj, "entry": [{"id": entry_id, "time": 1764600001, "changes": changes}]}


def _comment(verb="add", **value):
    return {"field": "feed", "value": {
        "from": {"id": "555", "name": "Mia Roth"}, "post_id": f"{PAGE}_777",
        "comment_id": f"{PAGE}_9001", "parent_id": f"{PAGE}_777", "message": "Refund?",
        "created_time": 1764600000, "item": "comment", "verb": verb, **value}}


def test_meta_feed_comment_and_post():
    visitor_post = {"field": "feed", "value": {
        "from": {"id": "556", "name": "Ole"}, "post_id": f"{PAGE}_778", "message": "Hello",
        "created_time": 1764600100, "item": "status", "verb": "add", "published": 1}}
    posts = facebook.parse_webhook(_meta([_comment(), visitor_post]))
    comment, post = posts
    assert comment.external_id == f"{PAGE}_9001"
    assert comment.in_reply_to_external_id == f"{PAGE}_777"
    # the post commented on (the ingestion threads a comment on the page's own post 777,
    # never stored, by the comment it answers, else as its own conversation)
    assert comment.conversation_external_id == f"{PAGE}_777"
    assert comment.author.external_id == "555" and comment.author.display_name == "Mia Roth"
    assert comment.posted_at == dt.datetime.fromtimestamp(1764600000, dt.UTC)
    assert comment.mentioned_external_ids == (PAGE,)
    assert post.external_id == f"{PAGE}_778" and post.in_reply_to_external_id is None
    assert post.conversation_external_id == f"{PAGE}_778"


def test_meta_skips_removals_reactions_and_the_page_itself():
    reaction = {"field": "feed", "value": {"item": "reaction", "verb": "add",
                                           "post_id": f"{PAGE}_1", "reaction_type": "like"}}
    own = {"field": "feed", "value": {
        "from": {"id": PAGE, "name": "ACME"}, "post_id": f"{PAGE}_779", "message": "Hallo",
        "created_time": 1764600100, "item": "status", "verb": "add", "published": 1}}
    assert facebook.parse_webhook(_meta([_comment("remove"), reaction, own])) == []
    # the page's comment directly under a post is read, marked: whose post it is the
    # ingestion knows (test_meta_keeps_the_page_s_replies_to_comments)
    (under,) = facebook.parse_webhook(_meta([_comment(**{"from": {"id": PAGE, "name": "ACME"}})]))
    assert under.own_top_level_comment


def test_meta_keeps_the_page_s_replies_to_comments():
    """The page's answer written in Facebook's app (its reply to a customer's comment) is
    read: a ticket of the conversation records it; its posts stay out; its comments
    directly under a post (``parent_id`` the post, or none) are read marked
    ``own_top_level_comment``: the processing of the events keeps them where the post is a
    customer's stored post."""
    page = {"id": PAGE, "name": "ACME"}
    reply = _comment(**{"from": page, "comment_id": f"{PAGE}_9002", "parent_id": f"{PAGE}_9001"})
    post = {"field": "feed", "value": {
        "from": page, "post_id": f"{PAGE}_779", "message": "Wartungsarbeiten heute Nacht",
        "created_time": 1764600100, "item": "status", "verb": "add", "published": 1}}
    under_post = _comment(**{"from": page, "comment_id": f"{PAGE}_9003"})
    without_parent = _comment(**{"from": page, "comment_id": f"{PAGE}_9004", "parent_id": None})
    answer, *top_level = facebook.parse_webhook(_meta([reply, post, under_post, without_parent]))
    assert [(p.external_id, p.own_top_level_comment, p.in_reply_to_external_id,
             p.conversation_external_id, p.mentioned_external_ids) for p in top_level] == [
        (f"{PAGE}_9003", True, f"{PAGE}_777", f"{PAGE}_777", ()),
        (f"{PAGE}_9004", True, f"{PAGE}_777", f"{PAGE}_777", ())]
    assert not answer.own_top_level_comment
    assert (answer.external_id, answer.author.external_id) == (f"{PAGE}_9002", PAGE)
    assert answer.in_reply_to_external_id == f"{PAGE}_9001"
    assert answer.conversation_external_id == f"{PAGE}_777"
    assert answer.mentioned_external_ids == ()  # the page mentions not itself
    # the page's edit of its answer is read too; other people's comments as before
    edited = _comment("edited", **{"from": page, "comment_id": f"{PAGE}_9002",
                                   "parent_id": f"{PAGE}_9001", "message": "Refund sent"})
    assert [p.text for p in facebook.parse_webhook(_meta([edited]))] == ["Refund sent"]


def test_instagram_keeps_the_account_s_replies_to_comments():
    """The Instagram account's own comment (``from.id`` is the entry's id) is read when it
    replies to a comment (``parent_id``); directly under its media it answers nobody."""
    account = {"id": "1780", "username": "acme"}
    reply = {"field": "comments", "value": {"from": account, "media": {
        "id": "1790", "media_product_type": "FEED"}, "id": "1792", "parent_id": "1791",
        "text": "Sorry, please DM us"}}
    top = {"field": "comments", "value": {"from": account, "media": {
        "id": "1790", "media_product_type": "FEED"}, "id": "1793", "text": "New colours!"}}
    (post,) = facebook.parse_webhook(_meta([reply, top], obj="instagram", entry_id="1780"))
    assert (post.network, post.external_id, post.author.handle) == ("instagram", "1792", "acme")
    assert post.in_reply_to_external_id == "1791"
    assert post.conversation_external_id == "1790"
    assert post.mentioned_external_ids == ()


def test_meta_milliseconds_and_instagram_comment():
    change = {"field": "comments", "value": {"from": {"id": "1789", "username": "lena"},
                                             "media": {"id": "1790"}, "id": "1791",
                                             "text": "Broken again"}}
    body = {"object": "instagram", "entry": [{"id": "1780", "time": 1764600000123,
                                              "changes": [change]}]}
    (post,) = facebook.parse_webhook(body)
    assert post.network == "instagram" and post.author.handle == "lena"
    assert post.in_reply_to_external_id == "1790"
    assert post.posted_at.year == 2025


def test_meta_malformed_change():
    with pytest.raises(MalformedResponseError):
        facebook.parse_webhook(_meta([{"field": "feed", "value": "nope"}]))
    with pytest.raises(MalformedResponseError):
        facebook.parse_webhook(_meta([_comment(comment_id="")]))


def test_split_meta_keys_one_event_per_change_and_redelivery_is_the_same():
    body = _meta([_comment(), _comment(comment_id=f"{PAGE}_9002")])
    first, second = events.split_meta(body)
    assert first.key != second.key
    assert [e.key for e in events.split_meta(json.loads(json.dumps(body)))] == \
        [first.key, second.key]
    edited = events.split_meta(_meta([_comment("edited", message="Refund!!")]))[0]
    assert edited.key != first.key
    # each event is itself a one-change delivery the parser reads
    assert [p.external_id for p in events.posts_of_event("meta", first.payload)] == \
        [f"{PAGE}_9001"]


# --- X Account Activity ----------------------------------------------------------------------
V1_TWEET = {
    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
    "id": 1050118621198921728, "id_str": "1050118621198921728",
    "text": "@acme_support so &amp; so", "truncated": True,
    "extended_tweet": {"full_text": "@acme_support so &amp; so, the long version",
                       "entities": {"user_mentions": [{"id_str": "99", "screen_name":
                                                       "acme_support"}]}},
    "in_reply_to_status_id_str": "1050118621198921700", "in_reply_to_user_id_str": "99",
    "user": {"id_str": "6253282", "screen_name": "critic", "name": "The Critic",
             "followers_count": 10000, "friends_count": 5, "listed_count": 40,
             "statuses_count": 3000, "verified": True, "description": "Loud &amp; clear"},
    "favorite_count": 3, "retweet_count": 1, "reply_count": 2, "quote_count": 0, "lang": "en",
}


def test_x_activity_v1_tweet():
    (post,) = x.parse_activity({"for_user_id": "99", "tweet_create_events": [V1_TWEET]})
    assert post.external_id == "1050118621198921728"
    assert post.text == "@acme_support so & so, the long version"
    assert post.posted_at == dt.datetime(2018, 10, 10, 20, 19, 24, tzinfo=dt.UTC)
    assert post.author.followers_count == 10000 and post.author.verified
    assert post.author.bio == "Loud & clear" and post.author.listed_count == 40
    assert post.in_reply_to_external_id == "1050118621198921700"
    assert post.mentioned_external_ids == ("99",)
    assert post.url == "https://x.com/critic/status/1050118621198921728"


def test_x_activity_leaves_out_our_own_tweets_and_other_events():
    own = {**V1_TWEET, "id_str": "1", "user": {**V1_TWEET["user"], "id_str": "99"}}
    body = {"for_user_id": "99", "tweet_create_events": [own],
            "favorite_events": [{"id": "x"}]}
    assert x.parse_activity(body) == []
    assert [e.key for e in events.split_x_activity(body)] == ["x:tweet:1"]
    assert events.split_x_activity({"for_user_id": "99", "follow_events": []}) == []


def test_x_activity_keeps_our_account_s_replies_to_other_people():
    """The company's answer written in X's app (its reply to a customer's tweet) is read:
    a ticket of the conversation records it; its own tweets and threads stay out."""
    reply = {**V1_TWEET, "id_str": "2", "in_reply_to_status_id_str": "1050118621198921728",
             "in_reply_to_user_id_str": "6253282",
             "user": {**V1_TWEET["user"], "id_str": "99", "screen_name": "acme_support"}}
    (post,) = x.parse_activity({"for_user_id": "99", "tweet_create_events": [reply]})
    assert (post.external_id, post.author.external_id) == ("2", "99")
    assert post.in_reply_to_external_id == "1050118621198921728"
    standalone = {**reply, "id_str": "3", "in_reply_to_status_id_str": None,
                  "in_reply_to_user_id_str": None}
    assert x.parse_activity({"for_user_id": "99", "tweet_create_events": [standalone]}) == []


# --- Mastodon stream -------------------------------------------------------------------------
STATUS = {"id": "9002", "created_at": "2025-12-01T09:00:00.000Z", "content": "<p>@acme hi</p>",
          "account": {"acct": "critic@mastodon.example", "username": "critic",
                      "followers_count": 10000}, "mentions": []}


def test_mastodon_stream_messages():
    notification = {"id": "501", "type": "mention", "created_at": "2025-12-01T09:00:00Z",
                    "account": STATUS["account"], "status": STATUS}
    message = json.dumps({"stream": ["user:notification"], "event": "notification",
                          "payload": json.dumps(notification)})
    event = events.mastodon_message(message)
    assert (event.key, event.cursor) == ("mastodon:notification:501", "501")
    (post,) = events.posts_of_event("mastodon", event.payload, host="mastodon.example")
    assert post.external_id == "9002" and post.text == "@acme hi"
    update = events.mastodon_message(json.dumps({"stream": ["hashtag"], "event": "update",
                                                 "payload": json.dumps(STATUS)}))
    assert update.key == "mastodon:status:9002"
    # a deletion is an event of its own (tests/connectors/test_deletions.py), no cursor
    deleted = events.mastodon_message(json.dumps({"event": "delete", "payload": "9000"}))
    assert (deleted.key, deleted.payload, deleted.cursor) == (
        "mastodon:delete:9000", {"delete": "9000"}, None)
    assert events.mastodon_message(json.dumps({"event": "filters_changed"})) is None
    follow = events.mastodon_message(json.dumps({"event": "notification", "payload": json.dumps(
        {"id": "502", "type": "follow", "account": STATUS["account"]})}))
    assert follow.payload == {} and follow.cursor == "502"
    with pytest.raises(MalformedResponseError):
        events.mastodon_message("{nope")
    with pytest.raises(MalformedResponseError):
        events.mastodon_message(json.dumps({"event": "update", "payload": "{nope"}))


def test_mastodon_stream_url():
    assert mastodon.stream_url("https://mastodon.example/", "mentions") == \
        "wss://mastodon.example/api/v1/streaming?stream=user:notification"
    assert mastodon.stream_url("mastodon.example", "hashtag", "#Acme Bikes") == \
        "wss://mastodon.example/api/v1/streaming?stream=hashtag&tag=Acme%20Bikes"
    with pytest.raises(ConfigurationError):
        mastodon.stream_url("https://mastodon.example", "search", "x")


# --- Bluesky Jetstream -----------------------------------------------------------------------
def _jet(text, did="did:plc:author", reply_to=None, facets=None, operation="create",
         collection="app.bsky.feed.post"):
    record = {"$type": "app.bsky.feed.post", "createdAt": "2025-12-01T09:00:00.000Z",
              "text": text, "langs": ["de"]}
    if reply_to:
        record["reply"] = {"parent": {"uri": reply_to, "cid": "c"},
                           "root": {"uri": reply_to, "cid": "c"}}
    if facets:
        record["facets"] = facets
    return {"did": did, "time_us": 1764600000000001, "kind": "commit",
            "commit": {"rev": "r", "operation": operation, "collection": collection,
                       "rkey": "3kabc", "record": record, "cid": "c"}}


def test_jetstream_filter_and_parse():
    brand = "did:plc:acme"
    assert bluesky.jetstream_wanted(_jet("ACME is broken"), keywords=("acme",))
    assert not bluesky.jetstream_wanted(_jet("cats"), (brand,), ("acme",))
    assert bluesky.jetstream_wanted(
        _jet("why?", reply_to=f"at://{brand}/app.bsky.feed.post/1"), (brand,))
    mention = [{"index": {"byteStart": 0, "byteEnd": 5},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": brand}]}]
    assert bluesky.jetstream_wanted(_jet("@acme hi", facets=mention), (brand,))
    assert not bluesky.jetstream_wanted(_jet("acme", did=brand), (brand,), ("acme",))
    assert not bluesky.jetstream_wanted(_jet("acme", operation="delete"), keywords=("acme",))
    post = bluesky.parse_jetstream_post(_jet("ACME is broken",
                                             reply_to="at://did:plc:x/app.bsky.feed.post/1"))
    assert post.external_id == "at://did:plc:author/app.bsky.feed.post/3kabc"
    assert post.author.external_id == "did:plc:author" and post.lang == "de"
    assert post.in_reply_to_external_id == "at://did:plc:x/app.bsky.feed.post/1"
    assert post.mentioned_external_ids == ("did:plc:x",)
    assert bluesky.parse_jetstream_post({"kind": "identity", "did": "d"}) is None


def test_jetstream_messages_and_url():
    wanted = events.jetstream_message(json.dumps(_jet("acme down")), keywords=("acme",))
    assert wanted.key == "bluesky:at://did:plc:author/app.bsky.feed.post/3kabc"
    assert wanted.cursor == "1764600000000001"
    unwanted = events.jetstream_message(json.dumps(_jet("cats")), keywords=("acme",))
    assert unwanted.payload == {} and unwanted.cursor == "1764600000000001"
    with pytest.raises(MalformedResponseError):
        events.jetstream_message("[1, 2")
    assert bluesky.jetstream_url(cursor=1764600000000001) == (
        "wss://jetstream2.us-east.bsky.network/subscribe?"
        "wantedCollections=app.bsky.feed.post&cursor=1764600000000001")


def test_replay_events_and_unknown_kind():
    lines = [json.dumps({"network": "x", "external_id": "1", "text": "a",
                         "posted_at": "2025-12-01T09:00:00+00:00"}), "", "{bad"]
    produced = events.replay_events(iter(lines))
    first = next(produced)
    assert (first.key, first.cursor) == ("replay:x:1", "1")
    assert events.posts_of_event("replay", first.payload)[0].external_id == "1"
    assert next(produced).payload == {}
    with pytest.raises(MalformedResponseError):
        next(produced)
    with pytest.raises(MalformedResponseError):
        events.posts_of_event("carrier-pigeon", {"a": 1})


# --- what PostgreSQL and Python cannot take --------------------------------------------------
def test_load_json_refuses_nesting_no_network_sends():
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                 ("[" * (events.MAX_DEPTH + 1) + "]" * (events.MAX_DEPTH + 1)).encode()):
        with pytest.raises(MalformedResponseError, match="nested too deeply"):
            events.load_json(body, "the delivery")
    deep_enough = "[" * events.MAX_DEPTH + "]" * events.MAX_DEPTH
    assert events.load_json(deep_enough, "the delivery")
    assert events.load_json(b'"text"', "the delivery") == "text"


def test_payloads_and_keys_are_storable():
    surrogate = events.RawEvent("meta", "meta:1", {"message": "kaputt \ud800 ä"})
    text = surrogate.payload_text()
    text.encode()  # UTF-8 (PostgreSQL) takes it
    assert json.loads(text) == surrogate.payload
    assert events.RawEvent("meta", "k", {"message": "kaputt ä"}).payload_text() \
        == '{"message": "kaputt ä"}'
    assert events.storable_key("x:tweet:186") == "x:tweet:186"
    for key in ("x:tweet:18\x00", "x:tweet:18\ud800"):
        stored = events.storable_key(key)
        assert stored.startswith("unstorable:") and stored == events.storable_key(key)
        stored.encode()
    assert events.storable_key("x:tweet:18\x00") != events.storable_key("x:tweet:18\ud800")
    change = {"field": "feed", "value": {"message": "\ud800", "comment_id": "1_2"}}
    split = events.split_meta({"object": "page", "entry": [{"id": PAGE, "changes": [change]}]})
    assert split[0].key.startswith("meta:")
