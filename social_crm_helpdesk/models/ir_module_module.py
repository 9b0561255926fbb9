# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""German names of helpdesk_mgmt's stages after every load of German terms (see
``helpdesk_ticket_stage.py``)."""

from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        german = [lang for lang in langs if lang.startswith("de_")]
        if german:
            self.env["helpdesk.ticket.stage"]._social_correct_german(german)
        return result
