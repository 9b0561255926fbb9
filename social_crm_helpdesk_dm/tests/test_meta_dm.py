# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Instagram Direct and WhatsApp Business (Cloud API) private messages end to end, at the
HTTP boundary: Meta's signed deliveries shaped as documented, tickets per conversation,
answers through the outbox (WhatsApp templates outside the 24-hour window, statuses), media
through the Graph media endpoint."""

import datetime as dt
import json

from odoo import fields
from odoo.addons.social_crm.connectors import signatures
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DmCase

APP_SECRET = "meta-app-secret-dmmeta-0123456789"
WA_TOKEN = "EAAGwhatsappSYSTEMUSERtoken987"
PHONE_ID = "106540352242922"
WA_ID = "4915112345678"
GRAPH = "https://graph.facebook.com/v23.0"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
INTAKE_LOG = "odoo.addons.social_crm.models.social_crm_source_intake"


def stamp(minutes_ago=1):
    moment = fields.Datetime.now() - dt.timedelta(minutes=minutes_ago)
    return int(moment.replace(tzinfo=dt.UTC).timestamp())


def wa_delivery(messages=(), statuses=(), name="Wanda Weber", wa_id=WA_ID):
    """A Cloud API delivery of the ``messages`` field, as WhatsApp documents it."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID}}
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account", "entry": [
        {"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def wa_text(wamid, body, minutes_ago=1, wa_id=WA_ID):
    return {"from": wa_id, "id": wamid, "timestamp": str(stamp(minutes_ago)), "type": "text",
            "text": {"body": body}}


def wa_status(wamid, status, errors=None):
    item = {"id": wamid, "status": status, "timestamp": str(stamp()), "recipient_id": WA_ID,
            "pricing": {"billable": True, "pricing_model": "PMP", "category": "service"}}
    if errors:
        item["errors"] = errors
    return item


def wa_sent(wamid):
    return {"messaging_product": "whatsapp", "contacts": [{"input": WA_ID, "wa_id": WA_ID}],
            "messages": [{"id": wamid}]}


class MetaDmCase(DmCase):
    def deliver_signed(self, source, payload, secret=APP_SECRET, body=None):
        body = body if body is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Hub-Signature-256"] = signatures.meta_signature(secret, body)
        return self.url_open(f"/social_crm/webhook/{source.webhook_token}", data=body,
                             headers=headers)

    def process_source(self, source):
        events = self.Event.search([("source_id", "=", source.id), ("state", "=", "new")])
        events._process()
        return events


class WhatsappCase(MetaDmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.whatsapp = cls.env.ref("social_crm_helpdesk_dm.network_whatsapp")
        cls.wa = cls.env["social.crm.source"].create({
            "name": "Acme WhatsApp",
            "network_id": cls.whatsapp.id,
            "kind": "direct",
            "intake_mode": "push",
            "app_secret": APP_SECRET,
            "verify_token": "wa-verify-token",
            "access_token": WA_TOKEN,
            "whatsapp_phone_number_id": PHONE_ID,
            "dm_team_id": cls.team.id,
        })
        cls.template = cls.env["social.crm.whatsapp.template"].create({
            "source_id": cls.wa.id, "name": "service_followup", "lang": "de",
            "body": "Hallo, wir haben eine Antwort zu Ihrer Anfrage. Bitte schreiben Sie uns.",
        })


@tagged("post_install", "-at_install")
class TestWhatsappDm(WhatsappCase):
    def test_message_opens_a_ticket_answered_with_statuses(self):
        partner = self.env["res.partner"].create({"name": "Wanda Weber"})
        self.env["social.crm.identity"].create({
            "partner_id": partner.id, "network_id": self.whatsapp.id, "external_id": WA_ID})
        response = self.deliver_signed(self.wa, wa_delivery([wa_text(
            "wamid.HBgLNDkxNTExMjM0NTY3OBUCABIYFjNFQjBDMEQ3", "Mein Router ist kaputt")]))
        self.assertEqual(response.status_code, 200)
        [event] = self.process_source(self.wa)
        self.assertEqual((event.kind, event.state, event.post_count), ("whatsapp", "done", 1))
        post = self.Post.search([("network_id", "=", self.whatsapp.id)])
        self.assertTrue(post.is_direct)
        self.assertEqual(post.identity_id.external_id, WA_ID)
        ticket = post.ticket_id
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, partner, "the number is the known identity")
        self.assertEqual(ticket.social_conversation_key, f"dm:{WA_ID}")
        self.assertTrue(ticket.social_response_deadline)
        self.assertIn("answer by", ticket.social_dm_window_note)
        # the agent answers: a text to the number, sent after the commit
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Wir schicken Ersatz.")
        self.assertFalse(self.net.requests)
        self.net.add("POST", f"{GRAPH}/{PHONE_ID}/messages", json_body=wa_sent("wamid.OUT1"))
        self.run_sender()
        [(request, _kwargs)] = self.net.requests
        self.assertEqual(request.headers["Authorization"], f"Bearer {WA_TOKEN}")
        self.assertEqual(json.loads(request.body), {
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": WA_ID,
            "type": "text", "text": {"preview_url": False, "body": "Wir schicken Ersatz."}})
        message = ticket.social_dm_message_ids
        self.assertEqual((message.state, message.external_id), ("sent", "wamid.OUT1"))
        self.assertTrue(ticket.social_first_reply_at)
        # statuses update the outbox row (out of order: read stays read)
        self.deliver_signed(self.wa, wa_delivery(statuses=[wa_status("wamid.OUT1", "read")]))
        self.deliver_signed(self.wa, wa_delivery(statuses=[
            wa_status("wamid.OUT1", "delivered")]))
        self.process_source(self.wa)
        self.env.invalidate_all()
        self.assertEqual(message.outbox_id.network_status, "read")
        self.assertEqual(message.delivery_status, "read")
        # a later failure is told on the ticket
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Noch eine Frage?")
        self.net.routes.clear()
        self.net.add("POST", f"{GRAPH}/{PHONE_ID}/messages", json_body=wa_sent("wamid.OUT2"))
        self.run_sender()
        self.deliver_signed(self.wa, wa_delivery(statuses=[wa_status("wamid.OUT2", "failed", [
            {"code": 131047, "title": "Re-engagement message", "message":
             "Re-engagement message", "error_data": {"details": "Message failed to send "
                                                     "because more than 24 hours have passed"}}
        ])]))
        self.process_source(self.wa)
        self.env.invalidate_all()
        failed = ticket.social_dm_message_ids.filtered(lambda m: m.external_id == "wamid.OUT2")
        self.assertEqual(failed.state, "failed")
        self.assertIn("131047", failed.error_message)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "not sent" in (m.body or "") and "Re-engagement" in (m.body or "")))
        # the customer's answer joins the same ticket; a redelivery is stored once
        for _i in range(2):
            self.deliver_signed(self.wa, wa_delivery([wa_text("wamid.IN2", "Danke!")]))
        self.process_source(self.wa)
        self.assertEqual(self.Post.search([("external_id", "=", "wamid.IN2")]).ticket_id, ticket)
        self.assertEqual(self.Post.search_count([("network_id", "=", self.whatsapp.id)]), 2)

    def test_signature_is_checked_and_a_malformed_body_is_quarantined(self):
        payload = wa_delivery([wa_text("wamid.SPOOF", "spoofed")])
        with mute_logger(INTAKE_LOG):
            missing = self.deliver_signed(self.wa, payload, secret=None)
            wrong = self.deliver_signed(self.wa, payload, secret="another-app-secret")
        self.assertEqual((missing.status_code, wrong.status_code), (401, 403))
        self.assertFalse(self.Event.search([("source_id", "=", self.wa.id)]))
        with mute_logger(INTAKE_LOG):
            broken = self.deliver_signed(self.wa, None, body=b'{"object": "whatsapp_busi')
            odd = self.deliver_signed(self.wa, {"object": "whatsapp_business_account",
                                                "entry": "not a list"})
        self.assertEqual((broken.status_code, odd.status_code), (200, 200))
        events = self.Event.search([("source_id", "=", self.wa.id)])
        self.assertEqual(events.mapped("state"), ["quarantined", "quarantined"])
        self.assertTrue(all(e.payload for e in events), "kept for inspection, not lost")
        # the Meta subscription handshake with the verify token
        ok = self.url_open(f"/social_crm/webhook/{self.wa.webhook_token}?hub.mode=subscribe"
                           "&hub.verify_token=wa-verify-token&hub.challenge=1158201444")
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))

    def test_redaction_before_storage(self):
        self.deliver_signed(self.wa, wa_delivery([wa_text(
            "wamid.IBAN", "Bitte erstatten auf DE89 3704 0044 0532 0130 00")]))
        self.process_source(self.wa)
        post = self.Post.search([("external_id", "=", "wamid.IBAN")])
        self.assertNotIn("3704 0044 0532", post.text)
        self.assertTrue(post.ticket_id.has_sensitive_data)
        self.assertEqual(post.ticket_id.priority, "3")

    def test_outside_the_window_only_an_approved_template(self):
        self.deliver_signed(self.wa, wa_delivery([wa_text("wamid.OLD", "Hallo?",
                                                          minutes_ago=25 * 60)]))
        self.process_source(self.wa)
        ticket = self.Post.search([("external_id", "=", "wamid.OLD")]).ticket_id
        self.assertIn("approved template", ticket.social_dm_window_note)
        Message = self.env["social.crm.dm.message"].with_user(self.agent)
        with self.assertRaisesRegex(UserError, "approved template"):
            Message._dm_send(ticket, ticket.social_dm_conversation_ids, "Hallo")
        wizard = self.env["social.crm.dm.wizard"].with_user(self.agent).create({
            "ticket_id": ticket.id,
            "conversation_id": ticket.social_dm_conversation_ids.id,
            "template_id": self.template.id,
        })
        wizard.action_send()
        message = ticket.social_dm_message_ids
        self.assertEqual(message.template_id, self.template)
        self.assertIn("Bitte schreiben Sie uns", message.text)
        self.net.add("POST", f"{GRAPH}/{PHONE_ID}/messages", json_body=wa_sent("wamid.TPL"))
        self.run_sender()
        body = json.loads(self.net.requests[0][0].body)
        self.assertEqual((body["type"], body["template"]),
                         ("template", {"name": "service_followup", "language": {"code": "de"}}))
        self.assertEqual(message.state, "sent")
        # a template of another number is refused
        other = self.wa.copy({"name": "Other number", "whatsapp_phone_number_id": "999"})
        foreign = self.env["social.crm.whatsapp.template"].create(
            {"source_id": other.id, "name": "other", "lang": "de"})
        with self.assertRaises(UserError):
            Message._dm_send(ticket, ticket.social_dm_conversation_ids, "", template=foreign)

    def test_the_window_s_closing_time_is_its_readers(self):
        """The Answer Window note, as the product writes it (a job, a webhook: OdooBot
        without a time zone, no user's time zone in the context), gives the closing time in
        the time zone of whom reads the ticket (its agent in Berlin), as the open window's
        'answer by' does. WhatsApp's said the raw UTC value ('2026-12-04 10:12:00')."""
        self.env.ref("base.user_root").partner_id.tz = False
        self.agent.tz = "Europe/Berlin"
        self.deliver_signed(self.wa, wa_delivery([wa_text("wamid.TZ", "Hallo?",
                                                          minutes_ago=25 * 60)]))
        self.process_source(self.wa)
        ticket = self.Post.search([("external_id", "=", "wamid.TZ")]).ticket_id
        ticket.user_id = self.agent
        conversation = ticket.social_dm_conversation_ids
        closes = conversation.window_closes_at
        Lang = self.env["res.lang"]
        berlin = Lang.with_context(tz="Europe/Berlin")._social_format_datetime(closes)
        product = ticket.with_env(self.env(context={
            k: v for k, v in self.env.context.items() if k != "tz"}))
        note = product.social_dm_window_note
        self.assertIn(f"closed on {berlin})", note)
        self.assertNotIn(fields.Datetime.to_string(closes), note)
        # a user's own time zone (the web client's context) is kept
        utc = Lang.with_context(tz="UTC")._social_format_datetime(closes)
        self.assertIn(f"closed on {utc})", ticket.with_context(tz="UTC").social_dm_window_note)

    def test_image_and_document_through_the_media_endpoint(self):
        image = {"from": WA_ID, "id": "wamid.IMG", "timestamp": str(stamp()), "type": "image",
                 "image": {"caption": "So sieht es aus", "mime_type": "image/jpeg",
                           "sha256": "4d0b1b1a", "id": "1037543291543636"}}
        document = {"from": WA_ID, "id": "wamid.DOC", "timestamp": str(stamp()),
                    "type": "document", "document": {
                        "filename": "rechnung.pdf", "mime_type": "application/pdf",
                        "sha256": "9e3f", "id": "2037543291543637"}}
        lookaside = "https://lookaside.fbsbx.com/whatsapp_business/attachments/"
        for media_id, size in (("1037543291543636", len(JPEG)), ("2037543291543637", len(EXE))):
            self.net.add("GET", f"{GRAPH}/{media_id}", json_body={
                "messaging_product": "whatsapp", "url": f"{lookaside}?mid={media_id}",
                "mime_type": "image/jpeg", "sha256": "x", "file_size": str(size),
                "id": media_id})
        self.net.add("GET", lookaside, body=JPEG)
        self.deliver_signed(self.wa, wa_delivery([image]))
        self.process_source(self.wa)
        post = self.Post.search([("external_id", "=", "wamid.IMG")])
        self.assertEqual(post.text, "So sieht es aus")
        ticket = post.ticket_id
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual((attachment.mimetype, attachment.raw), ("image/jpeg", JPEG))
        self.assertTrue(all(r.headers.get("Authorization") == f"Bearer {WA_TOKEN}"
                            for r, _k in self.net.requests))
        # a program declared as a PDF is refused by its content, the message is kept
        self.net.routes.pop(("GET", "lookaside.fbsbx.com/whatsapp_business/attachments/"))
        self.net.add("GET", lookaside, body=EXE)
        self.deliver_signed(self.wa, wa_delivery([document]))
        self.process_source(self.wa)
        self.assertEqual(self.Post.search([("external_id", "=", "wamid.DOC")]).ticket_id, ticket)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "rechnung.pdf" in (m.body or "") and "not an image or PDF" in (m.body or "")))
        # over the size limit: not even downloaded
        self.env["ir.config_parameter"].set_param("social_crm_helpdesk_dm.max_media_bytes", "10")
        self.net.requests.clear()
        self.net.add("GET", f"{GRAPH}/3037543291543638", json_body={
            "messaging_product": "whatsapp", "url": f"{lookaside}?mid=3", "mime_type":
            "image/jpeg", "sha256": "x", "file_size": "50000000", "id": "3037543291543638"})
        big = dict(image, id="wamid.BIG", image=dict(image["image"], id="3037543291543638"))
        self.deliver_signed(self.wa, wa_delivery([big]))
        self.process_source(self.wa)
        self.assertEqual(len(self.net.requests), 1, "only the media lookup, no download")


