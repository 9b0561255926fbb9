# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The webhook route under hostile and realistic-bad input, over real HTTP (probes of the
served product, ``/social_crm/webhook/<token>``): each is answered with the status the network
or the sender should get, says why in the log and on the source, stores nothing it should not,
and never answers 500 (a network disables a webhook that keeps failing)."""

import json
import logging

from odoo.addons.social_crm.connectors import signatures
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_intake_webhook import APP_SECRET, CONSUMER_SECRET, PAGE_ID, meta_comment, x_activity

INTAKE_LOG = "odoo.addons.social_crm.models.social_crm_source_intake"


@tagged("post_install", "-at_install")
class TestWebhookHostile(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.facebook_source = cls.env["social.crm.source"].create({
            "name": "ACME page (push)",
            "network_id": cls.env.ref("social_crm.network_facebook").id,
            "kind": "page",
            "account_id": PAGE_ID,
            "intake_mode": "push",
            "app_secret": APP_SECRET,
            "verify_token": "my-verify-token",
        })
        cls.x_source = cls.env["social.crm.source"].create({
            "name": "X mentions (push)",
            "network_id": cls.env.ref("social_crm.network_x").id,
            "kind": "mentions",
            "account_id": "1440000000000000000",
            "intake_mode": "push",
            "api_secret": CONSUMER_SECRET,
        })
        cls.events = cls.env["social.crm.event"]

    def _url(self, source):
        return f"/social_crm/webhook/{source.webhook_token}"

    def _post_signed(self, body, content_type="application/json", source=None):
        source = source or self.facebook_source
        headers = {"X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)}
        if content_type:
            headers["Content-Type"] = content_type
        return self.url_open(self._url(source), data=body, headers=headers)

    def _source_events(self, source=None):
        return self.events.search([("source_id", "=", (source or self.facebook_source).id)])

    def _refused(self, source=None):
        source = source or self.facebook_source
        source.invalidate_recordset()
        return source.refused_count, source.refused_reason

    def test_deeply_nested_signed_body_is_quarantined_not_a_server_error(self):
        """Probe: a signed body of nested arrays or objects (a few hundred KB, under the size
        limit) raised RecursionError in the JSON parser: 500 (the network retries, then
        disables the webhook). Now it is kept in quarantine as any unreadable delivery (the
        network gets its 200: a retry would not change it)."""
        for number, body in enumerate((
            b"[" * 100_000 + b"]" * 100_000,
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            # parses within Python's limit, but no network nests this deep
            json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "changes": [
                {"field": "feed", "value": json.loads("[" * 400 + "]" * 400)}]}]}).encode(),
        )):
            with self.assertNoLogs("odoo.http", logging.ERROR), mute_logger(INTAKE_LOG):
                response = self._post_signed(body)
            self.assertEqual((response.status_code, response.text), (200, "OK"), number)
        events = self._source_events()
        self.assertEqual(len(events), 3)
        self.assertEqual(set(events.mapped("state")), {"quarantined"})
        self.assertEqual(set(events.mapped("kind")), {"unreadable"})
        for event in events:
            self.assertIn("nested too deeply", event.error)
        self.assertFalse(self._refused()[0])

    def test_lone_surrogates_and_nul_in_a_signed_delivery_are_stored(self):
        """Probe: JSON escapes PostgreSQL cannot store as text (a lone surrogate ``\\ud800``
        in a message, a NUL in a tweet id that becomes the delivery key) failed the insert:
        UnicodeEncodeError / "A string literal cannot contain NUL": 500. Now the payload is kept
        escaped, the key is hashed: the delivery is stored once (a redelivery is skipped) and its
        processing cleans or quarantines the values as a poll's."""
        body = json.dumps(meta_comment(message="Paket kaputt \ud800 !!")).encode()
        self.assertIn(b"\\ud800", body)
        for _attempt in range(2):
            with self.assertNoLogs("odoo.http", logging.ERROR):
                response = self._post_signed(body)
            self.assertEqual((response.status_code, response.text), (200, "OK"))
        event = self._source_events()
        self.assertEqual((len(event), event.state, event.kind), (1, "new", "meta"))
        self.assertIn("\\ud800", event.payload)
        event._process()
        self.assertEqual(event.state, "done")
        post = self.env["social.crm.post"].search([("source_id", "=", self.facebook_source.id)])
        self.assertIn("Paket kaputt", post.text)
        self.assertNotIn("\ud800", post.text)

        tweet = x_activity("1865000000000000001")
        tweet["tweet_create_events"][0]["id_str"] = "18650000\u0000"
        body = json.dumps(tweet).encode()
        for _attempt in range(2):
            with self.assertNoLogs("odoo.http", logging.ERROR), mute_logger(INTAKE_LOG):
                response = self.url_open(self._url(self.x_source), data=body, headers={
                    "Content-Type": "application/json",
                    "x-twitter-webhooks-signature": signatures.x_signature(CONSUMER_SECRET, body),
                })
            self.assertEqual((response.status_code, response.text), (200, "OK"))
        self.assertEqual(len(self._source_events(self.x_source)), 1)

    def test_a_token_with_a_nul_is_not_found(self):
        """Probe: ``/social_crm/webhook/ab%00cd`` reached the database with a NUL: 500."""
        with self.assertNoLogs("odoo.http", logging.ERROR), mute_logger("odoo.sql_db"):
            for method in ("GET", "POST"):
                response = self.url_open("/social_crm/webhook/ab%00cd",
                                         data=b"{}" if method == "POST" else None)
                self.assertEqual(response.status_code, 404, method)
        # a token of another alphabet never reaches the database either
        response = self.url_open("/social_crm/webhook/" + "%C3%A4" * 10, data=b"{}")
        self.assertEqual(response.status_code, 404)

    def test_a_body_the_form_parser_takes_is_refused_by_its_content_type(self):
        """Probe: a signed delivery sent as a form (``application/x-www-form-urlencoded`` or
        ``multipart/form-data``) was read by Odoo's form parser before the route, so the route
        saw no body and answered 403 "bad signature (check the app secret)": the manager looks
        for a wrong secret. Meta, X and Telegram send JSON: any other content type is answered
        415 with the reason, nothing stored. (A request without a content type keeps its body:
        its signature decides.)"""
        body = json.dumps(meta_comment()).encode()
        for content_type in ("application/x-www-form-urlencoded",
                             "multipart/form-data; boundary=xyz", "text/plain"):
            with self.assertLogs(INTAKE_LOG, logging.INFO) as logs:
                response = self._post_signed(body, content_type=content_type)
            self.assertEqual(response.status_code, 415, content_type)
            self.assertIn("delivery refused: the content type is not JSON", logs.output[-1])
            self.assertNotIn(APP_SECRET, "".join(logs.output))
        self.assertEqual(self._refused(), (3, "the content type is not JSON"))
        self.assertFalse(self._source_events())
        for number, content_type in enumerate(
                ("application/json; charset=utf-8", "application/JSON", None)):
            signed = json.dumps(meta_comment(comment_id=f"{PAGE_ID}_{9300 + number}")).encode()
            self.assertEqual(self._post_signed(signed, content_type=content_type).status_code,
                             200, content_type)
        self.assertEqual(len(self._source_events()), 3)

    def test_a_crc_token_that_would_sign_a_delivery_is_refused(self):
        """Probe: X signs its deliveries with the same HMAC as the CRC answer
        (``sha256=base64(HMAC(consumer secret, data))``), so a GET with the body of a forged
        delivery as its ``crc_token`` answered the valid signature of that body: whoever knew
        the webhook address could sign any tweet. A CRC token that could be a JSON document
        (X's are short random strings of printable ASCII) is refused (400), nothing signed."""
        forged = json.dumps(x_activity("1865000000000000077", "@acme_support forged")).encode()
        with mute_logger(INTAKE_LOG):
            response = self.url_open(self._url(self.x_source), params={"crc_token": forged})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(signatures.x_signature(CONSUMER_SECRET, forged), response.text)
        for token in (" {}", "\ufeff{}", "a" * 2000, "tab\there"):
            with mute_logger(INTAKE_LOG):
                response = self.url_open(self._url(self.x_source), params={"crc_token": token})
            self.assertEqual(response.status_code, 400, token)
        self.assertEqual(self._refused(self.x_source),
                         (5, "a CRC check with a token X never sends"))
        # X's own tokens are still answered
        for token in ("NjExMzY3NTU5NjU2NzQ3MTkyMw==", "a-b_c.d~e+f/g=", "challenge-123"):
            response = self.url_open(self._url(self.x_source), params={"crc_token": token})
            self.assertEqual(response.json(), signatures.x_crc_response(CONSUMER_SECRET, token))

    def test_the_access_log_keeps_no_webhook_secret(self):
        """Probe (served product): the access log (``werkzeug``) wrote every webhook request's
        address, with the source's webhook token (the key to the source), and Meta's handshake
        with our verify token in its query."""
        token = self.facebook_source.webhook_token
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            logging.getLogger("werkzeug").info(
                '%s - - [%s] "%s" %s', "127.0.0.1", "05/Dec/2026 05:49:19",
                f"GET /social_crm/webhook/{token}?hub.mode=subscribe"
                "&hub.verify_token=my-verify-token&hub.challenge=42 HTTP/1.1", 200)
            logging.getLogger("werkzeug").info(
                '"POST /social_crm/webhook/%s HTTP/1.1" 200', token)
        output = "\n".join(logs.output)
        self.assertNotIn(token, output)
        self.assertNotIn("my-verify-token", output)
        self.assertIn("/social_crm/webhook/***?hub.mode=subscribe&hub.verify_token=***"
                      "&hub.challenge=42", output)
        self.assertIn('"POST /social_crm/webhook/*** HTTP/1.1" 200', output)


