# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company deletes its answer in X's own app: X's Account Activity webhook delivers the
deletion (``tweet_delete_events`` of the subscribed account, ``for_user_id``). The stored
answer goes as any post its author deleted on the network (as Mastodon's and Facebook's); the
account's tweets never stored leave no trace. The deliveries are signed with the consumer
secret and POSTed to the webhook route; their payloads are X's (v1.1 tweets, delete events)."""

import json
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import fields
from odoo.addons.social_crm.connectors import signatures
from odoo.addons.social_crm.tests.test_intake_webhook import x_activity
from odoo.tests import BaseCase, HttpCase, tagged

from .common import ArrivalCase

CONSUMER_SECRET = "cs-test"
ACCOUNT = "1440000000000000000"
ACME = {"id": int(ACCOUNT), "id_str": ACCOUNT, "name": "ACME Support",
        "screen_name": "acme_support", "followers_count": 5200}
RITA = {"id": 1460000000000000777, "id_str": "1460000000000000777", "name": "Rita Regular",
        "screen_name": "rita_regular", "followers_count": 40, "description": ""}
COMPLAINT = ("@acme_support Ihr habt doppelt abgebucht und niemand antwortet. Frechheit, ich "
             "bin wütend!")


@tagged("post_install", "-at_install")
class TestXOwnDeletionsWebhook(ArrivalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x_source.write({"intake_mode": "push", "api_secret": CONSUMER_SECRET})
        cls.Deleted = cls.env["social.crm.post.deleted"]

    def setUp(self):
        super().setUp()
        original = BaseCase._request_handler

        def handler(session, prepared, /, **kwargs):
            # the webhook's requests go to the test server; the networks' to the FakeNetwork
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return self.net.handler(session, prepared, **kwargs)

        self.startPatcher(patch.object(type(self), "_request_handler", handler))

    def post_webhook(self, delivery):
        """POST ``delivery`` signed with the consumer secret; the events it stored."""
        Event = self.env["social.crm.event"]
        before = Event.search([("source_id", "=", self.x_source.id)])
        body = json.dumps(delivery).encode()
        response = self.url_open(
            f"/social_crm/webhook/{self.x_source.webhook_token}", data=body,
            headers={"Content-Type": "application/json",
                     "x-twitter-webhooks-signature": signatures.x_signature(CONSUMER_SECRET,
                                                                            body)})
        self.assertEqual(response.status_code, 200)
        events = Event.search([("source_id", "=", self.x_source.id)]) - before
        self.assertTrue(events, "the delivery is stored")
        return events

    def process(self, events):
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"})

    def tweet(self, tweet_id, text, user, reply_to=None):
        delivery = x_activity(tweet_id, text)
        tweet = delivery["tweet_create_events"][0]
        tweet["created_at"] = fields.Datetime.now().strftime("%a %b %d %H:%M:%S +0000 %Y")
        tweet["user"] = {**tweet["user"], **user}
        tweet["lang"] = "de"
        if reply_to:
            tweet.update(in_reply_to_status_id=int(reply_to), in_reply_to_status_id_str=reply_to,
                         in_reply_to_user_id=RITA["id"], in_reply_to_user_id_str=RITA["id_str"],
                         in_reply_to_screen_name=RITA["screen_name"])
        return delivery

    def deletion(self, *tweet_ids, user_id=ACCOUNT):
        """X's ``tweet_delete_events`` delivery: the account deleted these tweets."""
        stamp = str(int(fields.Datetime.now().timestamp() * 1000))
        return {"for_user_id": ACCOUNT, "tweet_delete_events": [
            {"status": {"id": tweet_id, "user_id": user_id}, "timestamp_ms": stamp}
            for tweet_id in tweet_ids]}

    def deliver(self, delivery):
        self.process(self.post_webhook(delivery))

    def stored(self, tweet_id):
        return self.Post.search([("external_id", "=", tweet_id)])

    def remembered(self, tweet_id):
        return self.Deleted.search([("external_id", "=", tweet_id),
                                    ("network_id", "=", self.x.id)])

    def bodies(self, ticket):
        return " ".join(ticket.message_ids.mapped("body"))

    def test_the_company_deleting_its_answer_in_x_s_app_deletes_it_here(self):
        """Probe (X webhook): the company answered Rita in X's app (the answer is stored on
        her ticket), then deleted it there. X delivers the deletion of the account's own
        tweet, but the reader dropped every deletion of the account itself: the answer stayed
        stored, its words on the ticket as if still public. It goes as a post its author
        deleted on the network: deleted and remembered, its words leave the ticket, a note
        says so; the ticket's first reaction stays. A reply sent from Odoo whose echo is
        deleted stays "sent" and says it is no longer public. The account's standalone tweet,
        never stored, leaves no trace."""
        self.asleep()
        self.deliver(self.tweet("1990000000000000801", COMPLAINT, RITA))
        complaint = self.stored("1990000000000000801")
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        words = "Wir buchen den doppelten Betrag morgen zurück."
        self.deliver(self.tweet("1990000000000000802", f"@rita_regular {words}", ACME,
                                reply_to="1990000000000000801"))
        answer = self.stored("1990000000000000802")
        self.assertEqual(answer.ticket_id, ticket)
        answered_at = ticket.social_first_reply_at
        self.assertTrue(answered_at)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertIn("doppelten Betrag morgen", self.bodies(ticket))

        self.deliver(self.deletion("1990000000000000802"))
        self.assertFalse(answer.exists())
        self.assertTrue(complaint.exists(), "the customer's tweet stays")
        self.assertEqual(self.remembered("1990000000000000802").reason, "network")
        self.env.invalidate_all()
        bodies = self.bodies(ticket)
        self.assertNotIn("doppelten Betrag morgen", bodies)
        self.assertIn("ACME Support deleted the post on X", bodies)
        self.assertEqual(ticket.social_first_reply_at, answered_at)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")

        # a reply sent from Odoo (X delivers it back, stored), then deleted in X's app
        reply = self.env["social.crm.reply"].create({
            "ticket_id": ticket.id, "post_id": complaint.id, "state": "sent",
            "text": "@rita_regular Wir haben die Abbuchung erstattet.",
            "external_id": "1990000000000000804", "sent_at": fields.Datetime.now()})
        self.deliver(self.tweet("1990000000000000804",
                                "@rita_regular Wir haben die Abbuchung erstattet.", ACME,
                                reply_to="1990000000000000801"))
        self.assertTrue(self.stored("1990000000000000804"))
        self.assertFalse(reply.error_message)
        self.deliver(self.deletion("1990000000000000804"))
        self.assertFalse(self.stored("1990000000000000804"))
        self.assertEqual(reply.state, "sent", "it was published, and answered then")
        self.assertEqual(reply.post_id, complaint)
        self.assertRegex(reply.error_message,
                         r"^Deleted on X \(Twitter\) on .+: this answer is no longer public\.$")

        # the account's own tweet, never stored (it answered nobody), deleted: no trace
        events = self.post_webhook(self.deletion("1990000000000000803"))
        self.assertEqual(events.delivery_key, "x:tweet_delete:1990000000000000803")
        self.process(events)
        self.assertFalse(self.remembered("1990000000000000803"))
        # another author's deletion of a tweet never stored is remembered, as before
        self.deliver(self.deletion("1990000000000000809", user_id=RITA["id_str"]))
        self.assertTrue(self.remembered("1990000000000000809"))

    def test_the_answer_and_its_deletion_in_one_batch(self):
        """The answer and its deletion reach the cron in one batch of events (its deletion
        is applied first): the answer is not stored; the standalone tweet deleted in the
        same batch still leaves no trace (one look-up for the batch)."""
        self.deliver(self.tweet("1990000000000000811", COMPLAINT, RITA))
        ticket = self.stored("1990000000000000811").ticket_id
        self.assertTrue(ticket)
        events = self.post_webhook(self.tweet(
            "1990000000000000812", "@rita_regular Das tut uns leid.", ACME,
            reply_to="1990000000000000811"))
        events |= self.post_webhook(self.deletion("1990000000000000812",
                                                  "1990000000000000813"))
        self.assertEqual(len(events), 3)
        self.process(events)
        self.assertFalse(self.stored("1990000000000000812"))
        self.assertTrue(self.remembered("1990000000000000812"))
        self.assertFalse(self.remembered("1990000000000000813"))
