# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts their authors delete on the network, announced by signed webhooks over real HTTP:
X Account Activity ``tweet_delete_events`` and Meta page feed ``verb: remove`` changes. The
post is deleted as a user's delete does it (remembered: it never comes back), in its company
and network only; a deletion before the post, a redelivery and a malformed item are handled."""

import copy
import datetime as dt
import json

from odoo.addons.social_crm.connectors import signatures
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_intake_webhook import APP_SECRET, CONSUMER_SECRET, PAGE_ID, meta_comment, x_activity

TWEET = "1865000000000000001"
COMMENT = f"{PAGE_ID}_9001"
INTAKE_LOG = "odoo.addons.social_crm.models.social_crm_event"


def x_delete(tweet_id=TWEET, user_id="1460000000000000999", stamp="1764601800000"):
    """``tweet_delete_events`` as the Account Activity API documents it."""
    status = {"id": tweet_id, "user_id": user_id}
    if tweet_id is None:
        del status["id"]
    return {
        "for_user_id": "1440000000000000000",
        "tweet_delete_events": [{"status": status, "timestamp_ms": stamp}],
    }


def meta_remove(comment_id=COMMENT, time=1764601800):
    """A page feed change ``verb: remove`` of a comment, as Meta's webhooks send it."""
    payload = meta_comment(comment_id=comment_id, created_time=time - 1)
    value = payload["entry"][0]["changes"][0]["value"]
    value["verb"] = "remove"
    for key in ("message", "post"):
        value.pop(key)
    if comment_id is None:
        value.pop("comment_id")
    return payload


MIA = {"id": "100000000000555", "name": "Mia Roth"}
OLE = {"id": "100000000000556", "name": "Ole Berg"}
VISITOR_POST = f"{PAGE_ID}_778"


def meta_feed(value, time=1764600001):
    """A page ``feed`` change as Meta's webhooks deliver it (one entry, one change)."""
    return {"object": "page", "entry": [
        {"id": PAGE_ID, "time": time, "changes": [{"field": "feed", "value": value}]}]}


def meta_visitor_post(verb="add", sender=None, post_id=VISITOR_POST, time=1764600000):
    """A post a visitor wrote on the page (``item: status``); a removal carries no text."""
    value = {"from": sender or OLE, "post_id": post_id, "created_time": time, "item": "status",
             "verb": verb, "published": 1}
    if verb != "remove":
        value["message"] = "Kein Internet seit Montag, wer hilft mir?"
    return meta_feed(value, time + 1)


def meta_reply(comment_id, parent_id, sender=None, post_id=VISITOR_POST, time=1764600100,
               message="Same here, no internet since Monday."):
    """A comment on ``post_id`` answering ``parent_id`` (the post, or a comment of it)."""
    return meta_feed({"from": sender or OLE, "post_id": post_id, "comment_id": comment_id,
                      "parent_id": parent_id, "created_time": time, "item": "comment",
                      "verb": "add", "message": message}, time + 1)


