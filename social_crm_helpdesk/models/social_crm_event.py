# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Received events keep no personal data once processed: the item is stored as received
(the detection must see the values to flag the post, raise the ticket and alert), and, once
its posts are stored, redacted like the posts' raw payloads."""

import json

from odoo import api, models
from odoo.tools import SQL

from ..detection.pii import redact_json


def _payload_text(payload):
    """As the intake stores it (``RawEvent.payload_text``): a lone surrogate stays escaped."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, sort_keys=True)
    return text


class SocialCrmEvent(models.Model):
    _inherit = "social.crm.event"

    @api.model
    def _process_source(self, source, events):
        result = super()._process_source(source, events)
        self.browse([event.id for event in events])._social_pii_redact_payloads(source)
        return result

    def _social_pii_redact_payloads(self, source):
        """Redact the payloads of these processed events of ``source`` (one read, one
        statement for those that held personal data)."""
        # sudo: payloads are manager-only; the product redacts them for whoever processes
        events = self.sudo().filtered(lambda e: e.state == "done" and e.payload)
        if not events:
            return
        company = source.sudo().company_id
        patterns = self.env["social.crm.pii.pattern"]._social_compiled(company.id)
        lang = company.partner_id.lang or "en_US"
        ids, payloads = [], []
        for event in events:
            try:
                payload = json.loads(event.payload)
            except ValueError:
                continue
            redacted, kinds = redact_json(payload, (), (), patterns, lang=lang)
            if kinds:
                ids.append(event.id)
                payloads.append(_payload_text(redacted))
        if not ids:
            return
        self.env.cr.execute(SQL(
            """UPDATE social_crm_event e SET payload = v.payload
                 FROM unnest(%s::int[], %s::text[]) AS v(id, payload)
                WHERE e.id = v.id""", ids, payloads))
        events.browse(ids).invalidate_recordset(["payload"])
