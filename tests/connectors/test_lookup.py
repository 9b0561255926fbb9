"""Profile look-up (enrichment) at the HTTP boundary, with the documented payloads."""

import datetime as dt

import pytest
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of
from responses import matchers

from social_crm.connectors import lookup as lk
from social_crm.connectors.base import AuthError, ConfigurationError, RateLimitError

TOKEN = "AAAAAAAAAAAAAAAAAAAAAsecret-bearer"
YT_KEY = "AIzaSy-secret-youtube-key"
PAGE_TOKEN = "EAAG-secret-page-token"


def run(network, wanted, **config):
    config.setdefault("timeout", 7)
    return list(lk.lookup(network, wanted, lk.LookupConfig(**config)))


@responses.activate
def test_x_batches_of_100_with_missing_and_suspended():
    wanted = [lk.Wanted(str(i), external_id=str(10_000 + i)) for i in range(150)]
    wanted[0] = lk.Wanted("a", external_id="2244994945")
    wanted[1] = lk.Wanted("b", external_id="783214")
    wanted[2] = lk.Wanted("c", external_id="1234567890")
    wanted[3] = lk.Wanted("d", external_id="4455667788")
    responses.get("https://api.twitter.com/2/users", json=load_payload("lookup/x_users.json"))
    responses.get("https://api.twitter.com/2/users", json={"data": []})
    batches = run("x", wanted, credentials={"bearer_token": TOKEN})
    assert [len(b) for b in batches] == [100, 50]
    ids = responses.calls[0].request.params["ids"].split(",")
    assert len(ids) == 100 and ids[:2] == ["2244994945", "783214"]
    assert "public_metrics" in responses.calls[0].request.params["user.fields"]
    assert timeout_of(responses.calls[0]) == 7
    by_key = {p.key: p for b in batches for p in b}
    assert by_key["a"].status == lk.FOUND and by_key["a"].author.followers_count == 570842
    assert by_key["a"].author.posts_count == 14052 and by_key["a"].author.listed_count == 1672
    assert by_key["b"].author.verified
    assert by_key["c"].status == lk.MISSING and "Could not find" in by_key["c"].reason
    assert by_key["d"].status == lk.SUSPENDED
    assert by_key["149"].status == lk.MISSING  # not in data, no error entry either


@responses.activate
def test_x_usernames_and_rate_limit_keeps_earlier_batches():
    wanted = [lk.Wanted("a", handle="@XDevelopers")] + [
        lk.Wanted(str(i), handle=f"user{i}") for i in range(120)]
    responses.get("https://api.twitter.com/2/users/by",
                  json=load_payload("lookup/x_users.json"))
    reset = int((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)).timestamp())
    responses.get("https://api.twitter.com/2/users/by", status=429,
                  json={"title": "Too Many Requests", "detail": "Too Many Requests",
                        "type": "about:blank", "status": 429},
                  headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
    got = []
    with pytest.raises(RateLimitError) as info:
        for batch in lk.lookup("x", wanted, lk.LookupConfig(credentials={"bearer_token": TOKEN})):
            got.append(batch)
    assert len(got) == 1 and got[0][0].status == lk.FOUND
    assert abs(info.value.reset_at.timestamp() - reset) < 2
    assert responses.calls[0].request.params["usernames"].startswith("XDevelopers,")
    assert_no_secret(info.value, TOKEN)


@responses.activate
def test_mastodon_lookup_on_home_instance():
    responses.get("https://example.social/api/v1/accounts/lookup",
                  json=load_payload("lookup/mastodon_account.json"),
                  match=[matchers.query_param_matcher({"acct": "jane"})])
    responses.get("https://example.social/api/v1/accounts/lookup",
                  json={"error": "Record not found"}, status=404,
                  match=[matchers.query_param_matcher({"acct": "gone"})])
    suspended = dict(load_payload("lookup/mastodon_account.json"), acct="bad", username="bad",
                     suspended=True, followers_count=0)
    responses.get("https://other.example/api/v1/accounts/lookup", json=suspended)
    responses.get("https://down.example/api/v1/accounts/lookup", status=503)
    wanted = [lk.Wanted("1", handle="jane@example.social"),
              lk.Wanted("2", handle="@gone@example.social"),
              lk.Wanted("3", handle="bad@other.example"),
              lk.Wanted("4", handle="x@down.example"),
              lk.Wanted("5", handle="nohost")]
    by_key = {p.key: p for b in run("mastodon", wanted) for p in b}
    assert by_key["1"].status == lk.FOUND
    assert by_key["1"].author.external_id == "jane@example.social"
    assert by_key["1"].author.followers_count == 1520 and by_key["1"].author.posts_count == 812
    assert by_key["2"].status == lk.MISSING
    assert by_key["3"].status == lk.SUSPENDED
    assert by_key["4"].status == lk.ERROR  # one instance down: the others go on
    assert by_key["5"].status == lk.UNAVAILABLE
    assert all("Authorization" not in c.request.headers for c in responses.calls)


@responses.activate
def test_bluesky_profiles_25_per_call_and_missing():
    alice = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    wanted = [lk.Wanted("a", external_id=alice)] + [
        lk.Wanted(str(i), handle=f"p{i}.bsky.social") for i in range(30)]
    responses.get("https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles",
                  json=load_payload("lookup/bluesky_profiles.json"))
    responses.get("https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles",
                  json={"profiles": []})
    batches = run("bluesky", wanted)
    assert [len(b) for b in batches] == [25, 6]
    assert responses.calls[0].request.url.count("actors=") == 25
    by_key = {p.key: p for b in batches for p in b}
    assert by_key["a"].status == lk.FOUND and by_key["a"].author.followers_count == 4210
    assert by_key["a"].author.following_count == 310
    assert by_key["3"].status == lk.MISSING


@responses.activate
def test_youtube_channels_ids_handles_and_quota():
    channel = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    responses.get("https://www.googleapis.com/youtube/v3/channels",
                  json=load_payload("lookup/youtube_channels.json"),
                  match=[matchers.query_param_matcher(
                      {"part": "snippet,statistics", "id": f"{channel},UCgone00000000000000000",
                       "maxResults": "50", "key": YT_KEY})])
    responses.get("https://www.googleapis.com/youtube/v3/channels", status=403,
                  json=load_payload("lookup/youtube_quota.json"),
                  match=[matchers.query_param_matcher(
                      {"part": "snippet,statistics", "forHandle": "@janedoe", "key": YT_KEY})])
    wanted = [lk.Wanted("a", external_id=channel),
              lk.Wanted("b", external_id="UCgone00000000000000000"),
              lk.Wanted("c", handle="janedoe")]
    got = []
    with pytest.raises(RateLimitError) as info:
        for batch in lk.lookup("youtube", wanted, lk.LookupConfig(credentials={"api_key": YT_KEY})):
            got.append(batch)
    by_key = {p.key: p for b in got for p in b}
    assert by_key["a"].author.followers_count == 2510000
    assert by_key["a"].author.posts_count == 6450
    assert by_key["a"].author.handle == "googledevelopers"
    assert by_key["b"].status == lk.MISSING
    assert info.value.reset_at > dt.datetime.now(dt.UTC)
    assert_no_secret(info.value, YT_KEY)


def test_youtube_quota_resets_at_pacific_midnight():
    from social_crm.connectors import lookup_youtube

    now = dt.datetime(2026, 12, 3, 20, 0, tzinfo=dt.UTC)  # 12:00 in Los Angeles (PST)
    assert lookup_youtube.quota_reset(now) == dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)


