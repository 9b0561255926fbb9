"""Short English sentences explaining a score (the Odoo side translates its own)."""

from __future__ import annotations

from .settings import PART_LABELS


def _number(value, decimals=0):
    return f"{value:,.{decimals}f}"


def _plural(count, singular, plural=None):
    word = singular if count == 1 else (plural or singular + "s")
    return f"{_number(count)} {word}"


def _days(days):
    return _plural(days, "day") if days == int(days) else f"{_number(days, 1)} days"


def describe_part(part):
    """The plain-number half of a part's sentence, e.g. "12,300 followers on 3 identities"."""
    inputs = part.inputs
    if part.part == "reach":
        if not inputs["identities"]:
            return "no social identity"
        return (
            f"{_plural(inputs['followers'], 'follower')} on "
            f"{_plural(inputs['identities'], 'identity', 'identities')}"
        )
    if part.part == "engagement":
        window = _days(inputs["window_days"])
        if not inputs["posts"]:
            return f"no posts in the last {window}"
        return (
            f"{_plural(inputs['reactions'], 'reaction')} on {_plural(inputs['posts'], 'post')} "
            f"in the last {window} ({_number(inputs['per_post'])} per post)"
        )
    if part.part == "mentions":
        if not inputs["mentions"]:
            return "no mention of the company"
        return (
            f"{_plural(inputs['mentions'], 'mention')} of the company, worth "
            f"{_number(inputs['decayed'], 1)} after ageing "
            f"(half-life {_days(inputs['half_life_days'])})"
        )
    if part.part == "network":
        if not inputs["mentioned_by"]:
            return "not mentioned or replied to by other contacts"
        return (
            f"mentioned or replied to by {_plural(inputs['mentioned_by'], 'contact')}, "
            f"network rank {_number(inputs['lift'] + 1, 1)}× that of an unmentioned contact"
        )
    if part.part == "professional":
        if not inputs["identities"]:
            return "no professional profile"
        return (
            f"{_plural(inputs['followers'], 'follower/connection', 'followers/connections')} "
            f"on {_plural(inputs['identities'], 'professional profile')}"
        )
    raise ValueError(f"Unknown scoring part {part.part!r}.")


def explain_part(part):
    """E.g. "Reach: 12,300 followers on 3 identities → 71/100 × weight 30%"."""
    return (
        f"{PART_LABELS[part.part]}: {describe_part(part)} → {part.points}/100 "
        f"× weight {round(part.weight * 100)}%"
    )


def explain_score(result, tier_labels=None):
    """A summary sentence followed by one sentence per part with a non-zero weight.

    ``tier_labels``: optional ``{tier code: label}`` (e.g. from the settings' tiers).
    """
    tier = (tier_labels or {}).get(result.tier, result.tier)
    if result.raw_total > 0:
        summary = (
            f"Social score {_number(result.score)}/100 ({tier}): more influential than "
            f"{_number(result.score)}% of the other scored contacts."
        )
    else:
        summary = f"Social score 0/100 ({tier}): no social activity or audience known."
    lines = [summary]
    lines += [explain_part(part) for part in result.parts.values() if part.weight > 0]
    return lines
