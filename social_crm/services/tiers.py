# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tiers of social customers, shared by every Social CRM addon (no ORM).

The base addon knows the tiers but does not rank anyone: without ``social_crm_scoring`` every
author is ``regular``. ``social_crm_scoring`` gives each contact its tier from the Social Score
(``res.partner._social_author_tier``), and ``social_crm_helpdesk`` turns a tier into a ticket
priority with :func:`tier_priority`.
"""

TIERS = [
    ("top_influencer", "Top influencer"),
    ("multiplier", "Multiplier"),
    ("regular", "Regular"),
]
TIER_CODES = [code for code, _label in TIERS]
#: the tier of an author when nothing ranks authors (no scoring addon)
DEFAULT_TIER = "regular"
#: ticket priority (helpdesk ``priority`` selection) by tier
TIER_PRIORITY = {"top_influencer": "3", "multiplier": "2", "regular": "1"}


def tier_priority(tier):
    """The priority ("1" low to "3" high) a ticket of an author of this tier gets."""
    return TIER_PRIORITY.get(tier, "1")
