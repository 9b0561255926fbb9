# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mentions part from news mentions (weighted by the portal's reach), the professional
part from position, employer, professional profiles and posts there; their explanations."""

import datetime as dt

from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestNewsAndProfessional(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rss = cls.env.ref("social_crm.network_rss")
        cls.heise = cls.env["social.crm.source"].create(
            {"name": "heise.de", "network_id": rss.id, "kind": "feed",
             "query": "https://heise.example/feed", "news_reach": 4.0,
             "company_id": cls.score_company.id}
        )
        cls.blog = cls.env["social.crm.source"].create(
            {"name": "Handwerksblog", "network_id": rss.id, "kind": "feed",
             "query": "https://blog.example/feed", "company_id": cls.score_company.id}
        )
        cls.journalist = cls.make_contact("Karl Reporter", [(rss, "rss-karl", 0)])

    @classmethod
    def news(cls, partner, source, ext, days=1, state="confirmed"):
        post = cls.env["social.crm.post"].create(
            {
                "network_id": source.network_id.id,
                "source_id": source.id,
                "identity_id": cls.journalist.social_identity_ids.id,
                "company_id": cls.score_company.id,
                "external_id": ext,
                "text": f"Artikel {ext}",
                "url": f"https://news.example/{ext}",
                "posted_at": cls.now - dt.timedelta(days=days),
            }
        )
        return cls.env["social.crm.news.mention"].create(
            {"partner_id": partner.id, "post_id": post.id, "title": f"Artikel {ext}",
             "reach": source.news_reach, "state": state}
        )

    def test_news_mentions_weighted_by_reach(self):
        self.news(self.quiet, self.heise, "h1")
        self.news(self.quiet, self.heise, "h2", days=30)
        self.news(self.quiet, self.blog, "b1")
        self.news(self.quiet, self.blog, "b2", state="to_review")  # not counted
        self.news(self.fan, self.blog, "b3")
        self.recompute()
        quiet, fan = self.history(self.quiet), self.history(self.fan)
        self.assertEqual(quiet.mention_count, 3)
        # 4 (heise, today) + 4 * 0.5 (heise, one half-life ago) + 1 (blog): about 7
        self.assertAlmostEqual(quiet.mentions_decayed, 6.9, delta=0.2)
        self.assertEqual(quiet.mentions_points, 100)
        self.assertEqual(fan.mention_count, 1)
        self.assertLess(fan.mentions_points, quiet.mentions_points)
        self.assertEqual(self.history(self.journalist).mention_count, 0,
                         "the journalist gets no credit for the contacts named")
        self.assertEqual(self.history(self.star).mention_count, 0,
                         "own posts count under engagement")
        explanation = str(self.quiet.social_score_explanation)
        self.assertIn("3 news mentions (heise.de ×2, Handwerksblog), worth 6.9", explanation)
        self.assertIn("1 news mention (Handwerksblog)", str(self.fan.social_score_explanation))
        self.assertIn("Not named in news or blog articles (own posts count under engagement)",
                      str(self.star.social_score_explanation))
        # the portal's reach is the source's setting now, not when the article was found
        self.blog.news_reach = 3.0
        self.recompute()
        self.assertAlmostEqual(self.history(self.fan).mentions_decayed, 2.9, delta=0.1)

    def test_professional_weight_and_explanation(self):
        industry = self.env["res.partner.industry"].create({"name": "Maschinenbau"})
        employer = self.Partner.create(
            {"name": "Großbau AG", "is_company": True, "industry_id": industry.id,
             "company_id": self.score_company.id}
        )
        staff = self.Partner.create(
            [{"name": f"Staff {i}", "parent_id": employer.id} for i in range(20)]
        )
        self.quiet.write({"function": "Geschäftsführer", "parent_id": employer.id})
        self.fan.write({"function": "Head of Marketing"})
        self.star.write({"function": "Software Developer", "parent_id": staff[0].id})
        linkedin = self.pro.social_identity_ids.filtered(lambda i: i.network_id == self.linkedin)
        linkedin.counts_as_of = dt.date(2026, 1, 15)
        self.recompute()
        quiet, fan, star = self.history(self.quiet), self.history(self.fan), self.history(self.star)
        self.assertEqual((quiet.professional_level, quiet.employer_size), (3, 21))
        self.assertEqual((fan.professional_level, fan.employer_size), (2, 0))
        self.assertEqual(star.professional_level, 0)
        self.assertGreater(quiet.professional_points, fan.professional_points)
        self.assertGreater(fan.professional_points, 0)
        self.assertEqual(star.professional_points, 0, "no senior position: employer ignored")
        pro = self.history(self.pro)
        self.assertEqual(pro.professional_post_count, 1, "the pro's LinkedIn post")

        explanation = str(self.quiet.social_score_explanation)
        self.assertIn("Position “Geschäftsführer”: seniority 3 of 3", explanation)
        self.assertIn("employer Großbau AG (Maschinenbau): 21 people", explanation)
        self.assertIn("Position “Software Developer”: not senior",
                      str(self.star.social_score_explanation))
        explanation = str(self.pro.social_score_explanation)
        self.assertIn("10,200 followers/connections on 2 professional profiles", explanation)
        as_of = self.env["res.lang"]._social_format_date(dt.date(2026, 1, 15))
        self.assertIn(f"LinkedIn: 9,000 as of {as_of}", explanation)
        self.assertIn("1 post there in the last 90 days", explanation)

    def test_age_of_typed_counts(self):
        typed = self.make_contact("Tina Typed", [])
        self.env["social.crm.identity"].create(
            {"partner_id": typed.id, "company_id": self.score_company.id,
             "network_id": self.x.id, "handle": "tina_typed", "followers_count": 500,
             "counts_as_of": dt.date(2025, 11, 2)}
        )
        self.recompute()
        explanation = str(typed.social_score_explanation)
        day = self.env["res.lang"]._social_format_date(dt.date(2025, 11, 2))
        self.assertIn(
            f"500 followers on 1 identity; counts typed or imported: X (Twitter): 500 as of {day}",
            explanation,
        )

    def test_provisional_score_reads_the_same_inputs(self):
        self.quiet.write({"function": "CEO"})
        self.recompute()
        self.news(self.quiet, self.heise, "p1")
        self.recompute()
        before = self.history(self.quiet).mentions_points
        self.env["social.crm.score.history"].search(
            [("partner_id", "=", self.quiet.id)]).unlink()
        self.Partner._social_score_provisional(self.quiet.social_identity_ids.post_ids
                                               or self.make_post(self.quiet, "quiet-1"))
        row = self.history(self.quiet)
        self.assertTrue(row.is_provisional)
        self.assertEqual((row.mention_count, row.professional_level), (1, 3))
        self.assertEqual(row.mentions_points, before)
