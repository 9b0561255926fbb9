# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X batch compliance jobs through their cron (``social.crm.x.compliance.job._cron_run``),
X mocked at the HTTP boundary with its documented answers (``POST /2/compliance/jobs``, the
signed upload and download URLs, ``GET /2/compliance/jobs/:id``): the stored tweets of the
last days are submitted once a day, a finished job is picked up at a later run and applied
through the re-check's deletion path, a failed job, an expired download URL, a malformed
result line and a revoked token are each handled on their own."""

import copy
import datetime as dt
import json
import pathlib
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import fields
from odoo.tests import tagged

from ..connectors import x
from ..models import social_crm_x_compliance_job as compliance_model
from ..models import social_crm_x_compliance_restore as restore_model
from .common import FakeNetwork, SocialCrmCase

PAYLOADS = pathlib.Path(__file__).resolve().parents[2] / "tests/connectors/payloads"
JOBS = "https://api.twitter.com/2/compliance/jobs"
JOB_ID = "1460000000000000123"
LOGGER = "odoo.addons.social_crm.models.social_crm_x_compliance_job"
IDS = [f"186500000000000010{i}" for i in range(1, 7)]


def payload(name):
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def iso(when):
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class XComplianceCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Job = cls.env["social.crm.x.compliance.job"]
        cls.company.social_recheck_days = 3
        Source = cls.env["social.crm.source"]
        Source.search([]).write({"active": False})  # the demo's sources take no part
        cls.source = Source.create({
            "name": "X search", "network_id": cls.x.id, "kind": "search", "query": "acme",
            "bearer_token": "bearer-compliance",
        })

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))
        now = dt.datetime.now(dt.UTC)
        self.job_body = payload("x_compliance/job_created.json")
        data = self.job_body["data"]
        data.update(created_at=iso(now), upload_expires_at=iso(now + dt.timedelta(minutes=15)),
                    download_expires_at=iso(now + dt.timedelta(days=7)))
        self.upload = data["upload_url"]
        self.download = data["download_url"]

    # --- helpers --------------------------------------------------------------------------------
    def run_cron(self):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Job._cron_run()
        self.env.invalidate_all()

    def job_answer(self, status):
        body = copy.deepcopy(self.job_body)
        body["data"]["status"] = status
        return body

    def store_tweets(self, ids=IDS, hours=2):
        answer = payload("recheck/x_tweets.json")
        tweet = answer["data"][0]
        created = iso(dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours))
        data = [dict(tweet, id=i, conversation_id=i, created_at=created,
                     edit_history_tweet_ids=[i]) for i in ids]
        posts = x.parse_tweets({"data": data, "includes": answer["includes"]})
        return self.Post.browse(self.Post._ingest_posts(posts, self.source).post_ids)

    def submit(self):
        """A run that submits the source's job (created, ids uploaded)."""
        self.net.add("POST", JOBS, json_body=self.job_body)
        self.net.add("PUT", self.upload, body="")
        self.run_cron()
        return self.Job.sudo().search([("source_id", "=", self.source.id)])

    def requests_to(self, method, url):
        where = urlsplit(url)
        return [(r, kw) for r, kw in self.net.requests
                if r.method == method and urlsplit(r.url)[1:3] == where[1:3]]

    def deleted(self, external_id):
        return self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", external_id), ("network_id", "=", self.x.id)])


