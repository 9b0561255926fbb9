"""Network safety and wall clocks of ``connectors/http.py``.

* A redirect may not lead to an address less public than the one asked (public > private
  network > loopback / link-local): a post's URL on a public instance never sends the
  server's requests to ``127.0.0.1``, the cloud metadata address or the office network. An
  address taken from a network's data (``public_only``) must also *resolve* to a public
  address, checked when connecting.
* ``http.deadline()`` ends a request dripped over TLS as over plain HTTP.
* A poll's request ends by :data:`~social_crm.connectors.http.READ_DEADLINE`, whatever its
  session, as a write ends by the outbox's deadline.
"""

import contextlib
import datetime as dt
import http.server as http_server
import ipaddress
import socket
import ssl
import threading
import time

import pytest
import requests
import responses
from connector_helpers import loopback_servers, resolve_example_names, serving

from social_crm.connectors import get_connector, http, recheck_bluesky, recheck_mastodon
from social_crm.connectors.base import (
    ConnectorError,
    SourceConfig,
    TemporaryError,
    UnsafeAddressError,
)

DripServer = loopback_servers().DripServer

PUBLIC = "https://mastodon.example"


# --- redirects -------------------------------------------------------------------------------
INNER = [
    "http://127.0.0.1/admin",
    "http://127.1/admin",  # 127.0.0.1 as inet_aton reads it
    "http://2130706433/admin",  # 127.0.0.1 as one number
    "http://[::1]/admin",
    "http://[::ffff:127.0.0.1]/admin",
    "http://localhost:8069/web",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://10.0.0.7/",
    "http://192.168.1.1/",
    "http://[fd00::1]/",
    "http://intranet/",
]


@responses.activate
@pytest.mark.parametrize("inner", INNER)
def test_a_public_address_never_redirects_to_an_inner_one(inner):
    """An anonymous GET (a status on its author's instance) is redirected to an address of
    the server's own network: not followed."""
    responses.get(f"{PUBLIC}/api/v1/statuses/1", status=302, headers={"Location": inner})
    target = responses.get(inner, json={"id": "1"})
    with pytest.raises(UnsafeAddressError) as info:
        http.request_json(None, "GET", f"{PUBLIC}/api/v1/statuses/1", network="mastodon")
    assert target.call_count == 0
    message = str(info.value)
    assert "mastodon.example" in message and "not followed" in message, message
    assert not isinstance(info.value, TemporaryError), "it will not get better by itself"


@responses.activate
@pytest.mark.parametrize("inner", ["http://127.0.0.1/admin", "http://169.254.169.254/"])
def test_a_private_address_never_redirects_to_a_local_one(inner):
    """The company's own instance on its network (10.x) may not send the server to its own
    loopback or to the metadata address either."""
    responses.get("http://10.1.2.3/api/v1/timelines/tag/acme", status=302,
                  headers={"Location": inner})
    target = responses.get(inner, json=[])
    with pytest.raises(UnsafeAddressError, match="10.1.2.3"):
        http.request_json(None, "GET", "http://10.1.2.3/api/v1/timelines/tag/acme",
                          network="mastodon", expect=list)
    assert target.call_count == 0


@responses.activate
@pytest.mark.parametrize(("first", "then"), [
    ("http://127.0.0.1:8123/a", "http://127.0.0.1:8123/b"),  # the tests' fake servers
    ("http://127.0.0.1:8123/a", "http://10.0.0.2/b"),  # more public: fine
    ("http://10.1.2.3/a", "http://10.9.9.9/b"),  # the same network
    ("http://10.1.2.3/a", "https://cdn.example/b"),
    ("https://old.example/a", "https://new.example/b"),
])
def test_a_redirect_as_public_as_the_address_asked_is_followed(first, then):
    responses.get(first, status=301, headers={"Location": then})
    responses.get(then, json={"ok": True})
    body, _response = http.request_json(None, "GET", first, network="test")
    assert body == {"ok": True}


# --- names that resolve to inner addresses ---------------------------------------------------
class _Hello(http_server.BaseHTTPRequestHandler):
    hits = 0
    location = None

    def do_GET(self):  # http.server calls it so
        type(self).hits += 1
        if self.location and self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", self.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"id": "1"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback(monkeypatch):
    """A loopback server, and names (``*.example``) that resolve to it, as a hostile or
    rebinding DNS answer would."""
    _Hello.hits, _Hello.location = 0, None
    with serving(_Hello) as port:
        resolve_example_names(monkeypatch, lambda _host: "127.0.0.1")
        yield port


