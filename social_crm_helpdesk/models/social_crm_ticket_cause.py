# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SocialCrmTicketCause(models.Model):
    """What a complaint is about (delivery, billing, product defect, staff, outage, price,
    other): an editable list, shared (no company) or per company. ``code`` links a cause to
    the keyword lists of ``detection/causes.py`` that suggest it."""

    _name = "social.crm.ticket.cause"
    _description = "Complaint Cause"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="delivery, billing, product_defect, staff, outage, price or other: the text of "
        "a complaint suggests the cause of this code."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")

    def _social_for_code(self, code, company):
        """The cause of ``code`` for ``company`` (its own before a shared one)."""
        if not code:
            return self.browse()
        causes = self.search(
            [("code", "=", code), ("company_id", "in", (company.id, False))],
            order="company_id, sequence, id",
        )
        own = causes.filtered(lambda c: c.company_id == company)
        return (own or causes)[:1]
