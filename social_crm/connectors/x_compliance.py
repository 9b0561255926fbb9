"""X batch compliance jobs (X API v2 ``/2/compliance/jobs``): which stored tweets must go.

X's developer terms ask an app to remove what was deleted on X (and what its authors made
private, or X suspended). Asking tweet by tweet is billed as reads; a batch compliance job is
not: the app creates a job (``POST /2/compliance/jobs`` ``{"type": "tweets"}``, app-only
bearer token), uploads the tweet ids, one per line, as plain text to the job's signed
``upload_url`` (``PUT``, ``Content-Type: text/plain``, no credentials: the URL is signed,
valid about 15 minutes), asks for the job (``GET /2/compliance/jobs/:id``) until its
``status`` is ``complete`` (or ``failed``, ``expired``), then downloads its signed
``download_url`` (valid about a week from the job's creation): JSON lines, one object per
tweet that needs an action: ``id``, ``action``, ``created_at``, ``redacted_at``, ``reason``
(``deleted``, ``deactivated``, ``protected``, ``suspended``, ``scrub_geo``).

Plain Python, no ``odoo``: each step is one function (create, upload, poll, download) with a
timeout on its request, parsing apart (:func:`parse_job`, :func:`read_results`), typed
results. The API calls carry the bearer token (never followed to another host); the signed
URLs carry none: a refusal there (HTTP 400/401/403/404, the signature expired) is an
:class:`ExpiredError`, never a refusal of the source's credentials. A line of the results
that cannot be read is skipped with a note (the others are applied).

A source with the app's consumer key and secret but no bearer token (a push source: the
Account Activity webhook needs only these) gets X's app-only bearer token from them
(:func:`app_bearer_token`: OAuth 2.0 client credentials, ``POST /oauth2/token``,
``grant_type=client_credentials``, HTTP Basic with the URL-encoded key and secret): the one
request of tweepy's ``OAuth2AppHandler``, sent here through :func:`.http.request` (tweepy's
has no timeout and turns X's refusal of the keys into an untyped ``TweepyException``); a
refusal of the keys (HTTP 401/403, X's code 99) is an :class:`AppKeysRefusedError`.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from dateutil import parser as date_parser

from . import http
from .base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    clean_id,
    utc,
)
from .util import parse_datetime, remember_secrets, short, text_of

NETWORK = "x"
API = "https://api.twitter.com/2/compliance/jobs"
TOKEN_URL = "https://api.twitter.com/oauth2/token"
#: a job's states at X; the last three are final
CREATED, IN_PROGRESS, COMPLETE, FAILED, EXPIRED = (
    "created", "in_progress", "complete", "failed", "expired")
STATUSES = (CREATED, IN_PROGRESS, COMPLETE, FAILED, EXPIRED)
#: what the product does of a tweet, from the result's ``reason`` (or its ``action``)
DELETED, SUSPENDED, PROTECTED, DEACTIVATED, SCRUB_GEO = (
    "deleted", "suspended", "protected", "deactivated", "scrub_geo")
KINDS = {
    "delete": DELETED, "deleted": DELETED,
    "suspend": SUSPENDED, "suspended": SUSPENDED,
    "protect": PROTECTED, "protected": PROTECTED,
    "deactivate": DEACTIVATED, "deactivated": DEACTIVATED,
    "scrub_geo": SCRUB_GEO,
}
#: the kinds after which the tweet may not stay in the product (X's developer terms)
REMOVE = frozenset({DELETED, SUSPENDED, PROTECTED, DEACTIVATED})
#: the results file may be large (one line per tweet to act on)
MAX_RESULTS_BYTES = 64 * 1024 * 1024
MAX_NOTES = 20  # notes on unreadable lines kept per download (the rest counted)


class JobEndedError(ConnectorError):
    """The job ended without results to use: ``state`` "failed" (X says so) or "expired"
    (X says so, or its signed URL is refused). A new job has to be made; no fault of the
    credentials."""

    def __init__(self, message: str, *, status: str = EXPIRED):
        super().__init__(message)
        self.state = FAILED if status == FAILED else EXPIRED


class ExpiredError(JobEndedError):
    """A signed upload or download URL refused (expired, or the job's files are gone)."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class AppKeysRefusedError(AuthError):
    """X refuses the app's consumer key and secret (``POST /oauth2/token``): they are wrong
    or revoked (or the app is suspended)."""


@dataclasses.dataclass(frozen=True)
class Job:
    """A compliance job as X describes it."""

    id: str
    status: str
    upload_url: str = ""
    download_url: str = ""
    created_at: dt.datetime | None = None
    upload_expires_at: dt.datetime | None = None
    download_expires_at: dt.datetime | None = None

    def __repr__(self):  # the signed URLs are keys of a kind: never shown
        return f"Job(id={self.id!r}, status={self.status!r})"


@dataclasses.dataclass(frozen=True)
class Action:
    """One line of a job's results."""

    tweet_id: str
    kind: str  # one of KINDS' values
    action: str = ""  # X's words, as given
    reason: str = ""
    created_at: dt.datetime | None = None
    redacted_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Results:
    actions: list[Action] = dataclasses.field(default_factory=list)
    notes: tuple[str, ...] = ()  # lines skipped, for the log
    skipped: int = 0


def _headers(credentials: Mapping[str, str]) -> tuple[dict, tuple[str, ...]]:
    token = (credentials or {}).get("bearer_token")
    if not token:
        raise ConfigurationError("x: credentials['bearer_token'] is missing")
    remember_secrets(token)
    return {"Authorization": f"Bearer {token}"}, (token,)


def _token_refusal(response, body):
    if response.status_code in (400, 401, 403):
        errors = body.get("errors") if isinstance(body, dict) else None
        detail = ""
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            detail = text_of(errors[0].get("message"))
        return AppKeysRefusedError(
            f"x: the app-only bearer token was refused (HTTP {response.status_code}"
            + (f": {short(detail, limit=120)}" if detail else "")
            + "): the consumer key and secret are wrong or revoked",
            status=response.status_code)
    return None


def app_bearer_token(consumer_key: str, consumer_secret: str, *, session=None,
                     timeout: float | None = None) -> str:
    """X's app-only bearer token of the app's consumer key and secret (OAuth 2.0 client
    credentials: ``POST /oauth2/token`` ``grant_type=client_credentials``); X answers
    ``{"token_type": "bearer", "access_token": "..."}`` and gives the same token until the app
    invalidates it. A refusal of the keys is an :class:`AppKeysRefusedError`."""
    if not consumer_key or not consumer_secret:
        raise ConfigurationError("x: the consumer key and secret are missing")
    basic = base64.b64encode(
        f"{quote(consumer_key, safe='')}:{quote(consumer_secret, safe='')}".encode()).decode()
    body, _response = http.request_json(
        session, "POST", TOKEN_URL, network=NETWORK,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}",
                 "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
        secrets=(consumer_key, consumer_secret, basic), timeout=timeout,
        error_hook=_token_refusal)
    token = body.get("access_token")
    if body.get("token_type") != "bearer" or not isinstance(token, str) or not token \
            or len(token) > 4096:
        raise MalformedResponseError("x: the app-only token answer has no bearer token")
    remember_secrets(token)  # never in a message or the log
    return token