@tagged("post_install", "-at_install")
class TestXCompliance(XComplianceCase):
    # --- submit, pick up, apply -----------------------------------------------------------------
    def test_submit_once_a_day_then_apply_through_the_deletion_path(self):
        posts = self.store_tweets()
        old = self.store_tweets(["1865000000000000999"], hours=24 * 40)  # past the 30 days
        by_ext = {p.external_id: p for p in posts}
        by_ext[IDS[3]].sudo().raw_payload = dict(by_ext[IDS[3]].raw_payload, geo={
            "place_id": "01a9a39529b27f36"})
        job = self.submit()
        self.assertEqual(len(job), 1)
        self.assertEqual((job.state, job.external_id, job.tweet_count),
                         ("submitted", JOB_ID, len(IDS)))
        create, _kw = self.requests_to("POST", JOBS)[0]
        self.assertEqual(json.loads(create.body)["type"], "tweets")
        self.assertEqual(create.headers["Authorization"], "Bearer bearer-compliance")
        upload, upload_kw = self.requests_to("PUT", self.upload)[0]
        self.assertEqual(upload.headers["Content-Type"], "text/plain")
        self.assertNotIn("Authorization", upload.headers)  # a signed URL: no token
        self.assertTrue(upload_kw.get("timeout"))
        self.assertEqual(sorted(upload.body.decode().split("\n")), IDS)
        self.assertNotIn(old.external_id, upload.body.decode())
        # a later run the same day: the job is asked for, none is created
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("in_progress"))
        self.run_cron()
        self.assertEqual([r.method for r, _kw in self.net.requests], ["GET"])
        self.assertEqual(job.state, "submitted")
        # complete: the results are downloaded and applied; a malformed line is skipped
        # and logged, the others applied
        lines = (PAYLOADS / "x_compliance/results.jsonl").read_text().splitlines()
        lines.insert(2, '{"id": "1865000000000000106", "action": "delete", "reason": ')
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="\n".join(lines) + "\n",
                     headers={"Content-Type": "application/octet-stream"})
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.run_cron()
        self.assertIn("line 3 skipped", "\n".join(logs.output))
        self.assertEqual(job.state, "done")
        self.assertEqual((job.removed_count, job.scrubbed_count, job.skipped_count), (4, 1, 1))
        gone = {IDS[0]: "author", IDS[1]: "suspended", IDS[2]: "protected",
                IDS[4]: "deactivated"}
        for external_id, why in gone.items():
            self.assertFalse(by_ext[external_id].exists(), external_id)
            row = self.deleted(external_id)
            self.assertEqual((row.reason, row.network_reason), ("network", why))
        # scrub_geo: the post stays, without its geo data
        self.assertTrue(by_ext[IDS[3]].exists())
        self.assertNotIn("geo", by_ext[IDS[3]].raw_payload)
        # the malformed line's tweet is left alone
        self.assertTrue(by_ext[IDS[5]].exists())
        # a poll bringing a removed tweet again does not store it again
        self.assertFalse(self.store_tweets([IDS[0]]).exists())
        self.assertFalse(self.Post.search([("external_id", "=", IDS[0])]))

    def test_recheck_passes_by_the_posts_a_job_covered(self):
        posts = self.store_tweets(IDS[:2])
        self.source.recheck_posts = True
        Post = self.Post
        self.assertEqual(Post.search(Post._recheck_due_domain()), posts)
        job = self.submit()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="")  # nothing to act on
        self.run_cron()
        self.assertEqual(job.state, "done")
        # covered: not asked tweet by tweet; a tweet stored after the job was submitted is
        later = self.store_tweets(IDS[2:3])
        # (the test's transaction gives every record the same create date)
        self.env.cr.execute("UPDATE social_crm_post SET create_date = %s WHERE id = %s",
                            (job.submitted_at + dt.timedelta(minutes=1), later.id))
        self.env.invalidate_all()
        self.assertEqual(Post.search(Post._recheck_due_domain()), later)
        # two days later without a newer job: the re-check takes over again
        job.sudo().done_at = fields.Datetime.now() - compliance_model.COVERED_FOR \
            - dt.timedelta(minutes=1)
        self.assertEqual(Post.search(Post._recheck_due_domain()), posts | later)

    # --- an account restored --------------------------------------------------------------------
    def results(self, *lines):
        when = iso(dt.datetime.now(dt.UTC))
        return "".join(json.dumps({"id": tweet_id, "action": "delete", "created_at": when,
                                   "redacted_at": when, "reason": reason}) + "\n"
                       for tweet_id, reason in lines)

    def tweets_answer(self, ids):
        answer = payload("recheck/x_tweets.json")
        tweet = answer["data"][0]
        created = iso(dt.datetime.now(dt.UTC) - dt.timedelta(hours=30))
        answer["data"] = [dict(tweet, id=i, conversation_id=i, created_at=created,
                               edit_history_tweet_ids=[i]) for i in ids]
        return answer

    def test_a_restored_account_s_removed_tweets_come_back(self):
        """X removed three tweets: one its author deleted, one of a suspended account, one
        of a protected account. The next day's job asks once more for the last two; X no
        longer reports the suspended one (the suspension was lifted): it is looked up (one
        billed request, for it alone) and stored again through the ingestion; the protected
        account's stays removed, the deleted one is not even asked about."""
        self.store_tweets(IDS[:3])
        job = self.submit()
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body=self.results(
            (IDS[0], "deleted"), (IDS[1], "suspended"), (IDS[2], "protected")))
        self.run_cron()
        self.assertEqual((job.state, job.removed_count), ("done", 3))
        self.assertFalse(self.Post.search([("external_id", "in", IDS[:3])]))
        # the next day
        job.sudo().submitted_at = fields.Datetime.now() - dt.timedelta(hours=25)
        self.net.routes.clear()
        self.net.requests.clear()
        jobs = self.submit()
        second = jobs - job
        (upload, _kw), = self.requests_to("PUT", self.upload)
        self.assertEqual(sorted(upload.body.decode().split("\n")), IDS[1:3])
        self.assertEqual(sorted(second.restore_asked_ids.mapped("external_id")), IDS[1:3])
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body=self.results((IDS[2], "protected")))
        self.net.add("GET", "https://api.twitter.com/2/tweets",
                     json_body=self.tweets_answer([IDS[1]]))
        self.run_cron()
        self.assertEqual((second.state, second.restored_count), ("done", 1))
        (lookup, _kw), = self.requests_to("GET", "https://api.twitter.com/2/tweets")
        self.assertIn(f"ids={IDS[1]}&", lookup.url + "&")
        back = self.Post.search([("external_id", "=", IDS[1])])
        self.assertTrue(back)
        self.assertEqual(back.source_id, self.source)
        self.assertFalse(self.deleted(IDS[1]))
        self.assertEqual(self.deleted(IDS[2]).network_reason, "protected")
        self.assertEqual(self.deleted(IDS[0]).network_reason, "author")
        self.assertFalse(self.Post.search([("external_id", "in", [IDS[0], IDS[2]])]))

    def test_the_billed_look_ups_of_restored_tweets_are_bounded(self):
        """Two accounts restored, one look-up allowed a job: the newest removal is looked
        up, the other stays removed and is asked about by the next job."""
        self.store_tweets(IDS[:2])
        job = self.submit()
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body=self.results(
            (IDS[0], "suspended"), (IDS[1], "deactivated")))
        self.run_cron()
        self.assertEqual(job.removed_count, 2)
        job.sudo().submitted_at = fields.Datetime.now() - dt.timedelta(hours=25)
        self.net.routes.clear()
        second = self.submit() - job
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="")
        newest = second.restore_asked_ids.sorted(
            lambda row: (row.create_date, row.id), reverse=True)[:1].external_id
        self.net.add("GET", "https://api.twitter.com/2/tweets",
                     json_body=self.tweets_answer([newest]))
        with patch.object(restore_model, "RESTORE_LOOKUP", 1):
            self.run_cron()
        (lookup, _kw), = self.requests_to("GET", "https://api.twitter.com/2/tweets")
        self.assertIn(f"ids={newest}&", lookup.url + "&")
        self.assertEqual(second.restored_count, 1)
        other = ({IDS[0], IDS[1]} - {newest}).pop()
        self.assertTrue(self.deleted(other))
        self.assertFalse(self.Post.search([("external_id", "=", other)]))

    def test_a_failed_look_up_of_restored_tweets_waits_for_the_next_job(self):
        """X no longer reports a suspended account's tweet (the suspension was lifted), but
        the look-up of the tweet fails (X's rate limit): the job is applied all the same, the
        log says how many removed posts wait and that the next job asks about them again, and
        nothing is lost: the tweet stays removed (its Deleted Post kept), the next day's job
        asks about it once more and brings it back."""
        self.store_tweets(IDS[:1])
        job = self.submit()
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body=self.results((IDS[0], "suspended")))
        self.run_cron()
        self.assertEqual(job.removed_count, 1)
        # the next day: X no longer reports it, the look-up is refused (HTTP 429)
        job.sudo().submitted_at = fields.Datetime.now() - dt.timedelta(hours=25)
        self.net.routes.clear()
        second = self.submit() - job
        self.assertEqual(second.restore_asked_ids.mapped("external_id"), IDS[:1])
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="")
        reset = int(dt.datetime.now(dt.UTC).timestamp()) + 900
        self.net.add("GET", "https://api.twitter.com/2/tweets", status=429, json_body={
            "title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
            "status": 429}, headers={"x-rate-limit-limit": "15", "x-rate-limit-remaining": "0",
                                     "x-rate-limit-reset": str(reset)})
        with self.assertLogs(restore_model.__name__, "WARNING") as logs:
            self.run_cron()
        self.assertEqual(len(self.requests_to("GET", "https://api.twitter.com/2/tweets")), 1)
        self.assertIn(f"X compliance job {JOB_ID}: 1 removed post(s) X no longer reports could "
                      "not be looked up (they stay removed; the next job asks X about them "
                      "again)", "\n".join(logs.output))
        self.assertEqual((second.state, second.restored_count), ("done", 0))
        self.assertTrue(self.deleted(IDS[0]))
        self.assertFalse(self.Post.search([("external_id", "=", IDS[0])]))
        # the day after: asked again, looked up, back
        second.sudo().submitted_at = fields.Datetime.now() - dt.timedelta(hours=25)
        self.net.routes.clear()
        self.net.requests.clear()
        third = self.submit() - job - second
        (upload, _kw), = self.requests_to("PUT", self.upload)
        self.assertEqual(upload.body.decode().split("\n"), IDS[:1])
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="")
        self.net.add("GET", "https://api.twitter.com/2/tweets",
                     json_body=self.tweets_answer(IDS[:1]))
        self.run_cron()
        self.assertEqual((third.state, third.restored_count), ("done", 1))
        self.assertTrue(self.Post.search([("external_id", "=", IDS[0])]))
        self.assertFalse(self.deleted(IDS[0]))

    # --- what goes wrong ------------------------------------------------------------------------
    def test_a_failed_job_is_recorded_and_tried_again_the_next_day(self):
        posts = self.store_tweets(IDS[:2])
        job = self.submit()
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("failed"))
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertEqual(job.state, "failed")
        self.assertIn("failed", job.error)
        self.assertIn("X compliance job failed", self.source.last_error)
        self.assertFalse(self.source.credentials_refused_at)
        self.assertTrue(all(p.exists() for p in posts))
        self.assertFalse(self.requests_to("GET", self.download))
        # once a day: nothing new the same day
        self.net.requests.clear()
        self.run_cron()
        self.assertFalse(self.net.requests)
        # the next day a new job
        job.sudo().submitted_at = fields.Datetime.now() - dt.timedelta(hours=25)
        self.assertEqual(len(self.submit()), 2)

    def test_an_expired_download_url_deletes_nothing(self):
        posts = self.store_tweets(IDS[:2])
        job = self.submit()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        # Google Cloud Storage refuses a signed URL past its expiry
        self.net.add("GET", self.download, status=400, body=(
            "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code>"
            "<Message>The provided token has expired.</Message><Details>Request signature "
            "expired at: 2026-12-12T06:00:00+00:00</Details></Error>"),
            headers={"Content-Type": "application/xml; charset=UTF-8"})
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertEqual(job.state, "expired")
        self.assertTrue(all(p.exists() for p in posts))
        # a refusal of the signed URL is no refusal of the source's token
        self.assertFalse(self.source.credentials_refused_at)
        self.assertIn("X compliance job failed", self.source.last_error)
        # past its documented expiry the URL is not even asked
        job2 = self.Job.sudo().create({"source_id": self.source.id, "external_id": "7",
                                       "submitted_at": fields.Datetime.now()})
        stale = self.job_answer("complete")
        stale["data"].update(id="7", download_expires_at=iso(
            dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/7", json_body=stale)
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertEqual(job2.state, "expired")
        self.assertFalse(self.requests_to("GET", self.download))

    def test_a_job_x_never_finishes_is_given_up(self):
        self.store_tweets(IDS[:1])
        job = self.submit()
        self.net.routes.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("in_progress"))
        job.sudo().submitted_at = fields.Datetime.now() - compliance_model.MAX_WAIT \
            - dt.timedelta(hours=1)
        self.net.add("POST", JOBS, json_body=dict(self.job_body, data=dict(
            self.job_body["data"], id="1460000000000000124")))
        self.net.add("PUT", self.upload, body="")
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertEqual(job.state, "expired")
        self.assertIn("given up", job.error)
        # the source is no longer held back: its next job goes out in the same run
        self.assertEqual(self.Job.sudo().search([("source_id", "=", self.source.id)],
                                                limit=1).external_id, "1460000000000000124")

    def test_a_revoked_token_rests_the_source(self):
        self.store_tweets(IDS[:2])
        self.net.add("POST", JOBS, status=401, json_body=payload("x/error_401.json"))
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertTrue(self.source.credentials_refused_at)
        self.assertIn("bearer token", self.source.last_error)
        self.assertFalse(self.Job.sudo().search([("source_id", "=", self.source.id)]))
        activity = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "social.crm.source"), ("res_id", "=", self.source.id)])
        self.assertTrue(activity)
        # resting: not asked again until its credentials are saved again
        self.net.requests.clear()
        self.run_cron()
        self.assertFalse(self.net.requests)
        self.source.bearer_token = "bearer-new"
        self.assertFalse(self.source.credentials_refused_at)
        self.net.routes.clear()
        self.assertTrue(self.submit())

    def test_a_token_revoked_while_the_job_waits(self):
        self.store_tweets(IDS[:2])
        job = self.submit()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", status=401,
                     json_body=payload("x/error_401.json"))
        with self.assertLogs(LOGGER, "WARNING"):
            self.run_cron()
        self.assertTrue(self.source.credentials_refused_at)
        self.assertEqual(job.state, "submitted")  # picked up once the token is saved again


