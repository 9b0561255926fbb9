# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts: the account score of a company contact from its people and its corporate
identities, written by the scoring run in batches, explained, and shown on its people and
its opportunities (with the influencers among the customer's contacts)."""

from odoo.tests import tagged

from ..scoring import ACCOUNT_WEIGHTS
from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestAccountScore(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acme = cls.make_contact("Acme Bikes AG", [(cls.linkedin, "ext-acme-li", 5000)])
        cls.acme.is_company = True
        (cls.star | cls.fan).write({"parent_id": cls.acme.id})
        cls.Account = cls.env["social.crm.account.score"]

    def thresholds(self, score=0.0, revenue=0.0):
        (self.env.company | self.score_company).write(
            {"social_key_account_min_score": score, "social_key_account_min_revenue": revenue}
        )
        self.env.invalidate_all()

    def run_scores(self):
        self.Partner._social_score_recompute(companies=self.score_company)
        self.env.invalidate_all()

    def test_account_score_and_explanation(self):
        self.run_scores()
        row = self.Account.search([("partner_id", "=", self.acme.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(row.company_id, self.score_company)
        people = self.star | self.fan
        strongest = max(people, key=lambda p: p.social_score)
        self.assertEqual(row.strongest_partner_id, self.star)
        self.assertEqual(row.people_count, 2)
        self.assertTrue(self.star.is_social_influencer)
        influencers = len(people.filtered("is_social_influencer"))
        self.assertEqual(row.influencer_count, influencers)
        expected = (
            ACCOUNT_WEIGHTS["people"] * strongest.social_score
            + ACCOUNT_WEIGHTS["influencers"] * 100 * (1 - 0.5**influencers)
            + ACCOUNT_WEIGHTS["corporate"] * self.acme.social_score
        )
        self.assertAlmostEqual(self.acme.social_account_score, round(expected, 1), places=1)
        self.assertEqual(row.corporate_points, self.acme.social_score)
        # nobody else is an account (private contacts have none)
        self.assertFalse(self.Account.search([("partner_id", "in", self.quiet.ids)]))
        self.assertFalse(self.quiet.social_account_note)
        # the explanation lists the three parts with their numbers
        html = str(self.acme.social_account_explanation)
        for text in ("Strongest person", "Influencers", "Corporate identities", "Stella Star"):
            self.assertIn(text, html)
        self.assertIn("Account score", html)
        # the influencers at the company, with their reach
        self.assertIn(self.star, self.acme.social_account_influencer_ids)
        self.assertEqual(self.star.social_reach, 250000)

    def test_key_account_and_people(self):
        self.thresholds()
        self.run_scores()
        self.assertFalse(self.acme.social_is_key_account)
        self.assertTrue(self.star.social_account_note.startswith("Works at Acme Bikes AG"))
        self.assertNotIn("key account", self.star.social_account_note)
        # by score
        self.thresholds(score=1)
        self.assertTrue(self.acme.social_is_key_account)
        self.assertTrue(self.fan.social_is_key_account)
        self.assertIn("key account", self.fan.social_account_note)
        self.assertIn(self.fan, self.Partner.search([("social_is_key_account", "=", True)]))
        self.assertNotIn(self.quiet, self.Partner.search([("social_is_key_account", "=", True)]))
        # by revenue of the open opportunities (of the company and its people)
        self.thresholds(revenue=40000)
        self.env["crm.lead"].create(
            {
                "name": "Acme fleet",
                "type": "opportunity",
                "partner_id": self.fan.id,
                "company_id": self.score_company.id,
                "expected_revenue": 45000,
            }
        )
        self.env.invalidate_all()
        self.assertTrue(self.star.social_is_key_account)
        self.assertEqual(self.acme.social_account_revenue, 45000)
        self.assertIn("expected revenue", self.star.social_account_note)
        # by hand
        self.thresholds()
        self.acme.social_key_account_manual = True
        self.env.invalidate_all()
        self.assertTrue(self.star.social_is_key_account)

    def test_opportunity_shows_the_customer_influencers(self):
        self.thresholds(score=1)
        lead, lead_fan = self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "company_id": self.score_company.id,
                }
                for name, partner in (("Acme: 40 bikes", self.acme), ("Fiona's order", self.fan))
            ]
        )
        self.run_scores()
        for record in (lead, lead_fan):
            self.assertIn(self.star, record.social_account_influencer_ids)
            self.assertNotIn(self.quiet, record.social_account_influencer_ids)
            self.assertTrue(record.social_is_key_account)
            self.assertEqual(record.social_account_score, self.acme.social_account_score)
        self.assertIn("Works at Acme Bikes AG", lead_fan.social_account_note)
        self.assertIn(lead, self.env["crm.lead"].search([("social_is_key_account", "=", True)]))

    def test_runs_in_batches(self):
        """The account step costs the same queries for 1 account or 11."""
        table = self.score_table()
        cr = self.env.cr
        # a second run (rows to replace), as every night
        self.Account._social_account_run(self.score_company, table, self.now)
        before = cr.sql_log_count
        self.Account._social_account_run(self.score_company, table, self.now)
        small = cr.sql_log_count - before
        for index in range(10):
            company = self.Partner.create({"name": f"Firm {index}", "is_company": True})
            self.make_contact(f"Worker {index}", [(self.x, f"ext-worker-{index}", 50 + index)])
            self.Partner.search([("name", "=", f"Worker {index}")]).parent_id = company
        self.env.flush_all()
        table = self.score_table()
        self.Account._social_account_run(self.score_company, table, self.now)
        before = cr.sql_log_count
        self.Account._social_account_run(self.score_company, table, self.now)
        large = cr.sql_log_count - before
        self.assertEqual(
            self.Account.search_count([("company_id", "=", self.score_company.id)]), 11
        )
        self.assertEqual(small, large)

    def score_table(self):
        from ..scoring import compute_score_table

        settings = self.score_company._social_score_settings(self.now)
        ids, columns, edges = self.Partner._social_score_read_inputs(
            self.score_company, settings, self.now
        )
        return compute_score_table(ids, columns, edges, settings)

    def test_only_and_objection(self):
        self.run_scores()
        other = self.Partner.create({"name": "Other GmbH", "is_company": True})
        self.quiet.parent_id = other
        self.Partner._social_score_recompute(only=self.quiet)
        self.assertTrue(self.Account.search([("partner_id", "=", other.id)]))
        self.assertTrue(self.Account.search([("partner_id", "=", self.acme.id)]))
        # the strongest person objects to profiling: the account no longer names them
        self.star.social_score_excluded = True
        self.assertFalse(self.Account.search([("strongest_partner_id", "=", self.star.id)]))
        self.run_scores()
        row = self.Account.search([("partner_id", "=", self.acme.id)])
        self.assertEqual(row.strongest_partner_id, self.fan)
