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
from odoo.addons.social_crm_helpdesk.models.helpdesk_ticket_reaction import _account_label
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
        self.assertIn(f"The company's account {_account_label(answer)} answered",
                      self.bodies(ticket))
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

    def visitor_post(self, post_id, text, time, sender):
        """Meta's ``feed`` change of a visitor's post on the page (``item: status``)."""
        return {"object": "page", "entry": [{"id": PAGE_ID, "time": time + 1, "changes": [
            {"field": "feed", "value": {
                "from": sender, "post_id": post_id, "message": text, "created_time": time,
                "item": "status", "verb": "add", "published": 1}}]}]}

    def page_comment(self, comment_id, text, time, post_id, parent=True, verb="add"):
        """The page's comment directly under post ``post_id`` (``parent_id`` the post, or
        none), as Meta's ``feed`` webhook sends it (``from`` is the page itself)."""
        delivery = meta_comment(comment_id, text, time, sender={"id": PAGE_ID, "name": "ACME"})
        value = delivery["entry"][0]["changes"][0]["value"]
        value.update(post_id=post_id, verb=verb,
                     post={"id": post_id, "status_type": "mobile_status_update",
                           "is_published": True})
        if parent:
            value["parent_id"] = post_id
        else:
            del value["parent_id"]
        if verb == "remove":
            del value["message"]
        return delivery

    def test_the_page_s_comment_under_a_visitor_s_post_through_the_webhook_gives_an_owner(self):
        """Probe (Meta webhook, night): Nora complained in a post on the page's wall; the
        page answered with a comment directly under her post in Facebook's own app. The
        webhook does not say whose post that is, so the reader left every comment of the
        page directly under a post out: the answer reached the ticket only with the next
        poll. The post is stored as Nora's: the page's comment under it is the company's
        answer (first reaction, owner); its comments under its own posts (never stored)
        still answer nobody."""
        self.asleep()
        nora = {"id": "100000000000931", "name": "Nora Nacht"}
        post_id = f"{PAGE_ID}_9801"
        complaint = self.deliver(self.facebook_source, self.visitor_post(
            post_id, COMPLAINT, self.now - 300, nora))
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.user_id, "a regular complaint at night waits unassigned")
        answer = self.deliver(self.facebook_source, self.page_comment(
            "9801_9802", "Das tut uns leid, Nora. Bitte schreib uns eine Nachricht.",
            self.now - 120, post_id))
        self.assertEqual(answer.ticket_id, ticket)
        self.assertEqual(answer.author_external_id, PAGE_ID)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("answered the customer in the network's own app: Odoo does not know "
                      "who of the team wrote it", self.bodies(ticket))
        # a comment without parent_id directly under her post is an answer too (no second
        # first reaction)
        again = self.deliver(self.facebook_source, self.page_comment(
            "9801_9803", "Nachtrag: Die Erstattung ist unterwegs.", self.now - 60, post_id,
            parent=False))
        self.assertEqual(again.ticket_id, ticket)
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        # under the page's own post (never stored), and under a post not known here: nobody
        # is answered, nothing is stored
        self.assertFalse(self.deliver(self.facebook_source, self.page_comment(
            f"{PAGE_ID}_9806", "Alle Infos im Link!", self.now - 20, f"{PAGE_ID}_777")))
        self.assertFalse(self.deliver(self.facebook_source, self.page_comment(
            "9900_9807", "Danke!", self.now - 10, f"{PAGE_ID}_9900", parent=False)))
        # one delivery, several changes (one batch of events, one look-up): Otto's post and
        # the page's answer under it arrive together, with a comment under its own post
        otto = {"id": "100000000000932", "name": "Otto Ohnegeld"}
        self.net.add("GET", "https://graph.facebook.com/v23.0/100000000000932",
                     json_body={"id": otto["id"], "name": otto["name"]})
        deliveries = [
            self.visitor_post(f"{PAGE_ID}_9811", "Wo bleibt meine Gutschrift? Seit Wochen "
                              "nichts, ich bin sauer!", self.now - 9, otto),
            self.page_comment("9811_9812", "Hallo Otto, wir kümmern uns sofort.",
                              self.now - 8, f"{PAGE_ID}_9811"),
            self.page_comment(f"{PAGE_ID}_9813", "Gewinnspiel läuft!", self.now - 7,
                              f"{PAGE_ID}_780"),
        ]
        stored = self.deliver(self.facebook_source, {"object": "page", "entry": [
            delivery["entry"][0] for delivery in deliveries]})
        self.assertEqual(sorted(stored.mapped("external_id")),
                         [f"{PAGE_ID}_9811", "9811_9812"])
        otto_ticket = stored.filtered(lambda p: p.external_id == f"{PAGE_ID}_9811").ticket_id
        self.assertTrue(otto_ticket)
        self.assertEqual(otto_ticket.social_first_reply_channel, "network_app")

    def test_the_page_deleting_its_answer_in_facebook_s_app_deletes_it_here(self):
        """The page deleted its answer in Facebook's own app (Meta's ``remove`` of a comment
        whose ``from`` is the page): the reader left every removal of the page out, so the
        answer stayed stored and its words in the ticket as if still public. It goes as a
        post its author deleted on the network (as a Mastodon stream's ``delete`` of the
        company's status): deleted and remembered, its words leave the ticket, a note says
        so; the ticket's first reaction stays (the answer was given then)."""
        self.asleep()
        nora = {"id": "100000000000931", "name": "Nora Nacht"}
        complaint = self.deliver(self.facebook_source, meta_comment(
            f"{PAGE_ID}_9901", COMPLAINT, self.now - 300, sender=nora))
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        page = {"id": PAGE_ID, "name": "ACME"}
        words = "Wir buchen den doppelten Betrag morgen zurück."
        delivery = meta_comment(f"{PAGE_ID}_9902", words, self.now - 120, sender=page)
        delivery["entry"][0]["changes"][0]["value"]["parent_id"] = f"{PAGE_ID}_9901"
        answer = self.deliver(self.facebook_source, delivery)
        self.assertEqual(answer.ticket_id, ticket)
        answered_at = ticket.social_first_reply_at
        self.assertTrue(answered_at)
        self.assertIn("doppelten Betrag morgen", self.bodies(ticket))
        removal = meta_comment(f"{PAGE_ID}_9902", "", self.now - 120, sender=page)
        value = removal["entry"][0]["changes"][0]["value"]
        value.update(verb="remove", parent_id=f"{PAGE_ID}_9901")
        del value["message"]
        removal["entry"][0]["time"] = self.now - 30
        self.assertFalse(self.deliver(self.facebook_source, removal))
        self.assertFalse(answer.exists())
        self.assertTrue(complaint.exists(), "the customer's comment stays")
        deleted = self.env["social.crm.post.deleted"].search(
            [("external_id", "=", f"{PAGE_ID}_9902")])
        self.assertEqual(deleted.reason, "network")
        self.env.invalidate_all()
        bodies = self.bodies(ticket)
        self.assertNotIn("doppelten Betrag morgen", bodies)
        self.assertIn("ACME deleted the post on Facebook", bodies)
        self.assertEqual(ticket.social_first_reply_at, answered_at)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        # a late change of the answer (its ``edited``, delivered after the removal) does not
        # bring it back
        delivery["entry"][0]["changes"][0]["value"]["verb"] = "edited"
        self.assertFalse(self.deliver(self.facebook_source, delivery))

    def test_a_page_without_username_is_named_not_written_as_a_handle(self):
        """Served probe: a Facebook page without username (or whose profile look-up failed)
        answered in Facebook's app; the notes read "the company's account @Neustart Räder",
        a page name written as a handle. A handle gets its "@", a name is written as it is."""
        Post = self.env["social.crm.post"]
        self.assertEqual(_account_label(Post.new({"author_handle": "acme_support"})),
                         "@acme_support")
        self.assertEqual(_account_label(Post.new({"author_handle": "@acme_support"})),
                         "@acme_support")
        self.assertEqual(_account_label(Post.new({"author_name": "Neustart Räder"})),
                         "Neustart Räder")
        self.assertEqual(_account_label(Post.new({})), "?")
