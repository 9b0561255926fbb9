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
status is no answer. An account the instance no longer knows (404) took its statuses with
it: gone. An instance older than 4.3 answers the list with 404: every status is then asked
alone. A status's ``edited_at`` says whether (and when) it was edited: ingestion keeps only a
newer version. The source's token is sent (as when polling), never to another host.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import requests

from . import http, mastodon
from .base import AuthError, ConnectorError, RateLimitError, SourceConfig, chunks
from .recheck import Recheck, register
from .util import expect_list, parse_each

NETWORK = "mastodon"
BATCH = 20
GONE_STATUSES = (404, 410)
NO_LIST_STATUSES = (404, 405)  # an instance before 4.3 has no GET /api/v1/statuses


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
            authors=None) -> Iterator[Recheck]:
    session = session or requests.Session()
    base = mastodon.instance_url(config.base_url)
    host = urlsplit(base).netloc
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

    blocked_of: dict[str, bool] = {}

    def blocked(found: dict) -> bool:
        """Whether the author blocked the source's account, or that account blocks the
        author's domain (``GET /api/v1/accounts/relationships``: ``blocked_by``,
        ``domain_blocking``): the author's followers-only and limited statuses are then 404
        with the token and without, though not deleted. Faults raise."""
        account_id = str(found.get("id") or "")
        if not token or not account_id:
            return False
        if account_id not in blocked_of:
            relations = get(f"{base}/api/v1/accounts/relationships", [("id[]", account_id)])
            relation = next((r for r in relations if isinstance(r, dict)
                             and str(r.get("id")) == account_id), {})
            blocked_of[account_id] = relation.get("blocked_by") is True \
                or relation.get("domain_blocking") is True
        return blocked_of[account_id]

    def one_by_one(batch: list[str]) -> Recheck:
        posts, gone, unknown, notes = [], [], [], []
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
                    unknown.append(status_id)
                    notes.append(f"mastodon: {status_id} is not visible to the source's "
                                 "account (blocked by its author?), but not deleted")
                    continue
            if body is None:
                acct = (authors or {}).get(status_id)
                found = account(acct) if acct else {}
                if found.get("suspended") is True:
                    unknown.append(status_id)
                    notes.append(f"mastodon: {status_id} is hidden because its author's "
                                 "account is suspended, not deleted")
                elif found and blocked(found):
                    unknown.append(status_id)
                    notes.append(f"mastodon: {status_id} is not visible to the source's "
                                 "account (its author blocked it, or it blocks the author's "
                                 "domain), but not known to be deleted")
                else:
                    gone.append(status_id)
                continue
            found, missing, bad = read_statuses([body], [status_id], host)
            posts += found
            if missing:  # unreadable, or another status than the one asked: no answer
                unknown.append(status_id)
                notes += bad or [f"mastodon: {host} answered another status for {status_id}"]
        return Recheck(posts=posts, gone=tuple(gone), unknown=tuple(unknown), notes=tuple(notes))

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
                                  unknown=alone.unknown, notes=(*notes, *alone.notes))
                else:
                    yield Recheck(posts=posts, notes=tuple(notes))
                continue
        yield one_by_one(batch)

