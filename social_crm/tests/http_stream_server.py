# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A loopback HTTP server speaking as the X API v2 filtered stream does (for stream tests).

Standard library only (no ``odoo`` import: the plain pytest tests load it by path).
``GET .../2/tweets/search/stream``: each connection plays the next *session* of
:attr:`StreamServer.sessions`, a list of steps:

* ``("status", code, body)``: the connection is refused with this answer (first step only)
* ``("line", text)``: one JSON line (``\\r\\n`` appended), as one chunk
* ``("keepalive",)``: a ``\\r\\n`` chunk
* ``("sleep", seconds)``
* ``("end",)``: the last chunk (X closed the stream)
* ``("drop",)``: the connection closed mid-stream

After the last step the connection is held open with keep-alives until the client goes or
the server stops. ``GET/POST .../2/tweets/search/stream/rules`` keep :attr:`rules` (``add``,
``delete.ids``, ``dry_run``); :attr:`refuse_rules`, when set, is the answer to an ``add``.
``GET .../2/tweets/search/recent`` (X's recent search, the catch-up after a reconnect)
answers the next of :attr:`search_pages` (a body, or ``("status", code, body)``), then an
empty result. :attr:`requests` records ``(method, path, headers, body)``.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that goes (the listener stops, a pooled connection closed) is no error
        if isinstance(sys.exc_info()[1], OSError):
            return None
        return super().handle_error(request, client_address)


class StreamServer:
    def __init__(self):
        self.sessions = []
        self.requests = []
        self.rules = []
        self.refuse_rules = None
        self.search_pages = []
        self.stopping = threading.Event()
        self._next_rule = 1865000000000000100
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, code, body):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def chunk(self, data):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def do_POST(self):
                size = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(size) or b"{}")
                server.requests.append(("POST", self.path, dict(self.headers), body))
                self.answer(200, server.change_rules(body, "dry_run=true" in self.path))

            def do_GET(self):
                server.requests.append(("GET", self.path, dict(self.headers), None))
                if urlsplit(self.path).path.endswith("/search/recent"):
                    page = server.search_pages.pop(0) if server.search_pages else {
                        "meta": {"result_count": 0}}
                    if isinstance(page, tuple):
                        self.answer(page[1], page[2])
                    else:
                        self.answer(200, page)
                    return
                if urlsplit(self.path).path.endswith("/rules"):
                    meta = {"sent": "2026-12-04T09:00:00.000Z", "result_count": len(server.rules)}
                    self.answer(200, {"data": server.rules, "meta": meta} if server.rules
                                else {"meta": meta})
                    return
                steps = list(server.sessions.pop(0)) if server.sessions else []
                if steps and steps[0][0] == "status":
                    _, code, body = steps.pop(0)
                    self.answer(code, body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for step in steps:
                        if step[0] == "line":
                            self.chunk(step[1].encode() + b"\r\n")
                        elif step[0] == "keepalive":
                            self.chunk(b"\r\n")
                        elif step[0] == "sleep":
                            time.sleep(step[1])
                        elif step[0] == "end":
                            self.wfile.write(b"0\r\n\r\n")
                            return
                        elif step[0] == "drop":
                            self.close_connection = True
                            return
                    while not server.stopping.wait(0.05):
                        self.chunk(b"\r\n")
                except OSError:
                    return

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        base = f"http://127.0.0.1:{self.httpd.server_address[1]}/2/tweets/search/stream"
        self.url, self.rules_url = base, f"{base}/rules"
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def change_rules(self, body, dry_run):
        sent = "2026-12-04T09:00:01.000Z"
        if "delete" in body:
            ids = set(body["delete"].get("ids") or [])
            deleted = [r for r in self.rules if r["id"] in ids]
            if not dry_run:
                self.rules = [r for r in self.rules if r["id"] not in ids]
            return {"meta": {"sent": sent, "summary": {"deleted": len(deleted),
                                                       "not_deleted": len(ids) - len(deleted)}}}
        if self.refuse_rules is not None:
            return self.refuse_rules
        added = []
        for rule in body.get("add") or []:
            self._next_rule += 1
            added.append({**rule, "id": str(self._next_rule)})
        if not dry_run:
            self.rules = self.rules + added
        return {"data": added, "meta": {"sent": sent, "summary": {
            "created": 0 if dry_run else len(added), "not_created": 0,
            "valid": len(added), "invalid": 0}}}

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
