# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """19.0.1.1.0 keeps the mention/reply edges in social.crm.mention: build them from the
    posts stored before."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.crm.mention"]._rebuild()
