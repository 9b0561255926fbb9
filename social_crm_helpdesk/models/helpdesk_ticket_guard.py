# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ticket's social fields are facts recorded by the product (ingestion, the sender of the
replies), never typed by a user: a helpdesk user cannot forge the KPIs (first public reply,
deadline met) or re-point a ticket at another post over RPC.

The product writes them as superuser or with :func:`product_env`. The context value is a
Python object, so a JSON-RPC caller (who may pass any context) cannot forge it."""

from odoo import api, models
from odoo.exceptions import AccessError

PRODUCT_KEY = "social_crm_product_write"
_PRODUCT = object()

#: the ticket fields written by the product only
SOCIAL_PRODUCT_FIELDS = frozenset(
    {
        "social_post_id",
        "social_post_ids",
        "social_network_id",
        "social_conversation_key",
        "social_identity_id",
        "social_tier",
        "social_is_influencer",
        "social_posted_at",
        "social_detected_at",
        "social_ticket_at",
        "social_response_deadline",
        "social_first_reply_at",
        "social_deadline_met",
        "social_waiting_deadline",
        "social_queue_rank",
        "social_wait_since",
        "social_wait_deadline",
        "social_wait_escalate_at",
        "social_wait_reply_at",
        "social_wait_met",
        "social_reopen_count",
        "has_sensitive_data",
        "social_pii_kinds",
        "social_reply_ids",
        "social_handoff_ids",
        "social_hidden",
        "social_url",
        "social_reach",
        "social_escalate_at",
        "social_escalated_half_at",
        "social_escalated_missed_at",
        "social_escalation",
        "social_alerted_at",
    }
)


def product_env(records):
    """``records`` allowed to write the product-only social fields (as their user)."""
    return records.with_context(**{PRODUCT_KEY: _PRODUCT})


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _social_product_fields(self):
        """The ticket fields written by the product only (addons add theirs)."""
        return SOCIAL_PRODUCT_FIELDS

    def _social_check_product_fields(self, vals, creating=False):
        if self.env.su or self.env.context.get(PRODUCT_KEY) is _PRODUCT:
            return
        names = [
            name
            for name in self._social_product_fields().intersection(vals)
            # a new ticket may carry the (empty) defaults a form sends
            if not creating or vals[name]
        ]
        if names:
            labels = sorted(self._fields[name]._description_string(self.env) for name in names)
            raise AccessError(
                self.env._(
                    "These fields of a social ticket are recorded by Social CRM and cannot be "
                    "changed by hand: %(fields)s.",
                    fields=", ".join(labels),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._social_check_product_fields(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._social_check_product_fields(vals)
        return super().write(vals)
