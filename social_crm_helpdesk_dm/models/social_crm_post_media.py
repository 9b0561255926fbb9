# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Images and PDFs of private messages, stored as attachments of the ticket: downloaded when
the message is processed (never in the webhook's request), refused over the size limit or
when the bytes are not an allowed type (the type is read from the content, not from what the
sender declared); a note on the ticket says what was refused and why, the message itself is
kept."""

import base64
import logging

from markupsafe import Markup

from odoo import api, models
from odoo.addons.social_crm.connectors import http, messenger, telegram, whatsapp
from odoo.addons.social_crm.connectors.base import ConnectorError
from odoo.tools.mimetypes import guess_mimetype

_logger = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}
)
MEDIA_PARAM = "social_crm_helpdesk_dm.max_media_bytes"


def media_problem(data, max_bytes):
    """``(mimetype, None)`` for allowed content, else ``(mimetype, reason code)``."""
    if len(data) > max_bytes:
        return None, "size"
    mimetype = guess_mimetype(data, default="application/octet-stream")
    return mimetype, None if mimetype in ALLOWED_TYPES else "type"


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _ingest_after_create(self, records, posts):
        records = super()._ingest_after_create(records, posts)
        media = {
            (post.network, post.external_id): post.raw.get("media")
            for post in posts
            if post.conversation_external_id
            and post.conversation_external_id.startswith("dm:")
            and post.raw.get("media")
        }
        if media:
            for record in records.filtered(lambda r: r.is_direct and r.ticket_id):
                items = media.get((record.network_id.code, record.external_id))
                if items:
                    record._dm_store_media(items)
        return records

    @api.model
    def _dm_max_media_bytes(self):
        # sudo: system parameters are readable by administrators only
        value = self.env["ir.config_parameter"].sudo().get_param(MEDIA_PARAM)
        try:
            return max(int(value), 1) if value else MAX_MEDIA_BYTES
        except ValueError:
            return MAX_MEDIA_BYTES

    def _dm_download(self, item, max_bytes):
        self.ensure_one()
        source = self.sudo().source_id  # sudo: sources hold credentials (managers only)
        if self.network_id.code == "telegram":
            credentials = dict(source._connector_config().credentials) if source else {}
            return telegram.download_file(credentials, item["file_id"], max_bytes)
        if self.network_id.code == "whatsapp":  # the Graph media endpoint, with the token
            config = source._connector_config() if source else None
            return whatsapp.download_media(
                dict(config.credentials) if config else {}, item["media_id"], max_bytes,
                base_url=config.base_url if config else "",
            )
        # an address from the message's data: only public addresses are asked
        response = http.request(None, "GET", item["url"], network=messenger.NETWORK,
                                max_bytes=max_bytes, public_only=True)
        return response.content

    def _dm_store_media(self, items):
        """Download the message's files, attach the allowed ones to the ticket's chatter."""
        self.ensure_one()
        # sudo: the files go to the ticket, whoever ingested the message
        ticket = self.sudo().ticket_id
        max_bytes = self._dm_max_media_bytes()
        attachments, refused = [], []
        for item in items:
            name = item.get("file_name") or ("image.jpg" if item.get("type") == "image"
                                              else "file")
            size = item.get("file_size")
            if isinstance(size, int) and size > max_bytes:
                refused.append((name, "size"))
                continue
            try:
                data = self._dm_download(item, max_bytes)
            except ConnectorError as error:
                _logger.info("Social CRM: file of message %s not downloaded: %s", self.id, error)
                refused.append((name, str(error)))
                continue
            mimetype, problem = media_problem(data, max_bytes)
            if problem:
                refused.append((name, problem))
                continue
            attachments.append({
                "name": name,
                "datas": base64.b64encode(data),
                "mimetype": mimetype,
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            })
        # the notes in the language of whom reads the ticket, not the webhook's or job's user's
        words = self.with_context(lang=ticket.sudo()._social_reader_lang()).env
        reasons = {
            "size": words._("over the size limit of %(mb)s MB",
                               mb=round(max_bytes / 1024 / 1024, 1)),
            "type": words._("not an image or PDF"),
        }
        lines = []
        if attachments:
            # sudo: the product attaches the files to a ticket the ingesting user may not write
            created = self.env["ir.attachment"].sudo().create(attachments)
            ticket.message_post(
                body=Markup("<p>%s</p>") % words._(
                    "Files of the customer's private message: %(names)s",
                    names=", ".join(created.mapped("name")),
                ),
                attachment_ids=created.ids,
                author_id=self.partner_id.id or None,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        for name, why in refused:
            lines.append(words._("%(name)s: %(why)s", name=name, why=reasons.get(why, why)))
        if lines:
            ticket.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (
                    words._("Files of the customer's private message not stored:"),
                    Markup("").join(Markup("<li>%s</li>") % line for line in lines),
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
