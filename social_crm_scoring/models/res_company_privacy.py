# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.fields import Domain


class ResCompany(models.Model):
    _inherit = "res.company"

    social_retention_history_months = fields.Integer(
        string="Keep Score History (months)",
        default=0,
        help="Daily score rows older than this are deleted (0: kept).",
    )

    _social_retention_history_positive = models.Constraint(
        "CHECK(social_retention_history_months >= 0)",
        "Retention periods cannot be negative.",
    )

    def _social_retention_labels(self):
        return dict(super()._social_retention_labels(), score_history=self.env._("score history"))

    def _social_retention_steps(self, now):
        steps = super()._social_retention_steps(now)
        if self.social_retention_history_months:
            cutoff = fields.Date.to_date(now) - relativedelta(
                months=self.social_retention_history_months
            )
            steps.append(
                (
                    "score_history",
                    "social.crm.score.history",
                    Domain("company_id", "=", self.id) & Domain("date", "<", cutoff),
                    "unlink",
                )
            )
        return steps
