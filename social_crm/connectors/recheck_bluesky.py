"""Bluesky posts by at:// uri (``app.bsky.feed.getPosts``: 25 uris per request).

The AppView answers the post views it has; a uri absent from a 200 answer is gone only when its
author's profile is still served (``app.bsky.actor.getProfiles``, 25 actors per request): an
AppView strips a deactivated or taken-down account from its answers, posts and profile alike,
and such an account may come back, so its posts are no answer (``unknown``, state
:data:`~.recheck.SUSPENDED`), never deleted. The
request carries no token: an AppView leaves out the posts of authors who block the viewer (or
whom it blocks), which must not read as deleted. The answer must carry ``posts`` (the lexicon's
required field): a body without it is malformed and deletes nothing. A post view has no edit
date: its ``cid`` (the hash of the record's current version) is the version marker; a stored
post whose CID differs was edited (the caller compares, :data:`.recheck.VERSION_OF`).

The AppView also leaves out a post its moderation took down (or hid), its author still served:
absent is no proof of a deletion. Such a post is asked where it lives, anonymously: its
author's PDS (from the DID document: ``https://plc.directory/<did>`` for ``did:plc``,
``https://<host>/.well-known/did.json`` for ``did:web``; the service ``#atproto_pds``),
``com.atproto.repo.getRecord`` (at most :data:`~.recheck.DIRECT_CHECKS` per run). Only its
``RecordNotFound`` (HTTP 400) is "gone"; the record there means hidden by the network
(:data:`~.recheck.MODERATED`, kept); a fault (timeout, 5xx, 429, an unknown DID, a DID
document naming no public PDS, another error such as ``RepoTakendown``) is
:data:`~.recheck.UNREACHABLE` (kept, asked again at the next re-check).

A PDS that took the author's account down answers ``RecordNotFound`` too (it serves nothing
of a taken-down repository, and passes the question on to the AppView, which no longer has
it). Which one it was, the PDS says in ``com.atproto.sync.getRepoStatus`` (one request per
author and run, after a ``RecordNotFound`` only): ``active: false`` with ``status:
"takendown"`` is a take-down by the host (gone, :attr:`~.recheck.Recheck.why`
``taken_down``); ``suspended`` or ``deactivated`` may end (kept, state
:data:`~.recheck.SUSPENDED`, as when the AppView hides the account); an active repository
(or a ``deleted`` account) means the author deleted it (``author``). A PDS that cannot say
(no such method, a fault) leaves the post gone without a reason, as before. A take-down of
the one record by the PDS (its account active) cannot be told from a deletion by the public
API: it reads as deleted by its author.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from . import bluesky, http
from .base import ConnectorError, GoneError, MalformedResponseError, SourceConfig, chunks
from .recheck import DIRECT_CHECKS, MODERATED, SUSPENDED, UNREACHABLE, Recheck, register
from .util import cap_items, expect_list, parse_each, text_of

#: ``getRepoStatus`` statuses of an inactive account that may end (the post is kept)
PAUSED = frozenset({"suspended", "deactivated"})

NETWORK = "bluesky"
BATCH = 25
PLC_DIRECTORY = "https://plc.directory"
POST_COLLECTION = "app.bsky.feed.post"


def did_of(uri: str) -> str | None:
    """The author's DID of an ``at://did/collection/rkey`` uri."""
    authority = uri[len("at://"):].split("/", 1)[0] if uri.startswith("at://") else ""
    return authority if authority.startswith("did:") else None


def read_profiles(body: Any) -> set[str]:
    """The DIDs of one ``getProfiles`` answer (the lexicon's required ``profiles``)."""
    if not isinstance(body, dict) or not isinstance(body.get("profiles"), list):
        raise MalformedResponseError("bluesky: the getProfiles answer has no 'profiles' list")
    return {did for p in body["profiles"] if isinstance(p, dict) and (did := text_of(p.get("did")))}


def authors_served(session, base: str, dids: list[str], config: SourceConfig) -> set[str]:
    """Which of these authors' profiles the AppView still serves (one request per 25)."""
    served: set[str] = set()
    for batch in chunks(dids, BATCH):
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.actor.getProfiles", network=NETWORK,
            params=[("actors", d) for d in batch], timeout=config.timeout, expect=dict,
            max_bytes=config.max_response_bytes)
        served |= read_profiles(body)
    return served


def keep_hidden_authors(result: Recheck, served: set[str]) -> Recheck:
    """``result`` with the absent posts of authors no longer served moved to ``unknown``."""
    hidden = tuple(u for u in result.gone if did_of(u) not in served)
    if not hidden:
        return result
    return dataclasses.replace(
        result,
        gone=tuple(u for u in result.gone if u not in hidden),
        unknown=(*result.unknown, *hidden),
        states={**result.states, **dict.fromkeys(hidden, SUSPENDED)},
        notes=(*result.notes, f"bluesky: {len(hidden)} post(s) absent because their author's "
               "account is deactivated or taken down (no deletion)"),
    )


