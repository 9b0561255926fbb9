"""The X stream's rule calls (list, add, dry run, delete) end by their wall clock
(``http.request_deadline``) as every other request: ``requests``' ``timeout`` bounds each
socket read only, so a server dripping a byte now and then held the listener (or the source
form's dry run) for as long as it dripped."""

import time

import pytest
from connector_helpers import loopback_servers

from social_crm.connectors import http, x_stream
from social_crm.connectors.base import TemporaryError

DripServer = loopback_servers().DripServer

BEARER = "AAAA-bearer-secret"
TAG = "social_crm:db:7"


def _server(phase, monkeypatch):
    # a byte every 0.05 s: a per-read timeout never fires; the server gives up after 12 s
    # (the time a call took before it had a deadline)
    server = DripServer(phase, pace=0.05, duration=12)
    monkeypatch.setattr(x_stream, "RULES_URL", f"{server.url}/2/tweets/search/stream/rules")
    return server


@pytest.mark.parametrize(("phase", "call"), [
    ("headers", lambda: x_stream.sync_rules(BEARER, TAG, "acme lang:de", timeout=20)),
    ("body", lambda: x_stream.sync_rules(BEARER, TAG, "acme lang:de", dry_run=True,
                                         timeout=20)),
    ("body", lambda: x_stream.prune_rules(BEARER, "social_crm:db:", timeout=20)),
], ids=["sync-headers", "dry_run-body", "prune-body"])
def test_rule_calls_follow_the_callers_deadline(monkeypatch, phase, call):
    """The listener's (or the form's) deadline ends the call, whatever its per-read
    timeout (20 s here: it never fires on the drip)."""
    server = _server(phase, monkeypatch)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
            call()
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 4, took
    assert "did not finish within 1s" in str(caught.value)
    assert BEARER not in str(caught.value)
    assert server.requests == 1


def test_a_rule_call_ends_by_its_request_deadline(monkeypatch):
    """Without a deadline of the caller: request_deadline(0.5), ten timeouts, five seconds."""
    server = _server("body", monkeypatch)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught:
            x_stream.sync_rules(BEARER, TAG, "acme lang:de", timeout=0.5)
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 9, took
    assert "did not finish within 5s" in str(caught.value)
