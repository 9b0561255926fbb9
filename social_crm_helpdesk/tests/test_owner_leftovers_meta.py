# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company's answer written in Facebook's or Instagram's own app reaches its ticket through
Meta's webhook at once (before: only through the poll, minutes later): the first reaction
and an owner for a ticket that waited unassigned at night. The deliveries are signed with the
app's secret and POSTed to the webhook route; their payloads are those of Meta's Graph API
webhooks (page ``feed`` changes, Instagram ``comments``)."""

import json
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import fields
from odoo.addons.social_crm.connectors import signatures
from odoo.addons.social_crm.tests.test_intake_webhook import APP_SECRET, PAGE_ID, meta_comment
from odoo.tests import BaseCase, HttpCase, tagged

from .common import ArrivalCase

IG_ACCOUNT = "17841400000000777"
IG_MEDIA = {"id": "18000000000000777", "media_product_type": "FEED"}
COMPLAINT = "Ihr habt doppelt abgebucht und niemand antwortet. Frechheit, ich bin wütend!"


@tagged("post_install", "-at_install")
class TestOwnerLeftoversMetaWebhooks(ArrivalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.facebook_source.write(
            {"intake_mode": "push", "app_secret": APP_SECRET, "verify_token": "fb-verify"})
        instagram = cls.env.ref("social_crm.network_instagram")
        cls.team.social_network_ids |= instagram
        cls.instagram_source = cls.env["social.crm.source"].create({
            "name": "Instagram account (push)", "network_id": instagram.id, "kind": "page",
            "account_id": IG_ACCOUNT, "access_token": "ig-token", "intake_mode": "push",
            "app_secret": APP_SECRET, "verify_token": "ig-verify",
        })

    def setUp(self):
        super().setUp()
        original = BaseCase._request_handler

        def handler(session, prepared, /, **kwargs):
            # the webhook's requests go to the test server; the networks' to the FakeNetwork
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return self.net.handler(session, prepared, **kwargs)

        self.startPatcher(patch.object(type(self), "_request_handler", handler))
        # the authors looked up on arrival (Graph API User and Page nodes)
        self.net.add("GET", "https://graph.facebook.com/v23.0/100000000000931",
                     json_body={"id": "100000000000931", "name": "Nora Nacht"})
        self.net.add("GET", f"https://graph.facebook.com/v23.0/{PAGE_ID}", json_body={
            "id": PAGE_ID, "name": "ACME", "username": "acme",
            "link": "https://www.facebook.com/acme", "followers_count": 5400,
            "fan_count": 5300})
        self.now = int(fields.Datetime.now().timestamp())

    def deliver(self, source, payload):
        """POST ``payload`` signed with the app's secret to ``source``'s webhook; process the
        events it stored (as the cron does); returns the posts stored."""
        Event = self.env["social.crm.event"]
        before = Event.search([("source_id", "=", source.id)])
        body = json.dumps(payload).encode()
        response = self.url_open(
            f"/social_crm/webhook/{source.webhook_token}", data=body,
            headers={"Content-Type": "application/json",
                     "X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)})
        self.assertEqual(response.status_code, 200)
        events = Event.search([("source_id", "=", source.id)]) - before
        self.assertTrue(events)
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"})
        ids = [change["value"].get("comment_id") or change["value"].get("id")
               or change["value"].get("post_id")
               for entry in payload["entry"] for change in entry["changes"]]
        return self.Post.search([("external_id", "in", ids)])

    def bodies(self, ticket):
        return " ".join(ticket.message_ids.mapped("body"))

    def test_the_page_s_reply_in_facebook_s_app_through_the_webhook_gives_an_owner(self):
        """Probe (Meta webhook, night): Nora's complaint under the page's post waited
        unassigned; the page answered her comment in Facebook's own app. Meta delivers the
        page's comment, but the webhook's reader left every change of the page out: the
        answer reached the ticket only with the next poll (no first reaction, no owner until
        then). The page's replies to a comment are read; its posts and its comments directly
        under a post stay out; a reply sent from Odoo that Meta delivers back is no second
        answer."""
        self.asleep()
        nora = {"id": "100000000000931", "name": "Nora Nacht"}
        complaint = self.deliver(self.facebook_source, meta_comment(
            f"{PAGE_ID}_9701", COMPLAINT, self.now - 300, sender=nora))
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.user_id, "a regular complaint at night waits unassigned")
        page = {"id": PAGE_ID, "name": "ACME"}
        delivery = meta_comment(f"{PAGE_ID}_9702", "Das tut uns leid, Nora. Bitte schreib uns "
                                "eine Nachricht mit deiner Kundennummer.", self.now - 120,
                                sender=page)
        delivery["entry"][0]["changes"][0]["value"]["parent_id"] = f"{PAGE_ID}_9701"
        answer = self.deliver(self.facebook_source, delivery)
        self.assertEqual(answer.ticket_id, ticket)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("answered the customer in the network's own app: Odoo does not know "
                      "who of the team wrote it", self.bodies(ticket))
        # a reply sent from Odoo, which Meta delivers back, is no answer in Facebook's app
        self.env["social.crm.reply"].create({
            "ticket_id": ticket.id, "post_id": complaint.id, "state": "sent",
            "text": "Wir haben die Abbuchung erstattet.", "external_id": f"{PAGE_ID}_9704"})
        echo = meta_comment(f"{PAGE_ID}_9704", "Wir haben die Abbuchung erstattet.",
                            self.now - 60, sender=page)
        echo["entry"][0]["changes"][0]["value"]["parent_id"] = f"{PAGE_ID}_9701"
        self.assertEqual(self.deliver(self.facebook_source, echo).ticket_id, ticket)
        self.assertEqual(self.bodies(ticket).count("in the network's own app."), 1)
        # the page's own post, and its comment directly under its post, stay out
        post = meta_comment(f"{PAGE_ID}_9705", "Wartungsarbeiten heute Nacht.",
                            self.now - 30, sender=page)
        value = post["entry"][0]["changes"][0]["value"]
        value.update(item="status", post_id=f"{PAGE_ID}_780")
        del value["comment_id"], value["parent_id"]
        under_post = meta_comment(f"{PAGE_ID}_9706", "Alle Infos im Link!", self.now - 20,
                                  sender=page)
        self.assertFalse(self.deliver(self.facebook_source, post))
        self.assertFalse(self.deliver(self.facebook_source, under_post))

    def test_the_account_s_reply_in_instagram_s_app_through_the_webhook_gives_an_owner(self):
        """As on Facebook: the Instagram account answered Frieda's comment under its photo in
        Instagram's own app (Meta's ``comments`` webhook names the account itself as
        ``from``); its comment directly under its own media answers nobody."""
        self.asleep()

        def comment(comment_id, text, sender, time, parent=None):
            value = {"from": sender, "media": IG_MEDIA, "id": comment_id, "text": text}
            if parent:
                value["parent_id"] = parent
            return {"object": "instagram", "entry": [{"id": IG_ACCOUNT, "time": time, "changes": [
                {"field": "comments", "value": value}]}]}

        frieda = {"id": "17841400000000901", "username": "frieda.fremd"}
        complaint = self.deliver(self.instagram_source, comment(
            "18100000000009701", COMPLAINT, frieda, self.now - 300))
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.user_id, "a regular complaint at night waits unassigned")
        account = {"id": IG_ACCOUNT, "username": "acme"}
        answer = self.deliver(self.instagram_source, comment(
            "18100000000009702", "@frieda.fremd Das tut uns leid! Bitte schreib uns eine DM.",
            account, self.now - 120, parent="18100000000009701"))
        self.assertEqual(answer.ticket_id, ticket)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("The company's account @acme answered the customer in the network's own "
                      "app", self.bodies(ticket))
        self.assertFalse(self.deliver(self.instagram_source, comment(
            "18100000000009703", "Neue Farben ab Montag!", account, self.now - 60)))
