"""The websocket stream client against a loopback server (no database)."""

import datetime as dt
import importlib.util
import pathlib
import threading
import time

import pytest

from social_crm.connectors import streams
from social_crm.connectors.base import AuthError, ConfigurationError, TemporaryError

_PATH = pathlib.Path(__file__).resolve().parents[2] / "social_crm" / "tests" / "ws_server.py"
_spec = importlib.util.spec_from_file_location("social_crm_ws_server_plain", _PATH)
ws_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ws_server)


@pytest.fixture
def server():
    with ws_server.LoopbackServer() as srv:
        yield srv


def run_until(stream, stop, count, received, timeout=10.0, **callbacks):
    thread = threading.Thread(target=stream.run, args=(stop, received.append), kwargs=callbacks,
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    stream.close()
    thread.join(5)
    assert not thread.is_alive(), "the stream did not stop"


def fast():
    return streams.Backoff(base=0.01, cap=0.05)


def test_backoff_is_exponential_with_jitter_and_capped():
    backoff = streams.Backoff(base=1, cap=8, rng=lambda: 1.0)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 8, 8]
    low = streams.Backoff(base=1, cap=8, rng=lambda: 0.0)
    assert [low.next() for _ in range(3)] == [0.5, 1, 2]
    backoff.reset()
    assert backoff.next() == 1
    assert backoff.slowest() == 8


def test_disconnect_mid_stream_reconnects_and_reads_on(server):
    server.sessions = [
        [("text", "one"), ("text", "two"), ("raw", b"\x81\x10cut"), ("drop",)],
        [("text", "three"), ("close",)],
        [("text", "four"), ("hold",)],
    ]
    urls, errors, received, stop = [], [], [], threading.Event()

    def url():
        urls.append(len(received))
        return f"{server.url}/stream"

    stream = streams.WebSocketStream(url, heartbeat=0.5, backoff=fast())
    run_until(stream, stop, 4, received, on_error=errors.append)
    assert received == ["one", "two", "three", "four"]
    assert urls[:3] == [0, 2, 3]  # the URL is built anew (with the cursor) at each connect
    assert isinstance(errors[0], TemporaryError) and "connection lost" in str(errors[0])


def test_malformed_frames_do_not_stop_the_stream(server):
    server.sessions = [[("binary", b"\xff\xfe"), ("text", "{not json"), ("text", "ok"),
                        ("hold",)]]
    received, malformed, stop = [], [], threading.Event()
    stream = streams.WebSocketStream(f"{server.url}/s", heartbeat=0.5, backoff=fast())
    run_until(stream, stop, 2, received, on_malformed=malformed.append)
    assert received == ["{not json", "ok"]  # the callback decides what is unreadable
    assert len(malformed) == 1 and "non-UTF-8" in malformed[0]


