# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhooks over real HTTP: signatures, handshakes, size limit, redelivery, processing."""

import json
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.addons.social_crm.connectors import signatures
from odoo.exceptions import ConcurrencyError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

APP_SECRET = "meta-app-secret-0123456789"
CONSUMER_SECRET = "x-consumer-secret-abcdef"
PAGE_ID = "102030405060"


def meta_comment(comment_id="102030405060_9001", message="Where is my refund?",
                 created_time=1764600000, sender=None):
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": created_time + 1,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": sender or {"id": "100000000000555", "name": "Mia Roth"},
                            "post": {"id": f"{PAGE_ID}_777", "status_type": "added_photos",
                                     "is_published": True},
                            "message": message,
                            "post_id": f"{PAGE_ID}_777",
                            "comment_id": comment_id,
                            "created_time": created_time,
                            "item": "comment",
                            "parent_id": f"{PAGE_ID}_777",
                            "verb": "add",
                        },
                    }
                ],
            }
        ],
    }


def x_activity(tweet_id="1865000000000000001", text="@acme_support my order never came"):
    return {
        "for_user_id": "1440000000000000000",
        "tweet_create_events": [
            {
                "created_at": "Mon Dec 01 09:00:00 +0000 2025",
                "id": int(tweet_id),
                "id_str": tweet_id,
                "text": text,
                "in_reply_to_status_id_str": None,
                "in_reply_to_user_id_str": "1440000000000000000",
                "user": {
                    "id": 1460000000000000999,
                    "id_str": "1460000000000000999",
                    "name": "Kai Brenner",
                    "screen_name": "kaibrenner",
                    "followers_count": 10400,
                    "friends_count": 300,
                    "listed_count": 12,
                    "statuses_count": 5400,
                    "verified": False,
                    "description": "Reviews &amp; rants",
                },
                "entities": {"user_mentions": [{"screen_name": "acme_support",
                                                "id_str": "1440000000000000000"}]},
                "favorite_count": 0,
                "retweet_count": 0,
                "reply_count": 0,
                "quote_count": 0,
                "lang": "en",
            }
        ],
    }


