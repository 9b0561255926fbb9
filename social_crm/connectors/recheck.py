"""Re-check of stored posts ("is it still there, and what does it say now?"), network by network.

Plain Python, no ``odoo``. Polling sources never see edits nor deletions: the re-check job asks
the network again for posts it already stored. One module per network (``recheck_x``,
``recheck_mastodon``, ``recheck_bluesky``) registers a *checker*: a generator taking the posts'
ids (:attr:`~.base.Post.external_id`) and the source's :class:`~.base.SourceConfig`, yielding
one :class:`Recheck` per request batch of the network (100 X tweets, 25 Bluesky posts, 20
Mastodon statuses).

Every id asked is in exactly one of a batch's ``posts`` (the current version, as the connector
parses it for a poll), ``gone`` (the network said *definitively* that the post no longer
exists: X ``resource-not-found``, Mastodon HTTP 404/410 for the single status, Bluesky absent
from a 200 answer of ``getPosts`` while its author is still served) or ``unknown`` (no
definitive answer for this one: not authorized, a protected or suspended account, an item that
cannot be read; ``notes`` say why). A fault of the whole request (401/403, 429, 5xx, a timeout,
a malformed answer) raises a typed :class:`~.base.ConnectorError`: nothing of that batch is
"gone".

A network that answers "not found" for a post that still exists elsewhere (Mastodon: the
company's instance limits or suspends the author's instance; Bluesky: the AppView hides a post
its moderation took down) is asked at the source (the author's own instance, the author's
PDS), anonymously, at most :data:`DIRECT_CHECKS` times per run: only a "not found" there too
is ``gone``. Such a post is ``unknown`` with a :attr:`Recheck.states` entry the user sees
(:data:`HIDDEN`, :data:`MODERATED`; :data:`UNREACHABLE` when the source could not answer), and
so is one hidden with its author's suspended account (:data:`SUSPENDED`) or by a block between
the author and the source's account (:data:`BLOCKED`, :data:`DOMAIN_BLOCKED`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .base import (
    REMOVED_WHY,
    ConfigurationError,
    Post,
    SourceConfig,
    clean_id,
    clean_str,
    typed_batches,
)
from .util import remember_secrets

#: the post exists at its source but the source's own instance does not show it (it blocks or
#: limits the author's instance: defederation)
HIDDEN = "hidden"
#: the post exists at its source (the author's repository) but the network hides it
#: (a moderation take-down)
MODERATED = "moderated"
#: the source could not tell (the author's instance down, 5xx, unreachable, or it answers
#: only signed requests): asked again at the next re-check
UNREACHABLE = "unknown"
#: the network hides the post with its author's account, which it suspended (or which was
#: deactivated or taken down): it comes back when the account does
SUSPENDED = "suspended"
#: the author blocked the source's account: the network no longer shows the post to it
BLOCKED = "blocked"
#: the source's account blocks the author's domain (instance): the network no longer shows
#: the post to it
DOMAIN_BLOCKED = "domain_blocked"
#: direct checks at the posts' sources per run of one source (only for "not found" answers;
#: a source that failed once in a run is not asked again in that run)
DIRECT_CHECKS = 50
STATES = (HIDDEN, MODERATED, UNREACHABLE, SUSPENDED, BLOCKED, DOMAIN_BLOCKED)


@dataclasses.dataclass(frozen=True)
class Recheck:
    """What the network says now of one batch of asked ids."""

    posts: list[Post] = dataclasses.field(default_factory=list)
    gone: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # sentences for the log (never a secret)
    # a version marker per id where the network gives one but no edit date (Bluesky: the
    # record's CID): a changed marker is an edit
    versions: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # why an ``unknown`` post is no answer, where the user should see it ({id: state}):
    # one of :data:`STATES`
    states: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # why a ``gone`` post was removed, where the network says ({id: why}): one of
    # :data:`~.base.REMOVED_WHY` (Bluesky: "taken_down" by the author's PDS, or "author")
    why: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        put = object.__setattr__
        put(self, "gone", tuple(i for i in (clean_id(v) for v in self.gone) if i))
        put(self, "unknown", tuple(i for i in (clean_id(v) for v in self.unknown) if i))
        put(self, "notes", tuple(n for n in (clean_str(v, 1_000) for v in self.notes) if n))
        put(self, "states", {i: state for key, state in dict(self.states).items()
                             if (i := clean_id(key)) in self.unknown and state in STATES})
        put(self, "why", {i: why for key, why in dict(self.why).items()
                          if (i := clean_id(key)) in self.gone and why in REMOVED_WHY})


#: ``checker(ids, config, session, authors, hints)``; ``authors`` ({post id: the author's
#: :attr:`~.base.Author.external_id`}, possibly partial) lets a checker tell a post deleted by
#: its author from one hidden with its suspended account; ``hints`` ({post id: {"url": its
#: stored :attr:`~.base.Post.url`, "visibility": the stored payload's, where it has one}},
#: possibly partial) where the post lives at its source, and whether anybody may read it there
Checker = Callable[[list[str], SourceConfig, Any, Mapping[str, str],
                    Mapping[str, Mapping[str, str]]], Iterator[Recheck]]
CHECKERS: dict[str, Checker] = {}
#: network -> function giving a stored post's version marker from its raw payload
VERSION_OF: dict[str, Callable[[Any], str | None]] = {}


def register(network: str, version_of: Callable[[Any], str | None] | None = None):
    def decorate(checker: Checker) -> Checker:
        CHECKERS[network] = checker
        if version_of is not None:
            VERSION_OF[network] = version_of
        return checker

    return decorate


def can_recheck(network: str) -> bool:
    return network in CHECKERS


def recheck(network: str, ids: list[str], config: SourceConfig,
            session=None, authors: Mapping[str, str] | None = None,
            hints: Mapping[str, Mapping[str, str]] | None = None) -> Iterator[Recheck]:
    """The current state of the posts ``ids`` on ``network``, one :class:`Recheck` per
    request batch (``authors``: {post id: its author's external id}, ``hints``: {post id:
    {"url", "visibility"}} of the stored post, where known). Raises
    only typed :class:`~.base.ConnectorError`s with the credentials struck out; the batches
    yielded before an error are the caller's to keep."""
    checker = CHECKERS.get(network)
    if checker is None:
        raise ConfigurationError(f"Re-checking posts is not available for {network!r}")
    secrets = tuple(str(v) for v in (config.credentials or {}).values() if v)
    remember_secrets(*secrets)
    ids = list(dict.fromkeys(i for i in (clean_id(v) for v in ids) if i))
    batches = checker(ids, config, session, dict(authors or {}),
                       dict(hints or {}))
    yield from typed_batches(batches, network, secrets, "re-check answer")


def version_of(network: str, raw: Any) -> str | None:
    """The version marker of a stored post's raw payload (None: the network has none, or
    the payload does not say)."""
    function = VERSION_OF.get(network)
    return function(raw) if function and isinstance(raw, Mapping) else None


# the checkers register themselves on import
from . import recheck_bluesky, recheck_mastodon, recheck_x  # noqa: E402

CHECKER_MODULES = (recheck_bluesky, recheck_mastodon, recheck_x)
