"""Make text from the networks safe to store: PostgreSQL refuses NUL characters (in text and
in JSON) and lone UTF-16 surrogates (not UTF-8), and other control characters only garble the
UI. Plain functions, no ORM."""

import math
import re
from collections.abc import Mapping

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ANY_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width space
#: and the byte order mark; the joiners (emoji sequences, scripts) and the marks stay
_LINE_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b\ufeff]")


def clean_text(value):
    """Text without NUL and other C0 control characters (tabs and line breaks stay); pairs of
    surrogates are joined, lone ones become U+FFFD."""
    if not value or not isinstance(value, str) or not _ANY_BAD.search(value):
        return value
    value = _CONTROL.sub("", value)
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def line_safe(value):
    """Words of a network (an author's name, a post) fit for a line the product writes with
    its own words around them (a ticket's title): without the bidi controls that would turn
    the rest of the line (an override a name never closes) or the zero-width spaces that hide
    in it. The stored posts keep their text as the network gave it."""
    if not value or not isinstance(value, str):
        return value
    return _LINE_CONTROLS.sub("", value)


def clean_json(value):
    """The same, through nested dicts and lists of a raw payload."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity: PostgreSQL refuses them
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(str(value))  # dates and other objects: as text
