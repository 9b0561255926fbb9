# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a complaint is about (its cause) and whether the customer means to leave (churn
intent), from German and English keyword lists. Plain Python, no Odoo import.

``suggest_cause(text)`` returns the code of the best cause ("delivery", "billing",
"product_defect", "staff", "outage", "price") or None; the agent confirms or changes it.
``churn_intent(text)`` says whether the text announces leaving ("ich schaue mich anderswo
um", "cancelling my contract").
"""

import re

from .text import clean

# stems, matched at the start of a word (case-insensitive); "word=" matches the whole word
# only ("down" is not "download", "bill" not "billig"); German and English
CAUSE_KEYWORDS = {
    "delivery": (
        "lieferung", "liefer", "geliefert", "paket", "sendung", "versand", "zustell", "bote=",
        "kurier", "delivery", "deliver", "parcel", "package", "shipping", "shipment",
        "courier", "tracking", "arrived", "never came",
    ),
    "billing": (
        "rechnung", "abbuchung", "abgebucht", "lastschrift", "doppelt", "gutschrift",
        "erstattung", "mahnung", "zahlung", "invoice", "bill=", "billing", "charged",
        "charge=", "refund", "payment", "direct debit", "overcharg",
    ),
    "product_defect": (
        "kaputt", "defekt", "funktioniert nicht", "geht nicht", "fehlerhaft", "beschädigt",
        "broken", "defect", "faulty", "doesn't work", "does not work", "not working",
        "bricked", "damaged", "stopped working",
    ),
    "staff": (
        "unfreundlich", "mitarbeiter", "hotline", "kundenservice", "berater", "verkäufer",
        "rude", "staff", "employee", "agent=", "customer service", "unhelpful",
        "support team",
    ),
    "outage": (
        "störung", "ausfall", "ausgefallen", "kein internet", "kein netz", "offline",
        "down=", "outage", "no signal", "no internet", "not loading", "service down",
    ),
    "price": (
        "preis", "teuer", "preiserhöhung", "abzocke", "kosten", "price", "expensive",
        "overpriced", "price increase", "rip-off", "ripoff", "cost=", "costs=",
    ),
}

CHURN_PATTERNS = (
    r"schaue? mich (?:\w+ )?anderswo um",
    r"wechsle (?:\w+ )?(?:zu|den anbieter|anbieter)",
    r"anbieter ?wechsel",
    r"(?:ich )?kündige",
    r"kündigung",
    r"vertrag (?:\w+ )?kündigen",
    r"nie wieder",
    r"bin (?:dann )?weg",
    r"cancel+ing my (?:contract|subscription|account|plan)",
    r"cancel my (?:contract|subscription|account|plan)",
    r"(?:switch|switching|moving) to (?:another|a different|a new) (?:provider|company|bank)",
    r"(?:looking|shopping) (?:elsewhere|around)",
    r"never (?:again|buying|ordering)",
    r"(?:i'?m|i am) (?:leaving|done with you)",
)
_CHURN_RE = re.compile("|".join(f"(?:{p})" for p in CHURN_PATTERNS), re.IGNORECASE)


def _keyword_re(keyword):
    if keyword.endswith("="):
        return re.compile(r"(?<!\w)" + re.escape(keyword[:-1]) + r"(?!\w)", re.IGNORECASE)
    return re.compile(r"(?<!\w)" + re.escape(keyword), re.IGNORECASE)


_CAUSE_RES = {
    cause: [_keyword_re(k) for k in keywords] for cause, keywords in CAUSE_KEYWORDS.items()
}


def cause_scores(text):
    """{cause: number of its keywords found in ``text``} (causes found only)."""
    text = clean(text)
    scores = {}
    for cause, patterns in _CAUSE_RES.items():
        hits = sum(1 for pattern in patterns if pattern.search(text))
        if hits:
            scores[cause] = hits
    return scores


def suggest_cause(text):
    """The code of the most likely cause of ``text``, or None when no keyword is found (a tie
    goes to the first cause in CAUSE_KEYWORDS' order)."""
    scores = cause_scores(text)
    if not scores:
        return None
    order = list(CAUSE_KEYWORDS)
    return max(scores, key=lambda cause: (scores[cause], -order.index(cause)))


def churn_intent(text):
    """Whether ``text`` announces that the customer leaves."""
    return bool(_CHURN_RE.search(clean(text)))
