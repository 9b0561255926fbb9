"""Mastodon accounts by ``acct`` on their home instance (``GET /api/v1/accounts/lookup``).

The account's own instance knows its counts best, so ``jane@example.social`` is asked of
``https://example.social``; no token is sent (the endpoint is public, and a token of our
instance must not travel to another). HTTP 404 / 410: missing; an account with
``"suspended": true``: suspended. One request per account; a failure of one instance
(timeout, 5xx) marks that account ``error`` and the others go on; a 429 stops the run.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests

from . import http, mastodon
from .base import ConnectorError, RateLimitError
from .lookup import (
    ERROR,
    FOUND,
    MISSING,
    SUSPENDED,
    LookupConfig,
    Profile,
    Wanted,
    not_asked,
    register,
)
from .util import short

NETWORK = "mastodon"


def split_acct(handle: str | None) -> tuple[str, str] | None:
    """``(user, instance)`` of ``user@instance`` (a leading @ allowed), else None."""
    user, _sep, host = (handle or "").lstrip("@").partition("@")
    if not user or not host or "/" in host or " " in host:
        return None
    return user, host.lower()


def read_account(body, item: Wanted, host: str) -> Profile:
    author = mastodon.parse_account(body, host)
    if author is None:
        return Profile(item.key, MISSING, reason="mastodon: the instance returned no account")
    if body.get("suspended") is True:
        return Profile(item.key, SUSPENDED, author,
                       reason=f"mastodon: the account is suspended on {host}")
    return Profile(item.key, FOUND, author)


@register(NETWORK)
def lookup(wanted: list[Wanted], config: LookupConfig, session=None) -> Iterator[list[Profile]]:
    session = session or requests.Session()
    for item in wanted:
        acct = split_acct(item.handle or item.external_id)
        if acct is None:
            yield not_asked([item], "mastodon: the handle is not of the form user@instance")
            continue
        user, host = acct
        url = f"https://{host}/api/v1/accounts/lookup"
        try:
            body, _response = http.request_json(
                session, "GET", url, network=NETWORK, params={"acct": user},
                timeout=config.timeout, expect=dict, max_bytes=config.max_response_bytes)
        except RateLimitError:
            raise
        except ConnectorError as exc:
            if exc.status in (404, 410):
                yield [Profile(item.key, MISSING, reason=f"mastodon: {host} does not know "
                                                         f"@{user} (HTTP {exc.status})")]
            else:
                yield [Profile(item.key, ERROR, reason=short(exc, limit=300))]
            continue
        yield [read_account(body, item, host)]
