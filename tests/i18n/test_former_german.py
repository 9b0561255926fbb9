"""The upgrade step that replaces the German an earlier de.po wrote into a database
(``social_crm/translations_upgrade.py``, data ``<addon>/migrations/<version>/former_de.json``
made by ``scripts/i18n-former``) names terms the current de.po still has, each with values it
no longer gives them: a former value equal to the current one would be forgotten and loaded
again for nothing; a key the de.po lost would be a misspelt record."""

import json
import pathlib

import polib
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = sorted(ROOT.glob("*/migrations/*/former_de.json"))


def current(addon):
    model, terms = {}, {}
    for entry in polib.pofile(str(addon / "i18n" / "de.po")):
        for occurrence, _line in entry.occurrences:
            kind, _sep, key = occurrence.partition(":")
            if kind == "model":
                model[key] = entry.msgstr
            elif kind == "model_terms":
                terms.setdefault(key, set()).add(entry.msgstr)
    return model, terms


def test_there_is_former_german():
    assert DATA, "no former_de.json found"


@pytest.mark.parametrize("path", DATA, ids=lambda p: str(p.relative_to(ROOT)))
def test_former_german_names_current_terms_with_other_values(path):
    addon = path.parents[2]
    data = json.loads(path.read_text(encoding="utf-8"))
    model, terms = current(addon)
    for key, olds in data["model"].items():
        assert key in model, f"{key}: not in {addon.name}/i18n/de.po"
        assert olds and model[key] not in olds, f"{key}: the current German is a former one"
    for key, olds in data["model_terms"].items():
        assert key in terms, f"{key}: not in {addon.name}/i18n/de.po"
        assert olds and not terms[key] & set(olds), f"{key}: a current German is a former one"


def test_the_outbox_list_header_of_upgraded_databases_is_replaced():
    data = json.loads((ROOT / "social_crm/migrations/19.0.1.7.1/former_de.json").read_text(
        encoding="utf-8"))
    assert "In der Warteschlange" in data["model_terms"][
        "ir.ui.view,arch_db:social_crm.social_crm_outbox_view_list"]
