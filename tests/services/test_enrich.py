import datetime as dt

import pytest

from social_crm.connectors import lookup
from social_crm.connectors.base import Author
from social_crm.services import enrich

NOW = dt.datetime(2026, 12, 3, 20, 0)
TODAY = NOW.date()


@pytest.mark.parametrize("url, pattern, network, expected", [
    ("https://x.com/jane_doe", "https://x.com/{handle}", "x", ("jane_doe", None)),
    ("https://twitter.com/jane", "https://x.com/{handle}", "x", ("jane", None)),
    ("https://mastodon.social/@jane", "https://x.com/{handle}", "x", (None, None)),
    ("x.com/jane", "https://x.com/{handle}", "x", (None, None)),  # no scheme, no www: no URL
    ("www.x.com/jane?lang=de", "https://x.com/{handle}", "x", ("jane", None)),
    ("https://example.social/@jane", "https://{instance}/@{user}", "mastodon",
     ("jane@example.social", None)),
    ("https://bsky.app/profile/alice.bsky.social", "https://bsky.app/profile/{handle}",
     "bluesky", ("alice.bsky.social", None)),
    ("https://www.linkedin.com/in/jane-doe-123/", "https://www.linkedin.com/in/{handle}/",
     "linkedin", ("jane-doe-123", None)),
    ("https://www.youtube.com/@janedoe", "https://www.youtube.com/@{handle}", "youtube",
     ("janedoe", None)),
    ("https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
     "https://www.youtube.com/@{handle}", "youtube", (None, "UC_x5XG1OV2P6uZZ5FSM9Ttw")),
    ("jane", "https://x.com/{handle}", "x", (None, None)),
])
def test_handle_from_url(url, pattern, network, expected):
    assert enrich.handle_from_url(url, pattern, network) == expected


def identity(**kw):
    values = {"id": 7, "external_id": None, "handle": "jane", "counts": {
        "followers_count": 10, "following_count": 1, "posts_count": 2, "listed_count": 0}}
    values.update(kw)
    return enrich.IdentityNow(**values)


def test_found_updates_counts_links_id_and_writes_metric():
    author = Author("x", "42", handle="jane", display_name="Jane", followers_count=500,
                    following_count=1, posts_count=9)
    plan = enrich.plan_identity(identity(), lookup.Profile("7", lookup.FOUND, author), NOW,
                                TODAY)
    assert plan.vals["followers_count"] == 500 and "following_count" not in plan.vals
    assert plan.vals["external_id"] == "42" and plan.vals["lookup_state"] == "ok"
    assert plan.vals["next_lookup_at"] == NOW + enrich.INTERVAL
    assert plan.metric == {"followers_count": 500, "following_count": 1, "posts_count": 9,
                           "listed_count": 0}


def test_found_does_not_steal_an_id_another_identity_has():
    author = Author("x", "42", handle="jane", followers_count=5)
    plan = enrich.plan_identity(identity(), lookup.Profile("7", lookup.FOUND, author), NOW,
                                TODAY, frozenset({"42"}))
    assert "external_id" not in plan.vals


@pytest.mark.parametrize("status, state, retry", [
    (lookup.MISSING, "missing", enrich.GONE_RETRY),
    (lookup.SUSPENDED, "suspended", enrich.GONE_RETRY),
    (lookup.UNAVAILABLE, "unavailable", enrich.GONE_RETRY),
    (lookup.ERROR, "error", enrich.ERROR_RETRY),
])
def test_gone_accounts_are_marked_not_deleted(status, state, retry):
    plan = enrich.plan_identity(identity(), lookup.Profile("7", status, reason="why"), NOW,
                                TODAY)
    assert plan.vals["lookup_state"] == state and plan.vals["lookup_message"] == "why"
    assert plan.vals["next_lookup_at"] == NOW + retry
    assert plan.metric is None and "followers_count" not in plan.vals


def _post(ext, author):
    from social_crm.connectors.base import Post
    return Post(network=author.network, external_id=ext, text="x",
                posted_at=dt.datetime(2026, 12, 3, 19, 0, tzinfo=dt.UTC), author=author)


def test_arrival_wanted_only_authors_without_counts_once_and_not_known():
    did = Author(network="bluesky", external_id="did:plc:a", handle=None)
    counted = Author(network="x", external_id="1", handle="k", followers_count=10)
    known = Author(network="bluesky", external_id="did:plc:known")
    feed = Author(network="rss", external_id="Jane")  # no look-up on feeds
    posts = [_post("1", did), _post("2", did), _post("3", counted), _post("4", known),
             _post("5", feed)]
    assert enrich.arrival_wanted(posts, {("bluesky", "did:plc:known")}) == [
        ("bluesky", "did:plc:a", None)]
    many = [_post(str(i), Author(network="bluesky", external_id=f"did:plc:{i}"))
            for i in range(30)]
    assert len(enrich.arrival_wanted(many, set(), limit=25)) == 25


def test_with_profile_fills_what_the_payload_did_not_say():
    author = Author(network="bluesky", external_id="did:plc:a", display_name="Own Name")
    found = Author(network="bluesky", external_id="did:plc:a", handle="k.bsky.social",
                   display_name="Profile Name", followers_count=10000, following_count=5,
                   posts_count=7, bio="Bio")
    at = dt.datetime(2026, 12, 3, 19, 5, tzinfo=dt.UTC)
    filled = enrich.with_profile(_post("1", author), found, at).author
    assert (filled.followers_count, filled.following_count, filled.posts_count) == (10000, 5, 7)
    assert (filled.handle, filled.display_name, filled.bio) == ("k.bsky.social", "Own Name",
                                                                 "Bio")
    assert filled.observed_at == at
    same = _post("2", found)
    assert enrich.with_profile(same, found, at) is same


def test_rate_limit_resume_at_the_reset_never_sooner_than_half_a_minute():
    rate_limit_resume = enrich.rate_limit_resume
    now = dt.datetime(2026, 1, 1, 12, 0)
    assert rate_limit_resume(None, now) == dt.datetime(2026, 1, 1, 12, 15)
    reset = dt.datetime(2026, 1, 1, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert rate_limit_resume(reset, now) == dt.datetime(2026, 1, 1, 12, 30)
    assert rate_limit_resume(dt.datetime(2026, 1, 1, 12, 40), now) == dt.datetime(
        2026, 1, 1, 12, 40)
    assert rate_limit_resume(dt.datetime(2026, 1, 1, 11, 0), now) == dt.datetime(
        2026, 1, 1, 12, 0, 30)
