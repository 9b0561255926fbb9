# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X direct messages and Mastodon private mentions end to end, at the HTTP boundary: the
source's poll (the real tweepy client and requests), one ticket per conversation, the same
identity as public posts, redaction, answers through the outbox."""

import base64
import datetime as dt
import json

from odoo import fields
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DmCase

POLL_LOG = "odoo.addons.social_crm.models.social_crm_source"
OWN = "1111111111"
CUSTOMER = "944480690"
CONVERSATION = f"{CUSTOMER}-{OWN}"
DM_EVENTS = "https://api.twitter.com/2/dm_events"
X_SEND = f"https://api.twitter.com/2/dm_conversations/{CONVERSATION}/messages"
X_KEYS = {"api_key": "ck-secret-1234", "api_secret": "cs-secret-5678",
          "access_token": f"{OWN}-at-secret-9999", "access_token_secret": "ats-secret-0000"}
PHOTO = ("https://ton.twitter.com/1.1/ton/data/dm/1790500000000000003/1790500000000000099/"
         "Qf3vX1aB.jpg")
INSTANCE = "https://mastodon.example"
NOTIFICATIONS = f"{INSTANCE}/api/v1/notifications"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def stamp(minutes_ago):
    moment = fields.Datetime.now() - dt.timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def dm_event(event_id, text, sender=CUSTOMER, minutes_ago=5, **extra):
    return {"id": event_id, "event_type": "MessageCreate", "text": text, "sender_id": sender,
            "dm_conversation_id": CONVERSATION, "created_at": stamp(minutes_ago), **extra}


def dm_page(*events, next_token=None):
    meta = {"result_count": len(events)}
    if next_token:
        meta["next_token"] = next_token
    return {"data": list(events), "includes": {"users": [
        {"id": CUSTOMER, "name": "Jane User", "username": "jane_u",
         "public_metrics": {"followers_count": 230, "following_count": 120,
                            "tweet_count": 5200, "listed_count": 3}},
        {"id": OWN, "name": "Acme Support", "username": "acme_support"}],
        "media": [{"media_key": "3_1790500000000000099", "type": "photo", "url": PHOTO}]},
        "meta": meta}


def account(acct="kim@fosstodon.org"):
    user = acct.split("@")[0]
    return {"id": "109348204721043220", "username": user, "acct": acct, "display_name": "Kim",
            "url": f"https://fosstodon.org/@{user}", "followers_count": 812,
            "following_count": 199, "statuses_count": 4410, "note": "", "fields": []}


def notification(notification_id, status_id, text, visibility="direct", media=(),
                 minutes_ago=5):
    status = {
        "id": status_id, "created_at": stamp(minutes_ago), "in_reply_to_id": None,
        "visibility": visibility, "language": "de", "spoiler_text": "", "sensitive": False,
        "url": f"https://fosstodon.org/@kim/{status_id}", "replies_count": 0,
        "reblogs_count": 0, "favourites_count": 0, "reblog": None,
        "content": f'<p><span class="h-card"><a href="{INSTANCE}/@acme" class="u-url mention">'
                   f"@<span>acme</span></a></span> {text}</p>",
        "account": account(), "media_attachments": list(media),
        "mentions": [{"id": "109000000000000001", "username": "acme", "acct": "acme",
                      "url": f"{INSTANCE}/@acme"}],
        "tags": [], "emojis": [],
    }
    return {"id": notification_id, "type": "mention", "created_at": stamp(minutes_ago),
            "account": account(), "status": status}


@tagged("post_install", "-at_install")
class TestXDirectMessages(DmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x = cls.env.ref("social_crm.network_x")
        cls.x_source = cls.env["social.crm.source"].create({
            "name": "Acme on X (DMs)", "network_id": cls.x.id, "kind": "direct",
            "intake_mode": "poll", "account_id": OWN, "dm_team_id": cls.team.id, **X_KEYS,
        })

    def poll(self):
        self.x_source._poll()
        self.x_source.invalidate_recordset()

    def test_direct_messages_open_one_ticket_per_conversation(self):
        # the customer wrote publicly before: the private messages are the same identity
        self.Post._ingest_posts([Post(
            network="x", external_id="1790000000000000003", text="@acme_support hello",
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
            author=Author(network="x", external_id=CUSTOMER, handle="jane_u"))])
        public = self.Post.search([("external_id", "=", "1790000000000000003")])
        self.net.add("GET", DM_EVENTS, json_body=dm_page(
            dm_event("1790500000000000005", "Und die IBAN DE89 3704 0044 0532 0130 00 "
                     "für die Erstattung", minutes_ago=2),
            dm_event("1790500000000000004", "Wir prüfen das.", sender=OWN, minutes_ago=3),
            dm_event("1790500000000000003", "Meine Bestellung 4711 ist nicht angekommen.",
                     attachments={"media_keys": ["3_1790500000000000099"]})))
        self.net.add("GET", PHOTO, body=PNG, headers={"Content-Type": "image/jpeg"})
        self.poll()
        self.assertFalse(self.x_source.last_error)
        posts = self.Post.search([("source_id", "=", self.x_source.id)])
        self.assertEqual(len(posts), 2, "our own message is left out")
        self.assertTrue(all(posts.mapped("is_direct")))
        ticket = posts.ticket_id
        self.assertEqual(len(ticket), 1, "one ticket per dm_conversation_id")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.social_conversation_key, f"dm:{CONVERSATION}")
        self.assertEqual(posts.identity_id, public.identity_id, "the same X user id")
        self.assertTrue(ticket.social_response_deadline, "deadlines as for public tickets")
        self.assertIn("X (Twitter): you can answer at any time", ticket.social_dm_window_note)
        redacted = posts.filtered(lambda p: "Erstattung" in p.text)
        self.assertNotIn("3704 0044 0532", redacted.text, "redacted before storage")
        self.assertTrue(ticket.has_sensitive_data)
        self.assertEqual(self.x_source.cursor, "1790500000000000005")
        photo = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual((photo.name, photo.mimetype), ("Qf3vX1aB.jpg", "image/png"),
                         "the type read from the content")
        download = self.net.requests[1][0]
        self.assertTrue(download.headers["Authorization"].startswith("OAuth "),
                        "X serves the file to a signed request only")
        request = self.net.requests[0][0]
        self.assertIn("event_types=MessageCreate", request.url)
        self.assertTrue(request.headers["Authorization"].startswith("OAuth "))
        # the agent answers into the conversation, after the commit
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Wir erstatten heute.")
        self.net.add("POST", X_SEND, status=201, json_body={"data": {
            "dm_conversation_id": CONVERSATION, "dm_event_id": "1790500000000000010"}})
        self.run_sender()
        message = ticket.social_dm_message_ids
        self.assertEqual((message.state, message.external_id),
                         ("sent", "dm:1790500000000000010"))
        self.assertEqual(json.loads(self.net.requests[-1][0].body),
                         {"text": "Wir erstatten heute."})
        self.assertTrue(ticket.social_first_reply_at, "the first response of the KPIs")
        # the customer's next message lands in the same ticket; our answer is not a post
        self.net.add("GET", DM_EVENTS, json_body=dm_page(
            dm_event("1790500000000000011", "Danke!", minutes_ago=0),
            dm_event("1790500000000000010", "Wir erstatten heute.", sender=OWN, minutes_ago=1),
            dm_event("1790500000000000005", "(stored)")))
        self.net.routes[("GET", "api.twitter.com/2/dm_events")].pop(0)
        self.poll()
        latest = self.Post.search([("external_id", "=", "dm:1790500000000000011")])
        self.assertEqual(latest.ticket_id, ticket)
        self.assertEqual(len(self.Post.search([("source_id", "=", self.x_source.id)])), 3)

    def test_move_to_private_then_the_direct_message_joins_the_public_ticket(self):
        self.team.write({"social_auto_ticket": True, "social_min_confidence": 0.5})
        public_source = self.env["social.crm.source"].create({
            "name": "Acme on X (mentions)", "network_id": self.x.id, "kind": "mentions",
            "account_id": OWN, "bearer_token": "public-bearer", **X_KEYS})
        result = self.Post._ingest_posts([Post(
            network="x", external_id="1790000000000000007", lang="de",
            text="@acme_support Router kaputt, keiner antwortet! Frechheit, ich will mein "
                 "Geld zurück!",
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30),
            author=Author(network="x", external_id=CUSTOMER, handle="jane_u"))], public_source)
        ticket = self.Post.browse(result.post_ids).ticket_id
        self.assertTrue(ticket, "the public complaint opened a ticket")
        ticket.with_user(self.agent).action_social_move_private()
        self.assertTrue(ticket.social_dm_invited_at)
        self.net.add("GET", DM_EVENTS, json_body=dm_page(
            dm_event("1790500000000000021", "Hier die Details: Kundennummer 4711")))
        self.poll()
        post = self.Post.search([("external_id", "=", "dm:1790500000000000021")])
        self.assertEqual(post.ticket_id, ticket, "the same X user id: the invited ticket")
        self.assertEqual(ticket.social_dm_conversation_ids.conversation_key,
                         f"dm:{CONVERSATION}")

    def test_account_activity_delivers_them_where_the_plan_has_webhooks(self):
        from odoo.addons.social_crm.connectors import signatures

        push = self.env["social.crm.source"].create({
            "name": "Acme on X (Account Activity)", "network_id": self.x.id,
            "kind": "mentions", "intake_mode": "push", "account_id": OWN, "dm_enabled": True,
            "dm_team_id": self.team.id, **X_KEYS})
        now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
        delivery = {"for_user_id": OWN, "direct_message_events": [
            {"type": "message_create", "id": "1790600000000000001",
             "created_timestamp": str(now_ms - 60_000),
             "message_create": {"target": {"recipient_id": OWN}, "sender_id": CUSTOMER,
                                "message_data": {"text": "Paket fehlt", "entities": {}}}},
            {"type": "message_create", "id": "1790600000000000002",
             "created_timestamp": str(now_ms), "message_create": {
                 "target": {"recipient_id": CUSTOMER}, "sender_id": OWN,
                 "message_data": {"text": "Wir prüfen das.", "entities": {}}}}],
            "users": {CUSTOMER: {"id": CUSTOMER, "name": "Jane User", "screen_name": "jane_u",
                                 "followers_count": 230, "friends_count": 120,
                                 "statuses_count": 5200, "verified": False}}}
        body = json.dumps(delivery).encode()
        response = self.url_open(
            f"/social_crm/webhook/{push.webhook_token}", data=body, headers={
                "Content-Type": "application/json",
                "x-twitter-webhooks-signature": signatures.x_signature(X_KEYS["api_secret"],
                                                                        body)})
        self.assertEqual(response.status_code, 200)
        events = self.Event.search([("source_id", "=", push.id)])
        self.assertEqual(events.mapped("kind"), ["x_dm"], "our own message is dropped")
        events._process()
        post = self.Post.search([("external_id", "=", "dm:1790600000000000001")])
        self.assertTrue(post.is_direct)
        self.assertEqual(post.conversation_external_id, f"dm:{CONVERSATION}",
                         "the conversation of the polled dm_events")
        self.assertEqual(post.ticket_id.team_id, self.team)
        self.assertEqual(post.identity_id.external_id, CUSTOMER)

    def test_rate_limit_stops_and_resumes_without_sleeping(self):
        self.x_source.cursor = "1790300000000000001"
        self.net.add("GET", DM_EVENTS, json_body=dm_page(
            dm_event("1790500000000000005", "Hallo?"), next_token="18LAA581J5II7LA00C00ZZZZ"))
        reset = int(dt.datetime.now(dt.UTC).timestamp()) + 600
        self.net.add("GET", DM_EVENTS, status=429, headers={"x-rate-limit-reset": str(reset)},
                     json_body={"title": "Too Many Requests", "detail": "Too Many Requests",
                                "type": "about:blank", "status": 429})
        with mute_logger(POLL_LOG):
            self.poll()
        self.assertIn("rate limited", self.x_source.last_error)
        self.assertEqual(self.x_source.next_poll_at,
                         dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None),
                         "polled again when X allows it, never slept on")
        self.assertEqual(self.x_source.cursor,
                         "1790300000000000001|18LAA581J5II7LA00C00ZZZZ|1790500000000000005")
        self.assertTrue(self.Post.search([("external_id", "=", "dm:1790500000000000005")]),
                        "what was read before the limit is kept")

    def test_revoked_token_is_explained_on_the_source(self):
        self.net.add("GET", DM_EVENTS, status=401, json_body={
            "title": "Unauthorized", "type": "about:blank", "status": 401,
            "detail": "Unauthorized"})
        with mute_logger(POLL_LOG):
            self.poll()
        self.assertEqual(self.x_source.status, "error")
        self.assertIn("revoked", self.x_source.last_error)
        self.assertIn("Direct Messages", self.x_source.last_error)
        for secret in X_KEYS.values():
            self.assertNotIn(secret, self.x_source.last_error)

    def test_settings_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "Our Account ID"):
            self.x_source.account_id = False
        with self.assertRaisesRegex(ValidationError, "mode Poll"):
            self.x_source.intake_mode = "push"


@tagged("post_install", "-at_install")
class TestMastodonPrivateMentions(DmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mastodon = cls.env.ref("social_crm.network_mastodon")
        common = {"network_id": cls.mastodon.id, "intake_mode": "poll", "base_url": INSTANCE,
                  "access_token": "mastodon-token-secret-1234"}
        cls.dm_source = cls.env["social.crm.source"].create({
            "name": "Acme on Mastodon (private)", "kind": "direct", "dm_team_id": cls.team.id,
            **common})
        cls.public_source = cls.env["social.crm.source"].create({
            "name": "Acme on Mastodon (mentions)", "kind": "mentions", **common})

    def test_private_mention_is_a_ticket_never_a_public_post(self):
        image = {"id": "22345792", "type": "image", "description": "Rechnung",
                 "url": "https://files.fosstodon.org/media_attachments/files/022/original/"
                        "rechnung.png"}
        answer = [
            notification("34975870", "112433000000000050",
                         "Rechnung doppelt abgebucht, Karte 4111 1111 1111 1111", media=[image]),
            notification("34975861", "112433000000000002", "tolle neue Version",
                         visibility="public", minutes_ago=20),
        ]
        self.net.add("GET", NOTIFICATIONS, json_body=answer)
        self.net.add("GET", image["url"], body=PNG, headers={"Content-Type": "image/png"})
        self.public_source._poll()
        self.dm_source._poll()
        public = self.Post.search([("source_id", "=", self.public_source.id)])
        self.assertEqual(public.mapped("external_id"), ["112433000000000002"],
                         "public listening leaves the private mention out")
        private = self.Post.search([("source_id", "=", self.dm_source.id)])
        self.assertEqual(private.external_id, "112433000000000050")
        self.assertTrue(private.is_direct)
        self.assertEqual(private.identity_id, public.identity_id, "one identity per account")
        self.assertEqual(private.identity_id.external_id, "kim@fosstodon.org")
        self.assertNotIn("4111 1111 1111 1111", private.text)
        ticket = private.ticket_id
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.social_conversation_key, "dm:kim@fosstodon.org")
        self.assertEqual(ticket.priority, "3", "card data: the top priority as public tickets")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual((attachment.name, attachment.mimetype), ("rechnung.png", "image/png"))
        # the answer is a direct status replying to the customer's and mentioning them
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Wir erstatten den Betrag.")
        self.net.add("POST", f"{INSTANCE}/api/v1/statuses", json_body={
            "id": "112433000000000077", "visibility": "direct",
            "url": f"{INSTANCE}/@acme/112433000000000077"})
        self.run_sender()
        self.assertEqual(ticket.social_dm_message_ids.state, "sent")
        sent = self.net.requests[-1][0]
        self.assertEqual(json.loads(sent.body), {
            "status": "@kim@fosstodon.org Wir erstatten den Betrag.",
            "in_reply_to_id": "112433000000000050", "visibility": "direct"})
        self.assertEqual(sent.headers["Authorization"], "Bearer mastodon-token-secret-1234")
        # the customer's next private mention joins the ticket
        self.net.routes[("GET", "mastodon.example/api/v1/notifications")] = []
        self.net.add("GET", NOTIFICATIONS, json_body=[
            notification("34975880", "112433000000000090", "Danke!", minutes_ago=0)])
        self.dm_source._poll()
        later = self.Post.search([("external_id", "=", "112433000000000090")])
        self.assertEqual(later.ticket_id, ticket)

    def test_without_instance_or_token_the_source_says_so(self):
        self.dm_source.sudo().access_token = False
        with mute_logger(POLL_LOG):
            self.dm_source._poll()
        self.assertIn("access token", self.dm_source.last_error)
        with self.assertRaisesRegex(ValidationError, "Server URL"):
            self.dm_source.base_url = False
