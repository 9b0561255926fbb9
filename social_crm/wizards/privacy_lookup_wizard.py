# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL


class PrivacyLookupWizard(models.TransientModel):
    """Odoo's privacy lookup also lists the social data that its generic query cannot see
    (rows deleted with the contact, rows reached through a ticket), and erases/exports it."""

    _inherit = "privacy.lookup.wizard"

    def _get_query(self):
        query = super()._get_query()
        for model_name, condition in self.env["res.partner"]._social_privacy_lookup_sql():
            model_id = self.env["ir.model"]._get_id(model_name)
            query = SQL(
                """%s
                UNION ALL
                SELECT %s AS res_model_id, id AS res_id, True AS is_active
                  FROM %s
                 WHERE %s""",
                query,
                model_id,
                SQL.identifier(self.env[model_name]._table),
                condition,
            )
        return query

    def _social_partners(self):
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.res_model == "res.partner")
        return self.env["res.partner"].browse(lines.mapped("res_id")).exists()

    def action_social_export(self):
        partners = self._social_partners()
        if len(partners) != 1:
            from odoo.exceptions import UserError

            raise UserError(self.env._("Export works for one contact at a time."))
        return partners.action_social_export()

    def action_social_erase(self):
        partners = self._social_partners()
        partners.action_social_erase()
        return self.action_lookup()