def test_slow_consumer_gets_everything_in_order(server):
    server.sessions = [[*(("text", f"m{i}") for i in range(300)), ("hold",)]]
    received, stop = [], threading.Event()

    def slow(message):
        time.sleep(0.002)
        received.append(message)

    stream = streams.WebSocketStream(f"{server.url}/s", heartbeat=0.5, backoff=fast())
    thread = threading.Thread(target=stream.run, args=(stop, slow), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while len(received) < 300 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    stream.close()
    thread.join(5)
    assert received == [f"m{i}" for i in range(300)]


@pytest.mark.parametrize(("status", "error_class", "words"), [
    (401, AuthError, "token"), (404, ConfigurationError, "no such stream"),
    (503, TemporaryError, "busy")])
def test_refused_upgrade_is_a_clear_error(server, status, error_class, words):
    server.sessions = [[("refuse", status)]] * 20
    errors, stop = [], threading.Event()
    stream = streams.WebSocketStream(f"{server.url}/s", headers={"Authorization": "Bearer s3"},
                                     what="mastodon #acme", heartbeat=0.5, backoff=fast())
    thread = threading.Thread(target=stream.run, args=(stop, lambda m: None),
                              kwargs={"on_error": errors.append}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert isinstance(errors[0], error_class)
    assert f"HTTP {status}" in str(errors[0]) and words in str(errors[0])
    assert server.requests[0][1]["authorization"] == "Bearer s3"


@pytest.mark.parametrize(("status", "reason", "headers", "problem", "detail"), [
    # Mastodon's streaming server says why in X-Error-Message
    (401, "Unauthorized", {"X-Error-Message": "Invalid access token"}, "token",
     "Invalid access token"),
    (404, "Not Found", {}, "no_stream", "Not Found"),
    (429, "Too Many Requests", {}, "busy", "Too Many Requests"),
    (503, "Service Unavailable", {}, "server", "Service Unavailable"),
    (418, "I'm a teapot", {}, "refused", "I'm a teapot")])
def test_refused_upgrade_tells_the_problem_and_the_servers_words(server, status, reason,
                                                                 headers, problem, detail):
    """What the listener words for users: the kind of problem, the status, the server's own
    words (never the connector's English sentence, never the token)."""
    server.sessions = [[("refuse", status, reason, headers)]] * 20
    errors, stop = [], threading.Event()
    stream = streams.WebSocketStream(f"{server.url}/s", headers={"Authorization": "Bearer s3"},
                                     what="mastodon #acme", heartbeat=0.5, backoff=fast(),
                                     secrets=("s3",))
    thread = threading.Thread(target=stream.run, args=(stop, lambda m: None),
                              kwargs={"on_error": errors.append}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert streams.problem_of(errors[0]) == (problem, status, detail)


def test_lost_and_silent_connections_are_problems_of_their_own(server):
    server.sessions = [[("drop",)], [("sleep", 3)]]  # asleep: no pong to our pings
    errors, stop = [], threading.Event()
    stream = streams.WebSocketStream(f"{server.url}/s", heartbeat=0.05, idle_limit=1,
                                     backoff=fast())
    thread = threading.Thread(target=stream.run, args=(stop, lambda m: None),
                              kwargs={"on_error": errors.append}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(errors) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    stream.close()
    thread.join(5)
    lost, silent = (streams.problem_of(e) for e in errors[:2])
    assert lost[0] == "lost" and lost[2]  # the technical reason, as the detail
    assert silent == ("silent", None, "")


def test_quiet_line_is_pinged_and_a_callback_failure_reconnects(server):
    server.sessions = [[("text", "a"), ("hold",)], [("text", "b"), ("hold",)]]
    received, beats, errors, stop = [], [], [], threading.Event()

    def flaky(message):
        if message == "a" and not received:
            received.append("failed once")
            raise RuntimeError("database unavailable")
        received.append(message)

    stream = streams.WebSocketStream(f"{server.url}/s", heartbeat=0.05, backoff=fast())
    thread = threading.Thread(target=stream.run, args=(stop, flaky), kwargs={
        "on_error": errors.append, "on_heartbeat": lambda: beats.append(1)}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while (len(received) < 2 or not beats) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    stream.close()
    thread.join(5)
    assert received[:2] == ["failed once", "b"]
    assert "database unavailable" in str(errors[0])
    assert beats


def test_replay_stream_plays_from_the_cursor(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([
        '{"network": "x", "external_id": "1", "text": "a", "posted_at": "2020-01-01T00:00:00Z"}',
        "",
        '{"network": "x", "external_id": "2", "text": "b", "posted_at": "2020-01-01T00:00:00Z"}',
    ]) + "\n")
    got, stop = [], threading.Event()
    stream = streams.ReplayStream(str(path), pace=0, start=1,
                                  clock=lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    thread = threading.Thread(target=stream.run, args=(stop, got.append), daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert [(e.key, e.cursor) for e in got] == [("", "2"), ("replay:x:2", "3")]
    assert got[1].payload["posted_at"].startswith("2026-01-01")
    errors = []
    missing = streams.ReplayStream(str(tmp_path / "nope.jsonl"))
    stop2 = threading.Event()
    stop2.set()
    missing.run(stop2, got.append, on_error=errors.append)
    assert isinstance(errors[0], ConfigurationError)
