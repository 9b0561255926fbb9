# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A minimal loopback websocket (and JSON over HTTP) server for stream tests.

Standard library only (no ``odoo`` import: the plain pytest tests load it by path). Each
accepted connection plays the next *session* of :attr:`LoopbackServer.sessions`, a list of
steps:

* ``("text", str)`` / ``("binary", bytes)``: one frame
* ``("raw", bytes)``: bytes as they are (a broken frame)
* ``("sleep", seconds)``
* ``("close",)``: a close frame, then the socket is closed
* ``("drop",)``: the socket is closed without a close frame (a lost connection)
* ``("refuse", status)``: the upgrade is answered with ``status`` (only as first step);
  ``("refuse", status, reason, {header: value})`` with that status line and those headers
* ``("hold",)``: keep the connection open until the client goes or the server stops
* ``("feed",)``: send every text put in :attr:`LoopbackServer.feed` (a queue) until ``None``

When the sessions run out, connections play :attr:`default_session` (held open). A plain GET
whose path is in :attr:`LoopbackServer.routes` is answered with that ``(status, JSON[,
headers])``, or with what a callable there returns for the whole path (query included).
:attr:`requests` records ``(path, headers)`` of every request.
"""

import base64
import contextlib
import hashlib
import json
import queue
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode, payload):
    header = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        header += bytes([size])
    elif size < 65536:
        header += bytes([126]) + struct.pack("!H", size)
    else:
        header += bytes([127]) + struct.pack("!Q", size)
    return header + payload


class LoopbackServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.sessions = []
        self.routes = {}
        self.requests = []
        self.connections = 0
        self.feed = queue.Queue()
        self.default_session = [("hold",)]
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.stopped.set()
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return None, {}
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1]
        headers = {}
        for line in head[1:]:
            key, _sep, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        return path, headers

    def _handle(self, conn):
        try:
            path, headers = self._read_request(conn)
            if path is None:
                return
            with self.lock:
                self.requests.append((path, headers))
            if headers.get("upgrade", "").lower() != "websocket":
                self._answer_http(conn, path)
                return
            with self.lock:
                index = self.connections
                self.connections += 1
            steps = self.sessions[index] if index < len(self.sessions) else self.default_session
            if steps and steps[0][0] == "refuse":
                status = steps[0][1]
                reason, extra = (steps[0][2], steps[0][3]) if len(steps[0]) > 2 else (
                    "Refused", {})
                lines = "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                conn.sendall(f"HTTP/1.1 {status} {reason}\r\n{lines}Content-Length: 0\r\n"
                             "Connection: close\r\n\r\n".encode())
                return
            accept = base64.b64encode(
                hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
            conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                          ).encode())
            self._play(conn, steps)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _play(self, conn, steps):
        for step in steps:
            kind = step[0]
            if kind == "text":
                conn.sendall(frame(0x1, step[1].encode()))
            elif kind == "binary":
                conn.sendall(frame(0x2, step[1]))
            elif kind == "raw":
                conn.sendall(step[1])
            elif kind == "sleep":
                time.sleep(step[1])
            elif kind == "close":
                conn.sendall(frame(0x8, struct.pack("!H", 1000)))
                return
            elif kind == "drop":
                return
            elif kind == "hold":
                break
            elif kind == "feed":
                self._feed(conn)
                return
        conn.settimeout(0.2)
        while not self.stopped.is_set():  # hold: answer pings until the client goes
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            if not data:
                return
            if data[0] & 0x0F == 0x9:  # ping (masked, short): pong
                conn.sendall(frame(0xA, b""))
            if data[0] & 0x0F == 0x8:
                return

    def _feed(self, conn):
        """Send what is put in :attr:`feed`, answering pings meanwhile; a message taken when
        the client is already gone is put back for the next connection."""
        conn.settimeout(0)
        while not self.stopped.is_set():
            try:
                data = conn.recv(4096)
            except (BlockingIOError, InterruptedError):
                data = None  # nothing from the client now
            else:
                if not data or data[0] & 0x0F == 0x8:
                    return  # the client went
                if data[0] & 0x0F == 0x9:
                    conn.sendall(frame(0xA, b""))
            try:
                text = self.feed.get(timeout=0.05)
            except queue.Empty:
                continue
            if text is None:
                return
            try:
                conn.sendall(frame(0x1, text.encode()))
            except OSError:
                self.feed.put(text)
                return

    def _answer_http(self, conn, path):
        route = self.routes.get(path.split("?", 1)[0], (404, {"error": "Record not found"}))
        if callable(route):
            route = route(path)
        status, body, *more = route
        extra = "".join(f"{k}: {v}\r\n" for k, v in (more[0] if more else {}).items())
        payload = json.dumps(body).encode()
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
                     f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                     + payload)
