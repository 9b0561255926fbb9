# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.7.1:

- Contacts made by listening without company get the company of their identities where
  they are all one company's; those of several companies stay shared and are named in the
  log (``res.partner._social_give_listening_contacts_their_company``).
- Items kept in quarantine on a webhook app another company's push source also has are
  marked as possibly that company's (``social.crm.event._mark_held_on_shared_apps``).
- German that an earlier de.po wrote into the database and a later one changed is
  forgotten where the database still has it (``forget_former_german``)."""

from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.addons.social_crm.translations_upgrade import forget_former_german as _forget

FORMER = Path(__file__).resolve().parent / "former_de.json"


def forget_former_german(env):
    """German that an earlier de.po of social_crm wrote into the database and a later one
    changed, forgotten where the database still has it (see translations_upgrade)."""
    return _forget(env, FORMER)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._social_give_listening_contacts_their_company()
    env["social.crm.event"]._mark_held_on_shared_apps()
    forget_former_german(env)
