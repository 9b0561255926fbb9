"""The Social Customer Score: five parts, each normalised, weighted, then a percentile."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from .inputs import CONTACT_FIELDS, _check_contact_value
from .normalise import log_normalise, midrank_fractions, quantile
from .pagerank import _want_numpy, analyse_network, numpy
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
    to a whole percent (90 = more influential than 90 % of the other contacts, ties counting
    half; whole percents, so that a score moves when a contact passes 1 % of the others,
    not with every small shift of the ranks); 0 when ``raw_total`` is 0. ``raw_total``: sum
    of the parts' contributions (0..1).
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
    partner_ids = [contact.partner_id for contact in contacts]
    return {
        name: _check_column(partner_ids, name, [getattr(contact, name) for contact in contacts])
        for name in CONTACT_FIELDS
    }


def _check_column(partner_ids, name, column):
    """``column`` as a list of floats (None/False counting 0), or ValueError naming the
    first contact whose value is not a finite number >= 0."""
    try:
        values = [float(value or 0) for value in column]
        valid = all(0.0 <= value < math.inf for value in values)
    except (TypeError, ValueError):
        valid = False
    if not valid:
        for partner_id, value in zip(partner_ids, column, strict=True):
            _check_contact_value(_Value(partner_id, name, value), name)
    return values


class _Value:
    """One contact's value, shaped like a ContactInput for :func:`_check_contact_value`."""

    def __init__(self, partner_id, name, value):
        self.partner_id = partner_id
        setattr(self, name, value)


def _check_column_numpy(partner_ids, name, column):
    try:  # numbers (None becomes NaN: the pure-Python check below counts it 0)
        values = numpy.asarray(column, float)
    except (TypeError, ValueError):
        values = None
    if values is not None and values.ndim == 1 and ((values >= 0) & (values < math.inf)).all():
        return values
    return numpy.array(_check_column(partner_ids, name, column), float)


