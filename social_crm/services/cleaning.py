"""Make text from the networks safe to store: PostgreSQL refuses NUL characters (in text and
in JSON), and other control characters only garble the UI. Plain functions, no ORM."""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Text without NUL and other C0 control characters (tabs and line breaks stay)."""
    if not value or not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)


def clean_json(value):
    """The same, through nested dicts and lists of a raw payload."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value
