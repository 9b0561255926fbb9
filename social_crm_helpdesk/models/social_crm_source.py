# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    social_reply_max_chars = fields.Integer(
        string="Reply Length Limit",
        help="Mastodon: the instance's own limit of a post (its "
        "configuration.statuses.max_characters); 0 means the network's default "
        "(X 280, Bluesky 300, Mastodon 500).",
    )

    @api.model
    def _social_helpdesk_demo_replay(self, polls=2):
        """Demo: poll the replayed demo traffic so that complaints become tickets."""
        source = self.env.ref("social_crm.source_demo_replay", raise_if_not_found=False)
        if not source:
            return False
        for _poll in range(polls):
            source._poll()
        return True
