# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

#: the former agent-typed rating -> the value of Odoo's rating (rating_data: 5, 3, 1)
LEGACY_VALUES = {"positive": 5, "neutral": 3, "negative": 1}


def migrate(cr, version):
    """Each agent-typed rating becomes a consumed ``rating.rating`` of the ticket, its origin
    marked "agent" (the KPIs count it as a rating, the form says who gave it); then the legacy
    column is dropped. A ticket the customer rated meanwhile keeps the customer's rating."""
    if not version or not column_exists(cr, "helpdesk_ticket", "social_rating_legacy"):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rows = env.execute_query(
        SQL(
            """SELECT t.id, t.social_rating_legacy, t.partner_id, t.user_id
                 FROM helpdesk_ticket t
                WHERE t.social_rating_legacy IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM rating_rating r
                                   WHERE r.res_model = 'helpdesk.ticket'
                                     AND r.res_id = t.id AND r.consumed)"""
        )
    )
    model_id = env["ir.model"]._get_id("helpdesk.ticket")
    users = env["res.users"].browse({user_id for *_, user_id in rows if user_id})
    operator = {user.id: user.partner_id.id for user in users}
    vals_list = [
        {
            "res_model_id": model_id,
            "res_id": ticket_id,
            "partner_id": partner_id,
            "rated_partner_id": operator.get(user_id, False),
            "rating": LEGACY_VALUES[value],
            "consumed": True,
            "is_internal": True,
            "social_origin": "agent",
        }
        for ticket_id, value, partner_id, user_id in rows
        if value in LEGACY_VALUES
    ]
    ratings = env["rating.rating"].create(vals_list)
    ratings.flush_model()
    # the tickets' last rating (read by the KPIs in SQL), computed once the ratings are stored
    tickets = env["helpdesk.ticket"].browse(ratings.mapped("res_id"))
    tickets._compute_rating_last_value()
    env.flush_all()
    cr.execute(SQL("ALTER TABLE helpdesk_ticket DROP COLUMN social_rating_legacy"))
    _logger.info("social_crm_helpdesk: %s agent-typed ratings kept as ratings", len(vals_list))
