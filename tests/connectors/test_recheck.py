"""Re-check of stored posts at the HTTP boundary, with the documented payloads: current
versions, definitive deletions, and every fault that must delete nothing."""

import pytest
import requests
import responses
from connector_helpers import assert_no_secret, load_payload, timeout_of

from social_crm.connectors import recheck as rc
from social_crm.connectors.base import (
    AuthError,
    MalformedResponseError,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)

BEARER = "AAAAAAAAAAAAAAAAAAAAAsecret-bearer"
MASTO_TOKEN = "masto-secret-token"
X_TWEETS = "https://api.twitter.com/2/tweets"
MASTO = "https://mastodon.example"
GET_POSTS = "https://public.api.bsky.app/xrpc/app.bsky.feed.getPosts"
GET_PROFILES = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles"
ALICE = "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq2abcde2k2a"
BOB = "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2abcde1k2b"
BOB_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
BOB_PDS = "https://morel.us-east.host.bsky.network"
GET_RECORD = f"{BOB_PDS}/xrpc/com.atproto.repo.getRecord"
RECORD_NOT_FOUND = {"status": 400, "json": {
    "error": "RecordNotFound", "message": f"Could not locate record: {BOB}"}}


def bob_pds(**record):
    """Bob's DID document (plc.directory) and his PDS's getRecord answer."""
    responses.get(f"https://plc.directory/{BOB_DID}",
                  json=load_payload("recheck/bluesky_did_plc.json"))
    responses.get(GET_RECORD, **(record or RECORD_NOT_FOUND))


def run(network, ids, authors=None, hints=None, **config):
    config.setdefault("timeout", 7)
    config.setdefault("kind", "search")
    return list(rc.recheck(network, ids, SourceConfig(**config), authors=authors,
                           hints=hints))


def merged(batches):
    posts = {p.external_id: p for b in batches for p in b.posts}
    gone = {i for b in batches for i in b.gone}
    unknown = {i for b in batches for i in b.unknown}
    return posts, gone, unknown


# --- X ---------------------------------------------------------------------------------------
@responses.activate
def test_x_current_versions_deletions_and_no_answers():
    responses.get(X_TWEETS, json=load_payload("recheck/x_tweets.json"))
    responses.get(X_TWEETS, json=load_payload("recheck/x_tweets_latest.json"))
    ids = ["1795000000000000001", "1795000000000000002", "1795000000000000003",
           "1795000000000000004", "1795000000000000005"]
    batches = run("x", ids, credentials={"bearer_token": BEARER})
    posts, gone, unknown = merged(batches)
    assert set(posts) == {"1795000000000000001", "1795000000000000002"}
    # only resource-not-found is a deletion; an Authorization Error (protected account) and
    # an id X says nothing of are no answer
    assert gone == {"1795000000000000003"}
    assert unknown == {"1795000000000000004", "1795000000000000005"}
    assert any("not authorized" in n for n in batches[0].notes)
    # the edited tweet: its latest version was read, with the original's id
    edited = posts["1795000000000000002"]
    assert edited.version_external_id == "1795000000000000009"
    assert "4111" in edited.text and edited.edited_at is not None
    assert posts["1795000000000000001"].edited_at is None
    assert posts["1795000000000000001"].like_count == 7
    first, second = responses.calls[0].request, responses.calls[1].request
    assert first.params["ids"].split(",") == ids
    assert "edit_history_tweet_ids" in first.params["tweet.fields"]
    assert second.params["ids"] == "1795000000000000009"
    assert timeout_of(responses.calls[0]) == 7


