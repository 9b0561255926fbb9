"""Edits in the ingestion plan (plain Python): a newer version replaces a stored post's text,
an older one or the same one again never does."""

import datetime as dt

from social_crm.connectors.base import Author, Post
from social_crm.services import ingest

NOW = dt.datetime(2026, 5, 4, 12, 0)
NETWORKS = {"x": 1, "mastodon": 2}
POSTED = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
WHO = Author(network="mastodon", external_id="kim@m.example", handle="kim@m.example")


def version(text, edited_minutes=None, ext="1", network="mastodon", **kw):
    edited = POSTED + dt.timedelta(minutes=edited_minutes) if edited_minutes else None
    return Post(network=network, external_id=ext, text=text, posted_at=POSTED, author=WHO,
                edited_at=edited, **kw)


def plan_for(posts, stored_edited_at=None, counts=(0, 0, 0, 0)):
    batch = ingest.prepare(posts, NETWORKS, NOW)
    snapshot = ingest.Snapshot(network_ids=NETWORKS, posts={
        ("mastodon", "1"): ingest.KnownPost(41, counts, stored_edited_at),
    })
    return ingest.plan(batch, snapshot, NOW)


def test_newer_edit_updates_the_stored_post():
    result = plan_for([version("now broken", 5, lang="en", mentioned_handles=("acme",))])
    assert [post_id for post_id, _vals in result.posts_to_edit] == [41]
    vals = result.posts_to_edit[0][1]
    assert vals["text"] == "now broken" and vals["lang"] == "en"
    assert vals["edited_at"] == dt.datetime(2026, 5, 4, 10, 5)  # naive UTC
    assert vals["mentioned_handles"] == "acme"
    assert "posted_at" not in vals and "author_handle" not in vals
    assert [p.text for p in result.edited_posts] == ["now broken"]
    assert not result.posts_to_create


def test_unedited_same_or_older_version_changes_no_text():
    stored = dt.datetime(2026, 5, 4, 10, 5)
    assert not plan_for([version("first text")]).posts_to_edit  # no edit said
    assert not plan_for([version("first text")], stored).posts_to_edit  # late first version
    assert not plan_for([version("same edit", 5)], stored).posts_to_edit  # seen again
    assert not plan_for([version("older edit", 2)], stored).posts_to_edit  # late older edit
    assert plan_for([version("newer edit", 9)], stored).posts_to_edit


def test_batch_keeps_the_newest_version_whatever_the_order():
    newer, older = version("second edit", 9, like_count=1), version("first edit", 4,
                                                                    like_count=7)
    for posts in ([newer, older], [older, newer]):
        batch = ingest.prepare(posts, NETWORKS, NOW)
        (kept,) = batch.posts.values()
        assert kept.text == "second edit"
    # the later copy's counts, the newer version's text
    batch = ingest.prepare([newer, older], NETWORKS, NOW)
    assert batch.posts[("mastodon", "1")].like_count == 7


def test_new_post_first_seen_edited_and_x_version():
    post = version("edited before we saw it", 3, ext="1791", network="x",
                   version_external_id="1795")
    batch = ingest.prepare([post], NETWORKS, NOW)
    result = ingest.plan(batch, ingest.Snapshot(network_ids=NETWORKS), NOW)
    (vals,) = result.post_vals
    assert vals["external_id"] == "1791" and vals["version_external_id"] == "1795"
    assert vals["edited_at"] == dt.datetime(2026, 5, 4, 10, 3)
    assert "edited_at" not in ingest.post_vals(version("plain"), 2, NOW)


def test_edit_and_counts_of_one_post_both_planned():
    result = plan_for([version("now broken", 5, like_count=3)])
    assert result.posts_to_update == [(41, {"like_count": 3, "repost_count": 0,
                                            "reply_count": 0, "quote_count": 0})]
    assert result.posts_to_edit[0][0] == 41


def test_quarantine_data_keeps_the_edit():
    post = version("edited", 5, version_external_id="9")
    again = ingest.post_from_data(ingest.post_to_data(post))
    assert again.edited_at == post.edited_at and again.version_external_id == "9"


def test_x_version_counts_never_lower_the_stored_ones():
    """X counts each version's engagement apart: the new version starts at 0 likes."""
    edit = version("edited", 5, like_count=1, repost_count=0, reply_count=4, quote_count=0,
                   version_external_id="1795")
    result = plan_for([edit], counts=(10, 2, 3, 0))
    assert result.posts_to_update == [(41, {"like_count": 10, "repost_count": 2,
                                            "reply_count": 4, "quote_count": 0})]
    assert not plan_for([edit], counts=(10, 2, 4, 0)).posts_to_update
