# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data: the people, accounts and posts the demo files of the Social CRM addons invent,
and the traffic a replay source plays back, exist on no network. They are never looked up,
re-checked or answered there (an offline demo would show made-up failures, an online one
would ask about accounts nobody owns); what a user adds to a demo database is real."""

from odoo import models

#: the network of the sources that play recorded traffic back (demo, tests)
DEMO_SOURCE_NETWORK = "replay"


class SocialCrmDemoMixin(models.AbstractModel):
    _name = "social.crm.demo.mixin"
    _description = "Social CRM Demo Records"

    def _social_demo_records(self):
        """These records that the demo files of the Social CRM addons created: their XML ids
        are in ``ir.model.data`` of those modules, with ``noupdate`` (one query)."""
        ids = [record_id for record_id in self.ids if isinstance(record_id, int)]
        if not ids:
            return self.browse()
        # sudo: which records are demo data is the product's business, whoever asks
        rows = self.env["ir.model.data"].sudo().search_fetch(
            [
                ("model", "=", self._name),
                ("res_id", "in", ids),
                ("module", "=like", "social_crm%"),
                ("noupdate", "=", True),
            ],
            ["res_id"],
        )
        demo_ids = set(rows.mapped("res_id"))
        return self.filtered(lambda record: record.id in demo_ids)

    def _social_demo_source(self, source):
        """Whether ``source`` plays recorded traffic back (its posts and authors are demo
        data)."""
        # sudo: agents cannot read sources
        return bool(source) and source.sudo().network_id.code == DEMO_SOURCE_NETWORK
