"""Detection and redaction of personal data in social-media posts (plain Python, no Odoo).

    find_pii(text) -> list[Match]            # sorted, non-overlapping
    redact(text, matches=None) -> str
    redact_report(text) -> Redaction         # redacted text + kinds found + matches
    kinds_found(matches) -> list[str]

Kinds: "email", "iban", "card", "tax_id" (German Steuer-IdNr), "id_card" (German
Personalausweis document number), "vat" (German USt-IdNr), "phone", "address" (postal address:
street + number + postcode + city, German/Austrian/Swiss and international forms), "dob" (a date
of birth: a real calendar date right after a cue such as "geb.", "geboren", "born", "DOB",
"Geburtsdatum") and "custom" (a company-defined pattern, see `compile_custom_pattern`).

Fediverse handles are not e-mail addresses: ``@user@instance.tld`` (with the leading @) and any
``user@instance`` given in ``keep`` (the post's author and mentioned accounts) stay.

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

import datetime as _dt
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

import regex as _regex  # noqa: E402
from stdnum import iban as std_iban  # noqa: E402
from stdnum import luhn  # noqa: E402
from stdnum.de import idnr as std_idnr  # noqa: E402
from stdnum.de import vat as std_vat  # noqa: E402

from .text import clean  # noqa: E402

KINDS = ("email", "iban", "card", "tax_id", "id_card", "vat", "phone", "address", "dob",
         "custom")
LABELS = {
    "email": "e-mail address",
    "iban": "IBAN",
    "card": "card number",
    "tax_id": "tax ID",
    "id_card": "ID card number",
    "vat": "VAT ID",
    "phone": "phone number",
    "address": "postal address",
    "dob": "date of birth",
    "custom": "reference number",
}
#: the placeholders in German (see :func:`placeholder`); other languages read English
LABELS_DE = {
    "email": "E-Mail-Adresse",
    "iban": "IBAN",
    "card": "Kartennummer",
    "tax_id": "Steuer-ID",
    "id_card": "Ausweisnummer",
    "vat": "USt-IdNr.",
    "phone": "Telefonnummer",
    "address": "Postanschrift",
    "dob": "Geburtsdatum",
    "custom": "Referenznummer",
}
#: (labels, "[label removed]", "[label removed, ends 1234]") per language code
PLACEHOLDERS = {
    "en": (LABELS, "[%s removed]", "[%s removed, ends %s]"),
    "de": (LABELS_DE, "[%s entfernt]", "[%s entfernt, endet auf %s]"),
}


def placeholder_language(lang):
    """The placeholder language of an Odoo language code ("de_DE", "de_CH", "en_US", None)."""
    code = (lang or "en").split("_")[0].split("-")[0].lower()
    return code if code in PLACEHOLDERS else "en"


# bank or card data: what a company may want hidden on the network at once
PAYMENT_KINDS = ("iban", "card")
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


def _find_emails(text, keep=frozenset()):
    for m in _EMAIL_RE.finditer(text):
        if m.start() and text[m.start() - 1] == "@":
            continue  # "@user@instance.tld": a fediverse handle, not an e-mail address
        if m.group().lower() in keep:
            continue  # the author or a mentioned account ("user@instance.tld")
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
# no phone number valid in the regions checked has fewer than 6 digits: texts without such a
# run skip the (costly) matcher of `phonenumbers`
_PHONE_GATE = re.compile(r"\d(?:[\s./()\-]{0,3}\d){5,}")
#: a dotted IPv4 address ("169.254.169.254", "192.168.178.1"): `phonenumbers` reads some as
#: valid German numbers; an address of a server or router is no phone number
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                   r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)")


def _find_phones(text):
    if not _PHONE_GATE.search(text):
        return
    seen = set()
    ipv4 = [m.span() for m in _IPV4.finditer(text)]
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
            if any(start < pm.end and pm.start < end for start, end in ipv4):
                continue  # an IPv4 address
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


# ----------------------------------------------------------- postal address
_STREET_SUFFIX = (r"(?i:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee"
                  r"|pfad|steig|stieg|markt|kai|promenade|graben|zeile|twiete|kamp|wall|gürtel"
                  r"|steinweg|landstraße|stra[sß]e)")
_CAP = r"[A-ZÄÖÜ][\wäöüß'’.]*"
_DE_STREET = (
    r"(?:(?:" + _CAP + r"[ -]){0,3}(?:[A-ZÄÖÜ][\wäöüß'’-]*?)?" + _STREET_SUFFIX
    + r"|(?:Am|An der|An den|Im|In der|In den|Auf der|Auf dem|Zum|Zur|Unter den|Hinter der"
    r"|Vor dem|Beim|Alte[rsn]?)\s" + _CAP + r"(?:[ -]" + _CAP + r")?)"
)
_HOUSE_NO = r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?)?"
_DE_POSTCODE = r"(?:(?:D|A|CH)-\s?)?(?P<pc>\d{4,5})"
_CITY = (r"[A-ZÄÖÜ][\wäöüß'’.-]+(?:[ -](?:(?:an der|am|im|ob der|bei|in der|upon|on)\s)?"
         r"[A-ZÄÖÜ(][\wäöüß'’.)-]+)?")
_ADDRESS_RES = (
    # Hauptstraße 5, 10115 Berlin / Am Markt 3a 1010 Wien
    re.compile(r"(?<![\w-])" + _DE_STREET + r"\s+" + _HOUSE_NO + r",?\s+" + _DE_POSTCODE
               + r"\s+" + _CITY),
    # 10115 Berlin, Hauptstraße 5
    re.compile(r"(?<![\w-])" + _DE_POSTCODE + r"\s+" + _CITY + r",\s+" + _DE_STREET + r"\s+"
               + _HOUSE_NO + r"(?![\w])"),
    # 221B Baker Street, London NW1 6XE / 1600 Amphitheatre Parkway, Mountain View, CA 94043
    re.compile(r"(?<![\w-])\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w'’.-]*\s+){0,4}"
               r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard"
               r"|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Parkway|Pkwy\.?|Terrace"
               r"|Close|Crescent|Highway|Hwy\.?|Row|Gardens|Mews)(?![\w])"
               r"(?:,?\s+(?:Apt\.?|Suite|Unit|Flat)\s*#?\w+)?,?\s+(?:[A-Z][\w'’.-]+[ ,]\s*){1,3}"
               r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]{2}\s+\d{5}(?:-\d{4})?|\d{4,5})"
               r"(?![\w])"),
    # 12 rue de la Paix, 75002 Paris
    re.compile(r"(?<![\w-])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd"
               r"|place|chemin|allée|impasse|quai|route|cours)\s+[\w'’ -]{2,40}?,?\s+\d{5}\s+"
               + _CITY),
    # Via Roma 12, 00184 Roma / Calle Mayor 5, 28013 Madrid
    re.compile(r"(?<![\w-])(?:Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Carrer|Rua)\s+"
               r"[\w'’ ]{2,40}?\s+\d{1,4}[a-zA-Z]?,?\s+\d{4,5}\s+" + _CITY),
)
_HAS_DIGITS = re.compile(r"\d.*\d", re.S)


def _find_addresses(text):
    if not _HAS_DIGITS.search(text):
        return
    for rx in _ADDRESS_RES:
        for m in rx.finditer(text):
            value = m.group().rstrip(" ,.")
            if "pc" in rx.groupindex and m.group("pc").startswith("00"):
                continue  # no German, Austrian or Swiss postcode starts with 00
            yield Match("address", m.start(), m.start() + len(value), value,
                        "street, number, postcode and city")


# ------------------------------------------------------------ date of birth
_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "mär": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5,
    "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DOB_CUE = re.compile(
    r"(?<!\w)(?:geb\.|geboren(?:\s+(?:am|den))?|born(?:\s+on)?|dob|d\.o\.b\.?|date of birth"
    r"|birth\s?date|birthday|geburtsdatum|geburtstag|geb\.?-?datum)(?:\s*(?:[:,-]|is|ist))?"
    r"\s*(?:am|on|the|den)?\s*", re.I)
_DOB_DATE = re.compile(
    r"(?P<d1>\d{1,2})[./-](?P<m1>\d{1,2})[./-](?P<y1>\d{4}|\d{2})(?![\d.])"
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})(?!\d)"
    r"|(?P<d3>\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?(?P<m3>" + _MONTH_RE + r")\.?,?\s+"
    r"(?P<y3>\d{4})(?!\d)"
    r"|(?P<m4>" + _MONTH_RE + r")\.?\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{4})(?!\d)",
    re.I)


def _real_date(year, month, day):
    year = int(year)
    if year < 100:
        year += 1900 if year > _dt.date.today().year % 100 else 2000
    try:
        date = _dt.date(year, int(month), int(day))
    except ValueError:
        return None
    return date if 1900 <= date.year <= _dt.date.today().year else None


def _find_dobs(text):
    for cue in _DOB_CUE.finditer(text):
        m = _DOB_DATE.match(text, cue.end())
        if not m:
            continue
        g = m.groupdict()
        if g["d1"]:
            ok = _real_date(g["y1"], g["m1"], g["d1"]) or (
                "/" in m.group() and _real_date(g["y1"], g["d1"], g["m1"]))  # US order
        elif g["y2"]:
            ok = _real_date(g["y2"], g["m2"], g["d2"])
        elif g["d3"]:
            ok = _real_date(g["y3"], _MONTHS[g["m3"].lower()], g["d3"])
        else:
            ok = _real_date(g["y4"], _MONTHS[g["m4"].lower()], g["d4"])
        if ok:
            yield Match("dob", m.start(), m.end(), m.group(), "date after a birth cue")


# ----------------------------------------------------- company-defined patterns
CUSTOM_TIMEOUT = 0.05  # seconds per pattern and text: evaluation time is bounded
CUSTOM_MAX_LENGTH = 300
_QUANT_OPEN = re.compile(r"[*+]|\{\d*,\d*\}|\{\d+\}")


class PatternError(ValueError):
    """A company pattern that is refused (the message says why)."""


def _nested_quantifier(expression):
    """True when a repeated group itself contains a repeat (``(a+)+``, ``(\\d*x)*``,
    ``(?:a|b{2,})+``): the shape that backtracks catastrophically."""
    stack = [False]  # per open group: does it contain a quantifier?
    i, n = 0, len(expression)
    while i < n:
        ch = expression[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # skip a character class
            j = i + 1
            if j < n and expression[j] == "^":
                j += 1
            if j < n and expression[j] == "]":
                j += 1
            while j < n and expression[j] != "]":
                j += 2 if expression[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            stack.append(False)
        elif ch == ")":
            inner = stack.pop() if len(stack) > 1 else False
            quant = _QUANT_OPEN.match(expression, i + 1)
            if quant and inner and quant.group() not in ("{0}", "{1}"):
                return True
            if inner or quant:
                stack[-1] = True
        elif _QUANT_OPEN.match(expression, i) and expression[i:i + 2] not in ("{0", "{1}"):
            stack[-1] = True
        i += 1
    return False


def compile_custom_pattern(expression):
    """Compile a company-defined pattern or raise :class:`PatternError` saying why not.

    Refused: empty or over 300 characters, invalid syntax, back-references, patterns that
    match the empty string, and nested quantifiers such as ``(a+)+``. Evaluation is bounded as
    well (``regex`` with a timeout), so whatever slips through cannot hang a request.
    """
    expression = (expression or "").strip()
    if not expression:
        raise PatternError("The pattern is empty.")
    if len(expression) > CUSTOM_MAX_LENGTH:
        raise PatternError("The pattern is longer than %d characters." % CUSTOM_MAX_LENGTH)
    if re.search(r"\\[1-9]|\(\?P=|\\g<", expression):
        raise PatternError("Back-references are not allowed.")
    if _nested_quantifier(expression):
        raise PatternError("Nested repetition such as (a+)+ can take forever on some texts; "
                           "write the pattern without a repeated group that repeats inside.")
    try:
        compiled = _regex.compile(expression, _regex.V0)
    except _regex.error as error:
        raise PatternError("The pattern is not a valid regular expression: %s" % error) from None
    try:
        if compiled.fullmatch("", timeout=CUSTOM_TIMEOUT):
            raise PatternError("The pattern matches an empty text.")
        for probe in ("a" * 2000 + "!", "1" * 2000 + "x", "a1-" * 700):
            compiled.search(probe, timeout=CUSTOM_TIMEOUT)
    except TimeoutError:
        raise PatternError("The pattern is too slow on long texts.") from None
    return compiled


def _find_custom(text, patterns):
    for name, compiled in patterns:
        try:
            found = list(compiled.finditer(text, timeout=CUSTOM_TIMEOUT))
        except TimeoutError:
            continue  # bounded: a slow pattern is skipped for this text, the rest still runs
        for m in found:
            if m.end() > m.start():
                yield Match("custom", m.start(), m.end(), m.group(), name)


def _keep_keys(keep):
    keys = set()
    for value in keep or ():
        value = (value or "").strip().lower().lstrip("@")
        if not value:
            continue
        keys.add(value)
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7:
            keys.add("#" + digits[-9:])
    return keys


def _kept(match, keys):
    if match.value.lower().lstrip("@") in keys:
        return True
    digits = re.sub(r"\D", "", match.value)
    return match.kind == "phone" and len(digits) >= 7 and "#" + digits[-9:] in keys


_FINDERS = (_find_ibans, _find_cards, _find_tax_ids, _find_id_cards, _find_vats, _find_dobs,
            _find_addresses, _find_phones)


def find_pii(text, keep=(), patterns=()):
    """All personal data found in `text`, sorted by position and never overlapping.

    Offsets refer to `text` as given (control characters are treated as spaces, same length).
    When two finds overlap the earlier finder wins (e-mail, IBAN, card, company pattern, tax
    ID, ID card, VAT ID, date of birth, address, phone).
    Never raises on odd input; posts over 20,000 characters are only scanned that far.

    :param keep: values that are not personal data here: the author's and mentioned accounts'
        handles (``user@instance.tld``), the company's own phone number and e-mail address
    :param patterns: company patterns, ``[(name, compiled)]`` from `compile_custom_pattern`
    """
    work = clean(text)
    keys = _keep_keys(keep)
    taken = []
    out = []
    finders = [lambda w: _find_emails(w, keys)]
    finders += [_FINDERS[0], _FINDERS[1]]
    if patterns:
        finders.append(lambda w: _find_custom(w, patterns))
    finders += _FINDERS[2:]
    for finder in finders:
        for match in finder(work):
            if any(match.start < e and s < match.end for s, e in taken):
                continue
            if keys and _kept(match, keys):
                continue
            taken.append((match.start, match.end))
            out.append(match)
    out.sort(key=lambda m: m.start)
    return out


def kinds_found(matches):
    """Sorted list of the kinds in `matches`, e.g. ['iban', 'phone']."""
    return sorted({m.kind for m in matches}, key=KINDS.index)


def placeholder(match, keep_last=4, lang="en"):
    """The placeholder of ``match``: e.g. "[IBAN removed, ends 3000]", in German (``lang``
    "de" or "de_DE") "[IBAN entfernt, endet auf 3000]"."""
    labels, plain, ending = PLACEHOLDERS[placeholder_language(lang)]
    if match.kind == "custom":
        label = re.sub(r"[\[\]<>&\"']", "", match.reason or "")[:60] or labels["custom"]
        return plain % label
    label = labels.get(match.kind, match.kind)
    if keep_last and match.kind in KEEP_LAST_KINDS:
        tail = "".join(ch for ch in match.value if ch.isalnum())[-keep_last:]
        return ending % (label, tail)
    return plain % label


def redact(text, matches=None, keep_last=4, lang="en"):
    """`text` with every match replaced by a placeholder (see module docstring)."""
    text = "" if text is None else str(text)
    if matches is None:
        matches = find_pii(text)
    out, pos = [], 0
    for m in sorted(matches, key=lambda m: m.start):
        if m.start < pos:
            continue
        out.append(text[pos:m.start])
        out.append(placeholder(m, keep_last, lang))
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def redact_report(text, keep_last=4, keep=(), patterns=(), lang="en"):
    """Redacted text plus which kinds were found (for logging "removed: IBAN, phone").

    The one function every path that stores social text goes through (see the models'
    ``social.crm.pii.mixin``); ``lang``: the language of the placeholders ("de": German).
    """
    matches = find_pii(text, keep=keep, patterns=patterns)
    return Redaction(text=redact(text, matches, keep_last, lang), kinds=kinds_found(matches),
                     matches=matches)


def redact_json(value, matches=(), keep=(), patterns=(), lang="en"):
    """``value`` (a JSON tree) with every string redacted, plus the kinds found in it.

    First the values already found in the record's text are replaced wherever they occur (a
    payload repeats the text in several places), then each string that could hold personal
    data goes through `redact_report`.
    """
    kinds = set()

    def scrub(item):
        if isinstance(item, str):
            for match in matches:
                if match.value in item:
                    item = item.replace(match.value, placeholder(match, lang=lang))
                    kinds.add(match.kind)
            if patterns or "@" in item or (
                    " " in item and any(ch.isdigit() for ch in item)):
                report = redact_report(item, keep=keep, patterns=patterns, lang=lang)
                if report.matches:
                    kinds.update(report.kinds)
                    item = report.text
            return item
        if isinstance(item, dict):
            return {key: scrub(sub) for key, sub in item.items()}
        if isinstance(item, list):
            return [scrub(sub) for sub in item]
        return item

    return scrub(value), sorted(kinds, key=KINDS.index)
