# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A salesperson in a browser, in English and German, opens the lead of a customer that
became a key account during the day: the customer's buyer Ella, whose X handle is known, posts
with 12,000 followers (``social.crm.post._ingest_posts``, as in ``test_account_day``); the lead
shows the key-account badge and the to-do "Customer became a key account" at once."""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccountDayTour(HttpCase):
    def setUp(self):
        super().setUp()
        self.Partner = self.env["res.partner"]
        self.x = self.env.ref("social_crm.network_x")
        self.now = fields.Datetime.now()
        # a company of its own (the demo data shifts no percentile), the product's follower
        # floors (10,000 top influencer, 1,000 multiplier)
        self.company = self.env["res.company"].create({
            "name": "Scoring Tour AG", "social_score_top_followers": 10000,
            "social_score_multiplier_followers": 1000,
        })
        self.env.user.company_ids |= self.company
        # contacts scored alongside, as in the scoring tests
        for name, ext, followers, likes in (("Stella Star", "t-star", 250000, 900),
                                            ("Fiona Fan", "t-fan", 800, 3),
                                            ("Quentin Quiet", "t-quiet", 15, 0)):
            partner = self.Partner.create({"name": name, "company_id": self.company.id})
            identity = self.env["social.crm.identity"].create({
                "partner_id": partner.id, "company_id": self.company.id,
                "network_id": self.x.id, "external_id": ext, "followers_count": followers,
                "origin": "listening",
            })
            self.env["social.crm.post"].create({
                "network_id": self.x.id, "identity_id": identity.id,
                "company_id": self.company.id, "external_id": f"{ext}-1",
                "text": f"Post {ext} about ACME", "like_count": likes,
                "posted_at": self.now - dt.timedelta(hours=3),
            })
        self.source = self.env["social.crm.source"].create({
            "name": "Tour X (accounts)", "network_id": self.x.id,
            "company_id": self.company.id, "kind": "mentions", "account_id": "1",
            "bearer_token": "b",
        })
        self.seller = new_test_user(
            self.env, login="tour_acct_seller", name="Sven Seller",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company.id, company_ids=[(6, 0, self.company.ids)],
        )
        self.velo = self.Partner.create(
            {"name": "Velo GmbH", "is_company": True, "company_id": self.company.id})
        self.ella = self.Partner.create(
            {"name": "Ella Einkauf", "parent_id": self.velo.id, "company_id": self.company.id})
        self.lead = self.env["crm.lead"].create({
            "name": "Velo: 40 e-bikes", "type": "opportunity", "partner_id": self.velo.id,
            "user_id": self.seller.id, "company_id": self.company.id,
        })
        # a user enters Ella's X handle by hand
        self.env["social.crm.identity"].create({
            "partner_id": self.ella.id, "company_id": self.company.id,
            "network_id": self.x.id, "handle": "ella_rides", "origin": "manual",
        })

    def language(self, code):
        lang = "de_DE" if code == "de" else "en_US"
        if code == "de":
            self.env["res.lang"]._activate_lang(lang)
            addons = self.env["ir.module.module"].search(
                [("name", "=like", "social_crm%"), ("state", "=", "installed")])
            self.env["ir.module.module"]._load_module_terms(addons.mapped("name"), [lang],
                                                            overwrite=True)
        self.seller.lang = lang

    def ella_posts(self, ext, followers):
        author = Author(network="x", external_id="ella-x", handle="ella_rides",
                        display_name="Ella Einkauf", followers_count=followers)
        post = Post(network="x", external_id=ext, text="@acme the new bikes are great",
                    posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
                    author=author, like_count=2)
        result = self.env["social.crm.post"]._ingest_posts([post], self.source)
        self.assertTrue(result.post_ids)
        self.env.invalidate_all()

    def nightly(self, days=0):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 1e9):
            self.Partner._social_score_run_company(self.company,
                                                   now=self.now + dt.timedelta(days=days))
        self.env.invalidate_all()

    def todos(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", self.lead.id)])

    def became_key_account(self):
        self.nightly()
        self.ella_posts("e1", followers=50)
        self.nightly(days=1)
        before = self.velo.social_account_score
        # the key-account threshold lies above today's score: a first influencer adds 15
        self.company.social_key_account_min_score = before + 10
        self.env.invalidate_all()
        self.assertFalse(self.lead.social_is_key_account)
        self.assertFalse(self.todos())
        self.ella_posts("e2", followers=12000)
        self.assertEqual(self.ella.social_score_tier, "top_influencer")
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos()), 1)
        self.assertEqual(self.todos().user_id, self.seller)

    def account_day_tour(self, code):
        self.language(code)
        self.became_key_account()
        self.start_tour(f"/odoo/crm/{self.lead.id}", f"social_crm_account_day_tour_{code}",
                        login="tour_acct_seller")

    def test_account_day_english(self):
        self.account_day_tour("en")

    def test_account_day_german(self):
        self.account_day_tour("de")
