"""Per-contact inputs of the score and helpers that aggregate them from raw rows.

The Odoo side should feed one :class:`ContactInput` per contact, built from a few batched
reads (one row per partner). The equivalent SQL aggregates are:

* reach / professional, from ``social_crm_identity`` grouped by ``partner_id``:
  ``SUM(followers_count)``, ``COUNT(*)`` (professional: only LinkedIn / Xing identities);
* engagement, from the contact's posts with ``posted_at >= now - window``:
  ``COUNT(*)``, ``SUM(likes + reposts + replies + quotes)``;
* mentions, from the contact's posts that mention the company:
  ``COUNT(*)``, ``SUM(POWER(0.5, GREATEST(EXTRACT(EPOCH FROM (now - posted_at)), 0)
  / 86400.0 / half_life_days))``.

The ``aggregate_*`` helpers compute the same numbers in Python from raw rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import UTC, datetime

#: network codes whose identities count as professional (followers or connections).
PROFESSIONAL_NETWORKS = ("linkedin", "xing")

SECONDS_PER_DAY = 86400.0


@dataclass(slots=True)
class ContactInput:
    """Pre-aggregated numbers of one contact (every number >= 0).

    * ``followers`` / ``identities``: sum of the followers over the contact's identities and
      how many identities were summed (reach);
    * ``posts`` / ``reactions``: number of the contact's posts in the window and the sum of
      their reactions (likes + reposts + replies + quotes) (engagement);
    * ``mentions`` / ``mention_count``: decayed sum of the contact's posts mentioning the
      company (each weighs ``0.5 ** (age_days / half_life_days)``) and their plain count;
    * ``professional_followers`` / ``professional_identities``: followers or connections on
      professional networks (LinkedIn, Xing) and how many such identities.
    """

    partner_id: int
    followers: float = 0
    identities: int = 0
    posts: int = 0
    reactions: float = 0
    mentions: float = 0.0
    mention_count: int = 0
    professional_followers: float = 0
    professional_identities: int = 0

    @classmethod
    def from_raw(
        cls,
        partner_id,
        follower_counts=(),
        professional_counts=(),
        posts=(),
        mention_times=(),
        settings=None,
        now=None,
    ):
        """Build the input of one contact from raw numbers.

        ``follower_counts``: followers of each of the contact's identities (reach);
        ``professional_counts``: followers/connections of each professional identity;
        ``posts``: ``(posted_at, reaction_count, ...)`` tuples, reactions summed, only posts
        in the window count; ``mention_times``: ``posted_at`` of each mention of the company.
        ``settings`` gives window and half-life, ``now`` overrides ``settings.now``.
        """
        from .settings import ScoringSettings

        settings = settings or ScoringSettings()
        values = {"followers": 0, "identities": 0}
        for count in follower_counts:
            values["followers"] += _count(count)
            values["identities"] += 1
        professional_counts = list(professional_counts)
        values["professional_followers"] = sum(_count(count) for count in professional_counts)
        values["professional_identities"] = len(professional_counts)
        rows = [(partner_id, *post) for post in posts]
        values.update(aggregate_posts(rows, settings, now).get(partner_id, {}))
        rows = [(partner_id, when) for when in mention_times]
        values.update(aggregate_mentions(rows, settings, now).get(partner_id, {}))
        return cls(partner_id, **values)


CONTACT_FIELDS = tuple(f.name for f in fields(ContactInput) if f.name != "partner_id")


def _count(value):
    """A count from the database: None/False (NULL) is 0; negative counts are refused."""
    if value is None or value is False:
        return 0
    if value < 0:
        raise ValueError(f"Counts cannot be negative, got {value!r}.")
    return value


def to_timestamp(when):
    """Seconds since the epoch of a datetime (naive = UTC, as Odoo stores it) or a number."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    if isinstance(when, (int, float)) and not isinstance(when, bool):
        return float(when)
    raise ValueError(f"Expected a datetime or a timestamp, got {when!r}.")


