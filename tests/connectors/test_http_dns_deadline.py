"""A name look-up ends by the request's deadline: ``socket.getaddrinfo`` blocks for the
resolver's time-out and its retries (seconds each), outside any socket time-out."""

import socket
import threading
import time

import pytest

from social_crm.connectors import http, mastodon
from social_crm.connectors.base import TemporaryError


@pytest.fixture
def hanging_resolver(monkeypatch):
    """``*.example`` names: the resolver does not answer (until the test ends)."""
    release = threading.Event()
    asked = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".example"):
            asked.append(host)
            release.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    release.set()


@pytest.mark.parametrize("public_only", [True, False])
def test_a_name_that_does_not_resolve_ends_at_the_deadline(hanging_resolver, public_only):
    """Asked as an address from a network's data (``public_only``: resolved and checked
    before connecting) or as the company's own server: both within the deadline."""
    started = time.monotonic()
    with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
        http.request(None, "GET", "https://status.example/api/v1/statuses/1",
                     network="mastodon", public_only=public_only, timeout=5)
    took = time.monotonic() - started
    assert took < 2.5, took
    assert hanging_resolver == ["status.example"], "resolved once, then given up on"
    assert "status.example did not resolve within the deadline of 1s" in str(caught.value)
    assert caught.value.unsent, "nothing reached the server"
    assert str(caught.value).startswith("mastodon: GET https://status.example/")


def test_a_reply_to_an_instance_whose_name_hangs_is_unsent_within_the_write_deadline(
        hanging_resolver):
    """The outbox's write deadline: the reply was never sent (it may be retried safely)."""
    started = time.monotonic()
    with pytest.raises(TemporaryError) as caught, http.deadline(1.0):
        mastodon.reply({"access_token": "tok-secret"}, "1", "We are on it.", 5,
                       base_url="https://social.example")
    assert time.monotonic() - started < 2.5
    assert caught.value.unsent
    assert "social.example did not resolve" in str(caught.value)
    assert "tok-secret" not in str(caught.value)


def test_without_a_deadline_and_checks_the_name_is_left_to_urllib3(monkeypatch):
    """A name that does not resolve says so at once (not a time-out), unsent."""

    def getaddrinfo(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(TemporaryError) as caught:
        http.request(None, "GET", "https://nowhere.example/", network="test",
                     public_only=True, timeout=1)
    assert caught.value.unsent
    assert "could not connect" in str(caught.value)
