"""The Social Customer Score: five parts, each normalised, weighted, then a percentile.

This is the scoring the addon runs (nightly run, *Recompute*, provisional score on arrival):
``res.partner._social_score_run_company`` reads the inputs in SQL as columns and calls
:func:`compute_score_table`; ``social.crm.score.history`` writes the table's columns.
"""

from __future__ import annotations

import math

import numpy

from .normalise import absolute_scores, log_normalise, midrank_fractions
from .pagerank import analyse_network
from .professional import professional_values
from .settings import PARTS, ScoringSettings

#: the input columns of one company's contacts (every number >= 0), as the addon reads them:
#: ``followers`` / ``identities``: sum of the followers over the contact's identities and
#: how many were summed (reach); ``posts`` / ``reactions``: the contact's own posts in the
#: window and the sum of their reactions (engagement); ``mentions`` / ``mention_count``: the
#: confirmed news mentions of the contact (named in an article of a news or blog source),
#: each weighing the portal's reach times ``0.5 ** (age_days / half_life_days)``, and their
#: plain count; ``professional_followers`` / ``professional_identities``: followers or
#: connections on professional networks; ``professional_posts``: the contact's posts there in
#: the window; ``professional_level``: seniority of the job position (0-3, see
#: :func:`~.professional.seniority`); ``employer_size``: people at the contact's employer.
CONTACT_FIELDS = (
    "followers",
    "identities",
    "posts",
    "reactions",
    "mentions",
    "mention_count",
    "professional_followers",
    "professional_identities",
    "professional_posts",
    "professional_level",
    "employer_size",
)


def _check_column(partner_ids, name, column):
    """``column`` as a float array (None/False counting 0), or ValueError naming the first
    contact whose value is not a finite number >= 0."""
    try:  # numbers (None becomes NaN: counted 0 below)
        values = numpy.asarray(column, float)
    except (TypeError, ValueError):
        values = None
    if values is not None and values.ndim == 1 and ((values >= 0) & (values < math.inf)).all():
        return values
    checked = []
    for partner_id, value in zip(partner_ids, column, strict=True):
        if value is None or value is False:
            checked.append(0.0)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"Contact {partner_id}: {name} must be a number, got {value!r}."
            ) from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(
                f"Contact {partner_id}: {name} must be a finite number >= 0, got {value!r}."
            )
        checked.append(number)
    return numpy.array(checked, float)


