# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..detection import AdaptiveModel

_logger = logging.getLogger(__name__)

#: the latest labels a company model learns from (older decisions drop out)
MAX_TRAINING_LABELS = 5000
#: {(database, company id): (stamp, AdaptiveModel)}: parsed models, shared by the workers' threads
_MODEL_CACHE = {}


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
    social_complaint_model = fields.Text(
        string="Learned Complaint Model",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="JSON of the complaint classifier adapted to this company's labels.",
    )
    social_complaint_model_stamp = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Number and newest id of the labels the model was trained from.",
    )
    social_complaint_model_date = fields.Datetime(
        string="Complaint Model Trained On", readonly=True, copy=False
    )
    social_complaint_model_labels = fields.Integer(
        string="Labels Learned From", readonly=True, copy=False
    )

    _social_response_minutes_positive = models.Constraint(
        "CHECK(social_influencer_response_minutes > 0 AND social_regular_response_minutes > 0)",
        "First response deadlines must be at least one minute.",
    )

    # --- the adaptive complaint model ----------------------------------------------------------
    def _social_label_stamps(self):
        """{company id: 'count:max id:last change'} of the companies' labels (one query)."""
        self.env["social.crm.complaint.label"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT company_id, count(*), max(id), count(*) FILTER (WHERE is_complaint),
                          max(write_date)
                     FROM social_crm_complaint_label
                    WHERE company_id = ANY(%s) GROUP BY company_id""",
                self.ids,
            )
        )
        stamps = dict.fromkeys(self.ids, "0:0")
        stamps.update(
            {
                company_id: f"{count}:{max_id}:{yes}:{changed.isoformat() if changed else ''}"
                for company_id, count, max_id, yes, changed in rows
            }
        )
        return stamps

    def _social_complaint_models(self, retrain=True):
        """{company id: AdaptiveModel or None} for these companies.

        The model is retrained when the company's labels changed since the last training
        (``retrain``), once per call and company, never per post; parsed models are cached.
        """
        companies = self.sudo()
        stamps = companies._social_label_stamps()
        stale = companies.filtered(lambda c: c.social_complaint_model_stamp != stamps[c.id])
        if stale and retrain:
            stale._social_complaint_train(stamps)
        result = {}
        for company in companies:
            key = (self.env.cr.dbname, company.id)
            stamp = company.social_complaint_model_stamp or ""
            cached = _MODEL_CACHE.get(key)
            if cached and cached[0] == stamp:
                result[company.id] = cached[1]
                continue
            model = None
            if company.social_complaint_model:
                try:
                    model = AdaptiveModel.from_json(company.social_complaint_model)
                except (ValueError, TypeError, KeyError):
                    _logger.info("Social CRM: complaint model of company %s unreadable", company.id)
            if model is not None and not model.n_labels:
                model = None
            _MODEL_CACHE[key] = (stamp, model)
            result[company.id] = model
        return result

    def _social_complaint_train(self, stamps=None):
        """Train each company's model from its latest labels."""
        stamps = stamps or self._social_label_stamps()
        Label = self.env["social.crm.complaint.label"].sudo()
        for company in self.sudo():
            labels = Label.search_fetch(
                [("company_id", "=", company.id)],
                ["text", "is_complaint", "lang"],
                order="id desc",
                limit=MAX_TRAINING_LABELS,
            )
            examples = [
                (label.text or "", label.is_complaint, label.lang or None) for label in labels
            ]
            model = AdaptiveModel().fit(examples)
            company.write(
                {
                    "social_complaint_model": model.to_json() if examples else False,
                    "social_complaint_model_stamp": stamps.get(company.id, "0:0"),
                    "social_complaint_model_date": fields.Datetime.now(),
                    "social_complaint_model_labels": len(examples),
                }
            )
        return True

    def _cron_social_complaint_train(self):
        """Retrain the models of the companies whose labels changed."""
        labelled = self.env["social.crm.complaint.label"].sudo()._read_group(
            [("company_id", "!=", False)], ["company_id"]
        )
        companies = self.sudo().search(
            Domain("id", "in", [company.id for (company,) in labelled])
            | Domain("social_complaint_model_stamp", "!=", False)
        )
        stamps = companies._social_label_stamps()
        stale = companies.filtered(lambda c: c.social_complaint_model_stamp != stamps[c.id])
        stale._social_complaint_train(stamps)
        return True

    def _social_response_minutes(self, influencer):
        self.ensure_one()
        return (
            self.social_influencer_response_minutes
            if influencer
            else self.social_regular_response_minutes
        )
