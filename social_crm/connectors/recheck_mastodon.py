"""Mastodon statuses by id on the source's instance.

``GET /api/v1/statuses?id[]=...`` (Mastodon 4.3+, 20 per request) answers the statuses it
can show; one it leaves out may be deleted or only not visible: it is asked alone with
``GET /api/v1/statuses/:id``, whose HTTP 404 / 410 is the definitive "gone" (asked again
without the token when one was sent: a status whose author blocked the company's account is
404 to it, but still shown to everybody else, and is not gone), unless its author's account
is suspended (``GET /api/v1/accounts/lookup?acct=``: ``suspended: true``; the instance hides
a suspended account's statuses, which come back when the suspension is lifted), or its author
blocked the source's account, or that account blocks the author's domain
(``GET /api/v1/accounts/relationships``: ``blocked_by``, ``domain_blocking``; Mastodon answers
404 "does not exist or is private" for a followers-only or limited status its reader may not
see, with the token and without, and an edit never changes a status's visibility): such a
status is no answer, and its state says why (:data:`~.recheck.SUSPENDED`,
:data:`~.recheck.BLOCKED`, :data:`~.recheck.DOMAIN_BLOCKED`; a status shown without the
token but not with it is :data:`~.recheck.BLOCKED`). An account the instance no longer knows
(404) took its statuses with it: gone. An instance older than 4.3 answers the list with 404:
every status is then asked alone. A status's ``edited_at`` says whether (and when) it was
edited: ingestion keeps only a newer version. The source's token is sent (as when polling),
never to another host.

Defederation: when the source's instance limits or suspends the author's instance, a status
of that instance and its account are 404 there although nothing was deleted. A status of
another instance (its stored url on another host: ``https://remote/@user/ID``,
``/users/user/statuses/ID``, ``/@user/statuses/ID``, ``/notice/ID``) that the source's
instance answers 404 is therefore asked on its own instance, anonymously
(``GET https://remote/api/v1/statuses/ID``, at most :data:`~.recheck.DIRECT_CHECKS` per run;
over that, it waits for the next re-check): only the API's 404 / 410 there too (with its JSON
``error``: a web server's HTML 404 is no answer) is "gone"; 200 is
:data:`~.recheck.HIDDEN` (it exists, the source's instance does not show it); a fault there
(timeout, no connection, 5xx, 401/403 of an instance that answers only signed requests, 429,
an answer that is no status) is :data:`~.recheck.UNREACHABLE` (and that instance is not asked
again in the run), and so is a status only its
author's followers may read (stored visibility ``private``, ``direct``, ``limited``: 404 to
anonymous readers) and one whose url names no status of a known kind. Never "gone". A
fault of the author's instance is that post's alone: the others of the batch go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import requests

from . import http, mastodon
from .base import (
    AuthError,
    ConnectorError,
    GoneError,
    RateLimitError,
    SourceConfig,
    chunks,
)
from .recheck import (
    BLOCKED,
    DIRECT_CHECKS,
    DOMAIN_BLOCKED,
    HIDDEN,
    SUSPENDED,
    UNREACHABLE,
    Recheck,
    register,
)
from .util import expect_list, parse_each

NETWORK = "mastodon"
BATCH = 20
GONE_STATUSES = (404, 410)
NO_LIST_STATUSES = (404, 405)  # an instance before 4.3 has no GET /api/v1/statuses
#: a status's web url or ActivityPub uri on its own instance, the id its API takes: Mastodon
#: (``/@user/ID``, ``/users/user/statuses/ID``), GoToSocial (``/@user/statuses/ID``),
#: Pleroma and Akkoma (``/notice/ID``)
STATUS_PATHS = (
    re.compile(r"/@[^/@]+(?:@[^/]+)?/(?:statuses/)?([0-9A-Za-z]{1,64})/?"),
    re.compile(r"/users/[^/]+/statuses/([0-9A-Za-z]{1,64})/?"),
    re.compile(r"/notice/([0-9A-Za-z]{1,64})/?"),
)
#: visibilities whose status its own instance shows to no anonymous reader
NOT_PUBLIC = frozenset({"private", "direct", "limited", "local"})


def status_at_source(url: str | None) -> tuple[str, str] | None:
    """``(instance, status id there)`` of a status's stored url or uri (None: no public
    https address, or no status path of a known kind)."""
    origin = http.public_origin(url)
    if not origin:
        return None
    path = urlsplit(url).path
    for pattern in STATUS_PATHS:
        if found := pattern.fullmatch(path):
            return origin, found.group(1)
    return None


def _api_not_found(response, body):
    """The API's own "not found" (HTTP 404 / 410 with its JSON ``error``, as Mastodon,
    Pleroma and GoToSocial answer it) as a GoneError; a web server's HTML 404 (a host that
    has no such API) is no answer."""
    if response.status_code in GONE_STATUSES and isinstance(body, dict) and body.get("error"):
        return GoneError(f"mastodon: the author's instance has no status {response.url}",
                         status=response.status_code)
    return None


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url).hostname or "").lower() if isinstance(url, str) else ""
    except ValueError:
        return ""


def read_statuses(body, asked: list[str], host: str) -> tuple[list, list[str], list[str]]:
    """(posts, ids missing from the answer, notes) of one ``GET /api/v1/statuses`` answer."""
    items = expect_list(body, "statuses", NETWORK)
    posts, rejected = parse_each(items, lambda s: mastodon.parse_status(s, host), NETWORK,
                                 "statuses")
    # a boost is read as the boosted status: only the ids asked count
    found = {p.external_id: p for p in posts if p.external_id in asked}
    notes = [r.reason for r in rejected]
    missing = [i for i in asked if i not in found]
    return list(found.values()), missing, notes


@register(NETWORK)
def recheck(ids: list[str], config: SourceConfig, session=None,
            authors=None, hints=None) -> Iterator[Recheck]:
    session = session or requests.Session()
    base = mastodon.instance_url(config.base_url)
    host = urlsplit(base).netloc
    home = host_of(base)
    authors, hints = authors or {}, hints or {}
    direct = {"left": DIRECT_CHECKS}
    failed: set[str] = set()  # authors' instances that failed in this run
    token = (config.credentials or {}).get("access_token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(url, params=None, expect=list, anonymous=False):
        body, _response = http.request_json(
            session, "GET", url, network=NETWORK, params=params,
            headers={} if anonymous else headers, timeout=config.timeout, secrets=(token,),
            expect=expect, max_bytes=config.max_response_bytes)
        return body

    def status_or_gone(status_id: str, anonymous=False):
        """The status, or None when the instance answers 404 / 410. 401/403 (a revoked
        token), 429, 5xx and timeouts raise: never "gone"."""
        try:
            return get(f"{base}/api/v1/statuses/{quote(status_id, safe='')}", expect=dict,
                       anonymous=anonymous)
        except RateLimitError:
            raise
        except ConnectorError as exc:
            if exc.status not in GONE_STATUSES or type(exc) is not ConnectorError:
                raise
            return None

    account_of: dict[str, dict] = {}

    def account(acct: str) -> dict:
        """The author's account as the instance knows it (one lookup per author and run;
        404: the account is gone, with its statuses: ``{}``). Faults raise."""
        if acct not in account_of:
            try:
                found = get(f"{base}/api/v1/accounts/lookup", [("acct", acct)], expect=dict)
            except RateLimitError:
                raise
            except ConnectorError as exc:
                if exc.status not in GONE_STATUSES or type(exc) is not ConnectorError:
                    raise
                found = {}
            account_of[acct] = found
        return account_of[acct]

    blocked_of: dict[str, str] = {}

    def blocked(found: dict) -> str:
        """:data:`~.recheck.BLOCKED` when the author blocked the source's account,
        :data:`~.recheck.DOMAIN_BLOCKED` when that account blocks the author's domain
        (``GET /api/v1/accounts/relationships``: ``blocked_by``, ``domain_blocking``), else
        "": the author's followers-only and limited statuses are then 404 with the token and
        without, though not deleted. Faults raise."""
        account_id = str(found.get("id") or "")
        if not token or not account_id:
            return ""
        if account_id not in blocked_of:
            relations = get(f"{base}/api/v1/accounts/relationships", [("id[]", account_id)])
            relation = next((r for r in relations if isinstance(r, dict)
                             and str(r.get("id")) == account_id), {})
            blocked_of[account_id] = BLOCKED if relation.get("blocked_by") is True \
                else DOMAIN_BLOCKED if relation.get("domain_blocking") is True else ""
        return blocked_of[account_id]

    def elsewhere(status_id: str) -> bool:
        """Whether the status lives on another instance than the source's (its stored url,
        else its author's address, says where)."""
        url = (hints.get(status_id) or {}).get("url")
        if url and host_of(url):
            return host_of(url) != home
        acct = authors.get(status_id) or ""
        return "@" in acct and acct.rpartition("@")[2].lower() != home

    def at_source(status_id: str) -> tuple[str | None, str]:
        """What the author's own instance says of a status the source's instance answers
        404: ``(None, note)`` when it is gone there too, else ``(state, note)`` (state "":
        not asked in this run). Its faults are this status's alone (never raised, never
        "gone")."""
        hint = hints.get(status_id) or {}
        if (hint.get("visibility") or "").lower() in NOT_PUBLIC:
            return UNREACHABLE, (f"mastodon: {status_id} is not shown by {host} and only its "
                                 "author's followers may read it on its own instance: not "
                                 "known to be deleted")
        where = status_at_source(hint.get("url"))
        if where is None:
            return UNREACHABLE, (f"mastodon: {status_id} is not shown by {host}; its address "
                                 "names no status its own instance can be asked for: not "
                                 "known to be deleted")
        if direct["left"] <= 0:  # not asked: no state, it keeps the one it had
            return "", (f"mastodon: {status_id} is not shown by {host}; its own "
                                 "instance is asked at the next re-check (the direct checks "
                                 "of this run are used up)")
        origin, remote_id = where
        remote = urlsplit(origin).netloc
        if origin in failed:
            return UNREACHABLE, (f"mastodon: {status_id} is not shown by {host}, and its own "
                                 f"instance {remote} did not answer in this run: not deleted, "
                                 "asked again later")
        direct["left"] -= 1
        try:
            body, _response = http.request_json(
                session, "GET", f"{origin}/api/v1/statuses/{quote(remote_id, safe='')}",
                network=NETWORK, timeout=config.timeout, expect=dict,
                error_hook=_api_not_found, max_bytes=config.max_response_bytes,
                public_only=True)  # an address from the status's data: public ones only
        except GoneError:
            return None, ""
        except ConnectorError as exc:
            failed.add(origin)  # down or refusing: its other statuses wait for the next run
            return UNREACHABLE, (f"mastodon: {status_id} is not shown by {host}, and its own "
                                 f"instance {remote} did not answer ({exc}): not deleted, "
                                 "asked again later")
        if str(body.get("id") or "") != remote_id:
            return UNREACHABLE, (f"mastodon: {remote} answered another status for "
                                 f"{status_id}: not known to be deleted")
        return HIDDEN, (f"mastodon: {status_id} still exists on {remote}, but {host} does "
                        "not show it (it blocks or limits that instance): not deleted")

    def one_by_one(batch: list[str]) -> Recheck:
        posts, gone, unknown, notes, states = [], [], [], [], {}
        for status_id in batch:
            body = status_or_gone(status_id)
            if body is None and token:
                # the company's account may no longer see it (its author blocked it): a
                # status the instance still shows to nobody in particular is not gone; an
                # instance that shows nothing without a token (401) leaves the 404 standing
                try:
                    body = status_or_gone(status_id, anonymous=True)
                except AuthError:
                    body = None
                if body is not None:
                    # shown to anybody, not to the source's account: its author blocked it
                    unknown.append(status_id)
                    states[status_id] = BLOCKED
                    notes.append(f"mastodon: {status_id} is not visible to the source's "
                                 "account (blocked by its author?), but not deleted")
                    continue
            if body is None:
                acct = authors.get(status_id)
                found = account(acct) if acct else {}
                if found.get("suspended") is True:
                    unknown.append(status_id)
                    states[status_id] = SUSPENDED
                    notes.append(f"mastodon: {status_id} is hidden because its author's "
                                 "account is suspended, not deleted")
                elif found and (block := blocked(found)):
                    unknown.append(status_id)
                    states[status_id] = block
                    notes.append(f"mastodon: {status_id} is not visible to the source's "
                                 "account (its author blocked it, or it blocks the author's "
                                 "domain), but not known to be deleted")
                elif elsewhere(status_id):
                    # the source's instance may no longer show the author's instance
                    # (defederation: its statuses and account 404 here): only the author's
                    # own instance can say it is gone
                    state, note = at_source(status_id)
                    if state is None:
                        gone.append(status_id)
                    else:
                        unknown.append(status_id)
                        states[status_id] = state
                        notes.append(note)
                else:
                    gone.append(status_id)
                continue
            found, missing, bad = read_statuses([body], [status_id], host)
            posts += found
            if missing:  # unreadable, or another status than the one asked: no answer
                unknown.append(status_id)
                notes += bad or [f"mastodon: {host} answered another status for {status_id}"]
        return Recheck(posts=posts, gone=tuple(gone), unknown=tuple(unknown), notes=tuple(notes),
                       states=states)

    listing = True
    for batch in chunks(ids, BATCH):
        if listing:
            try:
                body = get(f"{base}/api/v1/statuses", [("id[]", i) for i in batch])
            except ConnectorError as exc:
                if exc.status not in NO_LIST_STATUSES or type(exc) is not ConnectorError:
                    raise
                listing = False  # Mastodon before 4.3: every status alone from now on
            else:
                posts, missing, notes = read_statuses(body, batch, host)
                if missing:
                    alone = one_by_one(missing)
                    yield Recheck(posts=posts + alone.posts, gone=alone.gone,
                                  unknown=alone.unknown, notes=(*notes, *alone.notes),
                                  states=alone.states)
                else:
                    yield Recheck(posts=posts, notes=tuple(notes))
                continue
        yield one_by_one(batch)

