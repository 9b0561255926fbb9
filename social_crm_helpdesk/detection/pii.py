"""Detection and redaction of personal data in social-media posts (plain Python, no Odoo).

    find_pii(text) -> list[Match]            # sorted, non-overlapping
    redact(text, matches=None) -> str
    redact_report(text) -> Redaction         # redacted text + kinds found + matches
    kinds_found(matches) -> list[str]

Kinds: "email", "iban", "card", "tax_id" (German Steuer-IdNr), "id_card" (German
Personalausweis document number), "vat" (German USt-IdNr), "phone".

Every number is checked, not just pattern-matched: IBAN mod-97 plus the country's length and
BBAN structure (python-stdnum), cards Luhn plus a known issuer prefix and length, Steuer-IdNr
and USt-IdNr by their stdnum check digits, Personalausweis by the 7-3-1 check digit, phone
numbers by `phonenumbers` (VALID leniency; regions DE, AT, CH, GB, US and +international).
Context words reduce false hits: a number after "order", "Bestellung", "tracking", "#", ... is
not taken as a tax ID or phone number, an all-digit Personalausweis number needs a context word
("Ausweis", "ID card"), and numbers next to a currency or shaped like a date/time are skipped.

Redaction format (a deliberate choice): each match becomes "[<label> removed]", e.g.
"[phone number removed]", "[e-mail address removed]". For IBANs and payment cards the last four
characters are kept, "[IBAN removed, ends 3000]", "[card number removed, ends 1111]": the
truncation PCI DSS allows for cards, and enough for an agent to tell which account the customer
means. Nothing else is kept (the last digits of a tax ID or ID card help nobody and add risk).
Pass keep_last=0 to `redact` to drop those endings too.
"""

import os
import re
from dataclasses import dataclass, field

import phonenumbers
from stdnum import numdb as _numdb


def _numdb_stream(name):
    """The registry file ``name`` of stdnum, read from the package folder."""
    return open(os.path.join(os.path.dirname(_numdb.__file__), name), "rb")


# python-stdnum reads its registries (iban.dat...) through importlib.resources, which cannot
# see them when an import hook replaced stdnum's loader, as Odoo 19's lazy monkeypatcher does
# ("Can't open orphan path"): then read the files next to the module instead.
try:
    _numdb.get("iban")
except FileNotFoundError:
    _numdb._get_resource_stream = _numdb_stream

from stdnum import iban as std_iban  # noqa: E402
from stdnum import luhn  # noqa: E402
from stdnum.de import idnr as std_idnr  # noqa: E402
from stdnum.de import vat as std_vat  # noqa: E402

from .text import clean  # noqa: E402

KINDS = ("email", "iban", "card", "tax_id", "id_card", "vat", "phone")
LABELS = {
    "email": "e-mail address",
    "iban": "IBAN",
    "card": "card number",
    "tax_id": "tax ID",
    "id_card": "ID card number",
    "vat": "VAT ID",
    "phone": "phone number",
}
KEEP_LAST_KINDS = ("iban", "card")
PHONE_REGIONS = ("DE", "AT", "CH", "GB", "US")


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int
    value: str
    reason: str


@dataclass
class Redaction:
    text: str
    kinds: list = field(default_factory=list)
    matches: list = field(default_factory=list)


# ---------------------------------------------------------------- context helpers
_NEG_CONTEXT = re.compile(
    r"(?:order|bestell|auftrag|tracking|track|sendung|paket|parcel|shipment|invoice|rechnung"
    r"|kunden|customer|ticket|case|fall|vorgang|referen|ref\b|artikel|article|item|sku|serial"
    r"|seriennummer|imei|modell|model|plz|postcode|zip|konto(?!nummer)|reservation|booking"
    r"|buchung|voucher|gutschein|code|#|nr\.?|no\.?)[\s:.#-]*(?:\w+[\s:.#-]*)?$", re.I)
_TAX_CONTEXT = re.compile(r"steuer|idnr|identifikationsnummer|tax|tin\b|finanzamt", re.I)
_ID_CONTEXT = re.compile(r"ausweis|perso\b|personalausweis|id[- ]?card|identity card"
                         r"|dokumentennummer|document number|id[- ]?number|ausweisnummer", re.I)
_PHONE_CONTEXT = re.compile(r"\btel\b|\btel\.|telefon|phone|\bcall|\bring\b|\bmobil|handy|anruf"
                            r"|\bruf|erreichbar|whatsapp|\bfax|festnetz|\bcell|\bsms\b|text me"
                            r"|(?:meine|my) (?:nummer|number)|hotline", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:[€$£]|eur|usd|chf|gbp)\s*$", re.I)
_CURRENCY_AFTER = re.compile(r"^\s*(?:[€$£]|eur|euro|usd|chf|gbp|dollar|pfund|cent|ct)", re.I)
_GLUED_BEFORE = re.compile(r"\d[.,:/]$|\w$")
_GLUED_AFTER = re.compile(r"^[.,:/]\d|^\w")
_DATE_OR_TIME = re.compile(
    r"^\s*(?:\d{1,2}[./]\d{1,2}[./](?:\d{2}|\d{4})|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}"
    r"(?::\d{2})?)\s*$")


