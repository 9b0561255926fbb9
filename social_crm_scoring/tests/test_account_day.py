# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts during the day, through the product's real paths
(``social.crm.post._ingest_posts``, a user linking a person to a company, the nightly run as
the cron runs it): the account score and the key account follow the arrival score of the
account's people the same minute, only upwards; the night alone lowers them. A lead's
salesperson gets a to-do when the customer becomes a key account during the day."""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors.base import Post
from odoo.tests import new_test_user, tagged

from ..models.social_crm_score_history import round_half_up
from .common import ScoringCase


class AccountDayCase(ScoringCase):
    """A customer company (Velo GmbH), its buyer Ella and an opportunity of a salesperson
    of the scoring company; the helpers walk the product's real paths."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the product's default follower floors (10,000 top influencer, 1,000 multiplier)
        cls.score_company.write(
            {"social_score_top_followers": 10000, "social_score_multiplier_followers": 1000}
        )
        cls.Post = cls.env["social.crm.post"]
        cls.Lead = cls.env["crm.lead"]
        cls.Account = cls.env["social.crm.account.score"]
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "Scoring X (accounts)",
                "network_id": cls.x.id,
                "company_id": cls.score_company.id,
                "kind": "mentions",
                "account_id": "1",
                "bearer_token": "b",
            }
        )
        cls.seller = new_test_user(
            cls.env,
            login="acct_seller",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.score_company.id,
            company_ids=[(6, 0, cls.score_company.ids)],
        )
        # a customer company, its buyer Ella (her X handle entered by hand) and a lead
        cls.velo = cls.Partner.create(
            {"name": "Velo GmbH", "is_company": True, "company_id": cls.score_company.id}
        )
        cls.ella = cls.Partner.create(
            {"name": "Ella Einkauf", "parent_id": cls.velo.id, "company_id": cls.score_company.id}
        )
        cls.lead = cls.Lead.create(
            {
                "name": "Velo: 40 e-bikes",
                "type": "opportunity",
                "partner_id": cls.velo.id,
                "user_id": cls.seller.id,
                "company_id": cls.score_company.id,
            }
        )

    # --- helpers ---------------------------------------------------------------------------
    def ella_handle(self):
        """A user enters Ella's X handle by hand."""
        self.env["social.crm.identity"].create(
            {
                "partner_id": self.ella.id,
                "company_id": self.score_company.id,
                "network_id": self.x.id,
                "handle": "ella_rides",
                "origin": "manual",
            }
        )

    def ella_posts(self, ext, followers):
        author = self.make_author("ella-x", "ella_rides", "Ella Einkauf", followers_count=followers)
        post = Post(
            network="x",
            external_id=ext,
            text="@acme the new bikes are great",
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
            author=author,
            like_count=2,
        )
        result = self.Post._ingest_posts([post], self.source)
        self.assertFalse(self.env["social.crm.quarantine"].sudo().search([]), "nothing quarantined")
        self.env.invalidate_all()
        return self.Post.browse(result.post_ids)

    def nightly(self, days=0, company=None):
        now = self.now + dt.timedelta(days=days)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 1e9):
            self.Partner._social_score_run_company(company or self.score_company, now=now)
        self.env.invalidate_all()

    def row(self, account, company=None):
        return self.Account.search(
            [
                ("partner_id", "=", account.id),
                ("company_id", "=", (company or self.score_company).id),
            ]
        )

    def key_threshold(self, score):
        self.score_company.social_key_account_min_score = score
        self.env.invalidate_all()

    def todos(self, lead):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )

    @classmethod
    def salesperson(cls, login, company):
        """A salesperson of ``company`` alone."""
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    @classmethod
    def opportunity(cls, name, partner, user, company, **values):
        return cls.Lead.create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": user.id,
                "company_id": company.id,
                **values,
            }
        )

    @classmethod
    def rad_customer(cls, login, lead_name):
        """A second customer company (Rad AG) with its own salesperson and opportunity."""
        cls.rad = cls.Partner.create(
            {"name": "Rad AG", "is_company": True, "company_id": cls.score_company.id}
        )
        cls.rad_seller = cls.salesperson(login, cls.score_company)
        cls.rad_lead = cls.opportunity(lead_name, cls.rad, cls.rad_seller, cls.score_company)

    @classmethod
    def currency_rates(cls, company, currency, rates):
        """``company`` keeps its books in ``currency``; its rates of today (as a user enters
        them under Settings › Currencies): ``{currency code: units for one unit of
        ``currency``}``. The currencies are activated."""
        Currency = cls.env["res.currency"].with_context(active_test=False)
        company.currency_id = Currency.search([("name", "=", currency)])
        today = fields.Date.context_today(cls.env["res.currency.rate"])
        for code, rate in {currency: 1.0, **rates}.items():
            other = Currency.search([("name", "=", code)])
            other.active = True
            cls.env["res.currency.rate"].create(
                {"currency_id": other.id, "company_id": company.id, "name": today, "rate": rate}
            )

    def velo_customer_of(self, company_b, login):
        """Velo (shared) is also a customer of ``company_b``: B listens on X, Velo's person
        Bert has an X handle in B, and B's salesperson has an opportunity of Velo.
        ``(source, Bert, salesperson, lead)`` of B."""
        source_b = self.env["social.crm.source"].create(
            {
                "name": "X B",
                "network_id": self.x.id,
                "company_id": company_b.id,
                "kind": "search",
                "query": "acme",
            }
        )
        bert = self.Partner.create(
            {"name": "Bert Buyer", "parent_id": self.velo.id, "company_id": company_b.id}
        )
        self.env["social.crm.identity"].create(
            {
                "partner_id": bert.id,
                "company_id": company_b.id,
                "network_id": self.x.id,
                "handle": "bert_b",
                "origin": "manual",
            }
        )
        seller_b = self.salesperson(login, company_b)
        lead_b = self.opportunity("B: Velo", self.velo, seller_b, company_b)
        return source_b, bert, seller_b, lead_b



