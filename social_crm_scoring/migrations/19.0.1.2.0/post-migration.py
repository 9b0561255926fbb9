# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL


def migrate(cr, version):
    """19.0.1.2.0 reads the leads' score, tier and flag from their customer's current
    history row (through the record rules) instead of a stored copy: drop the copies (an
    objection to profiling must leave no score behind, and a lead of another company must
    not show a score its users may not read)."""
    if not version:
        return
    for column in ("social_score", "social_score_tier", "is_social_influencer"):
        cr.execute(SQL("ALTER TABLE crm_lead DROP COLUMN IF EXISTS %s", SQL.identifier(column)))