@responses.activate
def test_x_suspended_author_is_no_deletion():
    """A suspended account's tweet comes back as an Authorization Error; a not-found entry
    that speaks of a suspension is no deletion either."""
    responses.get(X_TWEETS, json={"errors": [
        {"value": "1000082502030065665", "parameter": "ids", "resource_type": "tweet",
         "section": "data", "title": "Authorization Error",
         "detail": "Sorry, you are not authorized to see the Tweet with ids: "
                   "[1000082502030065665].",
         "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"},
        {"value": "1000082502030065666", "resource_id": "1000082502030065666",
         "parameter": "ids", "resource_type": "tweet", "title": "Forbidden",
         "detail": "User has been suspended: [1000082502030065666].",
         "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
    batches = run("x", ["1000082502030065665", "1000082502030065666"],
                  credentials={"bearer_token": BEARER})
    _posts, gone, unknown = merged(batches)
    assert not gone and unknown == {"1000082502030065665", "1000082502030065666"}
    # the one X says is suspended says so to the user; the other says nothing of why
    assert batches[0].states == {"1000082502030065666": rc.SUSPENDED}


@responses.activate
def test_x_batches_of_100():
    responses.get(X_TWEETS, json={"errors": []})
    ids = [str(1795000000000000000 + i) for i in range(150)]
    batches = run("x", ids, credentials={"bearer_token": BEARER})
    assert len(responses.calls) == 2
    assert [len(b.unknown) for b in batches] == [100, 50]
    assert not any(b.gone for b in batches)


@pytest.mark.parametrize("status, error", [(401, AuthError), (403, AuthError),
                                           (429, RateLimitError), (503, TemporaryError)])
@responses.activate
def test_x_faults_delete_nothing(status, error):
    responses.get(X_TWEETS, status=status, json={"title": "Problem", "detail": "no",
                                                 "type": "about:blank", "status": status})
    with pytest.raises(error) as info:
        run("x", ["1795000000000000003"], credentials={"bearer_token": BEARER})
    assert_no_secret(info.value, BEARER)


@pytest.mark.parametrize("body", [b"<html>oops</html>", b"[]", b'{"meta": {}}'])
@responses.activate
def test_x_malformed_answers_delete_nothing(body):
    responses.get(X_TWEETS, body=body, content_type="application/json")
    with pytest.raises(MalformedResponseError):
        run("x", ["1795000000000000003"], credentials={"bearer_token": BEARER})


@responses.activate
def test_x_timeout_deletes_nothing():
    responses.get(X_TWEETS, body=requests.Timeout("slow"))
    with pytest.raises(TemporaryError):
        run("x", ["1795000000000000003"], credentials={"bearer_token": BEARER})


# --- Mastodon --------------------------------------------------------------------------------
@responses.activate
def test_mastodon_list_then_single_for_the_missing():
    responses.get(f"{MASTO}/api/v1/statuses", json=load_payload("recheck/mastodon_statuses.json"))
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000778", status=404,
                  json={"error": "Record not found"})
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000779",
                  json=load_payload("mastodon/status.json") | {"id": "113500000000000779"})
    batches = run("mastodon", ["113500000000000777", "113500000000000778",
                               "113500000000000779"],
                  base_url=MASTO, credentials={"access_token": MASTO_TOKEN})
    posts, gone, unknown = merged(batches)
    assert set(posts) == {"113500000000000777", "113500000000000779"}
    assert gone == {"113500000000000778"} and not unknown
    edited = posts["113500000000000777"]
    assert edited.edited_at is not None and "4111" in edited.text
    listing = responses.calls[0].request
    assert listing.url.count("id%5B%5D=") == 3
    assert listing.headers["Authorization"] == f"Bearer {MASTO_TOKEN}"
    assert timeout_of(responses.calls[0]) == 7


@responses.activate
def test_mastodon_404_to_the_company_but_shown_to_everybody_is_not_gone():
    """A customer who blocks the company's account: its statuses are 404 with the token, and
    still there for everybody else: no deletion."""
    single = f"{MASTO}/api/v1/statuses/113500000000000777"
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(single, status=404, json={"error": "Record not found"})
    responses.get(single, json=load_payload("recheck/mastodon_statuses.json")[0])
    batches = run("mastodon", ["113500000000000777"], base_url=MASTO,
                  credentials={"access_token": MASTO_TOKEN})
    posts, gone, unknown = merged(batches)
    assert not posts and not gone and unknown == {"113500000000000777"}
    assert "blocked" in batches[0].notes[0]
    assert batches[0].states == {"113500000000000777": rc.BLOCKED}
    assert "Authorization" in responses.calls[1].request.headers
    assert "Authorization" not in responses.calls[2].request.headers


@responses.activate
def test_mastodon_404_and_no_anonymous_access_is_gone():
    single = f"{MASTO}/api/v1/statuses/113500000000000777"
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(single, status=404, json={"error": "Record not found"})
    responses.get(single, status=401, json={"error": "This API requires an authenticated user"})
    batches = run("mastodon", ["113500000000000777"], base_url=MASTO,
                  credentials={"access_token": MASTO_TOKEN})
    assert merged(batches)[1] == {"113500000000000777"}


@responses.activate
def test_mastodon_suspended_author_is_no_deletion():
    """The instance hides a suspended account's statuses (404 with and without token) and
    shows them again when the suspension is lifted: no answer, not gone. One lookup per
    author; an author the instance no longer knows, whose own instance says his status is
    gone too (404), took his statuses with him: gone."""
    ids = ["113500000000000777", "113500000000000778", "113500000000000779"]
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    for status_id in ids:
        responses.get(f"{MASTO}/api/v1/statuses/{status_id}", status=404,
                      json={"error": "Record not found"})
    account = load_payload("recheck/mastodon_statuses.json")[0]["account"]
    lookup = f"{MASTO}/api/v1/accounts/lookup"
    acct = responses.matchers.query_param_matcher
    responses.get(lookup, json=dict(account, suspended=True),
                  match=[acct({"acct": "troll@mastodon.example"})])
    responses.get(lookup, status=404, json={"error": "Record not found"},
                  match=[acct({"acct": "gone@other.example"})])
    responses.get("https://other.example/api/v1/statuses/110000000000000042", status=404,
                  json={"error": "Record not found"})
    batches = run("mastodon", ids, base_url=MASTO,
                  authors={ids[0]: "troll@mastodon.example", ids[1]: "troll@mastodon.example",
                           ids[2]: "gone@other.example"},
                  hints={ids[2]: {"url": "https://other.example/@gone/110000000000000042"}})
    _posts, gone, unknown = merged(batches)
    assert unknown == {ids[0], ids[1]} and gone == {ids[2]}
    assert any("suspended" in n for n in batches[0].notes)
    assert batches[0].states == {ids[0]: rc.SUSPENDED, ids[1]: rc.SUSPENDED}
    assert sum("/accounts/lookup" in c.request.url for c in responses.calls) == 2


@pytest.mark.parametrize("flags, gone, state", [
    # followers-only status of an author who blocked us
    ({"blocked_by": True}, False, "blocked"),
    # the company's account blocks the author's domain
    ({"domain_blocking": True}, False, "domain_blocked"),
    ({}, True, None),  # neither: deleted
])
@responses.activate
def test_mastodon_404_of_an_author_who_blocked_the_company(flags, gone, state):
    """404 with the token and without ("does not exist or is private"), the author exists
    and is not suspended: the relationship decides whether the status may only be hidden."""
    single = f"{MASTO}/api/v1/statuses/113500000000000777"
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(single, status=404, json={"error": "Record not found"})
    account = load_payload("recheck/mastodon_statuses.json")[0]["account"]
    responses.get(f"{MASTO}/api/v1/accounts/lookup", json=account)
    relation = {"id": account["id"], "blocked_by": False, "domain_blocking": False, **flags}
    responses.get(f"{MASTO}/api/v1/accounts/relationships", json=[relation])
    batches = run("mastodon", ["113500000000000777"], base_url=MASTO,
                  credentials={"access_token": MASTO_TOKEN},
                  authors={"113500000000000777": "kim@mastodon.example"})
    _posts, deleted, unknown = merged(batches)
    assert (deleted, unknown) == (({"113500000000000777"}, set()) if gone
                                  else (set(), {"113500000000000777"}))
    assert batches[0].states == ({"113500000000000777": state} if state else {})
    relations = responses.calls[-1].request
    assert relations.headers["Authorization"] == f"Bearer {MASTO_TOKEN}"


@pytest.mark.parametrize("status, error", [(429, RateLimitError), (503, TemporaryError)])
@responses.activate
def test_mastodon_account_lookup_faults_delete_nothing(status, error):
    single = f"{MASTO}/api/v1/statuses/113500000000000777"
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(single, status=404, json={"error": "Record not found"})
    responses.get(f"{MASTO}/api/v1/accounts/lookup", status=status, json={"error": "no"})
    with pytest.raises(error):
        run("mastodon", ["113500000000000777"], base_url=MASTO,
            authors={"113500000000000777": "troll@mastodon.example"})


@responses.activate
def test_mastodon_before_4_3_asks_one_by_one():
    responses.get(f"{MASTO}/api/v1/statuses", status=404, json={"error": "Not Found"})
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000777",
                  json=load_payload("recheck/mastodon_statuses.json")[0])
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000778", status=410,
                  json={"error": "Gone"})
    ids = ["113500000000000777", "113500000000000778"] + [
        str(113500000000001000 + i) for i in range(20)]
    for status_id in ids[2:]:
        responses.get(f"{MASTO}/api/v1/statuses/{status_id}", status=404,
                      json={"error": "Record not found"})
    batches = run("mastodon", ids, base_url=MASTO, credentials={"access_token": MASTO_TOKEN})
    posts, gone, _unknown = merged(batches)
    assert set(posts) == {"113500000000000777"}
    assert gone == set(ids[1:])
    # the list was asked once; the second batch went one by one at once
    assert [c.request.url.endswith("/api/v1/statuses") or "id%5B%5D" in c.request.url
            for c in responses.calls].count(True) == 1


