# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sequences over days through the product's real paths (``social.crm.post._ingest_posts``,
the nightly run as the cron runs it, the buttons and wizards users press): a stranger with
10,000 followers attacking the brand, the same author on a second network, audiences that
grow, shrink or are not sent, two companies listening to one author, merges, moved and
deleted identities, erasure, leads, hostile numbers and big batches."""

import datetime as dt
from unittest.mock import patch

from odoo.addons.social_crm.connectors.base import Post
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
        self.assertFalse(partner.company_id)
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
