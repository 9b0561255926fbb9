"""X users by id or username (``GET /2/users``, ``GET /2/users/by``: 100 per request).

Users X cannot return come in the answer's ``errors`` list: ``"title": "Not Found Error"``
(deleted or never existed) or ``"title": "Forbidden"`` with ``"detail": "User has been
suspended: [...]"``; ``value`` / ``resource_id`` name the id or username asked for.
Credentials: ``bearer_token`` (app-only), else the user context keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import x
from .base import MalformedResponseError, MissingCredentialsError, chunks
from .lookup import FOUND, MISSING, SUSPENDED, LookupConfig, Profile, Wanted, register
from .util import expect_dict, expect_list, parse_each, text_of

NETWORK = "x"
BATCH = 100


def read_users(body: Any, items: list[Wanted], by: str) -> list[Profile]:
    """One profile per wanted item of one ``/2/users`` answer (``by``: ids | usernames)."""
    body = expect_dict(body, "the answer", NETWORK)
    authors, _bad = parse_each(expect_list(body.get("data"), "data", NETWORK), x.parse_user,
                               NETWORK, "data")
    if by == "ids":
        found = {a.external_id: a for a in authors}
    else:
        found = {(a.handle or "").lower(): a for a in authors}
    problems = {}
    for error in expect_list(body.get("errors"), "errors", NETWORK):
        if not isinstance(error, dict):
            continue
        value = text_of(error.get("value") or error.get("resource_id"))
        if value:
            problems[value.lower()] = error
    profiles = []
    for item in items:
        asked = item.external_id if by == "ids" else (item.handle or "").lower()
        author = found.get(asked)
        if author is not None:
            profiles.append(Profile(item.key, FOUND, author))
            continue
        error = problems.get((asked or "").lower(), {})
        detail = text_of(error.get("detail"))
        if "suspend" in detail.lower() or text_of(error.get("title")) == "Forbidden":
            profiles.append(Profile(item.key, SUSPENDED, reason=detail or "suspended"))
        else:
            profiles.append(Profile(item.key, MISSING, reason=detail or
                                    "X did not return this user"))
    return profiles


@register(NETWORK)
def lookup(wanted: list[Wanted], config: LookupConfig, session=None) -> Iterator[list[Profile]]:
    credentials = config.credentials or {}
    if not credentials.get("bearer_token") and not all(credentials.get(k) for k in x.USER_KEYS):
        raise MissingCredentialsError("x: looking up users needs a bearer_token (the app-only "
                                        "token of the company's X source) or the user context "
                                        "keys (of its X publishing account)")
    client = x.make_client(credentials, timeout=config.timeout, session=session,
                           user_auth=not credentials.get("bearer_token"),
                           max_bytes=config.max_response_bytes)
    user_auth = not credentials.get("bearer_token")
    secrets = config.secrets()
    by_id = [w for w in wanted if w.external_id]
    by_name = [w for w in wanted if not w.external_id and w.handle]
    rest = [w for w in wanted if not w.external_id and not w.handle]
    if rest:
        from .lookup import not_asked

        yield not_asked(rest, "x: neither a user id nor a username to look up")
    for by, items in (("ids", by_id), ("usernames", by_name)):
        for batch in chunks(items, BATCH):
            values = [w.external_id if by == "ids" else w.handle for w in batch]
            with x.translate_errors(secrets, "user look-up"):
                body = client.get_users(**{by: values}, user_fields=x.USER_FIELDS,
                                        user_auth=user_auth)
            if not isinstance(body, dict):
                raise MalformedResponseError("x: the user look-up answer is not an object")
            yield read_users(body, batch, by)
