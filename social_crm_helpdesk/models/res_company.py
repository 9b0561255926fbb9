# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


def by_company_lang(records):
    """[(language, records)] of ``records`` (with a ``company_id``) grouped by the language
    of their company: what the product writes on its own (ticket descriptions, notes,
    to-dos of scheduled jobs, which run as OdooBot) is written in the company's language."""
    groups = {}
    for record in records:
        lang = record.company_id._social_lang()
        groups[lang] = groups.get(lang, records.browse()) | record
    return list(groups.items())


class ResCompany(models.Model):
    _inherit = "res.company"

    social_influencer_response_minutes = fields.Integer(
        string="First Response to Influencers (minutes)",
        default=15,
        help="Deadline of the first public answer to a complaint of an influencer (top "
        "influencer or multiplier by the Social Score), counted from the post.",
    )
    social_regular_response_minutes = fields.Integer(
        string="First Response to Others (minutes)",
        default=60,
        help="Deadline of the first public answer to the complaints of everybody else.",
    )
    social_helpdesk_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Default Social Team",
        help="Team of tickets converted by hand when no team's social media rules match.",
    )
    social_complaint_model_date = fields.Datetime(
        string="Complaint Model Trained On", compute="_compute_social_complaint_model"
    )
    social_complaint_model_labels = fields.Integer(
        string="Labels Learned From", compute="_compute_social_complaint_model"
    )

    _social_response_minutes_positive = models.Constraint(
        "CHECK(social_influencer_response_minutes > 0 AND social_regular_response_minutes > 0)",
        "First response deadlines must be at least one minute.",
    )

    def _social_lang(self):
        """Language of the texts the product writes on its own for this company: the
        company's (its partner's) language, else the current one."""
        self.ensure_one()
        # sudo: the company's partner may be unreadable to a user of another company
        return self.sudo().partner_id.lang or self.env.lang or "en_US"

    def _compute_social_complaint_model(self):
        # sudo: learned models are manager-only; the stamp is shown in the settings
        rows = self.env["social.crm.complaint.model"].sudo().search(
            [("company_id", "in", self.ids)]
        )
        by_company = {row.company_id.id: row for row in rows}
        for company in self:
            row = by_company.get(company.id)
            company.social_complaint_model_date = row.date if row else False
            company.social_complaint_model_labels = row.label_count if row else 0

    # --- the adaptive complaint model (its own table, social.crm.complaint.model) ---------------
    def _social_complaint_models(self):
        """{company id: AdaptiveModel or None}: reads the trained models, never trains."""
        return self.env["social.crm.complaint.model"]._models_for(self)

    def _social_complaint_train(self):
        """Train these companies' models now (the settings' "Retrain now" button)."""
        Model = self.env["social.crm.complaint.model"]
        # sudo: the training writes the manager-only model rows (the settings button)
        return Model._train(self.sudo(), Model._label_stamps(self))

    def _cron_social_complaint_train(self):
        """Entry point of the training cron (kept on res.company for existing databases)."""
        return self.env["social.crm.complaint.model"]._cron_train()

    def _social_response_minutes(self, influencer):
        self.ensure_one()
        return (
            self.social_influencer_response_minutes
            if influencer
            else self.social_regular_response_minutes
        )
