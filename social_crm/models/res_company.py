# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import logging

from odoo import api, fields, models
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

#: rows purged per transaction by the retention cron
RETENTION_BATCH = 1000


class ResCompany(models.Model):
    _inherit = "res.company"

    social_retention_raw_days = fields.Integer(
        string="Keep Raw Payloads (days)",
        default=0,
        help="The network's raw answer stored with each post is deleted after this many "
        "days (0: kept).",
    )
    social_retention_post_days = fields.Integer(
        string="Keep Posts Without Ticket (days)",
        default=0,
        help="Posts that never became a ticket are deleted after this many days (0: kept).",
    )
    # the last run's date and counts by kind of data; the report is worded when read, in the
    # reader's language (the job runs as OdooBot)
    social_retention_run_at = fields.Datetime(
        string="Last Retention Run At", readonly=True, copy=False
    )
    social_retention_counts = fields.Json(
        string="Purged at the Last Retention Run", readonly=True, copy=False
    )
    social_retention_report = fields.Char(
        string="Last Retention Run", compute="_compute_social_retention_report"
    )
    social_recheck_days = fields.Integer(
        string="Re-check Posts (days)",
        default=3,
        help="Posts of polling sources younger than this are asked again on their network "
        "about every hour, so that an edit or a deletion by their author is seen as a stream "
        "sees it (0: off).",
    )

    _social_retention_positive = models.Constraint(
        "CHECK(social_retention_raw_days >= 0 AND social_retention_post_days >= 0)",
        "Retention periods cannot be negative.",
    )
    _social_recheck_positive = models.Constraint(
        "CHECK(social_recheck_days >= 0)",
        "The re-check period cannot be negative.",
    )

    # --- retention ---------------------------------------------------------------------------
    @api.depends("social_retention_run_at", "social_retention_counts")
    @api.depends_context("lang", "tz")
    def _compute_social_retention_report(self):
        labels = self._social_retention_labels()
        for company in self:
            if not company.social_retention_run_at:
                company.social_retention_report = False
                continue
            counts = company.social_retention_counts or {}
            summary = ", ".join(
                f"{labels.get(kind, kind)}: {count}" for kind, count in counts.items()
            )
            company.social_retention_report = self.env._(
                "%(date)s: %(summary)s",
                date=self.env["res.lang"]._social_format_datetime(
                    company.social_retention_run_at
                ),
                summary=summary or self.env._("nothing to purge"),
            )

    def _social_retention_labels(self):
        """{kind: words} of the kinds of data the retention job purges (extended)."""
        return {"raw_payloads": self.env._("raw payloads"), "posts": self.env._("posts")}

    def _social_retention_post_domain(self, cutoff):
        """Posts of this company that may be deleted (extended: not those with a ticket)."""
        return Domain("company_id", "=", self.id) & Domain("posted_at", "<", cutoff)

    def _social_retention_steps(self, now):
        """[(kind, model, domain, action)] of this company: action "unlink" or a vals dict;
        ``kind`` is a key of :meth:`_social_retention_labels`."""
        steps = []
        if self.social_retention_raw_days:
            cutoff = now - dt.timedelta(days=self.social_retention_raw_days)
            steps.append(
                (
                    "raw_payloads",
                    "social.crm.post",
                    Domain("company_id", "=", self.id)
                    & Domain("posted_at", "<", cutoff)
                    & Domain("raw_payload", "!=", False),
                    {"raw_payload": False},
                )
            )
        if self.social_retention_post_days:
            cutoff = now - dt.timedelta(days=self.social_retention_post_days)
            steps.append(
                ("posts", "social.crm.post", self._social_retention_post_domain(cutoff), "unlink")
            )
        return steps

    @api.model
    def _cron_social_retention(self, batch=RETENTION_BATCH):
        """Scheduled action: purge what is older than each company's retention periods, in
        batches (one commit each); the counts go to the log and to the company's settings."""
        cron = self.env["ir.cron"]
        now = fields.Datetime.now()
        for company in self.search([("active", "in", (True, False))]):
            counts = {}
            for label, model_name, domain, action in company._social_retention_steps(now):
                # sudo: the retention cron purges every user's rows of the company, whatever the
                # cron user may read
                Model = self.env[model_name].sudo().with_context(active_test=False)
                last_id = 0
                while True:
                    records = Model.search(
                        domain & Domain("id", ">", last_id), limit=batch, order="id"
                    )
                    if not records:
                        break
                    last_id = records[-1].id
                    if action == "unlink":
                        records.unlink()
                    else:
                        records.write(action)
                    counts[label] = counts.get(label, 0) + len(records)
                    cron._commit_progress(len(records))
            # sudo: the counts are written by the product (cron), not by a user
            company.sudo().write(
                {"social_retention_run_at": now, "social_retention_counts": counts}
            )
            summary = ", ".join(f"{label}: {count}" for label, count in counts.items())
            _logger.info("Social CRM retention, company %s: %s", company.id, summary or "nothing")
        return True
