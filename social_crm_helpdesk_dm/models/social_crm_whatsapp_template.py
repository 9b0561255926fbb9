# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmWhatsappTemplate(models.Model):
    """A WhatsApp message template approved by Meta for a business number: outside the
    24-hour customer service window, WhatsApp delivers only such templates."""

    _name = "social.crm.whatsapp.template"
    _description = "WhatsApp Message Template"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    source_id = fields.Many2one(
        "social.crm.source", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
    name = fields.Char(
        string="Template Name", required=True,
        help="The template's name exactly as approved in WhatsApp Manager.",
    )
    lang = fields.Char(
        string="Language Code", required=True, default="en",
        help="The approved language of the template, e.g. de or en_US.",
    )
    body = fields.Text(
        string="Text",
        help="The approved text, shown to the agent and on the ticket (WhatsApp sends its "
        "own copy of the template).",
    )
    active = fields.Boolean(default=True)

    _name_lang_uniq = models.UniqueIndex(
        "(source_id, name, lang)", "A template and language is listed once per number."
    )

    @api.depends("name", "lang")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.name} ({template.lang})"
