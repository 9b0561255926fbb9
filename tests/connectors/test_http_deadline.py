"""A whole request ends by its deadline (``http.deadline``), whatever the server's pace:
``requests``' ``timeout`` bounds each socket read, so a server sending a byte every few
seconds kept a write (a reply) alive for minutes."""

import time

import pytest
from connector_helpers import loopback_servers

from social_crm.connectors import http, mastodon, x
from social_crm.connectors.base import TemporaryError

DripServer = loopback_servers().DripServer


@pytest.fixture(params=["headers", "body"])
def drip(request):
    server = DripServer(request.param)
    yield server
    server.close()


def test_a_dripping_answer_ends_at_the_deadline(drip):
    started = time.monotonic()
    with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
        mastodon.reply({"access_token": "tok-secret"}, "1", "We are on it.", 5,
                       base_url=f"http://127.0.0.1:{drip.port}")
    took = time.monotonic() - started
    assert took < 3, took
    assert "did not finish within 1s" in str(caught.value)
    assert not caught.value.unsent, "the network may have acted on it"
    assert "tok-secret" not in str(caught.value)


def test_the_x_client_follows_the_deadline(drip):
    """tweepy calls ``client.session.request``: the X client's session follows it too."""
    session = x.TimeoutSession(None, 5)
    started = time.monotonic()
    with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
        session.request("POST", f"http://127.0.0.1:{drip.port}/2/tweets", json={"text": "Hi"})
    assert time.monotonic() - started < 3
    assert "did not finish within 1s" in str(caught.value)


def test_without_a_deadline_a_request_takes_at_most_ten_timeouts():
    """The cap read_body documents (ten timeouts), which a drip never let it check."""
    server = DripServer("body", pace=0.05)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught:
            http.request(None, "GET", f"http://127.0.0.1:{server.port}/", network="test",
                         timeout=0.1, max_bytes=1_000_000)
        assert time.monotonic() - started < 3
        assert "did not finish within 1s" in str(caught.value)
    finally:
        server.close()
