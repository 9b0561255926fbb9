"""Through an HTTP proxy the proxy resolves the names: a name from a network's data
(``public_only``) that resolves here to an inside address is refused all the same, before
the proxy is asked; one that resolves to a public address, or not at all here, goes through
the proxy."""

import json
from http import server as http_server

import pytest
import requests
from connector_helpers import resolve_example_names, serving

from social_crm.connectors import http
from social_crm.connectors.base import UnsafeAddressError

ANSWERS = {"inside.example": "10.1.2.3", "loop.example": "127.0.0.1",
           "public.example": "93.184.215.14"}


class _Proxy(http_server.BaseHTTPRequestHandler):
    asked: list = []

    def do_GET(self):
        _Proxy.asked.append(self.path)
        body = json.dumps({"id": "1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def proxied(monkeypatch):
    """A session sending through a loopback proxy; names resolve as ``ANSWERS`` say (other
    ``.example`` names do not resolve here)."""
    _Proxy.asked = []
    with serving(_Proxy) as port:
        resolve_example_names(monkeypatch, ANSWERS.get)
        session = requests.Session()
        session.trust_env = False
        address = f"http://127.0.0.1:{port}"
        session.proxies = {"http": address, "https": address}
        yield session


@pytest.mark.parametrize("host", ["inside.example", "loop.example"])
def test_a_name_from_a_network_that_resolves_inside_is_refused_through_a_proxy(proxied, host):
    with pytest.raises(UnsafeAddressError) as caught:
        http.request(proxied, "GET", f"http://{host}/api/v1/statuses/1", network="mastodon",
                     public_only=True, timeout=2)
    assert host in str(caught.value) and ANSWERS[host] in str(caught.value)
    assert _Proxy.asked == [], "the proxy is not asked"


@pytest.mark.parametrize("host", ["public.example", "elsewhere.example"])
def test_a_public_or_unknown_name_goes_through_the_proxy(proxied, host):
    """A public answer, or none here (a machine reaching the outside by the proxy only)."""
    response = http.request(proxied, "GET", f"http://{host}/api/v1/statuses/1",
                            network="mastodon", public_only=True, timeout=2)
    assert response.json() == {"id": "1"}
    assert _Proxy.asked == [f"http://{host}/api/v1/statuses/1"]


def test_the_company_s_own_server_is_not_checked_through_a_proxy(proxied):
    """The address the company configured may be inside (a self-hosted instance)."""
    response = http.request(proxied, "GET", "http://inside.example/api/v1/statuses/1",
                            network="mastodon", timeout=2)
    assert response.json() == {"id": "1"}
    assert _Proxy.asked == ["http://inside.example/api/v1/statuses/1"]