@tagged("post_install", "-at_install")
class TestInstagramDm(MetaDmCase):
    IG = "17841400000000001"
    IGSID = "1234567890123456"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.instagram = cls.env.ref("social_crm.network_instagram")
        cls.ig = cls.env["social.crm.source"].create({
            "name": "Acme Instagram (push)",
            "network_id": cls.instagram.id,
            "kind": "page",
            "account_id": cls.IG,
            "intake_mode": "push",
            "app_secret": APP_SECRET,
            "access_token": "EAAGinstagramPAGEtoken123",
            "dm_enabled": True,
            "dm_team_id": cls.team.id,
        })

    def ig_delivery(self, mid, text="", minutes_ago=1, echo=False, attachments=None):
        ms = stamp(minutes_ago) * 1000
        sender, recipient = (self.IG, self.IGSID) if echo else (self.IGSID, self.IG)
        message = {"mid": mid}
        if text:
            message["text"] = text
        if echo:
            message["is_echo"] = True
        if attachments:
            message["attachments"] = attachments
        return {"object": "instagram", "entry": [{"id": self.IG, "time": ms, "messaging": [{
            "sender": {"id": sender}, "recipient": {"id": recipient}, "timestamp": ms,
            "message": message}]}]}

    def test_instagram_conversation_is_a_ticket_answered_in_the_window(self):
        mid = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx"
        self.assertEqual(self.deliver_signed(self.ig, self.ig_delivery(
            mid, "Meine Bestellung ist nicht angekommen")).status_code, 200)
        self.deliver_signed(self.ig, self.ig_delivery("echo-1", "Our answer", echo=True))
        [event] = self.process_source(self.ig)
        self.assertEqual(event.kind, "instagram_dm", "the echo is dropped")
        post = self.Post.search([("external_id", "=", mid)])
        self.assertEqual(post.network_id, self.instagram)
        self.assertEqual(post.identity_id.external_id, self.IGSID)
        ticket = post.ticket_id
        self.assertEqual(ticket.team_id, self.team)
        self.assertTrue(ticket.social_response_deadline)
        self.assertIn("answer by", ticket.social_dm_window_note)
        self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
            ticket, ticket.social_dm_conversation_ids, "Wir kümmern uns darum.")
        self.net.add("POST", f"{GRAPH}/me/messages",
                     json_body={"recipient_id": self.IGSID, "message_id": "ig_sent_1"})
        self.run_sender()
        [(request, _kwargs)] = self.net.requests
        self.assertEqual(json.loads(request.body), {
            "recipient": {"id": self.IGSID}, "message": {"text": "Wir kümmern uns darum."}})
        self.assertNotIn("EAAGinstagram", ticket.social_dm_message_ids.error_message or "")
        self.assertEqual(ticket.social_dm_message_ids.state, "sent")
        self.assertTrue(ticket.social_first_reply_at)
        # an image of the next message lands in the same ticket as an attachment
        url = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1790&signature=abc"
        self.net.add("GET", url, body=JPEG)
        self.deliver_signed(self.ig, self.ig_delivery(
            "mid-2", attachments=[{"type": "image", "payload": {"url": url}}]))
        self.process_source(self.ig)
        self.assertEqual(self.Post.search([("external_id", "=", "mid-2")]).ticket_id, ticket)
        self.assertTrue(self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]))

    def test_a_file_address_inside_the_server_network_is_not_asked(self):
        """A message's file address is the network's data: one that names the cloud metadata
        service (or the loopback, a private network) is not asked, the file is refused with a
        note naming the address, the message is kept. Before, the server fetched it (and,
        here, stored the answer had it been an image)."""
        inner = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
        self.net.add("GET", inner, body=JPEG)
        self.deliver_signed(self.ig, self.ig_delivery("mid-first", "Mein Gerät ist kaputt"))
        self.process_source(self.ig)
        self.deliver_signed(self.ig, self.ig_delivery(
            "mid-inner", "Siehe Bild", attachments=[{"type": "image", "payload": {"url": inner}}]))
        self.process_source(self.ig)
        ticket = self.Post.search([("external_id", "=", "mid-inner")]).ticket_id
        self.assertTrue(ticket, "the message itself is kept")
        self.assertFalse([r for r, _kw in self.net.requests if "169.254" in r.url],
                         "the metadata address is never asked")
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]))
        # (the chatter's redaction reads the dotted address as a phone number)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "/latest/meta-data/" in (m.body or "")
            and "no public address" in (m.body or "")))

    def test_the_window_s_closing_time_is_its_readers(self):
        """Instagram's closed window, written by the product (no user's time zone, OdooBot
        without one): the closing time in the ticket's agent's time zone (Berlin), not UTC."""
        self.env.ref("base.user_root").partner_id.tz = False
        self.agent.tz = "Europe/Berlin"
        self.deliver_signed(self.ig, self.ig_delivery("mid-tz", "Hallo?", minutes_ago=25 * 60))
        self.process_source(self.ig)
        ticket = self.Post.search([("external_id", "=", "mid-tz")]).ticket_id
        ticket.user_id = self.agent
        conversation = ticket.social_dm_conversation_ids
        Lang = self.env["res.lang"]
        berlin = Lang.with_context(tz="Europe/Berlin")._social_format_datetime(
            conversation.window_closes_at)
        utc = Lang.with_context(tz="UTC")._social_format_datetime(conversation.window_closes_at)
        self.assertNotEqual(berlin, utc)
        product = conversation.with_env(self.env(context={
            k: v for k, v in self.env.context.items() if k != "tz"}))
        self.assertIn(f"closed on {berlin})", product._window_problem())
        self.assertIn(f"closed on {berlin})", product.ticket_id.social_dm_window_note)

    def test_outside_the_window_and_without_private_messages(self):
        self.deliver_signed(self.ig, self.ig_delivery("mid-old", "Hallo?", minutes_ago=25 * 60))
        self.process_source(self.ig)
        ticket = self.Post.search([("external_id", "=", "mid-old")]).ticket_id
        with self.assertRaisesRegex(UserError, "within 24 hours"):
            self.env["social.crm.dm.message"].with_user(self.agent)._dm_send(
                ticket, ticket.social_dm_conversation_ids, "Hallo")
        self.ig.dm_enabled = False
        self.deliver_signed(self.ig, self.ig_delivery("mid-3", "Hallo"))
        self.assertFalse(self.Event.search([("source_id", "=", self.ig.id),
                                            ("state", "=", "new")]))
        with mute_logger(INTAKE_LOG):
            bad = self.deliver_signed(self.ig, self.ig_delivery("mid-4", "x"), secret="nope")
        self.assertEqual(bad.status_code, 403)
        # a signed delivery Meta would not send (a message without mid) is kept in quarantine
        self.ig.dm_enabled = True
        broken = self.ig_delivery("mid-5", "x")
        del broken["entry"][0]["messaging"][0]["message"]["mid"]
        with mute_logger(INTAKE_LOG):
            self.assertEqual(self.deliver_signed(self.ig, broken).status_code, 200)
        quarantined = self.Event.search([("source_id", "=", self.ig.id),
                                         ("state", "=", "quarantined")])
        self.assertEqual(len(quarantined), 1)
        self.assertIn("without 'mid'", quarantined.error)


