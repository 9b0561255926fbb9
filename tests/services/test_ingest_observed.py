"""Author counts dated by when they were observed (``Author.observed_at``): a webhook
delivered late (retried) carries the counts as of its event, and never overwrites counts
observed later (by a poll, a look-up or a newer event); nor does it write today's history."""

import dataclasses
import datetime as dt
import json

from social_crm.connectors import base, bluesky, facebook, mastodon, replay, x
from social_crm.services import ingest

NOW = dt.datetime(2026, 5, 4, 12, 0)  # naive UTC, as the models pass it
NETWORKS = {"x": 1, "mastodon": 2, "facebook": 3, "bluesky": 4}
T = dt.datetime(2026, 5, 4, 11, 0, tzinfo=dt.UTC)


def author(followers, observed=None, **kw):
    kw = {"handle": "anna", "display_name": "Anna Berg", **kw}
    return base.Author(network="x", external_id="7", followers_count=followers,
                       observed_at=observed, **kw)


def post(ext, who, minutes=0):
    return base.Post(network="x", external_id=ext, text="Hallo @acme",
                     posted_at=T + dt.timedelta(minutes=minutes), author=who)


def known(followers, observed, metric=None):
    values = {"followers_count": followers, "following_count": 1, "posts_count": 3,
              "listed_count": 0, "verified": False, "display_name_on_network": "Anna Berg",
              "bio": False, "handle": "anna", "counts_observed_at": observed}
    return ingest.Snapshot(
        network_ids=NETWORKS, identities={("x", "7"): ingest.KnownIdentity(10, 20, values)},
        metrics_today={10: metric} if metric else {})


def run(posts, snapshot):
    batch = ingest.prepare(posts, NETWORKS, NOW)
    return batch, ingest.plan(batch, snapshot, NOW)


def test_late_webhook_keeps_newer_counts_and_history():
    # stored: 500 followers observed at 11:30; a retried webhook of 11:10 says 400
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 30), metric=(99, {"followers_count": 500}))
    late = author(400, observed=T + dt.timedelta(minutes=10))
    _batch, plan = run([post("1", late)], snapshot)
    ((iid, vals),) = plan.identity_updates
    assert iid == 10
    assert "followers_count" not in vals and "counts_observed_at" not in vals
    assert vals["last_synced_at"] == NOW
    assert plan.metrics == []
    # the same event delivered in time (after 11:30 nothing newer was stored) is taken
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 5), metric=(99, {"followers_count": 500}))
    _batch, plan = run([post("1", late)], snapshot)
    ((_iid, vals),) = plan.identity_updates
    assert vals["followers_count"] == 400
    assert vals["counts_observed_at"] == dt.datetime(2026, 5, 4, 11, 10)
    assert plan.metrics == [(("x", "7"), 99, {"followers_count": 400})]


def test_poll_counts_are_observed_now_and_win():
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 30))
    _batch, plan = run([post("1", author(450))], snapshot)
    ((_iid, vals),) = plan.identity_updates
    assert vals["followers_count"] == 450
    assert vals["counts_observed_at"] == NOW


def test_undated_counts_of_a_stored_identity_are_overwritten():
    """An identity stored before counts were dated (or typed by hand) takes any counts."""
    _batch, plan = run([post("1", author(40, observed=T))], known(500, False))
    ((_iid, vals),) = plan.identity_updates
    assert (vals["followers_count"], vals["counts_observed_at"]) == (40, T.replace(tzinfo=None))


def test_author_without_counts_does_not_date_them():
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 30))
    _batch, plan = run([post("1", author(None, observed=T + dt.timedelta(minutes=50)))],
                       snapshot)
    ((_iid, vals),) = plan.identity_updates
    assert "counts_observed_at" not in vals and "followers_count" not in vals


def test_batch_takes_the_newest_observation():
    """Two deliveries of one author in a batch, the later observed one first in the batch
    (a retry arrived after the newer event): the newer counts are kept."""
    newer = author(520, observed=T + dt.timedelta(minutes=40))
    older = author(480, observed=T + dt.timedelta(minutes=20))
    batch, plan = run([post("2", newer, minutes=40), post("1", older, minutes=20)],
                      known(500, dt.datetime(2026, 5, 4, 10, 0)))
    assert batch.authors[("x", "7")].followers_count == 520
    ((_iid, vals),) = plan.identity_updates
    assert vals["followers_count"] == 520


