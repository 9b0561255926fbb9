import dataclasses
import datetime as dt
import json
import pathlib
import urllib.parse

import pytest
import requests
import responses

import social_crm.connectors as connectors
from social_crm.connectors import get_connector, http, replay
from social_crm.connectors.base import (
    REGISTRY,
    AuthError,
    Author,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    Post,
    RateLimitError,
    SourceConfig,
    TemporaryError,
)
from social_crm.connectors.util import html_to_text, parse_datetime, safe_url, scrub

T0 = dt.datetime(2024, 5, 13, 10, tzinfo=dt.UTC)


def make_posts(n):
    author = Author(network="x", external_id="42", handle="jane", display_name="Jane 🌻",
                    followers_count=10, verified=True)
    return [Post(network="x", external_id=str(i), text=f"post {i} ✨", posted_at=T0 +
                 dt.timedelta(minutes=i), author=author if i % 2 else None,
                 mentioned_handles=("acme",), raw={"id": str(i), "when": T0})
            for i in range(n)]


def test_round_trip(tmp_path):
    posts = make_posts(3)
    path = tmp_path / "traffic.jsonl"
    assert replay.dump_jsonl(posts, path) == 3
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[1])
    assert line["posted_at"] == "2024-05-13T10:01:00+00:00"
    assert line["author"]["handle"] == "jane" and line["mentioned_handles"] == ["acme"]
    assert set(line) == {f.name for f in dataclasses.fields(Post)}
    loaded = replay.load_jsonl(path)
    assert [dataclasses.replace(p, raw={}) for p in loaded] == [
        dataclasses.replace(p, raw={}) for p in posts]
    assert loaded[0].raw == {"id": "0", "when": "2024-05-13 10:00:00+00:00"}


def test_replay_pages_and_line_cursor(tmp_path):
    path = tmp_path / "traffic.jsonl"
    replay.dump_jsonl(make_posts(5), path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n")  # a blank line is counted, not parsed
    config = SourceConfig(kind="replay", query=str(path), page_size=2, max_pages=2)
    pages = list(get_connector("replay", config).fetch(None))
    assert [len(p.posts) for p in pages] == [2, 2]
    assert [p.cursor for p in pages] == ["2", "4"] and pages[-1].is_last
    pages = list(get_connector("replay", config).fetch("4"))
    assert [len(p.posts) for p in pages] == [1] and pages[0].cursor == "6"
    pages = list(get_connector("replay", config).fetch("6"))
    assert pages[0].posts == [] and pages[0].cursor == "6" and pages[0].is_last


def test_replay_errors(tmp_path):
    with pytest.raises(ConfigurationError):
        list(get_connector("replay", SourceConfig(kind="replay", query=str(tmp_path / "no")))
             .fetch(None))
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"network": "x"}\n'
        '{"network": "x", "external_id": "1", "text": "", "posted_at": "x"}\n'
        'not json\n'
        '{"network": "x", "external_id": null, "text": "", "posted_at": "2024-05-01T00:00:00Z"}\n'
        '{"network": "x", "external_id": "2", "text": "ok", "posted_at": "2024-05-01T00:00:00Z"}\n',
        encoding="utf-8")
    (page,) = get_connector("replay", SourceConfig(kind="replay", query=str(path))).fetch(None)
    assert [p.external_id for p in page.posts] == ["2"] and page.cursor == "5"
    reasons = [r.reason for r in page.rejected]
    assert "line 1" in reasons[0] and "external_id" in reasons[0]
    assert "line 2" in reasons[1] and "posted_at" in reasons[1]
    assert "line 3 is not JSON" in reasons[2]
    assert "line 4" in reasons[3] and "no id" in reasons[3]
    assert page.rejected[2].raw == {"line": "not json\n"}


def test_registry_and_dispatch():
    assert set(REGISTRY) == {"x", "mastodon", "bluesky", "facebook", "rss", "replay"}
    with pytest.raises(ConfigurationError):
        get_connector("myspace", SourceConfig(kind="search"))
    with pytest.raises(ConfigurationError):
        get_connector("bluesky", SourceConfig(kind="mentions", query="a"))
    assert connectors.can_reply("x") and connectors.can_reply("bluesky")
    assert not connectors.can_reply("rss")
    assert connectors.can_hide("facebook") and not connectors.can_hide("mastodon")
    with pytest.raises(ConfigurationError):
        connectors.reply("rss", {}, "1", "hi")
    with pytest.raises(ConfigurationError):
        connectors.reply("x", {}, "1", "   ")
    assert "secret" not in repr(SourceConfig(kind="search", credentials={"t": "secret"}))


# --- shared helpers --------------------------------------------------------------------------
def test_scrub_and_safe_url():
    text = ("GET https://graph.facebook.com/v23.0/1?access_token=EAAB123&fields=id "
            "Authorization: Bearer abc.def-ghi {'Authorization': 'OAuth oauth_token=\"x\"'}")
    clean = scrub(text, ["EAAB123"])
    assert "EAAB123" not in clean and "abc.def-ghi" not in clean
    assert safe_url("https://h/p?access_token=tok&x=1&appsecret_proof=p") == "https://h/p?x=1"


def test_html_to_text():
    assert html_to_text("<p>a &amp; b<br>c</p><p>d</p>") == "a & b\nc\n\nd"
    assert html_to_text('<span class="invisible">https://</span>ex.com') == "https://ex.com"
    assert html_to_text(None) == "" and html_to_text("plain &lt;3") == "plain <3"