def reference_time(settings, now=None):
    """The timestamp of ``now``, else of ``settings.now``, else of the current time."""
    now = now if now is not None else settings.now
    return to_timestamp(now if now is not None else datetime.now(UTC))


def decay_weight(age_days, half_life_days):
    """Weight of a mention ``age_days`` old: 1 when new, exactly 0.5 at one half-life.

    Mentions dated in the future (clock skew) count as new.
    """
    if half_life_days <= 0:
        raise ValueError(f"half_life_days must be greater than 0, got {half_life_days!r}.")
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def aggregate_identities(rows, professional_networks=PROFESSIONAL_NETWORKS, reach_all=True):
    """``(partner_id, network_code, followers)`` rows -> ``{partner_id: {field: value}}``.

    Identities on ``professional_networks`` feed the professional part; with ``reach_all``
    (the default) they also count in the reach, which sums all of the contact's identities.
    ``followers`` may be None (counted as 0 followers, but the identity still counts).
    """
    professional = {code.lower() for code in professional_networks}
    result = {}
    for partner_id, network_code, followers in rows:
        followers = _count(followers)
        values = result.get(partner_id)
        if values is None:
            values = result[partner_id] = {
                "followers": 0,
                "identities": 0,
                "professional_followers": 0,
                "professional_identities": 0,
            }
        is_professional = bool(network_code) and network_code.lower() in professional
        if is_professional:
            values["professional_followers"] += followers
            values["professional_identities"] += 1
        if reach_all or not is_professional:
            values["followers"] += followers
            values["identities"] += 1
    return result


def aggregate_posts(rows, settings, now=None):
    """``(partner_id, posted_at, *reaction_counts)`` rows -> ``{partner_id: {field: value}}``.

    Only posts with ``posted_at`` within ``settings.window_days`` before ``now`` count
    (later-dated posts too); the reaction counts of a row (e.g. likes, reposts, replies,
    quotes, or one pre-summed number) are added up, None counting 0.
    """
    start = reference_time(settings, now) - settings.window_days * SECONDS_PER_DAY
    result = {}
    for partner_id, posted_at, *counts in rows:
        if to_timestamp(posted_at) < start:
            continue
        values = result.get(partner_id)
        if values is None:
            values = result[partner_id] = {"posts": 0, "reactions": 0}
        values["posts"] += 1
        values["reactions"] += sum(_count(count) for count in counts)
    return result


def aggregate_mentions(rows, settings, now=None):
    """``(partner_id, posted_at)`` rows, one per post mentioning the company ->
    ``{partner_id: {"mentions": decayed sum, "mention_count": count}}``."""
    reference = reference_time(settings, now)
    half_life_seconds = settings.half_life_days * SECONDS_PER_DAY
    result = {}
    for partner_id, posted_at in rows:
        age = max(reference - to_timestamp(posted_at), 0.0)
        values = result.get(partner_id)
        if values is None:
            values = result[partner_id] = {"mentions": 0.0, "mention_count": 0}
        values["mentions"] += 0.5 ** (age / half_life_seconds)
        values["mention_count"] += 1
    return result


def build_contacts(partner_ids, *aggregates):
    """One :class:`ContactInput` per partner id from ``{partner_id: {field: value}}`` dicts.

    Each dict may come from an ``aggregate_*`` helper or from a batched SQL read (keys are
    :class:`ContactInput` field names); partners missing from a dict get zeros for it.
    """
    contacts = []
    for partner_id in partner_ids:
        values = {}
        for aggregate in aggregates:
            found = aggregate.get(partner_id)
            if found:
                values.update(found)
        contacts.append(ContactInput(partner_id, **values))
    return contacts


def _check_contact_value(contact, name):
    value = getattr(contact, name)
    if value is None or value is False:
        return 0.0
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"Contact {contact.partner_id}: {name} must be a number, got {value!r}."
        ) from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"Contact {contact.partner_id}: {name} must be a finite number >= 0, got {value!r}."
        )
    return value
