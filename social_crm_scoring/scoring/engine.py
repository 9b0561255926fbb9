"""The Social Customer Score: five parts, each normalised, weighted, then a percentile."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from .inputs import CONTACT_FIELDS, _check_contact_value
from .normalise import log_normalise, midrank_fractions
from .pagerank import analyse_network
from .settings import PARTS, ScoringSettings


@dataclass(slots=True)
class PartResult:
    """One part of a contact's score.

    ``value``: the number that was normalised (followers; reactions per post after the
    few-posts discount; decayed mentions; PageRank lift; professional followers).
    ``normalised``: 0..1 among the company's contacts, log-scaled (see
    :func:`~.normalise.log_normalise`): 0 for nothing, 1 for the company's highest value.
    ``reference``: the value that maps to ``reference_quantile`` (99/100 by default): the
    ``reference_quantile`` of the contacts having some, 0 when nobody has any.
    ``weight``: the part's share of the weights (0..1); ``contribution = weight *
    normalised``. ``inputs``: the plain numbers for the explanation.
    """

    part: str
    value: float
    normalised: float
    weight: float
    contribution: float
    reference: float = 0.0
    inputs: dict = field(default_factory=dict)

    @property
    def points(self):
        """The normalised value on a 0-100 scale, rounded (e.g. "71/100")."""
        return round(self.normalised * 100)


@dataclass(slots=True)
class ScoreResult:
    """The score of one contact.

    ``score``: 0-100 percentile of ``raw_total`` among the scored contacts, rounded down
    to one decimal (90 = more influential than 90 % of the other contacts, ties counting
    half); 0 when ``raw_total`` is 0. ``raw_total``: sum of the parts' contributions (0..1).
    ``rank``: 1 for the highest raw total (equal totals share a rank). ``tier``: code of the
    tier reached; ``is_influencer``: that tier is flagged as influencer and raw_total > 0.
    """

    partner_id: int
    score: float
    tier: str
    is_influencer: bool
    raw_total: float
    rank: int
    parts: dict

    def to_dict(self):
        """Plain dict (JSON-serialisable), e.g. to store the explanation."""
        return asdict(self)


def _columns(contacts):
    """Validated float columns of the contacts' numbers, by field name."""
    columns = {}
    for name in CONTACT_FIELDS:
        column = [getattr(contact, name) or 0 for contact in contacts]
        try:
            column = [float(value) for value in column]
            valid = all(0.0 <= value < math.inf for value in column)
        except (TypeError, ValueError):
            valid = False
        if not valid:
            for contact in contacts:
                _check_contact_value(contact, name)
        columns[name] = column
    return columns


def compute_scores(contacts, edges=(), settings=None, use_numpy=None):
    """Score every contact of one company; returns one :class:`ScoreResult` per contact,
    in the order of ``contacts``.

    ``contacts``: :class:`~.inputs.ContactInput` list, one per scored contact (the whole
    population of the percentile). ``edges``: ``(source_partner_id, target_partner_id)``
    or ``(source, target, weight)`` tuples, "source mentions / replies to target";
    edges touching partners outside ``contacts`` are ignored. ``settings``:
    :class:`~.settings.ScoringSettings` (defaults if None).
    """
    settings = settings or ScoringSettings()
    contacts = list(contacts)
    partner_ids = [contact.partner_id for contact in contacts]
    if len(set(partner_ids)) != len(partner_ids):
        seen, duplicates = set(), set()
        for partner_id in partner_ids:
            (duplicates if partner_id in seen else seen).add(partner_id)
        raise ValueError(f"Duplicate contacts: {sorted(duplicates, key=str)[:10]}.")
    if not contacts:
        return []
    columns = _columns(contacts)
    network = analyse_network(edges, partner_ids, damping=settings.damping, use_numpy=use_numpy)
    prior = settings.engagement_prior_posts
    engagement = [
        reactions / (posts + prior) if posts > 0 else 0.0
        for posts, reactions in zip(columns["posts"], columns["reactions"], strict=True)
    ]
    values = {
        "reach": columns["followers"],
        "engagement": engagement,
        "mentions": columns["mentions"],
        "network": network.lift,
        "professional": columns["professional_followers"],
    }
    weights = settings.normalised_weights
    quantile = settings.reference_quantile
    normalised, references = {}, {}
    for part in PARTS:
        normalised[part], references[part] = log_normalise(values[part], quantile)
    totals = [0.0] * len(contacts)
    for part in PARTS:
        weight = weights[part]
        if weight:
            totals = [
                total + weight * value
                for total, value in zip(totals, normalised[part], strict=True)
            ]
    numerators, denominator = midrank_fractions(totals)
    ordered = sorted(totals)
    count = len(totals)
    window, half_life = settings.window_days, settings.half_life_days
    results = []
    for position, contact in enumerate(contacts):
        total = totals[position]
        score = (1000 * numerators[position]) // denominator / 10 if total > 0 else 0.0
        tier = settings.tier_for(score)
        posts = columns["posts"][position]
        reactions = columns["reactions"][position]
        inputs = {
            "reach": {
                "followers": columns["followers"][position],
                "identities": columns["identities"][position],
            },
            "engagement": {
                "posts": posts,
                "reactions": reactions,
                "per_post": reactions / posts if posts else 0.0,
                "window_days": window,
            },
            "mentions": {
                "mentions": columns["mention_count"][position],
                "decayed": columns["mentions"][position],
                "half_life_days": half_life,
            },
            "network": {
                "mentioned_by": network.in_count[position],
                "mention_weight": network.in_weight[position],
                "pagerank": network.ranks[position],
                "lift": network.lift[position],
            },
            "professional": {
                "followers": columns["professional_followers"][position],
                "identities": columns["professional_identities"][position],
            },
        }
        parts = {}
        for part in PARTS:
            part_normalised = normalised[part][position]
            parts[part] = PartResult(
                part,
                values[part][position],
                part_normalised,
                weights[part],
                weights[part] * part_normalised,
                references[part],
                inputs[part],
            )
        results.append(
            ScoreResult(
                contact.partner_id,
                score,
                tier.code,
                tier.is_influencer and total > 0,
                total,
                count - bisect_right(ordered, total) + 1,
                parts,
            )
        )
    return results