class ScoreTable:
    """The scores of one company's contacts as columns (lists aligned with ``partner_ids``).

    ``score``, ``tier``, ``is_influencer``, ``raw_total``, ``rank``: as in
    :class:`ScoreResult`; ``values``, ``normalised``: ``{part: list}``; ``references``,
    ``weights``: ``{part: number}``; ``columns``: the validated inputs ``{field: list}``
    (floats); ``network``: the :class:`~.pagerank.Network`. Built by
    :func:`compute_score_table`, which :func:`compute_scores` turns into objects; callers
    that only store numbers can read the columns and skip building one object per contact.
    """

    __slots__ = (
        "columns",
        "is_influencer",
        "network",
        "normalised",
        "partner_ids",
        "rank",
        "raw_total",
        "references",
        "score",
        "settings",
        "tier",
        "values",
        "weights",
    )

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values[name])

    def __len__(self):
        return len(self.partner_ids)

    def inputs(self, position):
        """The plain numbers of each part of one contact, for the explanation."""
        columns, network = self.columns, self.network
        posts = columns["posts"][position]
        reactions = columns["reactions"][position]
        return {
            "reach": {
                "followers": columns["followers"][position],
                "identities": columns["identities"][position],
            },
            "engagement": {
                "posts": posts,
                "reactions": reactions,
                "per_post": reactions / posts if posts else 0.0,
                "window_days": self.settings.window_days,
            },
            "mentions": {
                "mentions": columns["mention_count"][position],
                "decayed": columns["mentions"][position],
                "half_life_days": self.settings.half_life_days,
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


def compute_score_table(
    partner_ids, columns, edges=(), settings=None, use_numpy=None, arrays=False, network=None
):
    """Score every contact of one company from columns of numbers; returns a
    :class:`ScoreTable` (see :func:`compute_scores` for the meaning of the arguments).

    ``columns``: ``{field: sequence aligned with partner_ids}`` for the
    :class:`~.inputs.ContactInput` number fields (a missing field is all zeros).
    With numpy (``use_numpy`` None = if installed) the maths run on arrays; the results
    are the same, bit for bit, as those of the pure-Python path. ``arrays``: with numpy,
    the table's columns stay numpy arrays (tiers: an array of codes) instead of lists, for
    callers that pick a few rows out of 100,000s. ``network``: a
    :class:`~.pagerank.Network` to use instead of analysing ``edges`` (e.g. the lifts
    stored by the last run, see :func:`~.pagerank.known_network`, for a provisional score).
    """
    settings = settings or ScoringSettings()
    partner_ids = list(partner_ids)
    if len(set(partner_ids)) != len(partner_ids):
        seen, duplicates = set(), set()
        for partner_id in partner_ids:
            (duplicates if partner_id in seen else seen).add(partner_id)
        raise ValueError(f"Duplicate contacts: {sorted(duplicates, key=str)[:10]}.")
    count = len(partner_ids)
    fast = _want_numpy(use_numpy)
    checked = {}
    for name in CONTACT_FIELDS:
        column = columns.get(name)
        if column is None:
            column = [0.0] * count
        elif len(column) != count:
            raise ValueError(f"Column {name!r} has {len(column)} values for {count} contacts.")
        check = _check_column_numpy if fast else _check_column
        checked[name] = check(partner_ids, name, column)
    arrays = arrays and fast
    if network is None:
        network = analyse_network(
            edges, partner_ids, damping=settings.damping, use_numpy=use_numpy, arrays=arrays
        )
    if fast:
        table = _score_numpy(checked, network, settings, arrays)
        if not arrays:
            checked = {name: column.tolist() for name, column in checked.items()}
    else:
        table = _score_python(checked, network, settings)
    return ScoreTable(
        partner_ids=partner_ids,
        columns=checked,
        network=network,
        settings=settings,
        weights=settings.normalised_weights,
        **table,
    )


def _score_python(columns, network, settings):
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
    totals = [0.0] * len(columns["posts"])
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
    scores, tiers, influencers, ranks = [], [], [], []
    followers = columns["followers"]
    for position, total in enumerate(totals):
        score = float((100 * numerators[position]) // denominator) if total > 0 else 0.0
        tier = settings.tier_for(score, followers[position])
        scores.append(score)
        tiers.append(tier.code)
        influencers.append(
            tier.is_influencer and (total > 0 or settings.floor_tier(followers[position]) == tier)
        )
        ranks.append(count - bisect_right(ordered, total) + 1)
    return {
        "values": values,
        "normalised": normalised,
        "references": references,
        "raw_total": totals,
        "score": scores,
        "tier": tiers,
        "is_influencer": influencers,
        "rank": ranks,
    }


def _log_normalise_numpy(values, q):
    """:func:`~.normalise.log_normalise` on an array (logs by ``math.log1p``, so that the
    results are those of the pure-Python function)."""
    logs = numpy.fromiter(map(math.log1p, values.tolist()), float, len(values))
    positive = numpy.sort(logs[values > 0])
    if not len(positive):
        return numpy.zeros(len(values)), 0.0
    reference_log = quantile(positive.tolist(), q)
    top_log = float(positive[-1])
    band = top_log - reference_log
    with numpy.errstate(divide="ignore", invalid="ignore"):
        low = q * logs / reference_log
        high = numpy.minimum(1.0, q + (1.0 - q) * (logs - reference_log) / band)
    normalised = numpy.where(logs >= top_log, 1.0, numpy.where(logs <= reference_log, low, high))
    return normalised, math.expm1(reference_log)


def _score_numpy(columns, network, settings, arrays=False):
    prior = settings.engagement_prior_posts
    posts, reactions = columns["posts"], columns["reactions"]
    engagement = numpy.zeros(len(posts))
    numpy.divide(reactions, posts + prior, out=engagement, where=posts > 0)
    values = {
        "reach": columns["followers"],
        "engagement": engagement,
        "mentions": columns["mentions"],
        "network": numpy.asarray(network.lift, float),
        "professional": columns["professional_followers"],
    }
    weights = settings.normalised_weights
    q = settings.reference_quantile
    normalised, references = {}, {}
    for part in PARTS:
        normalised[part], references[part] = _log_normalise_numpy(values[part], q)
    count = len(posts)
    totals = numpy.zeros(count)
    for part in PARTS:
        weight = weights[part]
        if weight:
            totals = totals + weight * normalised[part]
    ordered = numpy.sort(totals)
    below = numpy.searchsorted(ordered, totals, "left")
    above = numpy.searchsorted(ordered, totals, "right")
    if count > 1:  # see midrank_fractions
        numerators, denominator = below + above - 1, 2 * (count - 1)
    else:
        numerators, denominator = numpy.ones(count, numpy.int64), 1
    scores = numpy.where(totals > 0, ((100 * numerators) // denominator).astype(float), 0.0)
    tier_index = numpy.full(count, len(settings.tiers) - 1)
    by_floor = numpy.zeros(count, bool)
    followers = columns["followers"]
    for index in range(len(settings.tiers) - 1, -1, -1):  # highest tier reached wins
        tier = settings.tiers[index]
        floor = (followers >= tier.min_followers) if tier.min_followers > 0 else False
        reached = (scores >= tier.min_score) | floor
        tier_index[reached] = index
        by_floor[reached] = floor[reached] if tier.min_followers > 0 else False
    codes = [tier.code for tier in settings.tiers]
    flags = numpy.array([tier.is_influencer for tier in settings.tiers], bool)
    table = {
        "values": values,
        "normalised": normalised,
        "references": references,
        "raw_total": totals,
        "score": scores,
        "tier": numpy.array(codes, object)[tier_index],
        "is_influencer": flags[tier_index] & ((totals > 0) | by_floor),
        "rank": count - above + 1,
    }
    if arrays:
        return table
    for name in ("values", "normalised"):
        table[name] = {part: value.tolist() for part, value in table[name].items()}
    for name in ("raw_total", "score", "tier", "is_influencer", "rank"):
        table[name] = table[name].tolist()
    return table


def compute_scores(contacts, edges=(), settings=None, use_numpy=None):
    """Score every contact of one company; returns one :class:`ScoreResult` per contact,
    in the order of ``contacts``.

    ``contacts``: :class:`~.inputs.ContactInput` list, one per scored contact (the whole
    population of the percentile). ``edges``: ``(source_partner_id, target_partner_id)``
    or ``(source, target, weight)`` tuples, "source mentions / replies to target";
    edges touching partners outside ``contacts`` are ignored. ``settings``:
    :class:`~.settings.ScoringSettings` (defaults if None). See
    :func:`compute_score_table` for the same scores as columns.
    """
    contacts = list(contacts)
    partner_ids = [contact.partner_id for contact in contacts]
    if not contacts:
        return []
    if len(set(partner_ids)) == len(partner_ids):  # else compute_score_table raises
        columns = _columns(contacts)
    else:
        columns = {}
    table = compute_score_table(partner_ids, columns, edges, settings, use_numpy)
    return [_result(table, position, partner_id) for position, partner_id in enumerate(partner_ids)]


def _result(table, position, partner_id):
    inputs = table.inputs(position)
    parts = {}
    for part in PARTS:
        part_normalised = table.normalised[part][position]
        weight = table.weights[part]
        parts[part] = PartResult(
            part,
            table.values[part][position],
            part_normalised,
            weight,
            weight * part_normalised,
            table.references[part],
            inputs[part],
        )
    return ScoreResult(
        partner_id,
        table.score[position],
        table.tier[position],
        table.is_influencer[position],
        table.raw_total[position],
        table.rank[position],
        parts,
    )
