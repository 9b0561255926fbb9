# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _ingest_after_create(self, records, posts):
        records = super()._ingest_after_create(records, posts)
        # the crisis watch counts the batch once its tickets exist (one upsert, two reads)
        if not self.env.context.get("social_crm_no_crisis_watch"):
            self.env["social.crm.incident"]._crisis_watch(records)
        return records
