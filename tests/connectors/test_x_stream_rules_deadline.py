"""The X stream's rule calls (list, add, dry run, delete) end by their wall clock
(``http.request_deadline``) as every other request: ``requests``' ``timeout`` bounds each
socket read only, so a server dripping a byte now and then held the listener (or the source
form's dry run) for as long as it dripped."""

import importlib.util
import pathlib
import time

import pytest

from social_crm.connectors import http, x_stream
from social_crm.connectors.base import TemporaryError

_PATH = pathlib.Path(__file__).resolve().parents[2] / "social_crm" / "tests" / "drip_server.py"
_spec = importlib.util.spec_from_file_location("social_crm_drip_server_rules", _PATH)
drip_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(drip_server)
DripServer = drip_server.DripServer

BEARER = "AAAA-bearer-secret"
TAG = "social_crm:db:7"


def _server(phase, monkeypatch):
    # a byte every 0.05 s: the per-read timeout (0.3 s) does not fire; the server gives up
    # after 10 s (the time a call took before it had a deadline)
    server = DripServer(phase, pace=0.05, duration=10)
    monkeypatch.setattr(x_stream, "RULES_URL", f"{server.url}/2/tweets/search/stream/rules")
    return server


@pytest.mark.parametrize(("phase", "call"), [
    ("headers", lambda: x_stream.sync_rules(BEARER, TAG, "acme lang:de", timeout=0.3)),
    ("body", lambda: x_stream.sync_rules(BEARER, TAG, "acme lang:de", dry_run=True,
                                         timeout=0.3)),
    ("body", lambda: x_stream.prune_rules(BEARER, "social_crm:db:", timeout=0.3)),
], ids=["sync-headers", "dry_run-body", "prune-body"])
def test_rule_calls_end_by_their_deadline(monkeypatch, phase, call):
    server = _server(phase, monkeypatch)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught:
            call()
        took = time.monotonic() - started
    finally:
        server.close()
    # request_deadline(0.3): ten timeouts, three seconds
    assert took < 6, took
    assert "did not finish within 3s" in str(caught.value)
    assert BEARER not in str(caught.value)
    assert server.requests == 1


def test_an_earlier_deadline_of_the_caller_holds(monkeypatch):
    """The listener's or the form's own deadline, when earlier, ends the call."""
    server = _server("body", monkeypatch)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
            x_stream.sync_rules(BEARER, TAG, "acme lang:de", timeout=20)
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 3, took
    assert "did not finish within 1s" in str(caught.value)