TOKEN_URL = "https://api.twitter.com/oauth2/token"


@tagged("post_install", "-at_install")
class TestXComplianceAppOnlyToken(XComplianceCase):
    """A push source has the app's consumer key and secret, no bearer token: its compliance
    job runs with X's app-only token of the key and secret (OAuth 2.0 client credentials),
    asked for once and kept; a revoked key rests the source with a clear message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.write({"bearer_token": False, "intake_mode": "push",
                          "kind": "mentions", "query": False,
                          "account_id": "1440000000000000000",
                          "api_key": "consumer-key", "api_secret": "consumer-secret"})
        cls.token = payload("x_compliance/oauth2_token.json")["access_token"]

    def test_the_consumer_key_and_secret_give_the_job_its_token(self):
        posts = self.store_tweets(IDS[:2])
        self.net.add("POST", TOKEN_URL, json_body=payload("x_compliance/oauth2_token.json"))
        job = self.submit()
        self.assertEqual((job.state, job.tweet_count), ("submitted", 2))
        (token, token_kw), = self.requests_to("POST", TOKEN_URL)
        self.assertEqual(token.body, "grant_type=client_credentials")
        self.assertEqual(token.headers["Authorization"],
                         "Basic Y29uc3VtZXIta2V5OmNvbnN1bWVyLXNlY3JldA==")
        self.assertTrue(token_kw.get("timeout"))
        create, _kw = self.requests_to("POST", JOBS)[0]
        self.assertEqual(create.headers["Authorization"], f"Bearer {self.token}")
        self.assertEqual(self.source.sudo().x_app_bearer_token, self.token)
        # the kept token: not asked for again to pick the job up
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{JOBS}/{JOB_ID}", json_body=self.job_answer("complete"))
        self.net.add("GET", self.download, body="")
        self.run_cron()
        self.assertEqual(job.state, "done")
        self.assertFalse(self.requests_to("POST", TOKEN_URL))
        self.assertEqual(self.requests_to("GET", f"{JOBS}/{JOB_ID}")[0][0].headers[
            "Authorization"], f"Bearer {self.token}")
        self.assertTrue(all(p.exists() for p in posts))
        # new keys saved: the kept token is forgotten
        self.source.api_secret = "consumer-secret-2"
        self.assertFalse(self.source.sudo().x_app_bearer_token)

    def test_an_invalidated_app_token_is_asked_for_again_once(self):
        self.store_tweets(IDS[:1])
        self.source.sudo().x_app_bearer_token = "invalidated"
        self.net.add("POST", JOBS, status=401, json_body=payload("x/error_401.json"))
        self.net.add("POST", JOBS, json_body=self.job_body)
        self.net.add("POST", TOKEN_URL, json_body=payload("x_compliance/oauth2_token.json"))
        self.net.add("PUT", self.upload, body="")
        self.run_cron()
        job = self.Job.sudo().search([("source_id", "=", self.source.id)])
        self.assertEqual(job.state, "submitted")
        self.assertFalse(self.source.credentials_refused_at)
        self.assertEqual(self.source.sudo().x_app_bearer_token, self.token)

    def test_a_revoked_consumer_key_rests_the_source(self):
        self.store_tweets(IDS[:1])
        self.net.add("POST", TOKEN_URL, status=403,
                     json_body=payload("x_compliance/oauth2_token_refused.json"))
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.run_cron()
        self.assertTrue(self.source.credentials_refused_at)
        self.assertIn("API key and secret", self.source.last_error)
        self.assertFalse(self.requests_to("POST", JOBS))
        self.assertFalse(self.Job.sudo().search([("source_id", "=", self.source.id)]))
        text = "\n".join(logs.output)
        self.assertIn("Unable to verify your credentials", text)
        self.assertNotIn("consumer-secret", text)
        self.assertNotIn("Y29uc3VtZXIta2V5", text)
        # resting: not asked again until its credentials are saved again
        self.net.requests.clear()
        self.run_cron()
        self.assertFalse(self.net.requests)