@tagged("post_install", "-at_install")
class TestWebhookCompanies(HttpCase):
    """One Meta app serves every page it is installed on through one callback address (per
    object), one X app every subscribed user through one webhook: two companies of a database
    using the same app get each other's deliveries at one source's address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Beta Retail GmbH"})
        facebook = cls.env.ref("social_crm.network_facebook")
        x = cls.env.ref("social_crm.network_x")
        Source = cls.env["social.crm.source"]

        def source(name, company, network, account, **vals):
            return Source.with_company(company).create({
                "name": name, "company_id": company.id, "network_id": network.id,
                "account_id": account, "intake_mode": "push", **vals})

        cls.page_a = source("Page A", cls.company_a, facebook, PAGE_ID, kind="page",
                            app_secret=APP_SECRET)
        cls.page_b = source("Page B", cls.company_b, facebook, "202030405060", kind="page",
                            app_secret=APP_SECRET)
        # a page of company B on another Meta app: that app calls its own address
        cls.page_b_other_app = source("Page B2", cls.company_b, facebook, "302030405060",
                                      kind="page", app_secret="another-meta-app-secret")
        cls.x_a = source("X A", cls.company_a, x, "1440000000000000000", kind="mentions",
                         api_secret=CONSUMER_SECRET)
        cls.x_b = source("X B", cls.company_b, x, "1550000000000000000", kind="mentions",
                         api_secret=CONSUMER_SECRET)

    def _events(self, source):
        return self.env["social.crm.event"].search([("source_id", "=", source.id)])

    def test_a_meta_delivery_for_another_company_s_page_is_stored_there(self):
        """Probe (served product, two companies, one app): a comment on company B's page,
        delivered at company A's page address, was stored and processed as company A's post
        (inbox, contact, ticket of company A). Now each change goes to the source of its page:
        company B's page in company B, a page no source of the app takes is dropped."""
        delivery = meta_comment(comment_id=f"{PAGE_ID}_9501", message="A: late parcel")
        for page, number in (("202030405060", 9502), ("302030405060", 9503),
                             ("999999999999", 9504)):
            other = meta_comment(comment_id=f"{page}_{number}", message=f"for page {page}")
            other["entry"][0]["id"] = page
            delivery["entry"] += other["entry"]
        body = json.dumps(delivery).encode()
        with self.assertLogs(INTAKE_LOG, logging.INFO) as logs:
            response = self.url_open(
                f"/social_crm/webhook/{self.page_a.webhook_token}", data=body, headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)})
        self.assertEqual((response.status_code, response.text), (200, "OK"))
        self.assertEqual(len(self._events(self.page_a)), 1)
        self.assertEqual(len(self._events(self.page_b)), 1)
        self.assertEqual(self._events(self.page_b).company_id, self.company_b)
        self.assertFalse(self._events(self.page_b_other_app))
        self.assertEqual(len(self.env["social.crm.event"].search(
            [("delivery_key", "like", "meta:"), ("received_at", ">=", self.page_a.create_date)])),
            2, "the other app's page and the unknown page are dropped")
        self.assertTrue(any("for account 999999999999 dropped" in line for line in logs.output))
        # shown on the source's form: a wrong "Our Account ID" would drop all its deliveries
        self.page_a.invalidate_recordset()
        self.assertEqual(self.page_a.refused_count, 1)
        self.assertEqual(self.page_a.refused_reason,
                         "items for account 302030405060, 999999999999, which no push source "
                         "with this app secret has (check Our Account ID)")
        (self._events(self.page_a) | self._events(self.page_b))._process()
        Post = self.env["social.crm.post"].with_context(active_test=False)
        post_a = Post.search([("external_id", "=", f"{PAGE_ID}_9501")])
        post_b = Post.search([("external_id", "=", "202030405060_9502")])
        self.assertEqual((post_a.company_id, post_a.source_id), (self.company_a, self.page_a))
        self.assertEqual((post_b.company_id, post_b.source_id), (self.company_b, self.page_b))
        self.assertEqual(post_b.identity_id.company_id, self.company_b)
        self.assertFalse(Post.search([("external_id", "in", ["302030405060_9503",
                                                              "999999999999_9504"])]))

    def test_an_x_delivery_for_another_company_s_user_is_stored_there(self):
        tweet_b = x_activity("1865000000000000501", "@beta_retail where is my refund")
        tweet_b["for_user_id"] = "1550000000000000000"
        tweet_a = x_activity("1865000000000000502")
        for payload in (tweet_b, tweet_a):
            body = json.dumps(payload).encode()
            with mute_logger(INTAKE_LOG):
                response = self.url_open(
                    f"/social_crm/webhook/{self.x_a.webhook_token}", data=body, headers={
                        "Content-Type": "application/json",
                        "x-twitter-webhooks-signature":
                            signatures.x_signature(CONSUMER_SECRET, body)})
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self._events(self.x_a).mapped("delivery_key"),
                         ["x:tweet:1865000000000000502"])
        self.assertEqual(self._events(self.x_b).mapped("delivery_key"),
                         ["x:tweet:1865000000000000501"])
        self.assertEqual(self._events(self.x_b).company_id, self.company_b)