def test_new_identity_gets_the_date_of_its_counts():
    _batch, plan = run([post("1", author(40, observed=T))], ingest.Snapshot(network_ids=NETWORKS))
    (new,) = plan.identities_to_create
    assert new.vals["counts_observed_at"] == T.replace(tzinfo=None)
    _batch, plan = run([post("1", author(None))], ingest.Snapshot(network_ids=NETWORKS))
    assert plan.identities_to_create[0].vals["counts_observed_at"] is False


# --- the connectors date what webhooks and streams say ------------------------------------------
def test_x_account_activity_counts_dated_by_timestamp_ms():
    body = {"for_user_id": "1440000000000000000", "tweet_create_events": [{
        "created_at": "Mon May 04 11:00:00 +0000 2026", "id": 1865000000000000001,
        "id_str": "1865000000000000001", "text": "@acme_support my order never came",
        "timestamp_ms": "1777892460000",
        "user": {"id": 7, "id_str": "7", "name": "Anna Berg", "screen_name": "anna",
                 "followers_count": 400, "friends_count": 1, "statuses_count": 3}}]}
    (parsed,) = x.parse_activity(body)
    assert parsed.author.observed_at == dt.datetime.fromtimestamp(1777892460, dt.UTC)


def test_meta_counts_dated_by_entry_time():
    body = {"object": "page", "entry": [{"id": "102030405060", "time": 1777892500, "changes": [
        {"field": "feed", "value": {
            "from": {"id": "555", "name": "Mia Roth"}, "post_id": "102030405060_777",
            "comment_id": "102030405060_9001", "parent_id": "102030405060_777",
            "created_time": 1777892400, "item": "comment", "verb": "add",
            "message": "Where is my refund?"}}]}]}
    (parsed,) = facebook.parse_webhook(body)
    assert parsed.author.observed_at == dt.datetime.fromtimestamp(1777892500, dt.UTC)


def test_jetstream_counts_dated_by_time_us():
    event = {"did": "did:plc:anna", "time_us": 1777892460123456, "kind": "commit", "commit": {
        "rev": "3l", "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3k1",
        "record": {"$type": "app.bsky.feed.post", "text": "@acme hilfe",
                   "createdAt": "2026-05-04T11:00:00.000Z", "langs": ["de"]},
        "cid": "bafy"}}
    parsed = bluesky.parse_jetstream_post(event)
    assert parsed.author.observed_at == dt.datetime.fromtimestamp(1777892460.123456, dt.UTC)


def test_receipt_time_where_the_network_gives_none():
    """A Mastodon stream item carries no event time: the model dates it by its receipt."""
    received = dt.datetime(2026, 5, 4, 11, 45)  # naive UTC, as the event's create_date
    dated = base.observed([post("1", author(40)), post("2", author(41, observed=T))], received)
    assert dated[0].author.observed_at == received.replace(tzinfo=dt.UTC)
    assert dated[1].author.observed_at == T  # the event's own time stays


def test_mastodon_notification_counts_are_as_of_delivery_not_created_at():
    """A mention notification's account is rendered when Mastodon sends it (the stream's
    push, a catch-up's answer), not at its ``created_at``: the receipt dates its counts."""
    notification = {
        "id": "901", "type": "mention", "created_at": "2026-05-04T08:00:00.000Z",
        "account": {"id": "7", "username": "kim", "acct": "kim", "followers_count": 40},
        "status": {
            "id": "113500000000000777", "created_at": "2026-05-04T07:59:58.000Z",
            "content": "<p>@acme kaputt</p>", "visibility": "public", "language": "de",
            "url": "https://mastodon.example/@kim/113500000000000777",
            "account": {"id": "7", "username": "kim", "acct": "kim", "display_name": "Kim",
                        "followers_count": 40, "url": "https://mastodon.example/@kim"},
            "mentions": [], "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        },
    }
    (parsed,) = mastodon.posts_of_stream_item({"notification": notification},
                                              "mastodon.example")
    assert parsed.author.observed_at is None
    received = dt.datetime(2026, 5, 4, 11, 45)
    (dated,) = base.observed([parsed], received)
    assert dated.author.observed_at == received.replace(tzinfo=dt.UTC)


def test_replay_and_quarantine_keep_the_date():
    """A post written as JSON (replay lines, the quarantine) keeps its author's date."""
    dated = post("1", author(40, observed=T))
    line = json.loads(json.dumps(replay.post_to_dict(dated)))
    assert replay.post_from_dict(line).author == dated.author
    data = ingest.post_to_data(dated)
    assert ingest.post_from_data(json.loads(json.dumps(data))).author == dated.author


def profiled(observed):
    """A stored identity whose name, bio and verified flag were observed at ``observed``."""
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 30))
    snapshot.identities[("x", "7")].values.update(
        display_name_on_network="Anna Berg-Neu", bio="Neue Bio", verified=True,
        profile_observed_at=observed)
    return snapshot