def test_parse_datetime():
    assert parse_datetime("2024-05-13T10:00:00.000Z", "f") == T0
    assert parse_datetime("2024-05-13T12:00:00+0200", "f") == T0
    assert parse_datetime(dt.datetime(2024, 5, 13, 10), "f") == T0
    for bad in (None, "", "garbage", 10**20):
        with pytest.raises(MalformedResponseError, match="'my.field'"):
            parse_datetime(bad, "my.field")


def test_parse_reset_headers():
    now = dt.datetime(2024, 5, 13, 10, tzinfo=dt.UTC)
    assert http.parse_reset({"x-rate-limit-reset": "1715594400"}, now) == now
    assert http.parse_reset({"ratelimit-reset": "30"}, now) == now + dt.timedelta(seconds=30)
    assert http.parse_reset({"x-ratelimit-reset": "2024-05-13T10:05:00Z"}, now) == (
        now + dt.timedelta(minutes=5))
    assert http.parse_reset({"retry-after": "60"}, now) == now + dt.timedelta(minutes=1)
    assert http.parse_reset({"retry-after": "Mon, 13 May 2024 10:02:00 GMT"}, now) == (
        now + dt.timedelta(minutes=2))
    assert http.parse_reset({}, now) is None


@responses.activate
def test_request_maps_statuses_and_scrubs():
    url = "https://api.example/x"
    token = "very-secret-token"
    cases = [(401, AuthError), (403, AuthError), (429, RateLimitError), (500, TemporaryError),
             (502, TemporaryError), (404, ConnectorError)]
    for status, error in cases:
        responses.get(url, status=status, json={"error": f"bad {token}"})
        with pytest.raises(error) as info:
            http.request_json(None, "GET", url, network="test", params={"access_token": token},
                              secrets=[token])
        assert token not in str(info.value) and token not in repr(info.value)
        assert info.value.status == status
        responses.reset()
    responses.get(url, body=requests.ConnectTimeout(f"{url}?access_token={token}"))
    with pytest.raises(TemporaryError) as info:
        http.request(None, "GET", url, network="test", params={"access_token": token})
    assert token not in str(info.value) and info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_request_says_whether_it_reached_the_server():
    """A write that could not even connect (refused, connect time-out) never reached the
    network: ``unsent``, safe to repeat; one whose answer did not come (read time-out, the
    connection dropped after the request) may have been acted on."""
    import socket
    import threading

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: connection refused
    with pytest.raises(TemporaryError) as info:
        http.request(None, "POST", f"http://127.0.0.1:{port}/api/v1/statuses", network="test")
    assert info.value.unsent

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/api/v1/statuses"
    conns = []

    def accept(drop):
        conn, _addr = server.accept()
        conn.recv(65536)  # the request arrived
        conns.append(conn)
        if drop:
            conn.close()

    try:
        for drop in (False, True):  # no answer (read time-out), then a dropped connection
            thread = threading.Thread(target=accept, args=(drop,), daemon=True)
            thread.start()
            with pytest.raises(TemporaryError) as info:
                http.request(None, "POST", url, network="test", json={"status": "hi"},
                             timeout=0.5)
            thread.join(5)
            assert not info.value.unsent, drop
    finally:
        for conn in conns:
            conn.close()
        server.close()
    assert http.never_sent(requests.ConnectTimeout("connect timed out"))
    assert not http.never_sent(requests.ReadTimeout("read timed out"))


def test_an_answer_cut_off_after_the_request_is_temporary_and_maybe_acted_on():
    """The server got the request and began to answer, then the answer broke off (a chunk
    cut short): a temporary error, never "refused" and never "unsent": the network may have
    published the reply (before: a plain ConnectorError, which the outbox records as
    refused, "nothing was published")."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/api/v1/statuses"

    def answer_cut_off():
        conn, _addr = server.accept()
        conn.recv(65536)  # the request arrived
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n40\r\n{\"id\": \"1100")
        conn.close()

    try:
        thread = threading.Thread(target=answer_cut_off, daemon=True)
        thread.start()
        with pytest.raises(TemporaryError) as info:
            http.request(None, "POST", url, network="test", json={"status": "hi"}, timeout=2)
        thread.join(5)
    finally:
        server.close()
    assert info.value.retryable
    assert not info.value.unsent
    assert "cut off" in str(info.value)


def test_x_answer_cut_off_is_temporary_and_maybe_acted_on():
    """The same through tweepy (X's reply): requests' ChunkedEncodingError inside tweepy."""
    from social_crm.connectors import x

    with pytest.raises(TemporaryError) as info, x.translate_errors((), "reply"):
        raise requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")
    assert not info.value.unsent
    assert "cut off" in str(info.value)


def test_demo_feed_authors_have_the_feed_connectors_shape():
    """The demo's replayed blog article has its author as the feeds connector gives one: no
    handle (feeds have none; the demo showed “@Petra Lang”), an id scoped to the feed's
    host."""
    from social_crm.connectors import feeds

    root = pathlib.Path(connectors.__file__).resolve().parents[1] / "demo" / "replay"
    posts = [
        post
        for path in sorted(root.glob("*.jsonl"))
        for post in replay.load_jsonl(path)
        if post.network == "rss" and post.author
    ]
    assert posts, "the demo has a blog article"
    for post in posts:
        author = post.author
        shaped = feeds.parse_author(
            {"author_detail": {"name": author.display_name, "href": author.profile_url}},
            urllib.parse.urlsplit(post.url).netloc.lower(),
        )
        assert author.handle is None
        assert author.external_id == shaped.external_id
