"""Social Customer Score maths (plain Python, no Odoo import; numpy optional).

Typical use from the Odoo side, per company (one batched read per part, one row per
partner)::

    settings = ScoringSettings(weights={"reach": 30, ...}, window_days=90,
                               half_life_days=30, tiers=[Tier("top_influencer", 90, True),
                               Tier("multiplier", 70, True), Tier("regular", 0)], now=now)
    contacts = build_contacts(
        partner_ids,                       # every scored contact of the company
        {pid: {"followers": s, "identities": n, "professional_followers": ps,
               "professional_identities": pn}},          # from social.crm.identity
        {pid: {"posts": n, "reactions": s}},             # posts in the window
        {pid: {"mentions": decayed_sum, "mention_count": n}},  # posts mentioning us
    )
    edges = [(source_pid, target_pid, weight), ...]      # source mentions/replies to target
    for result in compute_scores(contacts, edges, settings):
        result.score, result.tier, result.is_influencer, result.parts["reach"].inputs

Parts are log-scaled and normalised among the company's contacts (see
:func:`~.normalise.log_normalise`), weighted, summed; the score is the mid-rank percentile
of that sum (see :func:`~.normalise.percentile_normalise`), 0 for contacts with nothing.
"""

from .engine import PartResult, ScoreResult, ScoreTable, compute_score_table, compute_scores
from .explain import describe_part, explain_part, explain_score
from .inputs import (
    PROFESSIONAL_NETWORKS,
    ContactInput,
    aggregate_identities,
    aggregate_mentions,
    aggregate_posts,
    build_contacts,
    decay_weight,
)
from .normalise import log_normalise, percentile_normalise
from .pagerank import HAS_NUMPY, analyse_network, known_network, pagerank
from .settings import DEFAULT_TIERS, DEFAULT_WEIGHTS, PART_LABELS, PARTS, ScoringSettings, Tier

__all__ = [
    "DEFAULT_TIERS",
    "DEFAULT_WEIGHTS",
    "HAS_NUMPY",
    "PARTS",
    "PART_LABELS",
    "PROFESSIONAL_NETWORKS",
    "ContactInput",
    "PartResult",
    "ScoreResult",
    "ScoreTable",
    "ScoringSettings",
    "Tier",
    "aggregate_identities",
    "aggregate_mentions",
    "aggregate_posts",
    "analyse_network",
    "build_contacts",
    "compute_score_table",
    "compute_scores",
    "decay_weight",
    "describe_part",
    "explain_part",
    "explain_score",
    "known_network",
    "log_normalise",
    "pagerank",
    "percentile_normalise",
]
