"""Re-check of stored posts: plain decisions, tested without a database.

:func:`plan` turns a network's answer (:class:`~..connectors.recheck.Recheck`) for stored
posts into what the existing paths take: the current versions for
``social.crm.post._ingest_posts`` (its edit path replaces a text only with a newer version)
and the deletions for ``social.crm.post._ingest_deletions``. Nothing here decides what an
edit or a deletion does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..connectors.base import Deletion, Post
from ..connectors.recheck import Recheck
from .ingest import naive_utc

#: the smallest step that makes a version "newer" than the stored one
TICK = dt.timedelta(microseconds=1)
#: networks whose current version does not say when it was edited (Bluesky: a record
#: rewritten in place, only its CID changes); on the others (Mastodon ``edited_at``, an X
#: edit's new version) a version without an edit date was never edited, whatever its text
#: (the stored one may differ by the personal data removed from it)
UNDATED_EDITS = frozenset({"bluesky"})


@dataclasses.dataclass(frozen=True)
class Stored:
    """A stored post as the re-check needs it."""

    external_id: str
    text: str = ""
    edited_at: dt.datetime | None = None  # naive UTC, as the database gives it
    version: str | None = None  # the network's version marker where it has one (Bluesky)


@dataclasses.dataclass
class Plan:
    posts: list[Post] = dataclasses.field(default_factory=list)  # for _ingest_posts
    deletions: list[Deletion] = dataclasses.field(default_factory=list)  # _ingest_deletions
    answered: set[str] = dataclasses.field(default_factory=set)  # ids the network answered
    # {id: why the post is kept though not found (``connectors.recheck.STATES``), or "" for a
    # post the network showed again}; an id not in it keeps what it had
    states: dict[str, str] = dataclasses.field(default_factory=dict)


def changed_without_date(stored: Stored, post: Post, version: str | None) -> bool:
    """Whether a version the network gives without an edit date differs from the stored
    one: by the version marker when both are known (a stored text may differ only by the
    personal data removed from it), else by the text."""
    if stored.version and version:
        return stored.version != version
    return (post.text or "") != (stored.text or "")


def plan(stored: dict[str, Stored], answer: Recheck, network: str, now: dt.datetime) -> Plan:
    """What to hand on of ``answer`` for the posts ``stored`` ({external id: Stored}).

    A version with an edit date (Mastodon ``edited_at``, an X edit) goes as it is: the
    ingestion's edit path keeps it only when it is newer than the stored one; one without
    it there was never edited (its counts only). A version of a network that gives no edit
    date (:data:`UNDATED_EDITS`: Bluesky) that differs from the stored one gets the time of
    the re-check as its edit date (the network does not say when; later than the stored
    version's), so the same edit path takes it. Only the ids the network answered
    definitively as gone become deletions; ``unknown`` ids are left alone, except that the
    reason the network gave for keeping one (``answer.states``: hidden by its instance,
    moderated, its source unreachable) is recorded, and cleared for a post it shows again."""
    result = Plan()
    for post in answer.posts:
        known = stored.get(post.external_id)
        if known is None:
            continue  # not asked (the network answered more than it was asked)
        result.answered.add(post.external_id)
        if post.edited_at is None and network in UNDATED_EDITS:
            version = answer.versions.get(post.external_id)
            if changed_without_date(known, post, version):
                when = naive_utc(now, now)
                if known.edited_at and when <= known.edited_at:
                    when = known.edited_at + TICK
                post = dataclasses.replace(post, edited_at=when.replace(tzinfo=dt.UTC))
        result.posts.append(post)
    for external_id in answer.gone:
        if external_id in stored:
            result.answered.add(external_id)
            result.deletions.append(Deletion(network=network, external_id=external_id,
                                             why=answer.why.get(external_id, "")))
    result.states = states_of(stored, answer)
    return result


def states_of(stored: dict[str, Stored], answer: Recheck) -> dict[str, str]:
    """{external id: state} of the stored posts ``answer`` says something of: the reason it
    gave for keeping one it did not show (``answer.states``), "" for one it showed."""
    states = {p.external_id: "" for p in answer.posts if p.external_id in stored}
    states.update((i, state) for i, state in answer.states.items() if i in stored)
    return states