def _date(value: Any, field: str) -> dt.datetime | None:
    """An ISO date of X's answer, as it says (an expiry a week ahead stays a week ahead)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and len(value) <= 64:
        with contextlib.suppress(ValueError, OverflowError):
            return utc(date_parser.isoparse(value.strip()))
    return parse_datetime(value, field, NETWORK)  # raises its typed error


def parse_job(body: Any) -> Job:
    """The :class:`Job` of a ``/2/compliance/jobs`` answer (create or look-up)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        errors = body.get("errors") if isinstance(body, dict) else None
        detail = ""
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            detail = text_of(errors[0].get("detail") or errors[0].get("title"))
        raise MalformedResponseError("x: the compliance job answer has no 'data'"
                                     + (f" ({short(detail, limit=200)})" if detail else ""))
    job_id = text_of(data.get("id"))
    status = text_of(data.get("status"))
    if not job_id.isdigit() or len(job_id) > 19:
        raise MalformedResponseError("x: the compliance job answer has no valid 'id'")
    if status not in STATUSES:
        raise MalformedResponseError(
            f"x: the compliance job {job_id} has an unknown status {short(status, limit=40)!r}")
    return Job(
        id=job_id, status=status,
        upload_url=text_of(data.get("upload_url")), download_url=text_of(data.get("download_url")),
        created_at=_date(data.get("created_at"), "created_at"),
        upload_expires_at=_date(data.get("upload_expires_at"), "upload_expires_at"),
        download_expires_at=_date(data.get("download_expires_at"), "download_expires_at"),
    )


