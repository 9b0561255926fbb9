"""The ingestion plan (plain Python, no database): cleaning, refusals, resolution, updates."""

import dataclasses
import datetime as dt

import pytest

from social_crm.connectors.base import MAX_POST_COUNT, Author, InvalidItemError, Post, Rejected
from social_crm.services import ingest

NOW = dt.datetime(2026, 5, 4, 12, 0)
NETWORKS = {"x": 1, "mastodon": 2, "rss": 3}


def author(ext="7", handle="anna", name="Anna Berg", network="x", **kw):
    return Author(network=network, external_id=ext, handle=handle, display_name=name, **kw)


def post(ext="1", who=None, network="x", text="Hallo @acme", **kw):
    posted = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
    return Post(network=network, external_id=ext, text=text, posted_at=posted, author=who, **kw)


def run(posts, snapshot=None, create_contacts=True):
    batch = ingest.prepare(posts, NETWORKS, NOW)
    snapshot = snapshot or ingest.Snapshot(network_ids=NETWORKS)
    return batch, ingest.plan(batch, snapshot, NOW, create_contacts=create_contacts)


# --- cleaning and refusals -------------------------------------------------------------------
def test_values_storage_refuses_are_cleaned():
    hostile = author(
        ext=12345,
        handle="@an\x00na",
        name=["not", "a", "name"],
        profile_url="javascript:alert(1)",
        bio="bio \ud800 with lone surrogate",
        followers_count=2**40,
        following_count="12",
        posts_count=-5,
        listed_count="lots",
    )
    item = post(
        "p\x001",
        hostile,
        text="a\x00b",
        url="javascript:alert(1)",
        lang="d\x00e-abcdefgh-abcdefgh-abcdefgh",
        like_count=2**31,
        mentioned_external_ids=("u1", "u\x002", None, "u1"),
    )
    batch, plan = run([item])
    assert not batch.refused
    clean = batch.posts[("x", "p1")]
    assert clean.text == "ab" and clean.url is None and len(clean.lang) == 16
    assert clean.like_count == MAX_POST_COUNT  # Post: a quarter, as the four are summed
    assert clean.mentioned_external_ids == ("u1", "u2")
    who = clean.author
    assert (who.external_id, who.handle, who.display_name, who.profile_url) == (
        "12345",
        "anna",
        None,
        None,
    )
    assert who.bio == "bio  with lone surrogate"  # Author drops lone surrogates
    assert (who.followers_count, who.following_count, who.posts_count, who.listed_count) == (
        ingest.MAX_INT,
        12,
        0,
        None,  # garbage: the network did not say (Author); the stored count is kept
    )
    assert plan.post_vals[0]["posted_at"] == dt.datetime(2026, 5, 4, 10, 0)


def unchecked(ext="1", who=None, network="x", text="Hallo @acme", **kw):
    """A Post that skipped the checks of ``Post.__post_init__`` (a caller that bypassed or
    mutated it): ingestion must still refuse what it cannot store."""
    values = dict(network=network, external_id=ext, text=text, author=who,
                  posted_at=dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), **kw)
    item = object.__new__(Post)
    for field in dataclasses.fields(Post):
        default = field.default
        if default is dataclasses.MISSING:
            factory = field.default_factory
            default = None if factory is dataclasses.MISSING else factory()
        object.__setattr__(item, field.name, values.get(field.name, default))
    return item


def test_posts_without_id_cannot_be_built_connectors_reject_them():
    for ext in (None, "  ", "\x00", {"id": 1}):
        with pytest.raises(InvalidItemError):
            post(ext, author())


