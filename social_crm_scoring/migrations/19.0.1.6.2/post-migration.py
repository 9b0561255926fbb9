# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.addons.social_crm.translations_upgrade import forget_former_translations

FORMER = Path(__file__).resolve().parent / "former_de.json"


def forget_former_german(env):
    """19.0.1.6.2: German that an earlier de.po of social_crm_scoring wrote into the database and a
    later one changed (former_de.json, made by scripts/i18n-former) is forgotten where the
    database still has it, so that the .po loader, which runs next and keeps the translations
    it finds, writes the current one; a translation a user changed stays."""
    former = json.loads(FORMER.read_text(encoding="utf-8"))
    return forget_former_translations(env, former["model"], former["model_terms"])


def migrate(cr, version):
    if not version:
        return
    forget_former_german(api.Environment(cr, SUPERUSER_ID, {}))
