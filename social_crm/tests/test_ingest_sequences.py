# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sequences real networks produce over days, through the real ingestion path
(``social.crm.post._ingest_posts`` in real PostgreSQL): accounts deleted, identities a user
deleted or moved, two companies listening to one author, posts seen twice, pages out of
order, counts going down or missing, several networks in one batch."""

from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors import x
from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase
from .test_poll import BASE, TAG_URL, TOKEN, status


@tagged("post_install", "-at_install")
class TestIngestSequences(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Identity = cls.env["social.crm.identity"]
        cls.Quarantine = cls.env["social.crm.quarantine"]
        cls.source = cls.env["social.crm.source"].create(
            {"name": "X search", "network_id": cls.x.id, "kind": "search", "query": "acme"}
        )
        cls.other_source = cls.env["social.crm.source"].create(
            {"name": "X mentions", "network_id": cls.x.id, "kind": "mentions",
             "account_id": "1"}
        )
        cls.source_b = cls.env["social.crm.source"].create(
            {"name": "X search B", "network_id": cls.x.id, "kind": "search", "query": "acme",
             "company_id": cls.other_company.id}
        )

    def ingest(self, posts, source=None):
        result = self.Post._ingest_posts(list(posts), source or self.source)
        self.assertFalse(self.Quarantine.search([]), "nothing quarantined")
        return result

    def post(self, ext, **kw):
        return self.Post.search([("external_id", "=", ext), ("company_id", "=", self.company.id)])

    # --- 1. identity lifecycles ----------------------------------------------------------
    def test_deleted_account_posts_arrive_without_author(self):
        """The account is deleted: the network sends its posts with no author. A known post
        keeps its author (and contact), its counts follow; a new one is stored without."""
        author = self.make_author("901", "gone_soon", "Gone Soon", followers_count=5)
        self.ingest([self.make_post("d1", author, like_count=1)])
        identity = self.post("d1").identity_id
        self.assertTrue(identity)
        result = self.ingest([self.make_post("d1", None, like_count=3),
                              self.make_post("d2", None)])
        self.assertEqual((result.created, result.updated), (1, 1))
        self.assertEqual(self.post("d1").identity_id, identity, "the known author stays")
        self.assertEqual(self.post("d1").like_count, 3)
        self.assertEqual(self.post("d1").partner_id, identity.partner_id)
        self.assertFalse(self.post("d2").identity_id)
        self.assertEqual(identity.handle, "gone_soon")

    def test_contact_deleted_in_the_transaction_that_stored_its_post(self):
        """Before: deleting a contact whose identity had a post stored in the same
        transaction failed with a foreign-key error (across transactions it worked). The
        post is kept without author, as across transactions."""
        author = self.make_author("905", "tina_t", "Tina Transient", followers_count=7)
        self.ingest([self.make_post("t1", author)])
        post = self.post("t1")
        partner = post.identity_id.partner_id
        self.assertTrue(partner)
        partner.unlink()
        self.env.flush_all()
        self.assertTrue(post.exists())
        self.assertFalse(post.identity_id)
        self.assertFalse(post.partner_id)
        self.assertFalse(self.Identity.with_context(active_test=False).search(
            [("external_id", "=", "905")]))

    def test_contact_with_post_made_by_create_deleted_in_the_same_transaction(self):
        partner = self.env["res.partner"].create({"name": "Carl Created"})
        identity = self.Identity.create(
            {"partner_id": partner.id, "network_id": self.x.id, "handle": "carl_c",
             "external_id": "906"}
        )
        post = self.Post.create(
            {"network_id": self.x.id, "external_id": "c1", "identity_id": identity.id,
             "text": "Hallo @acme", "posted_at": fields.Datetime.now()}
        )
        partner.unlink()
        self.env.flush_all()
        self.assertTrue(post.exists())
        self.assertFalse(post.identity_id)
        self.assertFalse(post.partner_id)

    def test_identity_deleted_by_user_then_author_posts_again(self):
        author = self.make_author("902", "dora_d", "Dora Deleted")
        self.ingest([self.make_post("e1", author)])
        identity = self.post("e1").identity_id
        partner = identity.partner_id
        identity.unlink()
        self.assertFalse(self.post("e1").identity_id)
        result = self.ingest([self.make_post("e2", author)])
        self.assertEqual((result.created, result.new_contacts, result.suggestions), (1, 0, 1))
        # the former contact has the author's name: a person confirms the match (or not)
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "902")])
        self.assertEqual(suggestion.partner_id, partner)
        suggestion.with_user(self.user).action_confirm()
        new = self.Identity.search([("external_id", "=", "902")])
        self.assertEqual((new.partner_id, new.handle), (partner, "dora_d"))
        self.assertEqual(self.post("e2").identity_id, new)
        # a one-word name has no suggestion: a new identity and contact
        solo = self.make_author("9021", "solo_d", "Solo")
        self.ingest([self.make_post("e3", solo)])
        self.post("e3").identity_id.unlink()
        result = self.ingest([self.make_post("e4", solo)])
        self.assertEqual((result.new_identities, result.new_contacts), (1, 1))
        self.assertEqual(self.post("e4").identity_id.handle, "solo_d")

    def test_rejected_suggestion_then_author_posts_again(self):
        """A user rejects "this author is Petra Vogel": the author's next posts give it its
        own contact (it no longer waits, contact-less, for a decision already made)."""
        author = self.make_author("9022", "pvogel2", "Petra Vögel")
        result = self.ingest([self.make_post("sr1", author)])
        self.assertEqual((result.suggestions, result.new_contacts), (1, 0))
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "9022")])
        suggestion.with_user(self.user).action_reject()
        result = self.ingest([self.make_post("sr2", author)])
        self.assertEqual((result.suggestions, result.new_contacts, result.new_identities),
                         (0, 1, 1))
        identity = self.Identity.search([("external_id", "=", "9022")])
        self.assertNotEqual(identity.partner_id, self.partner)
        self.assertEqual(self.post("sr2").partner_id, identity.partner_id)
        self.assertEqual(self.post("sr1").identity_id, identity, "its earlier post too")
        self.assertEqual(self.post("sr1").partner_id, identity.partner_id)
        self.assertEqual(self.env["social.crm.match.suggestion"].search_count(
            [("author_external_id", "=", "9022")]), 1, "not suggested again")

    def test_contact_archived_then_author_posts_again(self):
        author = self.make_author("903", "arch_ive", "Archie Archived")
        self.ingest([self.make_post("f1", author)])
        identity = self.post("f1").identity_id
        identity.partner_id.action_archive()
        self.ingest([self.make_post("f2", author)])
        self.assertEqual(self.post("f2").identity_id, identity)
        self.assertEqual(self.post("f2").partner_id, identity.partner_id)

    def test_identity_moved_to_another_contact(self):
        """A user moves an identity to the contact it really is: the author's next posts go
        to that contact, and so do its earlier ones."""
        author = self.make_author("904", "petra_v", "P. V.")
        self.ingest([self.make_post("g1", author)])
        identity = self.post("g1").identity_id
        created = identity.partner_id
        identity.with_user(self.manager).partner_id = self.partner
        self.ingest([self.make_post("g2", author), self.make_post("g1", author, like_count=4)])
        self.assertEqual(self.post("g2").partner_id, self.partner)
        self.assertEqual(self.post("g1").partner_id, self.partner)
        self.assertEqual(identity.partner_id, self.partner)
        self.assertNotEqual(created, self.partner)

    def test_two_companies_listen_to_one_author(self):
        author = self.make_author("905", "shared_author", "Sven Shared", followers_count=30)
        self.ingest([self.make_post("s1", author)])
        self.Post._ingest_posts([self.make_post("s1", author)], self.source_b)
        self.assertFalse(self.Quarantine.sudo().search([]))
        posts = self.Post.sudo().search([("external_id", "=", "s1")])
        self.assertEqual(sorted(posts.company_id.ids),
                         sorted((self.company | self.other_company).ids))
        identities = self.Identity.sudo().search([("external_id", "=", "905")])
        self.assertEqual(len(identities), 2, "one identity per company")
        self.assertEqual(sorted(identities.company_id.ids),
                         sorted((self.company | self.other_company).ids))
        for post in posts:
            self.assertEqual(post.identity_id.company_id, post.company_id)
        # the same account: each company's listening made a contact of its own company (the
        # other company never reads whom this one listened to; before 19.0.1.7.1 one shared
        # contact), no suggestion waiting for a person
        self.assertEqual(len(identities.partner_id), 2)
        for identity in identities:
            self.assertEqual(identity.partner_id.company_id, identity.company_id)
        self.assertFalse(self.env["social.crm.match.suggestion"].sudo().search(
            [("author_external_id", "=", "905")]))
        # each company sees its own
        other = self.Post.with_user(self.other_user).search([("external_id", "=", "s1")])
        self.assertEqual(other.company_id, self.other_company)
        self.assertEqual(
            self.Identity.with_user(self.other_user).search([("external_id", "=", "905")]),
            identities.filtered(lambda i: i.company_id == self.other_company),
        )
        # the author renames: each company follows, the next posts land on each identity
        renamed = self.make_author("905", "shared_author2", "Sven Shared", followers_count=31)
        self.ingest([self.make_post("s2", renamed)])
        self.Post._ingest_posts([self.make_post("s2", renamed)], self.source_b)
        self.assertEqual(identities.mapped("handle"), ["shared_author2"] * 2)

    def test_identity_entered_by_hand_case_and_at(self):
        manual = self.Identity.create(
            {"partner_id": self.partner.id, "network_id": self.x.id, "handle": " @Mia_Hand "}
        )
        self.assertEqual(manual.handle, "Mia_Hand")
        result = self.ingest([self.make_post("m1", self.make_author("906", "@mia_hand", "Mia"))])
        self.assertEqual((result.linked_identities, result.new_contacts), (1, 0))
        self.assertEqual(manual.external_id, "906")
        self.assertEqual(self.post("m1").partner_id, self.partner)

    def test_user_changed_the_case_of_a_listened_handle(self):
        """A user typed a listened identity's handle in other letters ("@Case_User"): the
        network's spelling comes back at the next post, nothing is quarantined."""
        self.ingest([self.make_post("cu1", self.make_author("9023", "case_user", "C U"))])
        identity = self.post("cu1").identity_id
        identity.with_user(self.manager).handle = "@Case_User"
        self.assertEqual(identity.handle, "Case_User")
        self.ingest([self.make_post("cu2", self.make_author("9023", "case_user", "C U"))])
        self.assertEqual(identity.handle, "case_user")
        self.assertEqual(self.post("cu2").identity_id, identity)

    # --- 2. pages ------------------------------------------------------------------------
    def test_same_post_twice_in_one_page_latest_wins(self):
        author = self.make_author("907", "twice", "Twice")
        result = self.ingest([self.make_post("t1", author, like_count=2, reply_count=1),
                              self.make_post("t1", author, like_count=7, reply_count=0)])
        self.assertEqual(result.created, 1)
        post = self.post("t1")
        self.assertEqual((post.like_count, post.reply_count, post.engagement_count), (7, 0, 7))

    def test_same_post_in_two_sources_stored_once(self):
        author = self.make_author("908", "two_src", "Two Sources")
        first = self.ingest([self.make_post("u1", author)], self.source)
        second = self.ingest([self.make_post("u1", author, like_count=3)], self.other_source)
        self.assertEqual((first.created, second.created, second.updated), (1, 0, 1))
        post = self.post("u1")
        self.assertEqual(len(post), 1)
        self.assertEqual(post.source_id, self.source, "the source that found it first")
        self.assertEqual(post.like_count, 3)

    def test_deleted_posts_say_why(self):
        """Deleted Posts says why each post is there: a user deleted it in Odoo, a privacy
        erasure removed it, or its author deleted it on the network (X ``tweet_delete_events``,
        also for a post not stored yet); a post remembered keeps its first reason."""
        author = self.make_author("910", "why_gone", "Why Gone")
        self.ingest([self.make_post(ext, author) for ext in ("w1", "w2", "w3")])
        self.post("w1").with_user(self.manager).unlink()
        body = {"for_user_id": "1", "tweet_delete_events": [
            {"status": {"id": ext, "user_id": "910"}, "timestamp_ms": "1764849600000"}
            for ext in ("w1", "w2", "w9")]}
        self.Post._ingest_deletions(x.parse_activity_deletions(body), self.source)
        self.post("w3").partner_id = self.partner
        self.partner._social_erase()
        deleted = self.env["social.crm.post.deleted"].search(
            [("external_id", "in", ["w1", "w2", "w3", "w9"])])
        self.assertEqual(
            {d.external_id: d.reason for d in deleted},
            {"w1": "user", "w2": "network", "w3": "erasure", "w9": "network"},
        )

    def test_post_deleted_by_user_arrives_again(self):
        """A manager deleted a post; the network sends it again (another source, a search
        window, an edit webhook): it stays deleted (a post marked Ignored stays ignored and
        gets its counts). Deleting the line in Deleted Posts lets it come back."""
        author = self.make_author("909", "back_again", "Back Again")
        self.ingest([self.make_post("v1", author), self.make_post("v2", author)])
        identity = self.post("v2").identity_id
        self.post("v1").with_user(self.manager).unlink()
        self.post("v2").with_user(self.user).action_mark_ignored()
        deleted = self.env["social.crm.post.deleted"].with_user(self.manager).search([])
        self.assertEqual(deleted.mapped("external_id"), ["v1"])
        result = self.ingest([self.make_post("v1", author, like_count=2),
                              self.make_post("v2", author, like_count=2)])
        self.assertEqual((result.created, result.updated, result.skipped), (0, 1, 1))
        self.assertFalse(self.post("v1"))
        self.assertEqual((self.post("v2").state, self.post("v2").like_count), ("ignored", 2))
        # an author known only through deleted posts is not created again either
        self.post("v2").with_user(self.manager).unlink()
        identity.unlink()
        result = self.ingest([self.make_post("v1", author), self.make_post("v2", author)])
        self.assertEqual((result.created, result.new_identities, result.skipped), (0, 0, 2))
        self.assertFalse(self.Identity.search([("external_id", "=", "909")]))
        # another company deleted nothing: it stores the post
        self.Post._ingest_posts([self.make_post("v1", author)], self.source_b)
        self.assertTrue(self.Post.sudo().search([("external_id", "=", "v1")]))
        # the manager takes the deletion back: the post comes back at its next arrival
        deleted.with_user(self.manager).unlink()
        self.ingest([self.make_post("v1", author)])
        self.assertEqual(self.post("v1").state, "new")

    def test_reply_before_its_parent(self):
        author = self.make_author("910", "replier", "Replier")
        self.ingest([self.make_post("w2", author, in_reply_to_external_id="w1",
                                    conversation_external_id="w1")])
        self.ingest([self.make_post("w1", self.make_author("911", "op", "Op"),
                                    minutes_ago=30)])
        thread = self.Post.search(self.post("w2")._get_conversation_domain())
        self.assertEqual(sorted(thread.mapped("external_id")), ["w1", "w2"])

    def test_older_page_after_a_newer_one(self):
        """A page of older posts arrives after a newer one (an older cursor, a webhook
        retried late). The known account renamed meanwhile and its former handle belongs to
        another account now: the late page does not take it back."""
        old = self.make_author("912", "lena_old", "Lena", followers_count=100)
        self.ingest([self.make_post("o1", old, minutes_ago=300)])
        lena = self.post("o1").identity_id
        renamed = self.make_author("912", "lena_new", "Lena", followers_count=120)
        taker = self.make_author("913", "lena_old", "Not Lena", followers_count=3)
        self.ingest([self.make_post("o3", renamed, minutes_ago=10),
                     self.make_post("o4", taker, minutes_ago=5)])
        other = self.post("o4").identity_id
        self.assertEqual((lena.handle, other.handle), ("lena_new", "lena_old"))
        # the late page: an older post of Lena's, as the network described her back then
        self.ingest([self.make_post("o2", old, minutes_ago=200)])
        self.assertEqual(lena.handle, "lena_new", "an older post does not undo a rename")
        self.assertEqual(other.handle, "lena_old", "nor take the handle from its new owner")
        self.assertEqual(self.post("o2").identity_id, lena)
        self.assertEqual(self.post("o2").author_handle, "lena_old", "as written")

    def test_stream_author_without_handle_then_an_older_post_with_it(self):
        """Bluesky's Jetstream names the author by DID only; a search then brings one of its
        older posts with the handle: the identity takes it (no rename is undone)."""
        did = "did:plc:critic0000000000000001"
        streamed = self.make_author(did, None, None, network="bluesky")
        self.ingest([self.make_post("at://x/1", streamed, network="bluesky", minutes_ago=1)])
        identity = self.post("at://x/1").identity_id
        self.assertFalse(identity.handle)
        found = self.make_author(did, "critic.bsky.social", "Critic", network="bluesky",
                                 followers_count=40)
        self.ingest([self.make_post("at://x/0", found, network="bluesky", minutes_ago=60)])
        self.assertEqual(identity.handle, "critic.bsky.social")
        self.assertEqual(identity.followers_count, 40)

    def test_late_post_of_another_account_under_a_held_handle(self):
        """An account this company does not know yet sends a late post written under a
        handle that another identity has posted under more recently: the post is stored,
        the new identity has no handle, the holder keeps it."""
        holder = self.make_author("920", "kai_h", "Kai")
        self.ingest([self.make_post("q1", holder, minutes_ago=10)])
        kai = self.post("q1").identity_id
        result = self.ingest([self.make_post("q0", self.make_author("921", "kai_h", "Former"),
                                             minutes_ago=600)])
        self.assertEqual(result.created, 1)
        late = self.post("q0").identity_id
        self.assertEqual((late.external_id, late.handle), ("921", False))
        self.assertEqual(self.post("q0").author_handle, "kai_h")
        self.assertEqual(kai.handle, "kai_h")
        # a newer post of the other account under that handle: now it moved
        self.ingest([self.make_post("q2", self.make_author("921", "kai_h", "Former"),
                                    minutes_ago=1)])
        self.assertEqual((late.handle, kai.handle), ("kai_h", False))

    def test_page_of_1000_new_authors(self):
        posts = [
            self.make_post(f"k{i}", self.make_author(f"a{i}", f"hk{i}", f"Kunde{i} Nummer{i}",
                                                     followers_count=i))
            for i in range(1000)
        ]
        result = self.ingest(posts)
        self.assertEqual((result.created, result.new_identities), (1000, 1000))
        self.assertEqual(self.Identity.search_count([("handle", "=like", "hk%")]), 1000)
        self.assertEqual(
            self.env["social.crm.identity.metric"].search_count(
                [("identity_id.handle", "=like", "hk%")]), 1000)

    # --- 3. counts -----------------------------------------------------------------------
    def test_followers_down_to_zero(self):
        self.ingest([self.make_post("c1", self.make_author("914", "zero", "Z", followers_count=50,
                                                           following_count=4))])
        identity = self.post("c1").identity_id
        self.ingest([self.make_post("c2", self.make_author("914", "zero", "Z", followers_count=0,
                                                           following_count=0))])
        self.assertEqual((identity.followers_count, identity.following_count), (0, 0))
        self.assertEqual(identity.metric_ids.followers_count, 0)

    def test_counts_missing_then_present(self):
        """A payload without counts (None: the network did not say) changes nothing; one
        that has the followers but not the other counts does not record them as 0."""
        full = self.make_author("915", "counts", "C", followers_count=50, following_count=7,
                                posts_count=300, listed_count=2)
        self.ingest([self.make_post("n1", full)])
        identity = self.post("n1").identity_id
        metric = identity.metric_ids
        self.ingest([self.make_post("n2", self.make_author("915", "counts", "C"))])
        self.assertEqual((identity.followers_count, identity.following_count), (50, 7))
        self.assertEqual((metric.followers_count, metric.following_count), (50, 7))
        partial = self.make_author("915", "counts", "C", followers_count=55)
        self.ingest([self.make_post("n3", partial)])
        self.assertEqual(len(identity.metric_ids), 1)
        self.assertEqual(
            (metric.followers_count, metric.following_count, metric.posts_count,
             metric.listed_count), (55, 7, 300, 2), "unknown is not 0")
        self.assertEqual((identity.followers_count, identity.following_count), (55, 7))
        # the next day: a new row carries the counts the network did not send
        metric.date = fields.Date.subtract(metric.date, days=1)
        self.ingest([self.make_post("n4", self.make_author("915", "counts", "C",
                                                           followers_count=60))])
        today = identity.metric_ids.sorted("date")[-1]
        self.assertNotEqual(today, metric)
        self.assertEqual(
            (today.followers_count, today.following_count, today.posts_count,
             today.listed_count), (60, 7, 300, 2))
        # a new author with only its followers: no 0 recorded for the rest
        self.ingest([self.make_post("n5", self.make_author("916", "fresh", "F",
                                                           followers_count=9))])
        fresh = self.post("n5").identity_id.metric_ids
        self.assertEqual(fresh.followers_count, 9)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT following_count FROM social_crm_identity_metric WHERE id = %s", [fresh.id])
        self.assertIsNone(self.env.cr.fetchone()[0], "stored as unknown, not as 0")

    def test_webhook_without_counts_keeps_the_polled_counts(self):
        """A Facebook comment polled with its likes, then a Meta webhook for the same comment
        (an edit: webhooks carry no counts), processed by the real event path: the likes
        stay. A new comment from a webhook starts at 0."""
        facebook = self.env.ref("social_crm.network_facebook")
        source = self.env["social.crm.source"].create(
            {"name": "ACME page", "network_id": facebook.id, "kind": "page",
             "account_id": "102030405060"})
        author = self.make_author("100000000000555", None, "Mia Roth", network="facebook")
        self.ingest([self.make_post("102030405060_9001", author, network="facebook",
                                    like_count=5, reply_count=2)], source)
        value = {
            "from": {"id": "100000000000555", "name": "Mia Roth"},
            "post": {"id": "102030405060_777", "status_type": "added_photos",
                     "is_published": True},
            "message": "Where is my refund? (edited)", "post_id": "102030405060_777",
            "comment_id": "102030405060_9001", "created_time": 1764600000,
            "item": "comment", "parent_id": "102030405060_777", "verb": "edited",
        }
        new = dict(value, comment_id="102030405060_9002", verb="add")
        payload = {"object": "page", "entry": [{"id": "102030405060", "time": 1764600001,
                                                "changes": [{"field": "feed", "value": value},
                                                            {"field": "feed", "value": new}]}]}
        Event = self.env["social.crm.event"]
        ids = Event._store_events(source, connector_events.split_meta(payload), "push")
        Event.browse(ids)._process()
        self.assertFalse(self.Quarantine.search([]))
        polled = self.post("102030405060_9001")
        self.assertEqual((polled.like_count, polled.reply_count, polled.engagement_count),
                         (5, 2, 7), "a payload without counts does not reset them")
        self.assertEqual(self.post("102030405060_9002").like_count, 0)

    def test_x_activity_events_retried_late(self):
        """X Account Activity deliveries carry the user as it was when the post was made. A
        delivery retried late is processed in one batch after a newer one: the identity keeps
        the newer handle and counts; both posts are stored."""
        source = self.env["social.crm.source"].create(
            {"name": "X mentions (push)", "network_id": self.x.id, "kind": "mentions",
             "account_id": "1440000000000000000"})

        def delivery(tweet_id, created, screen_name, followers):
            return {"for_user_id": "1440000000000000000", "tweet_create_events": [{
                "created_at": created, "id": int(tweet_id), "id_str": tweet_id,
                "text": "@acme_support my order never came",
                "in_reply_to_status_id_str": None,
                "in_reply_to_user_id_str": "1440000000000000000",
                "user": {"id": 1460000000000000999, "id_str": "1460000000000000999",
                         "name": "Kai Brenner", "screen_name": screen_name,
                         "followers_count": followers, "friends_count": 300,
                         "listed_count": 12, "statuses_count": 5400, "verified": False,
                         "description": "Reviews"},
                "entities": {"user_mentions": [{"screen_name": "acme_support",
                                                "id_str": "1440000000000000000"}]},
                "favorite_count": 0, "retweet_count": 0, "reply_count": 0, "quote_count": 0,
                "lang": "en"}]}

        newer = delivery("1865000000000000002", "Tue Dec 02 09:00:00 +0000 2025",
                         "kai_new", 10500)
        older = delivery("1865000000000000001", "Mon Dec 01 09:00:00 +0000 2025",
                         "kaibrenner", 10400)
        Event = self.env["social.crm.event"]
        raw = connector_events.split_x_activity(newer) + connector_events.split_x_activity(older)
        events = Event.browse(Event._store_events(source, raw, "push"))
        self.assertEqual(len(events), 2)
        events._process()
        self.assertEqual(events.mapped("state"), ["done", "done"])
        identity = self.Identity.search([("external_id", "=", "1460000000000000999")])
        self.assertEqual((identity.handle, identity.followers_count), ("kai_new", 10500))
        self.assertEqual(self.post("1865000000000000001").author_handle, "kaibrenner")
        self.assertEqual(self.post("1865000000000000001").identity_id, identity)

    def test_like_count_decreasing(self):
        author = self.make_author("917", "likes", "L")
        self.ingest([self.make_post("l1", author, like_count=10, repost_count=3)])
        self.ingest([self.make_post("l1", author, like_count=8, repost_count=3)])
        post = self.post("l1")
        self.assertEqual((post.like_count, post.engagement_count), (8, 11))

    # --- 4. networks ---------------------------------------------------------------------
    def test_mixed_networks_in_one_batch(self):
        """One id and one handle on four networks are four posts and four accounts."""
        posts = [
            self.make_post("1", self.make_author("7", "anna", "Anna X", network=net,
                                                 followers_count=10 + i), network=net)
            for i, net in enumerate(("x", "mastodon", "bluesky", "rss"))
        ]
        result = self.ingest(posts)
        self.assertEqual((result.created, result.new_identities), (4, 4))
        stored = self.Post.search([("external_id", "=", "1")])
        self.assertEqual(sorted(stored.mapped("network_code")),
                         ["bluesky", "mastodon", "rss", "x"])
        for post in stored:
            self.assertEqual(post.identity_id.network_id, post.network_id)
            self.assertEqual(post.identity_id.handle, "anna")
        again = self.ingest([self.make_post("1", self.make_author("7", "anna", network=net),
                                            network=net, like_count=1)
                             for net in ("x", "mastodon", "bluesky", "rss")])
        self.assertEqual((again.created, again.updated), (0, 4))


