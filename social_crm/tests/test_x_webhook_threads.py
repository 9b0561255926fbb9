# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""X's Account Activity webhook delivers v1.1 tweets: a reply carries
``in_reply_to_status_id_str`` but no ``conversation_id`` (the v2 API's). Such a reply joins
the conversation of the tweet it answers, stored or arriving later, as a v2 reply would."""

from odoo.addons.social_crm.connectors import x
from odoo.tests import tagged

from .common import SocialCrmCase

OWN = "1440000000000000000"


def v1_tweet(tweet_id, text, in_reply_to=None, user_id="1460000000000000999",
             screen_name="kaibrenner", minute=0):
    """A tweet as the Account Activity API's ``tweet_create_events`` items give it (v1.1)."""
    return {
        "created_at": "Tue Dec 02 09:%02d:00 +0000 2025" % minute,
        "id": int(tweet_id), "id_str": tweet_id, "text": text,
        "in_reply_to_status_id": int(in_reply_to) if in_reply_to else None,
        "in_reply_to_status_id_str": in_reply_to,
        "in_reply_to_user_id_str": OWN,
        "user": {"id": int(user_id), "id_str": user_id, "name": "Kai Brenner",
                 "screen_name": screen_name, "followers_count": 10500, "friends_count": 300,
                 "listed_count": 12, "statuses_count": 5400, "verified": False,
                 "description": "Reviews"},
        "entities": {"user_mentions": [{"screen_name": "acme_support", "id_str": OWN}]},
        "favorite_count": 0, "retweet_count": 0, "reply_count": 0, "quote_count": 0,
        "lang": "en",
    }


def delivery(*tweets):
    return {"for_user_id": OWN, "tweet_create_events": list(tweets)}


@tagged("post_install", "-at_install")
class TestXWebhookThreads(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create({
            "name": "X mentions (push)", "network_id": cls.x.id, "kind": "mentions",
            "account_id": OWN})
        cls.Post = cls.env["social.crm.post"]

    def ingest_delivery(self, body):
        return self.Post._ingest_posts(x.parse_activity(body), source=self.source)

    def get(self, ext):
        return self.Post.search([("network_id", "=", self.x.id), ("external_id", "=", ext)])

    def test_a_reply_joins_its_stored_parent_s_conversation(self):
        self.ingest_delivery(delivery(v1_tweet("1865000000000000001", "@acme_support order?")))
        self.ingest_delivery(delivery(v1_tweet(
            "1865000000000000002", "@acme_support still nothing", "1865000000000000001",
            minute=5)))
        root, reply = self.get("1865000000000000001"), self.get("1865000000000000002")
        self.assertEqual(root.conversation_external_id or root.external_id,
                         "1865000000000000001")
        self.assertEqual(reply.conversation_external_id, "1865000000000000001")
        self.assertEqual(self.Post.search(root._get_conversation_domain()), root | reply)

    def test_a_thread_in_one_delivery_and_a_v2_parent(self):
        """A parent stored from the v2 API (its conversation id is its thread's root) passes
        that root on; a reply to a reply in the same delivery too."""
        v2_parent = self.make_post(
            "1865000000000000011", self.make_author("1460000000000000999", "kaibrenner"),
            in_reply_to_external_id="1865000000000000010",
            conversation_external_id="1865000000000000010")
        self.Post._ingest_posts([v2_parent], source=self.source)
        self.ingest_delivery(delivery(
            v1_tweet("1865000000000000012", "@acme_support hello?", "1865000000000000011",
                     minute=1),
            v1_tweet("1865000000000000013", "@acme_support anyone?", "1865000000000000012",
                     minute=2)))
        for ext in ("1865000000000000012", "1865000000000000013"):
            self.assertEqual(self.get(ext).conversation_external_id, "1865000000000000010", ext)

    def test_replies_stored_before_their_parent_join_it_when_it_arrives(self):
        self.ingest_delivery(delivery(v1_tweet(
            "1865000000000000022", "@acme_support still broken", "1865000000000000021",
            minute=3)))
        self.ingest_delivery(delivery(v1_tweet(
            "1865000000000000023", "@acme_support and again", "1865000000000000022",
            minute=4)))
        reply, answer = self.get("1865000000000000022"), self.get("1865000000000000023")
        self.assertEqual(answer.conversation_external_id, "1865000000000000022", "for now")
        self.ingest_delivery(delivery(v1_tweet(
            "1865000000000000021", "@acme_support my router is broken", minute=1)))
        root = self.get("1865000000000000021")
        self.assertEqual(reply.conversation_external_id, "1865000000000000021")
        self.assertEqual(answer.conversation_external_id, "1865000000000000021")
        self.assertEqual(self.Post.search(root._get_conversation_domain()),
                         root | reply | answer)

    def test_a_v2_reply_keeps_the_conversation_x_gave(self):
        """A stored v2 reply (its conversation is its thread's root) is not moved when the
        tweet it answers arrives."""
        author = self.make_author("1460000000000000999", "kaibrenner")
        self.Post._ingest_posts([self.make_post(
            "1865000000000000032", author, in_reply_to_external_id="1865000000000000031",
            conversation_external_id="1865000000000000030")], source=self.source)
        self.ingest_delivery(delivery(v1_tweet(
            "1865000000000000031", "@acme_support hm", "1865000000000000030", minute=1)))
        self.assertEqual(self.get("1865000000000000032").conversation_external_id,
                         "1865000000000000030")
        self.assertEqual(self.get("1865000000000000031").conversation_external_id,
                         "1865000000000000030")
