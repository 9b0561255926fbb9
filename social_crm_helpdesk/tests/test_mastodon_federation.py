# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Mastodon complaint read through two instances (a status's ``id`` is local to each
instance, its ``uri`` the same everywhere): one post, one ticket."""

from odoo.addons.social_crm.connectors import mastodon
from odoo.addons.social_crm.tests.test_mastodon_federation import ALICE_URI, status
from odoo.tests import tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestMastodonFederationTickets(SocialHelpdeskCase):
    def test_a_complaint_read_through_two_instances_makes_one_ticket(self):
        other = self.env["social.crm.source"].create(
            {"name": "#acme on mastodon.social", "network_id": self.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://mastodon.social"})
        text = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
        first = self.ingest(mastodon.parse_status(
            status("113400000000000001", ALICE_URI, "alice@mastodon.social", text=text),
            "mastodon.social"), source=other)
        self.assertTrue(first.ticket_id)
        again = self.ingest(mastodon.parse_status(
            status("113400000000000999", ALICE_URI, "alice@mastodon.social", text=text),
            "mastodon.example"), source=self.mastodon_source)
        self.assertEqual(again, first, "the stored post")
        self.assertEqual(self.Post.search_count([("network_uri", "=", ALICE_URI)]), 1)
        self.assertEqual(
            self.Ticket.search_count([("social_post_id", "=", first.id)]), 1, "one ticket")