@tagged("post_install", "-at_install")
class TestWhatsappTour(WhatsappCase):
    def test_agent_sends_a_template_from_the_ticket(self):
        self.team.user_ids = [(4, self.env.ref("base.user_admin").id)]
        self.deliver_signed(self.wa, wa_delivery([wa_text(
            "wamid.TOUR", "Hallo, ist meine Reklamation angekommen?", minutes_ago=26 * 60)]))
        self.process_source(self.wa)
        ticket = self.Post.search([("external_id", "=", "wamid.TOUR")]).ticket_id
        self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}",
                        "social_crm_helpdesk_dm_whatsapp_tour", login="admin")
        message = ticket.social_dm_message_ids
        self.assertEqual((message.state, message.template_id), ("queued", self.template))
        self.assertFalse(self.net.requests, "nothing is sent in the agent's transaction")
        self.net.add("POST", f"{GRAPH}/{PHONE_ID}/messages", json_body=wa_sent("wamid.T1"))
        self.run_sender()
        self.assertEqual(message.state, "sent")
        self.assertEqual(json.loads(self.net.requests[0][0].body)["template"]["name"],
                         "service_followup")


@tagged("post_install", "-at_install")
class TestWhatsappHeldNumber(WhatsappCase):
    def test_a_mistyped_phone_number_id_keeps_the_messages(self):
        """The company's one WhatsApp number with a mistyped phone number id: its messages
        were dropped. They are kept, and “Use this account ID” sets the phone number id (not
        Our Account ID) and stores them."""
        self.wa.whatsapp_phone_number_id = PHONE_ID + "9"
        with mute_logger(INTAKE_LOG):
            response = self.deliver_signed(self.wa, wa_delivery([wa_text(
                "wamid.HELD1", "Hallo, ist da jemand?")]))
        self.assertEqual(response.status_code, 200)
        event = self.Event.search([("source_id", "=", self.wa.id)])
        self.assertEqual((event.state, event.held_account), ("quarantined", PHONE_ID))
        # the alert, the event and the button's message name the field the number uses
        self.assertEqual(self.wa.webhook_account_label, "WhatsApp Phone Number ID")
        self.assertIn(f"not this source's WhatsApp Phone Number ID ({PHONE_ID}9)", event.error)
        action = self.wa.action_use_held_account()
        self.assertTrue(action["params"]["message"].startswith(
            f"WhatsApp Phone Number ID is now {PHONE_ID};"), action["params"]["message"])
        self.assertEqual(self.wa.whatsapp_phone_number_id, PHONE_ID)
        self.assertFalse(self.wa.account_id)
        [event] = self.process_source(self.wa)
        self.assertEqual((event.state, event.post_count), ("done", 1))


    def test_the_account_field_is_named_per_network_in_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_helpdesk_dm"], ["de_DE"], overwrite=True)
        page = self.env["social.crm.source"].create({
            "name": "Acme page", "network_id": self.env.ref("social_crm.network_facebook").id,
            "kind": "page", "account_id": "102030405060", "intake_mode": "push",
            "app_secret": APP_SECRET})
        self.assertEqual(self.wa.with_context(lang="de_DE").webhook_account_label,
                         "WhatsApp-Telefonnummer-ID")
        self.assertEqual(page.with_context(lang="de_DE").webhook_account_label,
                         "Unsere Konto-ID")
        self.assertEqual(page.webhook_account_label, "Our Account ID")
        # another company's number on the same app: the phone number id may not be emptied
        company_b = self.env["res.company"].create({"name": "Beta Retail GmbH"})
        self.env["social.crm.source"].with_company(company_b).create({
            "name": "Beta WhatsApp", "company_id": company_b.id,
            "network_id": self.whatsapp.id, "kind": "direct", "intake_mode": "push",
            "app_secret": APP_SECRET, "whatsapp_phone_number_id": "106540352242999"})
        with self.assertRaisesRegex(ValidationError, "„WhatsApp-Telefonnummer-ID“ ist "
                                                     "erforderlich"):
            self.wa.with_context(lang="de_DE").whatsapp_phone_number_id = False
        with self.assertRaisesRegex(ValidationError, "WhatsApp Phone Number ID is required"):
            self.wa.whatsapp_phone_number_id = " "