def create_job(credentials: Mapping[str, str], *, name: str = "", session=None,
               timeout: float | None = None) -> Job:
    """Create a job for tweet ids (``POST /2/compliance/jobs``); returns it (status
    ``created``, with its signed URLs)."""
    headers, secrets = _headers(credentials)
    payload = {"type": "tweets"}
    if name:
        payload["name"] = name[:64]
    body, _response = http.request_json(
        session, "POST", API, network=NETWORK, json=payload, headers=headers,
        secrets=secrets, timeout=timeout)
    job = parse_job(body)
    if not http.public_origin(job.upload_url) or not http.public_origin(job.download_url):
        raise MalformedResponseError(f"x: the compliance job {job.id} names no public https "
                                     "upload and download address")
    return job


def get_job(credentials: Mapping[str, str], job_id: str, *, session=None,
            timeout: float | None = None) -> Job:
    """The job's state now (``GET /2/compliance/jobs/:id``)."""
    if not text_of(job_id).isdigit():
        raise ConfigurationError("x: a compliance job id is a number")
    headers, secrets = _headers(credentials)
    body, _response = http.request_json(
        session, "GET", f"{API}/{job_id}", network=NETWORK, headers=headers, secrets=secrets,
        timeout=timeout)
    job = parse_job(body)
    if job.id != text_of(job_id):
        raise MalformedResponseError(f"x: asked for compliance job {job_id}, got {job.id}")
    return job


def _signed_refusal(what: str):
    def hook(response, _body):
        if response.status_code in (400, 401, 403, 404, 410):
            return ExpiredError(f"x: the compliance job's {what} URL was refused (HTTP "
                                f"{response.status_code}): expired or gone",
                                status=response.status_code)
        return None
    return hook


def _expired(when: dt.datetime | None, now: dt.datetime | None) -> bool:
    return bool(when and (now or dt.datetime.now(dt.UTC)) >= when)


def upload_ids(job: Job, ids: Iterable[str], *, session=None, timeout: float | None = None,
               now: dt.datetime | None = None) -> int:
    """Upload the tweet ids (one per line, plain text) to the job's signed URL; returns how
    many. Ids that are no tweet id are left out."""
    if _expired(job.upload_expires_at, now):
        raise ExpiredError(f"x: the upload URL of compliance job {job.id} has expired")
    ids = [i for i in dict.fromkeys(clean_id(v) for v in ids) if i and i.isdigit()]
    http.request(session, "PUT", job.upload_url, network=NETWORK,
                 data="\n".join(ids).encode(), headers={"Content-Type": "text/plain"},
                 timeout=timeout, error_hook=_signed_refusal("upload"), public_only=True)
    return len(ids)


def download_results(job: Job, *, session=None, timeout: float | None = None,
                     now: dt.datetime | None = None) -> Results:
    """The results of a complete job (its signed download URL)."""
    if job.status != COMPLETE:
        raise ConfigurationError(f"x: compliance job {job.id} is {job.status}, not complete")
    if not job.download_url:
        raise MalformedResponseError(f"x: compliance job {job.id} names no download URL")
    if _expired(job.download_expires_at, now):
        raise ExpiredError(f"x: the download URL of compliance job {job.id} has expired")
    response = http.request(session, "GET", job.download_url, network=NETWORK,
                            timeout=timeout, error_hook=_signed_refusal("download"),
                            max_bytes=MAX_RESULTS_BYTES, public_only=True)
    return read_results(response.content or b"")


def read_action(item: Any) -> Action:
    """One result object as an :class:`Action` (ValueError when it cannot be used)."""
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    tweet_id = clean_id(item.get("id"))
    if not tweet_id or not tweet_id.isdigit():
        raise ValueError("no tweet id")
    action, reason = text_of(item.get("action")), text_of(item.get("reason"))
    kind = KINDS.get(reason) or KINDS.get(action)
    if not kind:
        raise ValueError(f"unknown action {short(action, limit=40)!r} "
                         f"(reason {short(reason, limit=40)!r})")
    try:
        created = _date(item.get("created_at"), "created_at")
        redacted = _date(item.get("redacted_at"), "redacted_at")
    except MalformedResponseError as exc:
        raise ValueError(str(exc)) from None
    return Action(tweet_id=tweet_id, kind=kind, action=action, reason=reason,
                  created_at=created, redacted_at=redacted)


def read_results(content: bytes | str) -> Results:
    """The actions of a results file (JSON lines); a line that cannot be read is skipped
    and noted."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    actions, notes, skipped = [], [], 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            actions.append(read_action(json.loads(line)))
        except (ValueError, RecursionError) as exc:
            skipped += 1
            if len(notes) < MAX_NOTES:
                notes.append(f"x: compliance results line {number} skipped: "
                             f"{short(exc, limit=120)}")
    if skipped > len(notes):
        notes.append(f"x: {skipped - len(notes)} more compliance result line(s) skipped")
    return Results(actions=actions, notes=tuple(notes), skipped=skipped)
