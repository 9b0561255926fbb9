"""Text normalisation, tokenisation and a cheap language guess (plain Python, no Odoo)."""

import re
import unicodedata

# Posts are short; anything beyond this is cut before analysis so hostile input stays cheap.
MAX_CHARS = 20000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"'})
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+", re.I)
MENTION_RE = re.compile(r"(?<!\w)@\w+")
_TOKEN_RE = re.compile(r"[#]?[^\W\d_]+(?:'[^\W\d_]+)?|\d+(?:[.,:]\d+)*|[!?]+"
                       r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def clean(text):
    """Return `text` as a safe str: None -> '', control/bidi characters -> space, cut to MAX_CHARS.

    The result has the same meaning and is what every detector works on.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text[:MAX_CHARS]
    text = _CONTROL_RE.sub(" ", text)
    return text.translate(_QUOTES)


def lower_same_length(text):
    """Lower-case `text` without changing its length (so spans map back to the original)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    out = []
    for ch in text:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def strip_social(text):
    """Replace URLs and @mentions by spaces of the same length (keeps offsets stable)."""
    text = URL_RE.sub(lambda m: " " * len(m.group()), text)
    return MENTION_RE.sub(lambda m: " " * len(m.group()), text)


def tokens(text):
    """Lower-case word tokens; numbers become '<num>', hashtags lose their '#'."""
    out = []
    for tok in _TOKEN_RE.findall(lower_same_length(strip_social(clean(text)))):
        if tok[0].isdigit():
            out.append("<num>")
        elif tok[0] in "!?":
            out.append(tok[0] * min(len(tok), 2))
        else:
            out.append(tok.lstrip("#"))
    return out


_DE_WORDS = frozenset("""
der die das und ist nicht ich ein eine einen mit für auf bei seit noch immer schon mein meine
meinen wir ihr sie es zu von dem den des auch aber wie wann was kann habe hat sind war wurde
wird bitte danke keine kein nichts heute gestern warum wieso weshalb geht gibt euch eure euer
mir mich uns nach über oder wenn dass weil jetzt leider mal doch nur sehr bin hab habt haben
dank vielen hallo guten ihnen ihre ihren eure bestellung paket lieferung seit wochen tagen
am im vom zum zur ins beim neue neuen neuer heute morgen gestern wieder endlich schon seid sei
euch wurde wurden laut bisher nie sagt steht kommt""".split())
_EN_WORDS = frozenset("""
the and is not i a an with for on at since still my we you they it to of in also but how when
what can have has are was were will please thanks thank no nothing today yesterday why does do
me us after over or if that because now just very am this your got been
""".split())


_DE_ENDINGS = ("ung", "ungen", "keit", "heit", "lich", "chen", "isch", "schaft")


def guess_lang(text):
    """Return 'de' or 'en' using stopwords and umlauts; defaults to 'en' when undecided."""
    words = tokens(text)
    de = sum(1 for w in words if w in _DE_WORDS)
    en = sum(1 for w in words if w in _EN_WORDS)
    sample = clean(text)[:2000]
    de += 0.5 * sum(1 for ch in sample if ch in "äöüÄÖÜß„")
    de += 0.5 * sum(1 for w in words if len(w) > 5 and w.endswith(_DE_ENDINGS))
    return "de" if de > en else "en"


def is_shouting(word):
    """True for an ALL-CAPS word of 3+ letters (not a mention/hashtag, not a short acronym)."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def fold(text):
    """Accent-folded lower-case text, used only for loose keyword comparisons."""
    text = unicodedata.normalize("NFKD", lower_same_length(text))
    return "".join(c for c in text if not unicodedata.combining(c))


# --------------------------------------------------------------------- German normalisation
# Real German posts are written in dialect and chat spellings ("is", "nix", "ham", "gwartet"),
# with "ae/oe/ue" for umlauts and "ss" for "ß". The cue patterns are written in standard
# spelling, so German text is mapped to it word by word before the rules (and the shipped
# model's n-grams) see it. Only whole words change; a word that is not in the map stays.
DE_SPELLINGS = {
    "is": "ist", "isch": "ist", "isses": "ist es", "nix": "nichts", "nischt": "nichts",
    "nüscht": "nichts", "garnix": "gar nichts", "net": "nicht", "ned": "nicht", "nich": "nicht",
    "nicht's": "nichts", "garnich": "gar nicht", "nimmer": "nicht mehr", "nimma": "nicht mehr",
    "hab": "habe", "hab's": "habe es", "habs": "habe es", "ham": "haben", "hamm": "haben",
    "hamma": "haben wir", "hot": "hat", "hät": "hätte", "jetz": "jetzt", "grad": "gerade",
    "heut": "heute", "heit": "heute", "koi": "kein", "koa": "kein", "koane": "keine",
    "mei": "mein", "dei": "dein", "nen": "einen", "ne": "eine", "nem": "einem", "ner": "einer",
    "aufm": "auf dem", "ausm": "aus dem", "gibts": "gibt es", "gehts": "geht es",
    "wars": "war es", "wos": "was", "wat": "was", "dat": "das", "des": "das", "i": "ich",
    "san": "sind", "sin": "sind", "ois": "alles", "bissl": "bisschen", "nochma": "nochmal",
    "ma": "mal", "sone": "so eine", "sonen": "so einen", "vllt": "vielleicht",
    "gwartet": "gewartet", "gsagt": "gesagt", "gmacht": "gemacht", "gschickt": "geschickt",
    "gwesen": "gewesen", "gwesn": "gewesen", "gholt": "geholt", "gfragt": "gefragt",
    "gsehen": "gesehen", "gangen": "gegangen", "wenns": "wenn es",
    "obwohls": "obwohl es", "sowas": "so was", "bekomm": "bekomme",
}
# words whose "ae/oe/ue" is no umlaut (names, loan words)
_NOT_UMLAUT = frozenset("""
zuerst tuesday blues manuel samuel cruel fuel duel michael israel raphael aerobic maestro poet
poeten poesie does doesn shoes goes phoenix queue queues issue issues true blue value venue
""".split())
_UMLAUT_RE = re.compile(r"(?<![aeiouäöüq])(?:(ae|oe|ue)(?=[bcdfghjklmnpqrstvwxzß])|(ae)(?=u))")
_NOT_UMLAUT_UE = re.compile(r"[tndx]uel", re.I)  # aktuell, manuell, individuell, Duell, sexuell
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}
_DE_WORD_RE = re.compile(r"(?<![@#\w])[^\W\d_]+(?:'[^\W\d_]+)?")


def normalise_de_word(word):
    """The standard spelling of one lower-case German word (see ``DE_SPELLINGS``)."""
    word = word.replace("ß", "ss")
    if word in DE_SPELLINGS:
        return DE_SPELLINGS[word].replace("ß", "ss")
    if word not in _NOT_UMLAUT and ("ae" in word or "oe" in word or "ue" in word) \
            and not _NOT_UMLAUT_UE.search(word):
        word = _UMLAUT_RE.sub(lambda m: _UMLAUTS[m.group(1) or m.group(2)], word)
    return word


def _normalise_de_match(word):
    low = word.lower()
    new = normalise_de_word(low)
    if new == low:
        return word
    if word.isupper() and len(word) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def normalise_de(text):
    """German text in standard spelling, word by word, keeping the case of the first letter
    ("Is nix passiert" -> "Ist nichts passiert"; "Muell" -> "Müll"; "Straße" -> "Strasse").
    Mentions and hashtags are left alone. The result may be longer or shorter than the input.
    """
    return _DE_WORD_RE.sub(lambda m: _normalise_de_match(m.group()), text)


def normalise_de_spans(text):
    """``(normalise_de(text), spans)``: ``spans`` lists each changed word as ``(start, end)``
    in the result and ``(start, end)`` in ``text``, so that :func:`original_span` can quote
    what the customer wrote."""
    out, spans, pos, length = [], [], 0, 0
    for m in _DE_WORD_RE.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        new = _normalise_de_match(m.group())
        if new != m.group():
            spans.append((length, length + len(new), m.start(), m.end()))
        out.append(new)
        length += len(new)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


def original_span(spans, start, end):
    """The ``(start, end)`` in the original text of ``[start, end)`` of the normalised text
    (see :func:`normalise_de_spans`); a changed word touched by the range is taken whole."""

    def back(position, is_end):
        shift = 0
        for new_start, new_end, old_start, old_end in spans:
            if position < new_start or (is_end and position == new_start):
                break
            if position < new_end or (is_end and position == new_end):
                return old_end if is_end else old_start
            shift = new_end - old_end
        return position - shift

    return back(start, False), back(end, True)


def normalise_de_tokens(toks):
    """``tokens()`` of a German post in standard spelling (see ``normalise_de``)."""
    out = []
    for tok in toks:
        if tok[:1].isalpha():
            out.extend(normalise_de_word(tok).split())
        else:
            out.append(tok)
    return out
