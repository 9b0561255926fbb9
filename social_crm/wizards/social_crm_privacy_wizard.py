# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmPrivacyWizard(models.TransientModel):
    """Confirmation before a person's social data is erased (it cannot be undone)."""

    _name = "social.crm.privacy.wizard"
    _description = "Erase Social Data"

    partner_ids = fields.Many2many("res.partner", string="Contacts", required=True)
    identity_count = fields.Integer(compute="_compute_counts")
    post_count = fields.Integer(compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and "partner_ids" in fields_list:
            result["partner_ids"] = [fields.Command.set(self.env.context.get("active_ids") or [])]
        return result

    @api.depends("partner_ids")
    def _compute_counts(self):
        for wizard in self:
            identities = wizard.partner_ids._social_identities()
            wizard.identity_count = len(identities)
            wizard.post_count = len(wizard.partner_ids._social_posts(identities))

    def action_erase(self):
        self.ensure_one()
        self.partner_ids.action_social_erase()
        return {"type": "ir.actions.act_window_close"}
