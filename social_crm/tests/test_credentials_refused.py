# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A source whose credentials the network refuses rests until they are saved again.

Probe of the served demo: a source with a revoked token was polled every two minutes,
indefinitely, with a warning in the log each time. The network is mocked at the HTTP
boundary with the documented answers of a refusal (Mastodon ``{"error": "The access token
was revoked"}``, X v2's problem JSON)."""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FakeNetwork, SocialCrmCase
from .test_poll import BASE, TAG_URL, status

X_SEARCH = "https://api.twitter.com/2/tweets/search/recent"
LOG = "odoo.addons.social_crm.models.social_crm_source"
REFUSAL_LOG = "odoo.addons.social_crm.models.social_crm_source_refusal"


@tagged("post_install", "-at_install")
class TestCredentialsRefused(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Source = cls.env["social.crm.source"]
        cls.Source.search([]).write({"active": False})
        cls.source = cls.Source.create({
            "name": "#acme", "network_id": cls.mastodon.id, "kind": "hashtag",
            "query": "acme", "base_url": BASE, "access_token": "revoked-token",
        })

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def cron_run(self):
        """One run of the poll cron, as if the source's interval had passed."""
        self.Source.search([("next_poll_at", "!=", False)]).next_poll_at = (
            fields.Datetime.now() - dt.timedelta(seconds=1))
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Source._cron_poll_due()

    def activities(self, source):
        return self.env["mail.activity"].search(
            [("res_model", "=", "social.crm.source"), ("res_id", "=", source.id)])

    def test_revoked_mastodon_token_is_asked_once_until_saved_again(self):
        self.net.add("GET", TAG_URL, status=401,
                     json_body={"error": "The access token was revoked"})
        with self.assertLogs(LOG, "WARNING") as warned, mute_logger(REFUSAL_LOG):
            self.cron_run()
            self.cron_run()
        self.assertEqual(len(self.net.requests), 1, "two cron runs, one request")
        self.assertEqual(len(warned.output), 1, "the log says it once")
        self.assertTrue(self.source.credentials_refused_at)
        self.assertIn("Mastodon refuses the source's credentials (HTTP 401)",
                      self.source.last_error)
        self.assertIn("not polled again until its credentials are saved again",
                      self.source.last_error)
        activities = self.activities(self.source)
        self.assertIn(self.manager, activities.user_id, "the managers are told")
        self.assertNotIn(self.other_user, activities.user_id, "not another company's")
        self.assertEqual(len(activities), len(activities.user_id), "once each")
        self.assertFalse(self.Source._listener_sources(self.source.ids))

        # a manager saves a new token: asked again at once, the activities gone
        self.source.with_user(self.manager).access_token = "new-token"
        self.assertFalse(self.source.credentials_refused_at)
        self.assertFalse(self.source.next_poll_at, "due now")
        self.assertFalse(self.activities(self.source))
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, json_body=[status(12)])
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.Source._cron_poll_due()
        self.assertEqual(len(self.net.requests), 2)
        self.assertEqual(self.net.requests[-1][0].headers["Authorization"], "Bearer new-token")
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.posts_fetched_last, 1)

    def test_x_refusal_rests_and_try_again_resumes(self):
        source = self.Source.create({
            "name": "X search", "network_id": self.x.id, "kind": "search",
            "query": "acme", "bearer_token": "revoked-bearer",
        })
        self.source.active = False
        self.net.add("GET", X_SEARCH, status=401, json_body={
            "title": "Unauthorized", "type": "about:blank", "status": 401,
            "detail": "Unauthorized"})
        with mute_logger(LOG, REFUSAL_LOG):
            self.cron_run()
            self.cron_run()
        self.assertEqual(len(self.net.requests), 1, "two cron runs, one request")
        self.assertTrue(source.credentials_refused_at)
        self.assertIn("refuses the source's credentials (HTTP 401)", source.last_error)
        told = self.activities(source)
        self.assertTrue(told)
        # a second refusal (Fetch now) tells nobody again
        with mute_logger(LOG, REFUSAL_LOG):
            source._poll()
        self.assertEqual(self.activities(source), told)

        # the app's access fixed at X, same token: Try Again
        source.with_user(self.manager).action_credentials_retry()
        self.assertFalse(source.credentials_refused_at)
        self.assertFalse(self.activities(source))
        self.net.routes.clear()
        self.net.add("GET", X_SEARCH, json_body={"meta": {"result_count": 0}})
        self.cron_run()
        self.assertEqual(len(self.net.requests), 3)
        self.assertFalse(source.last_error)

    def test_other_errors_keep_polling(self):
        """A server error or a rate limit is asked again (at the next interval, or the
        reset): no rest, nobody told."""
        self.net.add("GET", TAG_URL, status=503, json_body={"error": "Service Unavailable"})
        with mute_logger(LOG):
            self.cron_run()
            self.cron_run()
        self.assertEqual(len(self.net.requests), 2)
        self.assertFalse(self.source.credentials_refused_at)
        self.assertFalse(self.activities(self.source))
        self.assertTrue(self.source.last_error)

    def test_stream_refusal_rests_the_source(self):
        """The stream listener's report of a refused token rests the source: the listener
        no longer reads it until its token is saved again."""
        self.source.intake_mode = "stream"
        self.assertEqual(self.Source._listener_sources(self.source.ids), self.source)
        with mute_logger(REFUSAL_LOG):
            self.source._listener_report_problem("token", 401, "Invalid access token")
        self.assertTrue(self.source.credentials_refused_at)
        self.assertIn("does not connect again until", self.source.last_error)
        self.assertFalse(self.Source._listener_sources(self.source.ids))
        self.source.access_token = "renewed"
        self.assertEqual(self.Source._listener_sources(self.source.ids), self.source)