def test_an_address_from_a_network_that_resolves_to_the_loopback_is_not_asked(loopback):
    with pytest.raises(UnsafeAddressError) as info:
        http.request_json(None, "GET", f"http://status.example:{loopback}/api/v1/statuses/1",
                          network="mastodon", public_only=True)
    assert _Hello.hits == 0, "not even connected"
    assert "status.example" in str(info.value) and "127.0.0.1" in str(info.value)


def test_an_address_the_company_configured_may_resolve_to_its_network(loopback):
    """A self-hosted instance whose public-looking name resolves inside (split DNS)."""
    body, _response = http.request_json(
        None, "GET", f"http://social.example:{loopback}/api/v1/statuses/1", network="mastodon")
    assert body == {"id": "1"}


def test_a_redirect_to_a_name_that_resolves_to_the_loopback_is_not_followed(loopback):
    """The address asked is the company's (not checked when resolved); the host a redirect
    leads to is: its name looks public, its address is the loopback."""
    _Hello.location = f"http://evil.example:{loopback}/admin"
    with pytest.raises(UnsafeAddressError, match="evil.example"):
        http.request_json(None, "GET", f"http://social.example:{loopback}/moved",
                          network="mastodon")
    assert _Hello.hits == 1, "the redirect only"


def test_the_checked_address_is_the_one_connected_to(loopback, monkeypatch):
    """A name is resolved once per connection: a second answer (DNS rebinding) cannot slip
    in between the check and the connection."""
    answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80))]])
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "rebind.example":
            return next(answers, None) or real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    connected = []
    monkeypatch.setattr(socket.socket, "connect",
                        lambda self, address: connected.append(address) or (_ for _ in ()).throw(
                            ConnectionRefusedError()))
    with pytest.raises(TemporaryError):
        http.request(None, "GET", f"http://rebind.example:{loopback}/", network="mastodon",
                     public_only=True, timeout=1)
    assert connected and all(address[0] == "93.184.215.14" for address in connected)


def test_the_author_instance_and_pds_are_asked_as_public_only(monkeypatch):
    """The addresses the re-checks take from a network's data go out ``public_only``."""
    asked = []

    def request_json(session, method, url, **kwargs):
        asked.append((url, kwargs.get("public_only", False)))
        raise ConnectorError("not found", status=404)

    monkeypatch.setattr(http, "request_json", request_json)
    check = recheck_bluesky.SourceCheck(None, SourceConfig(kind="search", query="x"))
    check.resolve("did:web:pds.example.org")
    assert asked == [("https://pds.example.org/.well-known/did.json", True)]
    check.pds["did:plc:abc"] = "https://pds.example.org"
    check("at://did:plc:abc/app.bsky.feed.post/3k")
    assert asked[-1] == ("https://pds.example.org/xrpc/com.atproto.repo.getRecord", True)
    asked.clear()
    config = SourceConfig(kind="hashtag", query="acme", base_url="https://home.example")
    list(_ignore_errors(recheck_mastodon.recheck(
        ["9"], config, authors={"9": "bob@remote.example"},
        hints={"9": {"url": "https://remote.example/@bob/123"}})))
    assert ("https://remote.example/api/v1/statuses/123", True) in asked, asked
    assert all(not only for url, only in asked if url.startswith("https://home.example"))


def _ignore_errors(results):
    try:
        yield from results
    except ConnectorError:
        return


# --- the deadline over TLS -------------------------------------------------------------------
@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A server context and the file of its self-signed certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, str(cert_file)