@tagged("post_install", "-at_install")
class TestWhatsappTwoCompanies(WhatsappCase):
    def test_a_message_to_another_company_s_number_is_stored_there(self):
        """One Meta app, one callback address for every WhatsApp Business Account it serves:
        a message to company B's number arrived at company A's WhatsApp source and was stored
        there (A's ticket, answered from A's number). Now it goes to the source of its number
        (metadata.phone_number_id), in company B; a number no source of the app has is
        dropped."""
        company_b = self.env["res.company"].create({"name": "Beta Retail GmbH"})
        wa_b = self.env["social.crm.source"].with_company(company_b).create({
            "name": "Beta WhatsApp", "company_id": company_b.id,
            "network_id": self.whatsapp.id, "kind": "direct", "intake_mode": "push",
            "app_secret": APP_SECRET, "whatsapp_phone_number_id": "106540352242999"})
        for number, wamid in (("106540352242999", "wamid.B1"), ("106540352240000", "wamid.C1"),
                              (PHONE_ID, "wamid.A1")):
            delivery = wa_delivery([wa_text(wamid, "Wo bleibt meine Bestellung?")])
            delivery["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = number
            with mute_logger(INTAKE_LOG):
                self.assertEqual(self.deliver_signed(self.wa, delivery).status_code, 200)
        self.assertEqual(
            self.Event.search([("source_id", "=", self.wa.id)]).mapped("delivery_key"),
            ["whatsapp:wamid.A1"])
        event_b = self.Event.search([("source_id", "=", wa_b.id)])
        self.assertEqual((event_b.delivery_key, event_b.company_id),
                         ("whatsapp:wamid.B1", company_b))
        self.assertFalse(self.Event.search([("delivery_key", "=", "whatsapp:wamid.C1")]))
