# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Photos of X direct messages: X serves them to requests signed by a participant only, so
they are downloaded with the credentials of the message's source (the same size limit and
content check as every private message's files)."""

from odoo import models
from odoo.addons.social_crm.connectors import x_dm


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _dm_download(self, item, max_bytes):
        self.ensure_one()
        if self.network_id.code != "x":
            return super()._dm_download(item, max_bytes)
        source = self.sudo().source_id  # sudo: sources hold credentials (managers only)
        credentials = dict(source._connector_config().credentials) if source else {}
        return x_dm.download_media(credentials, item["url"], max_bytes)
