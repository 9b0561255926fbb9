# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mastodon ids are local to each instance ("ID of the status in the database"): two
instances may give one id to two unrelated statuses, and an id read through one instance
(a stream's ``delete``, a reply's ``in_reply_to_id``) names that instance's status only.
Two streaming sources on two instances, messages shaped as Mastodon's streaming API sends
them (``notification`` with a Notification, ``delete`` with the status id as a string); the
posts stored before 19.0.1.5.0 get their federation URI from their stored status."""

import importlib.util
import json
from os.path import dirname, join
from unittest.mock import patch

from odoo.addons.social_crm.connectors import events, mastodon
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SocialCrmCase
from .test_mastodon_federation import notification, status

SOCIAL = "https://mastodon.social"
OWN = "https://acme.social"
SAME_ID = "113400000000000005"
ALICE_URI = f"https://mastodon.social/users/alice/statuses/{SAME_ID}"
BOB_URI = f"https://acme.social/users/bob/statuses/{SAME_ID}"


def message(event, payload):
    """A streaming message (``payload``: a JSON string, or the id of a deleted status)."""
    return json.dumps({"stream": ["user:notification"], "event": event, "payload": payload})


def reply(sid, uri, acct, in_reply_to, text="@acme@acme.social immer noch nichts da"):
    return dict(status(sid, uri, acct, text=text), in_reply_to_id=in_reply_to,
                in_reply_to_account_id="109999")


@tagged("post_install", "-at_install")
class TestMastodonInstances(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["social.crm.source"]
        cls.social = Source.create({
            "name": "Mentions on mastodon.social", "network_id": cls.mastodon.id,
            "kind": "mentions", "base_url": SOCIAL, "access_token": "tok-SOCIAL",
            "intake_mode": "stream"})
        cls.own = Source.create({
            "name": "Mentions on acme.social", "network_id": cls.mastodon.id,
            "kind": "mentions", "base_url": OWN, "access_token": "tok-ACME",
            "intake_mode": "stream"})
        cls.Post = cls.env["social.crm.post"]
        cls.Event = cls.env["social.crm.event"]

    def deliver(self, source, *texts):
        """As the listener: store the stream's messages, then the job processes them."""
        source._listener_store([events.mastodon_message(text) for text in texts])
        waiting = self.Event.search([("source_id", "=", source.id), ("state", "=", "new")])
        waiting._process()
        self.assertEqual(set(waiting.mapped("state")), {"done"}, waiting.mapped("error"))

    def mention(self, source, nid, body):
        self.deliver(source, message("notification", json.dumps(notification(nid, body))))

    def post(self, source, external_id):
        return self.Post.search([("source_id", "=", source.id),
                                 ("external_id", "=", external_id)])

    def two_statuses_with_one_id(self):
        """alice's status on mastodon.social and bob's on acme.social, both id SAME_ID."""
        self.mention(self.social, "7001", status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"))
        self.mention(self.own, "8001", status(
            SAME_ID, BOB_URI, "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))
        alice, bob = self.post(self.social, SAME_ID), self.post(self.own, SAME_ID)
        self.assertTrue(alice and bob and alice != bob)
        return alice, bob

    # --- deletions ---------------------------------------------------------------------------
    def test_delete_removes_only_the_status_of_its_instance(self):
        alice, bob = self.two_statuses_with_one_id()
        self.deliver(self.own, message("delete", SAME_ID))  # bob deleted his status
        self.assertFalse(bob.exists())
        self.assertTrue(alice.exists(), "mastodon.social's status of that id is another one")
        self.assertEqual(alice.network_uri, ALICE_URI)

    def test_delete_through_another_source_of_the_same_instance(self):
        """A hashtag source and the mentions stream of one instance share its ids."""
        hashtag = self.env["social.crm.source"].create({
            "name": "#acme on mastodon.social", "network_id": self.mastodon.id,
            "kind": "hashtag", "query": "acme", "base_url": "https://Mastodon.social/",
            "intake_mode": "stream"})
        alice, bob = self.two_statuses_with_one_id()
        self.deliver(hashtag, message("delete", SAME_ID))
        self.assertFalse(alice.exists())
        self.assertTrue(bob.exists())

    def test_delete_of_a_status_stored_only_through_another_instance_is_not_kept(self):
        """The stream of mastodon.social announces the deletion of its status SAME_ID; the
        company stored only acme.social's: the deletion names no post here (dropped as any
        deletion of a status never stored), acme.social's post stays."""
        self.mention(self.own, "8001", status(
            SAME_ID, BOB_URI, "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))
        bob = self.post(self.own, SAME_ID)
        self.social._listener_store([events.mastodon_message(message("delete", SAME_ID))])
        self.assertFalse(self.Event.search([("source_id", "=", self.social.id)]))
        self.assertTrue(bob.exists())

    def test_a_deleted_id_keeps_out_only_its_instance_s_status(self):
        """bob deleted his status SAME_ID on acme.social: it stays deleted there, while
        mastodon.social's status SAME_ID (alice's, arriving later) is stored and followed."""
        self.mention(self.own, "8001", status(
            SAME_ID, BOB_URI, "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))
        self.deliver(self.own, message("delete", SAME_ID))
        deleted = self.env["social.crm.post.deleted"].search([("external_id", "=", SAME_ID)])
        self.assertEqual(deleted.instance, "acme.social")
        self.assertEqual(deleted.network_uri, BOB_URI)
        self.mention(self.social, "7001", status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"))
        alice = self.post(self.social, SAME_ID)
        self.assertTrue(alice, "another instance's status with the deleted id is stored")
        # bob's status, delivered again through acme.social, stays deleted
        self.mention(self.own, "8002", status(
            SAME_ID, BOB_URI, "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))
        self.assertFalse(self.post(self.own, SAME_ID))
        # the stored one follows its counts
        self.mention(self.social, "7002", dict(status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"),
            favourites_count=9))
        self.assertEqual(alice.like_count, 9)

    def test_a_status_deleted_here_is_not_stored_again_through_another_instance(self):
        self.mention(self.social, "7001", status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"))
        self.post(self.social, SAME_ID).unlink()  # a user deleted it
        # the same status, federated to acme.social under its id there
        self.mention(self.own, "8001", status(
            "113400000000000999", ALICE_URI, "alice@mastodon.social",
            text="@acme Lieferung kam nie an"))
        self.assertFalse(self.Post.search([("network_uri", "=", ALICE_URI)]))

    # --- the post's own instance ------------------------------------------------------------
    def test_a_post_keeps_the_instance_it_was_read_through(self):
        alice, bob = self.two_statuses_with_one_id()
        self.assertEqual((alice.instance, bob.instance), (SOCIAL, OWN))
        hashtag = self.env["social.crm.source"].create({
            "name": "#acme on mastodon.social", "network_id": self.mastodon.id,
            "kind": "hashtag", "query": "acme", "base_url": "HTTPS://Mastodon.Social/",
            "intake_mode": "stream"})
        uri = "https://mastodon.social/users/erin/statuses/113400000000000061"
        self.deliver(hashtag, message("update", json.dumps(status(
            "113400000000000061", uri, "erin@mastodon.social"))))
        self.assertEqual(self.post(hashtag, "113400000000000061").instance, SOCIAL,
                         "normalised: scheme and host, lower case")

    def replacement(self, base_url=OWN):
        """Another source reading ``base_url`` (the one that read the posts was deleted)."""
        return self.env["social.crm.source"].create({
            "name": "#acme on acme.social", "network_id": self.mastodon.id,
            "kind": "hashtag", "query": "acme", "base_url": base_url,
            "intake_mode": "stream"})

    def test_a_delete_matches_the_post_of_a_deleted_source(self):
        """acme.social's mentions source was deleted; bob's status read through it is still
        acme.social's: its deletion on the stream of another acme.social source removes it
        (mastodon.social's status of that id stays)."""
        alice, bob = self.two_statuses_with_one_id()
        self.own.unlink()
        self.assertFalse(bob.source_id)
        hashtag = self.replacement()
        self.deliver(hashtag, message("delete", SAME_ID))
        self.assertFalse(bob.exists(), "acme.social's status SAME_ID was deleted")
        self.assertTrue(alice.exists())
        deleted = self.env["social.crm.post.deleted"].search([("external_id", "=", SAME_ID)])
        self.assertEqual(deleted.instance, "acme.social")
        self.assertEqual(deleted.network_uri, BOB_URI)

    def test_a_reply_joins_the_post_of_a_deleted_source(self):
        _alice, bob = self.two_statuses_with_one_id()
        self.own.unlink()
        hashtag = self.replacement()
        self.deliver(hashtag, message("update", json.dumps(reply(
            "113400000000000042", "https://acme.social/users/carl/statuses/113400000000000042",
            "carl@acme.social", SAME_ID, text="#acme bei mir auch"))))
        answer = self.post(hashtag, "113400000000000042")
        self.assertEqual(answer.conversation_external_id, BOB_URI)
        self.assertEqual(self.Post.search(bob._get_conversation_domain()), bob | answer)

    def test_replies_stored_first_join_a_parent_whose_source_was_deleted_meanwhile(self):
        """carl's reply was read through acme.social's mentions; that source was deleted
        before bob's status arrived through another acme.social source: the reply still
        joins it."""
        uri = "https://acme.social/users/carl/statuses/113400000000000051"
        self.mention(self.own, "8002", reply("113400000000000051", uri, "carl@acme.social",
                                             SAME_ID))
        carl = self.post(self.own, "113400000000000051")
        self.own.unlink()
        hashtag = self.replacement()
        self.deliver(hashtag, message("update", json.dumps(status(
            SAME_ID, BOB_URI, "bob@acme.social", text="#acme Rechnung doppelt"))))
        self.assertEqual(carl.conversation_external_id, BOB_URI)

    def test_a_source_moved_to_another_instance_leaves_its_old_posts_alone(self):
        """acme.social's source is changed to read mastodon.social: bob's post keeps
        acme.social; mastodon.social's deletion of its status SAME_ID, and a reply to it,
        are not about bob's status."""
        self.mention(self.own, "8001", status(
            SAME_ID, BOB_URI, "bob@acme.social", text="@acme Rechnung doppelt abgebucht"))
        bob = self.post(self.own, SAME_ID)
        self.own.base_url = SOCIAL
        self.assertEqual(bob.instance, OWN)
        erin_uri = "https://mastodon.social/users/erin/statuses/113400000000000053"
        self.mention(self.own, "7002", reply(
            "113400000000000053", erin_uri, "erin@mastodon.social", SAME_ID))
        erin = self.post(self.own, "113400000000000053")
        self.assertEqual(erin.instance, SOCIAL)
        self.assertEqual(erin.conversation_external_id, erin_uri,
                         "mastodon.social's status SAME_ID is not bob's")
        self.Post._ingest_deletions([mastodon.parse_stream_delete(SAME_ID)], self.own)
        self.assertTrue(bob.exists(), "mastodon.social's status SAME_ID was deleted, not bob's")
        deleted = self.env["social.crm.post.deleted"].search([("external_id", "=", SAME_ID)])
        self.assertEqual(deleted.instance, "mastodon.social")
        self.assertFalse(deleted.network_uri)
        # bob's status stays followed through acme.social
        self.deliver(self.replacement(), message("delete", SAME_ID))
        self.assertFalse(bob.exists())

    def test_a_status_stored_under_another_instance_s_id_is_not_matched_by_its_delete(self):
        """alice's status (home mastodon.social, id SAME_ID there) was read through
        acme.social under acme.social's id; mastodon.social's stream announces its deletion
        by SAME_ID: nothing here names the status by that id (asking mastodon.social which
        status SAME_ID was is no longer possible: it is deleted), so the post stays (the
        re-check through acme.social finds it gone: TestRecheck)."""
        self.mention(self.own, "8001", status(
            "113400000000000999", ALICE_URI, "alice@mastodon.social",
            text="@acme Lieferung kam nie an"))
        alice = self.post(self.own, "113400000000000999")
        self.Post._ingest_deletions([mastodon.parse_stream_delete(SAME_ID)], self.social)
        self.assertTrue(alice.exists())

    # --- threads -----------------------------------------------------------------------------
    def test_reply_joins_its_parent_read_through_the_same_instance(self):
        alice, bob = self.two_statuses_with_one_id()
        self.assertEqual(alice.conversation_external_id, ALICE_URI, "a status starts its own")
        self.assertEqual(bob.conversation_external_id, BOB_URI)
        # bob answers his own status: acme.social's in_reply_to_id is its own id
        self.mention(self.own, "8002", reply(
            "113400000000000042", "https://acme.social/users/bob/statuses/113400000000000042",
            "bob@acme.social", SAME_ID))
        answer = self.post(self.own, "113400000000000042")
        self.assertEqual(answer.in_reply_to_external_id, SAME_ID)
        self.assertEqual(answer.conversation_external_id, BOB_URI,
                         "bob's thread, not alice's status of the same id on mastodon.social")
        self.assertEqual(
            self.Post.search(alice._get_conversation_domain()), alice,
            "alice's conversation holds none of acme.social's posts")
        self.assertEqual(self.Post.search(bob._get_conversation_domain()), bob | answer)

    def test_reply_to_a_status_not_stored_through_its_instance_starts_its_own(self):
        self.mention(self.social, "7001", status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"))
        uri = "https://acme.social/users/bob/statuses/113400000000000042"
        self.mention(self.own, "8002", reply(
            "113400000000000042", uri, "bob@acme.social", SAME_ID))
        self.assertEqual(self.post(self.own, "113400000000000042").conversation_external_id,
                         uri, "acme.social's status SAME_ID is not stored here")

    def test_thread_in_one_batch(self):
        """A page holding a status and the replies to it (and to them): one conversation,
        whatever the order; another status of the page starts its own."""
        uri = "https://acme.social/users/bob/statuses/%s"
        posts = [mastodon.parse_status(body, "acme.social") for body in (
            reply("113400000000000052", uri % 52, "carl@acme.social", "113400000000000051"),
            reply("113400000000000051", uri % 51, "bob@acme.social", "113400000000000050"),
            status("113400000000000050", uri % 50, "bob@acme.social"),
            status("113400000000000060", uri % 60, "dana@acme.social"),
        )]
        self.Post._ingest_posts(posts, self.own)
        conversations = {p.external_id: p.conversation_external_id
                         for p in self.Post.search([("source_id", "=", self.own.id)])}
        self.assertEqual(conversations, {
            "113400000000000050": uri % 50, "113400000000000051": uri % 50,
            "113400000000000052": uri % 50, "113400000000000060": uri % 60})

    def test_replies_cost_the_same_queries_whatever_their_number(self):
        """Finding the parents of a batch's replies: a fixed number of queries, whatever
        the number of replies."""
        uri = "https://acme.social/users/bob/statuses/%s"
        parents = [mastodon.parse_status(status(str(113400000000001000 + i),
                                                uri % (1000 + i), "bob@acme.social"),
                                         "acme.social") for i in range(30)]
        self.Post._ingest_posts(parents, self.own)

        def replies(first, count):
            return [mastodon.parse_status(reply(
                str(113400000000002000 + i), uri % (2000 + i), "carl@acme.social",
                str(113400000000001000 + i % 30)), "acme.social")
                for i in range(first, first + count)]

        Post = type(self.Post)
        original = Post._ingest_threads
        counts = []

        def counted(model, *args):
            before = model.env.cr.sql_log_count
            result = original(model, *args)
            counts.append(model.env.cr.sql_log_count - before)
            return result

        with patch.object(Post, "_ingest_threads", counted):
            for first, count in ((0, 3), (3, 26)):
                self.env.invalidate_all()
                self.Post._ingest_posts(replies(first, count), self.own)
        self.assertEqual(counts[0], counts[1])
        # the source's instance URL (read again: the cache was cleared), the stored parents
        # (of the instance: the posts keep it, no query for the instance's sources)
        self.assertLessEqual(counts[1], 2)
        answers = self.Post.search([("in_reply_to_external_id", "!=", False),
                                    ("source_id", "=", self.own.id)])
        self.assertEqual(len(answers), 29)
        for post in answers:
            self.assertEqual(post.conversation_external_id,
                             uri % (1000 + (int(post.external_id) - 113400000000002000) % 30))

    def test_replies_stored_before_their_parent_join_it_when_it_arrives(self):
        """carl's reply (and dana's answer to it) arrive through acme.social before bob's
        status they answer: they start carl's conversation. When bob's status is stored
        through acme.social they join its conversation; mastodon.social's reply to its own
        status of the same id stays where it is."""
        uri = "https://acme.social/users/%s/statuses/%s"
        self.mention(self.own, "8002", reply(
            "113400000000000051", uri % ("carl", 51), "carl@acme.social", SAME_ID))
        self.mention(self.own, "8003", reply(
            "113400000000000052", uri % ("dana", 52), "dana@acme.social",
            "113400000000000051"))
        self.mention(self.social, "7002", reply(
            "113400000000000053", "https://mastodon.social/users/erin/statuses/53",
            "erin@mastodon.social", SAME_ID))
        carl, dana = (self.post(self.own, "113400000000000051"),
                      self.post(self.own, "113400000000000052"))
        erin = self.post(self.social, "113400000000000053")
        self.assertEqual(carl.conversation_external_id, uri % ("carl", 51), "its own, for now")
        self.assertEqual(dana.conversation_external_id, uri % ("carl", 51))
        self.mention(self.own, "8001", status(SAME_ID, BOB_URI, "bob@acme.social"))
        bob = self.post(self.own, SAME_ID)
        self.assertEqual(bob.conversation_external_id, BOB_URI)
        self.assertEqual(carl.conversation_external_id, BOB_URI, "joined its parent's")
        self.assertEqual(dana.conversation_external_id, BOB_URI, "with the posts under it")
        self.assertEqual(self.Post.search(bob._get_conversation_domain()), bob | carl | dana)
        self.assertEqual(erin.conversation_external_id,
                         "https://mastodon.social/users/erin/statuses/53",
                         "mastodon.social's SAME_ID is another status")

    def test_a_reply_already_in_a_conversation_is_not_moved(self):
        """A reply stored in its parent's conversation keeps it when a status of its
        parent's id is stored again (another instance, or its parent itself)."""
        self.mention(self.own, "8001", status(SAME_ID, BOB_URI, "bob@acme.social"))
        uri = "https://acme.social/users/carl/statuses/113400000000000051"
        self.mention(self.own, "8002", reply(
            "113400000000000051", uri, "carl@acme.social", SAME_ID))
        self.mention(self.social, "7001", status(
            SAME_ID, ALICE_URI, "alice@mastodon.social", text="@acme Lieferung kam nie an"))
        self.assertEqual(self.post(self.own, "113400000000000051").conversation_external_id,
                         BOB_URI)

    def test_joining_waiting_replies_costs_the_same_queries_whatever_their_number(self):
        uri = "https://acme.social/users/carl/statuses/%s"

        def replies(first, count):
            return [mastodon.parse_status(reply(
                str(113400000000002000 + i), uri % (2000 + i), "carl@acme.social",
                str(113400000000001000 + i)), "acme.social")
                for i in range(first, first + count)]

        def parents(first, count):
            return [mastodon.parse_status(status(
                str(113400000000001000 + i), f"https://acme.social/users/bob/statuses/{i}",
                "bob@acme.social"), "acme.social") for i in range(first, first + count)]

        self.Post._ingest_posts(replies(0, 29), self.own)
        Post = type(self.Post)
        original = Post._ingest_join_waiting_replies
        counts = []

        def counted(model, *args):
            before = model.env.cr.sql_log_count
            result = original(model, *args)
            counts.append(model.env.cr.sql_log_count - before)
            return result

        with patch.object(Post, "_ingest_join_waiting_replies", counted):
            # the first join warms the caches the others find filled (e.g. the ORM's)
            for first, count in ((0, 1), (1, 3), (4, 25)):
                self.env.invalidate_all()
                self.Post._ingest_posts(parents(first, count), self.own)
        self.assertEqual(counts[1], counts[2])
        for post in self.Post.search([("external_id", "in", [
                str(113400000000002000 + i) for i in range(29)])]):
            i = int(post.external_id) - 113400000000002000
            self.assertEqual(post.conversation_external_id,
                             f"https://acme.social/users/bob/statuses/{i}")

    def test_reply_to_a_post_stored_before_the_federation_uri(self):
        """A parent stored before 19.0.1.5.0 has no conversation: its ticket (helpdesk) is
        keyed by its id, so its replies join that."""
        self.mention(self.own, "8001", status(SAME_ID, BOB_URI, "bob@acme.social"))
        bob = self.post(self.own, SAME_ID)
        bob.sudo().write({"conversation_external_id": False})
        self.mention(self.own, "8002", reply(
            "113400000000000042", "https://acme.social/users/bob/statuses/113400000000000042",
            "bob@acme.social", SAME_ID))
        self.assertEqual(self.post(self.own, "113400000000000042").conversation_external_id,
                         SAME_ID)

    # --- posts stored before 19.0.1.5.0 --------------------------------------------------
    def test_migration_takes_the_federation_uri_from_the_stored_status(self):
        alice, bob = self.two_statuses_with_one_id()
        # the same status as alice's (her URI) stored a second time, through acme.social,
        # before 19.0.1.5.0 compared URIs, and a third one, stored since, holding its URI
        self.mention(self.own, "8003", status(
            "113400000000000999", ALICE_URI, "alice@mastodon.social"))
        self.assertFalse(self.post(self.own, "113400000000000999"), "one status, one post")
        carl_uri = "https://acme.social/users/carl/statuses/113400000000000070"
        self.mention(self.own, "8004", status(
            "113400000000000070", carl_uri, "carl@acme.social"))
        carl = self.post(self.own, "113400000000000070")
        copy = self.Post.sudo().create({
            "network_id": self.mastodon.id, "external_id": "113400000000000999",
            "source_id": self.own.id, "posted_at": alice.posted_at,
            "raw_payload": status("113400000000000999", ALICE_URI, "alice@mastodon.social")})
        carl_copy = self.Post.sudo().create({
            "network_id": self.mastodon.id, "external_id": "113400000000000071",
            "source_id": self.social.id, "posted_at": carl.posted_at,
            "raw_payload": status("113400000000000071", carl_uri, "carl@acme.social")})
        x_post = self.Post.sudo().create({
            "network_id": self.x.id, "external_id": "1990000000000000001",
            "posted_at": carl.posted_at, "raw_payload": {"uri": "https://x.com/i/1"}})
        unreadable = self.Post.sudo().create({
            "network_id": self.mastodon.id, "external_id": "113400000000000080",
            "source_id": self.own.id, "posted_at": carl.posted_at,
            "raw_payload": {"uri": "javascript:alert(1)"}})
        # as an old database holds them: no federation URI (bob's status, whose id alice's
        # has, was stored since: an old database had one of them only)
        old = alice | copy
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE social_crm_post SET network_uri = NULL WHERE id IN %s",
                                tuple(old.ids)))
        self.env.invalidate_all()
        path = join(dirname(dirname(__file__)), "migrations", "19.0.1.5.1", "post-migration.py")
        spec = importlib.util.spec_from_file_location("social_crm_post_1_5_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with self.assertLogs(module._logger, level="INFO") as logs:
            module.migrate(self.env.cr, "19.0.1.5.0")
        self.env.invalidate_all()
        self.assertEqual(alice.network_uri, ALICE_URI)
        self.assertEqual(bob.network_uri, BOB_URI)
        self.assertFalse(copy.network_uri, "alice's status keeps its URI on its first post")
        self.assertTrue(copy.exists(), "no post is lost")
        self.assertFalse(carl_copy.network_uri, "carl's URI is held by the post stored since")
        self.assertEqual(carl.network_uri, carl_uri)
        self.assertFalse(x_post.network_uri, "Mastodon posts only")
        self.assertFalse(unreadable.network_uri)
        warnings = "\n".join(logs.output)
        self.assertIn(f"post {copy.id} is the status of post {alice.id}", warnings)
        self.assertIn(f"post {carl_copy.id} is the status of post {carl.id}", warnings)
        # once more: nothing changes (the posts kept without URI are named again)
        with self.assertLogs(module._logger, level="WARNING") as logs:
            module.migrate(self.env.cr, "19.0.1.5.0")
        self.assertEqual(len(logs.output), 2)
        self.env.invalidate_all()
        self.assertEqual((alice | bob).mapped("network_uri"), [ALICE_URI, BOB_URI])

    def run_migration(self, stage, version="19.0.1.6.1"):
        path = join(dirname(dirname(__file__)), "migrations", "19.0.1.6.2", f"{stage}.py")
        spec = importlib.util.spec_from_file_location(f"social_crm_{stage}_1_6_2", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, version)
        self.env.invalidate_all()

    def test_migration_gives_old_posts_their_instance(self):
        """Posts stored before 19.0.1.6.2 get the instance of their source; a post whose
        source was deleted gets the instance its local author's profile names, if any."""
        alice, bob = self.two_statuses_with_one_id()
        self.own.base_url = "https://ACME.social/"
        frank_uri = "https://acme.social/users/frank/statuses/113400000000000070"
        self.mention(self.own, "8003", dict(status(
            "113400000000000070", frank_uri, "frank@acme.social"),
            account=dict(status("1", frank_uri, "frank@acme.social")["account"],
                         acct="frank", url="https://acme.social/@frank")))
        frank = self.post(self.own, "113400000000000070")
        remote_uri = "https://other.example/users/gina/statuses/113400000000000071"
        self.mention(self.own, "8004", status("113400000000000071", remote_uri,
                                              "gina@other.example"))
        gina = self.post(self.own, "113400000000000071")
        (frank | gina).sudo().write({"source_id": False})
        old = alice | bob | frank | gina
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE social_crm_post SET instance = NULL WHERE id IN %s",
                                tuple(old.ids)))
        self.run_migration("post-migration")
        self.assertEqual((alice.instance, bob.instance), (SOCIAL, OWN))
        self.assertEqual(frank.instance, OWN, "acct 'frank': an account of the instance")
        self.assertFalse(gina.instance, "a remote author names no instance that showed it")
        # a delete on acme.social's stream now finds bob's post
        self.Post._ingest_deletions([mastodon.parse_stream_delete(SAME_ID)], self.own)
        self.assertFalse(bob.exists())
        self.assertTrue(alice.exists())

    def test_migration_moves_old_conversation_keys_to_the_thread_s_uri(self):
        """Before 19.0.1.5.0 each Mastodon post was its own conversation (none stored: its
        id); a reply stored since joined its parent's id. Where the thread's top post has
        its federation URI, the old keys go over to it, and a reply arriving now joins
        the old thread."""
        uri = "https://acme.social/users/%s/statuses/%s"
        self.mention(self.own, "8001", status(SAME_ID, BOB_URI, "bob@acme.social"))
        self.mention(self.own, "8002", reply("113400000000000051", uri % ("carl", 51),
                                             "carl@acme.social", SAME_ID))
        self.mention(self.own, "8003", reply("113400000000000052", uri % ("dana", 52),
                                             "dana@acme.social", "113400000000000051"))
        self.mention(self.social, "7001", status(SAME_ID, ALICE_URI, "alice@mastodon.social"))
        bob, carl, dana = (self.post(self.own, ext) for ext in (
            SAME_ID, "113400000000000051", "113400000000000052"))
        alice = self.post(self.social, SAME_ID)
        # as an old database holds them: no conversation, and (before 19.0.1.5.1) the
        # federation URI taken from the stored status
        old = bob | carl | dana | alice
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE social_crm_post SET conversation_external_id = NULL WHERE id IN %s",
            tuple(old.ids)))
        self.env.invalidate_all()
        # erin's reply, stored since 19.0.1.5.0, joined bob's old key (his id)
        self.mention(self.own, "8004", reply("113400000000000053", uri % ("erin", 53),
                                             "erin@acme.social", SAME_ID))
        erin = self.post(self.own, "113400000000000053")
        self.assertEqual(erin.conversation_external_id, SAME_ID)
        self.run_migration("end-migration")
        self.assertEqual((bob | carl | dana | erin).mapped("conversation_external_id"),
                         [BOB_URI] * 4)
        self.assertEqual(alice.conversation_external_id, ALICE_URI,
                         "mastodon.social's status SAME_ID is another thread")
        # replies arriving now join the old thread
        self.mention(self.own, "8005", reply("113400000000000054", uri % ("finn", 54),
                                             "finn@acme.social", "113400000000000052"))
        finn = self.post(self.own, "113400000000000054")
        self.assertEqual(finn.conversation_external_id, BOB_URI)
        self.assertEqual(self.Post.search(bob._get_conversation_domain()),
                         bob | carl | dana | erin | finn)
        # once more: nothing left to move
        self.assertEqual(self.Post._upgrade_old_conversation_keys(), 0)

