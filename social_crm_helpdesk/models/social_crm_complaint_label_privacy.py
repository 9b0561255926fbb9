# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmComplaintLabel(models.Model):
    """A label keeps the post's text to learn from: redacted, whoever creates it."""

    _name = "social.crm.complaint.label"
    _inherit = ["social.crm.complaint.label", "social.crm.pii.mixin"]

    _social_pii_fields = ("text",)