def test_late_webhook_keeps_newer_name_bio_and_verified():
    # stored: name, bio and badge observed at 11:30; a retried webhook of 11:10 still has
    # the old ones (and a new handle: the handle keeps its own rule)
    late = author(400, observed=T + dt.timedelta(minutes=10), bio="Alte Bio", verified=False,
                  handle="anna_alt")
    _batch, plan = run([post("1", late)], profiled(dt.datetime(2026, 5, 4, 11, 30)))
    ((_iid, vals),) = plan.identity_updates
    for name in ("display_name_on_network", "bio", "verified", "profile_observed_at"):
        assert name not in vals, name
    assert vals["handle"] == "anna_alt"
    # the same event delivered before anything newer was stored is taken, with its date
    _batch, plan = run([post("1", late)], profiled(dt.datetime(2026, 5, 4, 11, 5)))
    ((_iid, vals),) = plan.identity_updates
    assert (vals["display_name_on_network"], vals["bio"], vals["verified"]) == (
        "Anna Berg", "Alte Bio", False)
    assert vals["profile_observed_at"] == dt.datetime(2026, 5, 4, 11, 10)


def test_profile_dated_apart_from_the_counts():
    """A payload without counts (a Facebook comment's ``from``) still dates the profile; a
    never dated profile takes any observation; a poll's is now."""
    newer = author(None, observed=T + dt.timedelta(minutes=50), display_name="Anna B.")
    _batch, plan = run([post("1", newer)], profiled(dt.datetime(2026, 5, 4, 11, 30)))
    ((_iid, vals),) = plan.identity_updates
    assert vals["display_name_on_network"] == "Anna B."
    assert vals["profile_observed_at"] == dt.datetime(2026, 5, 4, 11, 50)
    assert "counts_observed_at" not in vals
    _batch, plan = run([post("1", author(None, observed=T))], profiled(False))
    ((_iid, vals),) = plan.identity_updates
    assert vals["display_name_on_network"] == "Anna Berg"
    _batch, plan = run([post("1", author(None))], profiled(dt.datetime(2026, 5, 4, 11, 30)))
    ((_iid, vals),) = plan.identity_updates
    assert vals["profile_observed_at"] == NOW


def test_new_identity_dates_its_profile():
    _batch, plan = run([post("1", author(40, observed=T))],
                       ingest.Snapshot(network_ids=NETWORKS))
    (new,) = plan.identities_to_create
    assert new.vals["profile_observed_at"] == T.replace(tzinfo=None)


def test_late_webhook_never_lowers_a_stored_posts_counts():
    """The post of a late delivery is known (a poll or re-check read its newer counts): its
    counts only raise the stored ones; in time, they are taken as they are."""
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 30))
    snapshot.posts = {("x", "1"): ingest.KnownPost(55, (12, 1, 3, 0), None)}
    late = dataclasses.replace(post("1", author(400, observed=T + dt.timedelta(minutes=10))),
                               like_count=0, repost_count=2, reply_count=0, quote_count=0)
    _batch, plan = run([late], snapshot)
    assert plan.posts_to_update == [(55, {"like_count": 12, "repost_count": 2,
                                          "reply_count": 3, "quote_count": 0})]
    snapshot = known(500, dt.datetime(2026, 5, 4, 11, 5))
    snapshot.posts = {("x", "1"): ingest.KnownPost(55, (12, 1, 3, 0), None)}
    _batch, plan = run([late], snapshot)
    assert plan.posts_to_update == [(55, {"like_count": 0, "repost_count": 2,
                                          "reply_count": 0, "quote_count": 0})]