def rkey_of(uri: str) -> str | None:
    """The record key of an ``at://did/app.bsky.feed.post/rkey`` uri."""
    parts = uri[len("at://"):].split("/") if uri.startswith("at://") else []
    return parts[2] if len(parts) == 3 and parts[1] == POST_COLLECTION and parts[2] else None


def did_document_url(did: str) -> str | None:
    """Where a DID's document is read (None: a method or host that is not asked)."""
    if did.startswith("did:plc:") and did[8:].isalnum():
        return f"{PLC_DIRECTORY}/{did}"
    if did.startswith("did:web:"):
        origin = http.public_origin(f"https://{did[8:]}/")
        return f"{origin}/.well-known/did.json" if origin and ":" not in did[8:] else None
    return None


def pds_of(document: Any, did: str) -> str | None:
    """The PDS of a DID document (its service ``#atproto_pds`` of type
    ``AtprotoPersonalDataServer``) when it is a public https address, else None."""
    if not isinstance(document, dict) or document.get("id") != did:
        return None
    services = document.get("service")
    for service in services if isinstance(services, list) else ():
        if isinstance(service, dict) and str(service.get("id") or "").endswith("#atproto_pds") \
                and service.get("type") == "AtprotoPersonalDataServer":
            return http.public_origin(service.get("serviceEndpoint"))
    return None


def _record_not_found(response, body):
    """``getRecord``'s "no such record" (HTTP 400, error ``RecordNotFound``) as a GoneError."""
    if response.status_code == 400 and isinstance(body, dict) \
            and body.get("error") == "RecordNotFound":
        return GoneError("bluesky: the author's PDS has no such record", status=400)
    return None


class SourceCheck:
    """Asks the author's PDS, for posts the AppView left out though their author is
    served, whether the record still exists (one DID document per author and run, at most
    :data:`~.recheck.DIRECT_CHECKS` records per run; a PDS that failed is not asked again in
    the run). Never raises: a fault is the post's own "unknown"."""

    def __init__(self, session, config: SourceConfig):
        self.session, self.config = session, config
        self.left = DIRECT_CHECKS
        self.pds: dict[str, str | None] = {}  # did -> PDS (None: could not be resolved)
        self.failed: set[str] = set()  # PDSes (or DIDs) that failed in this run
        self.statuses: dict[str, str | None] = {}  # did -> its hosting status at its PDS

    def get(self, url, params=None, error_hook=None):
        """A DID document or a record at a PDS: addresses from the network's data, so only
        public ones are connected to (``public_only``)."""
        body, _response = http.request_json(
            self.session, "GET", url, network=NETWORK, params=params,
            timeout=self.config.timeout, expect=dict, error_hook=error_hook,
            max_bytes=self.config.max_response_bytes, public_only=True)
        return body

    def resolve(self, did: str) -> str | None:
        if did not in self.pds:
            where = did_document_url(did)
            try:
                self.pds[did] = pds_of(self.get(where), did) if where else None
            except ConnectorError:
                self.pds[did] = None
        return self.pds[did]

    def repo_status(self, pds: str, did: str) -> str | None:
        """The hosting status of ``did``'s repository at its PDS
        (``com.atproto.sync.getRepoStatus``): "active", the ``status`` of an inactive one
        ("takendown", "suspended", "deactivated", "deleted"... or "" when it makes no claim),
        None when the PDS could not say. Once per DID and run."""
        if did not in self.statuses:
            try:
                body = self.get(f"{pds}/xrpc/com.atproto.sync.getRepoStatus", [("did", did)])
            except ConnectorError:
                body = None
            active = body.get("active") if isinstance(body, dict) \
                and text_of(body.get("did")) == did else None
            if active is True:
                self.statuses[did] = "active"
            elif active is False:
                self.statuses[did] = text_of(body.get("status"))
            else:
                self.statuses[did] = None
        return self.statuses[did]

    def __call__(self, uri: str) -> tuple[str | None, str]:
        """``(None, why)`` when the record is gone at its PDS too (``why``: see
        :attr:`~.recheck.Recheck.why`, "" when the PDS does not say), else ``(state, note)``
        (state "": not asked in this run)."""
        did, rkey = did_of(uri), rkey_of(uri)
        if not did or not rkey:
            return UNREACHABLE, f"bluesky: {uri} names no post record that can be asked for"
        if self.left <= 0:  # not asked: no state, it keeps the one it had
            return "", (f"bluesky: {uri} is absent from the AppView; its author's "
                                 "PDS is asked at the next re-check (the direct checks of "
                                 "this run are used up)")
        pds = self.resolve(did)
        if not pds:
            return UNREACHABLE, (f"bluesky: {uri} is absent from the AppView and its author's "
                                 "PDS could not be found: not known to be deleted")
        if pds in self.failed:
            return UNREACHABLE, (f"bluesky: {uri} is absent from the AppView and its author's "
                                 "PDS did not answer in this run: not deleted, asked again later")
        self.left -= 1
        try:
            body = self.get(f"{pds}/xrpc/com.atproto.repo.getRecord",
                            [("repo", did), ("collection", POST_COLLECTION), ("rkey", rkey)],
                            error_hook=_record_not_found)
        except GoneError:
            status = self.repo_status(pds, did)
            if status in PAUSED:
                return SUSPENDED, (f"bluesky: {uri} is not served by its author's PDS, whose "
                                   f"account is {status} there: not deleted")
            if status == "takendown":
                return None, "taken_down"
            return None, "author" if status in ("active", "deleted") else ""
        except ConnectorError as exc:
            self.failed.add(pds)
            return UNREACHABLE, (f"bluesky: {uri} is absent from the AppView and its author's "
                                 f"PDS did not answer ({exc}): not deleted, asked again later")
        if text_of(body.get("uri")) != uri or not isinstance(body.get("value"), dict):
            return UNREACHABLE, (f"bluesky: the PDS answered another record for {uri}: not "
                                 "known to be deleted")
        return MODERATED, (f"bluesky: {uri} still exists in its author's repository, but the "
                           "AppView does not show it (taken down or hidden by moderation): "
                           "not deleted")


