"""Social Customer Score maths (plain Python, no Odoo import).

Typical use from the Odoo side::

    settings = ScoringSettings(weights={...}, window_days=90, half_life_days=30, now=now)
    contacts = build_contacts(partner_ids, reach_rows, engagement_rows, mention_rows)
    results = compute_scores(contacts, edges, settings)
"""

from .engine import PartResult, ScoreResult, compute_scores
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
from .pagerank import HAS_NUMPY, analyse_network, pagerank
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
    "ScoringSettings",
    "Tier",
    "aggregate_identities",
    "aggregate_mentions",
    "aggregate_posts",
    "analyse_network",
    "build_contacts",
    "compute_scores",
    "decay_weight",
    "describe_part",
    "explain_part",
    "explain_score",
    "log_normalise",
    "pagerank",
    "percentile_normalise",
]
