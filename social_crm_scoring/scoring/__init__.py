"""Social Customer Score maths (plain Python and numpy, no Odoo import): the one scoring
path the addon runs, and the tests test.

Per company, the addon reads the inputs in SQL as columns (one value per scored contact) and
the mention/reply edges, then::

    settings = ScoringSettings(weights={"reach": 30, ...}, window_days=90,
                               half_life_days=30, tiers=[Tier("top_influencer", 90, True),
                               Tier("multiplier", 70, True), Tier("regular", 0)], now=now)
    table = compute_score_table(partner_ids, {"followers": [...], "posts": [...], ...},
                                edges, settings)
    table.score, table.tier, table.is_influencer, table.normalised["reach"], ...

Parts are log-scaled and normalised among the company's contacts (see
:func:`~.normalise.log_normalise`), weighted, summed; the score is the mid-rank percentile
of that sum (see :func:`~.normalise.midrank_fractions`), 0 for contacts with nothing; while
the company has fewer scored contacts than ``min_population``, at most what the followers give
on a fixed scale (see :func:`~.normalise.absolute_scores`).
"""

from .account import ACCOUNT_PARTS, ACCOUNT_WEIGHTS, AccountTable, compute_account_table
from .engine import CONTACT_FIELDS, ScoreTable, compute_score_table
from .normalise import absolute_scores, log_normalise, midrank_fractions
from .pagerank import Network, analyse_network, known_network
from .settings import (
    DEFAULT_MIN_POPULATION,
    DEFAULT_TIERS,
    DEFAULT_WEIGHTS,
    PARTS,
    ScoringSettings,
    Tier,
)

__all__ = [
    "ACCOUNT_PARTS",
    "ACCOUNT_WEIGHTS",
    "AccountTable",
    "CONTACT_FIELDS",
    "DEFAULT_MIN_POPULATION",
    "DEFAULT_TIERS",
    "DEFAULT_WEIGHTS",
    "PARTS",
    "Network",
    "ScoreTable",
    "ScoringSettings",
    "Tier",
    "absolute_scores",
    "analyse_network",
    "compute_account_table",
    "compute_score_table",
    "known_network",
    "log_normalise",
    "midrank_fractions",
]
