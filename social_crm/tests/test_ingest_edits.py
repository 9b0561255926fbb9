# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Edited posts through the real intake paths (payloads shaped as the networks document them):
a newer version updates the stored post, an older or the same one never does, and an X edit
(a new tweet id) stays the one post it edits."""

import json

from odoo.addons.social_crm.connectors import events, facebook, mastodon, x
from odoo.tests import tagged

from .common import SocialCrmCase
from .test_poll import BASE, status

HOST = "mastodon.example"
FIRST = "Danke @acme, das Paket ist da"
EDITED = "Paket ist da, aber kaputt. @acme ich will mein Geld zurück"


def stream(event, payload):
    return json.dumps({"stream": ["hashtag"], "event": event, "payload": json.dumps(payload)})


def x_answer(tweets):
    return {
        "data": tweets,
        "includes": {"users": [{"id": "2244994945", "name": "Jane", "username": "jane_u",
                                "public_metrics": {"followers_count": 1520}}]},
        "meta": {"result_count": len(tweets)},
    }


def tweet(tweet_id, text, history, created_at):
    return {
        "id": tweet_id, "text": text, "author_id": "2244994945", "created_at": created_at,
        "conversation_id": history[0], "lang": "de", "edit_history_tweet_ids": history,
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1,
                           "quote_count": 0},
    }


@tagged("post_install", "-at_install")
class TestIngestEdits(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.source = cls.env["social.crm.source"].create({
            "name": "#acme (stream)", "network_id": cls.mastodon.id, "kind": "hashtag",
            "query": "acme", "base_url": BASE, "intake_mode": "stream",
        })

    def ingest(self, *posts, source=None):
        return self.Post._ingest_posts(list(posts), source or self.source)

    def status(self, text=FIRST, edited_at=None, **kw):
        return mastodon.parse_status(
            status(113500000000000001, text=text, edited_at=edited_at, **kw), HOST)

    def test_rest_status_with_edited_at_updates_the_stored_post(self):
        self.ingest(self.status())
        (post,) = self.Post.search([("source_id", "=", self.source.id)])
        self.assertFalse(post.edited_at)
        result = self.ingest(self.status(EDITED, "2026-11-21T10:07:30.000Z",
                                         favourites_count=9))
        self.assertEqual((result.created, result.updated, result.edited), (0, 1, 1))
        self.assertEqual(self.Post.search_count([("source_id", "=", self.source.id)]), 1)
        self.assertEqual(post.text, EDITED)
        self.assertEqual(post.previous_text, FIRST)
        self.assertEqual(str(post.edited_at), "2026-11-21 10:07:30")
        self.assertEqual(post.like_count, 9)
        self.assertIn("Geld", post.sudo().raw_payload["content"])
        self.assertIn("kaputt", post.text_preview)

    def test_older_or_same_version_never_overwrites_a_newer_one(self):
        self.ingest(self.status("second edit", "2026-11-21T10:09:00.000Z"))
        (post,) = self.Post.search([("source_id", "=", self.source.id)])
        # a late first edit, a late first version, the same edit again: all left alone
        for late in (self.status("first edit", "2026-11-21T10:07:00.000Z"), self.status(),
                     self.status("second edit", "2026-11-21T10:09:00.000Z")):
            self.assertEqual(self.ingest(late).edited, 0)
            self.assertEqual(post.text, "second edit")
        self.assertFalse(post.previous_text)
        # both versions in one batch, the older last: the newer wins
        result = self.ingest(self.status("fourth", "2026-11-21T10:20:00.000Z"),
                             self.status("third", "2026-11-21T10:15:00.000Z"))
        self.assertEqual((result.edited, post.text, post.previous_text),
                         (1, "fourth", "second edit"))

    def test_mastodon_stream_status_update_reaches_the_post(self):
        """``status.update`` carries the status id its ``update`` had: the event table's unique
        key must not take the edit for a redelivery."""
        first = status(113500000000000002, text=FIRST)
        edit = dict(first, edited_at="2026-11-21T10:07:30.000Z", content=f"<p>{EDITED}</p>")
        Event = self.env["social.crm.event"]
        for message in (stream("update", first), stream("status.update", edit),
                        stream("status.update", edit)):  # the edit seen by two listeners
            self.source._listener_store([events.mastodon_message(message)])
            Event.search([("source_id", "=", self.source.id), ("state", "=", "new")])._process()
        stored = Event.search([("source_id", "=", self.source.id)])
        self.assertEqual(stored.mapped("state"), ["done", "done"])
        post = self.Post.search([("external_id", "=", "113500000000000002")])
        self.assertEqual((post.text, post.previous_text), (EDITED, FIRST))

    def test_jetstream_update_reaches_the_post(self):
        source = self.env["social.crm.source"].create({
            "name": "Bluesky acme", "network_id": self.bluesky.id, "kind": "search",
            "query": "acme", "intake_mode": "stream",
        })

        def commit(operation, text, rev, time_us):
            return json.dumps({
                "did": "did:plc:critic", "time_us": time_us, "kind": "commit",
                "commit": {"rev": rev, "operation": operation, "collection":
                           "app.bsky.feed.post", "rkey": "3kedit", "cid": f"bafy{rev}",
                           "record": {"$type": "app.bsky.feed.post", "text": text,
                                      "createdAt": "2026-11-21T10:00:00.000Z",
                                      "langs": ["de"]}}})

        for message in (commit("create", "acme top", "3la", 1795255200000000),
                        commit("update", "acme kaputt, Geld zurück", "3lb", 1795255500000000)):
            source._listener_store([events.jetstream_message(message, keywords=("acme",))])
            self.env["social.crm.event"].search(
                [("source_id", "=", source.id), ("state", "=", "new")])._process()
        post = self.Post.search([("source_id", "=", source.id)])
        self.assertEqual(len(post), 1)
        self.assertEqual((post.text, post.previous_text), ("acme kaputt, Geld zurück",
                                                           "acme top"))
        self.assertTrue(post.edited_at)

    def test_x_edit_is_the_same_post_not_a_second_one(self):
        original = tweet("1791000000000000010", "@acme danke!", ["1791000000000000010"],
                         "2026-11-21T10:00:00.000Z")
        edit = tweet("1791000000000000020", "@acme kaputt, ich will mein Geld zurück",
                     ["1791000000000000010", "1791000000000000020"],
                     "2026-11-21T10:05:00.000Z")
        self.ingest(*x.parse_tweets(x_answer([original])))
        result = self.ingest(*x.parse_tweets(x_answer([edit])))
        posts = self.Post.search([("network_id", "=", self.x.id),
                                  ("author_external_id", "=", "2244994945")])
        self.assertEqual(len(posts), 1, "the edit is no second post")
        self.assertEqual((result.created, result.edited), (0, 1))
        self.assertEqual(posts.external_id, "1791000000000000010")
        self.assertEqual(posts.version_external_id, "1791000000000000020")
        self.assertEqual(posts.text, "@acme kaputt, ich will mein Geld zurück")
        self.assertEqual(posts.previous_text, "@acme danke!")
        self.assertEqual(posts.url, "https://x.com/jane_u/status/1791000000000000020")
        # the original again (a late page): nothing changes back
        self.ingest(*x.parse_tweets(x_answer([original])))
        self.assertEqual(posts.text, "@acme kaputt, ich will mein Geld zurück")

    def test_meta_edited_comment_updates_the_comment(self):
        page = "102030405060"

        def delivery(verb, message, when):
            return {"object": "page", "entry": [{"id": page, "time": when, "changes": [
                {"field": "feed", "value": {
                    "from": {"id": "555", "name": "Mia Roth"}, "post_id": f"{page}_777",
                    "comment_id": f"{page}_9001", "parent_id": f"{page}_777",
                    "message": message, "created_time": 1795255200, "item": "comment",
                    "verb": verb}}]}]}

        self.ingest(*facebook.parse_webhook(delivery("add", "Danke!", 1795255201)))
        self.ingest(*facebook.parse_webhook(delivery("edited", "Kaputt!", 1795255500)))
        post = self.Post.search([("external_id", "=", f"{page}_9001")])
        self.assertEqual((post.text, post.previous_text), ("Kaputt!", "Danke!"))

    def test_edits_cost_the_same_queries_whatever_their_number(self):
        def versions(first, count, minute):
            return [mastodon.parse_status(status(113600000000000000 + n, text=f"v{minute}",
                                                 edited_at=f"2026-11-21T10:{minute:02d}:00Z"),
                                          HOST) for n in range(first, first + count)]

        self.ingest(*versions(0, 2, 1), *versions(100, 20, 1))
        self.ingest(*versions(0, 2, 2), *versions(100, 20, 2))  # caches warm
        queries = []
        for batch in (versions(0, 2, 5), versions(100, 20, 5)):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(self.ingest(*batch).edited, len(batch))
            self.env.flush_all()
            queries.append(self.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "no query per edited post")