@pytest.mark.parametrize("status, error", [(401, AuthError), (403, AuthError),
                                           (429, RateLimitError), (500, TemporaryError),
                                           (502, TemporaryError)])
@responses.activate
def test_mastodon_faults_of_the_single_status_delete_nothing(status, error):
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000778", status=status,
                  json={"error": "nope"})
    with pytest.raises(error) as info:
        run("mastodon", ["113500000000000778"], base_url=MASTO,
            credentials={"access_token": MASTO_TOKEN})
    assert_no_secret(info.value, MASTO_TOKEN)


@pytest.mark.parametrize("body", [b"not json", b'{"statuses": []}'])
@responses.activate
def test_mastodon_malformed_list_deletes_nothing(body):
    responses.get(f"{MASTO}/api/v1/statuses", body=body, content_type="application/json")
    with pytest.raises(MalformedResponseError):
        run("mastodon", ["113500000000000778"], base_url=MASTO)


# --- Bluesky ---------------------------------------------------------------------------------
@responses.activate
def test_bluesky_absent_is_gone_and_the_cid_is_the_version():
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    responses.get(GET_PROFILES, json=load_payload("recheck/bluesky_get_profiles.json"))
    bob_pds()  # his PDS has no such record either
    batches = run("bluesky", [ALICE, BOB])
    posts, gone, unknown = merged(batches)
    assert set(posts) == {ALICE} and gone == {BOB} and not unknown
    # only the absent post's author was asked for
    assert responses.calls[1].request.url.endswith("actors=did%3Aplc%3Az72i7hdynmk6r22z27h6tvur")
    assert batches[0].versions[ALICE] == "bafyreinewversionnewversionnewversion2k2a"
    assert posts[ALICE].edited_at is None and "4111" in posts[ALICE].text
    assert responses.calls[0].request.url.count("uris=") == 2
    stored = load_payload("bluesky/search_page1.json")["posts"][0]
    assert rc.version_of("bluesky", stored) == "bafyreib2rxk3rh6kzwq3kq2abcde2k2a"
    assert rc.version_of("bluesky", {"commit": {"cid": "bafyjet"}}) == "bafyjet"
    assert rc.version_of("mastodon", stored) is None


