"""The optional language model (detection.llm): request shape, redaction before sending, the
documented response shape, and every failure turned into LlmError (the caller falls back).
HTTP is a loopback server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from detection import classify
from detection.llm import LlmError, LlmSettings, ask, endpoint, parse, payload


def completion(content, total_tokens=42):
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1767225600,
        "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": total_tokens - 5, "completion_tokens": 5,
                  "total_tokens": total_tokens},
    }


@pytest.fixture()
def server():
    """A loopback chat-completions server: ``server.answer`` = (status, body, delay)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            seen.append((self.path, dict(self.headers), json.loads(self.rfile.read(length))))
            status, body, delay = httpd.answer
            time.sleep(delay)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.answer = (200, completion('{"complaint": true, "confidence": 0.8}'), 0)
    httpd.seen = seen
    httpd.url = "http://127.0.0.1:%d/v1" % httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_endpoint():
    assert endpoint("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert endpoint("https://h/v1/chat/completions") == "https://h/v1/chat/completions"
    with pytest.raises(LlmError):
        endpoint("ftp://h")


def test_payload_is_redacted():
    body = payload("refund to DE89 3704 0044 0532 0130 00 or mail jo@example.org", "en", "m")
    text = json.dumps(body)
    assert "0532 0130 00" not in text and "jo@example.org" not in text
    assert body["model"] == "m" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


@pytest.mark.parametrize("content, expected", [
    ('{"complaint": true, "confidence": 0.93}', (True, 0.93)),
    ('```json\n{"complaint": false, "confidence": 0.7}\n```', (False, 0.7)),
    ('{"complaint": false}', (False, 0.75)),
    ("Yes.", (True, 0.75)),
    ("nein", (False, 0.75)),
])
def test_parse(content, expected):
    answer = parse(completion(content))
    assert (answer.is_complaint, round(answer.confidence, 2)) == expected
    assert answer.tokens == 42


@pytest.mark.parametrize("data", [
    {}, {"choices": []}, {"choices": [{"message": {}}]}, completion("maybe, hard to say"),
    completion('{"complaint": "sometimes"}'),
])
def test_parse_refuses(data):
    with pytest.raises(LlmError):
        parse(data)


def test_ask_over_http(server):
    answer = ask("Paket seit 11 Tagen unterwegs", "de",
                 LlmSettings(server.url, "local", api_key="sk-1", timeout=5))
    assert answer.is_complaint and answer.confidence == 0.8 and answer.tokens == 42
    path, headers, body = server.seen[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-1"
    assert "Paket seit 11 Tagen" in body["messages"][1]["content"]


def test_ask_failures(server):
    settings = LlmSettings(server.url, "local", timeout=0.3)
    server.answer = (500, {"error": {"message": "overloaded"}}, 0)
    with pytest.raises(LlmError, match="HTTP 500"):
        ask("x", "en", settings)
    server.answer = (200, b"<html>", 0)
    with pytest.raises(LlmError, match="no JSON"):
        ask("x", "en", settings)
    server.answer = (200, completion("no"), 1.0)
    with pytest.raises(LlmError, match="no answer within"):
        ask("x", "en", settings)
    with pytest.raises(LlmError, match="request failed"):
        ask("x", "en", LlmSettings("http://127.0.0.1:9/v1", "local", timeout=0.3))


def test_verdict_of_the_model_keeps_the_cues():
    verdict = classify("Danke, werde mich anderswo umschauen", lang="de", p_override=0.9,
                       source="local")
    assert verdict.label == "complaint" and verdict.p_complaint == 0.9
    assert verdict.codes[0] == ("llm", "local")
    assert verdict.reasons[0] == "checked by a language model: 'local'"
    verdict = classify("@acme Paket kaputt angekommen!", lang="de", p_override=0.2,
                       source="local")
    assert verdict.label != "complaint" and verdict.codes[0][0] == "llm"