@tagged("post_install", "-at_install")
class TestAccountDuringTheDay(AccountDayCase):
    def test_employee_goes_viral_lead_shows_key_account_at_once(self):
        """Ella's handle is known; the night scores her (no followers known) and her
        account. Day 0 she posts with 50 followers; day 1 the night agrees. Day 2 she posts
        with 12,000 followers: the account score rises and the lead shows the key account
        the same minute, and its salesperson gets a to-do. A post with 60 followers the
        same day lowers nothing; the night of day 3 does."""
        self.ella_handle()
        self.nightly()
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.ella)
        self.ella_posts("e1", followers=50)
        self.assertEqual(self.ella.social_score_tier, "regular")
        self.nightly(days=1)
        before = self.velo.social_account_score
        # the key-account threshold lies above today's score: a first influencer adds 15
        self.key_threshold(before + 10)
        self.assertFalse(self.lead.social_is_key_account)
        self.assertFalse(self.todos(self.lead))

        self.ella_posts("e2", followers=12000)
        self.assertEqual(self.ella.social_score_tier, "top_influencer")
        row = self.row(self.velo)
        self.assertGreaterEqual(row.score, before + 10)
        self.assertEqual(row.influencer_count, 1)
        self.assertEqual(self.velo.social_account_score, row.score)
        self.assertTrue(self.velo.social_is_key_account)
        self.assertEqual(self.lead.social_account_score, row.score)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertIn("Key account", self.lead.social_account_note)
        self.assertIn(self.ella, self.lead.social_account_influencer_ids)
        self.assertIn(self.lead, self.Lead.search([("social_is_key_account", "=", True)]))
        todo = self.todos(self.lead)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.seller)
        self.assertEqual(todo.summary, "Customer became a key account")
        self.assertIn("Velo GmbH", str(todo.note))
        self.assertIn("Ella Einkauf", str(todo.note))
        raised = row.score

        # the network removes her bought followers the same day: nothing goes down, nobody
        # is told again
        self.ella_posts("e3", followers=60)
        self.assertEqual(self.row(self.velo).score, raised)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        # the night lowers it
        self.nightly(days=3)
        self.assertLess(self.row(self.velo).score, raised)
        self.assertLess(self.row(self.velo).score, before + 10)
        self.assertFalse(self.lead.social_is_key_account)

    def test_new_influencer_first_post(self):
        """A person of the customer unknown to scoring posts for the first time with 12,000
        followers: the account and its lead are key at once."""
        self.nightly()
        self.key_threshold(10)
        self.ella_handle()
        self.ella_posts("e1", followers=12000)
        self.assertEqual(self.ella.social_score_tier, "top_influencer")
        self.assertGreaterEqual(self.velo.social_account_score, 10)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)

    def test_todo_in_the_salespersons_language(self):
        """A German salesperson reads the to-do in German; a lead already won, or of a
        customer that is a key account by hand, gets none."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring"], ["de_DE"], overwrite=True
        )
        self.seller.lang = "de_DE"
        won = self.Lead.create(
            {
                "name": "Velo: spare parts",
                "type": "opportunity",
                "partner_id": self.ella.id,
                "user_id": self.seller.id,
                "company_id": self.score_company.id,
            }
        )
        won.action_set_won()
        self.nightly()
        self.key_threshold(10)
        self.ella_handle()
        self.ella_posts("e1", followers=12000)
        todo = self.todos(self.lead)
        self.assertEqual(todo.summary, "Kunde ist jetzt Schlüsselkunde")
        self.assertIn("Velo GmbH ist jetzt Schlüsselkunde", str(todo.note))
        self.assertIn("Stärkste Person: Ella Einkauf", str(todo.note))
        self.assertFalse(self.todos(won))
        # a customer ticked as key account by hand is no news
        other = self.Partner.create(
            {
                "name": "Rad AG",
                "is_company": True,
                "company_id": self.score_company.id,
                "social_key_account_manual": True,
            }
        )
        lead = self.Lead.create(
            {
                "name": "Rad AG",
                "type": "opportunity",
                "partner_id": other.id,
                "user_id": self.seller.id,
                "company_id": self.score_company.id,
            }
        )
        self.star.parent_id = other
        self.assertTrue(self.Account.search([("partner_id", "=", other.id)]))
        self.assertFalse(self.todos(lead))

    def test_person_linked_to_a_company_by_hand(self):
        """A user links a scored influencer to the customer company: the account counts her
        at once; unlinked, the account forgets her at once."""
        self.key_threshold(10)
        self.nightly()
        self.assertTrue(self.star.is_social_influencer)
        self.assertFalse(self.velo.social_is_key_account)
        # a salesperson (no right on the account rows) links her
        self.star.with_user(self.seller).parent_id = self.velo
        self.env.invalidate_all()
        row = self.row(self.velo)
        self.assertEqual(row.strongest_partner_id, self.star)
        self.assertTrue(self.velo.social_is_key_account)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        # unlinked, the account no longer counts her the same minute (see
        # test_account_membership.py), as the night would
        self.star.with_user(self.seller).parent_id = False
        self.env.invalidate_all()
        self.assertNotEqual(self.row(self.velo).strongest_partner_id, self.star)
        self.assertFalse(self.lead.social_is_key_account)
        self.nightly(days=1)
        self.assertNotEqual(self.row(self.velo).strongest_partner_id, self.star)

    def test_identity_relinked_to_the_customers_person(self):
        """An unknown author with 12,000 followers arrives as a new contact; a manager
        moves the identity to Ella, whom it really is: her account is key at once."""
        self.nightly()
        self.key_threshold(10)
        author = self.make_author("rider-x", "bike_rider_99", "Bike Rider", followers_count=12000)
        post = Post(
            network="x",
            external_id="r1",
            text="@acme the new bikes are great",
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
            author=author,
        )
        result = self.Post._ingest_posts([post], self.source)
        stranger = self.Post.browse(result.post_ids).partner_id
        self.assertTrue(stranger)
        self.assertNotEqual(stranger, self.ella)
        self.assertEqual(stranger.social_score_tier, "top_influencer")
        self.assertFalse(self.row(self.velo))
        stranger.social_identity_ids.with_user(self.manager).partner_id = self.ella
        self.env.invalidate_all()
        self.assertEqual(self.ella.social_score_tier, "top_influencer")
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.ella)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)

    def test_two_companies_never_mix(self):
        """Velo is a shared contact, customer of the scoring company A and of company B. A
        scores the star (Velo's person); B's own person of Velo posts: B's account row of
        Velo counts B's person only, A's row is left as it is, and B's lead is told nothing
        of A's figures."""
        company_b = self.other_company
        company_b.write(
            {
                "social_score_top_followers": 10000,
                "social_score_multiplier_followers": 1000,
                "social_key_account_min_score": 1,
            }
        )
        self.key_threshold(1)
        self.velo.company_id = False
        self.star.parent_id = self.velo
        self.nightly()
        row_a = self.row(self.velo)
        self.assertEqual(row_a.strongest_partner_id, self.star)
        source_b, bert, seller_b, lead_b = self.velo_customer_of(company_b, "acct_seller_b")
        score_a, date_a = row_a.score, row_a.write_date
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
        self.assertEqual(bert.social_score_company_id, company_b)
        row_b = self.row(self.velo, company_b)
        self.assertEqual(len(row_b), 1)
        self.assertEqual((row_b.strongest_partner_id, row_b.people_count), (bert, 1))
        bert_row = self.env["social.crm.score.history"].search(
            [("partner_id", "=", bert.id), ("is_current", "=", True)]
        )
        self.assertEqual(bert_row.company_id, company_b)
        self.assertEqual(row_b.people_points, bert_row.score)
        self.assertEqual(row_b.influencer_count, int(bert_row.is_influencer))
        self.assertEqual((row_a.score, row_a.write_date), (score_a, date_a))
        # B's own row is the one B's lead reads; B is told of B's key account only
        lead_b = lead_b.with_user(seller_b).with_context(allowed_company_ids=company_b.ids)
        # (the lead shows the account score as a whole number: digits (5, 0))
        self.assertEqual(lead_b.social_account_score, round_half_up(row_b.score))
        todo = self.todos(lead_b)
        self.assertEqual(len(todo), 1)
        self.assertNotIn("Stella", str(todo.note))
        self.assertFalse(self.todos(self.lead), "A's account did not change")

    def test_batch_of_accounts_no_query_per_account(self):
        """Posts of people of many companies: the accounts cost the same queries for 2
        companies or 20."""
        self.nightly()

        def queries(count, prefix):
            authors = []
            for index in range(count):
                company = self.Partner.create(
                    {
                        "name": f"{prefix} Firm {index}",
                        "is_company": True,
                        "company_id": self.score_company.id,
                    }
                )
                person = self.Partner.create(
                    {
                        "name": f"{prefix} Worker {index}",
                        "parent_id": company.id,
                        "company_id": self.score_company.id,
                    }
                )
                self.env["social.crm.identity"].create(
                    {
                        "partner_id": person.id,
                        "company_id": self.score_company.id,
                        "network_id": self.x.id,
                        "handle": f"{prefix}_w{index}",
                        "origin": "manual",
                    }
                )
                authors.append(
                    self.make_author(
                        f"{prefix}-x{index}",
                        f"{prefix}_w{index}",
                        f"{prefix} Worker {index}",
                        followers_count=100 * index,
                    )
                )
            posts = [
                Post(
                    network="x",
                    external_id=f"{prefix}-p{index}",
                    text="@acme hi",
                    posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
                    author=author,
                )
                for index, author in enumerate(authors)
            ]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Post._ingest_posts(posts, self.source)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        small = queries(2, "small")
        big = queries(20, "big")
        self.assertLessEqual(big, small + 5, f"2 accounts: {small} queries, 20: {big}")
        self.assertEqual(self.Account.search_count([("partner_id.name", "like", "big Firm")]), 20)