@responses.activate
def test_bluesky_deactivated_author_is_no_deletion():
    """An AppView strips a deactivated or taken-down account from every answer, its profile
    too: its posts are no answer (the account may come back), never deleted."""
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    responses.get(GET_PROFILES, json={"profiles": []})
    batches = run("bluesky", [ALICE, BOB])
    posts, gone, unknown = merged(batches)
    assert set(posts) == {ALICE} and not gone and unknown == {BOB}
    assert any("deactivated or taken down" in n for n in batches[0].notes)
    assert batches[0].states == {BOB: rc.SUSPENDED}


@pytest.mark.parametrize("answer", [{"status": 502, "json": {"error": "BadGateway"}},
                                    {"json": {"actors": []}}, {"body": requests.ReadTimeout()}])
@responses.activate
def test_bluesky_profile_faults_delete_nothing(answer):
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES, **answer)
    with pytest.raises((TemporaryError, MalformedResponseError)):
        run("bluesky", [ALICE, BOB])


@responses.activate
def test_bluesky_asks_without_the_token():
    """An AppView leaves out the posts of authors who block the viewer: asked as nobody, a
    block never reads as a deletion."""
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    run("bluesky", [ALICE], credentials={"access_token": "eyJ-secret-jwt"})
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_bluesky_batches_of_25():
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES,
                  json={"profiles": [{"did": "did:plc:abc", "handle": "a.bsky.social"}]})
    document = load_payload("recheck/bluesky_did_plc.json") | {"id": "did:plc:abc"}
    responses.get("https://plc.directory/did:plc:abc", json=document)
    responses.get(GET_RECORD, **RECORD_NOT_FOUND)
    uris = [f"at://did:plc:abc/app.bsky.feed.post/3k{i:03d}" for i in range(30)]
    batches = run("bluesky", uris)
    assert [len(b.gone) for b in batches] == [25, 5]


