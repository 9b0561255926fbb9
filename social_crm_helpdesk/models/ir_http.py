# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal loads our JavaScript translations too: our de.po carries the German of
        helpdesk_mgmt's portal messages its own de.po lacks (the new ticket form's "The
        selected file (%sB) is over the maximum allowed file size (%sB)."); the web client's
        ``_t`` falls back to any module's translation of a term its module leaves empty."""
        return [*super()._get_translation_frontend_modules_name(), "social_crm_helpdesk"]