def test_null_and_oversized_ids_are_refused_not_stored_as_none():
    batch, plan = run(
        [
            unchecked(None, author()),
            post("None", author()),
            unchecked("  ", author()),
            post("€" * 9000, author()),  # Post keeps a prefix and a hash: still over 1000 bytes
            unchecked({"id": 1}, author()),
            post("ok", author(ext="€" * 9000)),
            post("ok2", author(handle="€" * 9000)),
            unchecked("text", author(), text={"html": "<b>"}),
            post("fine", author()),
        ]
    )
    reasons = [refused.reason for refused in plan.refused]
    assert reasons == [
        ingest.NO_ID,
        ingest.NO_ID,
        ingest.NO_ID,
        ingest.ID_TOO_LONG,
        ingest.BAD_ID,
        ingest.AUTHOR_ID_TOO_LONG,
        ingest.AUTHOR_ID_TOO_LONG,
        ingest.BAD_TEXT,
    ]
    assert plan.refused[3].detail == "1,406 bytes"
    assert list(batch.posts) == [("x", "fine")], "the rest of the batch is stored"
    assert [vals["external_id"] for vals in plan.post_vals] == ["fine"]


def test_unknown_network_is_skipped_and_duplicates_keep_the_latest():
    batch, plan = run(
        [post("1", like_count=1), post("1", like_count=9), post("2", network="myspace")]
    )
    assert len(plan.skipped) == 1
    assert [vals["like_count"] for vals in plan.post_vals] == [9]


def test_quarantine_round_trip_of_a_post():
    original = post("1", author(bio="hi"), raw={"id": "1", "bad": "\x00"}, like_count=3)
    data = ingest.post_to_data(original)
    again = ingest.post_from_data(data, {"id": "1"})
    assert again.author == original.author
    assert (again.external_id, again.like_count, again.posted_at) == (
        "1",
        3,
        original.posted_at,
    )
    assert ingest.raw_payload({"a": "\x00b", "n": float("nan")}) == {"a": "b", "n": None}


def test_url_checks():
    assert ingest.url("https://example.org/a") == "https://example.org/a"
    assert ingest.url("HTTP://example.org") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://", "https:// x", "//x", 5):
        assert ingest.url(bad) is None, bad


# --- resolution ------------------------------------------------------------------------------
def test_new_author_gets_a_contact_or_none_per_source():
    batch, plan = run([post("1", author(bio="<img src=x onerror=alert(1)>"))])
    (contact,) = plan.contacts_to_create
    assert (contact.name, contact.note) == ("Anna Berg", "<img src=x onerror=alert(1)>")
    (new,) = plan.identities_to_create
    assert new.partner_id is None and new.vals["origin"] == "listening"
    assert plan.post_authors == [("x", "7")]
    _batch, kept = run([post("1", author())], create_contacts=False)
    assert not kept.contacts_to_create and not kept.identities_to_create


def test_known_identity_is_refreshed_with_what_changed_only():
    known = ingest.KnownIdentity(
        10,
        20,
        {
            "followers_count": 5,
            "following_count": 1,
            "posts_count": 3,
            "listed_count": 0,
            "verified": False,
            "display_name_on_network": "Anna Berg",
            "bio": "old",
        },
    )
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "7"): known})
    _batch, plan = run([post("1", author(followers_count=50, bio="old"))], snapshot)
    # the counts' and the profile's dates move with every observation (even of values that
    # did not change)
    assert plan.identity_updates == [
        (10, {"followers_count": 50, "counts_observed_at": NOW, "profile_observed_at": NOW,
              "last_synced_at": NOW})]
    assert plan.identities[("x", "7")] == (10, 20)
    assert not plan.contacts_to_create and not plan.identities_to_create
    # a new history row: the counts the network did not send are the identity's last known
    assert plan.metrics == [
        (
            ("x", "7"),
            None,
            {"followers_count": 50, "following_count": 1, "posts_count": 3, "listed_count": 0},
        )
    ]


