# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sequences over days through the product's real paths (``social.crm.post._ingest_posts``,
the nightly run as the cron runs it, the buttons and wizards users press): a stranger with
10,000 followers attacking the brand, the same author on a second network, audiences that
grow, shrink or are not sent, two companies listening to one author, merges, moved and
deleted identities, erasure, leads, hostile numbers and big batches."""

import datetime as dt
from unittest.mock import patch

from odoo.addons.social_crm.connectors.base import Post
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringSequences(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the product's default follower floors (10,000 top influencer, 1,000 multiplier)
        cls.score_company.write(
            {"social_score_top_followers": 10000, "social_score_multiplier_followers": 1000}
        )
        cls.Post = cls.env["social.crm.post"]
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "Scoring X (sequences)",
                "network_id": cls.x.id,
                "company_id": cls.score_company.id,
                "kind": "mentions",
                "account_id": "1",
                "bearer_token": "b",
            }
        )
        cls.masto_source = cls.env["social.crm.source"].create(
            {
                "name": "Scoring Mastodon (sequences)",
                "network_id": cls.mastodon.id,
                "company_id": cls.score_company.id,
                "kind": "mentions",
                "base_url": "https://mastodon.example",
                "access_token": "t",
            }
        )

    # --- helpers ---------------------------------------------------------------------------
    def post_of(self, ext, network="x", minutes=5, **kw):
        return Post(
            network=network,
            external_id=ext,
            text=kw.pop("text", "@acme worst service ever, never again"),
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes),
            **kw,
        )

    def ingest(self, posts, source=None):
        result = self.Post._ingest_posts(list(posts), source or self.source)
        self.assertFalse(self.env["social.crm.quarantine"].sudo().search([]), "nothing quarantined")
        return self.Post.browse(result.post_ids)

    def nightly(self, days=0):
        """The scheduled run, as the cron calls it (every company, progress committed: the
        test cursor turns the commits into savepoints)."""
        now = self.now + dt.timedelta(days=days)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 1e9):
            self.Partner._social_score_run_company(self.score_company, now=now)
        self.env.invalidate_all()

    def current(self, partner):
        return self.history(partner).filtered("is_current")

    def critic(self, followers=10000, ext="c1", author_ext="carla-x", name="Carla Critic"):
        author = self.make_author(author_ext, "carla_critic", name, followers_count=followers)
        return self.ingest([self.post_of(ext, author=author, like_count=3)])

    # --- 1. the stranger ---------------------------------------------------------------------
    def test_stranger_known_at_once_and_the_night_agrees(self):
        self.nightly()
        post = self.critic()
        partner = post.partner_id
        self.assertTrue(partner, "a new author gets a contact")
        # known before the nightly run: scored in the ingestion's transaction
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertTrue(partner.is_social_influencer)
        row = self.current(partner)
        self.assertTrue(row.is_provisional)
        self.assertEqual(row.followers, 10000)
        # the tier the ticket of this post is ranked by (the hook the helpdesk calls)
        self.assertEqual(
            self.Partner._social_author_tier(partner, self.score_company), ("top_influencer", True)
        )
        lead = self.env["crm.lead"].create(
            {"name": "Carla", "partner_id": partner.id, "company_id": self.score_company.id}
        )
        self.assertTrue(lead.is_social_influencer)
        score = partner.social_score
        # the nightly run agrees (same day, same numbers): no flip-flop
        self.nightly()
        self.assertFalse(self.current(partner).is_provisional)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertEqual(partner.social_score, score)
        self.assertTrue(lead.is_social_influencer)

    def test_same_author_on_mastodon_second_identity(self):
        self.nightly()
        partner = self.critic().partner_id
        # on Mastodon with the same name: a suggestion a person confirms
        masto = self.make_author(
            "109", "carla@mastodon.example", "Carla Critic", network="mastodon",
            followers_count=10000,
        )
        post = self.ingest([self.post_of("m1", network="mastodon", author=masto)],
                           self.masto_source)
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "109")]
        )
        if suggestion:
            suggestion.with_user(self.user).action_confirm()
        self.env.invalidate_all()
        self.assertEqual(post.identity_id.partner_id, partner)
        self.assertEqual(len(partner.social_identity_ids), 2)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.nightly(days=1)
        row = self.current(partner)
        self.assertEqual(row.followers, 20000)
        self.assertEqual(row.identity_count, 2)
        self.assertEqual(partner.social_score_tier, "top_influencer")

    def test_regular_author_goes_viral_is_known_at_once(self):
        """Day 0 an author with 50 followers complains (regular); day 3 the same account,
        now with 12,000 followers, attacks again: the new post makes it a top influencer at
        once (its floor), not at the next night."""
        self.nightly()
        partner = self.critic(followers=50).partner_id
        self.assertEqual(partner.social_score_tier, "regular")
        self.nightly(days=1)
        self.assertEqual(partner.social_score_tier, "regular")
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=12000)
        self.ingest([self.post_of("c2", author=author)])
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertTrue(partner.is_social_influencer)
        self.assertEqual(
            self.Partner._social_author_tier(partner, self.score_company), ("top_influencer", True)
        )
        # the night agrees
        self.nightly(days=3)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertEqual(self.current(partner).followers, 12000)

    def test_followers_shrink_grow_and_missing_counts(self):
        self.nightly()
        partner = self.critic(followers=12000).partner_id
        self.nightly()
        score = partner.social_score
        # the next posts come without counts (None: not sent): nothing lowers the score
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=None)
        self.ingest([self.post_of("c2", author=author)])
        self.assertEqual(partner.social_identity_ids.followers_count, 12000)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.nightly(days=1)
        self.assertEqual(self.current(partner).followers, 12000)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertGreaterEqual(partner.social_score, score)
        # it shrinks below the floor: the post changes nothing at once (no demotion by day)...
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=800)
        self.ingest([self.post_of("c3", author=author)])
        self.assertEqual(partner.social_score_tier, "top_influencer")
        # ...the night does
        self.nightly(days=2)
        self.assertNotEqual(partner.social_score_tier, "top_influencer")
        # it grows back: known at once again
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=15000)
        self.ingest([self.post_of("c4", author=author)])
        self.assertEqual(partner.social_score_tier, "top_influencer")

    # --- 2. two companies -------------------------------------------------------------------
    def test_same_author_in_two_companies(self):
        """Company A (the scoring company) hears the stranger first, then company B (of lower
        id) hears it too: one shared contact, an identity per company. A keeps the score it
        computed (the next nights too); B never reads A's figures, not even through the
        tier its ticket is ranked by: B ranks the author by its own identity's followers."""
        company_b = self.other_company
        self.assertLess(company_b.id, self.score_company.id)
        source_b = self.env["social.crm.source"].create(
            {"name": "X B", "network_id": self.x.id, "company_id": company_b.id,
             "kind": "search", "query": "acme"}
        )
        self.nightly()
        partner = self.critic(followers=10000).partner_id
        # a user shares A's contact (listening made it A's): B's listening links B's identity
        self.assertEqual(partner.company_id, self.score_company)
        partner.company_id = False
        self.assertEqual(partner.social_score_tier, "top_influencer")
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=10000)
        post_b = self.ingest([self.post_of("c1", author=author)], source_b)
        self.assertEqual(post_b.company_id, company_b)
        self.assertEqual(post_b.partner_id, partner)
        # B's tier of the author: by B's own numbers (floor of 10,000: B's default), not A's row
        tier_b = self.Partner._social_author_tier(partner, company_b)
        company_b.social_score_top_followers = 50000
        self.assertEqual(
            self.Partner._social_author_tier(partner, company_b), ("multiplier", True),
            "B's floors, B's identity: not A's score",
        )
        self.assertEqual(tier_b, ("top_influencer", True))
        # A's nights keep A's score
        self.nightly(days=1)
        self.Partner._social_score_recompute(companies=company_b, now=self.now)
        self.env.invalidate_all()
        self.assertEqual(partner.social_score_company_id, self.score_company)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        # an agent of B sees neither A's score nor A's history
        agent_b = self.other_user
        shared_b = partner.with_user(agent_b).with_context(allowed_company_ids=company_b.ids)
        values = shared_b.read(["social_score", "social_score_tier", "is_social_influencer"])[0]
        self.assertEqual(
            (values["social_score"], values["social_score_tier"], values["is_social_influencer"]),
            (0, False, False),
        )
        self.assertFalse(shared_b.social_score_history_ids)
        seller_b = new_test_user(
            self.env, login="seq_seller_b", groups="sales_team.group_sale_salesman",
            company_id=company_b.id, company_ids=[(6, 0, company_b.ids)],
        )
        lead_b = self.env["crm.lead"].with_user(seller_b).with_context(
            allowed_company_ids=company_b.ids
        ).create({"name": "B deal", "partner_id": partner.id, "company_id": company_b.id})
        self.assertFalse(lead_b.is_social_influencer)
        self.assertFalse(lead_b.social_score)

    def test_influencer_todo_only_in_the_scoring_company(self):
        """The salesperson's to-do quotes the Social Score: only for posts of the company the
        contact is scored for (a post heard by company B quotes nothing of A's)."""
        company_b = self.other_company
        source_b = self.env["social.crm.source"].create(
            {"name": "X B", "network_id": self.x.id, "company_id": company_b.id,
             "kind": "search", "query": "acme"}
        )
        partner = self.critic(followers=10000).partner_id
        partner.company_id = False  # shared by a user: B's listening links B's identity to it
        partner.user_id = self.user
        Activity = self.env["mail.activity"]
        todos = Activity.search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=10000)
        self.ingest([self.post_of("c9", author=author)], source_b)
        self.assertEqual(
            Activity.search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]),
            todos,
        )
        self.ingest([self.post_of("c10", author=author)])
        self.assertEqual(
            len(Activity.search([("res_model", "=", "res.partner"),
                                 ("res_id", "=", partner.id)]) - todos), 1,
        )

    # --- 3. contacts change -----------------------------------------------------------------
    def test_merge_of_the_x_and_mastodon_contacts(self):
        """The stranger came on X and, under another name, on Mastodon: two contacts, both
        scored on arrival. A user merges them (Odoo's wizard): the kept contact stays an
        influencer, its leads too; the night scores both identities together."""
        self.nightly()
        x_partner = self.critic(followers=10000).partner_id
        masto = self.make_author("110", "cc", "CC", network="mastodon", followers_count=3000)
        masto_partner = self.ingest(
            [self.post_of("m2", network="mastodon", author=masto)], self.masto_source
        ).partner_id
        self.assertNotEqual(masto_partner, x_partner)
        self.assertEqual(masto_partner.social_score_tier, "multiplier")
        lead = self.env["crm.lead"].create(
            {"name": "CC", "partner_id": masto_partner.id, "company_id": self.score_company.id}
        )
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (x_partner | masto_partner).ids)],
             "dst_partner_id": masto_partner.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(x_partner.exists())
        self.assertEqual(lead.partner_id, masto_partner)
        self.assertEqual(len(self.current(masto_partner)), 1)
        self.assertEqual(len(masto_partner.social_identity_ids), 2)
        # known at once: 13,000 followers reach the top floor
        self.assertEqual(masto_partner.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)
        self.nightly(days=1)
        self.assertEqual(self.current(masto_partner).followers, 13000)
        self.assertEqual(masto_partner.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)

    def test_identity_moved_deleted_archived(self):
        self.nightly()
        partner = self.critic(followers=10000).partner_id
        customer = self.Partner.create({"name": "Carla Critic-Kunde",
                                        "company_id": self.score_company.id})
        lead = self.env["crm.lead"].create(
            {"name": "Old deal", "partner_id": customer.id, "company_id": self.score_company.id}
        )
        self.assertFalse(lead.is_social_influencer, "a lead from before: not scored")
        # a manager moves the identity to the customer it really is
        partner.social_identity_ids.with_user(self.manager).partner_id = customer
        # known at once: the customer is the influencer, the old contact is nobody now
        self.assertEqual(customer.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)
        self.assertFalse(partner.social_score_tier)
        self.nightly(days=1)
        self.assertEqual(customer.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)
        self.assertFalse(partner.social_score_tier, "the old contact has no identity left")
        # its next post goes to the customer; no second score row of the day
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=10000)
        self.ingest([self.post_of("c5", author=author)])
        self.assertEqual(len(self.current(customer)), 1)
        # the customer is archived: not scored any more, nor its lead, at once
        customer.action_archive()
        self.assertFalse(self.current(customer))
        self.assertFalse(lead.is_social_influencer)
        self.nightly(days=2)
        self.assertFalse(self.current(customer))
        # unarchived: scored again at once
        customer.action_unarchive()
        self.assertEqual(customer.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)
        self.nightly(days=3)
        self.assertEqual(customer.social_score_tier, "top_influencer")
        # the identity deleted: not scored from the next night
        customer.social_identity_ids.unlink()
        self.assertFalse(customer.social_score_tier, "at once")
        self.assertFalse(lead.is_social_influencer)
        self.nightly(days=4)
        self.env.invalidate_all()
        self.assertFalse(customer.social_score_tier)
        self.assertFalse(lead.is_social_influencer)

    def test_erasure_removes_score_and_history(self):
        self.nightly()
        partner = self.critic(followers=10000).partner_id
        self.nightly(days=1)
        self.assertTrue(self.history(partner))
        partner.with_user(self.manager).action_social_erase()
        self.env.invalidate_all()
        self.assertFalse(self.env["social.crm.score.history"].sudo().search(
            [("partner_id", "=", partner.id)]))
        self.assertFalse(partner.social_score_tier)
        # the author posts again: a stranger again, known at once (the erased contact keeps
        # its name: a suggestion waits for a person, and the post is ranked by its followers)
        author = self.make_author("carla-x", "carla_critic", "Carla Critic", followers_count=10000)
        post = self.ingest([self.post_of("c6", author=author)])
        if post.partner_id:
            self.assertEqual(post.partner_id.social_score_tier, "top_influencer")
        self.assertEqual(
            self.Partner._social_author_tier(post.partner_id, self.score_company, 10000),
            ("top_influencer", True),
        )
        self.assertFalse(self.history(partner), "nothing scored for the erased contact")

    # --- 4. leads ---------------------------------------------------------------------------
    def test_leads_follow_their_customer(self):
        self.nightly()
        # a lead of the customer before it became an influencer
        customer = self.Partner.create({"name": "Carla Critic", "email": "carla@example.com",
                                        "company_id": self.score_company.id})
        employer = self.Partner.create({"name": "Critic GmbH", "is_company": True,
                                        "company_id": self.score_company.id})
        customer.parent_id = employer
        Lead = self.env["crm.lead"]
        before = Lead.create({"name": "Before", "partner_id": customer.id,
                              "company_id": self.score_company.id})
        account_lead = Lead.create({"name": "Account", "partner_id": employer.id,
                                    "type": "opportunity", "company_id": self.score_company.id})
        lost = Lead.create({"name": "Lost", "partner_id": customer.id, "type": "opportunity",
                            "company_id": self.score_company.id})
        lost.action_set_lost()
        archived = Lead.create({"name": "Archived", "partner_id": customer.id,
                                "company_id": self.score_company.id})
        archived.action_archive()
        other = Lead.create({"name": "Other", "partner_id": self.quiet.id,
                             "company_id": self.score_company.id})
        # the customer's handle is entered by hand, then she attacks with 10,000 followers
        self.env["social.crm.identity"].create(
            {"partner_id": customer.id, "company_id": self.score_company.id,
             "network_id": self.x.id, "handle": "carla_critic", "origin": "manual"}
        )
        self.critic(followers=10000)
        self.env.invalidate_all()
        self.assertEqual(customer.social_score_tier, "top_influencer")
        for lead in (before, lost, archived):
            self.assertTrue(lead.is_social_influencer, lead.name)
        self.assertEqual(
            Lead.with_context(active_test=False).search(
                [("id", "in", (before | lost | archived | other).ids),
                 ("is_social_influencer", "=", True)]),
            before | lost | archived,
        )
        # choice: the company's lead keeps the company's own score (none), and names the
        # influencer among its people
        self.assertFalse(account_lead.is_social_influencer)
        self.assertIn(customer, account_lead.social_account_influencer_ids)
        # the lead's customer changes: its flag follows at once
        other.partner_id = customer
        self.assertTrue(other.is_social_influencer)
        before.partner_id = self.quiet
        self.assertFalse(before.is_social_influencer)

    # --- 5. hostile numbers and big batches ---------------------------------------------------
    def test_hostile_counts(self):
        self.nightly()
        authors = [
            self.make_author("h0", "zero", "Zora Zero", followers_count=0),
            self.make_author("h1", "huge", "Hugo Huge", followers_count=10**15),
            self.make_author("h2", "neg", "Nina Negative", followers_count=-50),
            self.make_author("h3", "none", "Nora None", followers_count=None),
        ]
        posts = self.ingest(
            [self.post_of(f"hp{i}", author=author, like_count=10**14 if i == 1 else -3)
             for i, author in enumerate(authors)]
        )
        by_ext = {post.external_id: post.partner_id for post in posts}
        for partner in by_ext.values():
            row = self.current(partner)
            self.assertEqual(len(row), 1, partner.name)
            self.assertTrue(0 <= row.score <= 100, partner.name)
            self.assertGreaterEqual(row.followers, 0)
        self.assertEqual(by_ext["hp1"].social_score_tier, "top_influencer")
        self.assertEqual(by_ext["hp2"].social_score_tier, "regular")
        self.assertEqual(self.current(by_ext["hp2"]).followers, 0)
        # an account without any post in the window (its only post is old) is scored too
        silent = self.make_contact("Sid Silent", [(self.x, "ext-silent", 20000)])
        self.make_post(silent, "silent-old", hours=24 * 400)
        self.nightly(days=1)
        for partner in (*by_ext.values(), silent):
            self.assertEqual(len(self.current(partner)), 1, partner.name)
        self.assertEqual(silent.social_score_tier, "top_influencer")
        self.assertEqual(self.current(silent).post_count, 0)
        self.assertEqual(by_ext["hp1"].social_score_tier, "top_influencer")

    def _ingest_queries(self, count, prefix):
        posts = [
            self.post_of(
                f"{prefix}-{i}",
                author=self.make_author(
                    f"{prefix}-a{i}", f"{prefix}_{i}", f"{prefix.title()} Person {i}",
                    followers_count=50 * i,
                ),
                text=f"Saw @acme and @ext-star today ({i})",
                mentioned_external_ids=("ext-star", "ext-fan"),
                like_count=i,
            )
            for i in range(count)
        ]
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Post._ingest_posts(posts, self.source)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_big_batch_no_query_per_author(self):
        """A batch of many new authors mentioning the star: scored on arrival with a number
        of queries that does not grow with the batch."""
        self.nightly()
        small = self._ingest_queries(10, "small")
        big = self._ingest_queries(200, "big")
        self.assertLessEqual(big, small + 10, f"10 posts: {small} queries, 200: {big}")
        scored = self.env["social.crm.score.history"].search_count(
            [("is_current", "=", True), ("partner_id.name", "like", "Big Person")]
        )
        self.assertEqual(scored, 200)

    # --- 6. the nightly cron ------------------------------------------------------------------
    def test_cron_interrupted_then_resumed(self):
        """The cron commits every chunk; a worker killed after the first chunk leaves the
        chunks written; the next run finishes without a second row or a second count."""
        for i in range(9):
            self.make_contact(f"Crowd {i}", [(self.x, f"crowd-{i}", 100 * (i + 1))])
        self.nightly()
        for i in range(9):
            # a new day: everybody's audience changed
            self.env["social.crm.identity"].search([("external_id", "=", f"crowd-{i}")]).write(
                {"followers_count": 5000 + 1000 * i}
            )
        tomorrow = self.now + dt.timedelta(days=1)

        class Killed(Exception):
            pass

        calls = []

        def killed_after_first_chunk(cron, processed=0, remaining=None, **kw):
            calls.append(processed)
            if len(calls) == 3:
                raise Killed
            return 1e9

        history = "odoo.addons.social_crm_scoring.models.social_crm_score_history"
        Cron = type(self.env["ir.cron"])
        with (
            patch(f"{history}.WRITE_BATCH", 3),
            patch("odoo.fields.Datetime.now", return_value=tomorrow),
            patch.object(Cron, "_commit_progress", killed_after_first_chunk),
        ):
            # (not assertRaises: Odoo's rolls back to a savepoint, the "committed" chunks too)
            killed = False
            try:
                self.Partner._social_score_run_company(
                    self.score_company, commit_progress=self.env["ir.cron"]._commit_progress
                )
            except Killed:
                killed = True
            self.assertTrue(killed)
        self.env.invalidate_all()
        written = self.env["social.crm.score.history"].search(
            [("company_id", "=", self.score_company.id), ("date", "=", tomorrow.date())]
        )
        self.assertEqual(len(written), 6, "the chunks before the kill stay written")
        self.assertNotEqual(self.score_company.social_score_last_run, tomorrow)
        # the next run, as the cron: every company, progress counted once per contact
        processed = []

        def progress(cron, processed_now=0, remaining=None, **kw):
            processed.append((processed_now, remaining))
            return 1e9

        with (
            patch(f"{history}.WRITE_BATCH", 3),
            patch("odoo.fields.Datetime.now", return_value=tomorrow),
            patch.object(Cron, "_commit_progress", progress),
        ):
            self.Partner._cron_social_score()
        self.env.invalidate_all()
        population = self.Partner._social_score_population()
        self.assertEqual(processed[0][1], sum(map(len, population.values())))
        self.assertEqual(sum(done for done, _remaining in processed[1:]), processed[0][1])
        rows = self.env["social.crm.score.history"].search(
            [("company_id", "=", self.score_company.id), ("is_current", "=", True)]
        )
        self.assertEqual(sorted(rows.partner_id.ids), population[self.score_company.id])
        self.assertEqual(self.score_company.social_score_last_run, tomorrow)
        # the same scores as one uninterrupted run would give
        scores = {row.partner_id.id: (row.score, row.tier) for row in rows}
        self.Partner._social_score_recompute(companies=self.score_company, now=tomorrow)
        self.env.invalidate_all()
        rows = self.env["social.crm.score.history"].search(
            [("company_id", "=", self.score_company.id), ("is_current", "=", True)]
        )
        self.assertEqual({row.partner_id.id: (row.score, row.tier) for row in rows}, scores)
        crowd = self.Partner.search([("name", "=like", "Crowd %")])
        for partner in crowd:
            self.assertEqual(len(self.history(partner).filtered(
                lambda r, p=partner: r.date == tomorrow.date())), 1)

    def test_merge_keeps_the_merged_contacts_history(self):
        """Both contacts were scored on the same days: the merge keeps one row per day (the
        current one, else the kept contact's) and moves the merged contact's other days,
        instead of Odoo's fallback deleting all its rows on the first clash."""
        self.nightly()
        x_partner = self.critic(followers=500).partner_id
        masto = self.make_author("111", "cc2", "CC", network="mastodon", followers_count=300)
        masto_partner = self.ingest(
            [self.post_of("m3", network="mastodon", author=masto)], self.masto_source
        ).partner_id
        self.nightly()  # day 0: the provisional rows replaced (same day)
        # day 1: the X account grew (a new row for it only)
        x_partner.social_identity_ids.followers_count = 5000
        self.nightly(days=1)
        x_dates = self.history(x_partner).mapped("date")
        self.assertEqual(len(x_dates), 2)
        self.assertEqual(len(self.history(masto_partner)), 1)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (x_partner | masto_partner).ids, dst_partner=masto_partner, extra_checks=False
        )
        self.env.invalidate_all()
        rows = self.history(masto_partner)
        self.assertEqual(sorted(rows.mapped("date")), sorted(x_dates))
        self.assertEqual(len(rows.filtered("is_current")), 1)

    def test_a_critic_is_not_merged_into_a_shared_contact_of_another_company_s_lead(self):
        """Probe: the merge rule looked at the contacts' and identities' companies only. A
        shared contact (no company) is another company's customer (its opportunity there);
        the administrator merged this company's critic (listening contact, identity, score)
        into it: the other company's salespeople read the critic's e-mail on their customer,
        and its tier on their lead. Refused now (the leads' companies count once the
        contacts carry the product's data); without the product's data Odoo's merge is left
        as it is."""
        critic = self.ingest([self.post_of("mg1", author=self.make_author(
            "mg-1", "kritiker_mg", "Gerd Kritisch", followers_count=1200))]).partner_id
        self.assertEqual(critic.company_id, self.score_company)
        critic.email = "gerd@example.org"
        shared = self.env["res.partner"].create({"name": "Gerd Kritisch"})
        self.env["crm.lead"].create({"name": "Gerd's fleet", "type": "opportunity",
                                     "partner_id": shared.id,
                                     "company_id": self.other_company.id})
        wizard = self.env["base.partner.merge.automatic.wizard"]
        with self.assertRaisesRegex(UserError, "different companies"):
            wizard._merge((critic | shared).ids, dst_partner=shared)
        self.assertTrue(critic.exists())
        self.assertFalse(shared.email)
        # a plain customer of this company (a lead, no social data) still merges into it
        plain = self.env["res.partner"].create(
            {"name": "Gerd K.", "company_id": self.score_company.id})
        wizard._merge((plain | shared).ids, dst_partner=shared)
        self.assertFalse(plain.exists())

    def test_confirmed_suggestion_adds_followers_at_once(self):
        """A multiplier on X (3,000 followers) is confirmed as the author of a Mastodon
        account with 8,000: 11,000 together reach the top floor, known at once."""
        self.nightly()
        partner = self.critic(followers=3000).partner_id
        self.assertEqual(partner.social_score_tier, "multiplier")
        masto = self.make_author(
            "112", "carla@mastodon.example", "Carla Critic", network="mastodon",
            followers_count=8000,
        )
        post = self.ingest([self.post_of("m4", network="mastodon", author=masto)],
                           self.masto_source)
        self.assertFalse(post.partner_id, "a suggestion waits for a person")
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "112")]
        )
        self.assertEqual(suggestion.partner_id, partner)
        suggestion.with_user(self.user).action_confirm()
        self.env.invalidate_all()
        self.assertEqual(post.partner_id, partner)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertEqual(self.current(partner).followers, 11000)
