# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..detection.pii import PatternError, compile_custom_pattern


class SocialCrmPiiPattern(models.Model):
    """A company's own kind of personal data (customer, contract or order numbers): removed from
    social posts, tickets and replies like IBANs and phone numbers."""

    _name = "social.crm.pii.pattern"
    _description = "Sensitive Data Pattern"
    _order = "company_id, sequence, id"

    name = fields.Char(
        required=True,
        translate=False,
        help="What the pattern finds, e.g. 'customer number'; the text says "
        "'[customer number removed]' where a match was.",
    )
    expression = fields.Char(
        string="Regular Expression",
        required=True,
        help="A Python regular expression, e.g. KD-\\d{6}. Refused: nested repetition such as "
        "(a+)+, back-references, patterns that match an empty text; each pattern may take at "
        "most 50 ms per text.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.constrains("expression", "name")
    def _check_expression(self):
        for pattern in self:
            try:
                compile_custom_pattern(pattern.expression)
            except PatternError as error:
                raise ValidationError(
                    self.env._(
                        "Pattern “%(name)s” is refused: %(reason)s",
                        name=pattern.name,
                        reason=str(error),
                    )
                ) from None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    def _social_compiled(self, company_id):
        """[(name, compiled pattern)] of a company, compiled once per worker."""
        return self._social_compiled_cached(company_id or 0)

    @tools.ormcache("company_id")
    def _social_compiled_cached(self, company_id):
        # sudo: patterns are manager-only; redaction runs for any writer
        rows = self.sudo().search_fetch(
            [("company_id", "=", company_id)], ["name", "expression"]
        )
        compiled = []
        for row in rows:
            try:
                compiled.append((row.name, compile_custom_pattern(row.expression)))
            except PatternError:  # stored before a stricter check: skipped, never fatal
                continue
        return tuple(compiled)