def test_known_account_renamed_takes_its_new_handle_and_frees_it():
    """A known account writes under a new handle: its identity follows, and an identity that
    still holds that handle for another account (network id) is freed; one entered by hand
    (no network id, maybe the same person) keeps it and the renamed one keeps its former
    handle until a user decides."""
    values = {"handle": "anna_old", "display_name_on_network": "Anna Berg", "verified": False}
    known = ingest.KnownIdentity(10, 20, values)
    batch = ingest.prepare([post("1", author(handle="anna_new"))], NETWORKS, NOW)
    lookups = batch.lookups({("x", "7"): known})
    assert lookups.handles == ["anna_new"] and lookups.networks == ["x"]
    assert not lookups.author_ids, "the author is known: no contact to look for"
    taken = ingest.ManualIdentity(33, "x", "anna_new", None, "someone-else", 43)
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "7"): known},
                               manual=[taken])
    plan = ingest.plan(batch, snapshot, NOW)
    assert plan.identity_updates == [(10, {"handle": "anna_new", "profile_observed_at": NOW,
                                           "last_synced_at": NOW})]
    assert plan.handles_to_release == [33]
    # the same handle on an identity entered by hand: nothing released, former handle kept
    by_hand = ingest.ManualIdentity(34, "x", "anna_new", None, None, 44)
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "7"): known},
                               manual=[by_hand])
    plan = ingest.plan(batch, snapshot, NOW)
    assert plan.identity_updates == [(10, {"profile_observed_at": NOW, "last_synced_at": NOW})]
    assert not plan.handles_to_release and not plan.identity_links
    # unchanged or absent handle: no lookup, no write of the handle
    for same in (author(handle="anna_old"), author(handle=None)):
        batch = ingest.prepare([post("1", same)], NETWORKS, NOW)
        assert batch.lookups({("x", "7"): known}).handles == []
        plan = ingest.plan(batch, ingest.Snapshot(network_ids=NETWORKS,
                                                  identities={("x", "7"): known}), NOW)
        assert "handle" not in plan.identity_updates[0][1]


def test_todays_history_row_is_updated_not_duplicated():
    known = ingest.KnownIdentity(10, 20, {})
    snapshot = ingest.Snapshot(
        network_ids=NETWORKS,
        identities={("x", "7"): known},
        metrics_today={10: (99, {"followers_count": 5, "following_count": 0, "posts_count": 0})},
    )
    _batch, plan = run([post("1", author(followers_count=6))], snapshot)
    assert plan.metrics == [(("x", "7"), 99, {"followers_count": 6})], "unknown is not 0"


def test_history_never_records_0_for_a_count_the_network_did_not_send():
    _batch, plan = run([post("1", author(followers_count=6, posts_count=0))])
    assert plan.metrics == [(("x", "7"), None, {"followers_count": 6, "posts_count": 0})]
    _batch, plan = run([post("1", author(following_count=6))])
    assert not plan.metrics, "no followers count: no history row"
    known = ingest.KnownIdentity(10, 20, {"followers_count": 5, "following_count": 8,
                                          "posts_count": 2, "listed_count": 1})
    today = {10: (99, {"followers_count": 5, "following_count": 8, "posts_count": 2,
                       "listed_count": 1})}
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "7"): known},
                               metrics_today=today)
    _batch, plan = run([post("1", author(followers_count=0))], snapshot)
    assert plan.metrics == [(("x", "7"), 99, {"followers_count": 0})]


