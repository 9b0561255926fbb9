# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Influence known on arrival: a provisional score in the ingestion's transaction, follower
floors next to the percentiles, the nightly run replacing the provisional row."""

import datetime as dt

from odoo.addons.social_crm.connectors.base import Post
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestProvisionalScore(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "Scoring X (test)",
                "network_id": cls.x.id,
                "company_id": cls.score_company.id,
                "kind": "mentions",
                "account_id": "1",
                "bearer_token": "b",
            }
        )

    def new_post(self, ext, author, text, **kw):
        return Post(
            network="x",
            external_id=ext,
            text=text,
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
            author=author,
            **kw,
        )

    def critic(self, followers=12000, ext="critic-1", likes=40, listed=85, verified=True):
        author = self.make_author(
            f"a-{ext}",
            f"critic_{ext}",
            "Carla Critic",
            followers_count=followers,
            listed_count=listed,
            verified=verified,
        )
        post = self.new_post(
            ext, author, text="@acme worst service ever", like_count=likes, repost_count=5
        )
        result = self.env["social.crm.post"]._ingest_posts([post], self.source)
        return self.env["social.crm.post"].browse(result.post_ids).partner_id

    def test_new_author_scored_in_the_same_transaction(self):
        self.recompute()
        partner = self.critic()
        row = self.history(partner)
        self.assertEqual(len(row), 1)
        self.assertTrue(row.is_current)
        self.assertTrue(row.is_provisional)
        self.assertEqual(row.followers, 12000)
        self.assertEqual(row.post_count, 1)
        self.assertEqual(row.reaction_count, 45)
        self.assertEqual(row.mention_count, 0, "its own post counts under engagement")
        # four contacts scored before (the ghost has no identity): five now
        self.assertEqual(row.population, 5)
        self.assertGreater(partner.social_score, 0)
        self.assertEqual(partner.social_score_tier, row.tier)
        explanation = str(partner.social_score_explanation)
        self.assertIn("Provisional score", explanation)
        self.assertIn("listed 85 times", explanation)
        self.assertIn("verified account", explanation)
        # the same five parts as the nightly score
        for label in ("Reach", "Engagement", "News mentions", "Network position"):
            self.assertIn(label, explanation)
        self.assertIn("12,000 followers on 1 identity", explanation)

    def test_a_score_on_arrival_is_dated_on_the_company_s_day(self):
        """A critic's post at 00:30 in Berlin (23:30 UTC), scored on arrival by the listening
        job (OdooBot, no time zone): the score's row is dated the company's day, not UTC's
        (it was the day before)."""
        from freezegun import freeze_time

        self.env.ref("base.user_root").partner_id.tz = False
        self.score_company.partner_id.tz = "Europe/Berlin"
        self.recompute()
        with freeze_time("2026-12-04 23:30:00"):
            partner = self.critic()
        self.assertEqual(self.history(partner).date, dt.date(2026, 12, 5))

    def test_known_contacts_keep_their_score(self):
        self.recompute()
        before = self.history(self.star)
        author = self.make_author("ext-star", "stella", "Stella Star", followers_count=260000)
        self.env["social.crm.post"]._ingest_posts(
            [self.new_post("star-new", author, text="@acme hi")], self.source
        )
        self.assertEqual(self.history(self.star), before)
        self.assertFalse(before.is_provisional)

    def test_nightly_run_replaces_the_provisional_row(self):
        self.recompute()
        partner = self.critic()
        provisional = self.history(partner)
        self.assertTrue(provisional.is_provisional)
        # a full run (as the cron), even with the same numbers, rewrites the row
        self.env["res.partner"]._social_score_run_company(self.score_company)
        self.env.invalidate_all()
        row = self.history(partner).filtered("is_current")
        self.assertEqual(len(row), 1)
        self.assertFalse(row.is_provisional)
        self.assertNotIn("Provisional score", str(partner.social_score_explanation))

    def test_provisional_matches_the_nightly_score(self):
        self.recompute()
        partner = self.critic()
        provisional = self.history(partner)
        score, tier = provisional.score, provisional.tier
        self.recompute()
        row = self.history(partner).filtered("is_current")
        self.assertEqual((row.score, row.tier), (score, tier))

    def test_empty_company_and_batch(self):
        # nobody scored yet: the batch's new authors are scored among themselves
        posts = [
            self.new_post(
                f"b-{i}",
                self.make_author(f"b-a{i}", f"b{i}", f"B {i}", followers_count=10 * i),
                text="@acme hm",
            )
            for i in range(1, 4)
        ]
        result = self.env["social.crm.post"]._ingest_posts(posts, self.source)
        partners = self.env["social.crm.post"].browse(result.post_ids).partner_id
        rows = self.env["social.crm.score.history"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(rows.mapped("is_provisional")))
        self.assertEqual(sorted(rows.mapped("rank")), [1, 2, 3])

    def test_excluded_contact_gets_no_provisional_score(self):
        partner = self.critic(ext="c-x")
        self.history(partner).unlink()
        partner.social_score_excluded = True
        author = self.make_author("a-c-x", "critic_c-x", "Carla Critic", followers_count=12000)
        self.env["social.crm.post"]._ingest_posts(
            [self.new_post("c-x2", author, text="@acme again")], self.source
        )
        self.assertFalse(self.history(partner))


@tagged("post_install", "-at_install")
class TestFollowerFloors(ScoringCase):
    def test_floor_makes_a_top_influencer(self):
        # 49 contacts with bigger audiences: the newcomer's percentile is low
        for i in range(12):
            self.make_contact(f"Big {i}", [(self.x, f"big-{i}", 400000 + i)])
        loud = self.make_contact("Lou Loud", [(self.x, "loud", 12000)])
        self.recompute()
        self.assertEqual(loud.social_score_tier, "regular")
        self.score_company.write(
            {"social_score_top_followers": 10000, "social_score_multiplier_followers": 1000}
        )
        self.recompute()
        self.assertEqual(loud.social_score_tier, "top_influencer")
        self.assertTrue(loud.is_social_influencer)
        self.assertLess(loud.social_score, 90)
        self.assertIn("Top influencer by followers", str(loud.social_score_explanation))
        self.assertEqual(self.pro.social_score_tier, "top_influencer")  # 10,200 followers

    def test_multiplier_floor(self):
        self.score_company.write({"social_score_multiplier_followers": 500})
        self.recompute()
        self.assertIn(self.fan.social_score_tier, ("multiplier", "top_influencer"))
        self.assertTrue(self.fan.is_social_influencer)

    def test_floor_settings_validated(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.score_company.write({"social_score_top_followers": -1})
        with self.assertRaisesRegex(ValidationError, "must be higher"):
            self.score_company.write(
                {"social_score_top_followers": 1000, "social_score_multiplier_followers": 5000}
            )

    def test_defaults(self):
        company = self.env["res.company"].create({"name": "Floors Default AG"})
        settings = company._social_score_settings()
        self.assertEqual(settings.tiers[0].min_followers, 10000)
        self.assertEqual(settings.tiers[1].min_followers, 1000)
