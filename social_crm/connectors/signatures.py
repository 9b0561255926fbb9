"""Webhook signatures (plain Python, no ``odoo``): check them before reading anything else.

* Meta (Facebook, Instagram): header ``X-Hub-Signature-256: sha256=<hex>``, the HMAC-SHA256 of
  the raw body keyed with the app secret; the subscription handshake is a GET with
  ``hub.mode=subscribe``, ``hub.verify_token`` (ours) and ``hub.challenge`` (echoed back).
* X Account Activity API: the CRC is a GET with ``crc_token``, answered with
  ``{"response_token": "sha256=" + base64(HMAC-SHA256(consumer secret, crc_token))}``; every
  POST carries ``x-twitter-webhooks-signature: sha256=<base64>``, the same HMAC of the raw body.

Every comparison is constant-time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

OK = "ok"
MISSING = "missing"  # no signature header
MALFORMED = "malformed"  # a header that is not "sha256=..."
MISMATCH = "mismatch"  # signed with another secret, or a changed body
NO_SECRET = "no_secret"  # the source has no secret to check with


def _digest(secret: str, data: bytes) -> bytes:
    return hmac.new(secret.encode(), data, hashlib.sha256).digest()


def meta_signature(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``."""
    return "sha256=" + _digest(app_secret, body).hex()


def x_signature(consumer_secret: str, data: bytes) -> str:
    """``sha256=<base64 HMAC>``: the ``x-twitter-webhooks-signature`` of a body, or the CRC
    ``response_token`` of a ``crc_token``."""
    return "sha256=" + base64.b64encode(_digest(consumer_secret, data)).decode()


def x_crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The JSON answer to X's challenge-response check."""
    return {"response_token": x_signature(consumer_secret, crc_token.encode())}


def _check(expected: str, header: str | None, secret: str | None) -> str:
    if not secret:
        return NO_SECRET
    if not header:
        return MISSING
    header = header.strip()
    if not header.startswith("sha256=") or len(header) <= len("sha256="):
        return MALFORMED
    return OK if hmac.compare_digest(expected.encode(), header.encode()) else MISMATCH


def check_meta(app_secret: str | None, body: bytes, header: str | None) -> str:
    """One of :data:`OK`, :data:`MISSING`, :data:`MALFORMED`, :data:`MISMATCH`,
    :data:`NO_SECRET` for a Meta delivery."""
    if not app_secret:
        return NO_SECRET
    return _check(meta_signature(app_secret, body), (header or "").lower() or None, app_secret)


def check_x(consumer_secret: str | None, body: bytes, header: str | None) -> str:
    """Same as :func:`check_meta` for an X Account Activity delivery."""
    if not consumer_secret:
        return NO_SECRET
    return _check(x_signature(consumer_secret, body), header, consumer_secret)


def check_meta_handshake(verify_token: str | None, mode: str | None, token: str | None) -> bool:
    """True when Meta's subscription handshake names our verify token."""
    return bool(
        verify_token and mode == "subscribe" and token
        and hmac.compare_digest(verify_token.encode(), token.encode())
    )