@pytest.fixture
def own_ca(monkeypatch):
    """``requests`` prefers these variables to a session's ``verify``."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_tls_answer_dripped_past_the_deadline_ends_by_it(tls, phase, own_ca):
    """One byte a second over TLS: the request ends near the deadline, a temporary error the
    network may have acted on."""
    context, cert_file = tls
    server = DripServer(phase, pace=1.0, duration=20, context=context)
    session = http.new_session()
    session.verify = cert_file
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught, http.deadline(2.5):
            http.request(session, "POST", f"{server.url}/api/v1/statuses", network="mastodon",
                         json={"status": "We are on it."}, timeout=5)
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 4, took
    assert "did not finish within 2.5s" in str(caught.value)
    assert not caught.value.unsent
    assert server.requests == 1, "the handshake went through: the request was read"


class HandshakeDrip:
    """A TLS server whose handshake answer (ServerHello, certificate...) comes one byte every
    ``pace`` seconds, for at most ``duration`` seconds."""

    def __init__(self, context, pace=0.2, duration=10):
        self.context, self.pace, self.duration = context, pace, duration
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        with contextlib.suppress(OSError):
            conn, _address = self.sock.accept()
            until = time.monotonic() + self.duration
            with conn:
                incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = self.context.wrap_bio(incoming, outgoing, server_side=True)
                incoming.write(conn.recv(65536))
                with contextlib.suppress(ssl.SSLWantReadError):
                    tls.do_handshake()
                for byte in outgoing.read():
                    if self.stopping.wait(self.pace) or time.monotonic() > until:
                        return
                    conn.sendall(bytes([byte]))

    def close(self):
        self.stopping.set()
        self.sock.close()


def test_a_tls_handshake_dripped_past_the_deadline_ends_by_it(tls, own_ca):
    """The handshake happens on a socket the TLS one took over: the deadline cuts it too."""
    context, cert_file = tls
    server = HandshakeDrip(context)
    session = http.new_session()
    session.verify = cert_file
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught, http.deadline(1.5):
            http.request(session, "GET", f"{server.url}/api/v1/timelines/tag/acme",
                         network="mastodon", timeout=5)
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 3, took
    assert "did not finish within 1.5s" in str(caught.value)


def test_a_tls_request_whose_certificate_does_not_match_fails(tls, own_ca):
    """``verify`` is honoured (the deadline's connections are no looser than requests')."""
    context, _cert_file = tls
    server = DripServer("body", pace=1.0, duration=5, context=context)
    try:
        with pytest.raises(ConnectorError):
            http.request(http.new_session(), "GET", f"{server.url}/", network="mastodon",
                         timeout=2)
    finally:
        server.close()


# --- a wall clock for polls ------------------------------------------------------------------
@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_poll_dripped_by_its_server_ends_by_the_read_deadline(phase, monkeypatch):
    """A poller's own session (the connector makes it) follows the per-request wall clock:
    before, only each socket read was bounded, and a byte now and then held the cron."""
    monkeypatch.setattr(http, "READ_DEADLINE", 1.0, raising=False)
    server = DripServer(phase, pace=0.05, duration=15)
    config = SourceConfig(kind="hashtag", query="acme", base_url=server.url,
                          timeout=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError) as caught:
            list(get_connector("mastodon", config).fetch(None))
        took = time.monotonic() - started
    finally:
        server.close()
    assert took < 3, took
    assert "did not finish within 1s" in str(caught.value)


def test_a_poll_with_a_session_of_its_own_follows_the_read_deadline(monkeypatch):
    """A session handed in (a plain ``requests.Session``) gets the deadline's adapter too."""
    monkeypatch.setattr(http, "READ_DEADLINE", 1.0, raising=False)
    server = DripServer("headers", pace=0.05, duration=15)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError):
            http.request(requests.Session(), "GET", f"{server.url}/", network="rss",
                         timeout=0.5)
        assert time.monotonic() - started < 3
    finally:
        server.close()


def test_the_read_deadline_is_at_least_the_timeout():
    """A caller's longer timeout (one slow read) is not cut shorter than itself."""
    assert http.request_deadline(20) == http.READ_DEADLINE
    assert http.request_deadline(1) == 10
    assert http.request_deadline(90) == 90


def test_the_stream_listener_is_not_cut_by_the_read_deadline(monkeypatch):
    """The X filtered stream is opened outside any deadline: a quiet stream stays open."""
    from social_crm.connectors import x_stream

    monkeypatch.setattr(http, "READ_DEADLINE", 0.5, raising=False)
    server = DripServer("body", pace=0.05, duration=30)
    stream = x_stream.XFilteredStream("bearer", url=f"{server.url}/2/tweets/search/stream",
                              session=http.new_session(), read_timeout=5)
    stop, errors = threading.Event(), []
    thread = threading.Thread(target=stream.run, args=(stop, lambda line: None),
                              kwargs={"on_error": errors.append}, daemon=True)
    thread.start()
    try:
        time.sleep(2)
        assert not errors, errors
        assert stream.connections == 1
    finally:
        stop.set()
        server.close()  # the server ends the connection: the reading thread returns
        thread.join(5)


def test_the_x_client_on_a_plain_session_follows_the_read_deadline(monkeypatch):
    """tweepy's session (X polls, the stream's catch-up) ends by the read deadline too."""
    from social_crm.connectors import x

    monkeypatch.setattr(http, "READ_DEADLINE", 1.0, raising=False)
    server = DripServer("body", pace=0.05, duration=15)
    session = x.TimeoutSession(requests.Session(), 0.5)
    try:
        started = time.monotonic()
        with pytest.raises(TemporaryError, match="did not finish within 1s"):
            session.request("GET", f"{server.url}/2/tweets/search/recent")
        assert time.monotonic() - started < 3
    finally:
        server.close()
