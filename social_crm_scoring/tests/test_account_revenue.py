# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Key accounts by the expected revenue of their open opportunities, during the day, through
the CRM's real paths (a salesperson creates an opportunity for a customer's person, changes
its expected revenue, marks it won or lost, restores it): the badge, the lead filter and
the salespeople's to-do follow the same minute, as for a key account by its account score
(``test_account_day.py``)."""

from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from .test_account_day import AccountDayCase


@tagged("post_install", "-at_install")
class TestAccountRevenue(AccountDayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # key from 50,000 of open expected revenue; the account score alone never
        cls.score_company.write(
            {"social_key_account_min_score": 0, "social_key_account_min_revenue": 50000}
        )
        cls.lead.expected_revenue = 10000
        cls.buyer = new_test_user(
            cls.env,
            login="acct_rev_seller",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.score_company.id,
            company_ids=[(6, 0, cls.score_company.ids)],
        )

    def new_opportunity(self, revenue, partner=None, user=None):
        """A salesperson creates an opportunity for Ella (Velo's person), as in the
        pipeline's quick create or form."""
        user = user or self.buyer
        return self.Lead.with_user(user).create(
            {
                "name": "Velo: service contract",
                "type": "opportunity",
                "partner_id": (partner or self.ella).id,
                "expected_revenue": revenue,
                "user_id": user.id,
            }
        )

    def key_leads(self, user=None):
        return self.Lead.with_user(user or self.seller).search(
            [("social_is_key_account", "=", True)]
        )

    def test_opportunity_created_makes_key_account_at_once(self):
        """Velo expects 10,000; a second salesperson creates a 45,000 opportunity for Ella:
        Velo is a key account by revenue the same minute (on Velo, on Ella, on both
        leads, in the filter), and the first lead's salesperson gets the to-do of a new key
        account, saying why."""
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertFalse(self.todos(self.lead))
        opportunity = self.new_opportunity(45000)
        lead = self.lead.with_user(self.seller)
        self.assertTrue(lead.social_is_key_account)
        self.assertIn("Key account", lead.social_account_note)
        self.assertTrue(self.velo.with_user(self.seller).social_is_key_account)
        self.assertTrue(opportunity.social_is_key_account)
        self.assertIn(self.lead, self.key_leads())
        self.assertIn(opportunity, self.key_leads(self.buyer))
        todo = self.todos(self.lead)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.seller)
        self.assertEqual(todo.summary, "Customer became a key account")
        self.assertIn("Velo GmbH", str(todo.note))
        self.assertIn("55,000", str(todo.note))
        self.assertIn("50,000", str(todo.note))
        self.assertEqual(len(self.todos(opportunity)), 1, "its own salesperson is told too")

    def test_todo_in_german(self):
        """A German salesperson reads why in German, with the amounts as Germans write
        them."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring"], ["de_DE"], overwrite=True
        )
        self.seller.lang = "de_DE"
        self.new_opportunity(45000)
        todo = self.todos(self.lead)
        self.assertEqual(todo.summary, "Kunde ist jetzt Schlüsselkunde")
        note = str(todo.note)
        self.assertIn("Velo GmbH ist jetzt Schlüsselkunde: Der erwartete Umsatz", note)
        self.assertIn("55.000,00", note)
        self.assertIn("(Schlüsselkunde ab", note)
        self.assertIn("50.000,00", note)

    def test_revenue_changes_won_lost_restored(self):
        """The expected revenue is raised over the threshold (key, told once), the
        opportunity is won (no longer open: not key at once, nobody told), a second one is
        lost and restored (key again, no second to-do while the first is open)."""
        opportunity = self.new_opportunity(30000)
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertFalse(self.todos(self.lead))
        opportunity.write({"expected_revenue": 42000})
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        opportunity.write({"expected_revenue": 45000})
        self.assertEqual(len(self.todos(self.lead)), 1, "already key: no news")
        opportunity.action_set_won()
        lead = self.lead.with_user(self.seller)
        self.assertFalse(lead.social_is_key_account)
        self.assertNotIn(self.lead, self.key_leads())
        self.assertEqual(len(self.todos(self.lead)), 1)
        second = self.new_opportunity(40000)
        self.assertTrue(lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1, "the open to-do says it already")
        second.action_set_lost()
        self.assertFalse(lead.social_is_key_account)
        second.action_restore()
        self.assertTrue(lead.social_is_key_account)
        self.assertIn(self.lead, self.key_leads())
        self.assertEqual(len(self.todos(self.lead)), 1)

    def test_key_by_score_or_by_hand_is_no_news(self):
        """An account already key by hand gets no to-do when its revenue crosses the
        threshold."""
        self.velo.social_key_account_manual = True
        self.new_opportunity(45000)
        self.assertFalse(self.todos(self.lead))

    def test_other_company_revenue_is_not_counted(self):
        """Velo, shared, is also a customer of company B (threshold 50,000 too), whose
        salesperson creates a 45,000 opportunity there: neither A's badge nor A's
        salesperson move; B's lead is told in B."""
        company_b = self.other_company
        company_b.social_key_account_min_revenue = 50000
        self.velo.company_id = False
        self.ella.company_id = False
        seller_b = self.salesperson("acct_rev_seller_b", company_b)
        lead_b = self.opportunity("B: Velo", self.velo, seller_b, company_b,
                                  expected_revenue=10000)
        self.new_opportunity(45000, user=seller_b)
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertFalse(self.todos(self.lead))
        self.assertTrue(lead_b.with_user(seller_b).social_is_key_account)
        self.assertEqual(len(self.todos(lead_b)), 1)

    def test_filter_agrees_with_the_badge_across_companies(self):
        """A salesperson working in companies A (current) and B sees Velo, a shared
        customer scored by both, with A's account row (below A's threshold): no badge;
        the Key Accounts filter of contacts and leads agrees, although B's row reaches
        B's threshold."""
        company_a, company_b = self.score_company, self.other_company
        company_a.write({"social_key_account_min_score": 60, "social_key_account_min_revenue": 0})
        company_b.social_key_account_min_score = 60
        self.velo.company_id = False
        self.lead.company_id = company_a
        # the rows the two companies' runs wrote
        self.Account.create(
            [
                {
                    "partner_id": self.velo.id,
                    "company_id": company.id,
                    "date": self.now,
                    "score": score,
                }
                for company, score in ((company_a, 40), (company_b, 80))
            ]
        )
        self.env.invalidate_all()
        both = new_test_user(
            self.env,
            login="acct_rev_both",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
            company_id=company_a.id,
            company_ids=[(6, 0, (company_a | company_b).ids)],
        )
        context = {"allowed_company_ids": [company_a.id, company_b.id]}
        velo = self.velo.with_user(both).with_context(**context)
        self.assertEqual(velo.social_account_score, 40)
        self.assertFalse(velo.social_is_key_account)
        Partner = self.Partner.with_user(both).with_context(**context)
        self.assertNotIn(self.velo, Partner.search([("social_is_key_account", "=", True)]))
        self.assertIn(self.velo, Partner.search([("social_is_key_account", "=", False)]))
        lead = self.lead.with_user(both).with_context(**context)
        self.assertFalse(lead.social_is_key_account)
        Lead = self.Lead.with_user(both).with_context(**context)
        self.assertNotIn(self.lead, Lead.search([("social_is_key_account", "=", True)]))
        # in B (current), B's row is the one shown: key, and the filter agrees
        context = {"allowed_company_ids": [company_b.id, company_a.id]}
        velo = self.velo.with_user(both).with_context(**context)
        self.assertTrue(velo.social_is_key_account)
        Partner = self.Partner.with_user(both).with_context(**context)
        self.assertIn(self.velo, Partner.search([("social_is_key_account", "=", True)]))

    def test_revenue_in_other_currencies_is_converted(self):
        """Velo, shared, is a customer of A (EUR, key from 50,000 EUR) and of B (USD, key
        from 120,000 USD). A salesperson working in both sees, in A, A's 10,000 EUR and B's
        45,000 USD opportunity as 32,500 EUR at A's rate of today (1 EUR = 2 USD), not
        55,000: no key account, and the filters of contacts and leads agree; B's opportunity
        raised to 90,000 USD makes 55,000 EUR: key. In B (current) the same leads expect
        110,000 USD at B's rate (1 USD = 0.5 EUR): below B's threshold."""
        company_a, company_b = self.score_company, self.other_company
        self.currency_rates(company_a, "EUR", {"USD": 2.0, "CHF": 0.9})
        self.currency_rates(company_b, "USD", {"EUR": 0.5})
        company_b.social_key_account_min_revenue = 120000
        self.velo.company_id = False
        seller_b = self.salesperson("acct_rev_cur_b", company_b)
        lead_b = self.opportunity("B: Velo", self.velo, seller_b, company_b,
                                  expected_revenue=45000)
        both = new_test_user(
            self.env,
            login="acct_rev_cur_both",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
            company_id=company_a.id,
            company_ids=[(6, 0, (company_a | company_b).ids)],
        )
        key = [("social_is_key_account", "=", True)]
        in_a = {"allowed_company_ids": [company_a.id, company_b.id]}
        velo = self.velo.with_user(both).with_context(**in_a)
        Partner = self.Partner.with_user(both).with_context(**in_a)
        Lead = self.Lead.with_user(both).with_context(**in_a)
        self.assertEqual(velo.social_account_currency_id.name, "EUR")
        self.assertAlmostEqual(velo.social_account_revenue, 32500)
        self.assertFalse(velo.social_is_key_account)
        self.assertIn("32,500.00", velo.social_account_note)
        self.assertIn("€", velo.social_account_note)
        self.assertNotIn(self.velo, Partner.search(key))
        self.assertNotIn(self.lead, Lead.search(key))

        lead_b.with_user(seller_b).write({"expected_revenue": 90000})
        self.assertAlmostEqual(velo.social_account_revenue, 55000)
        self.assertTrue(velo.social_is_key_account)
        self.assertIn(self.velo, Partner.search(key))
        self.assertIn(self.lead, Lead.search(key))

        in_b = {"allowed_company_ids": [company_b.id, company_a.id]}
        velo = self.velo.with_user(both).with_context(**in_b)
        self.assertEqual(velo.social_account_currency_id.name, "USD")
        self.assertAlmostEqual(velo.social_account_revenue, 110000)
        self.assertFalse(velo.social_is_key_account)
        self.assertNotIn(self.velo, Partner.with_context(**in_b).search(key))

    def test_todo_in_the_threshold_currency(self):
        """A keeps its books in CHF (key from 50,000 CHF); an opportunity of a company
        contact in another company (EUR) does not count in A's to-do; A's 45,000 CHF
        opportunity does: the to-do quotes 55,000 and 50,000 in CHF."""
        company_a, company_b = self.score_company, self.other_company
        self.currency_rates(company_a, "CHF", {"EUR": 1.1})
        self.currency_rates(company_b, "EUR", {"CHF": 0.9})
        self.velo.company_id = False
        self.ella.company_id = False
        seller_b = self.salesperson("acct_rev_chf_b", company_b)
        self.opportunity("B: Velo", self.velo, seller_b, company_b, expected_revenue=45000)
        self.assertFalse(self.todos(self.lead))
        self.new_opportunity(45000)
        todo = self.todos(self.lead)
        self.assertEqual(len(todo), 1)
        self.assertIn("55,000.00", str(todo.note))
        self.assertIn("50,000.00", str(todo.note))
        self.assertIn("CHF", str(todo.note))

    def test_person_moves_with_her_opportunity(self):
        """Ella, with a 45,000 opportunity, moves from Velo to Rad AG (10,000 open): her
        opportunity now counts for Rad AG, key at once, and its salesperson is told; Velo
        is no longer key."""
        opportunity = self.new_opportunity(45000)
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        rad = self.Partner.create(
            {"name": "Rad AG", "is_company": True, "company_id": self.score_company.id}
        )
        rad_lead = self.Lead.create(
            {
                "name": "Rad AG: cargo bikes",
                "type": "opportunity",
                "partner_id": rad.id,
                "user_id": self.buyer.id,
                "company_id": self.score_company.id,
                "expected_revenue": 10000,
            }
        )
        self.assertFalse(rad_lead.with_user(self.buyer).social_is_key_account)
        self.ella.with_user(self.seller).write({"parent_id": rad.id})
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertTrue(rad_lead.with_user(self.buyer).social_is_key_account)
        self.assertTrue(opportunity.social_is_key_account)
        todo = self.todos(rad_lead)
        self.assertEqual(len(todo), 1)
        self.assertIn("Rad AG", str(todo.note))

    def test_batch_of_opportunities_no_query_per_account(self):
        """Opportunities created for many customers in one batch (an import) cost the same
        queries for 2 accounts crossing the threshold or 20."""

        def queries(count, prefix):
            vals_list = []
            for index in range(count):
                firm = self.Partner.create(
                    {
                        "name": f"{prefix} Firm {index}",
                        "is_company": True,
                        "company_id": self.score_company.id,
                    }
                )
                self.Lead.create(
                    {
                        "name": f"{prefix} Firm {index}: first",
                        "type": "opportunity",
                        "partner_id": firm.id,
                        "user_id": self.seller.id,
                        "company_id": self.score_company.id,
                        "expected_revenue": 20000,
                    }
                )
                vals_list.append(
                    {
                        "name": f"{prefix} Firm {index}: fleet",
                        "type": "opportunity",
                        "partner_id": firm.id,
                        "user_id": self.buyer.id,
                        "company_id": self.score_company.id,
                        "expected_revenue": 40000,
                    }
                )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Lead.with_user(self.buyer).create(vals_list)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        # the CRM's own create as the baseline (the hook left out), then with the hook; the
        # to-dos themselves are one create of mail.activity (Odoo notifies each assignee)
        Account = type(self.env["social.crm.account.score"])
        with patch.object(Account, "_social_account_notify_revenue", lambda *a, **k: None):
            queries(2, "warm")
            small_crm, big_crm = queries(2, "s0"), queries(20, "b0")
        told = []

        def todos(self, company, accounts, note):
            told.append(accounts)

        with patch.object(Account, "_social_account_todos", todos):
            small, big = queries(2, "s1"), queries(20, "b1")
        self.assertEqual([len(accounts) for accounts in told], [2, 20])
        self.assertLessEqual(
            big - big_crm,
            small - small_crm + 5,
            f"2 accounts: {small_crm} + {small - small_crm} queries, "
            f"20: {big_crm} + {big - big_crm}",
        )
        queries(20, "big")
        told = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("user_id", "=", self.seller.id)]
        )
        self.assertEqual(len(told), 20)