@pytest.mark.parametrize("body", [b'{"feed": []}', b'{"posts": {}}', b"<html>", b"[]"])
@responses.activate
def test_bluesky_malformed_answers_delete_nothing(body):
    responses.get(GET_POSTS, body=body, content_type="application/json")
    with pytest.raises(MalformedResponseError):
        run("bluesky", [ALICE])


@pytest.mark.parametrize("status, error", [(401, AuthError), (429, RateLimitError),
                                           (500, TemporaryError)])
@responses.activate
def test_bluesky_faults_delete_nothing(status, error):
    responses.get(GET_POSTS, status=status, json={"error": "X", "message": "no"})
    with pytest.raises(error):
        run("bluesky", [ALICE])


@responses.activate
def test_bluesky_timeout_deletes_nothing():
    responses.get(GET_POSTS, body=requests.ConnectTimeout("slow"))
    with pytest.raises(TemporaryError):
        run("bluesky", [ALICE])


# --- Mastodon: defederation ------------------------------------------------------------------
REMOTE = "https://remote.example"
HOME_ID = "113500000000000900"  # the status's id on the source's instance
REMOTE_ID = "110200000000000042"  # its id on the author's own instance
LENA = "lena@remote.example"


def remote_status(status_id=REMOTE_ID):
    """The status as the author's own instance answers it (its author is local there)."""
    status = load_payload("recheck/mastodon_statuses.json")[0]
    account = dict(status["account"], id="1", username="lena", acct="lena",
                   url=f"{REMOTE}/@lena")
    return dict(status, id=status_id, uri=f"{REMOTE}/users/lena/statuses/{status_id}",
                url=f"{REMOTE}/@lena/{status_id}", account=account)


def defederated(*ids):
    """The source's instance suspended remote.example: its statuses and accounts are 404."""
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    for status_id in ids:
        responses.get(f"{MASTO}/api/v1/statuses/{status_id}", status=404,
                      json={"error": "Record not found"})
    responses.get(f"{MASTO}/api/v1/accounts/lookup", status=404,
                  json={"error": "Record not found"})


def run_remote(ids, urls, **hint):
    return run("mastodon", ids, base_url=MASTO, credentials={"access_token": MASTO_TOKEN},
               authors=dict.fromkeys(ids, LENA),
               hints={i: {"url": u, **hint} for i, u in zip(ids, urls, strict=True)})


@pytest.mark.parametrize("url", [f"{REMOTE}/@lena/{REMOTE_ID}",
                                 f"{REMOTE}/users/lena/statuses/{REMOTE_ID}",
                                 f"{REMOTE}/@lena/statuses/{REMOTE_ID}"])
@responses.activate
def test_mastodon_defederated_instance_status_still_there_is_hidden_not_gone(url):
    """The company's instance suspends (or limits) remote.example: the status and its author
    are 404 there, with the token and without. The author's own instance, asked anonymously
    for the id of the stored url, still shows it: not deleted, hidden."""
    defederated(HOME_ID)
    responses.get(f"{REMOTE}/api/v1/statuses/{REMOTE_ID}", json=remote_status())
    batches = run_remote([HOME_ID], [url])
    posts, gone, unknown = merged(batches)
    assert not posts and not gone and unknown == {HOME_ID}
    assert batches[0].states == {HOME_ID: rc.HIDDEN}
    assert any("still exists on remote.example" in n for n in batches[0].notes)
    asked = responses.calls[-1]
    assert asked.request.url == f"{REMOTE}/api/v1/statuses/{REMOTE_ID}"
    assert "Authorization" not in asked.request.headers  # the token stays on its instance
    assert timeout_of(asked) == 7


@pytest.mark.parametrize("status", [404, 410])
@responses.activate
def test_mastodon_defederated_status_gone_on_its_own_instance_too_is_gone(status):
    defederated(HOME_ID)
    responses.get(f"{REMOTE}/api/v1/statuses/{REMOTE_ID}", status=status,
                  json={"error": "Record not found"})
    batches = run_remote([HOME_ID], [f"{REMOTE}/@lena/{REMOTE_ID}"])
    assert merged(batches)[1] == {HOME_ID} and not batches[0].states


