# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """19.0.1.1.0 keeps the mention/reply edges in social.crm.mention, and the contacts'
    current scores as flagged history rows instead of columns of res_partner: build the
    edges from the posts stored before, flag the latest row of each scored contact, drop the
    contacts' former score columns."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.crm.mention"]._rebuild()
    if column_exists(cr, "res_partner", "social_score_company_id"):
        cr.execute(
            SQL(
                """UPDATE social_crm_score_history AS h SET is_current = TRUE
                     FROM (SELECT DISTINCT ON (h.partner_id) h.id
                             FROM social_crm_score_history AS h
                             JOIN res_partner AS p
                               ON p.id = h.partner_id
                              AND p.social_score_company_id = h.company_id
                         ORDER BY h.partner_id, h.date DESC, h.id DESC) AS latest
                    WHERE h.id = latest.id"""
            )
        )
    # the contacts' former score columns: not left behind (an objection to profiling deletes
    # the history, it must not leave a copy of the score on the contact)
    for column in (
        "social_score",
        "social_score_tier",
        "is_social_influencer",
        "social_score_company_id",
    ):
        cr.execute(
            SQL("ALTER TABLE res_partner DROP COLUMN IF EXISTS %s", SQL.identifier(column))
        )