def test_a_late_post_does_not_undo_a_rename_nor_take_a_handle_back():
    """Posts older than an identity's newest stored post carry what the account was then:
    a known account keeps its current handle, and a handle stays with the identity that
    posted under it more recently (the late author is stored without it)."""
    stored = dt.datetime(2026, 5, 4, 11, 0)  # naive UTC, as the database gives it
    lena = ingest.KnownIdentity(10, 20, {"handle": "lena_new"})
    holder = ingest.ManualIdentity(11, "x", "lena_old", None, "913", 21)
    late = post("o2", author("912", "lena_old"))  # 10:00, before the stored 11:00
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "912"): lena},
                               manual=[holder], last_post_at={10: stored, 11: stored})
    plan = ingest.plan(ingest.prepare([late], NETWORKS, NOW), snapshot, NOW)
    assert "handle" not in plan.identity_updates[0][1]
    assert not plan.handles_to_release
    assert plan.post_vals[0]["author_handle"] == "lena_old", "the post keeps it as written"
    # an account unknown here, with a late post under a handle a newer poster holds
    newcomer = post("o5", author("914", "lena_old"))
    plan = ingest.plan(ingest.prepare([newcomer], NETWORKS, NOW),
                       ingest.Snapshot(network_ids=NETWORKS, manual=[holder],
                                       last_post_at={11: stored}), NOW)
    assert not plan.handles_to_release
    assert plan.identities_to_create[0].vals["handle"] is False
    # newer than the holder's newest post (or the holder has none): the handle moves
    for last_post_at in ({11: dt.datetime(2026, 5, 4, 9, 0)}, {}):
        plan = ingest.plan(ingest.prepare([newcomer], NETWORKS, NOW),
                           ingest.Snapshot(network_ids=NETWORKS, manual=[holder],
                                           last_post_at=last_post_at), NOW)
        assert plan.handles_to_release == [11]
        assert plan.identities_to_create[0].vals["handle"] == "lena_old"
    # the known account's own rename seen on a post newer than its stored ones: followed
    renamed = ingest.KnownIdentity(10, 20, {"handle": "lena_old"})
    plan = ingest.plan(
        ingest.prepare([post("o3", author("912", "lena_new"))], NETWORKS, NOW),
        ingest.Snapshot(network_ids=NETWORKS, identities={("x", "912"): renamed},
                        last_post_at={10: dt.datetime(2026, 5, 4, 9, 0)}), NOW)
    assert plan.identity_updates[0][1]["handle"] == "lena_new"


def test_same_account_in_another_company_gives_its_contact():
    snapshot = ingest.Snapshot(network_ids=NETWORKS,
                               partners_by_account={("x", "7"): 55})
    _batch, plan = run([post("1", author())], snapshot)
    assert not plan.contacts_to_create and not plan.suggestions
    (new,) = plan.identities_to_create
    assert new.partner_id == 55


def test_identity_entered_by_hand_is_linked_by_handle_or_url():
    manual = [
        ingest.ManualIdentity(30, "x", "anna", None, None, 40),
        ingest.ManualIdentity(31, "rss", "p. vogel", "https://blog.example.de/petra/", None, 41),
        ingest.ManualIdentity(32, "x", "reused", None, "old-id", 42),
    ]
    snapshot = ingest.Snapshot(network_ids=NETWORKS, manual=manual)
    _batch, plan = run(
        [
            post("1", author(handle="Anna")),
            post(
                "2",
                author("petra", None, "P", "rss", profile_url="http://www.blog.example.de/petra"),
            ),
            post("3", author("new-id", "reused", "Someone Else")),
        ],
        snapshot,
    )
    assert [(iid, a.external_id) for iid, a in plan.identity_links] == [(30, "7"), (31, "petra")]
    assert {iid: vals["external_id"] for iid, vals in plan.identity_updates} == {
        30: "7",
        31: "petra",
    }
    assert plan.handles_to_release == [32], "the stale handle is freed for its new owner"
    assert plan.identities[("x", "7")] == (30, 40)


def test_one_handle_two_accounts_in_one_batch_newest_post_keeps_it():
    """The handle moved from one account to another between two posts of one page: the author
    of the newer post keeps it; the other is stored by its id alone, and its post keeps the
    handle it was written under."""
    early = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    late = dt.datetime(2026, 5, 4, 11, 0, tzinfo=dt.UTC)
    new_owner = Post(network="x", external_id="n", text="hi", posted_at=late,
                     author=author("602", "Sam_Tests", "Sam New"))
    former = Post(network="x", external_id="o", text="hi", posted_at=early,
                  author=author("601", "sam_tests", "Sam Old"))
    other = Post(network="mastodon", external_id="m", text="hi", posted_at=early,
                 author=author("601", "sam_tests", "Sam M", "mastodon"))
    for order in ([new_owner, former, other], [former, other, new_owner]):
        batch, plan = run(order)
        assert batch.authors[("x", "602")].handle == "Sam_Tests"
        assert batch.authors[("x", "601")].handle is None
        assert batch.authors[("mastodon", "601")].handle == "sam_tests", "another network"
        handles = {new.author_key: new.vals["handle"] for new in plan.identities_to_create}
        assert handles == {("x", "602"): "Sam_Tests", ("x", "601"): False,
                           ("mastodon", "601"): "sam_tests"}
        assert {v["external_id"]: v["author_handle"] for v in plan.post_vals}["o"] == "sam_tests"


