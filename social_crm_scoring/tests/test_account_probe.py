# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Accounts the same minute, edge sequences: a company contact made a person (and back), two
customer companies merged by Odoo's merge wizard."""

from odoo.tests import new_test_user, tagged

from . import test_account_membership as membership
from .test_account_day import AccountDayCase


@tagged("post_install", "-at_install")
class TestAccountProbe(AccountDayCase):
    ella_becomes_key = membership.TestAccountMembership.ella_becomes_key

    def test_company_made_a_person_and_back(self):
        """Velo's contact is made a person on the form (the company box unticked): it is no
        account any more, at once, as at night; ticked again, it is scored again."""
        self.ella_becomes_key()
        self.assertTrue(self.row(self.velo))
        self.velo.with_user(self.seller).write({"is_company": False})
        self.env.invalidate_all()
        self.assertFalse(self.row(self.velo))
        self.assertFalse(self.ella.social_is_key_account)
        self.assertFalse(self.lead.social_is_key_account)
        self.velo.with_user(self.seller).write({"is_company": True})
        self.env.invalidate_all()
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.ella)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1, "key again the same day: no news")


@tagged("post_install", "-at_install")
class TestAccountProbeRevenue(AccountDayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.score_company.write(
            {"social_key_account_min_score": 0, "social_key_account_min_revenue": 50000}
        )
        cls.lead.expected_revenue = 10000
        cls.rad = cls.Partner.create(
            {"name": "Rad AG", "is_company": True, "company_id": cls.score_company.id}
        )
        cls.rad_seller = new_test_user(
            cls.env,
            login="probe_rad_seller",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.score_company.id,
            company_ids=[(6, 0, cls.score_company.ids)],
        )
        cls.rad_lead = cls.Lead.create(
            {
                "name": "Rad AG: fleet",
                "type": "opportunity",
                "partner_id": cls.rad.id,
                "user_id": cls.rad_seller.id,
                "company_id": cls.score_company.id,
                "expected_revenue": 45000,
            }
        )

    def test_two_companies_merged_revenue_reaches_threshold(self):
        """Rad AG turns out to be Velo's duplicate: merged into Velo by the merge wizard, its
        45,000 opportunity is Velo's now: Velo (10,000 before) is key by revenue the same
        minute and the salespeople of its open leads are told once."""
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (self.velo | self.rad).ids)], "dst_partner_id": self.velo.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(self.rad.exists())
        self.assertEqual(self.rad_lead.partner_id, self.velo)
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        self.assertEqual(len(self.todos(self.rad_lead)), 1)
        self.assertIn("55,000", str(self.todos(self.lead).note))