def test_youtube_needs_a_key():
    with pytest.raises(ConfigurationError):
        run("youtube", [lk.Wanted("a", external_id="UCx")])


@responses.activate
def test_facebook_page_followers_person_unavailable_and_token_error():
    base = "https://graph.facebook.com/v23.0"
    responses.get(f"{base}/acmebakery", json={
        "id": "102938475610", "name": "Acme Bakery", "username": "acmebakery",
        "link": "https://www.facebook.com/acmebakery", "followers_count": 5230,
        "fan_count": 5100})
    responses.get(f"{base}/100004567", status=400, json={"error": {
        "message": "(#10) This endpoint requires the 'pages_read_engagement' permission",
        "type": "OAuthException", "code": 10, "fbtrace_id": "AbC"}})
    responses.get(f"{base}/nosuchpage", status=404, json={"error": {
        "message": "Unsupported get request. Object with ID 'nosuchpage' does not exist",
        "type": "GraphMethodException", "code": 100, "error_subcode": 33,
        "fbtrace_id": "AbD"}})
    wanted = [lk.Wanted("a", handle="acmebakery"), lk.Wanted("b", external_id="100004567"),
              lk.Wanted("c", handle="nosuchpage")]
    by_key = {p.key: p for b in run("facebook", wanted,
                                     credentials={"page_access_token": PAGE_TOKEN}) for p in b}
    assert by_key["a"].status == lk.FOUND and by_key["a"].author.followers_count == 5230
    assert by_key["b"].status == lk.UNAVAILABLE
    assert by_key["c"].status == lk.MISSING
    assert PAGE_TOKEN not in (by_key["b"].reason or "")
    responses.get(f"{base}/acme2", status=400, json={"error": {
        "message": "Error validating access token: Session has expired",
        "type": "OAuthException", "code": 190, "fbtrace_id": "AbE"}})
    with pytest.raises(AuthError) as info:
        run("facebook", [lk.Wanted("z", handle="acme2")],
            credentials={"page_access_token": PAGE_TOKEN})
    assert_no_secret(info.value, PAGE_TOKEN)


@responses.activate
def test_instagram_business_discovery():
    base = "https://graph.facebook.com/v23.0"
    responses.get(f"{base}/17841400008460056", json={
        "business_discovery": {"id": "17841401441775531", "username": "bluebottle",
                               "name": "Blue Bottle Coffee", "followers_count": 267793,
                               "follows_count": 120, "media_count": 1205},
        "id": "17841400008460056"})
    by_key = {p.key: p for b in run("instagram", [lk.Wanted("a", handle="bluebottle")],
                                     credentials={"page_access_token": PAGE_TOKEN},
                                     account_id="17841400008460056") for p in b}
    assert by_key["a"].author.followers_count == 267793
    assert by_key["a"].author.posts_count == 1205
    fields = responses.calls[0].request.params["fields"]
    assert fields.startswith("business_discovery.username(bluebottle){")
