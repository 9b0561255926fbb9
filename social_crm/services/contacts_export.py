"""Reading the contact exports of LinkedIn and Xing (plain Python, no ``odoo``).

Neither network lets an app read other people's profiles, but both let a member export their
own contacts:

* LinkedIn (*Settings → Data privacy → Get a copy of your data → Connections*):
  ``Connections.csv``, a few "Notes:" lines, then the header ``First Name,Last Name,URL,
  Email Address,Company,Position,Connected On``.
* Xing (*Contacts → Export*): a CSV (comma or semicolon) with German or English headers
  (``Vorname;Nachname;E-Mail (geschäftlich);Firma;Position;Profil-URL``...).

A ``Followers`` / ``Connections`` / ``Kontakte`` column, when a file has one (or the user
added it), is read as the follower count. :func:`read_export` returns one :class:`ExportRow`
per person and the lines it could not read, with the reason.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re

from . import enrich

MAX_ROWS = 50_000
COLUMNS = {
    "first": ("first name", "firstname", "vorname", "given name"),
    "last": ("last name", "lastname", "nachname", "family name", "surname"),
    "name": ("name", "full name", "vollständiger name"),
    "url": ("url", "profile url", "profil-url", "profil url", "profile", "profil",
            "xing profil", "xing-profil", "linkedin url", "public profile url"),
    "email": ("email address", "email", "e-mail", "e-mail-adresse", "e-mail adresse",
              "e-mail (geschäftlich)", "e-mail geschäftlich", "business email",
              "e-mail (privat)"),
    "company": ("company", "firma", "unternehmen", "arbeitgeber", "organization"),
    "position": ("position", "job title", "jobtitel", "berufsbezeichnung", "titel", "title"),
    "followers": ("followers", "follower", "connections", "kontakte", "contacts",
                  "anzahl kontakte"),
}


@dataclasses.dataclass(frozen=True)
class ExportRow:
    line: int
    name: str
    email: str | None = None
    profile_url: str | None = None
    handle: str | None = None
    company: str | None = None
    position: str | None = None
    followers: int | None = None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", errors="replace")


def _key(header: str) -> str | None:
    text = re.sub(r"\s+", " ", (header or "").strip().strip('"').lower())
    for key, names in COLUMNS.items():
        if text in names:
            return key
    return None


def _count(value: str) -> int | None:
    text = re.sub(r"[\s.,'’]", "", value or "")
    if text.endswith("+"):  # LinkedIn shows "500+"
        text = text[:-1]
    return int(text) if text.isdigit() and len(text) < 10 else None


def read_export(content: bytes, url_pattern: str, network: str = ""
                ) -> tuple[list[ExportRow], list[tuple[int, str]]]:
    """``(rows, problems)`` of an export; ``problems``: (line, reason) of unreadable lines.
    Raises ValueError when no header line names the people (first/last name or name)."""
    text = _decode(content or b"")
    lines = text.splitlines()
    header_at, columns, delimiter = None, {}, ","
    for index, line in enumerate(lines[:50]):
        for sep in (",", ";", "\t"):
            cells = next(csv.reader([line], delimiter=sep), [])
            keys = {_key(c): i for i, c in reversed(list(enumerate(cells))) if _key(c)}
            if ("first" in keys and "last" in keys) or "name" in keys:
                header_at, columns, delimiter = index, keys, sep
                break
        if header_at is not None:
            break
    if header_at is None:
        raise ValueError("no header line with the columns First Name and Last Name "
                         "(or Vorname and Nachname) was found")
    rows, problems = [], []
    reader = csv.reader(io.StringIO("\n".join(lines[header_at + 1:])), delimiter=delimiter)
    for offset, cells in enumerate(reader):
        number = header_at + 2 + offset
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append((number, f"more than {MAX_ROWS} rows; the rest was not read"))
            break

        def cell(key, cells=cells):
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        name = cell("name") or " ".join(p for p in (cell("first"), cell("last")) if p)
        if not name:
            problems.append((number, "no name"))
            continue
        url = cell("url") or None
        handle = None
        if url:
            url = re.sub(r"/cv/?$", "", url)
            handle, _external_id = enrich.handle_from_url(url, url_pattern, network)
        rows.append(ExportRow(
            line=number,
            name=name[:256],
            email=(cell("email").lower() or None) if "@" in cell("email") else None,
            profile_url=url if url and enrich.looks_like_url(url) else None,
            handle=handle,
            company=cell("company")[:256] or None,
            position=cell("position")[:256] or None,
            followers=_count(cell("followers")),
        ))
    return rows, problems
