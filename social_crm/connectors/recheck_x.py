"""X tweets by id (``GET /2/tweets?ids=...``: 100 per request).

A tweet X cannot return comes in the answer's ``errors``: only ``"type":
"https://api.twitter.com/2/problems/resource-not-found"`` (``"title": "Not Found Error"``)
is a deletion (unless its detail speaks of a suspension: no answer, state
:data:`~.recheck.SUSPENDED`); ``"Authorization Error"`` (a protected or suspended account)
and any other problem is no answer (the post stays). An
edited tweet is answered as its original, whose ``edit_history_tweet_ids`` lists every
version, the latest last: the latest versions of a batch are read in a second request and
parsed as ingestion parses an edit (the original's id, the version's id, ``edited_at`` the
version's creation). X bills reads: the
source decides whether its posts are re-checked at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import x
from .base import MalformedResponseError, SourceConfig, chunks
from .recheck import SUSPENDED, Recheck, register
from .util import expect_dict, expect_list, text_of

NETWORK = "x"
BATCH = 100
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
TWEET_FIELDS = [*x.TWEET_FIELDS, "edit_history_tweet_ids"]


def _problems(body: dict) -> dict[str, dict]:
    """{tweet id: error entry} of an answer's ``errors``."""
    problems = {}
    for error in expect_list(body.get("errors"), "errors", NETWORK):
        if not isinstance(error, dict):
            continue
        value = text_of(error.get("resource_id") or error.get("value"))
        if value:
            problems[value] = error
    return problems


def _checked(body: Any) -> dict:
    body = expect_dict(body, "the answer", NETWORK)
    if "data" not in body and "errors" not in body:
        raise MalformedResponseError("x: the tweet look-up answer has neither 'data' nor 'errors'")
    return body


def latest_version(tweet: Any) -> str | None:
    """The id of the latest version of an edited tweet (None: not edited)."""
    if not isinstance(tweet, dict):
        return None
    history = tweet.get("edit_history_tweet_ids")
    ids = [text_of(i) for i in history if text_of(i)] if isinstance(history, list) else []
    latest = ids[-1] if ids else None
    return latest if latest and latest != text_of(tweet.get("id")) else None


def read_tweets(body: Any, asked: list[str], latest_body: Any = None) -> Recheck:
    """The :class:`Recheck` of one ``/2/tweets`` answer for the ids ``asked`` (and of the
    answer for their latest versions, when some were edited)."""
    body = _checked(body)
    posts, rejected = x.read_tweets(body)
    by_id = {p.external_id: p for p in posts}
    problems = _problems(body)
    notes = [r.reason for r in rejected]
    if latest_body is not None:
        latest_body = _checked(latest_body)
        versions, bad = x.read_tweets(latest_body)
        notes += [r.reason for r in bad]
        latest_problems = _problems(latest_body)
        edited = {v.external_id: v for v in versions if v.version_external_id}
        for original, post in list(by_id.items()):
            wanted = latest_version(post.raw)
            if not wanted:
                continue
            version = edited.get(original)
            if version is not None and version.version_external_id == wanted:
                by_id[original] = version
            else:  # the latest version not readable now: no answer for this post
                del by_id[original]
                problems.setdefault(original, latest_problems.get(wanted) or {
                    "detail": f"x: the latest version {wanted} of {original} was not returned"})
    gone, unknown, states = [], [], {}
    for tweet_id in asked:
        if tweet_id in by_id:
            continue
        error = problems.get(tweet_id)
        suspended = "suspend" in text_of((error or {}).get("detail")).lower()
        if error and text_of(error.get("type")) == NOT_FOUND and not suspended:
            gone.append(tweet_id)
        else:
            unknown.append(tweet_id)
            if suspended:
                states[tweet_id] = SUSPENDED
            detail = text_of((error or {}).get("detail")) or text_of((error or {}).get("title"))
            notes.append(f"x: no answer for {tweet_id}: "
                         + (detail or "X said nothing of it"))
    return Recheck(posts=[by_id[i] for i in asked if i in by_id], gone=tuple(gone),
                   unknown=tuple(unknown), notes=tuple(notes), states=states)


@register(NETWORK)
def recheck(ids: list[str], config: SourceConfig, session=None,
            authors=None, hints=None) -> Iterator[Recheck]:
    credentials = config.credentials or {}
    client = x.make_client(credentials, timeout=config.timeout, session=session,
                           max_bytes=config.max_response_bytes)
    secrets = tuple(str(v) for v in credentials.values() if v)
    params = {"expansions": x.EXPANSIONS, "tweet_fields": TWEET_FIELDS,
              "user_fields": x.USER_FIELDS}
    for batch in chunks([i for i in ids if i.isdigit()], BATCH):
        with x.translate_errors(secrets, "tweet look-up"):
            body = client.get_tweets(batch, **params)
        body = _checked(body)
        data = expect_list(body.get("data"), "data", NETWORK)
        latest = [v for v in (latest_version(t) for t in data) if v]
        latest_body = None
        if latest:
            with x.translate_errors(secrets, "tweet look-up"):
                latest_body = client.get_tweets(latest, **params)
        yield read_tweets(body, batch, latest_body)
    other = [i for i in ids if not i.isdigit()]
    if other:
        yield Recheck(unknown=tuple(other), notes=("x: an id that is no number cannot be "
                                                   "re-checked",))
