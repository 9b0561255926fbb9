# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringAccess(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner._social_score_recompute(companies=cls.score_company)
        cls.row = cls.env["social.crm.score.history"].search([("partner_id", "=", cls.star.id)])

    def test_internal_users_see_scores_and_history(self):
        for user in (self.plain_user, self.user, self.manager):
            star = self.star.with_user(user)
            self.assertEqual(star.social_score, 100)
            self.assertEqual(star.social_score_tier, "top_influencer")
            self.assertIn("250,000", str(star.social_score_explanation))
            self.assertEqual(star.social_score_history_ids, self.row)
            self.assertEqual(self.row.with_user(user).score, 100)

    def test_only_managers_change_history(self):
        for user in (self.plain_user, self.user):
            with self.assertRaises(AccessError):
                self.row.with_user(user).write({"score": 1})
            with self.assertRaises(AccessError):
                self.row.with_user(user).unlink()
        # managers may delete rows (the contact is then unscored), not forge them
        with self.assertRaises(AccessError):
            self.row.with_user(self.manager).write({"score": 1})
        self.row.with_user(self.manager).unlink()

    def test_recompute_needs_social_crm_user(self):
        with self.assertRaisesRegex(AccessError, "Only Social CRM users"):
            self.star.with_user(self.plain_user).action_social_score_recompute()
        self.assertTrue(self.star.with_user(self.user).action_social_score_recompute())

    def test_portal(self):
        with self.assertRaises(AccessError):
            self.row.with_user(self.portal).read(["score"])
        portal_partner = self.portal.partner_id.with_user(self.portal)
        with self.assertRaises(AccessError):
            portal_partner.read(["social_score"])

    def test_other_company(self):
        History = self.env["social.crm.score.history"].with_user(self.other_user)
        self.assertFalse(History.search([("partner_id", "=", self.star.id)]))
        with self.assertRaises(AccessError):
            self.row.with_user(self.other_user).read(["score"])


@tagged("post_install", "-at_install")
class TestScoringCrossCompany(ScoringCase):
    """A contact shared by all companies (no company) is scored for company A: a user of
    company B reads the contact, never its score (the history rule is the only door)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls.Partner.create({"name": "Sam Shared"})
        cls.env["social.crm.identity"].create(
            {
                "partner_id": cls.shared.id,
                "company_id": cls.score_company.id,
                "network_id": cls.x.id,
                "external_id": "ext-shared",
                "followers_count": 500000,
                "origin": "listening",
            }
        )
        cls.Partner._social_score_recompute(companies=cls.score_company)
        # RPC-style: the user's own environment, its allowed companies in the context
        cls.partner_b = (
            cls.env["res.partner"]
            .with_user(cls.other_user)
            .with_context(allowed_company_ids=cls.other_company.ids)
        )

    def test_scored_for_company_a(self):
        shared = self.shared.with_user(self.user).with_context(
            allowed_company_ids=self.user.company_ids.ids
        )
        self.assertTrue(shared.social_score_tier)
        self.assertEqual(shared.social_score_company_id, self.score_company)
        self.assertGreater(shared.social_score, 0)
        # then company B in the same transaction: the cached value is not shared
        values = self.partner_b.browse(self.shared.id).read(["social_score", "social_score_tier"])
        self.assertEqual(values[0]["social_score"], 0)
        self.assertFalse(values[0]["social_score_tier"])

    def test_company_b_reads_no_score(self):
        shared = self.partner_b.browse(self.shared.id)
        values = shared.read(
            ["social_score", "social_score_tier", "is_social_influencer", "social_score_company_id"]
        )[0]
        self.assertEqual(values["social_score"], 0)
        self.assertFalse(values["social_score_tier"])
        self.assertFalse(values["is_social_influencer"])
        self.assertFalse(values["social_score_company_id"])
        self.assertFalse(shared.social_score_history_ids)
        self.assertFalse(shared.social_score_rank)
        self.assertNotIn("500,000", str(shared.social_score_explanation))

    def test_company_b_searches_no_score(self):
        Partner = self.partner_b
        only = [("id", "=", self.shared.id)]
        self.assertEqual(Partner.search(only), self.shared)
        for domain in (
            [("social_score", ">", 0)],
            [("social_score_tier", "!=", False)],
            [("social_score_tier", "in", ["top_influencer", "multiplier"])],
            [("social_score_company_id", "=", self.score_company.id)],
        ):
            self.assertFalse(Partner.search(only + domain), domain)
        for domain in (
            [("is_social_influencer", "=", False)],
            [("social_score", "=", 0)],
            [("social_score_tier", "=", False)],
        ):
            self.assertEqual(Partner.search(only + domain), self.shared, domain)

    def test_company_b_sorts_and_groups_no_score(self):
        Partner = self.partner_b
        only = [("id", "=", self.shared.id)]
        rows = Partner.search_read(only, ["social_score"], order="social_score desc")
        self.assertEqual(rows[0]["social_score"], 0)
        groups = Partner._read_group(only, ["social_score_tier", "is_social_influencer"])
        self.assertEqual(groups, [(False, False)])
        groups = Partner._read_group(only, [], ["social_score:max"])
        self.assertEqual(groups, [(0.0,)])
        # the user of company A groups it as scored
        Partner_a = (
            self.env["res.partner"]
            .with_user(self.user)
            .with_context(allowed_company_ids=self.user.company_ids.ids)
        )
        groups = Partner_a._read_group(only, ["social_score_tier"], ["social_score:max"])
        self.assertTrue(groups[0][0])
        self.assertGreater(groups[0][1], 0)

    def test_company_b_lead_shows_no_score(self):
        self.other_user.group_ids |= self.env.ref("sales_team.group_sale_salesman_all_leads")
        Lead = self.env["crm.lead"]
        lead_a = Lead.create(
            {"name": "A deal", "partner_id": self.shared.id, "company_id": self.score_company.id}
        )
        lead_b = Lead.create(
            {"name": "B deal", "partner_id": self.shared.id, "company_id": self.other_company.id}
        )
        self.assertTrue(lead_a.social_score_tier)
        Lead_b = Lead.with_user(self.other_user).with_context(
            allowed_company_ids=self.other_company.ids
        )
        lead = Lead_b.browse(lead_b.id)
        self.assertFalse(lead.social_score_tier)
        self.assertEqual(lead.social_score, 0)
        only = [("id", "=", lead_b.id)]
        self.assertFalse(Lead_b.search(only + [("social_score_tier", "!=", False)]))
        self.assertEqual(
            Lead_b.search([("id", "=", lead_b.id), ("social_score_tier", "=", False)]), lead_b
        )
        self.assertEqual(
            Lead_b._read_group([("id", "=", lead_b.id)], ["social_score_tier"]), [(False,)]
        )