def test_web_site_links_but_bio_email_only_suggests():
    snapshot = ingest.Snapshot(
        network_ids=NETWORKS,
        partners_by_website={"karl.example.org": 50},
        partners_by_email={"petra.vogel@example.de": 51},
    )
    _batch, plan = run(
        [
            post(
                "1",
                author("k", None, "Karl", "rss", profile_url="https://karl.example.org/"),
                network="rss",
            ),
            post("2", author("p", "pv", "P V", bio="Kontakt: Petra.Vogel@example.de")),
        ],
        snapshot,
    )
    linked = {new.author_key: new.partner_id for new in plan.identities_to_create}
    assert linked == {("rss", "k"): 50}
    (suggestion,) = plan.suggestions
    assert (suggestion.partner_id, suggestion.reason) == (51, ingest.EMAIL_IN_BIO)
    assert plan.suggested_keys == {("x", "p")}
    assert not plan.contacts_to_create, "no contact while the suggestion waits for review"


def test_similar_name_suggests_once():
    snapshot = ingest.Snapshot(
        network_ids=NETWORKS, name_candidates=[(60, "Petra Vogel"), (61, "Karl Klein")]
    )
    who = author("77", "pvogel", "Petra Vögel")
    _batch, plan = run([post("1", who)], snapshot)
    assert [(s.partner_id, s.reason) for s in plan.suggestions] == [(60, ingest.SIMILAR_NAME)]
    assert plan.suggestions[0].confidence > 0.85
    snapshot.suggested = {("x", "77", 60)}
    _batch, again = run([post("2", who)], snapshot)
    assert not again.suggestions and again.suggested_keys == {("x", "77")}
    assert not again.contacts_to_create


def test_known_post_gets_changed_counts_only():
    snapshot = ingest.Snapshot(
        network_ids=NETWORKS,
        posts={("x", "1"): ingest.KnownPost(5, (1, 0, 0, 0)), ("x", "2"): ingest.KnownPost(6)},
    )
    _batch, plan = run([post("1", like_count=4), post("2"), post("3")], snapshot)
    assert plan.known_post_ids == [5, 6]
    assert plan.posts_to_update == [
        (5, {"like_count": 4, "repost_count": 0, "reply_count": 0, "quote_count": 0})
    ]
    assert [vals["external_id"] for vals in plan.post_vals] == ["3"]


def test_lookups_name_only_what_is_unknown():
    batch = ingest.prepare(
        [
            post("1", author("7", "Anna", "Anna Berg", bio="mail: a@b.de")),
            post("2", author("8", "known", "Known Person")),
        ],
        NETWORKS,
        NOW,
    )
    lookups = batch.lookups({("x", "8")})
    assert lookups.handles == ["anna"] and lookups.emails == ["a@b.de"]
    assert lookups.author_ids == ["7"] and lookups.networks == ["x"]
    assert "%ann%ber%" in lookups.name_patterns


def test_quarantine_data_of_an_item_the_connector_rejected():
    data = ingest.post_to_data(Rejected("x", "the item has no id", None, {"text": "hi"}))
    assert (data["network"], data["external_id"], data["posted_at"]) == ("x", None, None)
    assert "author" not in data


