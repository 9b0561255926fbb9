# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X batch compliance jobs: the stored tweets X says must go, found once a day, cheaply.

X's developer terms ask an app to remove the content deleted on X (and the tweets of
accounts made private, suspended or deactivated). The per-tweet re-check asks X tweet by
tweet (billed reads, off by default for X); a compliance job asks for every stored tweet at
once, without read costs (``connectors/x_compliance.py``).

The job (``_cron_run``, its own cron) does two steps per run, each committed by itself:

1. *pick up*: every job waiting at X is asked for (``GET /2/compliance/jobs/:id``); a
   complete one's results are downloaded and applied: a tweet deleted, or whose author's
   account is suspended, protected or deactivated, goes through ``_ingest_deletions`` (the
   re-check's own deletion path: helpdesk notes, the Deleted Post remembered with why);
   ``scrub_geo`` removes the geo data from the stored payload. A failed or expired job (or
   an expired download URL) is recorded as such; the next day's job covers its tweets.
2. *submit*: per active X source with a bearer token, or the app's consumer key and secret
   (X's app-only token is asked for with them and kept on the source: a push source has no
   bearer token), not resting after a refusal, at most
   one job a day (:data:`SUBMIT_EVERY`): the ids of its tweets posted in the last
   :data:`COMPLIANCE_DAYS` days, uploaded at once. X runs one job per type at a time per
   app: a source sharing its token with a source whose job waits is submitted at a later
   run.

The job's state lives on this model (nothing is lost across restarts: a job submitted is
picked up by a later run, whoever runs it). A refusal of the bearer token (HTTP 401/403 of
the API, not of the signed URLs) is the source's credentials-refused path. The per-tweet
re-check passes by the X posts a job applied in the last :data:`COVERED_FOR`
(:meth:`_covered_domain`).
"""

import datetime as dt
import logging

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..connectors import base as connector_base
from ..connectors import x_compliance

_logger = logging.getLogger(__name__)

#: the tweets of the last 30 days are submitted: the period the inbox and the helpdesk work
#: on (a complaint older than a month is closed), and what the per-tweet re-check of X would
#: cover; a month of a busy source (10,000 tweets a day) is a 6 MB upload, no read cost
COMPLIANCE_DAYS = 30
SUBMIT_EVERY = dt.timedelta(days=1)  # one job per source and day
#: the posts a job applied are not re-checked tweet by tweet for this long after (the next
#: day's job replaces it; when it fails two days running, the re-check takes over again)
COVERED_FOR = dt.timedelta(days=2)
#: a job X has not finished after this long is given up (X finishes one in minutes to hours;
#: a source whose job waits gets no new one)
MAX_WAIT = dt.timedelta(days=2)
DELETIONS_PER_SAVEPOINT = 500
WHY = {
    x_compliance.DELETED: "author",
    x_compliance.SUSPENDED: "suspended",
    x_compliance.PROTECTED: "protected",
    x_compliance.DEACTIVATED: "deactivated",
}
GEO_KEYS = ("geo", "place", "coordinates")


class SocialCrmXComplianceJob(models.Model):
    _name = "social.crm.x.compliance.job"
    _description = "X Compliance Job"
    _order = "submitted_at desc, id desc"
    _rec_name = "external_id"

    source_id = fields.Many2one(
        "social.crm.source", required=True, index=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
    external_id = fields.Char(string="Job ID on X", required=True, readonly=True)
    state = fields.Selection(
        [
            ("submitted", "Waiting for X"),
            ("done", "Applied"),
            ("failed", "Failed"),
            ("expired", "Expired"),
        ],
        required=True, default="submitted", readonly=True,
    )
    submitted_at = fields.Datetime(required=True, readonly=True)
    window_start = fields.Datetime(
        string="Posts Since", readonly=True,
        help="The job holds the source's tweets posted since then and stored before it was "
        "submitted.")
    tweet_count = fields.Integer(string="Tweets Submitted", readonly=True)
    done_at = fields.Datetime(string="Applied On", readonly=True)
    removed_count = fields.Integer(string="Posts Removed", readonly=True)
    scrubbed_count = fields.Integer(string="Geo Data Removed", readonly=True)
    skipped_count = fields.Integer(string="Result Lines Skipped", readonly=True)
    error = fields.Char(readonly=True)

    # --- the cron -------------------------------------------------------------------------------
    @api.model
    def _cron_run(self):
        """Pick up the jobs waiting at X, then submit the sources due; each job committed by
        itself (``ir.cron._commit_progress``)."""
        cron = self.env["ir.cron"]
        Job = self.sudo()  # sudo: the cron works for every company
        for job in Job.search([("state", "=", "submitted")], order="submitted_at, id"):
            job._pick_up()
            cron._commit_progress(1)
        for source in Job._sources_due():
            Job._submit(source)
            cron._commit_progress(1)

    @api.model
    def _sources_due(self):
        """The X sources whose job is due: active, with a bearer token (or the app's consumer
        key and secret, :meth:`_credentials`), not resting after a
        refusal, no job submitted in the last :data:`SUBMIT_EVERY`, and none waiting at X
        under the same token (X runs one job at a time per app)."""
        now = fields.Datetime.now()
        Source = self.env["social.crm.source"].sudo()
        sources = Source.search(
            Domain("network_id.code", "=", "x")
            & Domain("credentials_refused_at", "=", False)
            # the consumer key and secret give an app-only bearer token (push sources)
            & (Domain("bearer_token", "!=", False)
               | (Domain("api_key", "!=", False) & Domain("api_secret", "!=", False)))
        )
        if not sources:
            return sources
        recent = self.sudo().search([
            ("source_id", "in", sources.ids),
            "|", ("state", "=", "submitted"), ("submitted_at", ">=", now - SUBMIT_EVERY),
        ])
        busy = {Source._x_app_key(job.source_id) for job in recent if job.state == "submitted"}
        due = sources.browse()
        for source in sources - recent.source_id:
            if Source._x_app_key(source) not in busy:
                busy.add(Source._x_app_key(source))
                due |= source
        return due

    @api.model
    def _credentials(self, source, config, renew=False):
        """The credentials of ``source``'s compliance calls: its bearer token, else X's
        app-only token of its consumer key and secret (kept on the source; ``renew``: the
        kept one was refused, a new one is asked for)."""
        credentials = dict(config.credentials)
        if credentials.get("bearer_token"):
            return credentials
        source = source.sudo()
        token = not renew and source.x_app_bearer_token
        if not token:
            token = x_compliance.app_bearer_token(
                credentials.get("consumer_key"), credentials.get("consumer_secret"),
                timeout=config.timeout)
            source.x_app_bearer_token = token
        credentials["bearer_token"] = token
        return credentials

    @api.model
    def _call(self, source, config, call):
        """``call(credentials)`` with ``source``'s compliance credentials; an app-only token
        X no longer takes (the app invalidated it) is asked for anew, once."""
        credentials = self._credentials(source, config)
        try:
            return call(credentials)
        except x_compliance.AppKeysRefusedError:
            raise
        except connector_base.AuthError:
            if config.credentials.get("bearer_token"):
                raise
        return call(self._credentials(source, config, renew=True))

    # --- submit ---------------------------------------------------------------------------------
    @api.model
    def _submit(self, source):
        """Create the job of ``source`` (sudo) for its tweets of the last
        :data:`COMPLIANCE_DAYS` days and upload their ids; returns the job (or none)."""
        now = fields.Datetime.now()
        since = now - dt.timedelta(days=COMPLIANCE_DAYS)
        posts = self.env["social.crm.post"].sudo().search_fetch(
            [("source_id", "=", source.id), ("posted_at", ">=", since)], ["external_id"])
        ids = [p.external_id for p in posts if (p.external_id or "").isdigit()]
        # the posts removed for their author's account are asked about once more (see
        # social_crm_x_compliance_restore.py)
        asked, restore_vals = self._submit_values(source, since)
        ids = list(dict.fromkeys(ids + [i for i in asked if (i or "").isdigit()]))
        if not ids:
            return self.browse()
        config = source._connector_config()
        job = self.browse()
        try:
            answer = self._call(source, config, lambda credentials: x_compliance.create_job(
                credentials, name=f"odoo-source-{source.id}", timeout=config.timeout))
            # recorded before the upload: one job a day, whatever the upload does
            job = self.create({
                "source_id": source.id, "external_id": answer.id, "submitted_at": now,
                "window_start": since, "tweet_count": len(ids), **restore_vals,
            })
            x_compliance.upload_ids(answer, ids, timeout=config.timeout)
        except connector_base.ConnectorError as exc:
            job.write({"state": "failed", "error": str(exc)[:1000]})
            self._failed(source, exc, now)
            return job
        _logger.info("Social CRM: source %s (%s): X compliance job %s submitted for %s "
                     "tweet(s)", source.id, source.name, job.external_id, len(ids))
        return job

    # --- pick up --------------------------------------------------------------------------------
    def _pick_up(self):
        """Ask X for this waiting job; apply its results when it is complete."""
        self.ensure_one()
        source = self.source_id
        if not source.active or source.credentials_refused_at:
            return False  # waits for the source (an expired download is noticed then)
        now = fields.Datetime.now()
        config = source._connector_config()
        try:
            answer = self._call(source, config, lambda credentials: x_compliance.get_job(
                credentials, self.external_id, timeout=config.timeout))
            if answer.status in (x_compliance.CREATED, x_compliance.IN_PROGRESS):
                if self.submitted_at < now - MAX_WAIT:
                    raise x_compliance.JobEndedError(
                        f"x: compliance job {self.external_id} still {answer.status} after "
                        f"{MAX_WAIT.days} days: given up")
                return False
            if answer.status in (x_compliance.FAILED, x_compliance.EXPIRED):
                # X gives no reason: the next day's job covers these tweets
                raise x_compliance.JobEndedError(
                    f"x: X reports compliance job {self.external_id} {answer.status}",
                    status=answer.status)
            results = x_compliance.download_results(answer, timeout=config.timeout)
        except x_compliance.JobEndedError as exc:
            self.write({"state": exc.state, "error": str(exc)[:1000]})
            self._failed(source, exc, now)
            return False
        except connector_base.ConnectorError as exc:
            # the job stays waiting: asked again at the next run
            self._failed(source, exc, now)
            return False
        return self._apply(results, now)

    def _apply(self, results, now):
        """Apply a complete job's results through the deletion path of the re-check."""
        self.ensure_one()
        source = self.source_id
        for note in results.notes:
            _logger.warning("Social CRM: source %s (%s): %s", source.id, source.name, note)
        deletions = [
            connector_base.Deletion(network="x", external_id=action.tweet_id,
                                    deleted_at=action.redacted_at, why=WHY[action.kind])
            for action in results.actions if action.kind in x_compliance.REMOVE
        ]
        geo = [a.tweet_id for a in results.actions if a.kind == x_compliance.SCRUB_GEO]
        Post = self.env["social.crm.post"].sudo()
        removed = scrubbed = restored = 0
        try:
            for start in range(0, len(deletions), DELETIONS_PER_SAVEPOINT):
                with self.env.cr.savepoint(flush=True):
                    removed += len(Post._ingest_deletions(
                        deletions[start:start + DELETIONS_PER_SAVEPOINT], source=source))
            if geo:
                with self.env.cr.savepoint(flush=True):
                    scrubbed = self._scrub_geo(source, geo)
            with self.env.cr.savepoint(flush=True):
                restored = self._restore(results)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as exc:  # a bug or hostile data: the job says so, the cron goes on
            _logger.exception("Social CRM: source %s (%s): applying X compliance job %s "
                              "failed", source.id, source.name, self.external_id)
            self.write({"state": "failed", "error": f"{type(exc).__name__}: {exc}"[:1000]})
            return False
        self.write({"state": "done", "done_at": now, "removed_count": removed,
                    "scrubbed_count": scrubbed, "skipped_count": results.skipped,
                    "restored_count": restored, "error": False})
        _logger.info("Social CRM: source %s (%s): X compliance job %s applied: %s post(s) "
                     "removed, %s without geo data, %s line(s) skipped", source.id,
                     source.name, self.external_id, removed, scrubbed, results.skipped)
        return True

    @api.model
    def _scrub_geo(self, source, tweet_ids):
        """Remove the geo data of these tweets from their stored payloads; returns how many
        posts changed (one read, one write per post changed)."""
        posts = self.env["social.crm.post"].sudo().search([
            ("company_id", "=", source.company_id.id), ("network_id.code", "=", "x"),
            ("external_id", "in", sorted(set(tweet_ids))),
        ])
        changed = 0
        for post in posts:
            raw = post.raw_payload
            if isinstance(raw, dict) and any(key in raw for key in GEO_KEYS):
                post.write({"raw_payload": {k: v for k, v in raw.items() if k not in GEO_KEYS}})
                changed += 1
        return changed

    @api.model
    def _failed(self, source, exc, now):
        """Say on the source (and in the log) that a compliance step failed; a refusal of
        the bearer token is the source's credentials-refused path."""
        _logger.warning("Social CRM: source %s (%s): X compliance job: %s", source.id,
                        source.name, exc)
        # the job runs as OdooBot: the message is written in the company's language
        env = self.with_context(lang=source.company_id.partner_id.lang or self.env.lang).env
        if isinstance(exc, x_compliance.AppKeysRefusedError):
            source._credentials_refused(env._(
                "X refuses the source's API key and secret (HTTP %(status)s) when asked for "
                "the app-only token of its compliance job: they are wrong or revoked. Deleted "
                "tweets are not found until the credentials are saved again or “Try Again” "
                "is clicked.",
                status=exc.status or "-"))
            return
        if isinstance(exc, connector_base.AuthError):
            source._credentials_refused(env._(
                "X refuses the source's bearer token for its compliance job (HTTP "
                "%(status)s): it is wrong or revoked. Deleted tweets are not found until the "
                "credentials are saved again or “Try Again” is clicked.",
                status=exc.status or "-"))
            return
        source.write({
            "last_error": env._("X compliance job failed: %(error)s", error=str(exc)),
            "last_error_at": now,
        })

    # --- what the re-check passes by ------------------------------------------------------------
    @api.model
    def _covered_domain(self, now=None):
        """The posts the latest job of each source applied in the last :data:`COVERED_FOR`
        holds (of its source, posted since its window start, stored before it was
        submitted): the per-tweet re-check passes them by."""
        now = now or fields.Datetime.now()
        jobs = self.sudo().search([("state", "=", "done"), ("done_at", ">=", now - COVERED_FOR)],
                                  order="submitted_at desc, id desc")
        latest = {}
        for job in jobs:
            latest.setdefault(job.source_id.id, job)
        return Domain.OR(
            Domain("source_id", "=", source_id)
            & Domain("posted_at", ">=", job.window_start)
            & Domain("create_date", "<=", job.submitted_at)
            for source_id, job in latest.items()
        ) if latest else Domain.FALSE
