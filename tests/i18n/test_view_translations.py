"""Every text a German user reads in our views has its German translation (issue 17).

Odoo translates a view text only when the .po has the exact term, markup included: a later
``groups="..."`` on a ``<span>`` inside a sentence, or a new label, silently leaves the screen
half English. The terms are cut from the XML as Odoo cuts them (``xml_translate``).

The same holds for the help of a window action (the empty list's explanation, an HTML field
cut by ``html_translate``), whitespace included: a sentence wrapped over lines in the XML is
a term with its line breaks and indentation, which a .po entry written on one line does not
match (the unsure posts' empty state stayed English in German)."""

import pathlib
import re

import polib
import pytest
from lxml import etree

translate = pytest.importorskip("odoo.tools.translate")

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDONS = sorted(
    path.parent for path in ROOT.glob("*/__manifest__.py") if (path.parent / "i18n/de.po").exists()
)


def view_terms(addon):
    for path in sorted(addon.glob("*/*.xml")):
        if path.parent.name not in ("views", "wizards", "report"):
            continue
        tree = etree.parse(str(path))
        for record in tree.iter("record", "template"):
            if record.tag == "record" and record.get("model") != "ir.ui.view":
                continue
            archs = [record] if record.tag == "template" else [
                field for field in record.iter("field") if field.get("name") == "arch"
            ]
            for arch in archs:
                terms = []
                translate.xml_translate(terms.append, etree.tostring(arch, encoding="unicode"))
                for term in terms:
                    if not re.fullmatch(r"[\W\d_]*", term):  # punctuation reads the same
                        yield path.relative_to(ROOT), record.get("id"), term


def action_help_terms(addon):
    for path in sorted(addon.glob("*/*.xml")):
        if path.parent.name not in ("views", "wizards", "wizard", "report", "data"):
            continue
        tree = etree.parse(str(path))
        for record in tree.iter("record"):
            if not (record.get("model") or "").startswith("ir.actions."):
                continue
            for field in record.iter("field"):
                if field.get("name") != "help" or field.get("type") != "html":
                    continue
                # the value Odoo's XML loader stores (odoo.tools.convert, type="html")
                value = "".join(
                    etree.tostring(child, method="html", encoding="unicode") for child in field
                )
                terms = []
                translate.html_translate(terms.append, value)
                for term in terms:
                    if not re.fullmatch(r"[\W\d_]*", term):
                        yield path.relative_to(ROOT), record.get("id"), term


@pytest.mark.parametrize("addon", ADDONS, ids=lambda path: path.name)
def test_every_view_text_has_its_german_translation(addon):
    german = {entry.msgid: entry.msgstr for entry in polib.pofile(str(addon / "i18n/de.po"))}
    # Odoo drops a .po entry that the addon's .pot lacks
    template = {entry.msgid for entry in polib.pofile(str(addon / f"i18n/{addon.name}.pot"))}
    missing = [
        f"{path} {record}: {term[:80]!r}"
        for path, record, term in (*view_terms(addon), *action_help_terms(addon))
        if not german.get(term) or term not in template
    ]
    assert not missing, "no German translation in i18n/de.po for:\n" + "\n".join(missing)


#: list actions whose list is never empty: records of the addon's data (networks, causes), a
#: contact's posts opened from its own button
FILLED_LISTS = {
    "social_crm_network_action", "social_crm_ticket_cause_action",
    "social_crm_post_action_timeline",
}


@pytest.mark.parametrize("addon", ADDONS, ids=lambda path: path.name)
def test_every_empty_list_says_what_comes_there(addon):
    """A list action opened from a menu says what its empty list is for (its help): the
    private conversations, the sources of a new company, ... showed bare empty rows."""
    silent = []
    for path in sorted(addon.glob("views/*.xml")):
        for record in etree.parse(str(path)).iter("record"):
            if record.get("model") != "ir.actions.act_window":
                continue
            fields = {field.get("name"): field for field in record.iter("field")}
            mode = fields["view_mode"].text if "view_mode" in fields else "list,form"
            target = fields["target"].text if "target" in fields else "current"
            if (mode.split(",")[0] in ("list", "kanban") and target != "new"
                    and "help" not in fields and record.get("id") not in FILLED_LISTS):
                silent.append(f"{path.relative_to(ROOT)} {record.get('id')}")
    assert not silent, "list actions without a help:\n" + "\n".join(silent)


@pytest.mark.parametrize("addon", ADDONS, ids=lambda path: path.name)
def test_no_string_of_a_po_file_continues_a_one_line_string(addon):
    """A line union of two branches' .po files (see .gitattributes) can leave the wrapped
    lines of one entry's msgstr under another's one-line msgstr: PO joins them, so the other
    string read “TicketnachrichtenWo das Ticket …” (``ticket messages``), and po-dedupe saw a
    valid entry. Odoo and polib write a wrapped string from an empty first line."""
    glued = []
    for path in sorted(addon.glob("i18n/*.po*")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, (line, following) in enumerate(zip(lines, lines[1:], strict=False), 2):
            if re.match(r'^(msgid|msgstr|msgctxt) ".+"$', line) and following.startswith('"'):
                glued.append(f"{path.name}:{number}: {following[:60]}")
    assert not glued, glued