@tagged("post_install", "-at_install")
class TestNetworkDeletesWebhooks(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["social.crm.source"]
        cls.facebook_source = Source.create({
            "name": "ACME page (push)",
            "network_id": cls.env.ref("social_crm.network_facebook").id,
            "kind": "page",
            "account_id": PAGE_ID,
            "intake_mode": "push",
            "app_secret": APP_SECRET,
            "verify_token": "my-verify-token",
        })
        cls.x_source = Source.create({
            "name": "X mentions (push)",
            "network_id": cls.env.ref("social_crm.network_x").id,
            "kind": "mentions",
            "account_id": "1440000000000000000",
            "intake_mode": "push",
            "api_secret": CONSUMER_SECRET,
        })
        cls.other_company = cls.env["res.company"].create({"name": "Other Company GmbH"})
        cls.Post = cls.env["social.crm.post"]
        cls.Deleted = cls.env["social.crm.post.deleted"]

    # --- helpers ---------------------------------------------------------------------------
    def _post(self, source, payload):
        body = json.dumps(payload).encode()
        if source == self.x_source:
            headers = {"x-twitter-webhooks-signature":
                       signatures.x_signature(CONSUMER_SECRET, body)}
        else:
            headers = {"X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)}
        response = self.url_open(f"/social_crm/webhook/{source.webhook_token}", data=body,
                                 headers={"Content-Type": "application/json", **headers})
        self.assertEqual(response.status_code, 200)
        return response

    def _events(self, source):
        return self.env["social.crm.event"].search([("source_id", "=", source.id)])

    def _process(self, source):
        events = self._events(source).filtered(lambda e: e.state == "new")
        events._process()
        return events

    def _stored(self, external_id, network="x", company=None):
        return self.Post.search([
            ("external_id", "=", external_id),
            ("network_id.code", "=", network),
            ("company_id", "=", (company or self.env.company).id),
        ])

    def _remembered(self, external_id, network="x"):
        return self.Deleted.search([
            ("external_id", "=", external_id), ("network_id.code", "=", network),
            ("company_id", "=", self.env.company.id),
        ])

    def _same_id_elsewhere(self, external_id, network="x"):
        """The same id stored by another company, and by another network of this company."""
        other_network = "mastodon" if network != "mastodon" else "x"
        theirs = self.Post.with_company(self.other_company)._ingest_posts([
            Post(network=network, external_id=external_id, text="the other company's copy",
                 posted_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC),
                 author=Author(network=network, external_id="1460000000000000999"))
        ], source=self.env["social.crm.source"].create({
            "name": "Other company's source", "network_id": self.env.ref(
                f"social_crm.network_{network}").id, "company_id": self.other_company.id,
            "kind": "search", "query": "acme"}))
        ours = self.Post._ingest_posts([
            Post(network=other_network, external_id=external_id, text="same id, other network",
                 posted_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC))
        ])
        return self.Post.browse(theirs.post_ids + ours.post_ids)

    # --- X ---------------------------------------------------------------------------------
    def test_x_delete_removes_the_post_once_and_for_good(self):
        self._post(self.x_source, x_activity())
        self._process(self.x_source)
        self.assertTrue(self._stored(TWEET))
        elsewhere = self._same_id_elsewhere(TWEET)
        self.assertEqual(len(elsewhere), 2)

        self._post(self.x_source, x_delete())
        self._post(self.x_source, x_delete())  # redelivered: stored once
        deletes = self._events(self.x_source).filtered(
            lambda e: e.delivery_key == f"x:tweet_delete:{TWEET}")
        self.assertEqual(len(deletes), 1)
        self._process(self.x_source)
        self.assertEqual(deletes.state, "done")

        self.assertFalse(self._stored(TWEET))
        self.assertTrue(self._remembered(TWEET))
        # X sends tweet_delete_events for its author's own deletions
        self.assertEqual(self._remembered(TWEET).network_reason, "author")
        # another company's post and another network's post with the same id stay
        self.assertEqual(elsewhere.exists(), elsewhere)
        # the tweet sent again (a poll, a late webhook) is not stored again
        result = self.Post._ingest_posts([Post(
            network="x", external_id=TWEET, text="@acme_support my order never came",
            posted_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC))], source=self.x_source)
        self.assertEqual((result.created, result.skipped), (0, 1))
        self.assertFalse(self._stored(TWEET))

    def test_x_delete_before_the_tweet(self):
        self._post(self.x_source, x_delete("1865000000000000077"))
        self._process(self.x_source)
        self.assertTrue(self._remembered("1865000000000000077"))
        self.assertEqual(self._remembered("1865000000000000077").network_reason, "author")
        # the tweet's own event, delivered late
        self._post(self.x_source, x_activity("1865000000000000077"))
        events = self._process(self.x_source)
        self.assertEqual(events.mapped("state"), ["done"])
        self.assertFalse(self._stored("1865000000000000077"))

    def test_x_delete_and_tweet_in_one_batch(self):
        self._post(self.x_source, x_activity("1865000000000000078"))
        self._post(self.x_source, x_delete("1865000000000000078"))
        events = self._process(self.x_source)
        self.assertEqual(len(events), 2)
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertFalse(self._stored("1865000000000000078"))
        self.assertTrue(self._remembered("1865000000000000078"))

    def test_x_delete_of_an_edited_tweet_by_its_version_id(self):
        self._post(self.x_source, x_activity())
        self._process(self.x_source)
        post = self._stored(TWEET)
        post.sudo().write({"version_external_id": "1865000000000000099"})
        self._post(self.x_source, x_delete("1865000000000000099"))
        self._process(self.x_source)
        self.assertFalse(post.exists())
        self.assertTrue(self._remembered(TWEET))

    def test_x_malformed_delete_is_quarantined(self):
        with mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            self._post(self.x_source, x_delete(tweet_id=None))
        event = self._events(self.x_source)
        self.assertEqual((event.state, event.kind), ("quarantined", "unreadable"))
        self.assertIn("status.id", event.error)

    # --- Meta ------------------------------------------------------------------------------
    def test_meta_remove_deletes_the_comment(self):
        self._post(self.facebook_source, meta_comment())
        self._process(self.facebook_source)
        self.assertTrue(self._stored(COMMENT, "facebook"))
        elsewhere = self._same_id_elsewhere(COMMENT, "facebook")
        self._post(self.facebook_source, meta_remove())
        self._post(self.facebook_source, copy.deepcopy(meta_remove()))  # redelivery
        self.assertEqual(len(self._events(self.facebook_source)), 2)
        events = self._process(self.facebook_source)
        self.assertEqual((events.state, events.post_count), ("done", 0))
        self.assertFalse(self._stored(COMMENT, "facebook"))
        self.assertTrue(self._remembered(COMMENT, "facebook"))
        self.assertEqual(elsewhere.exists(), elsewhere)

    def test_meta_remove_before_the_comment_and_malformed(self):
        self._post(self.facebook_source, meta_remove(f"{PAGE_ID}_9002"))
        self._post(self.facebook_source, meta_remove(None))
        with mute_logger(INTAKE_LOG):
            self._process(self.facebook_source)
        events = self._events(self.facebook_source)
        self.assertEqual(sorted(events.mapped("state")), ["done", "quarantined"])
        self.assertIn("comment_id", events.filtered(lambda e: e.state == "quarantined").error)
        self.assertTrue(self._remembered(f"{PAGE_ID}_9002", "facebook"))
        self._post(self.facebook_source, meta_comment(comment_id=f"{PAGE_ID}_9002"))
        self._process(self.facebook_source)
        self.assertFalse(self._stored(f"{PAGE_ID}_9002", "facebook"))

    # --- Meta: a post removed takes its comments (as on Facebook) ------------------------------
    def _thread(self):
        """A visitor's post, Mia's comment on it, Ole's reply to that comment; Mia's comment
        on the page's own post (never stored) and her comment on another visitor's post."""
        for payload in (
            meta_visitor_post(),
            meta_reply(f"{PAGE_ID}_9101", VISITOR_POST, sender=MIA, time=1764600100),
            meta_reply(f"{PAGE_ID}_9102", f"{PAGE_ID}_9101", time=1764600200),
            meta_comment(),  # on the page's own post 777
            meta_visitor_post(sender=MIA, post_id=f"{PAGE_ID}_779", time=1764600300),
            meta_reply(f"{PAGE_ID}_9103", f"{PAGE_ID}_779", post_id=f"{PAGE_ID}_779",
                       time=1764600400),
        ):
            self._post(self.facebook_source, payload)
        self._process(self.facebook_source)
        ids = (VISITOR_POST, f"{PAGE_ID}_9101", f"{PAGE_ID}_9102", COMMENT, f"{PAGE_ID}_779",
               f"{PAGE_ID}_9103")
        posts = [self._stored(ext, "facebook") for ext in ids]
        self.assertTrue(all(posts))
        return posts

    def test_meta_removed_post_takes_its_comments(self):
        post, comment, reply, on_page_post, other, other_comment = self._thread()
        elsewhere = self._same_id_elsewhere(f"{PAGE_ID}_9101", "facebook")
        self._post(self.facebook_source, meta_visitor_post("remove", time=1764601800))
        self._process(self.facebook_source)
        self.assertFalse((post | comment | reply).exists())
        for ext in (VISITOR_POST, f"{PAGE_ID}_9101", f"{PAGE_ID}_9102"):
            self.assertTrue(self._remembered(ext, "facebook"), ext)
        self.assertEqual((on_page_post | other | other_comment).exists(),
                         on_page_post | other | other_comment)
        self.assertEqual(elsewhere.exists(), elsewhere)
        # a comment delivered again later (a retry) is not stored again, nor one of the
        # removed post never stored before (delivered out of order), nor a reply to it
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9101", VISITOR_POST, sender=MIA, time=1764600100, message="again"))
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9104", VISITOR_POST, sender=MIA, time=1764600500))
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9105", f"{PAGE_ID}_9104", time=1764600600))
        # a comment on a post that stays is stored
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9106", f"{PAGE_ID}_779", post_id=f"{PAGE_ID}_779", time=1764600700))
        self._process(self.facebook_source)
        for ext in ("9101", "9104", "9105"):
            self.assertFalse(self._stored(f"{PAGE_ID}_{ext}", "facebook"), ext)
        self.assertTrue(self._stored(f"{PAGE_ID}_9106", "facebook"))

    def test_meta_removed_comment_takes_its_replies_only(self):
        post, comment, reply, on_page_post, other, other_comment = self._thread()
        self._post(self.facebook_source, meta_remove(f"{PAGE_ID}_9101"))
        self._process(self.facebook_source)
        self.assertFalse((comment | reply).exists())
        rest = post | on_page_post | other | other_comment
        self.assertEqual(rest.exists(), rest)
        # a reply to the removed comment delivered late is not stored; a new comment on the
        # post is
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9107", f"{PAGE_ID}_9101", time=1764600800))
        self._post(self.facebook_source, meta_reply(
            f"{PAGE_ID}_9108", VISITOR_POST, time=1764600900))
        self._process(self.facebook_source)
        self.assertFalse(self._stored(f"{PAGE_ID}_9107", "facebook"))
        self.assertTrue(self._stored(f"{PAGE_ID}_9108", "facebook"))

    def test_meta_removal_and_a_comment_in_one_batch(self):
        """The post, then its removal and a comment on it processed together (deletions
        first): the comment is not stored."""
        self._post(self.facebook_source, meta_visitor_post())
        self._process(self.facebook_source)
        self._post(self.facebook_source, meta_visitor_post("remove", time=1764601800))
        self._post(self.facebook_source, meta_reply(f"{PAGE_ID}_9109", VISITOR_POST))
        self._process(self.facebook_source)
        self.assertFalse(self._stored(VISITOR_POST, "facebook"))
        self.assertFalse(self._stored(f"{PAGE_ID}_9109", "facebook"))

    def test_meta_page_removing_its_own_post_leaves_the_comments(self):
        """The page's own posts are never stored: their removal (with the page as ``from``,
        or without ``from``) deletes none of the customers' comments on them."""
        *_rest, on_page_post, _other, _other_comment = self._thread()
        page = {"id": PAGE_ID, "name": "ACME"}
        self._post(self.facebook_source, meta_visitor_post(
            "remove", sender=page, post_id=f"{PAGE_ID}_777", time=1764601800))
        payload = meta_visitor_post("remove", post_id=f"{PAGE_ID}_777", time=1764601900)
        del payload["entry"][0]["changes"][0]["value"]["from"]
        self._post(self.facebook_source, payload)
        self._process(self.facebook_source)
        self.assertTrue(on_page_post.exists())