class ScoreTable:
    """The scores of one company's contacts as numpy columns aligned with ``partner_ids``.

    ``score``: 0-100 percentile of ``raw_total`` among the scored contacts, rounded down to
    a whole percent (90 = more influential than 90 % of the other contacts, ties counting
    half; whole percents, so that a score moves when a contact passes 1 % of the others,
    not with every small shift of the ranks); 0 when ``raw_total`` is 0. With fewer scored
    contacts than the settings' ``min_population`` (``absolute_scale`` is then True), the
    score is at most what the contact's followers give on the absolute scale (see
    :func:`~.normalise.absolute_scores`): a lone or top contact of a handful is not at 100 %
    for that alone. ``percentile``: the percentile before that cap. ``raw_total``: sum
    of the parts' contributions (0..1). ``rank``: 1 for the highest raw total (equal totals
    share a rank). ``tier``: code of the tier reached (highest tier whose score threshold
    or follower floor is reached); ``is_influencer``: that tier is flagged as influencer and
    the contact has something (raw_total > 0) or reached it by its follower floor.
    ``values``: ``{part: the number normalised}`` (followers; reactions per post after the
    few-posts discount; reach-weighted decayed news mentions; PageRank lift; professional
    weight, see :func:`~.professional.professional_values`);
    ``normalised``: ``{part: 0..1}`` (log scale, see :func:`~.normalise.log_normalise`);
    ``references``: ``{part: value mapped to the reference quantile}``; ``weights``:
    ``{part: share of the weights}``; ``columns``: the validated inputs ``{field: array}``;
    ``network``: the :class:`~.pagerank.Network`.
    """

    __slots__ = (
        "absolute_scale",
        "columns",
        "is_influencer",
        "network",
        "normalised",
        "partner_ids",
        "percentile",
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


def compute_score_table(partner_ids, columns, edges=(), settings=None, network=None):
    """Score every contact of one company; returns a :class:`ScoreTable`.

    ``partner_ids``: every scored contact of the company (the whole population of the
    percentile). ``columns``: ``{field: sequence aligned with partner_ids}`` for the
    :data:`CONTACT_FIELDS` (a missing field is all zeros). ``edges``:
    ``(source_partner_id, target_partner_id[, weight])`` rows, "source mentions / replies
    to target"; edges touching partners outside ``partner_ids`` are ignored. ``settings``:
    :class:`~.settings.ScoringSettings` (defaults if None). ``network``: a
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
    checked = {}
    for name in CONTACT_FIELDS:
        column = columns.get(name)
        if column is None:
            checked[name] = numpy.zeros(count)
            continue
        if len(column) != count:
            raise ValueError(f"Column {name!r} has {len(column)} values for {count} contacts.")
        checked[name] = _check_column(partner_ids, name, column)
    if network is None:
        network = analyse_network(edges, partner_ids, damping=settings.damping)
    return ScoreTable(
        partner_ids=partner_ids,
        columns=checked,
        network=network,
        settings=settings,
        weights=settings.normalised_weights,
        **_score(checked, network, settings),
    )


def _score(columns, network, settings):
    prior = settings.engagement_prior_posts
    posts, reactions = columns["posts"], columns["reactions"]
    engagement = numpy.zeros(len(posts))
    numpy.divide(reactions, posts + prior, out=engagement, where=posts > 0)
    values = {
        "reach": columns["followers"],
        "engagement": engagement,
        "mentions": columns["mentions"],
        "network": numpy.asarray(network.lift, float),
        "professional": professional_values(
            columns["professional_followers"],
            columns["professional_posts"],
            columns["professional_level"],
            columns["employer_size"],
        ),
    }
    weights = settings.normalised_weights
    normalised, references = {}, {}
    for part in PARTS:
        normalised[part], references[part] = log_normalise(
            values[part], settings.reference_quantile
        )
    count = len(posts)
    totals = numpy.zeros(count)
    for part in PARTS:
        weight = weights[part]
        if weight:
            totals = totals + weight * normalised[part]
    numerators, denominator = midrank_fractions(totals)
    percentiles = numpy.where(totals > 0, ((100 * numerators) // denominator).astype(float), 0.0)
    followers = columns["followers"]
    # a handful of contacts ranks nobody meaningfully: the fixed scale of the followers caps
    absolute_scale = count < settings.min_population
    scores = percentiles
    if absolute_scale:
        scores = numpy.minimum(percentiles, absolute_scores(followers, settings.absolute_anchors))
    tier_index = numpy.full(count, len(settings.tiers) - 1)
    by_floor = numpy.zeros(count, bool)
    for index in range(len(settings.tiers) - 1, -1, -1):  # highest tier reached wins
        tier = settings.tiers[index]
        floor = (followers >= tier.min_followers) if tier.min_followers > 0 else False
        reached = (scores >= tier.min_score) | floor
        tier_index[reached] = index
        by_floor[reached] = floor[reached] if tier.min_followers > 0 else False
    codes = [tier.code for tier in settings.tiers]
    flags = numpy.array([tier.is_influencer for tier in settings.tiers], bool)
    above = numpy.searchsorted(numpy.sort(totals), totals, "right")
    return {
        "values": values,
        "normalised": normalised,
        "references": references,
        "raw_total": totals,
        "score": scores,
        "percentile": percentiles,
        "absolute_scale": absolute_scale,
        "tier": numpy.array(codes, object)[tier_index],
        "is_influencer": flags[tier_index] & ((totals > 0) | by_floor),
        "rank": count - above + 1,
    }
