"""The one place where connectors talk HTTP through ``requests``.

:func:`request` sends a request with a timeout and turns every failure into a typed
:class:`~.base.ConnectorError` whose message never contains a secret:

* ``requests`` Timeout / ConnectionError -> :class:`TemporaryError`
* HTTP 401 / 403 -> :class:`AuthError`
* HTTP 429 -> :class:`RateLimitError` with ``reset_at`` from ``Retry-After``,
  ``X-RateLimit-Reset`` (Mastodon: ISO time), ``ratelimit-reset`` (Bluesky: epoch seconds)
  or ``x-rate-limit-reset`` (X: epoch seconds)
* HTTP 5xx -> :class:`TemporaryError`
* other non-2xx -> :class:`ConnectorError` (not retryable)

:func:`request_json` adds: body that is not JSON or not of the expected type ->
:class:`MalformedResponseError`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json as jsonlib
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests

from .base import (
    DEFAULT_TIMEOUT,
    AuthError,
    ConnectorError,
    MalformedResponseError,
    RateLimitError,
    TemporaryError,
)
from .util import parse_datetime, safe_url, short

_logger = logging.getLogger(__name__)

USER_AGENT = "SocialCRM-Odoo/19.0 (+connectors)"
RESET_HEADERS = ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset")

ErrorHook = Callable[[requests.Response, Any], ConnectorError | None]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_reset(headers: Mapping[str, str], now: dt.datetime | None = None) -> dt.datetime | None:
    """When a rate limit resets, from the usual response headers, or None."""
    now = now or now_utc()
    for name in RESET_HEADERS:
        value = headers.get(name)
        if not value:
            continue
        value = value.strip()
        try:
            number = float(value)
        except ValueError:
            try:  # Mastodon: ISO 8601 time
                return parse_datetime(value, name)
            except MalformedResponseError:
                continue
        if number > 1e9:  # epoch seconds (X, Bluesky)
            return dt.datetime.fromtimestamp(number, tz=dt.UTC)
        return now + dt.timedelta(seconds=max(number, 0))  # IETF draft: delta seconds
    retry_after = headers.get("retry-after")
    if retry_after:
        retry_after = retry_after.strip()
        if retry_after.isdigit():
            return now + dt.timedelta(seconds=int(retry_after))
        try:
            parsed = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _api_message(response: requests.Response, body: Any) -> str:
    """The network's own error text, if the body has one."""
    if isinstance(body, dict):
        for key in ("error_description", "message", "detail", "error", "title"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value:
                return value
    return response.reason or ""


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for_response(
    response: requests.Response, network: str, secrets: Iterable[str | None] = (),
) -> ConnectorError | None:
    """Typed error for a non-2xx response (None for 2xx)."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    secrets = tuple(secrets)
    body = _body(response)
    where = f"{network}: {response.request.method if response.request else ''} " \
            f"{safe_url(response.url)}".rstrip()
    detail = short(_api_message(response, body), secrets, 200)
    text = f"{where} answered HTTP {status}" + (f" ({detail})" if detail else "")
    if status in (401, 403):
        return AuthError(f"{text}: the credentials are missing, wrong, expired or revoked",
                         status=status)
    if status == 429:
        reset_at = parse_reset(response.headers)
        return RateLimitError(f"{text}: rate limited" + (
            f" until {reset_at.isoformat()}" if reset_at else ""), reset_at=reset_at)
    if status >= 500:
        return TemporaryError(f"{text}: server error, will retry", status=status)
    return ConnectorError(text, status=status)


def request(
    session: requests.Session | None,
    method: str,
    url: str,
    *,
    network: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    data: Any = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    error_hook: ErrorHook | None = None,
    ok_status: Iterable[int] = (),
) -> requests.Response:
    """Send one request; return the response or raise a typed, scrubbed ConnectorError.

    ``secrets``: values to strike from every message (tokens...). ``error_hook(response,
    json_body_or_None)`` may return a network-specific error for a non-2xx answer (or for a
    2xx answer carrying an error body); ``ok_status``: extra statuses returned as is (304...).
    """
    secrets = tuple(s for s in secrets if s)
    session = session or requests.Session()
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    all_headers.update(headers or {})
    try:
        response = session.request(
            method, url, params=params, data=data, json=json, headers=all_headers,
            timeout=timeout or DEFAULT_TIMEOUT,
        )
    except requests.Timeout:
        raise TemporaryError(
            f"{network}: {method} {safe_url(url)} timed out after {timeout or DEFAULT_TIMEOUT}s"
        ) from None
    except requests.ConnectionError as exc:
        raise TemporaryError(
            f"{network}: could not connect for {method} {safe_url(url)} "
            f"({short(type(exc).__name__)})"
        ) from None
    except requests.RequestException as exc:
        raise ConnectorError(
            f"{network}: {method} {safe_url(url)} failed: {short(exc, secrets, 200)}"
        ) from None
    if response.status_code in set(ok_status):
        return response
    if error_hook is not None and (response.status_code >= 400 or _looks_like_error(response)):
        error = error_hook(response, _body(response))
        if error is not None:
            raise error
    error = error_for_response(response, network, secrets)
    if error is not None:
        raise error
    return response


def _looks_like_error(response: requests.Response) -> bool:
    return b'"error"' in (response.content[:200] if response.content else b"")



def decode_json(response: requests.Response, network: str, expect: type | tuple = dict) -> Any:
    """The JSON body, of type ``expect``, or MalformedResponseError."""
    try:
        body = jsonlib.loads(response.content or b"")
    except ValueError as exc:
        raise MalformedResponseError(
            f"{network}: {safe_url(response.url)} did not answer JSON "
            f"(HTTP {response.status_code}, {response.headers.get('content-type', '?')})",
            status=response.status_code,
        ) from exc
    if expect is not None and not isinstance(body, expect):
        raise MalformedResponseError(
            f"{network}: {safe_url(response.url)} answered JSON of an unexpected shape "
            f"({type(body).__name__})", status=response.status_code,
        )
    return body


def request_json(session, method, url, *, network, expect: type | tuple = dict, **kwargs) -> Any:
    """:func:`request` then :func:`decode_json`; returns ``(body, response)``."""
    response = request(session, method, url, network=network, **kwargs)
    return decode_json(response, network, expect), response
