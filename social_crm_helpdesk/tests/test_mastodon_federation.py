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

    def test_two_complaints_sharing_a_local_id_and_a_reply_of_one(self):
        """Two instances gave one id to two complaints: two tickets. A reply read through
        acme.social answers acme.social's status of that id: it goes to that ticket, not to
        the other instance's status of the same id."""
        same_id = "113400000000000005"
        social = self.env["social.crm.source"].create(
            {"name": "#acme on mastodon.social", "network_id": self.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://mastodon.social"})
        alice = self.ingest(mastodon.parse_status(status(
            same_id, ALICE_URI, "alice@mastodon.social",
            text="@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"),
            "mastodon.social"), source=social)
        bob_uri = f"https://mastodon.example/users/bob/statuses/{same_id}"
        bob = self.ingest(mastodon.parse_status(status(
            same_id, bob_uri, "bob@mastodon.example",
            text="@acme Rechnung doppelt abgebucht, das ist eine Frechheit! Geld zurück!"),
            "mastodon.example"), source=self.mastodon_source)
        self.assertTrue(alice.ticket_id and bob.ticket_id)
        self.assertNotEqual(alice.ticket_id, bob.ticket_id, "two statuses, two tickets")
        answer = self.ingest(mastodon.parse_status(dict(status(
            "113400000000000042", "https://mastodon.example/users/bob/statuses/42",
            "bob@mastodon.example",
            text="@acme Immer noch keine Antwort, das Geld fehlt weiterhin!"),
            in_reply_to_id=same_id), "mastodon.example"), source=self.mastodon_source)
        self.assertEqual(answer.ticket_id, bob.ticket_id)
        self.assertEqual(bob.ticket_id.social_conversation_key, bob_uri)
        self.assertNotIn(answer, alice.ticket_id.social_post_ids)