def _before(text, start, width=30):
    return text[max(0, start - width):start]


def _has_negative_context(text, start):
    return bool(_NEG_CONTEXT.search(_before(text, start, 25)))


def _near(rx, text, start, end, width=40):
    return bool(rx.search(text[max(0, start - width):start]) or rx.search(text[end:end + 15]))


# ---------------------------------------------------------------------- e-mail
_EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}"
    r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9-])")


def _find_emails(text):
    for m in _EMAIL_RE.finditer(text):
        yield Match("email", m.start(), m.end(), m.group(), "e-mail address")


# ------------------------------------------------------------------------ IBAN
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,32}")
_BBAN_PART = re.compile(r"(\d+)!?[nac]")


def _iban_length(cc):
    try:
        info = std_iban._ibandb.info(cc)  # stdnum's registry of countries
    except Exception:  # pragma: no cover - defensive
        return None
    props = info[0][1] if info else {}
    bban = props.get("bban") if props else None
    if not bban:
        return None
    return 4 + sum(int(n) for n in _BBAN_PART.findall(bban))


def _find_ibans(text):
    for m in _IBAN_RE.finditer(text):
        cand = m.group()
        positions = [i for i, ch in enumerate(cand) if ch.isalnum()]
        length = _iban_length(cand[:2].upper())
        lengths = [length] if length else range(min(34, len(positions)), 14, -1)
        for n in lengths:
            if n > len(positions):
                continue
            end = positions[n - 1] + 1
            # the IBAN must not run on into more letters/digits without a separator
            if end < len(cand) and cand[end].isalnum():
                continue
            compact = "".join(ch for ch in cand[:end] if ch.isalnum()).upper()
            if std_iban.is_valid(compact):
                yield Match("iban", m.start(), m.start() + end, cand[:end],
                            "IBAN, mod-97 check and %s length valid" % compact[:2])
                break


# ----------------------------------------------------------------------- cards
# A number: not glued to letters/digits, not part of a decimal, date or longer digit group.
_NUM_START = r"(?<![\w+])(?<!\d[.,/:-])"
_NUM_END = r"(?!\w|[.,/:-]\d|[ -]\d)"
_CARD_RE = re.compile(_NUM_START + r"\d(?:[ -]?\d){12,18}" + _NUM_END)


