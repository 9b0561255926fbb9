# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Mastodon status seen through two instances: a status's ``id`` is local to each
instance ("ID of the status in the database"), its ``uri`` is the same everywhere ("URI of
the status used for federation"). Polled through the real connector, answers shaped like
Mastodon's documented Status and Notification entities."""

from unittest.mock import patch

from odoo.addons.social_crm.connectors import mastodon
from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase
from .test_poll import account

SOCIAL = "https://mastodon.social"
OWN = "https://acme.social"
TAG_URL = f"{SOCIAL}/api/v1/timelines/tag/acme"
NOTIFICATIONS_URL = f"{OWN}/api/v1/notifications"
ALICE_URI = "https://mastodon.social/users/alice/statuses/113400000000000001"


def status(sid, uri, acct, text="@acme@acme.social mein Paket ist nie angekommen #acme"):
    user, host = acct.split("@")
    return {
        "id": str(sid),
        "created_at": "2026-11-21T10:15:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "de",
        "uri": uri,
        "url": f"https://{host}/@{user}/{uri.rsplit('/', 1)[-1]}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 1,
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": account(acct),
        "media_attachments": [],
        "mentions": [{"id": "1", "username": "acme", "acct": "acme@acme.social",
                      "url": "https://acme.social/@acme"}],
        "tags": [{"name": "acme", "url": f"{SOCIAL}/tags/acme"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def notification(nid, body):
    return {"id": str(nid), "type": "mention", "created_at": body["created_at"],
            "account": body["account"], "status": body}


@tagged("post_install", "-at_install")
class TestMastodonFederation(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["social.crm.source"]
        cls.hashtag = Source.create(
            {"name": "#acme on mastodon.social", "network_id": cls.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": SOCIAL, "page_size": 20})
        cls.mentions = Source.create(
            {"name": "Mentions on acme.social", "network_id": cls.mastodon.id,
             "kind": "mentions", "base_url": OWN, "access_token": "tok-ACME", "page_size": 20})
        cls.Post = cls.env["social.crm.post"]

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def poll(self, source, url, items):
        self.net.routes.clear()
        self.net.add("GET", url, json_body=items)
        source._poll()
        self.assertFalse(source.last_error)
        self.assertFalse(self.env["social.crm.quarantine"].search([]))

    def posts(self):
        # the demo data holds Mastodon posts too
        return self.Post.search(
            [("network_id", "=", self.mastodon.id),
             ("source_id", "in", (self.hashtag | self.mentions).ids)], order="id")

    def test_same_status_through_two_instances_is_one_post(self):
        # alice's status, id 113400000000000001 on her own instance, 113400000000000999 on
        # acme.social (the copy federated to it)
        self.poll(self.hashtag, TAG_URL,
                  [status("113400000000000001", ALICE_URI, "alice@mastodon.social")])
        first = self.posts()
        self.assertEqual(len(first), 1)
        self.poll(self.mentions, NOTIFICATIONS_URL, [notification(
            "7001", status("113400000000000999", ALICE_URI, "alice@mastodon.social"))])
        self.assertEqual(self.posts(), first, "the same status is stored once")
        self.assertEqual(first.external_id, "113400000000000001", "the first record stays")
        self.assertEqual(first.source_id, self.hashtag)
        self.assertEqual(first.network_uri, ALICE_URI)

    def test_same_status_twice_in_one_batch_is_one_post(self):
        posts = [
            mastodon.parse_status(
                status("113400000000000001", ALICE_URI, "alice@mastodon.social"),
                "mastodon.social"),
            mastodon.parse_status(
                status("113400000000000999", ALICE_URI, "alice@mastodon.social"),
                "acme.social"),
        ]
        result = self.Post._ingest_posts(posts, self.hashtag)
        self.assertEqual(result.created, 1)
        self.assertEqual(self.posts().external_id, "113400000000000001")

    def test_different_statuses_with_the_same_local_id_are_two_posts(self):
        # two instances may give the same id to two unrelated statuses
        self.poll(self.hashtag, TAG_URL, [status(
            "113400000000000005", ALICE_URI, "alice@mastodon.social",
            text="Lieferung kam nie an #acme")])
        self.poll(self.mentions, NOTIFICATIONS_URL, [notification("7002", status(
            "113400000000000005", "https://acme.social/users/bob/statuses/113400000000000005",
            "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))])
        posts = self.posts()
        self.assertEqual(len(posts), 2, "a different status is not a duplicate")
        self.assertEqual(sorted(posts.mapped("author_handle")),
                         ["alice@mastodon.social", "bob@acme.social"])