def test_post_counts_the_payload_does_not_say_keep_the_stored_ones():
    """A webhook or stream item without counts (None) is not a post with 0 likes: a stored
    copy keeps its counts, a new post starts at 0, a duplicate in the batch fills them in."""
    unknown = post("1")
    assert (unknown.like_count, unknown.reply_count) == (None, None)
    snapshot = ingest.Snapshot(network_ids=NETWORKS,
                               posts={("x", "1"): ingest.KnownPost(5, (9, 2, 1, 0))})
    _batch, plan = run([unknown], snapshot)
    assert plan.known_post_ids == [5] and not plan.posts_to_update
    _batch, plan = run([post("1", like_count=4)], snapshot)
    assert plan.posts_to_update == [
        (5, {"like_count": 4, "repost_count": 2, "reply_count": 1, "quote_count": 0})
    ]
    _batch, plan = run([post("2")])
    assert [vals["like_count"] for vals in plan.post_vals] == [0]
    batch, _plan = run([post("3", like_count=7, repost_count=1), post("3", repost_count=2)])
    kept = batch.posts[("x", "3")]
    assert (kept.like_count, kept.repost_count, kept.reply_count) == (7, 2, None)


def test_an_author_is_taken_as_of_its_newest_post_in_the_batch():
    """Two posts of one account describe it differently (events retried late, pages merged):
    the newest post's description wins, whatever the order of the batch."""
    early = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    late = dt.datetime(2026, 5, 4, 11, 0, tzinfo=dt.UTC)
    newer = Post(network="x", external_id="n", text="hi", posted_at=late,
                 author=author(handle="anna_now", followers_count=30))
    older = Post(network="x", external_id="o", text="hi", posted_at=early,
                 author=author(handle="anna_then", followers_count=20))
    for order in ([newer, older], [older, newer]):
        batch = ingest.prepare(order, NETWORKS, NOW)
        assert (batch.authors[("x", "7")].handle,
                batch.authors[("x", "7")].followers_count) == ("anna_now", 30)


def test_deleted_posts_leave_the_batch_with_authors_known_only_through_them():
    gone = post("1", author("7", "anna"))
    kept = post("2", author("8", "bo"))
    shared = post("3", author("8", "bo"))
    batch = ingest.prepare([gone, kept, shared], NETWORKS, NOW)
    dropped = batch.drop([("x", "1"), ("x", "3"), ("x", "404")])
    assert [p.external_id for p in dropped] == ["1", "3"]
    assert list(batch.posts) == [("x", "2")]
    assert list(batch.authors) == [("x", "8")], "an author of a kept post stays"
    plan = ingest.plan(batch, ingest.Snapshot(network_ids=NETWORKS), NOW)
    assert [vals["external_id"] for vals in plan.post_vals] == ["2"]
    assert [new.author_key for new in plan.identities_to_create] == [("x", "8")]


def test_an_identity_without_handle_takes_one_from_an_older_post():
    """Known by a stream that sends no handle (Jetstream: the DID only), then found by a
    search on an older post: the identity takes the handle (it undoes no rename)."""
    known = ingest.KnownIdentity(10, 20, {"handle": False})
    snapshot = ingest.Snapshot(network_ids=NETWORKS, identities={("x", "7"): known},
                               last_post_at={10: dt.datetime(2026, 5, 4, 11, 0)})
    _batch, plan = run([post("1", author(handle="anna"))], snapshot)
    assert plan.identity_updates[0][1]["handle"] == "anna"


def test_a_rejected_match_lets_the_author_become_a_new_contact():
    """A person rejected "this author is Petra Vogel": the author no longer waits (no contact,
    no identity, at every post); it is suggested no more and gets its own contact."""
    snapshot = ingest.Snapshot(network_ids=NETWORKS, name_candidates=[(60, "Petra Vogel")],
                               suggested={("x", "77", 60)}, decided={("x", "77", 60)})
    _batch, plan = run([post("2", author("77", "pvogel", "Petra Vögel"))], snapshot)
    assert not plan.suggestions and not plan.suggested_keys
    assert [c.name for c in plan.contacts_to_create] == ["Petra Vögel"]
    assert plan.earlier_posts_of == {("x", "77")}, "its earlier posts waited: they follow"
    # another match still undecided: it waits for that one
    snapshot.name_candidates = [(60, "Petra Vogel"), (62, "Petra Vögel")]
    _batch, plan = run([post("2", author("77", "pvogel", "Petra Vögel"))], snapshot)
    assert [s.partner_id for s in plan.suggestions] == [62]
    assert plan.suggested_keys == {("x", "77")} and not plan.contacts_to_create