@pytest.mark.parametrize("answer", [
    {"status": 500, "json": {"error": "Internal"}},
    {"status": 502, "body": "<html>Bad Gateway</html>"},
    {"status": 503, "json": {"error": "Maintenance"}},
    {"status": 401, "json": {"error": "Request not signed"}},  # authorized fetch
    {"status": 403, "json": {"error": "This action is not allowed"}},
    {"status": 429, "json": {"error": "Too many requests"}},
    {"body": requests.ConnectTimeout("slow")},
    {"body": requests.ConnectionError("Name or service not known")},
    {"body": "<html>a parked domain</html>", "content_type": "text/html"},
    {"status": 404, "body": "<html>404 Not Found</html>", "content_type": "text/html"},
    {"json": remote_status("110200000000000043")},  # another status
])
@responses.activate
def test_mastodon_author_instance_down_is_unknown_never_gone(answer):
    """The author's instance down, failing, rate limiting, answering only signed requests or
    something else than the status: the post stays, "unknown", asked again later; the
    other statuses of the batch are answered as usual (its fault is that post's alone)."""
    defederated(HOME_ID)
    responses.get(f"{MASTO}/api/v1/statuses/113500000000000777",
                  json=load_payload("recheck/mastodon_statuses.json")[0])
    responses.get(f"{REMOTE}/api/v1/statuses/{REMOTE_ID}", **answer)
    batches = run("mastodon", [HOME_ID, "113500000000000777"], base_url=MASTO,
                  credentials={"access_token": MASTO_TOKEN}, authors={HOME_ID: LENA},
                  hints={HOME_ID: {"url": f"{REMOTE}/@lena/{REMOTE_ID}"}})
    posts, gone, unknown = merged(batches)
    assert not gone and unknown == {HOME_ID} and set(posts) == {"113500000000000777"}
    assert batches[0].states == {HOME_ID: rc.UNREACHABLE}
    assert any("did not answer" in n or "another status" in n for n in batches[0].notes)


@pytest.mark.parametrize("url, visibility", [
    (f"{REMOTE}/@lena/{REMOTE_ID}", "private"),  # followers only: 404 to anonymous readers
    (f"{REMOTE}/@lena/{REMOTE_ID}", "direct"),
    ("http://remote.example/@lena/110200000000000042", "public"),  # no https
    ("https://127.0.0.1/@lena/110200000000000042", "public"),  # no public host
    ("https://10.1.2.3/@lena/110200000000000042", "public"),
    ("https://localhost/@lena/110200000000000042", "public"),
    (f"{REMOTE}/notes/9kq2abcde", "public"),  # Misskey: no Mastodon API to ask
])
@responses.activate
def test_mastodon_status_its_own_instance_cannot_be_asked_for_is_unknown(url, visibility):
    defederated(HOME_ID)
    batches = run_remote([HOME_ID], [url], visibility=visibility)
    _posts, gone, unknown = merged(batches)
    assert not gone and unknown == {HOME_ID}
    assert batches[0].states == {HOME_ID: rc.UNREACHABLE}
    assert not any(MASTO not in c.request.url for c in responses.calls)  # nothing else asked


