# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.8.2: German that an earlier de.po of social_crm_helpdesk wrote
into the database and a later one changed (former_de.json, made by scripts/i18n-former) is
forgotten where the database still has it; the .po loader, which runs next, writes the current
one (a user's translation stays)."""

from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.addons.social_crm.translations_upgrade import forget_former_german


def migrate(cr, version):
    if not version:
        return
    forget_former_german(api.Environment(cr, SUPERUSER_ID, {}),
                         Path(__file__).resolve().parent / "former_de.json")