def ask_sources(result: Recheck, check: SourceCheck) -> Recheck:
    """``result`` with its absent posts asked at their authors' PDS: only those gone there
    too stay ``gone``."""
    gone, unknown, notes, states = [], list(result.unknown), list(result.notes), dict(
        result.states)
    why = dict(result.why)
    for uri in result.gone:
        state, note = check(uri)
        if state is None:
            gone.append(uri)
            if note:
                why[uri] = note
        else:
            unknown.append(uri)
            states[uri] = state
            notes.append(note)
    return dataclasses.replace(result, gone=tuple(gone), unknown=tuple(unknown),
                               notes=tuple(notes), states=states, why=why)


def cid_of(raw: Any) -> str | None:
    """The CID of a stored post's raw payload: a post view (``cid``) or a Jetstream commit
    (``commit.cid``)."""
    if not isinstance(raw, Mapping):
        return None
    commit = raw.get("commit") if isinstance(raw.get("commit"), Mapping) else {}
    return text_of(raw.get("cid") or commit.get("cid")) or None


def read_posts(body: Any, asked: list[str]) -> Recheck:
    """The :class:`Recheck` of one ``getPosts`` answer for the uris ``asked``."""
    if not isinstance(body, dict) or not isinstance(body.get("posts"), list):
        raise MalformedResponseError("bluesky: the getPosts answer has no 'posts' list")
    items, over = cap_items(expect_list(body["posts"], "posts", NETWORK), NETWORK, "posts")
    views = {text_of(v.get("uri")): v for v in items if isinstance(v, dict)}
    posts, rejected = parse_each([views[u] for u in asked if u in views],
                                 lambda v: bluesky.parse_post(v, {}), NETWORK, "posts",
                                 id_keys=("uri",))
    found = {p.external_id: p for p in posts}
    return Recheck(
        posts=list(found.values()),
        gone=tuple(u for u in asked if u not in views),
        unknown=tuple(u for u in asked if u in views and u not in found),
        notes=tuple(r.reason for r in [*rejected, *over]),
        versions={u: cid for u in found if (cid := text_of(views[u].get("cid")))},
    )


@register(NETWORK, version_of=cid_of)
def recheck(ids: list[str], config: SourceConfig, session=None,
            authors=None, hints=None) -> Iterator[Recheck]:
    session = session or requests.Session()
    base = (config.base_url or bluesky.DEFAULT_BASE_URL).strip().rstrip("/")
    if base.startswith(("ws://", "wss://")):
        base = bluesky.DEFAULT_BASE_URL  # a Jetstream address is no AppView
    # asked as nobody: an AppView leaves out of ``getPosts`` the posts of an author who blocks
    # the viewer, or whom the viewer blocks, which would read as deleted (an AppView that
    # wants a token answers 401: the re-check fails visibly and deletes nothing)
    uris = [i for i in ids if i.startswith("at://")]
    if len(uris) < len(ids):
        yield Recheck(unknown=tuple(i for i in ids if not i.startswith("at://")),
                      notes=("bluesky: an id that is no at:// uri cannot be re-checked",))
    check = SourceCheck(session, config)
    for batch in chunks(uris, BATCH):
        body, _response = http.request_json(
            session, "GET", f"{base}/xrpc/app.bsky.feed.getPosts", network=NETWORK,
            params=[("uris", u) for u in batch], timeout=config.timeout, expect=dict,
            max_bytes=config.max_response_bytes)
        result = read_posts(body, batch)
        if result.gone:
            dids = list(dict.fromkeys(d for u in result.gone if (d := did_of(u))))
            result = keep_hidden_authors(result, authors_served(session, base, dids, config))
        if result.gone:
            result = ask_sources(result, check)
        yield result
