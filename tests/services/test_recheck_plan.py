"""The re-check's plan: what goes to the edit path and what to the deletions."""

import datetime as dt

from social_crm.connectors.base import Author, Post
from social_crm.connectors.recheck import Recheck
from social_crm.services import recheck

NOW = dt.datetime(2026, 12, 4, 12, 0)
URI = "at://did:plc:abc/app.bsky.feed.post/3k1"


def post(text, ext=URI, network="bluesky", edited_at=None):
    return Post(network=network, external_id=ext, text=text,
                posted_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
                author=Author(network=network, external_id="did:plc:abc"), edited_at=edited_at)


def test_a_new_cid_is_an_edit_dated_now():
    stored = {URI: recheck.Stored(URI, "[card number removed, ends 1111]", None, "bafyold")}
    answer = Recheck(posts=[post("card 4111 1111 1111 1111")], versions={URI: "bafynew"})
    plan = recheck.plan(stored, answer, "bluesky", NOW)
    assert plan.posts[0].edited_at == NOW.replace(tzinfo=dt.UTC)
    assert plan.answered == {URI} and not plan.deletions


def test_the_same_cid_is_no_edit_though_the_stored_text_was_redacted():
    stored = {URI: recheck.Stored(URI, "[card number removed, ends 1111]", None, "bafyold")}
    answer = Recheck(posts=[post("card 4111 1111 1111 1111")], versions={URI: "bafyold"})
    assert recheck.plan(stored, answer, "bluesky", NOW).posts[0].edited_at is None


def test_without_a_stored_cid_the_text_decides_and_the_date_is_later_than_the_stored():
    later = NOW + dt.timedelta(minutes=5)  # a stored edit dated after the job's clock
    stored = {URI: recheck.Stored(URI, "old", later, None)}
    same = recheck.plan(stored, Recheck(posts=[post("old")]), "bluesky", NOW)
    assert same.posts[0].edited_at is None
    new = recheck.plan(stored, Recheck(posts=[post("new")]), "bluesky", NOW)
    assert new.posts[0].edited_at.replace(tzinfo=None) > later


def test_an_edit_date_of_the_network_is_kept_and_only_gone_ids_are_deleted():
    edited = dt.datetime(2026, 12, 4, 11, 0, tzinfo=dt.UTC)
    stored = {i: recheck.Stored(i, "x") for i in ("1", "2", "3")}
    answer = Recheck(posts=[post("y", "1", "mastodon", edited), post("z", "9", "mastodon")],
                     gone=("2", "8"), unknown=("3",))
    plan = recheck.plan(stored, answer, "mastodon", NOW)
    assert [p.external_id for p in plan.posts] == ["1"]
    assert plan.posts[0].edited_at == edited
    assert [(d.network, d.external_id) for d in plan.deletions] == [("mastodon", "2")]
    assert plan.answered == {"1", "2"}


def test_a_version_without_edit_date_of_mastodon_or_x_is_no_edit():
    """Mastodon says ``edited_at``, X gives an edit a new version: an unedited post whose
    stored text was redacted (a card number) is not an edit dated now."""
    for network in ("mastodon", "x"):
        stored = {"1": recheck.Stored("1", "Karte [card number removed, ends 1111]")}
        answer = Recheck(posts=[post("Karte 4111 1111 1111 1111", "1", network)])
        plan = recheck.plan(stored, answer, network, NOW)
        assert [p.edited_at for p in plan.posts] == [None]


def test_the_reason_a_post_is_kept_is_recorded_and_cleared_when_it_shows_again():
    other = "at://did:plc:abc/app.bsky.feed.post/3k2"
    stored = {URI: recheck.Stored(URI, "old"), other: recheck.Stored(other, "x")}
    answer = Recheck(unknown=(URI, other), states={URI: "moderated", "at://not/asked": "hidden"})
    plan = recheck.plan(stored, answer, "bluesky", NOW)
    assert plan.states == {URI: "moderated"} and not plan.deletions and not plan.posts
    again = recheck.plan(stored, Recheck(posts=[post("old")]), "bluesky", NOW)
    assert again.states == {URI: ""}
    # a state for an id the batch does not call unknown is no state
    assert not Recheck(gone=(URI,), states={URI: "hidden"}).states
