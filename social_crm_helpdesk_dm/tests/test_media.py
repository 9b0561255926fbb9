# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Images and PDFs of private messages become attachments of the ticket (Bot API getFile and
file download at the HTTP boundary); other types and files over the limit are refused with a
note, the message is kept."""

from odoo.tests import tagged

from .common import BOT_TOKEN, DmCase, update

API = f"https://api.telegram.org/bot{BOT_TOKEN}"
FILES = f"https://api.telegram.org/file/bot{BOT_TOKEN}"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def get_file(file_id, path, size):
    return {"ok": True, "result": {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                   "file_size": size, "file_path": path}}


@tagged("post_install", "-at_install")
class TestDmMedia(DmCase):
    def test_photo_and_pdf_are_attached_other_files_refused(self):
        photo = update(1401, "", photo=[
            {"file_id": "small", "file_unique_id": "us", "file_size": 10, "width": 9,
             "height": 9},
            {"file_id": "big", "file_unique_id": "ub", "file_size": len(JPEG), "width": 800,
             "height": 600}], caption="So sieht es aus")
        self.net.add("GET", f"{API}/getFile", json_body=get_file("big", "photos/f1.jpg",
                                                                 len(JPEG)))
        self.net.add("GET", f"{FILES}/photos/f1.jpg", body=JPEG,
                     headers={"Content-Type": "image/jpeg"})
        self.deliver(photo)
        self.process()
        post = self.Post.search([("external_id", "=", "1111111:1401")])
        ticket = post.ticket_id
        self.assertEqual(post.text, "So sieht es aus")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual((attachment.name, attachment.mimetype), ("photo.jpg", "image/jpeg"))
        self.assertEqual(attachment.raw, JPEG)
        # a PDF is kept, a program (declared as a PDF) is refused by its content
        self.net.routes.clear()
        self.net.add("GET", f"{API}/getFile", json_body=get_file("doc", "documents/f2.pdf",
                                                                 len(PDF)))
        self.net.add("GET", f"{FILES}/documents/f2.pdf", body=PDF)
        self.deliver(update(1402, "", document={
            "file_id": "doc", "file_unique_id": "ud", "file_name": "rechnung.pdf",
            "mime_type": "application/pdf", "file_size": len(PDF)}))
        self.process()
        self.net.routes.clear()
        self.net.add("GET", f"{API}/getFile", json_body=get_file("exe", "documents/f3.pdf",
                                                                 len(EXE)))
        self.net.add("GET", f"{FILES}/documents/f3.pdf", body=EXE)
        self.deliver(update(1403, "", document={
            "file_id": "exe", "file_unique_id": "ue", "file_name": "beleg.pdf",
            "mime_type": "application/pdf", "file_size": len(EXE)}))
        self.process()
        names = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]).mapped("name")
        self.assertEqual(sorted(names), ["photo.jpg", "rechnung.pdf"])
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "not stored" in (m.body or "") and "beleg.pdf" in (m.body or "")
            and "not an image or PDF" in (m.body or "")))
        self.assertTrue(self.Post.search([("external_id", "=", "1111111:1403")]).ticket_id,
                        "the message itself is kept")

    def test_file_over_the_limit_is_not_downloaded(self):
        self.env["ir.config_parameter"].set_param(
            "social_crm_helpdesk_dm.max_media_bytes", "1000")
        self.deliver(update(1501, "Video", document={
            "file_id": "huge", "file_unique_id": "uh", "file_name": "video.mp4",
            "mime_type": "video/mp4", "file_size": 50_000_000}))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:1501")]).ticket_id
        self.assertFalse(self.net.requests, "nothing is downloaded over the limit")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "video.mp4" in (m.body or "") and "size limit" in (m.body or "")))

    def test_the_notes_on_files_are_in_the_german_agent_s_language(self):
        """The webhook's job writes the notes on the customer's files in the language of whom
        reads the ticket (its team's leader here: German), not in the job's (English)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_helpdesk_dm"], ["de_DE"], overwrite=True)
        self.agent.lang = "de_DE"
        self.team.user_id = self.agent
        self.assertNotEqual(self.env.lang, "de_DE")
        self.net.add("GET", f"{API}/getFile", json_body=get_file("doc", "documents/f2.pdf",
                                                                 len(PDF)))
        self.net.add("GET", f"{FILES}/documents/f2.pdf", body=PDF)
        self.deliver(update(1501, "Die Rechnung", document={
            "file_id": "doc", "file_unique_id": "ud", "file_name": "rechnung.pdf",
            "mime_type": "application/pdf", "file_size": len(PDF)}))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:1501")]).ticket_id
        self.assertTrue(ticket)
        self.net.routes.clear()
        self.net.add("GET", f"{API}/getFile", json_body=get_file("exe", "documents/f3.pdf",
                                                                 len(EXE)))
        self.net.add("GET", f"{FILES}/documents/f3.pdf", body=EXE)
        self.deliver(update(1502, "", document={
            "file_id": "exe", "file_unique_id": "ue", "file_name": "beleg.pdf",
            "mime_type": "application/pdf", "file_size": len(EXE)}))
        self.process()
        bodies = " ".join(ticket.message_ids.mapped(lambda m: str(m.body or "")))
        self.assertIn("Dateien der privaten Kundennachricht: rechnung.pdf", bodies)
        self.assertIn("Nicht gespeicherte Dateien der privaten Kundennachricht:", bodies)
        self.assertNotIn("Files of the customer's private message", bodies)
