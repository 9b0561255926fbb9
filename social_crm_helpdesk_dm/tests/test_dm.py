# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Telegram private messages end to end, at the HTTP boundary: the webhook with the secret
token header, tickets per chat, answers through the outbox, "move to private"."""

import datetime as dt
import json

from odoo import fields
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SEND_URL, DmCase, sent, update

INTAKE_LOG = "odoo.addons.social_crm_helpdesk_dm.models.social_crm_source"


@tagged("post_install", "-at_install")
class TestTelegramDm(DmCase):
    def test_private_chat_opens_one_ticket_threaded(self):
        response = self.deliver(update(501, "Hallo, meine Lieferung fehlt seit einer Woche."))
        self.assertEqual(response.status_code, 200)
        [event] = self.process()
        self.assertEqual((event.kind, event.state, event.post_count), ("telegram", "done", 1))
        post = self.Post.search([("network_id", "=", self.telegram.id)])
        self.assertTrue(post.is_direct)
        ticket = post.ticket_id
        self.assertTrue(ticket, "a private message always opens a ticket (no detection)")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.social_conversation_key, "dm:1111111")
        self.assertTrue(ticket.social_dm_linked)
        self.assertTrue(ticket.social_response_deadline, "the same deadlines as public tickets")
        self.assertEqual(post.identity_id.external_id, "1111111")
        self.assertEqual(ticket.partner_id, post.identity_id.partner_id)
        self.assertIn("Telegram: you can answer at any time", ticket.social_dm_window_note)
        # the customer's next message lands in the same ticket, redelivery stored once
        self.deliver(update(502, "Haben Sie meine Nachricht bekommen?"))
        self.deliver(update(502, "Haben Sie meine Nachricht bekommen?"))
        self.process()
        posts = self.Post.search([("network_id", "=", self.telegram.id)])
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts.ticket_id, ticket)
        self.assertEqual(posts.identity_id, post.identity_id, "one identity per customer")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "Haben Sie meine Nachricht bekommen?" in (m.body or "")))
        conversation = ticket.social_dm_conversation_ids
        self.assertEqual(len(conversation), 1)
        self.assertEqual(conversation.last_post_id.external_id, "1111111:502")
        # another chat is another ticket
        self.deliver(update(503, "Andere Frage", chat_id=2222222, username="otto_tg"))
        self.process()
        other = self.Post.search([("external_id", "=", "2222222:503")]).ticket_id
        self.assertTrue(other)
        self.assertNotEqual(other, ticket)

    def test_private_chat_fields_are_written_by_the_product_only(self):
        """An agent cannot mark a ticket as invited to a private chat (the customer's next
        private chat would join it) nor as linked to one, over RPC either."""
        self.deliver(update(511, "Hallo, wo bleibt meine Bestellung?"))
        self.process()
        ticket = self.Post.search([("network_id", "=", self.telegram.id)]).ticket_id
        as_agent = ticket.with_user(self.agent)
        for vals in ({"social_dm_invited_at": fields.Datetime.now()},
                     {"social_dm_linked": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_agent.write(vals)
            with self.subTest(vals=vals, context=True), self.assertRaises(AccessError):
                as_agent.with_context(social_crm_product_write=True).write(vals)
        self.assertTrue(ticket.social_dm_linked)
        self.assertFalse(ticket.social_dm_invited_at)

    def test_secret_token_is_checked_before_anything_is_read(self):
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            missing = self.deliver(update(601, "spoofed"), secret=None)
            wrong = self.deliver(update(602, "spoofed"), secret="not-our-secret")
        self.assertEqual((missing.status_code, wrong.status_code), (401, 401))
        self.assertFalse(self.Event.search([("source_id", "=", self.source.id)]))
        self.source.invalidate_recordset()
        self.assertEqual(self.source.refused_count, 2)
        self.assertEqual(self.source.refused_reason, "bad secret token")

    def test_unreadable_update_is_quarantined_and_groups_are_dropped(self):
        with mute_logger(INTAKE_LOG):
            response = self.url_open(
                f"/social_crm/webhook/{self.source.webhook_token}", data=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "dm-secret_token-0123456789"})
        self.assertEqual(response.status_code, 200, "Telegram would retry forever otherwise")
        event = self.Event.search([("source_id", "=", self.source.id)])
        self.assertEqual((event.kind, event.state), ("unreadable", "quarantined"))
        group = update(603, "hello group")
        group["message"]["chat"] = {"id": -100123, "title": "Fans", "type": "supergroup"}
        self.assertEqual(self.deliver(group).status_code, 200)
        self.assertEqual(len(self.Event.search([("source_id", "=", self.source.id)])), 1)

    def test_bank_data_is_redacted_before_storage_and_prioritised(self):
        self.deliver(update(701, "Bitte erstatten auf DE89 3704 0044 0532 0130 00, danke"))
        self.process()
        post = self.Post.search([("external_id", "=", "1111111:701")])
        self.assertNotIn("3704 0044 0532", post.text)
        ticket = post.ticket_id
        self.assertTrue(ticket.has_sensitive_data)
        self.assertEqual(ticket.priority, "3")
        self.assertNotIn("3704 0044 0532", str(ticket.description))
        event = self.Event.search([("source_id", "=", self.source.id)])
        self.assertTrue(event.payload, "the raw event stays for managers (as public webhooks)")

    def test_agent_answers_from_the_ticket_through_the_outbox(self):
        self.deliver(update(801, "Wo bleibt mein Paket?"))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:801")]).ticket_id
        action = ticket.with_user(self.agent).action_social_dm_send()
        context = action["context"]
        wizard = self.env["social.crm.dm.wizard"].with_user(self.agent).create({
            "ticket_id": context["default_ticket_id"],
            "conversation_id": context["default_conversation_id"],
            "text": "Wir prüfen das sofort, Tara.",
        })
        wizard.action_send()
        message = ticket.social_dm_message_ids
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.outbox_id.action, "message")
        self.assertFalse(self.net.requests, "nothing is sent inside the agent's transaction")
        self.assertFalse(ticket.social_first_reply_at)
        self.net.add("POST", SEND_URL, json_body=sent(1111111, 9001, "Wir prüfen das sofort"))
        self.run_sender()
        self.assertEqual(len(self.net.requests), 1)
        body = json.loads(self.net.requests[0][0].body)
        self.assertEqual(body, {"chat_id": "1111111", "text": "Wir prüfen das sofort, Tara."})
        self.assertEqual((message.state, message.external_id), ("sent", "1111111:9001"))
        self.assertTrue(ticket.social_first_reply_at, "the first private answer is the first "
                        "response of the KPIs")
        self.assertEqual(ticket.social_first_reply_channel, "odoo")
        note = ticket.message_ids.filtered(
            lambda m: "Private message on Telegram" in (m.body or ""))
        self.assertEqual(note.author_id, self.agent.partner_id)
        # the customer's answer lands in the same ticket
        self.deliver(update(802, "Danke!"))
        self.process()
        self.assertEqual(self.Post.search([("external_id", "=", "1111111:802")]).ticket_id, ticket)

    def test_blocked_bot_fails_with_the_reason_on_the_ticket(self):
        self.deliver(update(901, "Hallo"))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:901")]).ticket_id
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Hallo Tara")
        self.net.add("POST", SEND_URL, status=403, json_body={
            "ok": False, "error_code": 403,
            "description": "Forbidden: bot was blocked by the user"})
        self.run_sender()
        message = ticket.social_dm_message_ids
        self.assertEqual(message.state, "failed")
        self.assertIn("blocked", message.error_message)
        self.assertNotIn("AAHdqTcv", message.error_message)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "not sent" in (m.body or "") and "blocked" in (m.body or "")))
        self.assertFalse(ticket.social_first_reply_at)

    def test_no_bot_token_says_what_to_enter(self):
        self.deliver(update(1051, "Hallo"))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:1051")]).ticket_id
        self.source.access_token = False
        with self.assertRaisesRegex(UserError, "bot token"):
            self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
                ticket, ticket.social_dm_conversation_ids, "Hallo")

    def test_no_message_without_text_or_to_another_ticket(self):
        self.deliver(update(1001, "Hallo"))
        self.deliver(update(1002, "Hallo", chat_id=3333333, username="sam_tg"))
        self.process()
        first = self.Post.search([("external_id", "=", "1111111:1001")]).ticket_id
        second = self.Post.search([("external_id", "=", "3333333:1002")]).ticket_id
        Message = self.env["social.crm.dm.message"].with_user(self.agent)
        with self.assertRaises(UserError):
            Message._dm_send(first, first.social_dm_conversation_ids, "  ")
        with self.assertRaises(AccessError):
            Message._dm_send(first, second.social_dm_conversation_ids, "Hallo")
        self.assertFalse(self.env["social.crm.dm.message"].search([]))

    def test_answer_window_of_meta_and_whatsapp_is_explained(self):
        self.deliver(update(1101, "Hallo"))
        self.process()
        conversation = self.env["social.crm.dm.conversation"].search(
            [("conversation_key", "=", "dm:1111111")])
        self.assertTrue(conversation.window_open)
        self.assertFalse(conversation._window_problem())
        facebook = self.env.ref("social_crm.network_facebook")
        conversation.write({"network_id": facebook.id,
                            "last_inbound_at": fields.Datetime.now() - dt.timedelta(hours=25)})
        self.assertFalse(conversation.window_open)
        self.assertIn("within 24 hours", conversation._window_problem())
        conversation.last_inbound_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.assertTrue(conversation.window_open)
        self.assertIn("answer by", conversation.ticket_id.social_dm_window_note)


@tagged("post_install", "-at_install")
class TestMoveToPrivate(DmCase):
    def test_public_ticket_invites_and_the_private_chat_joins_it(self):
        env = self.env
        mastodon = env.ref("social_crm.network_mastodon")
        self.team.write({"social_auto_ticket": True, "social_min_confidence": 0.5})
        public_source = env["social.crm.source"].create(
            {"name": "Mastodon mentions", "network_id": mastodon.id, "kind": "mentions",
             "base_url": "https://mastodon.example", "access_token": "masto-token"})
        partner = env["res.partner"].create({"name": "Tara Telegram"})
        for network, ext, handle in ((mastodon, "109000", "tara@mastodon.example"),
                                     (self.telegram, "1111111", "tara_tg")):
            env["social.crm.identity"].create({"partner_id": partner.id, "network_id": network.id,
                                              "external_id": ext, "handle": handle})
        result = env["social.crm.post"]._ingest_posts([Post(
            network="mastodon", external_id="113000000000000001",
            text="@acme Router kaputt, keiner antwortet! Frechheit, ich will mein Geld zurück!",
            posted_at=dt.datetime.now(dt.UTC), lang="de",
            author=Author(network="mastodon", external_id="109000",
                          handle="tara@mastodon.example", display_name="Tara Telegram"),
        )], public_source)
        ticket = env["social.crm.post"].browse(result.post_ids).ticket_id
        self.assertTrue(ticket, "the public complaint opened a ticket")
        action = ticket.with_user(self.agent).action_social_move_private()
        self.assertEqual(action["tag"], "display_notification", "the agent is told what happens")
        self.assertIn("Mastodon", action["params"]["message"])
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertIn("t.me/acme_service_bot", reply.text, "the approved wording is used")
        self.assertIn("Hallo Tara", reply.text)
        self.assertTrue(ticket.social_dm_invited_at)
        with self.assertRaises(UserError):  # no second invitation from a ticket that is private
            ticket.social_dm_invited_at = False
            ticket.social_post_id = False
            ticket.with_user(self.agent).action_social_move_private()
        ticket.social_dm_invited_at = fields.Datetime.now()
        # the customer writes privately: the chat joins the public ticket
        self.deliver(update(1201, "Hier die Details: Kundennummer 4711"))
        self.process()
        post = self.Post.search([("external_id", "=", "1111111:1201")])
        self.assertEqual(post.ticket_id, ticket)
        self.assertTrue(ticket.social_dm_linked)
        self.assertEqual(ticket.social_dm_conversation_ids.conversation_key, "dm:1111111")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "private conversation is linked" in (m.body or "")))
        # and the next private message too; the answer goes to Telegram
        self.deliver(update(1202, "Noch etwas"))
        self.process()
        self.assertEqual(self.Post.search([("external_id", "=", "1111111:1202")]).ticket_id,
                         ticket)
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Danke, wir kümmern uns.")
        self.assertEqual(ticket.social_dm_message_ids.post_id.external_id, "1111111:1202")

    def _mastodon_ticket(self, ext="113000000000000003", lang="de"):
        self.team.write({"social_auto_ticket": True, "social_min_confidence": 0.5})
        mastodon = self.env.ref("social_crm.network_mastodon")
        source = self.env["social.crm.source"].create(
            {"name": "Mastodon", "network_id": mastodon.id, "kind": "mentions",
             "base_url": "https://mastodon.example", "access_token": "t"})
        result = self.env["social.crm.post"]._ingest_posts([Post(
            network="mastodon", external_id=ext,
            text="@acme Router kaputt, keiner antwortet! Frechheit, ich will mein Geld zurück!",
            posted_at=dt.datetime.now(dt.UTC), lang=lang,
            author=Author(network="mastodon", external_id="109002",
                          handle="uwe@mastodon.example", display_name="Uwe Ulm"),
        )], source)
        return self.env["social.crm.post"].browse(result.post_ids).ticket_id

    def _reply_wizard(self, ticket, **vals):
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(
            action["res_id"])
        wizard.write(vals)
        return wizard

    def _invitation_as_agent(self, ticket):
        """The team's invitation as the agent's Move to Private writes it (it names the
        agent)."""
        ticket = ticket.with_user(self.agent)
        return ticket._dm_invitation_wording().sudo()._render_for(ticket, ticket.social_post_id)

    def test_invitation_sent_from_the_reply_wizard_is_not_offered_again(self):
        """Probe: the agent answered with the team's invitation wording in Reply on the
        Network; Move to Private was still offered, and a second identical answer could be
        queued (X refuses duplicate content with 403)."""
        ticket = self._mastodon_ticket()
        wording = ticket._dm_invitation_wording()
        wizard = self._reply_wizard(ticket, wording_id=wording.id)
        wizard._onchange_wording_id()
        self.assertIn("t.me/acme_service_bot", wizard.text)
        wizard.action_send()
        self.assertEqual(ticket.social_reply_ids.state, "queued")
        self.assertTrue(ticket.social_dm_invited_at, "the invitation is recorded")
        # the form's button: invisible="social_dm_linked or not social_can_reply or
        # social_dm_invited_at"; called anyway (a form opened before), it says why not
        with self.assertRaisesRegex(UserError, "already invited to write privately"):
            ticket.with_user(self.agent).action_social_move_private()
        self.assertEqual(len(ticket.social_reply_ids), 1)

    def test_invitation_in_the_language_found_in_the_post(self):
        """The reply composer's defect of the served demo (a German Facebook comment offered
        the English wordings), here in Move to Private: a German post the network gave no
        language (a Mastodon status with ``language: null``, a Meta comment) was invited in
        English (the contact's language); the language the detection found comes first."""
        ticket = self._mastodon_ticket("113000000000000007", lang=None)
        self.assertFalse(ticket.social_post_id.lang)
        self.assertEqual(ticket._dm_invitation_wording().lang, "de")

    def test_invitation_typed_by_hand_counts_too(self):
        ticket = self._mastodon_ticket("113000000000000004")
        text = self._invitation_as_agent(ticket)
        # the same words, other line breaks and spaces (pasted)
        self._reply_wizard(ticket, text="  " + "\n".join(text.split(" ")) + "\n").action_send()
        self.assertTrue(ticket.social_dm_invited_at)

    def test_move_to_private_refuses_a_duplicate_of_a_queued_reply(self):
        """The invitation queued by hand before this module recorded it (no date on the
        ticket): Move to Private does not queue it a second time."""
        ticket = self._mastodon_ticket("113000000000000005")
        text = self._invitation_as_agent(ticket)
        self._reply_wizard(ticket, text=text).action_send()
        ticket.sudo().social_dm_invited_at = False
        with self.assertRaisesRegex(UserError, "already queued"):
            ticket.with_user(self.agent).action_social_move_private()
        self.assertEqual(len(ticket.social_reply_ids), 1)

    def test_no_wording_says_what_to_do(self):
        self.env["social.crm.wording"].search([("category", "=", "private_channel")]).unlink()
        self.team.write({"social_auto_ticket": True, "social_min_confidence": 0.5})
        mastodon = self.env.ref("social_crm.network_mastodon")
        source = self.env["social.crm.source"].create(
            {"name": "Mastodon", "network_id": mastodon.id, "kind": "mentions",
             "base_url": "https://mastodon.example", "access_token": "t"})
        result = self.env["social.crm.post"]._ingest_posts([Post(
            network="mastodon", external_id="113000000000000002",
            text="@acme Router kaputt, keiner antwortet! Frechheit, ich will mein Geld zurück!",
            posted_at=dt.datetime.now(dt.UTC), lang="de",
            author=Author(network="mastodon", external_id="109001", handle="x@mastodon.example"),
        )], source)
        ticket = self.env["social.crm.post"].browse(result.post_ids).ticket_id
        with self.assertRaisesRegex(UserError, "Move to a Private Channel"):
            ticket.with_user(self.agent).action_social_move_private()


@tagged("post_install", "-at_install")
class TestMessengerDm(DmCase):
    PAGE = "102030405060"
    PSID = "6543210987654321"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page = cls.env["social.crm.source"].create(
            {
                "name": "Acme page (push)",
                "network_id": cls.env.ref("social_crm.network_facebook").id,
                "kind": "page",
                "account_id": cls.PAGE,
                "intake_mode": "push",
                "app_secret": "meta-app-secret-0123456789",
                "access_token": "EAAGpagetokenSECRET123",
                "dm_enabled": True,
                "dm_team_id": cls.team.id,
            }
        )

    def deliver_meta(self, mid, text, minutes_ago=1):
        from odoo.addons.social_crm.connectors import signatures

        stamp = int((fields.Datetime.now() - dt.timedelta(minutes=minutes_ago))
                    .replace(tzinfo=dt.UTC).timestamp() * 1000)
        payload = {"object": "page", "entry": [{"id": self.PAGE, "time": stamp, "messaging": [{
            "sender": {"id": self.PSID}, "recipient": {"id": self.PAGE}, "timestamp": stamp,
            "message": {"mid": mid, "text": text}}]}]}
        body = json.dumps(payload).encode()
        return self.url_open(f"/social_crm/webhook/{self.page.webhook_token}", data=body,
                             headers={"Content-Type": "application/json",
                                      "X-Hub-Signature-256": signatures.meta_signature(
                                          "meta-app-secret-0123456789", body)})

    def test_messenger_conversation_is_a_ticket_answered_in_the_window(self):
        self.assertEqual(self.deliver_meta("m_1", "Hallo, Paket fehlt").status_code, 200)
        events = self.Event.search([("source_id", "=", self.page.id)])
        self.assertEqual(events.kind, "messenger")
        events._process()
        post = self.Post.search([("external_id", "=", "m_1")])
        ticket = post.ticket_id
        self.assertTrue(post.is_direct)
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn("answer by", ticket.social_dm_window_note)
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Wir prüfen das.")
        self.net.add("POST", "https://graph.facebook.com/v23.0/me/messages",
                     json_body={"recipient_id": self.PSID, "message_id": "m_sent_1"})
        self.run_sender()
        self.assertEqual(ticket.social_dm_message_ids.state, "sent")
        self.assertTrue(ticket.social_first_reply_at)
        # the next message of the person lands in the same ticket
        self.deliver_meta("m_2", "Danke")
        self.Event.search([("source_id", "=", self.page.id), ("state", "=", "new")])._process()
        self.assertEqual(self.Post.search([("external_id", "=", "m_2")]).ticket_id, ticket)

    def test_a_message_to_another_page_of_the_app_goes_to_its_source(self):
        """One Meta app, one callback address: a Messenger message to company B's page (which
        takes private messages) arrived at the address of a page that does not and was
        dropped there, or, at a page that does, stored as that page's. Now it goes to the
        source of its page, which alone decides whether it takes private messages."""
        from odoo.addons.social_crm.connectors import signatures

        company_b = self.env["res.company"].create({"name": "Beta Retail GmbH"})
        facebook = self.env.ref("social_crm.network_facebook")
        page_b = self.env["social.crm.source"].with_company(company_b).create({
            "name": "Beta page", "company_id": company_b.id, "network_id": facebook.id,
            "kind": "page", "account_id": "202030405060", "intake_mode": "push",
            "app_secret": "meta-app-secret-0123456789", "dm_enabled": True})
        quiet = self.env["social.crm.source"].create({
            "name": "Acme page without messages", "network_id": facebook.id, "kind": "page",
            "account_id": "302030405060", "intake_mode": "push",
            "app_secret": "meta-app-secret-0123456789"})
        for source, page, mid in ((quiet, "202030405060", "m_b1"), (self.page, "202030405060",
                                  "m_b2"), (quiet, "302030405060", "m_quiet")):
            payload = {"object": "page", "entry": [{"id": page, "time": 1764600000000,
                       "messaging": [{"sender": {"id": self.PSID}, "recipient": {"id": page},
                                      "timestamp": 1764600000000,
                                      "message": {"mid": mid, "text": "Hallo"}}]}]}
            body = json.dumps(payload).encode()
            response = self.url_open(
                f"/social_crm/webhook/{source.webhook_token}", data=body, headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": signatures.meta_signature(
                        "meta-app-secret-0123456789", body)})
            self.assertEqual(response.status_code, 200)
        events_b = self.Event.search([("source_id", "=", page_b.id)])
        self.assertEqual((len(events_b), set(events_b.mapped("kind"))), (2, {"messenger"}))
        self.assertEqual(events_b.company_id, company_b)
        self.assertFalse(self.Event.search([("source_id", "in", (quiet | self.page).ids)]),
                         "page A keeps none of B's messages; the quiet page takes none")

    def test_outside_the_24_hour_window_the_agent_is_told_why(self):
        self.deliver_meta("m_old", "Hallo?", minutes_ago=25 * 60)
        self.Event.search([("source_id", "=", self.page.id)])._process()
        ticket = self.Post.search([("external_id", "=", "m_old")]).ticket_id
        self.assertIn("within 24 hours", ticket.social_dm_window_note)
        with self.assertRaisesRegex(UserError, "within 24 hours"):
            self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
                ticket, ticket.social_dm_conversation_ids, "Hallo")
        self.assertFalse(self.env["social.crm.outbox"].search([("action", "=", "message")]))

    def test_page_without_private_messages_drops_them(self):
        self.page.dm_enabled = False
        self.assertEqual(self.deliver_meta("m_3", "Hallo").status_code, 200)
        self.assertFalse(self.Event.search([("source_id", "=", self.page.id)]))
