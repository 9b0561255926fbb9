# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringQueries(ScoringCase):
    def make_company(self, count):
        company = self.env["res.company"].create({"name": f"Query Count {count}"})
        partners = self.Partner.create(
            [{"name": f"Q{count} {index}", "company_id": company.id} for index in range(count)]
        )
        identities = self.env["social.crm.identity"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "network_id": (self.linkedin if index % 5 == 0 else self.x).id,
                    "external_id": f"q{count}-{index}",
                    "followers_count": (index * 37) % 1000,
                    "origin": "listening",
                }
                for index, partner in enumerate(partners)
            ]
        )
        self.env["social.crm.post"].create(
            [
                {
                    "network_id": identity.network_id.id,
                    "identity_id": identity.id,
                    "company_id": company.id,
                    "external_id": f"q{count}-post-{index}",
                    "posted_at": self.now - dt.timedelta(hours=index),
                    "like_count": index % 17,
                    "mentioned_external_ids": f"q{count}-{(index + 1) % count}",
                }
                for index, identity in enumerate(identities)
            ]
        )
        return company, partners

    def count_queries(self, company):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Partner._social_score_recompute(companies=company)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_queries_do_not_grow_per_contact(self):
        small, _small_partners = self.make_company(10)
        large, large_partners = self.make_company(200)
        small_count = self.count_queries(small)
        large_count = self.count_queries(large)
        self.assertEqual(large_count, small_count, "no query per contact")
        self.assertLess(large_count, 20)
        self.env.invalidate_all()
        self.assertTrue(all(large_partners.mapped("social_score_tier")))
        self.assertEqual(
            self.env["social.crm.score.history"].search_count(
                [("partner_id", "in", large_partners.ids)]
            ),
            200,
        )