@tagged("post_install", "-at_install")
class TestPollSequences(SocialCrmCase):
    """The same kind of sequences through ``source._poll()``: Mastodon's documented answers
    at the HTTP boundary, the real connector, one poll per day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create(
            {"name": "#acme", "network_id": cls.mastodon.id, "kind": "hashtag",
             "query": "acme", "base_url": BASE, "access_token": TOKEN, "max_pages": 2,
             "page_size": 20}
        )
        cls.Post = cls.env["social.crm.post"]

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def poll(self, *statuses):
        self.net.routes.clear()
        self.net.add("GET", TAG_URL, json_body=list(statuses))
        result = self.source._poll()
        self.assertFalse(self.source.last_error)
        self.assertFalse(self.env["social.crm.quarantine"].search([]))
        return result

    def status(self, sid, account_id, acct, followers=10, **kw):
        body = status(sid, acct=acct, **kw)
        body["account"].update(id=account_id, followers_count=followers)
        return body

    def identity(self, acct):
        # Mastodon accounts are known by their acct (ids are per instance): a moved account
        # is another account
        return self.env["social.crm.identity"].search([("external_id", "=", acct)])

    def test_move_counts_and_edits_over_three_polls(self):
        self.poll(self.status(12, "1001", "anna@mastodon.example", followers=10))
        anna = self.identity("anna@mastodon.example")
        self.assertEqual(anna.followers_count, 10)
        # day 2: Anna lost her followers and moved to another server (a new account there)
        self.poll(self.status(14, "2002", "anna@other.example", followers=1),
                  self.status(13, "1001", "Anna@mastodon.example", followers=0))
        self.assertEqual(self.source.cursor, "14")
        moved = self.identity("anna@other.example")
        self.assertEqual((anna.handle, moved.handle),
                         ("Anna@mastodon.example", "anna@other.example"))
        self.assertEqual(anna.followers_count, 0)
        self.assertEqual(anna.metric_ids.followers_count, 0)
        # day 3: the moved account's post again with more favourites, and a new one
        self.poll(self.status(15, "2002", "anna@other.example", followers=3),
                  self.status(14, "2002", "anna@other.example", followers=2,
                              favourites_count=9))
        posts = self.Post.search([("source_id", "=", self.source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")), ["12", "13", "14", "15"])
        self.assertEqual(posts.filtered(lambda p: p.external_id == "14").like_count, 9)
        self.assertEqual(moved.followers_count, 3, "the newest post's author")
        self.assertEqual(posts.filtered(lambda p: p.external_id == "12").identity_id, anna)

    def test_two_feeds_with_the_same_bare_guid(self):
        """Two sites' RSS feeds both number their entries ("1042"): two posts, not one post
        of the first site updated by the second (RSS guids are unique per feed only). The
        same entry polled again is still stored once."""
        def rss(site, title):
            return (
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{site}</title><link>https://{site}/</link><description>d</description>"
                f"<item><title>{title}</title><link>https://{site}/p/1042</link>"
                '<guid isPermaLink="false">1042</guid>'
                "<pubDate>Mon, 13 May 2024 10:00:00 GMT</pubDate>"
                "<description>ACME router review</description></item></channel></rss>"
            )

        sources = self.env["social.crm.source"]
        for site in ("reviews.example.org", "blog.other.example"):
            sources |= sources.create({"name": site, "network_id": self.rss.id, "kind": "feed",
                                       "query": f"https://{site}/feed.xml"})
            self.net.add("GET", f"https://{site}/feed.xml", body=rss(site, f"ACME at {site}"),
                         headers={"Content-Type": "application/rss+xml; charset=utf-8"})
        for _poll in range(2):
            for source in sources:
                source._poll()
                self.assertFalse(source.last_error)
        posts = self.Post.search([("source_id", "in", sources.ids)])
        self.assertEqual(sorted(posts.mapped("external_id")),
                         ["blog.other.example:1042", "reviews.example.org:1042"])
        self.assertEqual(sorted(posts.mapped("url")),
                         ["https://blog.other.example/p/1042",
                          "https://reviews.example.org/p/1042"])

    def test_a_page_of_older_posts_after_newer_ones(self):
        """The server answers a later poll with older statuses (a lagging replica ignoring
        since_id, a relay that delivers late): the older posts are stored, the known ones only
        get their counts, and the cursor does not move back."""
        self.poll(self.status(30, "1001", "lea@mastodon.example", followers=50),
                  self.status(29, "1001", "lea@mastodon.example", followers=50))
        self.assertEqual(self.source.cursor, "30")
        lea = self.identity("lea@mastodon.example")
        result = self.poll(self.status(29, "1001", "lea@mastodon.example", followers=45,
                                       favourites_count=8),
                           self.status(27, "1001", "lea@mastodon.example", followers=45))
        self.assertEqual((result.created, result.updated), (1, 1))
        self.assertEqual(self.source.cursor, "30", "never behind what is stored")
        posts = self.Post.search([("source_id", "=", self.source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")), ["27", "29", "30"])
        self.assertEqual(posts.filtered(lambda p: p.external_id == "29").like_count, 8)
        self.assertEqual(lea.handle, "lea@mastodon.example")
