# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

STALE_HELPS = ["social_crm_helpdesk.social_crm_post_action_unsure"]


def _text(term):
    return re.sub(r"\s+", " ", term or "").strip()


def _real_translation(dictionary, lang):
    """The term's translation in ``lang``; the English term where it has none or only the
    English one (up to whitespace)."""
    def translate(term):
        translated = dictionary.get(term, {}).get(lang)
        return term if translated is None or _text(translated) == _text(term) else translated
    return translate


def untranslate_stale_terms(env, xmlids=STALE_HELPS):
    """19.0.1.7.0: the help of "Review Unsure Posts" was wrapped over three lines in the XML,
    which the one-line de.po entry did not match: a database kept the English paragraph as
    its German text. Once the paragraph is on one line, the update carries the old English
    paragraph over as the German one (Odoo pairs a changed term with its closest new one), and
    the loader of de.po keeps it (it keeps existing translations, ``overwrite=False``). A term
    of another language that is the English term up to its whitespace is no translation: it
    is set back to the English term, so the loader, run after this migration, fills it from
    the .po file. Real translations (of other terms, or a user's) stay."""
    Action = env["ir.actions.act_window"]
    field = Action._fields["help"]
    for xmlid in xmlids:
        action = env.ref(xmlid, raise_if_not_found=False)
        if not action:
            continue
        values = field._get_stored_translations(action)
        value_en = values.get("en_US")
        if not value_en:
            continue
        others = {lang: value for lang, value in values.items()
                  if lang != "en_US" and not lang.startswith("_")}
        dictionary = field.get_translation_dictionary(value_en, others)
        changed = {}
        for lang in others:
            stale = any(
                translations.get(lang) not in (None, term)
                and _text(translations[lang]) == _text(term)
                for term, translations in dictionary.items()
            )
            if stale:
                changed[lang] = field.translate(_real_translation(dictionary, lang), value_en)
        if changed:
            env.cr.execute(SQL(
                "UPDATE %s SET help = help || %s::jsonb WHERE id = %s",
                SQL.identifier(Action._table), Json(changed), action.id,
            ))
            action.invalidate_recordset(["help"])


def migrate(cr, version):
    if not version:
        return
    untranslate_stale_terms(api.Environment(cr, SUPERUSER_ID, {}))
