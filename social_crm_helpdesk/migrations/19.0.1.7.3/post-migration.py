# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

BATCH = 1000


def migrate(cr, version):
    """19.0.1.7.3: received events processed before keep the items as received (the values
    of an IBAN, a card or a phone number in clear): redacted now, as new ones are once
    processed (``social.crm.event._social_pii_redact_payloads``), a batch at a time."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Event = env["social.crm.event"]
    last_id = 0
    while True:
        events = Event.search(
            [("state", "=", "done"), ("id", ">", last_id)], order="id", limit=BATCH)
        if not events:
            return
        last_id = events[-1].id
        for source, group in events.grouped("source_id").items():
            group._social_pii_redact_payloads(source)
        env.invalidate_all()
