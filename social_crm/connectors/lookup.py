"""Profile look-up ("enrichment"): the current counts of known accounts, network by network.

Plain Python, no ``odoo``. One module per network (``lookup_x``, ``lookup_mastodon``,
``lookup_bluesky``, ``lookup_youtube``, ``lookup_meta``) registers a *looker*: a generator
taking the accounts wanted and yielding one list of :class:`Profile` per request (the
network's batch: 100 X users, 25 Bluesky actors, 50 YouTube channels, one Mastodon or Graph
account). Every wanted account gets exactly one profile in the batch that asked for it:
``found`` (with the :class:`~.base.Author` as the network describes it now), ``missing``
(deleted, renamed away, never existed), ``suspended``, ``unavailable`` (the network does not
give it to these credentials, e.g. a Facebook person) or ``error`` (this one account failed,
the others go on).

A rate limit raises :class:`~.base.RateLimitError` (with ``reset_at``): the batches yielded
before it are the caller's to keep, the rest waits for the reset. Nothing here sleeps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .base import (
    DEFAULT_TIMEOUT,
    MAX_RESPONSE_BYTES,
    Author,
    ConfigurationError,
    clean_id,
    clean_str,
    typed_batches,
)
from .util import remember_secrets

FOUND = "found"
MISSING = "missing"
SUSPENDED = "suspended"
UNAVAILABLE = "unavailable"
ERROR = "error"
STATUSES = (FOUND, MISSING, SUSPENDED, UNAVAILABLE, ERROR)


@dataclasses.dataclass(frozen=True)
class Wanted:
    """One account to look up. ``key`` is the caller's (an identity id); the network is
    asked by ``external_id`` where known, else by ``handle``."""

    key: str
    external_id: str | None = None
    handle: str | None = None

    def __post_init__(self):
        put = object.__setattr__
        put(self, "key", str(self.key))
        put(self, "external_id", clean_id(self.external_id))
        handle = clean_str(self.handle, 512)
        put(self, "handle", handle.lstrip("@") or None if handle else None)


@dataclasses.dataclass(frozen=True)
class Profile:
    """What the network says of one wanted account now."""

    key: str
    status: str
    author: Author | None = None
    reason: str | None = None  # a sentence for users (missing, suspended, error)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown look-up status {self.status!r}")
        if self.status == FOUND and self.author is None:
            raise ValueError("a found profile needs its author")
        object.__setattr__(self, "reason", clean_str(self.reason, 1_000))


@dataclasses.dataclass(frozen=True)
class LookupConfig:
    """Credentials and endpoints for one network and company."""

    credentials: Mapping[str, str] = dataclasses.field(default_factory=dict)
    base_url: str = ""  # Graph API base, YouTube API base, Bluesky AppView...
    account_id: str = ""  # Instagram: our business account id (business discovery)
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def secrets(self) -> tuple[str, ...]:
        return tuple(str(v) for v in (self.credentials or {}).values() if v)

    def __repr__(self):  # never show credentials
        return f"LookupConfig(base_url={self.base_url!r}, account_id={self.account_id!r})"


Looker = Callable[[list[Wanted], LookupConfig, Any], Iterator[list[Profile]]]
LOOKERS: dict[str, Looker] = {}


def register(network: str):
    def decorate(looker: Looker) -> Looker:
        LOOKERS[network] = looker
        return looker

    return decorate


def can_lookup(network: str) -> bool:
    return network in LOOKERS


def lookup(network: str, wanted: list[Wanted], config: LookupConfig,
           session=None) -> Iterator[list[Profile]]:
    """Profiles of ``wanted`` on ``network``, one list per request made.

    Raises only typed :class:`~.base.ConnectorError`s with the credentials struck out
    (:class:`~.base.RateLimitError`: stop and resume at ``reset_at``)."""
    looker = LOOKERS.get(network)
    if looker is None:
        raise ConfigurationError(f"Looking up profiles is not available for {network!r}")
    secrets = config.secrets()
    remember_secrets(*secrets)
    batches = looker(list(wanted), config, session)
    yield from typed_batches(batches, network, secrets, "profile answer")


def not_asked(items: list[Wanted], reason: str) -> list[Profile]:
    """Profiles of wanted accounts the network cannot be asked about (no id, no handle)."""
    return [Profile(w.key, UNAVAILABLE, reason=reason) for w in items]


# the lookers register themselves on import
from . import (  # noqa: E402
    lookup_bluesky,
    lookup_mastodon,
    lookup_meta,
    lookup_x,
    lookup_youtube,
)

LOOKER_MODULES = (lookup_bluesky, lookup_mastodon, lookup_meta, lookup_x, lookup_youtube)
