"""The professional weight of a contact (plain Python and numpy, no Odoo import).

Four inputs, each named in the explanation:

* the job position's seniority (:func:`seniority`): keywords in English and German, from
  "Head of" / "Leiter" (1) through "Director" / "Bereichsleiter" (2) to "CEO" /
  "Geschäftsführer" / "Vorstand" / "Professor" (3);
* the employer's size (the parent company's employee count where a field holds one, else
  its number of contacts): a senior position weighs more at a larger employer
  (:func:`employer_factor`);
* the followers or connections on professional networks (LinkedIn, Xing);
* the activity there: the contact's posts on those networks in the window.

:func:`professional_values` combines them into one number per contact, in the unit of
followers (so that it is log-scaled among the company's contacts like the other parts): the
professional followers, plus :data:`POST_VALUE` per professional post, plus the seniority's
:data:`LEVEL_POINTS` times the employer factor.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy

#: seniority levels: (level, keywords); the highest level whose keyword appears wins
SENIORITY_KEYWORDS = (
    (
        3,
        (
            "ceo", "cfo", "cto", "coo", "cmo", "cio", "chief", "founder", "co-founder",
            "owner", "president", "managing director", "managing partner", "chairman",
            "chairwoman", "geschäftsführer", "geschäftsführerin", "geschäftsleitung",
            "vorstand", "vorständin", "vorstandsvorsitzender", "vorstandsvorsitzende",
            "inhaber", "inhaberin", "gründer", "gründerin", "präsident", "präsidentin",
            "professor", "professorin", "prof",
        ),
    ),
    (
        2,
        (
            "director", "vice president", "vp", "svp", "evp", "direktor", "direktorin",
            "bereichsleiter", "bereichsleiterin", "prokurist", "prokuristin", "head of",
        ),
    ),
    (
        1,
        (
            "head", "leiter", "leiterin", "lead", "manager", "managerin", "teamleiter",
            "teamleiterin", "abteilungsleiter", "abteilungsleiterin", "senior", "principal",
        ),
    ),
)
#: weight of a seniority level, in followers
LEVEL_POINTS = {0: 0.0, 1: 150.0, 2: 400.0, 3: 1000.0}
#: weight of one post on a professional network in the window, in followers
POST_VALUE = 20.0

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(text):
    text = (text or "").casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _keyword_pattern(keyword):
    words = re.split(r"[\s-]+", _fold(keyword))
    return re.compile(r"(?<!\w)" + r"[\s-]*".join(map(re.escape, words)) + r"(?!\w)")


_PATTERNS = tuple(
    (level, keyword, _keyword_pattern(keyword))
    for level, keywords in SENIORITY_KEYWORDS
    for keyword in keywords
)


def seniority(job_title):
    """``(level 0-3, keyword found or None)`` of a job position: whole words, without case,
    accents or umlaut spelling ("Geschaeftsfuehrer" = "Geschäftsführer"); "Head of Sales"
    is level 2, "Sales Manager" 1, "CEO" 3, "Software Developer" 0."""
    folded = _fold(job_title)
    if not folded.strip():
        return 0, None
    for level, keyword, pattern in _PATTERNS:  # highest levels first
        if pattern.search(folded):
            return level, keyword
    return 0, None


def employer_factor(size):
    """Multiplier of the seniority's points by the employer's size (people): 1 for none or
    unknown, 2 for 9 people, 3 for 99, 4 for 999 (``1 + log10(1 + size)``)."""
    size = max(float(size or 0), 0.0)
    return 1.0 + math.log10(1.0 + size)


def professional_values(followers, posts, levels, employer_sizes):
    """The professional weight of each contact (numpy arrays aligned, every value >= 0):
    ``followers + POST_VALUE * posts + LEVEL_POINTS[level] * employer_factor(size)``. A
    contact without a senior position gains nothing from its employer's size."""
    followers = numpy.asarray(followers, float)
    posts = numpy.asarray(posts, float)
    levels = numpy.clip(numpy.asarray(levels, float), 0, 3).astype(int)
    sizes = numpy.maximum(numpy.asarray(employer_sizes, float), 0.0)
    points = numpy.array([LEVEL_POINTS[level] for level in range(4)])[levels]
    return followers + POST_VALUE * posts + points * (1.0 + numpy.log10(1.0 + sizes))