@responses.activate
def test_mastodon_direct_checks_are_capped_per_run():
    """Only the 404s are asked at their source, at most DIRECT_CHECKS per run: the rest
    waits for the next re-check (unknown, never gone)."""
    ids = [str(113500000000001000 + i) for i in range(rc.DIRECT_CHECKS + 5)]
    defederated(*ids)
    remote_ids = [str(110200000000001000 + i) for i in range(len(ids))]
    for remote_id in remote_ids:
        responses.get(f"{REMOTE}/api/v1/statuses/{remote_id}", status=404,
                      json={"error": "Record not found"})
    batches = run_remote(ids, [f"{REMOTE}/@lena/{r}" for r in remote_ids])
    _posts, gone, unknown = merged(batches)
    assert len(gone) == rc.DIRECT_CHECKS and len(unknown) == 5
    assert not any(b.states for b in batches)  # not asked: they keep the state they had
    assert sum(c.request.url.startswith(REMOTE) for c in responses.calls) == rc.DIRECT_CHECKS
    assert any("next re-check" in n for b in batches for n in b.notes)
    # the list asked per batch of 20, as before
    assert sum(c.request.url.startswith(f"{MASTO}/api/v1/statuses?") for c in
               responses.calls) == -(-len(ids) // 20)


@responses.activate
def test_mastodon_local_status_404_is_still_gone_without_asking_elsewhere():
    """A status of the source's own instance: its 404 is the definitive answer."""
    single = f"{MASTO}/api/v1/statuses/113500000000000777"
    responses.get(f"{MASTO}/api/v1/statuses", json=[])
    responses.get(single, status=404, json={"error": "Record not found"})
    responses.get(f"{MASTO}/api/v1/accounts/lookup", status=404,
                  json={"error": "Record not found"})
    batches = run("mastodon", ["113500000000000777"], base_url=MASTO,
                  authors={"113500000000000777": "kim@mastodon.example"},
                  hints={"113500000000000777": {
                      "url": f"{MASTO}/@kim/113500000000000777"}})
    assert merged(batches)[1] == {"113500000000000777"}
    assert all(c.request.url.startswith(MASTO) for c in responses.calls)


# --- Bluesky: taken down or hidden by moderation -----------------------------------------------
@responses.activate
def test_bluesky_post_hidden_by_moderation_is_kept():
    """The AppView leaves out a post its moderation took down, its author still served: the
    author's PDS, asked anonymously, still has the record: not deleted, "moderated"."""
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    responses.get(GET_PROFILES, json=load_payload("recheck/bluesky_get_profiles.json"))
    bob_pds(json=load_payload("recheck/bluesky_get_record.json"))
    batches = run("bluesky", [ALICE, BOB], credentials={"access_token": "eyJ-secret-jwt"})
    posts, gone, unknown = merged(batches)
    assert set(posts) == {ALICE} and not gone and unknown == {BOB}
    assert batches[0].states == {BOB: rc.MODERATED}
    assert any("moderation" in n for n in batches[0].notes)
    plc, record = responses.calls[2].request, responses.calls[3].request
    assert plc.url == f"https://plc.directory/{BOB_DID}"
    assert record.params == {"repo": BOB_DID, "collection": "app.bsky.feed.post",
                             "rkey": "3kq2abcde1k2b"}
    assert "Authorization" not in record.headers
    assert timeout_of(responses.calls[3]) == 7


@pytest.mark.parametrize("answer", [
    {"status": 500, "json": {"error": "InternalServerError", "message": "Internal"}},
    {"status": 502, "body": "<html>Bad Gateway</html>"},
    {"status": 429, "json": {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}},
    {"status": 400, "json": {"error": "RepoTakendown", "message": "Repo has been takendown"}},
    {"status": 400, "json": {"error": "RepoDeactivated", "message": "Repo is deactivated"}},
    {"body": requests.ConnectTimeout("slow")},
    {"body": requests.ConnectionError("Name or service not known")},
    {"json": {"uri": ALICE, "cid": "bafy", "value": {"text": "another record"}}},
])
@responses.activate
def test_bluesky_pds_faults_are_unknown_never_gone(answer):
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    responses.get(GET_PROFILES, json=load_payload("recheck/bluesky_get_profiles.json"))
    bob_pds(**answer)
    batches = run("bluesky", [ALICE, BOB])
    posts, gone, unknown = merged(batches)
    assert set(posts) == {ALICE} and not gone and unknown == {BOB}
    assert batches[0].states == {BOB: rc.UNREACHABLE}


@pytest.mark.parametrize("document", [
    {"status": 404, "json": {"message": "DID not registered: did:plc:z72i7hdynmk6r22z27h6tvur"}},
    {"status": 503, "body": "busy"},
    {"json": {"id": BOB_DID, "service": []}},  # no PDS named
    {"json": {"id": BOB_DID, "service": [{  # a PDS on the loopback
        "id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
        "serviceEndpoint": "https://127.0.0.1:2583"}]}},
    {"json": {"id": "did:plc:someoneelse", "service": []}},
])
@responses.activate
def test_bluesky_unresolvable_pds_is_unknown_and_not_asked(document):
    responses.get(GET_POSTS, json=load_payload("recheck/bluesky_get_posts.json"))
    responses.get(GET_PROFILES, json=load_payload("recheck/bluesky_get_profiles.json"))
    responses.get(f"https://plc.directory/{BOB_DID}", **document)
    batches = run("bluesky", [ALICE, BOB])
    _posts, gone, unknown = merged(batches)
    assert not gone and unknown == {BOB} and batches[0].states == {BOB: rc.UNREACHABLE}
    assert not any("getRecord" in c.request.url for c in responses.calls)


@responses.activate
def test_bluesky_did_web_author_is_asked_on_his_own_host():
    uri = "at://did:web:blog.example.com/app.bsky.feed.post/3kq2abcde9k2z"
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES, json={"profiles": [
        {"did": "did:web:blog.example.com", "handle": "blog.example.com"}]})
    responses.get("https://blog.example.com/.well-known/did.json", json={
        "@context": ["https://www.w3.org/ns/did/v1"], "id": "did:web:blog.example.com",
        "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                     "serviceEndpoint": "https://pds.example.com"}]})
    responses.get("https://pds.example.com/xrpc/com.atproto.repo.getRecord", status=400,
                  json={"error": "RecordNotFound", "message": f"Could not locate record: {uri}"})
    assert merged(run("bluesky", [uri]))[1] == {uri}


@responses.activate
def test_bluesky_failing_pds_is_asked_once_per_run():
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES, json={"profiles": [{"did": BOB_DID, "handle": "b.bsky.social"}]})
    bob_pds(status=503, json={"error": "Unavailable"})
    uris = [f"at://{BOB_DID}/app.bsky.feed.post/3k{i:03d}" for i in range(rc.DIRECT_CHECKS + 5)]
    batches = run("bluesky", uris)
    _posts, gone, unknown = merged(batches)
    assert not gone and unknown == set(uris)
    # a failing PDS is asked once in the run, its DID document read once
    assert sum("getRecord" in c.request.url for c in responses.calls) == 1
    assert sum("plc.directory" in c.request.url for c in responses.calls) == 1
    states = {u: s for b in batches for u, s in b.states.items()}
    assert set(states.values()) == {rc.UNREACHABLE} and len(states) == len(uris)


@responses.activate
def test_bluesky_direct_checks_are_capped_per_run():
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES, json={"profiles": [{"did": BOB_DID, "handle": "b.bsky.social"}]})
    bob_pds()
    uris = [f"at://{BOB_DID}/app.bsky.feed.post/3k{i:03d}" for i in range(rc.DIRECT_CHECKS + 5)]
    batches = run("bluesky", uris)
    _posts, gone, unknown = merged(batches)
    assert len(gone) == rc.DIRECT_CHECKS and len(unknown) == 5
    assert sum("getRecord" in c.request.url for c in responses.calls) == rc.DIRECT_CHECKS
    assert not any(b.states for b in batches)  # not asked: they keep the state they had
    assert any("next re-check" in n for b in batches for n in b.notes)


