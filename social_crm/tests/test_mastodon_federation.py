# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Mastodon status seen through two instances: a status's ``id`` is local to each
instance ("ID of the status in the database"), its ``uri`` is the same everywhere ("URI of
the status used for federation"). Polled through the real connector, answers shaped like
Mastodon's documented Status and Notification entities."""

import json
from unittest.mock import patch

from odoo.addons.social_crm.connectors import mastodon
from odoo.tests import tagged
from odoo.tools import SQL

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

    def test_a_post_stored_without_uri_is_known_on_its_own_instance_only(self):
        """A post stored before the federation URIs were kept has none: another instance's
        status with the same local id is another status (it was taken for the stored post:
        its counts and text written over it); read again through its own instance, it is the
        stored post."""
        same_id = "113400000000000005"
        self.poll(self.hashtag, TAG_URL, [status(
            same_id, ALICE_URI, "alice@mastodon.social", text="Lieferung kam nie an #acme")])
        alice = self.posts()
        self.env.cr.execute(SQL("UPDATE social_crm_post SET network_uri = NULL WHERE id = %s",
                                alice.id))
        alice.invalidate_recordset(["network_uri"])
        self.assertEqual(alice.instance, SOCIAL)
        self.poll(self.mentions, NOTIFICATIONS_URL, [notification("7003", status(
            same_id, "https://acme.social/users/bob/statuses/113400000000000005",
            "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))])
        posts = self.posts()
        self.assertEqual(len(posts), 2, "another instance's status is not the stored post")
        self.assertEqual(sorted(posts.mapped("author_handle")),
                         ["alice@mastodon.social", "bob@acme.social"])
        self.assertIn("Lieferung", alice.text)
        self.assertEqual((posts - alice).instance, OWN)
        # read again through mastodon.social: the stored post (no third one)
        self.poll(self.hashtag, TAG_URL, [dict(status(
            same_id, ALICE_URI, "alice@mastodon.social", text="Lieferung kam nie an #acme"),
            favourites_count=7)])
        self.assertEqual(self.posts(), posts)
        self.assertEqual(alice.like_count, 7)

    def test_two_statuses_without_uri_sharing_a_local_id_are_two_posts(self):
        """Statuses of the OStatus era carry a ``tag:`` URI, not an ActivityPub id (no
        federation URI is kept): the instance tells two of them with the same id apart."""
        same_id = "1234567"
        self.poll(self.hashtag, TAG_URL, [status(
            same_id, "tag:mastodon.social,2017-04-05:objectId=1234567:objectType=Status",
            "alice@mastodon.social", text="Lieferung kam nie an #acme")])
        self.poll(self.mentions, NOTIFICATIONS_URL, [notification("7004", status(
            same_id, "tag:acme.social,2017-04-06:objectId=1234567:objectType=Status",
            "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))])
        posts = self.posts()
        self.assertEqual(len(posts), 2)
        self.assertFalse(any(posts.mapped("network_uri")))
        self.assertEqual(sorted(posts.mapped("instance")), [OWN, SOCIAL])
        # two conversations: each keyed by its id with its instance (one key before)
        self.assertEqual(sorted(posts.mapped("conversation_external_id")),
                         [f"{same_id}@acme.social", f"{same_id}@mastodon.social"])

    # --- answering: the id of the status on the instance the reply goes through ------------
    def reply_through(self, instance, search_answer=None):
        self.poll(self.hashtag, TAG_URL,
                  [status("113400000000000001", ALICE_URI, "alice@mastodon.social")])
        post = self.posts()
        self.env["social.crm.account"].create(
            {"name": "Acme", "network_id": self.mastodon.id, "base_url": instance,
             "access_token": "tok-ACME"})
        item = self.env["social.crm.outbox"]._queue(
            [{"action": "reply", "post_id": post.id, "text": "@alice@mastodon.social Wir "
              "kümmern uns darum."}])
        self.net.routes.clear()
        self.net.requests.clear()
        if search_answer is not None:
            self.net.add("GET", f"{instance}/api/v2/search", json_body=search_answer)
        self.net.add("POST", f"{instance}/api/v1/statuses", json_body={
            **status("113400000000005000", f"{instance}/users/acme/statuses/113400000000005000",
                     "acme@acme.social", text="Wir kümmern uns darum."),
            "in_reply_to_id": "set by the test below"})
        item._deliver()
        return item

    def sent(self):
        return [(p.method, p.url.split("?")[0], p.body and json.loads(p.body))
                for p, _kw in self.net.requests]

    def test_reply_through_another_instance_answers_that_instance_s_id(self):
        item = self.reply_through(OWN, {"accounts": [], "hashtags": [], "statuses": [
            status("113400000000000999", ALICE_URI, "alice@mastodon.social")]})
        self.assertEqual(item.state, "sent", item.error_message)
        self.assertEqual([(m, u) for m, u, _b in self.sent()],
                         [("GET", f"{OWN}/api/v2/search"), ("POST", f"{OWN}/api/v1/statuses")])
        self.assertEqual(self.sent()[1][2]["in_reply_to_id"], "113400000000000999",
                         "the id of the status on acme.social, not on mastodon.social")
        query = self.net.requests[0][0].url
        self.assertIn("resolve=true", query)
        self.assertIn("q=https%3A%2F%2Fmastodon.social%2Fusers%2Falice", query)

    def test_reply_through_the_reading_instance_answers_the_stored_id(self):
        item = self.reply_through(SOCIAL)
        self.assertEqual(item.state, "sent", item.error_message)
        self.assertEqual([(m, u) for m, u, _b in self.sent()],
                         [("POST", f"{SOCIAL}/api/v1/statuses")], "no search")
        self.assertEqual(self.sent()[0][2]["in_reply_to_id"], "113400000000000001")

    def test_reply_after_the_source_moved_to_another_instance(self):
        """The hashtag source read alice's status on mastodon.social, then its instance URL
        was changed to acme.social: the stored id is still mastodon.social's, so a reply
        through acme.social asks acme.social for its id of the status."""
        self.poll(self.hashtag, TAG_URL,
                  [status("113400000000000001", ALICE_URI, "alice@mastodon.social")])
        post = self.posts()
        self.assertEqual(post.instance, SOCIAL)
        self.hashtag.base_url = OWN
        self.assertEqual(post.instance, SOCIAL, "the post keeps the instance it was read on")
        self.env["social.crm.account"].create(
            {"name": "Acme", "network_id": self.mastodon.id, "base_url": OWN,
             "access_token": "tok-ACME"})
        item = self.env["social.crm.outbox"]._queue(
            [{"action": "reply", "post_id": post.id, "text": "@alice@mastodon.social Wir "
              "kümmern uns darum."}])
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{OWN}/api/v2/search", json_body={
            "accounts": [], "hashtags": [], "statuses": [
                status("113400000000000999", ALICE_URI, "alice@mastodon.social")]})
        self.net.add("POST", f"{OWN}/api/v1/statuses", json_body=status(
            "113400000000005000", f"{OWN}/users/acme/statuses/113400000000005000",
            "acme@acme.social", text="Wir kümmern uns darum."))
        item._deliver()
        self.assertEqual(item.state, "sent", item.error_message)
        self.assertEqual([(m, u) for m, u, _b in self.sent()],
                         [("GET", f"{OWN}/api/v2/search"), ("POST", f"{OWN}/api/v1/statuses")])
        self.assertEqual(self.sent()[1][2]["in_reply_to_id"], "113400000000000999",
                         "acme.social's id of alice's status, not its status of her id")

    def test_reply_after_the_source_was_deleted(self):
        """The source that read the status was deleted: the post still knows its instance,
        and a reply through that instance answers the stored id (no search)."""
        self.poll(self.hashtag, TAG_URL,
                  [status("113400000000000001", ALICE_URI, "alice@mastodon.social")])
        post = self.posts()
        self.hashtag.unlink()
        self.assertFalse(post.source_id)
        self.assertEqual(post.instance, SOCIAL)
        self.env["social.crm.account"].create(
            {"name": "Acme", "network_id": self.mastodon.id, "base_url": SOCIAL,
             "access_token": "tok-ACME"})
        item = self.env["social.crm.outbox"]._queue(
            [{"action": "reply", "post_id": post.id, "text": "@alice@mastodon.social Wir "
              "kümmern uns darum."}])
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("POST", f"{SOCIAL}/api/v1/statuses", json_body=status(
            "113400000000005000", f"{SOCIAL}/users/acme/statuses/113400000000005000",
            "acme@mastodon.social", text="Wir kümmern uns darum."))
        item._deliver()
        self.assertEqual(item.state, "sent", item.error_message)
        self.assertEqual([(m, u) for m, u, _b in self.sent()],
                         [("POST", f"{SOCIAL}/api/v1/statuses")], "no search")
        self.assertEqual(self.sent()[0][2]["in_reply_to_id"], "113400000000000001")

    def test_reply_through_an_instance_that_does_not_find_the_status(self):
        item = self.reply_through(OWN, {"accounts": [], "hashtags": [], "statuses": []})
        self.assertEqual([m for m, _u, _b in self.sent()], ["GET"], "no reply to a wrong id")
        self.assertNotEqual(item.state, "sent")
        self.assertIn("acme.social", item.error_message)
