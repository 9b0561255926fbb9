# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Redaction on every path, new kinds, hiding bank/card data, GDPR export/erase, retention."""

import json
from unittest.mock import patch

from markupsafe import Markup

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SocialHelpdeskCase

IBAN = "DE89 3704 0044 0532 0130 00"
CARD = "4111 1111 1111 1111"
GRAPH = "https://graph.facebook.com/v23.0"


@tagged("post_install", "-at_install")
class TestRedactionPaths(SocialHelpdeskCase):
    def _post_vals(self, ext, text, **kw):
        vals = {
            "network_id": self.x.id,
            "external_id": ext,
            "text": text,
            "posted_at": "2026-01-01 10:00:00",
        }
        vals.update(kw)
        return vals

    def test_plain_create_redacts_and_classifies(self):
        post = self.Post.create(
            self._post_vals("c-1", f"Frechheit! Überweist endlich an {IBAN}", raw_payload={
                "text": f"Frechheit! Überweist endlich an {IBAN}", "id": "c-1"})
        )
        self.assertIn("[IBAN removed, ends 3000]", post.text)
        self.assertNotIn("0532", str(post.sudo().raw_payload))
        self.assertTrue(post.has_sensitive_data)
        self.assertEqual(post.pii_kinds, "iban")
        self.assertTrue(post.complaint_label, "plain create classifies like ingestion")

    def test_write_redacts_and_merges_kinds(self):
        post = self.Post.create(self._post_vals("w-1", f"Karte {CARD}"))
        post.write({"text": "Ruft mich an: +49 151 23456789"})
        self.assertNotIn("23456789", post.text)
        self.assertEqual(set(post.pii_kinds.split(",")), {"card", "phone"})

    def test_import_through_load(self):
        result = self.Post.load(
            ["network_id/id", "external_id", "text", "posted_at"],
            [["social_crm.network_x", "imp-1", f"Meine IBAN {IBAN}", "2026-01-01 10:00:00"]],
        )
        self.assertFalse(result["messages"], result["messages"])
        post = self.Post.browse(result["ids"])
        self.assertNotIn("0532", post.text)
        self.assertTrue(post.has_sensitive_data)

    def test_ingestion_and_create_share_one_pass(self):
        # no automatic ticket: the ticket's own fields are redacted in a pass of their own
        self.env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        with patch(
            "odoo.addons.social_crm_helpdesk.models.social_crm_pii_mixin.redact_report",
            wraps=__import__(
                "odoo.addons.social_crm_helpdesk.detection.pii", fromlist=["redact_report"]
            ).redact_report,
        ) as spy:
            self.ingest(self.complaint("once-1", text=f"@acme Geld zurück auf {IBAN}!"))
        texts = [call.args[0] for call in spy.call_args_list]
        self.assertEqual(sum(1 for t in texts if "Geld zurück" in t and "<p>" not in t), 1)

    def test_ticket_description_and_message_post(self):
        post = self.ingest(self.complaint("t-1"))
        ticket = post.ticket_id
        ticket.write({"description": Markup("<p>Kunde schickt %s</p>") % CARD})
        self.assertNotIn("1111 1111 1111", str(ticket.description))
        self.assertIn("card", ticket.social_pii_kinds)
        message = ticket.message_post(body=f"Laut Telefonat IBAN {IBAN}", message_type="comment")
        self.assertFalse(self.env["mail.message"].search([("body", "ilike", "0532 0130")]))
        ticket._message_update_content(message, body=f"Korrektur: Karte {CARD}")
        self.assertNotIn("1111 1111 1111", str(message.body))
        # a ticket that did not come from social media keeps helpdesk's behaviour
        plain = self.Ticket.create({"name": "Mail", "description": f"<p>{CARD}</p>"})
        self.assertIn("1111 1111 1111", str(plain.description))

    def test_reply_text(self):
        self.company.phone = "+49 30 1234567"
        post = self.ingest(self.complaint("r-1"))
        reply = self.env["social.crm.reply"].create(
            {
                "ticket_id": post.ticket_id.id,
                "post_id": post.id,
                "text": f"Ihre IBAN {IBAN} haben wir. Hotline: +49 30 1234567",
            }
        )
        self.assertNotIn("0532", reply.text)
        self.assertIn("+49 30 1234567", reply.text, "the company's own number stays")

    def test_identity_bio_suggestion_and_contact_notes(self):
        identity = self.env["social.crm.identity"].create(
            {
                "partner_id": self.partner.id,
                "network_id": self.x.id,
                "handle": "petra",
                "bio": "Schreibt mir: petra.privat@example.org",
            }
        )
        self.assertNotIn("petra.privat", identity.bio)
        identity.write({"bio": "Tel. 0151 23456789"})
        self.assertNotIn("23456789", identity.bio)
        author = self.make_author(
            "bio-1", "new_author", "Neue Autorin", bio="Ruft an: +49 151 98765432, geb. 12.03.1985"
        )
        post = self.ingest(self.make_post("bio-post", author, text="Hallo @acme"))
        self.assertNotIn("98765432", post.identity_id.bio)
        self.assertNotIn("12.03.1985", post.identity_id.bio)
        self.assertNotIn("98765432", post.partner_id.comment or "")
        suggestion = self.env["social.crm.match.suggestion"].create(
            {
                "company_id": self.company.id,
                "network_id": self.x.id,
                "author_external_id": "s-1",
                "partner_id": self.partner.id,
                "author_data": {"bio": f"IBAN {IBAN}", "handle": "s1"},
            }
        )
        self.assertNotIn("0532", json.dumps(suggestion.author_data))

    def test_complaint_label_text(self):
        label = self.env["social.crm.complaint.label"].create(
            {"text": f"Geld zurück auf {IBAN}", "is_complaint": True}
        )
        self.assertNotIn("0532", label.text)

    def test_fediverse_handles_are_not_emails(self):
        author = self.make_author(
            "m-1", "ina@mastodon.social", "Ina", network="mastodon"
        )
        post = self.ingest(
            self.make_post(
                "m-post-1",
                author,
                network="mastodon",
                text="@acme@mastodon.example ina@mastodon.social hier, "
                "schreibt an ina.private@gmail.com",
                mentioned_handles=["acme@mastodon.example"],
            ),
            source=self.mastodon_source,
        )
        self.assertIn("@acme@mastodon.example", post.text)
        self.assertIn("ina@mastodon.social", post.text)
        self.assertNotIn("ina.private@gmail.com", post.text)

    def test_new_kinds_and_company_patterns(self):
        self.env["social.crm.pii.pattern"].create(
            {"name": "Kundennummer", "expression": r"KD-\d{6}"}
        )
        post = self.Post.create(
            self._post_vals(
                "k-1",
                "Lieferung an Hauptstraße 5, 10115 Berlin, geb. 12.03.1985, Kunde KD-123456",
            )
        )
        self.assertEqual(set(post.pii_kinds.split(",")), {"address", "custom", "dob"})
        self.assertIn("[Kundennummer removed]", post.text)
        self.assertIn("[postal address removed]", post.text)
        self.assertIn("[date of birth removed]", post.text)
        near = self.Post.create(
            self._post_vals("k-2", "Bestellung 12 von 20000 Stück am 12.03.2024, KD-12345")
        )
        self.assertFalse(near.has_sensitive_data, near.text)
        with self.assertRaises(ValidationError):
            self.env["social.crm.pii.pattern"].create({"name": "Bad", "expression": "(a+)+"})
        with self.assertRaises(ValidationError):
            self.env["social.crm.pii.pattern"].create({"name": "Empty", "expression": "x*"})

    def _send_outbox(self):
        """Hiding may be queued (the outbox sends after the commit): send what is queued."""
        if "social.crm.outbox" not in self.env:
            return
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.env["social.crm.outbox"]._cron_send()
        self.env.invalidate_all()

    def test_auto_hide_bank_data(self):
        self.company.social_pii_auto_hide = True
        author = self.make_author("100000000000778", "kunde", "Kunde", network="facebook")
        self.net.add("POST", f"{GRAPH}/102030405060_900801556", json_body={"success": True})
        post = self.ingest(
            self.complaint("102030405060_900801556", author=author, network="facebook",
                           lang="de", text=f"Frechheit! Geld zurück auf {IBAN}, sofort!"),
            source=self.facebook_source,
        )
        self._send_outbox()
        self.assertTrue(post.social_hidden)
        self.assertTrue(post.ticket_id.message_ids.filtered(lambda m: "hidden" in (m.body or "")))
        # Mastodon: no hiding, the ticket says what to do
        masto = self.make_author("m-2", "kunde@mastodon.example", "Kunde", network="mastodon")
        post = self.ingest(
            self.complaint("m-hide-1", author=masto, network="mastodon",
                           text=f"@acme Frechheit! Karte {CARD} belastet, keiner antwortet!"),
            source=self.mastodon_source,
        )
        self.assertFalse(post.social_hidden)
        self.assertTrue(post.ticket_id.message_ids.filtered(
            lambda m: "moderators" in (m.body or "")))
        # without the setting nothing is hidden
        self.company.social_pii_auto_hide = False
        post = self.ingest(
            self.complaint("102030405060_900801557", author=author, network="facebook",
                           text=f"Frechheit! Karte {CARD}!"),
            source=self.facebook_source,
        )
        self.assertFalse(post.social_hidden)
