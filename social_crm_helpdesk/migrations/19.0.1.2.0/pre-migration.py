# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
    """19.0.1.2.0: the customer rates through Odoo's rating page (OCA helpdesk_mgmt_rating);
    the agent-typed ``social_rating`` field is gone. Its column is kept aside under a name the
    ORM ignores; the post-migration turns each value into a rating of origin "agent"."""
    if not version or not column_exists(cr, "helpdesk_ticket", "social_rating"):
        return
    if column_exists(cr, "helpdesk_ticket", "social_rating_legacy"):
        cr.execute(SQL("ALTER TABLE helpdesk_ticket DROP COLUMN social_rating_legacy"))
    rename_column(cr, "helpdesk_ticket", "social_rating", "social_rating_legacy")
