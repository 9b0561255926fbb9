# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase


@tagged("post_install", "-at_install")
class TestIngest(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Identity = cls.env["social.crm.identity"]
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "X search",
                "network_id": cls.x.id,
                "kind": "search",
                "query": "acme",
                "unknown_author_policy": "create_contact",
            }
        )
        cls.keep_source = cls.env["social.crm.source"].create(
            {
                "name": "X search keep",
                "network_id": cls.x.id,
                "kind": "search",
                "query": "acme",
                "unknown_author_policy": "keep_post",
            }
        )

    def test_dedupe_and_metrics_update(self):
        author = self.make_author("7", "known", "Known Author", followers_count=10)
        first = self.Post._ingest_posts([self.make_post("1", author, like_count=1)], self.source)
        self.assertEqual((first.created, first.updated), (1, 0))
        again = self.Post._ingest_posts(
            [
                self.make_post("1", author, like_count=5, repost_count=2),
                self.make_post("1", author, like_count=6, repost_count=2),
            ],
            self.source,
        )
        self.assertEqual((again.created, again.updated), (0, 1))
        post = self.Post.search([("external_id", "=", "1")])
        self.assertEqual(len(post), 1, "polling again never stores a post twice")
        self.assertEqual((post.like_count, post.repost_count, post.engagement_count), (6, 2, 8))

    def test_identity_upsert_and_count_history(self):
        author = self.make_author("7", "known", "Known", followers_count=10, posts_count=3)
        self.Post._ingest_posts([self.make_post("1", author)], self.source)
        identity = self.Identity.search([("external_id", "=", "7")])
        self.assertEqual(identity.followers_count, 10)
        self.assertEqual(identity.origin, "listening")
        self.assertTrue(identity.partner_id.social_origin, "contact marked as from social media")
        self.assertEqual(identity.metric_ids.followers_count, 10)
        bigger = self.make_author("7", "known", "Known Renamed", followers_count=250)
        self.Post._ingest_posts([self.make_post("2", bigger)], self.source)
        self.assertEqual(identity.followers_count, 250)
        self.assertEqual(identity.display_name_on_network, "Known Renamed")
        self.assertEqual(identity.posts_count, 3, "a count the network did not send is kept")
        self.assertEqual(len(identity.metric_ids), 1, "one history row per day")
        self.assertEqual(identity.metric_ids.followers_count, 250)
        self.assertEqual(self.Identity.search_count([("external_id", "=", "7")]), 1)

    def test_count_history_rows_are_dated_on_the_company_s_day(self):
        """The listening job runs as OdooBot (no time zone: UTC without demo data); the
        company works in Berlin. A count read at 00:30 in Berlin (23:30 UTC) and the next
        morning's are the same day's row, dated that day; they were two rows, the first
        dated the day before."""
        import datetime as dt

        from freezegun import freeze_time

        self.env.ref("base.user_root").partner_id.tz = False
        self.company.partner_id.tz = "Europe/Berlin"
        product = self.env(context={
            k: v for k, v in self.env.context.items() if k != "tz"})["social.crm.post"]
        with freeze_time("2026-12-04 23:30:00"):
            product._ingest_posts([self.make_post(
                "1", self.make_author("7", "known", "Known", followers_count=10))], self.source)
        with freeze_time("2026-12-05 08:00:00"):
            product._ingest_posts([self.make_post(
                "2", self.make_author("7", "known", "Known", followers_count=12))], self.source)
        identity = self.Identity.search([("external_id", "=", "7")])
        self.assertEqual(identity.metric_ids.mapped("date"), [dt.date(2026, 12, 5)])
        self.assertEqual(identity.metric_ids.followers_count, 12)

    def test_resolution_linked_identity_first(self):
        self.Identity.create(
            {
                "partner_id": self.partner.id,
                "network_id": self.x.id,
                "external_id": "42",
                "handle": "petra_vogel",
            }
        )
        result = self.Post._ingest_posts(
            [self.make_post("1", self.make_author("42", "petra_new_name"))], self.source
        )
        self.assertEqual(result.new_contacts, 0)
        self.assertEqual(self.Post.search([("external_id", "=", "1")]).partner_id, self.partner)

    def test_resolution_by_handle_entered_by_hand(self):
        manual = self.Identity.create(
            {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "Petra_Vogel"}
        )
        result = self.Post._ingest_posts(
            [self.make_post("1", self.make_author("42", "petra_vogel", followers_count=99))],
            self.source,
        )
        self.assertEqual(result.linked_identities, 1)
        self.assertEqual(manual.external_id, "42")
        self.assertEqual(manual.followers_count, 99)
        self.assertEqual(self.Post.search([("external_id", "=", "1")]).identity_id, manual)

    def test_identity_by_hand_with_handle_and_url_of_two_accounts(self):
        """A user entered one account's handle and another account's profile URL: both write
        in one page, the URL's account first. The handle's account gets the identity, the
        URL's account a contact of its own, and nothing goes to quarantine (before, the URL's
        account took the identity and the handle's account's new identity hit the unique
        handle index, at the poll and again at every retry)."""
        manual = self.Identity.create({
            "partner_id": self.partner.id, "network_id": self.x.id,
            "handle": "petra_vogel", "profile_url": "https://x.com/pvogel_shop",
        })
        self.assertEqual(manual.profile_url, "https://x.com/pvogel_shop")
        shop = self.make_author("61", "pvogel_shop", "Vogel Shop",
                                profile_url="https://x.com/pvogel_shop")
        petra = self.make_author("62", "petra_vogel", "Petra Vogel",
                                 profile_url="https://x.com/petra_vogel")
        result = self.Post._ingest_posts(
            [self.make_post("u1", shop), self.make_post("u2", petra)], self.source
        )
        self.assertEqual(result.created, 2)
        self.assertFalse(self.env["social.crm.quarantine"].search(
            [("external_id", "in", ("u1", "u2"))]))
        self.assertEqual(manual.external_id, "62")
        self.assertEqual(self.Post.search([("external_id", "=", "u2")]).partner_id, self.partner)
        other = self.Post.search([("external_id", "=", "u1")]).identity_id
        self.assertEqual((other.external_id, other.handle), ("61", "pvogel_shop"))
        self.assertNotEqual(other.partner_id, self.partner)

    def test_identity_by_hand_adopts_the_authors_earlier_posts(self):
        """A source keeps the posts of unknown authors without a contact; a user then enters
        the author's handle on a contact. The author's next post links that identity, and
        the earlier posts follow it (contact and identity), the interaction history whole."""
        author = self.make_author("71", "mara_k", "Mara K")
        early = self.Post._ingest_posts(
            [self.make_post("e1", author, minutes_ago=60), self.make_post("e2", author,
                                                                          minutes_ago=50)],
            self.keep_source,
        )
        earlier = self.Post.browse(early.post_ids)
        self.assertFalse(earlier.identity_id)
        manual = self.Identity.create(
            {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "mara_k"}
        )
        later = self.Post._ingest_posts([self.make_post("e3", author)], self.keep_source)
        self.assertEqual(later.linked_identities, 1)
        self.assertEqual(manual.external_id, "71")
        posts = earlier | self.Post.browse(later.post_ids)
        self.assertEqual(posts.identity_id, manual)
        self.assertEqual(posts.partner_id, self.partner)
        self.assertEqual(manual.post_count, 3)

    def test_handle_taken_over_by_another_account(self):
        """X gives a freed handle to a new account: the post of the new owner is stored, the
        handle moves to its identity and the former owner's identity keeps its id, contact and
        posts without the handle (the database allows a handle once per network)."""
        first = self.Post._ingest_posts(
            [self.make_post("h1", self.make_author("501", "kim_reviews", "Kim Old"))],
            self.source,
        )
        former = self.Post.browse(first.post_ids).identity_id
        self.assertEqual(former.handle, "kim_reviews")
        # a later page: another account (another id) now writes as @Kim_Reviews
        result = self.Post._ingest_posts(
            [self.make_post("h2", self.make_author("777", "Kim_Reviews", "Kim New"))],
            self.source,
        )
        self.assertEqual(result.created, 1)
        self.assertFalse(self.env["social.crm.quarantine"].search([("external_id", "=", "h2")]))
        new = self.Post.browse(result.post_ids).identity_id
        self.assertEqual((new.external_id, new.handle), ("777", "Kim_Reviews"))
        self.assertEqual(former.external_id, "501")
        self.assertFalse(former.handle, "the stale handle is freed for its new owner")
        self.assertNotEqual(new.partner_id, former.partner_id)
        self.assertEqual(self.Post.search([("external_id", "=", "h1")]).identity_id, former)

    def test_known_account_renamed_follows_and_frees_the_handle(self):
        """An account renames itself; its identity (and profile link) follow. Then two known
        accounts swap handles in one page: both follow, nothing is quarantined."""
        def ingest(*posts):
            result = self.Post._ingest_posts(list(posts), self.source)
            self.assertFalse(self.env["social.crm.quarantine"].search([]))
            return self.Post.browse(result.post_ids)

        a = ingest(self.make_post("r1", self.make_author("801", "lena_rides"))).identity_id
        b = ingest(self.make_post("r2", self.make_author("802", "tom_rides"))).identity_id
        ingest(self.make_post("r3", self.make_author("801", "lena_rides_de")))
        self.assertEqual(a.handle, "lena_rides_de")
        self.assertEqual(a.profile_url, "https://x.com/lena_rides_de")
        ingest(self.make_post("r4", self.make_author("802", "lena_rides_de"), minutes_ago=2),
               self.make_post("r5", self.make_author("801", "tom_rides"), minutes_ago=3))
        self.assertEqual((a.handle, b.handle), ("tom_rides", "lena_rides_de"))
        self.assertEqual(self.Post.search([("external_id", "=", "r1")]).author_handle,
                         "lena_rides", "a post keeps the handle it was written under")

    def test_one_handle_two_accounts_in_one_page(self):
        """A page holds posts of the former and the new owner of a handle (the handle moved
        between the two posts): both posts are stored, the newer post's author keeps the
        handle, the other identity is stored without it."""
        old = self.make_post("p-old", self.make_author("601", "sam_tests", "Sam Old"),
                             minutes_ago=90)
        new = self.make_post("p-new", self.make_author("602", "SAM_tests", "Sam New"),
                             minutes_ago=5)
        result = self.Post._ingest_posts([new, old], self.source)
        self.assertEqual(result.created, 2)
        posts = self.Post.browse(result.post_ids)
        by_ext = {post.external_id: post.identity_id for post in posts}
        self.assertEqual(by_ext["p-new"].handle, "SAM_tests")
        self.assertEqual(by_ext["p-old"].external_id, "601")
        self.assertFalse(by_ext["p-old"].handle)

    def test_resolution_by_profile_url(self):
        manual = self.Identity.create(
            {
                "partner_id": self.partner.id,
                "network_id": self.rss.id,
                "handle": "P. Vogel",
                "profile_url": "https://blog.example.de/autorin/petra/",
            }
        )
        author = self.make_author(
            "blog.example.de/petra",
            "Petra V.",
            network="rss",
            profile_url="http://www.blog.example.de/autorin/petra",
        )
        self.Post._ingest_posts([self.make_post("a1", author, network="rss")], self.source)
        self.assertEqual(manual.external_id, "blog.example.de/petra")
        # a contact whose web site is the profile URL
        site = self.env["res.partner"].create(
            {"name": "Karl Blogger", "website": "https://karl.example.org/"}
        )
        author = self.make_author(
            "karl", None, "Karl", network="rss", profile_url="https://karl.example.org"
        )
        self.Post._ingest_posts([self.make_post("a2", author, network="rss")], self.source)
        self.assertEqual(self.Post.search([("external_id", "=", "a2")]).partner_id, site)

    def test_email_in_bio_only_suggests(self):
        # was test_resolution_by_email_in_bio, which linked the author automatically (issue 18):
        # anyone can write an address into a bio, so it is only a suggestion for review
        author = self.make_author("99", "pv", "P V", bio="Kontakt: Petra.Vogel@example.de 📧")
        result = self.Post._ingest_posts([self.make_post("1", author)], self.source)
        self.assertEqual((result.new_contacts, result.suggestions), (0, 1))
        post = self.Post.search([("external_id", "=", "1")])
        self.assertFalse(post.partner_id, "never linked automatically")
        self.assertFalse(self.Identity.search([("external_id", "=", "99")]))
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "99")]
        )
        self.assertEqual(suggestion.partner_id, self.partner)
        self.assertEqual(suggestion.reason, "email")
        # shown in the reviewer's language, whoever ingested the post
        self.assertEqual(
            dict(suggestion._fields["reason"]._description_selection(self.env))["email"],
            "E-mail address in the bio",
        )
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        german = self.env(context=dict(self.env.context, lang="de_DE"))
        self.assertEqual(
            dict(suggestion._fields["reason"]._description_selection(german))["email"],
            "E-Mail-Adresse in der Bio",
        )
        suggestion.with_user(self.user).action_confirm()
        self.assertEqual(post.partner_id, self.partner, "linked once a person confirmed it")

    def test_email_in_bio_never_points_at_a_user(self):
        admin = self.env.ref("base.user_admin")
        admin.partner_id.email = "admin@acme.example"
        archived = new_test_user(self.env, login="sc_gone", email="gone@acme.example")
        archived.active = False
        author = self.make_author(
            "66", "mallory", "Mallory", bio="Write me: ADMIN@acme.example or gone@acme.example"
        )
        result = self.Post._ingest_posts([self.make_post("1", author)], self.source)
        self.assertEqual((result.suggestions, result.new_contacts), (0, 1))
        partner = self.Post.search([("external_id", "=", "1")]).partner_id
        self.assertNotIn(partner, admin.partner_id | archived.partner_id)
        self.assertEqual(partner.name, "Mallory")
        self.assertFalse(
            self.env["social.crm.match.suggestion"].search([("author_external_id", "=", "66")])
        )
        # a web site on the profile does not make a stranger a user's contact either
        admin.partner_id.website = "https://admin.acme.example"
        site = self.make_author(
            "67", None, "Site", network="rss", profile_url="https://admin.acme.example"
        )
        self.Post._ingest_posts([self.make_post("a1", site, network="rss")], self.source)
        self.assertNotEqual(
            self.Post.search([("external_id", "=", "a1")]).partner_id, admin.partner_id
        )

    def test_bio_is_plain_text_in_the_contact_notes(self):
        bio = (
            '<img src="https://track.example/p.gif"><a href="https://evil.example">win</a>'
            '<div style="position:fixed;top:0;left:0;width:100vw;height:100vh">x</div>\nline 2'
        )
        author = self.make_author("55", "hostile", "Hostile Bio", bio=bio)
        self.Post._ingest_posts([self.make_post("1", author)], self.source)
        partner = self.Post.search([("external_id", "=", "1")]).partner_id
        notes = str(partner.comment)
        for markup in ("<img", "<a ", "<div", "href="):
            self.assertNotIn(markup, notes.replace('&lt;a href="', "&lt;a "), "no markup")
        self.assertIn("&lt;img", notes, "the bio is shown as the text it is")
        self.assertIn("&lt;div style=", notes)
        self.assertIn("line 2", notes)
        identity = self.Identity.search([("external_id", "=", "55")])
        self.assertEqual(identity.bio, bio, "the identity keeps the plain text")

    def test_fuzzy_name_is_only_a_suggestion(self):
        author = self.make_author("77", "pvogel", "Petra Vögel")
        result = self.Post._ingest_posts([self.make_post("1", author)], self.source)
        self.assertEqual(result.suggestions, 1)
        self.assertEqual(result.new_contacts, 0, "no contact created while a match waits")
        post = self.Post.search([("external_id", "=", "1")])
        self.assertFalse(post.partner_id)
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "77")]
        )
        self.assertEqual(suggestion.partner_id, self.partner)
        self.assertGreater(suggestion.confidence, 0.85)
        self.assertEqual(suggestion.post_count, 1)
        # a second poll does not suggest it twice
        self.Post._ingest_posts([self.make_post("2", author)], self.source)
        self.assertEqual(
            self.env["social.crm.match.suggestion"].search_count(
                [("author_external_id", "=", "77")]
            ),
            1,
        )
        suggestion.with_user(self.user).action_confirm()
        self.assertEqual(post.partner_id, self.partner)
        self.assertEqual(self.Post.search([("external_id", "=", "2")]).partner_id, self.partner)
        self.assertEqual(suggestion.state, "confirmed")
        # from now on the author is known
        result = self.Post._ingest_posts([self.make_post("3", author)], self.source)
        self.assertEqual((result.suggestions, result.new_contacts), (0, 0))

    def test_unknown_author_policy(self):
        created = self.Post._ingest_posts(
            [self.make_post("1", self.make_author("500", "newbie", "Zoe Newcomer"))], self.source
        )
        self.assertEqual(created.new_contacts, 1)
        partner = self.Post.search([("external_id", "=", "1")]).partner_id
        self.assertEqual(partner.name, "Zoe Newcomer")
        self.assertTrue(partner.social_origin)
        kept = self.Post._ingest_posts(
            [self.make_post("2", self.make_author("501", "other", "Yuri Unknown"))],
            self.keep_source,
        )
        self.assertEqual(kept.new_contacts, 0)
        post = self.Post.search([("external_id", "=", "2")])
        self.assertFalse(post.partner_id)
        self.assertEqual(post.author_handle, "other")

    def test_deleted_author_and_hostile_text(self):
        text = "<script>alert('x')</script> \u202e evil \x00 " + "ü" * 30000
        result = self.Post._ingest_posts([self.make_post("1", None, text=text)], self.source)
        self.assertEqual(result.created, 1)
        post = self.Post.search([("external_id", "=", "1")])
        self.assertFalse(post.identity_id)
        self.assertIn("<script>", post.text, "stored as plain text, shown escaped")
        self.assertNotIn("\x00", post.text, "PostgreSQL cannot store NUL: it is dropped")
        self.assertIn("\u202e", post.text)

    def test_unknown_network_is_skipped(self):
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_post", "WARNING"):
            result = self.Post._ingest_posts([self.make_post("1", None, network="myspace")])
        self.assertEqual((result.created, result.skipped), (0, 1))

    def test_queries_do_not_grow_with_batch_size(self):
        def batch(offset, size):
            return [
                self.make_post(
                    f"q{offset + i}",
                    self.make_author(
                        f"a{offset + i % (size // 2)}",
                        f"h{offset + i % (size // 2)}",
                        f"Author {offset + i}",
                        followers_count=i,
                    ),
                )
                for i in range(size)
            ]

        counts = []
        for offset, size in ((0, 10), (1000, 80)):
            posts = batch(offset, size)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Post._ingest_posts(posts, self.keep_source)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertLessEqual(counts[1], counts[0] + 3, f"queries per batch: {counts}")
