# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Polling a real connector (Mastodon, over requests) against canned HTTP answers shaped
like Mastodon's documented API, including every fault the listening must survive."""

import datetime as dt
import logging
from unittest.mock import patch

import requests

from odoo import api, fields, sql_db
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FakeNetwork, SocialCrmCase

BASE = "https://mastodon.example"
TAG_URL = f"{BASE}/api/v1/timelines/tag/acme"
TOKEN = "tok-SECRET-123"


def account(acct, followers=10, name=None, note="<p>Hi</p>"):
    user = acct.split("@")[0]
    return {
        "id": str(abs(hash(acct)) % 10**9),
        "username": user,
        "acct": acct,
        "display_name": name or user.title(),
        "locked": False,
        "bot": False,
        "created_at": "2022-11-02T00:00:00.000Z",
        "note": note,
        "url": f"https://{acct.split('@')[1] if '@' in acct else 'mastodon.example'}/@{user}",
        "avatar": "https://files.example/a.png",
        "followers_count": followers,
        "following_count": 5,
        "statuses_count": 42,
        "last_status_at": "2026-11-20",
        "emojis": [],
        "fields": [],
    }


def status(sid, acct="anna@mastodon.example", text="Mein Paket ist nie angekommen #acme", **kw):
    body = {
        "id": str(sid),
        "created_at": "2026-11-21T10:%02d:00.000Z" % (int(sid) % 60),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "de",
        "uri": f"{BASE}/users/x/statuses/{sid}",
        "url": f"{BASE}/@x/{sid}",
        "replies_count": 1,
        "reblogs_count": 2,
        "favourites_count": 3,
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": account(acct),
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "acme", "url": f"{BASE}/tags/acme"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    body.update(kw)
    return body


@tagged("post_install", "-at_install")
class TestPoll(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "#acme",
                "network_id": cls.mastodon.id,
                "kind": "hashtag",
                "query": "acme",
                "base_url": BASE,
                "access_token": TOKEN,
                "max_pages": 3,
                "page_size": 2,
            }
        )
        cls.Post = cls.env["social.crm.post"]

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        patcher = patch.object(type(self), "_request_handler", self.net.handler)
        # the handler is a classmethod on BaseCase; replace it for this test only
        self.startPatcher(patcher)

    def _two_pages(self):
        self.net.add(
            "GET",
            TAG_URL,
            json_body=[status(12), status(11, acct="bo@social.example")],
            headers={
                "Link": f'<{TAG_URL}?max_id=11>; rel="next", <{TAG_URL}?min_id=12>; rel="prev"'
            },
        )
        self.net.add("GET", TAG_URL, json_body=[status(10)])

    def test_poll_stores_pages_and_moves_cursor(self):
        self._two_pages()
        action = self.source.action_poll()
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 3)
        self.assertEqual(self.source.cursor, "12")
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.posts_fetched_last, 3)
        self.assertEqual(self.source.posts_fetched_total, 3)
        self.assertEqual(self.source.status, "ok")
        self.assertIn("3 new posts", action["params"]["message"])
        self.assertIn("2 new contacts", action["params"]["message"])
        self.assertTrue(self.source.next_poll_at > self.source.last_poll_at)
        sent = self.net.requests[0][0]
        self.assertEqual(sent.headers["Authorization"], f"Bearer {TOKEN}")
        self.assertTrue(
            all(kw.get("timeout") for _req, kw in self.net.requests), "every request has a timeout"
        )
        anna = self.env["social.crm.identity"].search([("handle", "=", "anna@mastodon.example")])
        self.assertEqual(anna.followers_count, 10)
        # the next poll asks only for newer posts and stores nothing twice
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, json_body=[status(13), status(12)])
        self.source._poll()
        self.assertIn("since_id=12", self.net.requests[-1][0].url)
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 4)
        self.assertEqual(self.source.cursor, "13")
        self.assertEqual(self.source.posts_fetched_total, 4)

    def _assert_fault(self, words, recover_id=6, **answer):
        self.source.cursor = "5"
        before = self.Post.search_count([("source_id", "=", self.source.id)])
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, **answer)
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            self.source._poll()
        self.assertEqual(self.source.status, "error")
        self.assertRegex(self.source.last_error, words)
        self.assertNotIn(TOKEN, self.source.last_error, "tokens never reach the user")
        self.assertTrue(self.source.last_error_at)
        self.assertEqual(self.source.cursor, "5", "the cursor did not move")
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), before)
        # the next poll recovers
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, json_body=[status(recover_id)])
        self.source._poll()
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.cursor, str(recover_id))
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), before + 1)

    def test_a_page_stored_meanwhile_by_another_worker(self):
        """The same posts stored by another worker while the poll's page was stored (a
        webhook's events of the company): the page's insert meets the unique key of a post its
        transaction cannot see (``_ingest_posts`` says ConcurrencyError). The poll cron commits
        what it stored and stores the page again, in a new transaction that sees those posts;
        before, the page failed with "Storing the posts failed" and a logged traceback. A
        request (Poll Now) lets Odoo run it again."""
        Post = type(self.Post)
        ingest_posts = Post._ingest_posts
        raced = []

        def stored_meanwhile_once(model, posts, source=None):
            if not raced:
                raced.append(1)
                raise ConcurrencyError("the same post or author was stored at the same time")
            return ingest_posts(model, posts, source=source)

        commits = []
        self._two_pages()
        with patch.object(Post, "_ingest_posts", stored_meanwhile_once), \
                self.assertNoLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            self.source._poll(commit=commits.append)
        self.assertEqual(commits[0], 0, "committed before storing the page again")
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 3)
        self.assertEqual(self.source.cursor, "12")

        raced.clear()
        self.net.add("GET", TAG_URL, json_body=[status(13)])
        with patch.object(Post, "_ingest_posts", stored_meanwhile_once), \
                self.assertRaises(ConcurrencyError):
            self.source._poll()

    def test_a_page_raced_again_after_the_commit_waits_for_the_next_poll(self):
        """Stored again after the commit, the page meets another worker's rows once more:
        no traceback nor error on the source (it was "Storing the posts failed" with a logged
        traceback); the cursor stays before that page, which the next poll stores."""
        Post = type(self.Post)

        def stored_meanwhile_always(model, posts, source=None):
            raise ConcurrencyError("another worker wrote the same rows at the same time")

        commits = []
        self._two_pages()
        cursor = self.source.cursor
        with patch.object(Post, "_ingest_posts", stored_meanwhile_always), \
                self.assertLogs("odoo.addons.social_crm.models.social_crm_source",
                                logging.INFO) as logs:
            self.source._poll(commit=commits.append)
        self.assertIn("the page is stored at the next poll", logs.output[-1])
        self.assertEqual([line for line in logs.output if not line.startswith("INFO")], [])
        self.assertEqual(commits, [0], "committed once, before storing the page again")
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.cursor, cursor)

    def test_fault_timeout(self):
        self._assert_fault("(?i)time", exc=requests.exceptions.ReadTimeout("read timed out"))

    def test_fault_connection_error(self):
        self._assert_fault("(?i)connect", exc=requests.exceptions.ConnectionError("refused"))

    def test_fault_server_errors(self):
        self._assert_fault("500", status=500, json_body={"error": "Internal"})
        self._assert_fault(
            "503",
            recover_id=7,
            status=503,
            body="<html>Service Unavailable</html>",
            headers={"Content-Type": "text/html"},
        )

    def test_fault_malformed_json(self):
        self._assert_fault(
            "(?i)json|malformed|unexpected",
            body="{not json",
            headers={"Content-Type": "application/json"},
        )
        self._assert_fault(
            "(?i)list|expected|unexpected", recover_id=7, json_body={"statuses": "nope"}
        )

    def test_fault_revoked_token(self):
        self._assert_fault(
            "(?i)token|auth|401", status=401, json_body={"error": "The access token was revoked"}
        )

    def test_poll_errors_are_worded_by_the_product_in_german(self):
        """Probe (German manager who set the source up): a revoked token, a time-out and a
        rate limit showed the connector's English sentence on the source ("mastodon: GET
        https://... answered HTTP 401 (...): the credentials are missing..."). The product's
        German words now, the connector's sentence quoted as the detail; the log keeps the
        connector's sentence; the rate limit still moves the next poll to the reset."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.source.create_uid.lang = "de_DE"
        # whoever runs the poll (the cron: no user language), the creator's words
        source = self.source.with_context(lang="en_US")
        log = "odoo.addons.social_crm.models.social_crm_source"
        self.source.cursor = "5"
        self.net.add("GET", TAG_URL, status=401,
                     json_body={"error": "The access token was revoked"})
        with self.assertLogs(log, "WARNING") as logs:
            source._poll()
        self.assertIn("Mastodon lehnt die Zugangsdaten der Quelle ab (HTTP 401)",
                      self.source.last_error)
        self.assertIn("„mastodon: GET", self.source.last_error)
        self.assertIn("(The access token was revoked)", self.source.last_error)
        self.assertNotIn(TOKEN, self.source.last_error)
        self.assertIn("answered HTTP 401", logs.output[0], "the log keeps the connector's words")
        self.assertNotIn("Zugangsdaten", logs.output[0])

        self.net.routes.clear()
        self.net.add("GET", TAG_URL, exc=requests.exceptions.ReadTimeout("read timed out"))
        with self.assertLogs(log, "WARNING"):
            source._poll()
        self.assertIn("Mastodon war nicht erreichbar oder hat nicht rechtzeitig geantwortet",
                      self.source.last_error)
        self.assertIn("timed out", self.source.last_error)

        reset = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=7)).replace(microsecond=0)
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, status=429, json_body={"error": "Too many requests"},
                     headers={"X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                              "X-RateLimit-Remaining": "0"})
        with self.assertLogs(log, "WARNING"):
            source._poll()
        self.assertIn("Mastodon nimmt vorerst keine Anfragen mehr an (HTTP 429",
                      self.source.last_error)
        self.assertEqual(self.source.next_poll_at, reset.replace(tzinfo=None))
        self.assertEqual(self.source.cursor, "5")

        self.source.sudo().write({"base_url": False})
        with self.assertLogs(log, "WARNING"):
            source._poll()
        self.assertIn("Die Quelle kann mit ihren Einstellungen nicht abgerufen werden",
                      self.source.last_error)

    def test_fault_rate_limit_schedules_at_reset(self):
        reset = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=7)).replace(microsecond=0)
        self.source.cursor = "5"
        self.net.add(
            "GET",
            TAG_URL,
            status=429,
            json_body={"error": "Too many requests"},
            headers={
                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "X-RateLimit-Remaining": "0",
            },
        )
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            self.source._poll()
        self.assertEqual(self.source.status, "error")
        self.assertEqual(
            self.source.next_poll_at,
            reset.replace(tzinfo=None),
            "the next poll waits for the reset the network named",
        )
        self.assertEqual(self.source.cursor, "5")

    def test_fault_page_fails_midway(self):
        self.net.add(
            "GET",
            TAG_URL,
            json_body=[status(12), status(11)],
            headers={"Link": f'<{TAG_URL}?max_id=11>; rel="next"'},
        )
        self.net.add("GET", TAG_URL, status=503, json_body={"error": "busy"})
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            self.source._poll()
        self.assertEqual(
            self.Post.search_count([("source_id", "=", self.source.id)]),
            2,
            "the page that arrived is kept",
        )
        self.assertFalse(self.source.cursor, "not ahead of what was stored: page 2 is missing")
        self.assertEqual(self.source.status, "error")
        # next poll: both pages again; page 1 is deduplicated, page 2 stored, cursor moves
        self.net.routes.clear()
        self._two_pages()
        self.source._poll()
        posts = self.Post.search([("source_id", "=", self.source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")), ["10", "11", "12"])
        self.assertEqual(self.source.cursor, "12")

    def test_fault_database_error_inside_a_batch(self):
        self._two_pages()
        original = type(self.Post)._ingest_prepare_vals_list
        calls = []

        def broken(model, vals_list, posts):
            calls.append(len(posts))
            vals_list = original(model, vals_list, posts)
            if len(calls) == 2:
                vals_list[0]["posted_at"] = None  # NOT NULL violation in the database
                vals_list[0]["network_id"] = None
            return vals_list

        with (
            patch.object(type(self.Post), "_ingest_prepare_vals_list", broken),
            mute_logger("odoo.addons.social_crm.models.social_crm_source", "odoo.sql_db"),
        ):
            self.source._poll()
        self.assertEqual(self.source.status, "error")
        self.assertIn("Storing the posts failed", self.source.last_error)
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 2)
        self.assertFalse(self.source.cursor)
        self.net.routes.clear()
        self._two_pages()
        self.source._poll()
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 3)
        self.assertEqual(self.source.cursor, "12")

    def test_wrong_setting_is_explained(self):
        with self.assertRaisesRegex(Exception, "needs a query"):
            self.env["social.crm.source"].create(
                {"name": "empty", "network_id": self.mastodon.id, "kind": "hashtag"}
            )
        self.source.sudo().write({"base_url": False})
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            self.source._poll()
        self.assertRegex(self.source.last_error, "(?i)instance|base_url")

    def test_two_workers_never_poll_the_same_source(self):
        demo = self.env.ref("social_crm.source_demo_replay")  # committed: visible to a 2nd worker
        self.assertTrue(demo._claim(), "this worker claims the source (row lock + lease)")
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr2:
            env2 = api.Environment(cr2, api.SUPERUSER_ID, {})
            self.assertFalse(
                env2["social.crm.source"].browse(demo.id)._claim(),
                "the other worker skips a source that is being polled",
            )
            cr2.rollback()
        # a lease still running also keeps a second worker out, even without the row lock
        self.source.polling_until = fields.Datetime.now() + dt.timedelta(minutes=5)
        self.assertFalse(self.source._claim())
        with self.assertRaises(UserError):
            self.source.action_poll()
        self.source.polling_until = fields.Datetime.now() - dt.timedelta(minutes=1)
        self.assertTrue(self.source._claim(), "an expired lease (dead worker) is taken over")

    def test_cron_polls_due_sources_only(self):
        self._two_pages()
        later = self.env["social.crm.source"].create(
            {
                "name": "later",
                "network_id": self.mastodon.id,
                "kind": "hashtag",
                "query": "other",
                "base_url": BASE,
                "next_poll_at": fields.Datetime.now() + dt.timedelta(hours=1),
            }
        )
        self.env["social.crm.source"].search([("id", "not in", (self.source | later).ids)]).write(
            {"active": False}
        )
        commits = []
        with patch.object(
            type(self.env["ir.cron"]),
            "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: (
                commits.append(processed) or 60.0
            ),
        ):
            self.env["social.crm.source"]._cron_poll_due()
        self.assertEqual(self.source.cursor, "12")
        self.assertFalse(later.last_poll_at)
        self.assertFalse(self.source.polling_until, "the claim is released")
        self.assertGreaterEqual(len(commits), 3, "committed per page")
