# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.7.2:

- A contact made by listening that 19.0.1.7.1 gave a company is shared again (no company)
  where a ticket or lead of another company points at it, so that company's users read
  the customer of their own ticket or lead again; named in the log
  (``res.partner._social_share_listening_contacts_held_elsewhere``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._social_share_listening_contacts_held_elsewhere()
