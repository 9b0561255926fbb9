# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def anonymize_partner_data(self):
        """OCA's anonymization hook: the social data goes first (by every installed Social CRM
        addon's ``_social_erase``), then the contact itself is anonymized."""
        self.ensure_one()
        # sudo: the erasure covers every company's social data (the OCA wizard checked the right)
        counts = self.sudo()._social_erase()
        _logger.info(
            "Social CRM: social data of contact %s erased before anonymization: %s",
            self.id,
            ", ".join(f"{what}: {count}" for what, count in counts.items() if count) or "none",
        )
        return super().anonymize_partner_data()
