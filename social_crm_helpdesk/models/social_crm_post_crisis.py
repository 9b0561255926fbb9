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

    def _ingest_after_join_threads(self, moved, company, network):
        """The crisis watch's counts of the conversations these posts left go with them to
        the conversation they joined (one query), which is then watched as after a batch
        (its merged counts may be a pile-on)."""
        result = super()._ingest_after_join_threads(moved, company, network)
        if not self.env.context.get("social_crm_no_crisis_watch"):
            self.env["social.crm.incident"]._crisis_follow_join(self, moved, company, network)
        return result
