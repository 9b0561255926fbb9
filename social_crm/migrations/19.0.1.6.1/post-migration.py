# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts stored in the wrong company before the webhook routing are flagged for the
company's managers, not moved (``social.crm.post._flag_misplaced_by_routing``; why in
``models/social_crm_post_misplaced.py``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.crm.post"]._flag_misplaced_by_routing()
