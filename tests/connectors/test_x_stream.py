"""The X API v2 filtered stream: rules (``responses`` at the HTTP boundary) and the stream
itself against a loopback HTTP server speaking chunked transfer as X does (one JSON object a
line, ``\\r\\n`` keep-alives, an error line, a 429 then a reconnect)."""

import datetime as dt
import importlib.util
import json
import pathlib
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from connector_helpers import load_payload, payload_text

from social_crm.connectors import events, x_stream
from social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    TemporaryError,
)

TAG = "social_crm:test:7"
BEARER = "AAAA-bearer-secret"


_PATH = pathlib.Path(__file__).resolve().parents[2] / "social_crm" / "tests" / \
    "http_stream_server.py"
_spec = importlib.util.spec_from_file_location("social_crm_http_stream_server_plain", _PATH)
http_stream_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_stream_server)


@pytest.fixture
def server():
    with http_stream_server.StreamServer() as srv:
        yield srv


def line(name):
    """A payload file as the one line X sends."""
    return json.dumps(load_payload(name), separators=(",", ":"))


def listen(stream, until, timeout=10.0):
    """Run the stream in a thread until ``until(received, errors)``; return both."""
    received, errors, beats, stop = [], [], [], threading.Event()
    thread = threading.Thread(target=stream.run, args=(stop, received.append), kwargs={
        "on_error": errors.append, "on_heartbeat": lambda: beats.append(1)}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not until(received, errors) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    stream.close()
    thread.join(5)
    assert not thread.is_alive(), "the stream did not stop"
    return received, errors, beats


def fast():
    return x_stream.XBackoff(scale=0.001)


# --- backoff ---------------------------------------------------------------------------------
def test_backoff_follows_x_documented_policy():
    backoff = x_stream.XBackoff()
    network = [backoff.next(TemporaryError("lost")) for _ in range(70)]
    assert network[:3] == [0.25, 0.5, 0.75]
    assert network[63] == 16.0 and network[-1] == 16.0, "linear by 250 ms, at most 16 s"
    backoff.reset()
    http = [backoff.next(TemporaryError("503", status=503)) for _ in range(8)]
    assert http == [5, 10, 20, 40, 80, 160, 320, 320]
    backoff.reset()
    limited = [backoff.next(TemporaryError("429", status=429)) for _ in range(6)]
    assert limited == [60, 120, 240, 480, 960, 960]
    backoff.reset()
    assert backoff.next(AuthError("no token")) == 5, "a refused token is an HTTP error"


# --- lines -----------------------------------------------------------------------------------
def test_tweet_line_is_an_event_keyed_by_tweet_id_with_the_author_counts():
    event = x_stream.message_event(line("x/stream_tweet.json"), TAG)
    assert (event.kind, event.key) == ("x_stream", "x:tweet:1990000000000200001")
    again = x_stream.message_event(line("x/stream_tweet.json"), TAG)
    assert again.key == event.key, "a redelivery has the same key"
    (post,) = events.posts_of_event(event.kind, event.payload)
    assert post.external_id == "1990000000000200001"
    assert post.text.startswith("@acme_de Euer Router ist seit Montag kaputt & der")
    assert post.lang == "de"
    assert post.author.handle == "karla_kritik"
    assert post.author.followers_count == 10000
    assert post.author.posts_count == 12000
    assert post.mentioned_handles == ("acme_de",)


def test_line_of_another_sources_rule_is_skipped():
    payload = load_payload("x/stream_tweet.json")
    payload["matching_rules"] = [{"id": "1865000000000000009", "tag": "social_crm:test:8"}]
    assert x_stream.message_event(json.dumps(payload), TAG) is None
    payload["matching_rules"].append({"id": "1865000000000000001", "tag": TAG})
    assert x_stream.message_event(json.dumps(payload), TAG).key == "x:tweet:1990000000000200001"


def test_error_lines():
    with pytest.raises(TemporaryError, match="operational reasons"):
        x_stream.message_event(line("x/stream_disconnect.json"), TAG)
    other = {"errors": [{"title": "Authorization Error", "detail": "Sorry, you are not "
                         "authorized to see the Tweet with id: [1].", "type":
                         "https://api.twitter.com/2/problems/not-authorized-for-resource"}]}
    with pytest.raises(ConnectorError, match="not authorized") as raised:
        x_stream.message_event(json.dumps(other), TAG)
    assert not isinstance(raised.value, TemporaryError)
    # partial errors next to the data: the tweet is kept
    payload = load_payload("x/stream_tweet.json")
    payload["errors"] = other["errors"]
    assert x_stream.message_event(json.dumps(payload), TAG).key == "x:tweet:1990000000000200001"
    for bad in ("not json", "[1, 2]", '{"data": {"text": "no id"}}', "{}"):
        with pytest.raises(MalformedResponseError):
            x_stream.message_event(bad, TAG)


# --- the stream ------------------------------------------------------------------------------
def test_stream_reads_lines_keepalives_and_asks_for_the_author_counts(server):
    server.sessions = [[("keepalive",), ("line", line("x/stream_tweet.json")), ("keepalive",),
                        ("line", line("x/stream_disconnect.json"))]]
    stream = x_stream.XFilteredStream(BEARER, url=server.url, backoff=fast())
    received, errors, beats = listen(stream, lambda r, e: len(r) >= 2)
    assert [json.loads(r).get("data", {}).get("id") for r in received[:1]] == \
        ["1990000000000200001"]
    assert json.loads(received[1])["errors"][0]["disconnect_type"] == "OperationalDisconnect"
    assert beats, "keep-alives are heartbeats"
    _method, path, headers, _body = server.requests[0]
    assert headers["Authorization"] == f"Bearer {BEARER}"
    assert "expansions=author_id" in path
    assert "user.fields=public_metrics" in path
    assert "tweet.fields=created_at" in path
    assert stream.timeout == (10.0, 90.0)


def test_429_then_reconnect_with_x_backoff(server):
    server.sessions = [
        [("status", 429, payload_text("x/stream_too_many_connections.json"))],
        [("status", 503, '{"title": "Service Unavailable"}')],
        [("line", line("x/stream_tweet.json")), ("end",)],
        [("line", line("x/stream_tweet.json")), ("drop",)],
        [("line", line("x/stream_tweet.json"))],
    ]
    delays = []
    backoff = fast()
    original = backoff.next
    backoff.next = lambda error=None: delays.append(original(error)) or delays[-1]
    stream = x_stream.XFilteredStream(BEARER, url=server.url, backoff=backoff)
    received, errors, _beats = listen(stream, lambda r, e: len(r) >= 3)
    assert len(received) == 3
    assert isinstance(errors[0], TemporaryError) and errors[0].status == 429
    assert "maximum allowed connection limit" in str(errors[0])
    assert errors[1].status == 503
    assert [round(d / 0.001, 3) for d in delays[:2]] == [60, 5], \
        "429 from a minute, then an HTTP error from 5 s"
    assert round(delays[2] / 0.001, 3) == 0.25, "X closed the stream: network pace, reset"
    assert stream.connections == 3
    for error in errors:
        assert BEARER not in str(error)


@pytest.mark.parametrize("status, error_type", [(401, AuthError), (403, AuthError),
                                                (400, ConfigurationError)])
def test_refused_connect_is_typed(server, status, error_type):
    server.sessions = [[("status", status, '{"title": "Unauthorized", "detail": "Unauthorized",'
                                           ' "type": "about:blank", "status": 401}')]]
    stream = x_stream.XFilteredStream(BEARER, url=server.url, backoff=fast())
    _received, errors, _beats = listen(stream, lambda r, e: e)
    assert isinstance(errors[0], error_type)
    assert errors[0].status == status


def test_read_timeout_is_a_lost_connection(server):
    server.sessions = [[("sleep", 1.0)], [("line", line("x/stream_tweet.json"))]]
    stream = x_stream.XFilteredStream(BEARER, url=server.url, backoff=fast(), read_timeout=0.3)
    received, errors, _beats = listen(stream, lambda r, e: r)
    assert received
    assert isinstance(errors[0], TemporaryError) and errors[0].status is None
    assert BEARER not in str(errors[0])


def test_missing_token_is_a_configuration_error():
    stream = x_stream.XFilteredStream("", url="http://127.0.0.1:9/never", backoff=fast())
    _received, errors, _beats = listen(stream, lambda r, e: e)
    assert isinstance(errors[0], ConfigurationError)


# --- rules -----------------------------------------------------------------------------------
@responses.activate
def test_rules_sync_adds_and_deletes_only_what_changed():
    responses.get(x_stream.RULES_URL, json=load_payload("x/stream_rules.json"))
    responses.post(x_stream.RULES_URL, json={
        "data": [{"value": "acme lang:de", "tag": TAG, "id": "1865000000000000003"}],
        "meta": {"sent": "2026-12-04T09:00:01.000Z",
                 "summary": {"created": 1, "not_created": 0, "valid": 1, "invalid": 0}}})
    responses.post(x_stream.RULES_URL, json={"meta": {
        "sent": "2026-12-04T09:00:02.000Z", "summary": {"deleted": 1, "not_deleted": 0}}})
    changes = x_stream.sync_rules(BEARER, TAG, "acme lang:de")
    assert changes == {"added": ["acme lang:de"], "deleted": ["1865000000000000001"]}
    _get, add, delete = responses.calls
    assert json.loads(add.request.body) == {"add": [{"value": "acme lang:de", "tag": TAG}]}
    assert "dry_run" not in add.request.url
    assert json.loads(delete.request.body) == {"delete": {"ids": ["1865000000000000001"]}}
    assert add.request.headers["Authorization"] == f"Bearer {BEARER}"


@responses.activate
def test_rules_unchanged_sends_nothing():
    responses.get(x_stream.RULES_URL, json=load_payload("x/stream_rules.json"))
    assert x_stream.sync_rules(BEARER, TAG, "acme OR #acmerouter") == \
        {"added": [], "deleted": []}
    assert len(responses.calls) == 1


@responses.activate
def test_rules_dry_run_reports_xs_words_and_changes_nothing():
    responses.get(x_stream.RULES_URL, json={"meta": {"sent": "2026-12-04T09:00:00.000Z",
                                                     "result_count": 0}})
    responses.post(x_stream.RULES_URL, json=load_payload("x/stream_rules_invalid.json"))
    with pytest.raises(ConfigurationError, match="invalid language code 'xx'"):
        x_stream.sync_rules(BEARER, TAG, "acme lang:xx", dry_run=True)
    assert responses.calls[1].request.url.endswith("?dry_run=true")
    assert len(responses.calls) == 2


@responses.activate
def test_rules_refused_token():
    responses.get(x_stream.RULES_URL, status=401, json={
        "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
    with pytest.raises(AuthError) as raised:
        x_stream.sync_rules(BEARER, TAG, "acme")
    assert BEARER not in str(raised.value)


def test_rule_of_a_source():
    assert x_stream.rule_value("search", " acme OR #acmerouter ") == "acme OR #acmerouter"
    assert x_stream.rule_value("mentions", "@acme_de") == "@acme_de"
    assert x_stream.rule_value("mentions", "acme_de") == "@acme_de"
    with pytest.raises(ConfigurationError):
        x_stream.rule_value("mentions", "")
    with pytest.raises(ConfigurationError):
        x_stream.rule_value("search", " ")
    assert x_stream.rule_tag("db1", 7) != x_stream.rule_tag("db2", 7)


# --- catch-up after a reconnect (recent search through tweepy) -------------------------------
SEARCH = "https://api.twitter.com/2/tweets/search/recent"
NOW = dt.datetime(2026, 12, 4, 10, 0, 0, tzinfo=dt.UTC)


def _query(call):
    return parse_qs(urlsplit(call.request.url).query)


@responses.activate
def test_catch_up_pages_after_the_newest_tweet_with_the_streams_fields():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"))
    responses.get(SEARCH, json=load_payload("x/search_page2.json"))
    events_, complete = x_stream.catch_up(BEARER, "acme OR #acmerouter",
                                          since_id="1789999999999999999", now=NOW)
    assert complete
    assert [e.key for e in events_] == ["x:tweet:1790000000000000003",
                                        "x:tweet:1790000000000000002",
                                        "x:tweet:1790000000000000000"]
    assert x_stream.newest_id(events_) == "1790000000000000003"
    first, second = (_query(c) for c in responses.calls)
    assert first["query"] == ["acme OR #acmerouter"]
    assert first["since_id"] == ["1789999999999999999"]
    assert first["max_results"] == ["100"]
    assert first["expansions"] == [",".join(x_stream.x.EXPANSIONS)]
    assert first["user.fields"] == [",".join(x_stream.x.USER_FIELDS)]
    assert first["tweet.fields"] == [",".join(x_stream.x.TWEET_FIELDS)]
    assert second["next_token"] == ["b26v89c19zqg8o3fpz2lskbkrbv3bptd2vvm8yy1fnjct"]
    # each tweet is a stream line with the includes it refers to: the stream's parser reads it
    reply = events_[0]
    assert reply.kind == "x_stream" and reply.cursor == "1790000000000000003"
    assert sorted(u["id"] for u in reply.payload["includes"]["users"]) == [
        "1111111111", "2244994945"]
    assert [t["id"] for t in reply.payload["includes"]["tweets"]] == ["1790000000000000001"]
    post, = events.posts_of_event("x_stream", reply.payload)
    assert post.author.followers_count is not None
    assert post.in_reply_to_external_id == "1790000000000000001"


@responses.activate
def test_catch_up_stops_at_its_page_cap():
    responses.get(SEARCH, json=load_payload("x/search_page1.json"))
    events_, complete = x_stream.catch_up(BEARER, "acme", since_id="1789999999999999999",
                                          max_pages=1, now=NOW)
    assert len(events_) == 2 and not complete
    assert len(responses.calls) == 1


def test_tweet_time_reads_the_snowflake():
    # X's documented example: tweet 1212092628029698048 was posted 2019-12-31T19:26:16.000Z
    # (X's created_at is to the second, the id to the millisecond)
    assert x_stream.tweet_time("1212092628029698048") == dt.datetime(
        2019, 12, 31, 19, 26, 16, 771000, tzinfo=dt.UTC)
    assert x_stream.tweet_time("12") is None and x_stream.tweet_time("abc") is None


@responses.activate
def test_catch_up_cut_by_its_cap_tells_what_was_left_out():
    """The gap of a catch-up cut by its page cap: how many tweets, since when the outage
    (the newest stored tweet, else the last connection; no earlier than the search window)
    up to the oldest tweet fetched."""
    responses.get(SEARCH, json=load_payload("x/search_page1.json"))
    events_, complete = x_stream.catch_up(BEARER, "acme", since_id="1789999999999999999",
                                          max_pages=1, now=NOW)
    assert not complete
    gap = x_stream.catch_up_gap(events_, "1789999999999999999", None, now=NOW)
    oldest = min(e.cursor for e in events_)
    assert gap.count == 2
    assert gap.until == x_stream.tweet_time(oldest)
    assert gap.since == max(x_stream.tweet_time("1789999999999999999"),
                            NOW - x_stream.SEARCH_WINDOW)
    connected = NOW - dt.timedelta(hours=5)
    assert x_stream.catch_up_gap(events_, None, connected, now=NOW).since == connected


@responses.activate
def test_catch_up_since_id_older_than_the_window_starts_at_the_window():
    responses.get(SEARCH, status=400, json={
        "errors": [{"parameters": {"since_id": ["1700000000000000000"]},
                    "message": "Invalid 'since_id':'1700000000000000000'. 'since_id' must be a "
                               "tweet id created after 2026-11-27T10:00Z."}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was "
        "invalid.", "type": "https://api.twitter.com/2/problems/invalid-request"})
    responses.get(SEARCH, json=load_payload("x/search_page2.json"))
    events_, complete = x_stream.catch_up(BEARER, "acme", since_id="1700000000000000000",
                                          now=NOW)
    assert complete and [e.cursor for e in events_] == ["1790000000000000000"]
    retry = _query(responses.calls[1])
    assert "since_id" not in retry
    assert retry["start_time"] == ["2026-11-27T10:01:00Z"]


@responses.activate
def test_catch_up_without_a_stored_tweet_starts_at_the_last_connection():
    responses.get(SEARCH, json=load_payload("x/empty.json"))
    assert x_stream.catch_up(BEARER, "acme", start_time=NOW - dt.timedelta(hours=2),
                             now=NOW) == ([], True)
    assert _query(responses.calls[0])["start_time"] == ["2026-12-04T08:00:00Z"]
    # older than the search window: from the window's start
    x_stream.catch_up(BEARER, "acme", start_time=NOW - dt.timedelta(days=30), now=NOW)
    assert _query(responses.calls[1])["start_time"] == ["2026-11-27T10:01:00Z"]
    # nothing to catch up: a new source, or connected a moment ago
    assert x_stream.catch_up(BEARER, "acme", now=NOW) == ([], True)
    assert x_stream.catch_up(BEARER, "acme", start_time=NOW - dt.timedelta(seconds=3),
                             now=NOW) == ([], True)
    assert len(responses.calls) == 2


@pytest.mark.parametrize("status,body", [
    (402, {"title": "CreditsDepleted", "detail": "Your enrolled account [1460000000000030099] "
           "does not have any credits to fulfill this request.",
           "type": "https://api.twitter.com/2/problems/credits"}),
    (429, load_payload("x/error_429.json")),
])
@responses.activate
def test_catch_up_refused_is_typed_with_xs_words(status, body):
    responses.get(SEARCH, status=status, json=body)
    with pytest.raises(ConnectorError) as refused:
        x_stream.catch_up(BEARER, "acme", since_id="1789999999999999999", now=NOW)
    assert refused.value.status == status
    assert refused.value.detail == body["detail"]
    assert BEARER not in str(refused.value)


# --- rules of former sources ----------------------------------------------------------------
@responses.activate
def test_prune_deletes_only_this_databases_rules_no_source_keeps():
    responses.get(x_stream.RULES_URL, json={"data": [
        {"id": "1865000000000000001", "value": "acme", "tag": "social_crm:test:7"},
        {"id": "1865000000000000002", "value": "#old", "tag": "social_crm:test:8"},
        {"id": "1865000000000000003", "value": "#old", "tag": "social_crm:other:8"},
        {"id": "1865000000000000004", "value": "from:someone", "tag": "another-app-rule"},
        {"id": "1865000000000000005", "value": "no tag"},
    ], "meta": {"sent": "2026-12-04T09:00:00.000Z", "result_count": 5}})
    responses.post(x_stream.RULES_URL, json={"meta": {
        "sent": "2026-12-04T09:00:01.000Z", "summary": {"deleted": 1, "not_deleted": 0}}})
    assert x_stream.prune_rules(BEARER, "social_crm:test:", {TAG}) == ["1865000000000000002"]
    assert json.loads(responses.calls[1].request.body) == {
        "delete": {"ids": ["1865000000000000002"]}}


@responses.activate
def test_prune_only_given_tags_and_nothing_to_delete_sends_nothing():
    responses.get(x_stream.RULES_URL, json=load_payload("x/stream_rules.json"))
    assert x_stream.prune_rules(BEARER, "social_crm:test:", only={"social_crm:test:70"}) == []
    assert len(responses.calls) == 1


@responses.activate
def test_refused_rule_keeps_xs_words_apart():
    responses.get(x_stream.RULES_URL, json={"meta": {"sent": "2026-12-04T09:00:00.000Z",
                                                     "result_count": 0}})
    responses.post(x_stream.RULES_URL, json=load_payload("x/stream_rules_invalid.json"))
    with pytest.raises(x_stream.RuleRefused) as refused:
        x_stream.sync_rules(BEARER, TAG, "acme lang:xx")
    assert "invalid language code 'xx'" in refused.value.detail
    assert not refused.value.detail.startswith("x:")
