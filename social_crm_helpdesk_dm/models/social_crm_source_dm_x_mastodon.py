# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X direct messages and Mastodon private mentions.

* Sources of kind *direct*, polled on their schedule: X direct messages (API v2
  ``dm_events``, for plans without the Account Activity webhooks) and Mastodon private
  mentions (statuses of visibility ``direct``).
* Where the plan has the Account Activity API: an X mentions source in mode *Push* with
  *Private Messages* ticked also reads the ``direct_message_events`` of its deliveries.

The posts go through the same ingestion as public posts (identity, redaction, ticket per
conversation)."""

from odoo import api, models
from odoo.addons.social_crm.connectors import mastodon_dm, x_dm
from odoo.exceptions import ValidationError

#: network code -> the connector of its private messages, polled
POLLED_DM_CONNECTORS = {
    "x": x_dm.XDmConnector,
    "mastodon": mastodon_dm.MastodonDmConnector,
}


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    def _is_polled_dm(self):
        self.ensure_one()
        return self.kind == "direct" and self.network_id.code in POLLED_DM_CONNECTORS

    @api.constrains("intake_mode", "network_id", "kind")
    def _check_intake_mode(self):
        polled = self.filtered(lambda s: s._is_polled_dm())
        for source in polled:
            if source.intake_mode != "poll":
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: direct messages of %(network)s are fetched on the "
                        "source's schedule (mode Poll).",
                        name=source.name,
                        network=source.network_id.name,
                    )
                )
        return super(SocialCrmSource, self - polled)._check_intake_mode()

    @api.constrains("kind", "network_id", "account_id", "base_url")
    def _check_polled_dm_settings(self):
        for source in self.filtered(lambda s: s._is_polled_dm()):
            code = source.network_id.code
            if code == "x" and not (source.account_id or "").strip().isdigit():
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: enter our X account's numeric user id as “Our Account "
                        "ID” (our own messages are left out by it).",
                        name=source.name,
                    )
                )
            if code == "mastodon" and not source.base_url:
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: enter the Mastodon instance of our account as Server URL.",
                        name=source.name,
                    )
                )

    def _get_connector(self):
        if self._is_polled_dm():
            connector = POLLED_DM_CONNECTORS[self.network_id.code]
            return connector(self._connector_config())
        return super()._get_connector()

    def _webhook_event_account(self, raw_event):
        """An X direct message: the subscribed user it was delivered for."""
        if raw_event.kind == "x_dm":
            own = raw_event.payload.get("for_user_id")
            return str(own) if own else None
        return super()._webhook_event_account(raw_event)

    def _webhook_split(self, payload):
        """X Account Activity deliveries: their direct messages too, when the source takes
        them (else dropped, as before); the tweets of the delivery are read as before."""
        if self._webhook_network() != "x" or not x_dm.has_direct_messages(payload):
            return super()._webhook_split(payload)
        # read when this source takes them or they are another user's of the app (routed to
        # its source, which decides: _webhook_takes)
        own = str(payload.get("for_user_id") or "") if isinstance(payload, dict) else ""
        wanted = self.dm_enabled or (own and own not in self._webhook_accounts())
        events = x_dm.split_activity(payload) if wanted else []
        return events + super()._webhook_split(payload)

    def _webhook_takes(self, raw_event):
        """X direct messages: an X source with *Private Messages* ticked."""
        if raw_event.kind == "x_dm":
            return self.dm_enabled
        return super()._webhook_takes(raw_event)
