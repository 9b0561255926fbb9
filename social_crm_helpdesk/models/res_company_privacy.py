# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.fields import Domain


class ResCompany(models.Model):
    _inherit = "res.company"

    social_pii_auto_hide = fields.Boolean(
        string="Hide Posts With Bank or Card Data",
        help="A post with a checksum-valid IBAN or card number is hidden on the network at "
        "once where the network allows it (Facebook/Instagram comments, X replies to the "
        "company); the ticket says how it went, or what to do where hiding is impossible.",
    )

    def _social_retention_post_domain(self, cutoff):
        """Posts that became tickets are kept with their tickets."""
        return super()._social_retention_post_domain(cutoff) & Domain("ticket_id", "=", False)
