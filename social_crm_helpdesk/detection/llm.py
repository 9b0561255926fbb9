"""Optional second opinion of a language model for the posts the default path is unsure about.

    ask(text, lang, settings) -> LlmAnswer(is_complaint, confidence, tokens)

Off by default: a company sets an OpenAI-compatible endpoint (``POST {url}/chat/completions``,
e.g. a local llama.cpp, vLLM or Ollama server, or a hosted service), a model, an API key, a
timeout and a monthly budget. The text is redacted again here before it leaves (the stored text
is redacted already; this keeps the guarantee for any caller). Any failure raises ``LlmError``:
the caller keeps the default path's verdict. Plain Python, no Odoo import.

The request is the documented chat-completions shape::

    {"model": "...", "temperature": 0, "max_tokens": 40,
     "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": "..."}]}

and the answer read from ``choices[0].message.content`` (a JSON object
``{"complaint": true|false, "confidence": 0..1}``, or a plain "yes"/"no"), with the tokens
spent from ``usage.total_tokens``.
"""

import json
import re
from dataclasses import dataclass

import requests

from .pii import redact_report

PROMPT = (
    "You classify social media posts addressed to a company. A complaint is dissatisfaction "
    "with, or a failure of, the addressed company's product or service that the company should "
    "act on; it may be told as plain facts (a parcel stuck for days), as sarcasm, or as a "
    "question. Not complaints: neutral questions, praise (also thanks after a problem was "
    "solved), anger aimed at someone or something else, news, adverts, spam, chat. Posts may "
    "be German or English. Answer with one JSON object only, no other text: "
    '{"complaint": true or false, "confidence": a number from 0 to 1}'
)
MAX_CHARS = 2000
_JSON_RE = re.compile(r"\{.*\}", re.S)
_YES = ("yes", "true", "complaint", "ja")
_NO = ("no", "false", "not", "nein", "kein")


class LlmError(Exception):
    """The endpoint could not give an answer (network, HTTP status, shape, budget)."""


@dataclass
class LlmSettings:
    url: str
    model: str
    api_key: str = ""
    timeout: float = 10.0


@dataclass
class LlmAnswer:
    is_complaint: bool
    confidence: float
    tokens: int = 0


def endpoint(url):
    """The chat-completions URL of a base URL (``http://host/v1`` or the full path)."""
    url = (url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise LlmError("the endpoint URL must start with http:// or https://")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def payload(text, lang, model):
    """The request body for one post (``text`` redacted and cut to ``MAX_CHARS``)."""
    safe = redact_report(text or "", lang=lang or "en").text[:MAX_CHARS]
    return {
        "model": model,
        "temperature": 0,
        "max_tokens": 40,
        "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": "Language: %s\nPost:\n%s" % (lang or "?", safe)},
        ],
    }


def parse(data):
    """``LlmAnswer`` of a chat-completions response body (a dict); ``LlmError`` if unreadable."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LlmError("the answer has no choices[0].message.content") from exc
    tokens = 0
    usage = data.get("usage") if isinstance(data, dict) else None
    if isinstance(usage, dict):
        try:
            tokens = int(usage.get("total_tokens") or 0)
        except (TypeError, ValueError):
            tokens = 0
    content = str(content or "").strip()
    found = _JSON_RE.search(content)
    if found:
        try:
            obj = json.loads(found.group())
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("complaint"), bool):
            conf = obj.get("confidence")
            try:
                conf = min(max(float(conf), 0.5), 0.99)
            except (TypeError, ValueError):
                conf = 0.75
            return LlmAnswer(obj["complaint"], conf, tokens)
        if isinstance(obj, dict):
            raise LlmError("unreadable answer: %r" % content[:80])
    word = re.sub(r"[^a-zäöü]+", " ", content.lower()).split()[:1]
    if word and word[0] in _YES:
        return LlmAnswer(True, 0.75, tokens)
    if word and word[0] in _NO:
        return LlmAnswer(False, 0.75, tokens)
    raise LlmError("unreadable answer: %r" % content[:80])


def ask(text, lang, settings, session=None):
    """Ask the endpoint about one post; ``LlmError`` on any failure (the caller falls back)."""
    if not settings.model:
        raise LlmError("no model set")
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = "Bearer %s" % settings.api_key
    try:
        response = (session or requests).post(
            endpoint(settings.url),
            json=payload(text, lang, settings.model),
            headers=headers,
            timeout=settings.timeout,
        )
    except requests.Timeout as exc:
        raise LlmError("no answer within %s s" % settings.timeout) from exc
    except requests.RequestException as exc:
        raise LlmError("request failed: %s" % exc.__class__.__name__) from exc
    if response.status_code != 200:
        raise LlmError("HTTP %s" % response.status_code)
    try:
        data = response.json()
    except ValueError as exc:
        raise LlmError("the answer is no JSON") from exc
    return parse(data)
