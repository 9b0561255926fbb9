# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    @api.model
    def _social_helpdesk_demo_replay(self, polls=2):
        """Demo: poll the replayed demo traffic so that complaints become tickets."""
        source = self.env.ref("social_crm.source_demo_replay", raise_if_not_found=False)
        if not source:
            return False
        for _poll in range(polls):
            source._poll()
        return True
