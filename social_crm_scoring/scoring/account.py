"""The account score of B2B customers (company contacts), from the people's scores.

A company contact (``res.partner`` with ``is_company``) is scored as an account from the
Social Scores of one company's scoring run (plain numpy, no Odoo import): its people are the
scored contacts whose commercial partner it is, and its own corporate identities count
through its own score as a contact (the company's accounts scored like anybody's).

Three parts, each 0-100 points, weighted (:data:`ACCOUNT_WEIGHTS`):

``people``
    the strongest person's Social Score: an account is as audible as its loudest voice;
``influencers``
    how many of its people are influencers, with diminishing returns (``100 * (1 - 0.5 **
    count)``: 1 -> 50, 2 -> 75, 3 -> 87.5): several voices matter, a large staff alone does
    not (a sum or an average of the people's scores would grow or shrink with headcount);
``corporate``
    the company's own Social Score (its corporate identities), 0 without any.

The account score is the weighted sum, 0-100 (an absolute figure, not a percentile: accounts
are few, and a key-account threshold should not move when another account is added).
"""

from __future__ import annotations

import numpy

#: the parts of the account score and their weights (sum 1)
ACCOUNT_WEIGHTS = {"people": 0.5, "influencers": 0.3, "corporate": 0.2}
ACCOUNT_PARTS = tuple(ACCOUNT_WEIGHTS)


class AccountTable:
    """The account scores of one scoring run, as numpy columns aligned with
    ``account_ids`` (sorted): ``score`` (0-100), ``people_points``, ``influencer_points``,
    ``corporate_points`` (0-100 each), ``strongest_partner_ids`` (0: no scored person),
    ``people_count`` (scored people), ``influencer_count``."""

    __slots__ = (
        "account_ids",
        "corporate_points",
        "influencer_count",
        "influencer_points",
        "people_count",
        "people_points",
        "score",
        "strongest_partner_ids",
    )

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values[name])

    def __len__(self):
        return len(self.account_ids)

    def rows(self):
        """One dict per account (the values the addon writes)."""
        return [
            {
                "account_id": int(self.account_ids[i]),
                "score": float(self.score[i]),
                "people_points": float(self.people_points[i]),
                "influencer_points": float(self.influencer_points[i]),
                "corporate_points": float(self.corporate_points[i]),
                "strongest_partner_id": int(self.strongest_partner_ids[i]) or False,
                "people_count": int(self.people_count[i]),
                "influencer_count": int(self.influencer_count[i]),
            }
            for i in range(len(self.account_ids))
        ]


def compute_account_table(partner_ids, scores, influencers, accounts):
    """Account scores from one run's person scores.

    ``partner_ids``, ``scores`` (0-100), ``influencers`` (flags): the scored contacts, as in
    :class:`~.engine.ScoreTable`. ``accounts``: aligned, the company contact each scored
    contact belongs to (its commercial partner when that is a company; the company's own id
    for the company contact itself; 0 or None for private persons). Returns an
    :class:`AccountTable` with a row per account that has a scored person or is scored
    itself.
    """
    ids = numpy.asarray(list(partner_ids), numpy.int64)
    count = len(ids)
    scores = numpy.asarray(scores, float).reshape(count)
    flags = numpy.asarray(influencers, bool).reshape(count)
    if isinstance(accounts, numpy.ndarray):
        accounts = accounts.astype(numpy.int64).reshape(count)
    else:
        accounts = numpy.array([a or 0 for a in accounts], numpy.int64).reshape(count)
    if len(accounts) != count:
        raise ValueError(f"{len(accounts)} accounts for {count} contacts.")
    if (scores < 0).any() or (scores > 100).any() or numpy.isnan(scores).any():
        raise ValueError("Scores must be numbers from 0 to 100.")
    member = accounts > 0
    ids, scores, flags, accounts = ids[member], scores[member], flags[member], accounts[member]
    account_ids, index = numpy.unique(accounts, return_inverse=True)
    size = len(account_ids)
    own = ids == accounts
    person = ~own
    # strongest person: per account, the highest score (lowest id among equals)
    strongest = numpy.zeros(size)
    strongest_ids = numpy.zeros(size, numpy.int64)
    if person.any():
        order = numpy.lexsort((ids[person], -scores[person], index[person]))
        groups = index[person][order]
        first = numpy.ones(len(groups), bool)
        first[1:] = groups[1:] != groups[:-1]
        strongest[groups[first]] = scores[person][order][first]
        strongest_ids[groups[first]] = ids[person][order][first]
    people_count = numpy.bincount(index[person], minlength=size)
    influencer_count = numpy.bincount(index[person & flags], minlength=size)
    corporate = numpy.zeros(size)
    corporate[index[own]] = scores[own]
    points = {
        "people": strongest,
        "influencers": 100.0 * (1.0 - 0.5 ** influencer_count.astype(float)),
        "corporate": corporate,
    }
    total = sum(ACCOUNT_WEIGHTS[part] * points[part] for part in ACCOUNT_PARTS)
    return AccountTable(
        account_ids=account_ids,
        score=numpy.round(total, 1) if size else numpy.zeros(0),
        people_points=points["people"],
        influencer_points=points["influencers"],
        corporate_points=points["corporate"],
        strongest_partner_ids=strongest_ids,
        people_count=people_count,
        influencer_count=influencer_count,
    )
