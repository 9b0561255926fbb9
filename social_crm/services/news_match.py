"""Known contacts named in news and blog articles (plain Python, no ``odoo``).

A contact is *named* when its full name appears as whole words (not inside another word),
compared without case, accents or umlaut spelling (``Müller`` = ``Mueller`` = ``muller``,
``ß`` = ``ss``), titles such as ``Dr.`` or ``Prof.`` allowed between the names. A name found
is *certain* when the contact's company or city appears near it (within :data:`WINDOW`
characters) and no other contact with the same name has its own company or city there;
otherwise it is *uncertain* (for a person to review): namesakes are common. The company's
brands are found the same way (:func:`find_brands`), a single word being enough.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

WINDOW = 250  # characters either side of a name where the company or city is looked for
TITLES = ("dr", "prof", "professor", "dipl", "ing", "mag", "herr", "frau", "mr", "mrs", "ms",
          "med", "rer", "nat", "phil", "jur")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_WORD = re.compile(r"\w+")
_TITLE = "|".join(TITLES)


def fold(text: str) -> str:
    """Lower case, umlauts spelt out (ä -> ae), other accents dropped (é -> e)."""
    text = (text or "").casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _name_words(name: str) -> list[str]:
    return [w for w in _WORD.findall(fold(name)) if w not in TITLES]


def _variants(word: str) -> str:
    """Regex of a folded word matching its spellings with and without the umlaut's e
    (``mueller`` also matches ``muller``, as "Müller" written without the dots)."""
    parts = re.split(r"(ae|oe|ue)", word)
    return "".join(f"{p[0]}e?" if p in ("ae", "oe", "ue") else re.escape(p) for p in parts)


@dataclasses.dataclass(frozen=True)
class Person:
    partner_id: int
    name: str
    company: str | None = None
    city: str | None = None


@dataclasses.dataclass(frozen=True)
class NewsMatch:
    partner_id: int
    certain: bool
    reason: str  # which words were found, for the review list
    snippet: str  # the text around the name


def _pattern(words: list[str]) -> re.Pattern:
    gap = rf"(?:\W+(?:(?:{_TITLE})\W+)*|\W*-\W*)"
    body = gap.join(_variants(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _near(text: str, start: int, end: int, value: str | None) -> bool:
    words = _name_words(value or "")
    words = [w for w in words if len(w) > 2 and w not in ("gmbh", "ag", "kg", "inc", "ltd",
                                                         "co", "und", "and", "the", "der")]
    if not words:
        return False
    around = text[max(0, start - WINDOW):end + WINDOW]
    return all(re.search(rf"(?<!\w){_variants(w)}(?!\w)", around) for w in words)


def find_people(text: str, people: list[Person]) -> list[NewsMatch]:
    """The contacts named in ``text`` (one match per contact)."""
    folded = fold(text)
    by_name: dict[tuple[str, ...], list[Person]] = {}
    for person in people:
        words = _name_words(person.name)
        if len(words) >= 2:  # a first name alone, or a single word, names nobody
            by_name.setdefault(tuple(words), []).append(person)
    # quick filter: the last name must occur somewhere
    tokens = set(_WORD.findall(folded))
    tokens |= {t.replace("ae", "a").replace("oe", "o").replace("ue", "u") for t in tokens}
    matches = []
    for words, namesakes in by_name.items():
        last = words[-1]
        plain = last.replace("ae", "a").replace("oe", "o").replace("ue", "u")
        if last not in tokens and plain not in tokens:
            continue
        found = _pattern(list(words)).search(folded)
        if not found:
            continue
        start, end = found.span()
        placed = [p for p in namesakes if _near(folded, start, end, p.company)
                  or _near(folded, start, end, p.city)]
        snippet = text[max(0, start - 120):end + 120].strip()
        for person in namesakes:
            certain = placed == [person]
            if certain:
                where = person.company if _near(folded, start, end, person.company) \
                    else person.city
                reason = f"“{text[start:end]}” near “{where}”"
            elif len(namesakes) > 1:
                reason = f"“{text[start:end]}”: {len(namesakes)} contacts bear this name"
            else:
                reason = f"“{text[start:end]}” without company or city nearby"
            matches.append(NewsMatch(person.partner_id, certain, reason, snippet))
    return matches


@dataclasses.dataclass(frozen=True)
class BrandMatch:
    brand: str
    certain: bool
    reason: str
    snippet: str


def brand_names(text: str | None) -> list[str]:
    """The brands of a setting: one per line or separated by commas, blanks dropped, each
    once (in the order given)."""
    names = []
    for name in re.split(r"[\n,;]+", text or ""):
        name = " ".join(name.split())
        if len(name) >= 2 and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def find_brands(text: str, brands: list[str]) -> list[BrandMatch]:
    """The company's brands named in ``text`` (one match per brand, as whole words: "Vogel"
    is not found in "Vogelsang"). A brand is *certain* when written as in the setting (its
    capitals: "Apple", not "apple"), otherwise it goes to review (a common word may be
    meant)."""
    folded = fold(text)
    matches = []
    for brand in brands:
        words = _WORD.findall(fold(brand))
        if not words:
            continue
        found = re.compile(
            r"(?<!\w)" + r"\W+".join(_variants(w) for w in words) + r"(?!\w)"
        ).search(folded)
        if not found:
            continue
        exact = re.search(
            r"(?<!\w)" + r"\s+".join(map(re.escape, brand.split())) + r"(?!\w)", text
        )
        start, end = exact.span() if exact else found.span()
        snippet = text[max(0, start - 120):end + 120].strip()
        if exact:
            reason = f"brand “{brand}”"
        else:
            reason = f"brand “{brand}” written “{text[start:end]}” (a common word?)"
        matches.append(BrandMatch(brand, bool(exact), reason, snippet))
    return matches
