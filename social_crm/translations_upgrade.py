# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade step shared by the addons' migrations: German that an older de.po wrote into the
database and a later one changed.

Odoo loads a module's .po files on every update without overwriting the translations already in
the database (``overwrite=False``): a database made before a msgstr changed keeps the old text
(the outbox list's column "In der Warteschlange", "Eingereiht" on a new database), and so does a
field whose English label or help changed (the reflection keeps the other languages' values).
``forget_former_translations`` forgets a term's translation where it is still one of the values
an earlier de.po gave it (never a value a user wrote): the .po loader, run right after the
post-migrations of the module, then fills in the current one.

``former``: ``{"model,field:module.xmlid": [old msgstr, ...]}`` (translated fields, as the
``#: model:`` comments of the .po name them); ``former_terms``: the same keyed by the record of
a field translated by terms (``#: model_terms:``, views' arch_db, actions' help), the values
being the terms' old translations anywhere in that record.
"""
import json
import re
from pathlib import Path

from psycopg2.extras import Json

from odoo.tools import SQL

LANG_PREFIX = "de_"


def _text(value):
    return re.sub(r"\s+", " ", value or "").strip()


def _split(key):
    """``"ir.model.fields,help:social_crm.field_x"`` -> ("ir.model.fields", "help",
    "social_crm", "field_x")."""
    model_field, xmlid = key.split(":", 1)
    model, field = model_field.split(",", 1)
    module, name = xmlid.split(".", 1)
    return model, field, module, name


def _langs(env):
    return [code for code, _name in env["res.lang"].get_installed()
            if code.startswith(LANG_PREFIX)]


def forget_former_german(env, path):
    """The upgrade step of an addon's migration folder: forget the German its former_de.json
    (``path``, made by scripts/i18n-former) names where the database still has it, so that
    the .po loader, which runs next and keeps the translations it finds, writes the current
    one; a translation a user changed stays. Returns how many records changed."""
    former = json.loads(Path(path).read_text(encoding="utf-8"))
    return forget_former_translations(env, former["model"], former["model_terms"])


def forget_former_translations(env, former=None, former_terms=None):
    """Forget the German translations that still equal a former de.po value; return how many
    records changed."""
    langs = _langs(env)
    if not langs:
        return 0
    env.flush_all()
    changed = 0
    by_field = {}
    for key, olds in (former or {}).items():
        model, field, module, name = _split(key)
        by_field.setdefault((model, field), []).append((module, name, olds))
    for (model, fname), rows in by_field.items():
        if model not in env or fname not in env[model]._fields:
            continue
        Model = env[model]
        table, column = SQL.identifier(Model._table), SQL.identifier(fname)
        values = SQL(", ").join(
            SQL("(%s, %s, %s::text[])", module, name, list(olds)) for module, name, olds in rows
        )
        for lang in langs:
            env.cr.execute(SQL(
                """UPDATE %(table)s AS m SET %(column)s = m.%(column)s - %(lang)s
                     FROM ir_model_data AS imd
                     JOIN (VALUES %(values)s) AS f(module, name, olds)
                       ON f.module = imd.module AND f.name = imd.name
                    WHERE imd.model = %(model)s AND imd.res_id = m.id
                      AND m.%(column)s ->> %(lang)s = ANY(f.olds)""",
                table=table, column=column, lang=lang, values=values, model=model,
            ))
            changed += env.cr.rowcount
    for key, olds in (former_terms or {}).items():
        model, fname, module, name = _split(key)
        record = env.ref(f"{module}.{name}", raise_if_not_found=False)
        if not record or record._name != model or fname not in record._fields:
            continue
        changed += _forget_terms(record, record._fields[fname], langs, {_text(o) for o in olds})
    if changed:
        env.invalidate_all()
        env.registry.clear_cache("default", "templates")
    return changed


def _forget_terms(record, field, langs, olds):
    """Set the terms of ``record``'s ``field`` whose translation is a former one back to the
    English term (no translation: the .po loader fills them)."""
    values = field._get_stored_translations(record)
    value_en = values.get("en_US")
    if not value_en:
        return 0
    present = {lang: values[lang] for lang in langs if lang in values}
    if not present:
        return 0
    dictionary = field.get_translation_dictionary(value_en, present)
    updates = {}
    for lang in present:
        stale = {term for term, translations in dictionary.items()
                 if translations.get(lang) not in (None, term)
                 and _text(translations[lang]) in olds}
        if not stale:
            continue

        def translate(term, lang=lang, stale=stale):
            if term in stale:
                return term
            return dictionary.get(term, {}).get(lang)
        updates[lang] = field.translate(translate, value_en)
    if not updates:
        return 0
    record.env.cr.execute(SQL(
        "UPDATE %s SET %s = %s || %s::jsonb WHERE id = %s",
        SQL.identifier(record._table), SQL.identifier(field.name),
        SQL.identifier(field.name), Json(updates), record.id,
    ))
    record.invalidate_recordset([field.name])
    return 1
