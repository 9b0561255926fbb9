# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

from ..detection import AdaptiveModel

_logger = logging.getLogger(__name__)

#: the latest labels a company model learns from (older decisions drop out)
MAX_TRAINING_LABELS = 5000
#: {(database, company id): (stamp, AdaptiveModel or None)}: parsed models, shared by threads
_MODEL_CACHE = {}


class SocialCrmComplaintModel(models.Model):
    """The complaint classifier of one company, adapted to its agents' decisions.

    Trained by its own cron (never in the poll transaction) from the company's
    ``social.crm.complaint.label`` rows; ingestion only reads it.
    """

    _name = "social.crm.complaint.model"
    _description = "Learned Complaint Model"
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    payload = fields.Text(
        string="Model", readonly=True, help="JSON of the classifier adapted to the labels."
    )
    stamp = fields.Char(
        readonly=True, help="Number, newest id and last change of the labels it learned from."
    )
    date = fields.Datetime(string="Trained On", readonly=True)
    label_count = fields.Integer(string="Labels Learned From", readonly=True)
    complaint_count = fields.Integer(string="Complaints Among Them", readonly=True)
    label_influence = fields.Float(
        string="Influence of the Labels", readonly=True, digits=(3, 2),
        help="How far the agents' labels move the detection away from the shipped default: "
        "0% while there are fewer than 20 labels or they showed no gain on labels held out "
        "during training, 100% fully.",
    )

    _company_uniq = models.Constraint(
        "UNIQUE(company_id)", "A company has one learned complaint model."
    )

    def _auto_init(self):
        """Models trained before the labels' influence was measured move fully (``shrink``
        1 when absent from their JSON): say so until the cron retrains them."""
        cr = self.env.cr
        if table_exists(cr, self._table) and not column_exists(cr, self._table,
                                                                "label_influence"):
            create_column(cr, self._table, "label_influence", "numeric")
            cr.execute(SQL(
                "UPDATE social_crm_complaint_model SET label_influence = CASE WHEN "
                "payload IS NULL OR payload = '' THEN 0.0 ELSE 1.0 END"
            ))
        return super()._auto_init()

    # --- reading (ingestion) -------------------------------------------------------------------
    @api.model
    def _models_for(self, companies):
        """{company id: AdaptiveModel or None}: one query, parsed models cached per stamp."""
        # sudo: learned models are manager-only; classification runs for any user
        rows = self.sudo().search_fetch(
            [("company_id", "in", companies.ids)], ["company_id", "stamp"]
        )
        by_company = {row.company_id.id: row for row in rows}
        result = {}
        for company_id in companies.ids:
            row = by_company.get(company_id)
            if row is None:
                result[company_id] = None
                continue
            key = (self.env.cr.dbname, company_id)
            cached = _MODEL_CACHE.get(key)
            if cached and cached[0] == row.stamp:
                result[company_id] = cached[1]
                continue
            model = None
            if row.payload:
                try:
                    model = AdaptiveModel.from_json(row.payload)
                except (ValueError, TypeError, KeyError):
                    _logger.info("Social CRM: complaint model of company %s unreadable", company_id)
            if model is not None and not model.n_labels:
                model = None
            _MODEL_CACHE[key] = (row.stamp, model)
            result[company_id] = model
        return result

    # --- training (cron) -----------------------------------------------------------------------
    @api.model
    def _label_stamps(self, companies):
        """{company id: 'count:max id:complaints:last change'} of their labels (one query)."""
        self.env["social.crm.complaint.label"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT company_id, count(*), max(id), count(*) FILTER (WHERE is_complaint),
                          max(write_date)
                     FROM social_crm_complaint_label
                    WHERE company_id = ANY(%s) GROUP BY company_id""",
                companies.ids,
            )
        )
        stamps = dict.fromkeys(companies.ids, "0:0")
        stamps.update(
            {
                company_id: f"{count}:{max_id}:{yes}:{changed.isoformat() if changed else ''}"
                for company_id, count, max_id, yes, changed in rows
            }
        )
        return stamps

    @api.model
    def _stale_companies(self, companies=None):
        """Companies whose labels changed since their model was trained."""
        if companies is None:
            # sudo: the training cron looks at every company's labels
            labelled = self.env["social.crm.complaint.label"].sudo()._read_group(
                [("company_id", "!=", False)], ["company_id"]
            )
            trained = self.sudo().search([("company_id", "!=", False)])  # sudo: see above
            companies = self.env["res.company"].sudo().search(  # sudo: see above
                Domain("id", "in", [company.id for (company,) in labelled])
                | Domain("id", "in", trained.company_id.ids)
            )
        stamps = self._label_stamps(companies)
        rows = self.sudo().search([("company_id", "in", companies.ids)])  # sudo: see above
        trained = {row.company_id.id: row.stamp for row in rows}
        return companies.filtered(lambda c: trained.get(c.id, "0:0") != stamps[c.id]), stamps

    @api.model
    def _train(self, companies, stamps=None):
        """Train each company's model from its latest labels; returns the model rows."""
        stamps = stamps or self._label_stamps(companies)
        # sudo: labels are the product's record of the agents' decisions
        Label = self.env["social.crm.complaint.label"].sudo()
        # sudo: model rows are written by the training only
        rows = self.sudo().search([("company_id", "in", companies.ids)])
        by_company = {row.company_id.id: row for row in rows}
        for company in companies:
            labels = Label.search_fetch(
                [("company_id", "=", company.id)],
                ["text", "is_complaint", "lang"],
                order="id desc",
                limit=MAX_TRAINING_LABELS,
            )
            examples = [(label.text or "", label.is_complaint, label.lang or None)
                        for label in labels]
            model = AdaptiveModel().fit(examples)
            vals = {
                "payload": model.to_json() if examples else False,
                "stamp": stamps.get(company.id, "0:0"),
                "date": fields.Datetime.now(),
                "label_count": len(examples),
                "complaint_count": model.n_complaints,
                "label_influence": model.shrink if examples else 0.0,
            }
            if company.id in by_company:
                by_company[company.id].write(vals)
            else:
                # sudo: see above
                by_company[company.id] = self.sudo().create(dict(vals, company_id=company.id))
        return self.sudo().browse([by_company[c.id].id for c in companies])  # sudo: see above

    @api.model
    def _cron_train(self):
        """Retrain the models of the companies whose labels changed, one commit per company."""
        stale, stamps = self._stale_companies()
        ir_cron = self.env["ir.cron"]
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        if in_cron:
            ir_cron._commit_progress(remaining=len(stale))
        for company in stale:
            self._train(company, stamps)
            if in_cron:
                ir_cron._commit_progress(1)
        return True

    @api.model
    def _trigger_training(self):
        """Ask the training cron to run soon (after the agents' decisions are committed)."""
        cron = self.env.ref(
            "social_crm_helpdesk.ir_cron_social_complaint_train", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()  # sudo: only administrators may schedule crons

    def action_retrain(self):
        """Retrain these companies' models now (managers)."""
        self.check_access("read")
        # sudo: the training reads the company's labels (access checked above)
        self._train(self.company_id.sudo())
        return True