@responses.activate
def test_mastodon_author_instance_that_failed_is_asked_once_per_run():
    """A dead instance costs one timeout per run, not one per status."""
    ids = ["113500000000000901", "113500000000000902", "113500000000000903"]
    defederated(*ids)
    responses.get(f"{REMOTE}/api/v1/statuses/110200000000000001",
                  body=requests.ConnectTimeout("slow"))
    batches = run_remote(ids, [f"{REMOTE}/@lena/11020000000000000{i}" for i in (1, 2, 3)])
    _posts, gone, unknown = merged(batches)
    assert not gone and unknown == set(ids)
    assert set(batches[0].states.values()) == {rc.UNREACHABLE}
    assert sum(c.request.url.startswith(REMOTE) for c in responses.calls) == 1


@pytest.mark.parametrize(("repo_status", "gone", "why", "state"), [
    ({"did": BOB_DID, "active": True, "rev": "3lbkkzzhr5q2k"}, True, "author", None),
    ({"did": BOB_DID, "active": False, "status": "takendown"}, True, "taken_down", None),
    ({"did": BOB_DID, "active": False, "status": "suspended"}, False, None, rc.SUSPENDED),
    ({"did": BOB_DID, "active": False, "status": "deactivated"}, False, None, rc.SUSPENDED),
    ({"did": BOB_DID, "active": False}, True, None, None),  # the host makes no claim
    ({"did": "did:plc:someoneelse", "active": False, "status": "takendown"}, True, None, None),
])
@responses.activate
def test_bluesky_record_not_found_asks_the_pds_how_it_hosts_the_account(
        repo_status, gone, why, state):
    """``RecordNotFound`` from a PDS that took the account down reads as a deletion; its
    ``com.atproto.sync.getRepoStatus`` (once per author and run) tells which."""
    responses.get(GET_POSTS, json={"posts": []})
    responses.get(GET_PROFILES, json={"profiles": [{"did": BOB_DID, "handle": "b.bsky.social"}]})
    bob_pds()
    responses.get(f"{BOB_PDS}/xrpc/com.atproto.sync.getRepoStatus", json=repo_status)
    other = f"at://{BOB_DID}/app.bsky.feed.post/3kq2abcde9k2z"
    batches = run("bluesky", [BOB, other])
    _posts, gone_ids, unknown = merged(batches)
    assert (gone_ids == {BOB, other}) is gone and (unknown == {BOB, other}) is (not gone)
    whys = {u: w for b in batches for u, w in b.why.items()}
    assert whys.get(BOB) == why
    assert {u: s for b in batches for u, s in b.states.items()}.get(BOB) == state
    assert sum("getRepoStatus" in c.request.url for c in responses.calls) == 1
