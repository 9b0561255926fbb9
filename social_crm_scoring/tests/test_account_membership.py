# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts when their people change during the day, through the product's real paths
(the contact form's writes, archiving, Odoo's merge wizard; Ella's influence through
``social.crm.post._ingest_posts``): the account she leaves no longer counts her and the
account she joins counts her, the same minute, up and down; the night agrees."""

import datetime as dt

from odoo.addons.social_crm.connectors.base import Post
from odoo.tests import tagged

from .test_account_day import AccountDayCase


@tagged("post_install", "-at_install")
class TestAccountMembership(AccountDayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Velo's second person, scored by the night (a small identity)
        cls.quiet.parent_id = cls.velo
        cls.rad_customer("acct_rad_seller", "Rad AG: cargo bikes")

    def ella_becomes_key(self):
        """The night scores Velo (Ella without followers, Quentin); the key-account
        threshold lies above; Ella posts with 12,000 followers: Velo is key at once.
        Returns Velo's account score before her post."""
        self.ella_handle()
        self.nightly()
        before = self.velo.social_account_score
        self.key_threshold(before + 10)
        self.assertFalse(self.lead.social_is_key_account)
        self.ella_posts("e1", followers=12000)
        self.assertEqual(self.ella.social_score_tier, "top_influencer")
        self.assertTrue(self.velo.social_is_key_account)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        return before

    def assert_velo_without_ella(self, before):
        row = self.row(self.velo)
        self.assertEqual(row.strongest_partner_id, self.quiet)
        self.assertEqual((row.people_count, row.influencer_count), (1, 0))
        self.assertLessEqual(row.score, before)
        self.assertAlmostEqual(self.velo.social_account_score, row.score, delta=0.5)
        self.assertFalse(self.velo.social_is_key_account)
        self.assertFalse(self.quiet.social_is_key_account)
        self.assertFalse(self.lead.social_is_key_account)
        self.assertNotIn("Key account", self.lead.social_account_note)
        self.assertNotIn(self.lead, self.Lead.search([("social_is_key_account", "=", True)]))
        self.assertNotIn(self.quiet, self.Partner.search([("social_is_key_account", "=", True)]))
        self.assertEqual(len(self.todos(self.lead)), 1, "nobody is told of the loss")

    def test_influencer_unlinked_badge_goes_at_once(self):
        """Ella leaves Velo: her salesperson empties her company on the contact form; Velo's
        account, its people and its lead lose the key account the same minute; the night
        agrees."""
        before = self.ella_becomes_key()
        self.ella.with_user(self.seller).write({"parent_id": False})
        self.env.invalidate_all()
        self.assert_velo_without_ella(before)
        self.assertFalse(self.ella.social_is_key_account)
        self.nightly(days=1)
        row = self.row(self.velo)
        self.assertEqual(row.strongest_partner_id, self.quiet)
        self.assertFalse(self.lead.social_is_key_account)

    def test_influencer_moves_to_another_customer(self):
        """Ella moves to Rad AG: Velo loses the key account, Rad AG becomes one and its
        salesperson (not Velo's) gets the to-do, the same minute."""
        before = self.ella_becomes_key()
        self.ella.with_user(self.seller).write({"parent_id": self.rad.id})
        self.env.invalidate_all()
        self.assert_velo_without_ella(before)
        rad_row = self.row(self.rad)
        self.assertEqual(rad_row.strongest_partner_id, self.ella)
        self.assertTrue(self.rad.social_is_key_account)
        self.assertTrue(self.rad_lead.social_is_key_account)
        todo = self.todos(self.rad_lead)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.rad_seller)
        self.assertIn("Rad AG", str(todo.note))
        self.nightly(days=1)
        self.assertEqual(self.row(self.rad).strongest_partner_id, self.ella)
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.quiet)

    def test_influencer_archived_and_back(self):
        """Ella's contact is archived: Velo loses the key account at once; unarchived, she
        counts again."""
        before = self.ella_becomes_key()
        self.ella.with_user(self.seller).action_archive()
        self.env.invalidate_all()
        self.assert_velo_without_ella(before)
        self.ella.with_user(self.seller).action_unarchive()
        self.env.invalidate_all()
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.ella)
        self.assertTrue(self.lead.social_is_key_account)

    def test_influencer_merged_into_her_twin_at_another_customer(self):
        """Ella is merged into her duplicate, who works at Rad AG (the kept contact): her
        scores move to the twin; Velo loses the key account and Rad AG gains it at once."""
        before = self.ella_becomes_key()
        twin = self.Partner.create(
            {
                "name": "Ella Einkauf",
                "parent_id": self.rad.id,
                "company_id": self.score_company.id,
            }
        )
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (self.ella | twin).ids)], "dst_partner_id": twin.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(self.ella.exists())
        self.assert_velo_without_ella(before)
        self.assertEqual(self.row(self.rad).strongest_partner_id, twin)
        self.assertTrue(self.rad_lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.rad_lead)), 1)

    def test_person_deleted(self):
        """Quentin's contact is deleted (a manager cleans up): Velo no longer counts him at
        once."""
        self.ella_becomes_key()
        self.assertEqual(self.row(self.velo).people_count, 2)
        self.quiet.unlink()
        self.env.invalidate_all()
        row = self.row(self.velo)
        self.assertEqual((row.people_count, row.strongest_partner_id), (1, self.ella))
        self.assertTrue(self.lead.social_is_key_account)

    def test_company_archived(self):
        """The customer company itself is archived: it is no account any more (as at
        night), its people show no key account."""
        self.ella_becomes_key()
        self.velo.action_archive()
        self.env.invalidate_all()
        self.assertFalse(self.row(self.velo))
        self.assertFalse(self.ella.social_is_key_account)

    def test_shared_customer_of_two_companies(self):
        """Velo is a shared contact, customer of company A (Ella) and of company B (Bert,
        scored by B on arrival of his post). A salesperson of A alone (no access to B's
        contacts, leads or rows) moves Ella to Rad AG: A's row of Velo drops her at once,
        B's row of Velo (Bert's) is left as it is, and nobody of B is told."""
        company_b = self.other_company
        company_b.write(
            {
                "social_score_top_followers": 10000,
                "social_score_multiplier_followers": 1000,
                "social_key_account_min_score": 1,
            }
        )
        self.velo.company_id = False
        before = self.ella_becomes_key()
        source_b, bert, _seller_b, lead_b = self.velo_customer_of(company_b, "acct_member_seller_b")
        author = self.make_author("bert-x", "bert_b", "Bert Buyer", followers_count=40)
        self.Post._ingest_posts(
            [
                Post(
                    network="x",
                    external_id="b1",
                    text="@acme hello",
                    posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
                    author=author,
                )
            ],
            source_b,
        )
        self.env.invalidate_all()
        row_b = self.row(self.velo, company_b)
        self.assertEqual(row_b.strongest_partner_id, bert)
        before_b = (row_b.score, row_b.write_date, row_b.people_count)
        todos_b = len(self.todos(lead_b))

        self.ella.with_user(self.seller).write({"parent_id": self.rad.id})
        self.env.invalidate_all()
        row = self.row(self.velo)
        self.assertEqual(row.strongest_partner_id, self.quiet)
        self.assertLessEqual(row.score, before)
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertNotIn(
            self.lead,
            self.Lead.with_user(self.seller).search([("social_is_key_account", "=", True)]),
        )
        self.assertTrue(self.rad_lead.with_user(self.rad_seller).social_is_key_account)
        row_b = self.row(self.velo, company_b)
        self.assertEqual((row_b.score, row_b.write_date, row_b.people_count), before_b)
        self.assertEqual(len(self.todos(lead_b)), todos_b)
        self.assertFalse(self.row(self.rad, company_b))

    def test_many_people_leave_in_one_write(self):
        """People of many companies leave in one write: the accounts cost the same queries
        for 2 companies or 20."""
        people = {}
        for prefix, count in (("small", 2), ("big", 20)):
            people[prefix] = self.Partner
            for index in range(count):
                company = self.Partner.create(
                    {
                        "name": f"{prefix} Firm {index}",
                        "is_company": True,
                        "company_id": self.score_company.id,
                    }
                )
                people[prefix] |= self.make_contact(
                    f"{prefix} Worker {index}", [(self.x, f"{prefix}-x{index}", 100 * index)]
                )
                people[prefix][-1:].parent_id = company
        self.nightly()
        self.assertEqual(self.Account.search_count([("partner_id.name", "like", "big Firm")]), 20)

        def queries(prefix):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            people[prefix].with_user(self.seller).write({"parent_id": False})
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        small = queries("small")
        big = queries("big")
        self.assertLessEqual(big, small + 5, f"2 accounts: {small} queries, 20: {big}")
        self.assertFalse(self.Account.search_count([("partner_id.name", "like", "big Firm")]))
