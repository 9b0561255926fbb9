# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A loopback HTTP server that answers very slowly: one byte every ``pace`` seconds, in the
status line and headers (``phase="headers"``) or in the body (``phase="body"``), for as long
as the client stays or ``duration`` seconds (then it closes the connection). A socket
time-out per read never fires on it. With ``context`` (a server-side ``ssl.SSLContext``) it
speaks TLS: :attr:`DripServer.url` is then ``https://``.

Standard library only (no ``odoo`` import: the plain pytest tests load it by path).
:attr:`DripServer.requests` counts the requests received."""

import socket
import threading
import time


class DripServer:
    def __init__(self, phase="body", pace=0.2, duration=None, context=None):
        self.phase, self.pace, self.duration = phase, pace, duration
        self.context = context
        self.requests = 0
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"{'https' if context else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
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

    def close(self):
        self.stopping.set()
        self.sock.close()
