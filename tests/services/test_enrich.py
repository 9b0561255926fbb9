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
