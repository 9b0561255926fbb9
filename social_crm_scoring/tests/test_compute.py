# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.addons.social_crm_scoring.models.res_partner_score_run import _fast_reads
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringCompute(ScoringCase):
    def test_scores_and_parts(self):
        counts = self.recompute()
        self.assertEqual(counts[self.score_company.id], 4, "the ghost has no identity")
        self.assertEqual(self.star.social_score, 100)
        self.assertEqual(self.star.social_score_tier, "top_influencer")
        self.assertTrue(self.star.is_social_influencer)
        self.assertEqual(self.star.social_score_rank, 1)
        self.assertEqual(self.star.social_score_company_id, self.score_company)
        for partner in (self.pro, self.fan, self.quiet):
            self.assertEqual(partner.social_score_tier, "regular")
            self.assertLess(partner.social_score, self.star.social_score)
        self.assertFalse(self.ghost.social_score_tier)
        self.assertFalse(self.ghost.social_score_date)

        row = self.history(self.star)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.score, 100)
        self.assertEqual(row.followers, 250000)
        self.assertEqual(row.identity_count, 1)
        self.assertEqual(row.post_count, 2, "the 200-day old post is out of the 90-day window")
        self.assertEqual(row.reaction_count, 900 + 200 + 1500 + 300)
        # own posts count under engagement, not as news mentions (none here)
        self.assertEqual(row.mention_count, 0)
        self.assertEqual(row.mentions_decayed, 0)
        # the fan mentions and replies (one contact); the pro's LinkedIn post names an X
        # account id: networks do not mix, so it does not count
        self.assertEqual(row.mentioned_by, 1)
        self.assertGreater(row.network_lift, 0)
        self.assertEqual(row.reach_points, 100)
        self.assertEqual(row.population, 4)
        self.assertAlmostEqual(row.settings["weights"]["reach"], 0.3)
        pro_row = self.history(self.pro)
        self.assertEqual(pro_row.professional_followers, 10200)
        self.assertEqual(pro_row.professional_identity_count, 2)
        self.assertEqual(pro_row.professional_points, 100)

        explanation = str(self.star.social_score_explanation)
        self.assertIn("250,000 followers on 1 identity", explanation)
        self.assertIn("Mentioned or replied to by 1 other contact;", explanation)
        self.assertIn("rank 1", explanation)
        self.assertIn("No post in the last 90 days", str(self.quiet.social_score_explanation))
        self.assertIn("Not scored yet", str(self.ghost.social_score_explanation))

    def test_history_one_row_per_change_and_trend(self):
        yesterday = self.now - dt.timedelta(days=1)
        self.recompute(now=yesterday)
        self.recompute(now=yesterday + dt.timedelta(hours=1))
        self.assertEqual(len(self.history(self.fan)), 1, "same day: the row is updated")
        self.assertFalse(self.fan.social_score_previous_date)
        # the fan gets popular: the next day's row shows the change
        self.env["social.crm.identity"].search(
            [("partner_id", "=", self.fan.id)]
        ).followers_count = 900000
        self.make_post(self.fan, "fan-viral", likes=90000, hours=1)
        self.recompute()
        history = self.history(self.fan)
        self.assertEqual(len(history), 2)
        self.assertEqual(history.mapped("date"), [self.now.date(), yesterday.date()])
        self.assertEqual(self.fan.social_score_previous_date, yesterday.date())
        self.assertEqual(self.fan.social_score_previous, history[1].score)
        self.assertAlmostEqual(self.fan.social_score_delta, history[0].score - history[1].score)
        self.assertGreater(self.fan.social_score_delta, 0)
        # a night without change adds no row; the explanation keeps the date of the score
        contacts = self.star | self.pro | self.fan | self.quiet
        before = {partner: len(self.history(partner)) for partner in contacts}
        scores = {partner: partner.social_score for partner in contacts}
        self.recompute(now=self.now + dt.timedelta(days=1))
        self.assertEqual({partner: partner.social_score for partner in contacts}, scores)
        self.assertEqual({partner: len(self.history(partner)) for partner in contacts}, before)
        self.assertEqual(self.fan.social_score_date, self.now.date())
        self.assertIn(
            f"since {self.env['res.lang']._social_format_date(self.now.date())}",
            str(self.fan.social_score_explanation),
        )

    def test_cron(self):
        cron = self.env.ref("social_crm_scoring.ir_cron_social_score")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(self.star.social_score_tier, "top_influencer")
        self.assertTrue(self.score_company.social_score_last_run)
        self.assertEqual(len(self.history(self.quiet)), 1)

    def test_on_demand(self):
        self.star.with_user(self.user).action_social_score_recompute()
        self.env.invalidate_all()
        self.assertEqual(self.star.social_score, 100)
        self.assertEqual(len(self.history(self.star)), 1)
        self.assertFalse(self.fan.social_score_date, "only the contact asked for is written")
        self.assertFalse(self.history(self.fan))
        # a contact without identity gets no score
        self.ghost.with_user(self.user).action_social_score_recompute()
        self.assertFalse(self.ghost.social_score_tier)

    def test_on_demand_gives_the_full_run_score_and_keeps_the_trend(self):
        """One contact's Recompute gives the score, tier, rank and parts the full run gives
        (the whole company is the population); on a day without change it adds no row, so the
        trend against the previous row stays."""
        contacts = self.star | self.pro | self.fan | self.quiet
        fields_ = [
            "score",
            "tier",
            "is_influencer",
            "rank",
            "population",
            "date",
            "reach_points",
            "engagement_points",
            "mentions_points",
            "network_points",
            "professional_points",
            "followers",
        ]
        yesterday = self.now - dt.timedelta(days=1)
        self.recompute(now=yesterday)
        self.env["social.crm.identity"].search(
            [("partner_id", "=", self.fan.id)]
        ).followers_count = 900000
        self.make_post(self.fan, "fan-viral", likes=90000, hours=1)
        self.recompute()
        full = {partner: self.history(partner)[0].read(fields_)[0] for partner in contacts}
        delta = self.fan.social_score_delta
        self.assertGreater(delta, 0)
        for partner in contacts:
            self.Partner._social_score_recompute(only=partner, now=self.now)
            self.env.invalidate_all()
            self.assertEqual(self.history(partner)[0].read(fields_)[0], full[partner], partner.name)
        self.assertEqual(self.fan.social_score_delta, delta, "same day: the trend stays")
        self.assertEqual(self.fan.social_score_previous_date, yesterday.date())
        # the next day, an unchanged score keeps its row and date (and the trend) but shows the
        # day's numbers
        self.env["social.crm.identity"].search(
            [("partner_id", "=", self.fan.id)]
        ).followers_count = 900100
        rows = len(self.history(self.fan))
        self.Partner._social_score_recompute(only=self.fan, now=self.now + dt.timedelta(days=1))
        self.env.invalidate_all()
        self.assertEqual(len(self.history(self.fan)), rows)
        self.assertEqual(self.history(self.fan)[0].followers, 900100)
        self.assertEqual(self.fan.social_score_date, self.now.date())
        self.assertEqual(self.fan.social_score_delta, delta)

    def test_reads_restore_planner_settings(self):
        self.env.cr.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        before = self.env.cr.fetchone()
        self.recompute()
        self.env.cr.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        self.assertEqual(self.env.cr.fetchone(), before)
        # during the reads: no JIT, work_mem raised but never lowered
        cr = self.env.cr
        settings = "SELECT current_setting('jit'), current_setting('work_mem')"
        cr.execute("SET LOCAL work_mem = '4MB'")
        with _fast_reads(cr):
            cr.execute(settings)
            self.assertEqual(cr.fetchone(), ("off", "64MB"))
        cr.execute("SET LOCAL work_mem = '256MB'")
        with _fast_reads(cr):
            cr.execute(settings)
            self.assertEqual(cr.fetchone()[1], "256MB")
        cr.execute(settings)
        self.assertEqual(cr.fetchone(), (before[0], "256MB"))

    def test_contact_without_identities_loses_its_score(self):
        self.recompute()
        self.assertEqual(self.quiet.social_score_tier, "regular")
        self.quiet.social_identity_ids.unlink()
        self.recompute()
        self.assertFalse(self.quiet.social_score_tier)
        self.assertFalse(self.quiet.social_score_date)
        self.assertEqual(len(self.history(self.quiet)), 1, "the past stays in the history")

    def test_archived_contact_not_scored(self):
        self.quiet.active = False
        counts = self.recompute()
        self.assertEqual(counts[self.score_company.id], 3)
        self.assertFalse(self.quiet.social_score_tier)

    def test_shared_contact_scored_for_its_first_company(self):
        """A contact of no company with identities in two companies is scored once, for
        the company of lower id, and left out of the other's population."""
        first, second = sorted(self.score_company | self.other_company, key=lambda c: c.id)
        shared = self.Partner.create({"name": "Sasha Shared"})
        for company, ext in ((first, "ext-shared-1"), (second, "ext-shared-2")):
            self.env["social.crm.identity"].create(
                {
                    "partner_id": shared.id,
                    "company_id": company.id,
                    "network_id": self.x.id,
                    "external_id": ext,
                    "followers_count": 5000,
                    "origin": "listening",
                }
            )
        population = self.Partner._social_score_population(first | second)
        self.assertIn(shared.id, population[first.id])
        self.assertNotIn(shared.id, population.get(second.id, []))
        self.Partner._social_score_recompute(companies=second)
        self.env.invalidate_all()
        self.assertFalse(shared.social_score_tier, "not scored for its second company")
        self.Partner._social_score_recompute(companies=first)
        self.env.invalidate_all()
        self.assertEqual(shared.social_score_company_id, first)

    def test_other_company_is_separate(self):
        other = self.make_contact(
            "Olga Other", [(self.x, "ext-olga", 10)], company=self.other_company
        )
        self.recompute()
        self.assertFalse(other.social_score_tier)
        # ranked among its own company's contacts only: a percentile however few they are
        # (a lone contact of a small population is capped otherwise: test_new_company)
        self.other_company.social_score_min_population = 0
        self.Partner._social_score_recompute(companies=self.other_company)
        self.env.invalidate_all()
        self.assertEqual(other.social_score, 100, "alone in its company")
        self.assertEqual(other.social_score_company_id, self.other_company)
        self.assertEqual(self.star.social_score, 100)

    def test_weighted_sum_and_rounding_agree_everywhere(self):
        """The explanation's lines add up to the weighted sum shown on the contact and the
        history; a change from 87.5 (shown 88) to 100 reads 12, not 12.5 rounded up."""
        self.recompute()
        row = self.history(self.star)
        contributions, total = row._weighted_parts()
        self.assertAlmostEqual(sum(contributions.values()), total)
        self.assertEqual(row.weighted_sum, total)
        self.assertEqual(self.star.social_score_weighted, total)
        self.assertLess(total, 100)
        explanation = str(self.star.social_score_explanation)
        self.assertIn(f"Weighted sum of the parts {total:.1f} of 100", explanation)
        self.assertIn("Social Score 100", explanation)
        self.env["social.crm.score.history"].create(
            {
                "partner_id": self.star.id,
                "company_id": self.score_company.id,
                "date": self.now.date() - dt.timedelta(days=3),
                "score": 87.5,
                "tier": "multiplier",
            }
        )
        self.env.invalidate_all()
        self.assertEqual(self.star.social_score_previous, 88)
        self.assertEqual(self.star.social_score_delta, 12)
