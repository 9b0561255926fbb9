# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deletions a Mastodon stream announces, as the listener stores them (``_listener_store``):
a stream announces every deletion of its timeline, so only those of posts the company stored,
or received and has not processed yet, are kept; the others would fill *Deleted Posts* with
posts nobody here saw."""

import json

from odoo.addons.social_crm.connectors import events
from odoo.tests import tagged

from .common import SocialCrmCase
from .test_intake_listener import mastodon_notification


def message(event, payload):
    return json.dumps({"stream": ["user:notification"], "event": event, "payload": payload})


@tagged("post_install", "-at_install")
class TestStreamDeletes(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create({
            "name": "Mastodon mentions (stream)", "network_id": cls.mastodon.id,
            "kind": "mentions", "base_url": "https://mastodon.example",
            "access_token": "mastodon-token-123", "intake_mode": "stream",
        })
        cls.Event = cls.env["social.crm.event"]

    def keys(self):
        return set(self.Event.search([("source_id", "=", self.source.id)]).mapped(
            "delivery_key"))

    def deliver(self, *texts):
        for text in texts:
            self.source._listener_store([events.mastodon_message(text)])

    def test_deletions_kept_only_for_posts_known_here(self):
        mention = json.dumps(mastodon_notification("700", "9700", "@acme kaputt"))
        # the mention arrives, and is deleted seconds later, before it was processed
        self.deliver(message("notification", mention), message("delete", "9700"))
        self.assertIn("mastodon:delete:9700", self.keys(), "its mention waits: kept")
        # processed: the post is stored, then deleted by the deletion; nothing comes back
        self.Event.search([("source_id", "=", self.source.id), ("state", "=", "new")])._process()
        self.assertFalse(self.env["social.crm.post"].search([("external_id", "=", "9700")]))
        # a stored post's deletion is kept; an unknown status's is not
        mention = json.dumps(mastodon_notification("701", "9701", "@acme wieder kaputt"))
        self.deliver(message("notification", mention))
        self.Event.search([("source_id", "=", self.source.id), ("state", "=", "new")])._process()
        self.assertTrue(self.env["social.crm.post"].search([("external_id", "=", "9701")]))
        self.deliver(message("delete", "9701"), message("delete", "123456"))
        keys = self.keys()
        self.assertIn("mastodon:delete:9701", keys)
        self.assertNotIn("mastodon:delete:123456", keys)
        self.Event.search([("source_id", "=", self.source.id), ("state", "=", "new")])._process()
        self.assertFalse(self.env["social.crm.post"].search([("external_id", "=", "9701")]))
        self.assertFalse(self.env["social.crm.post.deleted"].search(
            [("external_id", "=", "123456")]))