@pytest.mark.parametrize("url_first", [True, False])
def test_identity_by_hand_with_two_accounts_handle_wins_in_any_order(url_first):
    """A user entered the handle of one account and the profile URL of another: the account
    of the handle gets the identity, the URL's account a new one of its own, whatever the
    batch's order (before, the URL's account could take it first, and the handle's account's
    new identity then hit the unique handle index: its post went to quarantine)."""
    manual = ingest.ManualIdentity(30, "mastodon", "alice", "https://social.example/@bob", None, 40)
    snapshot = ingest.Snapshot(network_ids=NETWORKS, manual=[manual])
    bob = post("1", author("B1", "bob", network="mastodon",
                           profile_url="https://social.example/@bob"), network="mastodon")
    alice = post("2", author("A1", "alice", network="mastodon",
                             profile_url="https://social.example/@alice"), network="mastodon")
    posts = [bob, alice] if url_first else [alice, bob]
    plan = ingest.plan(ingest.prepare(posts, NETWORKS, NOW), snapshot, NOW)
    assert [(iid, a.external_id) for iid, a in plan.identity_links] == [(30, "A1")]
    assert [n.vals["handle"] for n in plan.identities_to_create] == ["bob"]
    # alone, the URL's account still finds the identity by its URL
    plan = ingest.plan(ingest.prepare([bob], NETWORKS, NOW), snapshot, NOW)
    assert [(iid, a.external_id) for iid, a in plan.identity_links] == [(30, "B1")]


def test_posts_keep_the_followers_their_author_was_reported_with():
    """An author without identity (a match waiting for review, a source that creates no
    contacts) is ranked and counted by what the network reported with its posts."""
    _batch, plan = run(
        [post("1", author(ext="7", followers_count=27400)), post("2", author(ext="8")),
         post("3")],
        create_contacts=False,
    )
    assert not plan.identities_to_create
    assert {v["external_id"]: v["author_followers_count"] for v in plan.post_vals} == {
        "1": 27400, "2": 0, "3": 0}


# --- dates ahead of the arrival --------------------------------------------------------------
def test_a_post_dated_after_its_arrival_is_stored_as_received_with_the_networks_date_kept():
    hour = dataclasses.replace(post("f1", raw={"created_at": "2026-05-04T13:00:00.000Z"}),
                               posted_at=dt.datetime(2026, 5, 4, 13, 0, tzinfo=dt.UTC))
    jitter = dataclasses.replace(post("f2"),
                                 posted_at=dt.datetime(2026, 5, 4, 12, 0, 20, tzinfo=dt.UTC))
    batch, plan = run([hour, jitter, post("f3")])
    stored = {vals["external_id"]: vals for vals in plan.post_vals}
    assert stored["f1"]["posted_at"] == NOW
    assert stored["f1"]["raw_payload"] == {
        "created_at": "2026-05-04T13:00:00.000Z",
        ingest.REPORTED_POSTED_AT: "2026-05-04T13:00:00Z",
    }
    assert stored["f2"]["posted_at"] == NOW  # 20 seconds ahead: clamped, not logged
    assert stored["f3"]["posted_at"] == dt.datetime(2026, 5, 4, 10, 0)  # in the past: as is
    assert ingest.future_dated(batch, NOW) == [("x", "f1", "2026-05-04T13:00:00Z")]


def test_an_edit_dated_after_its_arrival_is_dated_as_received():
    edit = post("e1", edited_at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    batch, _plan = run([edit])
    assert batch.posts[("x", "e1")].edited_at == NOW.replace(tzinfo=dt.UTC)
    assert ingest.edit_vals(batch.posts[("x", "e1")], NOW)["edited_at"] == NOW