def _card_brand(num):
    n = len(num)
    p2, p3, p4, p6 = int(num[:2]), int(num[:3]), int(num[:4]), int(num[:6])
    if num[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "Mastercard"
    if p2 in (34, 37) and n == 15:
        return "American Express"
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "Discover"
    if (300 <= p3 <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "Diners Club"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "JCB"
    if p2 == 62 and 16 <= n <= 19:
        return "UnionPay"
    if (p4 in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763) or p2 in (67,)) \
            and 13 <= n <= 19:
        return "Maestro"
    return None


_CARD_CONTEXT = re.compile(r"card|karte|visa|master|amex|american express|maestro|kreditk", re.I)


def _card_grouping(raw):
    """Card numbers are printed in fours (Amex/Diners: 4-6-5 / 4-6-4)."""
    groups = [len(g) for g in re.split(r"[ -]", raw)]
    if groups in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


def _find_cards(text):
    for m in _CARD_RE.finditer(text):
        raw = m.group()
        seps = {ch for ch in raw if not ch.isdigit()}
        if len(seps) > 1:
            continue  # mixed separators: not how card numbers are written
        num = "".join(ch for ch in raw if ch.isdigit())
        if not 13 <= len(num) <= 19 or not luhn.is_valid(num):
            continue
        if seps and not _card_grouping(raw):
            continue  # "302-1234567-1234567" is an order number, not a card
        if _has_negative_context(text, m.start()) and not _near(_CARD_CONTEXT, text, m.start(),
                                                                m.end()):
            continue
        brand = _card_brand(num)
        if brand:
            yield Match("card", m.start(), m.end(), raw, "%s number, Luhn valid" % brand)


# ------------------------------------------------------------- German tax ID
_IDNR_RE = re.compile(_NUM_START + r"(?:\d{11}|\d{2} \d{3} \d{3} \d{3})" + _NUM_END)


def _find_tax_ids(text):
    for m in _IDNR_RE.finditer(text):
        num = m.group().replace(" ", "")
        if not std_idnr.is_valid(num):
            continue
        context = _near(_TAX_CONTEXT, text, m.start(), m.end())
        if not context and _has_negative_context(text, m.start()):
            continue
        yield Match("tax_id", m.start(), m.end(), m.group(),
                    "Steuer-IdNr, check digit valid" + (" (tax context)" if context else ""))


# ------------------------------------------------------ German ID card number
_IDCARD_RE = re.compile(r"(?<![\w-])[CFGHJKLMNPRTVWXYZ0-9]{9}\d(?![\w-])")
_IDCARD_VALUES = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def idcard_check_digit(serial):
    """7-3-1 check digit of a German ID document number (ICAO 9303 scheme)."""
    weights = (7, 3, 1)
    return sum(_IDCARD_VALUES[ch] * weights[i % 3] for i, ch in enumerate(serial.upper())) % 10


def is_valid_idcard(number):
    number = (number or "").replace(" ", "").upper()
    if not re.fullmatch(r"[CFGHJKLMNPRTVWXYZ0-9]{9}\d", number):
        return False
    return idcard_check_digit(number[:9]) == int(number[9])


def _find_id_cards(text):
    for m in _IDCARD_RE.finditer(text):
        value = m.group()
        if not is_valid_idcard(value):
            continue
        context = _near(_ID_CONTEXT, text, m.start(), m.end())
        has_letter = any(ch.isalpha() for ch in value)
        if not context:
            # without a context word only the current format (letter first, letters and digits)
            if not (has_letter and value[0].isalpha() and sum(ch.isdigit() for ch in value) >= 4):
                continue
            if _has_negative_context(text, m.start()):
                continue
        yield Match("id_card", m.start(), m.end(), value,
                    "Personalausweis number, 7-3-1 check digit valid")


# ------------------------------------------------------------ German VAT ID
_VAT_RE = re.compile(r"(?<![\w-])DE ?\d{9}(?!\w)")


def _find_vats(text):
    for m in _VAT_RE.finditer(text):
        if std_vat.is_valid(m.group().replace(" ", "")):
            yield Match("vat", m.start(), m.end(), m.group(), "German VAT ID, check digit valid")


# ------------------------------------------------------------------- phones
def _find_phones(text):
    seen = set()
    leniency = phonenumbers.Leniency.VALID
    for region in PHONE_REGIONS:
        try:
            matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency,
                                                      max_tries=200)
            found = list(matcher)
        except Exception:  # pragma: no cover - library edge cases must not break a post
            continue
        for pm in found:
            span = (pm.start, pm.end)
            if span in seen:
                continue
            seen.add(span)
            raw = pm.raw_string
            glued = _GLUED_BEFORE.search(text[max(0, pm.start - 2):pm.start]) or \
                _GLUED_AFTER.match(text[pm.end:pm.end + 2])
            if glued or _DATE_OR_TIME.match(raw):
                continue  # part of a price, date or longer number
            if _CURRENCY_BEFORE.search(_before(text, pm.start, 6)) or \
                    _CURRENCY_AFTER.match(text[pm.end:pm.end + 6]):
                continue
            context = _near(_PHONE_CONTEXT, text, pm.start, pm.end)
            international = raw.lstrip("(").startswith(("+", "00"))
            formatted = any(not ch.isdigit() for ch in raw)
            if _has_negative_context(text, pm.start) and not (
                    international or _PHONE_CONTEXT.search(_before(text, pm.start, 25))):
                continue  # "Bestellnummer 0301234567": an order number, not a phone
            if not (international or context or formatted or raw.startswith("0")):
                continue  # a bare digit run with no sign of being a phone number
            cc = phonenumbers.region_code_for_number(pm.number) or region
            yield Match("phone", pm.start, pm.end, raw, "phone number valid for %s" % cc)


_FINDERS = (_find_emails, _find_ibans, _find_cards, _find_tax_ids, _find_id_cards, _find_vats,
            _find_phones)


def find_pii(text):
    """All personal data found in `text`, sorted by position and never overlapping.

    Offsets refer to `text` as given (control characters are treated as spaces, same length).
    When two finds overlap the earlier finder in KINDS wins (e-mail, IBAN, card, tax ID, ...).
    Never raises on odd input; posts over 20,000 characters are only scanned that far.
    """
    work = clean(text)
    taken = []
    out = []
    for finder in _FINDERS:
        for match in finder(work):
            if any(match.start < e and s < match.end for s, e in taken):
                continue
            taken.append((match.start, match.end))
            out.append(match)
    out.sort(key=lambda m: m.start)
    return out


def kinds_found(matches):
    """Sorted list of the kinds in `matches`, e.g. ['iban', 'phone']."""
    return sorted({m.kind for m in matches}, key=KINDS.index)


def placeholder(match, keep_last=4):
    label = LABELS.get(match.kind, match.kind)
    if keep_last and match.kind in KEEP_LAST_KINDS:
        tail = "".join(ch for ch in match.value if ch.isalnum())[-keep_last:]
        return "[%s removed, ends %s]" % (label, tail)
    return "[%s removed]" % label


def redact(text, matches=None, keep_last=4):
    """`text` with every match replaced by a placeholder (see module docstring)."""
    text = "" if text is None else str(text)
    if matches is None:
        matches = find_pii(text)
    out, pos = [], 0
    for m in sorted(matches, key=lambda m: m.start):
        if m.start < pos:
            continue
        out.append(text[pos:m.start])
        out.append(placeholder(m, keep_last))
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def redact_report(text, keep_last=4):
    """Redacted text plus which kinds were found (for logging "removed: IBAN, phone")."""
    matches = find_pii(text)
    return Redaction(text=redact(text, matches, keep_last), kinds=kinds_found(matches),
                     matches=matches)
