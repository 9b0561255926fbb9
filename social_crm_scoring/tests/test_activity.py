# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import new_test_user, tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestInfluencerActivity(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="sc_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_ids=[(6, 0, (cls.env.company | cls.score_company).ids)],
        )
        cls.star.user_id = cls.salesman
        cls.fan.user_id = cls.salesman
        cls.Partner._social_score_recompute(companies=cls.score_company)

    def ingest(self, *specs):
        posts = [
            Post(
                network="x",
                external_id=ext,
                text=f"Ich liebe ACME ({ext})",
                posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
                author=Author(network="x", external_id=author_ext),
                url=f"https://x.com/i/status/{ext}",
            )
            for ext, author_ext in specs
        ]
        return self.env["social.crm.post"].with_company(self.score_company)._ingest_posts(posts)

    def activities(self, partner):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def test_one_activity_per_batch_and_contact(self):
        self.assertTrue(self.star.is_social_influencer)
        result = self.ingest(("new-1", "ext-star"), ("new-2", "ext-star"), ("new-3", "ext-fan"))
        self.assertEqual(result.created, 3)
        activity = self.activities(self.star)
        self.assertEqual(len(activity), 1, "one to-do for the batch, not one per post")
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(activity.summary, "Influencer posted about us")
        posts = self.env["social.crm.post"].search([("external_id", "in", ["new-1", "new-2"])])
        for post in posts:
            self.assertIn(f"/odoo/social.crm.post/{post.id}", str(activity.note))
            self.assertIn(f"https://x.com/i/status/{post.external_id}", str(activity.note))
        self.assertFalse(self.activities(self.fan), "the fan is no influencer")
        # a second batch gives a second to-do
        self.ingest(("new-4", "ext-star"))
        self.assertEqual(len(self.activities(self.star)), 2)
        # known posts (count updates) do not notify again
        self.ingest(("new-4", "ext-star"))
        self.assertEqual(len(self.activities(self.star)), 2)

    def test_no_salesperson_or_excluded(self):
        self.star.user_id = False
        self.ingest(("solo-1", "ext-star"))
        self.assertFalse(self.activities(self.star))
        self.star.user_id = self.salesman
        self.star.social_score_excluded = True
        self.ingest(("solo-2", "ext-star"))
        self.assertFalse(self.activities(self.star))
