# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Loopback HTTP servers that misbehave as networks do, for the tests and benchmarks.

* :class:`DripServer` answers very slowly: one byte every ``pace`` seconds, in the status
  line and headers (``phase="headers"``) or in the body (``phase="body"``), for as long as the
  client stays or ``duration`` seconds (then it closes the connection). A socket time-out per
  read never fires on it. With ``context`` (a server-side ``ssl.SSLContext``) it speaks TLS:
  :attr:`DripServer.url` is then ``https://``.
* :class:`HoldServer` reads a request and never answers (a stalled Mastodon instance: the
  connection stays open until the client hangs up).
* :class:`StatusServer` answers ``POST /api/v1/statuses`` at once with a status as Mastodon's
  API returns it, and records each request (its body, and whatever ``on_request`` returns at
  that moment, e.g. whether the stalled instance still holds its request).

The first two share :class:`LoopbackServer` (a listening socket on ``127.0.0.1``, an accept
loop in a thread, ``requests`` counted, a context manager). Standard library only (no
``odoo`` import: the plain pytest tests and ``bench/outbox.py`` load it by path).
"""

import contextlib
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """A socket listening on ``127.0.0.1`` (a free port: :attr:`url`), accepting in a thread
    until :meth:`close`; each accepted connection goes to :meth:`_accepted`."""

    scheme = "http"
    accept_timeout = 0.2

    def __init__(self):
        self.requests = 0
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _serve(self):
        self.sock.settimeout(self.accept_timeout)
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self._accepted(conn)

    def _accepted(self, conn):
        raise NotImplementedError

    def close(self):
        self.stopping.set()
        self.sock.close()


class DripServer(LoopbackServer):
    """Answers one byte every ``pace`` seconds (see the module); :attr:`requests` counts the
    requests received."""

    def __init__(self, phase="body", pace=0.2, duration=None, context=None):
        self.phase, self.pace, self.duration = phase, pace, duration
        self.context = context
        if context is not None:
            self.scheme = "https"
        super().__init__()

    def _accepted(self, conn):
        threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        until = time.monotonic() + self.duration if self.duration else None
        try:
            if self.context is not None:
                conn.settimeout(5)
                conn = self.context.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
        except OSError:
            conn.close()
            return
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                if self.phase == "headers":
                    for byte in head:
                        if self.stopping.wait(self.pace):
                            return
                        conn.sendall(bytes([byte]))
                else:
                    conn.sendall(head)
                conn.sendall(b"Content-Length: 100000\r\n\r\n{")
                while not self.stopping.wait(self.pace):
                    if until and time.monotonic() > until:
                        return
                    conn.sendall(b" ")
            except OSError:
                return


class HoldServer(LoopbackServer):
    """Accepts, reads the request, answers nothing; :meth:`waiting` says whether a client
    still waits for an answer (its connection open)."""

    accept_timeout = 0.1

    def __init__(self):
        self.received_at = []  # time.monotonic() of each request
        self._held = []  # [socket, closed]
        self._lock = threading.Lock()
        super().__init__()

    def _accepted(self, conn):
        conn.settimeout(5)
        try:
            conn.recv(65536)
        except OSError:
            conn.close()
            return
        with self._lock:
            self.requests += 1
            self.received_at.append(time.monotonic())
            self._held.append([conn, False])

    def waiting(self):
        """Whether a client's request is held: its connection is open (the client has not
        hung up, e.g. at its deadline). What the client sent after the request is read and
        dropped; an end of file means it hung up."""
        with self._lock:
            for held in self._held:
                conn, closed = held
                while not closed:
                    try:
                        conn.setblocking(False)
                        data = conn.recv(65536)
                    except BlockingIOError:
                        break  # nothing more: still connected
                    except OSError:
                        data = b""
                    if not data:
                        held[1] = closed = True
            return any(not closed for _conn, closed in self._held)

    def close(self):
        self.stopping.set()
        self.thread.join(2)
        self.sock.close()
        with self._lock:
            for conn, _closed in self._held:
                with contextlib.suppress(OSError):
                    conn.close()


class StatusServer:
    """``POST /api/v1/statuses``: 200 with a Mastodon ``Status`` (ids counting up from
    ``first_id``) after ``delay`` seconds; :attr:`calls` holds ``(JSON body,
    on_request())`` per request."""

    def __init__(self, first_id=113600000000000001, on_request=None, delay=0.0):
        self.calls = []
        self.received_at = []
        ids = itertools.count(first_id)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                seen = on_request() if on_request else None
                time.sleep(delay)  # a healthy but slow instance
                server.calls.append((body, seen))
                server.received_at.append(time.monotonic())
                status_id = str(next(ids))
                host = f"127.0.0.1:{server.port}"
                answer = json.dumps({
                    "id": status_id, "created_at": "2026-12-05T03:00:00.000Z",
                    "in_reply_to_id": None, "in_reply_to_account_id": None,
                    "sensitive": False, "spoiler_text": "", "visibility": "public",
                    "language": "en",
                    "uri": f"http://{host}/users/acme/statuses/{status_id}",
                    "url": f"http://{host}/@acme/{status_id}",
                    "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
                    "content": "<p>answer</p>", "reblog": None,
                    "account": {"id": "1", "username": "acme", "acct": "acme",
                                "display_name": "ACME", "url": f"http://{host}/@acme",
                                "followers_count": 10, "following_count": 1,
                                "statuses_count": 5},
                    "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.1,),
                                       daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