@tagged("post_install", "-at_install")
class TestWebhooks(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.facebook_source = cls.env["social.crm.source"].create(
            {
                "name": "ACME page (push)",
                "network_id": cls.env.ref("social_crm.network_facebook").id,
                "kind": "page",
                "account_id": PAGE_ID,
                "intake_mode": "push",
                "app_secret": APP_SECRET,
                "verify_token": "my-verify-token",
            }
        )
        cls.x_source = cls.env["social.crm.source"].create(
            {
                "name": "X mentions (push)",
                "network_id": cls.env.ref("social_crm.network_x").id,
                "kind": "mentions",
                "account_id": "1440000000000000000",
                "intake_mode": "push",
                "api_secret": CONSUMER_SECRET,
            }
        )
        cls.events = cls.env["social.crm.event"]
        cls.posts = cls.env["social.crm.post"]

    def _url(self, source):
        return f"/social_crm/webhook/{source.webhook_token}"

    def _post(self, source, body, headers=None):
        return self.url_open(self._url(source), data=body, headers={
            "Content-Type": "application/json", **(headers or {})})

    def _post_meta(self, payload, secret=APP_SECRET):
        body = json.dumps(payload).encode()
        return self._post(self.facebook_source, body,
                          {"X-Hub-Signature-256": signatures.meta_signature(secret, body)})

    def _source_events(self, source):
        return self.events.search([("source_id", "=", source.id)])

    def _waiting_triggers(self):
        cron = self.env.ref("social_crm.ir_cron_social_crm_process_events")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_meta_signed_delivery_is_stored_then_processed(self):
        self._waiting_triggers().unlink()  # none waits: this delivery wakes the cron
        with patch.object(type(self.env["ir.cron"]), "_trigger") as trigger:
            response = self._post_meta(meta_comment())
        self.assertEqual(response.status_code, 200)
        trigger.assert_called()
        event = self._source_events(self.facebook_source)
        self.assertEqual(len(event), 1)
        self.assertEqual((event.state, event.channel, event.kind), ("new", "push", "meta"))
        self.assertFalse(self.posts.search([("external_id", "=", "102030405060_9001")]))
        event._process()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.post_count, 1)
        post = self.posts.search([("external_id", "=", "102030405060_9001")])
        self.assertEqual(post.text, "Where is my refund?")
        self.assertEqual(post.source_id, self.facebook_source)
        self.assertEqual(post.author_name, "Mia Roth")
        self.assertEqual(post.identity_id.external_id, "100000000000555")
        self.assertTrue(self.facebook_source.last_event_at)

    def test_meta_redelivery_stores_nothing_twice(self):
        payload = meta_comment()
        self.assertEqual(self._post_meta(payload).status_code, 200)
        self.assertEqual(self._post_meta(payload).status_code, 200)
        self.assertEqual(len(self._source_events(self.facebook_source)), 1)
        self._source_events(self.facebook_source)._process()
        # an edit is a new event, and updates the same post
        edited = meta_comment(message="Where is my refund? (3rd time)")
        edited["entry"][0]["changes"][0]["value"]["verb"] = "edited"
        self.assertEqual(self._post_meta(edited).status_code, 200)
        events = self._source_events(self.facebook_source)
        self.assertEqual(len(events), 2)
        events.filtered(lambda e: e.state == "new")._process()
        self.assertEqual(len(self.posts.search([("external_id", "=", "102030405060_9001")])), 1)

    def test_meta_unsigned_or_badly_signed_is_refused(self):
        body = json.dumps(meta_comment()).encode()
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            unsigned = self._post(self.facebook_source, body)
            malformed = self._post(self.facebook_source, body,
                                   {"X-Hub-Signature-256": "md5=abc"})
            wrong = self._post_meta(meta_comment(), secret="not-the-app-secret")
        self.assertEqual(unsigned.status_code, 401)
        self.assertEqual(wrong.status_code, 403)
        self.assertEqual(malformed.status_code, 401)
        self.assertFalse(self._source_events(self.facebook_source))
        self.facebook_source.invalidate_recordset()
        self.assertEqual(self.facebook_source.refused_count, 3)
        self.assertEqual(self.facebook_source.refused_reason,
                         "bad signature (check the app secret)")

    def test_body_over_the_limit_is_refused(self):
        body = b'{"object": "page", "entry": []}' + b" " * (1024 * 1024 + 10)
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            response = self._post(self.facebook_source, body, {
                "X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)})
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self._source_events(self.facebook_source))

    def test_webhook_urls_of_several_sources_at_once(self):
        """Probe (served product): reading the Webhook URL of several push sources in one
        call (a list with the column, an export, a JSON-RPC read) failed with "Expected
        singleton"; each source gets its own address, which answers its network."""
        sources = self.facebook_source | self.x_source
        urls = sources.read(["webhook_url"])
        self.assertEqual([u["webhook_url"] for u in urls], [
            f"{sources[0].get_base_url()}{self._url(sources[0])}",
            f"{sources[1].get_base_url()}{self._url(sources[1])}",
        ])
        crc = self.url_open(f"{self._url(self.x_source)}?crc_token=abc")
        self.assertEqual(crc.json(), signatures.x_crc_response(CONSUMER_SECRET, "abc"))

    def test_delivery_retried_after_a_concurrent_update_keeps_its_body(self):
        """Probe (served product, workers): the same delivery arriving twice at once (X and
        Meta redeliver; two workers store it in parallel) makes PostgreSQL refuse one insert
        ("could not serialize access due to concurrent update"); Odoo runs the request again.
        The body read the first time must be there the second time: it was gone, the valid
        delivery was answered 403 and counted as "bad signature (check the app secret)"."""
        Event = type(self.env["social.crm.event"])
        store = Event._store_events
        calls = []

        def store_once_concurrent(model, *args, **kwargs):
            calls.append(1)
            ids = store(model, *args, **kwargs)
            if len(calls) == 1:  # what PostgreSQL raises for the parallel twin's insert
                raise ConcurrencyError("could not serialize access due to concurrent update")
            return ids

        body = json.dumps(x_activity("1865000000000000009")).encode()
        with patch.object(Event, "_store_events", store_once_concurrent), \
                mute_logger("odoo.service.model"):
            response = self._post(self.x_source, body, {
                "x-twitter-webhooks-signature": signatures.x_signature(CONSUMER_SECRET, body)})
        self.assertEqual((response.status_code, response.text), (200, "OK"))
        self.assertEqual(len(calls), 2, "the request was run again")
        self.assertEqual(self._source_events(self.x_source).mapped("delivery_key"),
                         ["x:tweet:1865000000000000009"])
        self.x_source.invalidate_recordset()
        self.assertFalse(self.x_source.refused_count)

    def test_unknown_token_is_not_found(self):
        response = self.url_open("/social_crm/webhook/no-such-token", data=b"{}")
        self.assertEqual(response.status_code, 404)

    def test_meta_handshake(self):
        url = self._url(self.facebook_source)
        ok = self.url_open(f"{url}?hub.mode=subscribe&hub.verify_token=my-verify-token"
                           "&hub.challenge=1158201444")
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            wrong = self.url_open(f"{url}?hub.mode=subscribe&hub.verify_token=guess"
                                  "&hub.challenge=1158201444")
        self.assertEqual(wrong.status_code, 403)

    def test_x_crc_and_signed_delivery(self):
        response = self.url_open(f"{self._url(self.x_source)}?crc_token=challenge-123")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), signatures.x_crc_response(CONSUMER_SECRET,
                                                                    "challenge-123"))
        body = json.dumps(x_activity()).encode()
        signed = self._post(self.x_source, body, {
            "x-twitter-webhooks-signature": signatures.x_signature(CONSUMER_SECRET, body)})
        self.assertEqual(signed.status_code, 200)
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            unsigned = self._post(self.x_source, json.dumps(x_activity("1865000000000000002")
                                                            ).encode())
        self.assertEqual(unsigned.status_code, 401)
        events = self._source_events(self.x_source)
        self.assertEqual(events.mapped("delivery_key"), ["x:tweet:1865000000000000001"])
        events._process()
        post = self.posts.search([("external_id", "=", "1865000000000000001")])
        self.assertEqual(post.identity_id.followers_count, 10400)
        self.assertEqual(post.author_handle, "kaibrenner")

    def test_signed_but_unreadable_delivery_is_quarantined(self):
        body = b"this is not json"
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            response = self._post(self.facebook_source, body, {
                "X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)})
        self.assertEqual(response.status_code, 200)
        event = self._source_events(self.facebook_source)
        self.assertEqual((event.state, event.kind), ("quarantined", "unreadable"))
        self.assertTrue(event.error)

    def test_cron_processes_in_batches_and_failures_are_retried(self):
        for number in range(3):
            self._post_meta(meta_comment(comment_id=f"{PAGE_ID}_{9100 + number}",
                                         message=f"complaint {number}"))
        events = self._source_events(self.facebook_source)
        self.assertEqual(len(events), 3)
        post_model = type(self.env["social.crm.post"])
        original = post_model._ingest_posts

        def flaky(model, posts, source=None):
            if any(p.text == "complaint 1" for p in posts):
                raise RuntimeError("database hiccup")
            return original(model, posts, source=source)

        with patch.object(post_model, "_ingest_posts", flaky), \
                patch.object(type(self.env["ir.cron"]), "_commit_progress",
                             lambda *a, **k: 1.0), \
                mute_logger("odoo.addons.social_crm.models.social_crm_event"):
            self.env["social.crm.event"]._cron_process(limit=2)
        states = {e.delivery_key: e.state for e in events}
        self.assertEqual(sorted(states.values()), ["done", "done", "new"])
        failed = events.filtered(lambda e: e.state == "new")
        self.assertEqual(failed.attempts, 1)
        self.assertIn("database hiccup", failed.error)
        failed._process()  # the next run stores it
        self.assertEqual(failed.state, "done")
        self.assertEqual(self.posts.search_count([("source_id", "=", self.facebook_source.id)]),
                         3)

    def test_a_burst_wakes_the_cron_once(self):
        self._waiting_triggers().unlink()
        for number in range(5):
            response = self._post_meta(meta_comment(comment_id=f"{PAGE_ID}_{9200 + number}"))
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._source_events(self.facebook_source)), 5)
        self.assertEqual(len(self._waiting_triggers()), 1, "one trigger for the five")

    def test_a_trigger_the_running_cron_took_is_not_relied_on(self):
        """The cron deletes the triggers it consumes before it runs and holds them locked
        until it ends: a delivery stored meanwhile makes a new trigger, else it would wait for
        the cron's next interval. Two real transactions (the test's own cannot see them)."""
        cron = self.env.ref("social_crm.ir_cron_social_crm_process_events")
        db = sql_db.db_connect(self.env.cr.dbname)
        running, delivery = db.cursor(), db.cursor()
        taken = None
        try:
            running.execute(
                "INSERT INTO ir_cron_trigger (cron_id, call_at) "
                "VALUES (%s, now() AT TIME ZONE 'UTC' - interval '1 minute') RETURNING id",
                [cron.id],
            )
            taken = running.fetchone()[0]
            running.commit()
            # the cron starts: ir.cron._clear_schedule, uncommitted while the job runs
            running.execute("DELETE FROM ir_cron_trigger WHERE id = %s", [taken])
            env = api.Environment(delivery, SUPERUSER_ID, {})
            before = env.execute_query(SQL(
                "SELECT id FROM ir_cron_trigger WHERE cron_id = %s AND id != %s",
                cron.id, taken))
            env["social.crm.event"]._trigger_processing()
            after = env.execute_query(SQL(
                "SELECT id FROM ir_cron_trigger WHERE cron_id = %s AND id != %s",
                cron.id, taken))
            self.assertTrue(after, "a trigger the running cron does not hold waits")
            if not before:
                self.assertEqual(len(after), 1)
        finally:
            delivery.rollback()
            delivery.close()
            running.rollback()
            if taken:
                running.execute("DELETE FROM ir_cron_trigger WHERE id = %s", [taken])
                running.commit()
            running.close()
