# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SocialHelpdeskCase

IBAN = "DE89 3704 0044 0532 0130 00"
CARD = "4111 1111 1111 1111"


@tagged("post_install", "-at_install")
class TestSensitiveData(SocialHelpdeskCase):
    def test_iban_and_card_redacted_everywhere(self):
        text = (
            f"@acme_support Immer noch keine Rückerstattung, Frechheit! Meine IBAN habt ihr doch: "
            f"{IBAN} und die Karte {CARD}. Ruft mich an: +49 151 23456789"
        )
        post = self.ingest(
            self.complaint(
                "pii-1",
                text=text,
                author=self.ina(),
                raw={"data": {"id": "pii-1", "text": text, "note_tweet": {"text": text}},
                     "includes": {"users": [{"id": "9000", "description": "Kein Bot"}]}},
                conversation_external_id="pii-conv",
            )
        )
        self.assertNotIn("0532 0130", post.text)
        self.assertNotIn("1111 1111 1111", post.text)
        self.assertNotIn("23456789", post.text)
        self.assertIn("[IBAN removed, ends 3000]", post.text)
        self.assertIn("[card number removed, ends 1111]", post.text)
        self.assertTrue(post.has_sensitive_data)
        self.assertEqual(set(post.pii_kinds.split(",")), {"iban", "card", "phone"})
        raw = str(post.sudo().raw_payload)
        for value in ("0532 0130", "1111 1111 1111", "23456789"):
            self.assertNotIn(value, raw)
        self.assertIn("Kein Bot", raw)
        ticket = post.ticket_id
        self.assertTrue(ticket.has_sensitive_data)
        self.assertIn("IBAN", ticket.social_pii_summary)
        self.assertNotIn("0532", ticket.description)
        self.assertNotIn("0532", ticket.name)
        note = ticket.message_ids.filtered(lambda m: "Sensitive data removed" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("IBAN", note.body)
        self.assertIn("card number", note.body)
        self.assertNotIn("3704", note.body)
        # a follow-up with an e-mail address: redacted in the chatter, the ticket's kinds grow
        follow = self.ingest(
            self.make_post("pii-2", self.ina(), text="Schreibt mir: ina.private@example.org",
                           conversation_external_id="pii-conv", lang="de")
        )
        self.assertEqual(follow.ticket_id, ticket)
        self.assertIn("email", ticket.social_pii_kinds)
        # nothing of the values can be found
        for needle in ("0532 0130", "DE89 3704", "4111 1111", "ina.private@example.org"):
            self.assertFalse(self.Post.search([("text", "ilike", needle)]))
            self.assertFalse(self.Ticket.search([("description", "ilike", needle)]))
            self.assertFalse(self.Ticket.search([("name", "ilike", needle)]))
            self.assertFalse(self.env["mail.message"].search([("body", "ilike", needle)]))
            self.assertFalse(self.Ticket.search([("message_ids.body", "ilike", needle)]))

    def test_hostile_text(self):
        hostile = (
            "<script>alert(document.cookie)</script>\x00 Kaputt!!! Frechheit, keiner antwortet "
            "' OR 1=1; DROP TABLE helpdesk_ticket; -- " + "ä" * 5000
        )
        post = self.ingest(self.complaint("evil", text=hostile))
        self.assertTrue(post.exists())
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertNotIn("<script", ticket.description)
        self.assertLessEqual(len(ticket.name), 120)
        self.assertTrue(self.Ticket.search_count([]))

    def test_existing_posts_processed_on_install(self):
        post = self.Post.create(
            {
                "network_id": self.x.id,
                "external_id": "old-1",
                "text": f"Überweist an {IBAN}, sofort!",
                "posted_at": "2026-01-01 10:00:00",
                "raw_payload": {"text": f"Überweist an {IBAN}, sofort!"},
            }
        )
        self.Post._social_process_existing()
        self.assertNotIn("0532", post.text)
        self.assertNotIn("0532", str(post.sudo().raw_payload))
        self.assertTrue(post.complaint_label)
