"""Helpers shared by the connector tests."""

import contextlib
import importlib.util
import json
import pathlib
import socket
import sys
import threading
from http import server as http_server

PAYLOADS = pathlib.Path(__file__).resolve().parent / "payloads"
LOOPBACK_SERVERS = (pathlib.Path(__file__).resolve().parents[2] / "social_crm" / "tests"
                    / "loopback_servers.py")


def loopback_servers():
    """``social_crm/tests/loopback_servers.py`` (``DripServer``, ``HoldServer``, ...), loaded
    by path once: the addon's ``tests`` package imports ``odoo``."""
    name = "social_crm_loopback_servers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, LOOPBACK_SERVERS)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def load_payload(name: str):
    """A fixture JSON payload (``payloads/<network>/<file>.json``) as Python data."""
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def payload_text(name: str) -> str:
    return (PAYLOADS / name).read_text(encoding="utf-8")


def assert_no_secret(error: BaseException, *secrets: str):
    """Neither the message, the repr nor a visible chained exception shows a secret."""
    texts = [str(error), repr(error), repr(error.args)]
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        texts += [str(cause), repr(cause)]
    for secret in secrets:
        for text in texts:
            assert secret not in text, text


def timeout_of(call) -> float | None:
    """The timeout a recorded ``responses`` call was sent with."""
    return call.request.req_kwargs.get("timeout")


@contextlib.contextmanager
def serving(handler):
    """A ``ThreadingHTTPServer`` of ``handler`` on ``127.0.0.1`` (a free port), served in a
    thread; yields its port, shut down on exit."""
    server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def resolve_example_names(monkeypatch, answer):
    """Names ending in ``.example`` resolve to the address ``answer(name)`` gives (as a
    hostile or rebinding DNS answer would), or not at all when it gives None; other names as
    usual (``socket.getaddrinfo`` patched for the test)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".example"):
            address = answer(host)
            if address is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real(address, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
