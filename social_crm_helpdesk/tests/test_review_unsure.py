# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The "Review unsure posts" list: the posts the detection is least sure of, decided in one
click; each decision is a label the company model learns from (issue 15)."""

from odoo.addons.social_crm.connectors.base import Author
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SocialHelpdeskCase, SocialTourCase


@tagged("post_install", "-at_install")
class TestReviewUnsure(SocialHelpdeskCase):
    def setUp(self):
        super().setUp()
        self.env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        texts = {
            "u-coin": ("Die Packstation in der Lindenstraße ist voll belegt", 0.52),
            "u-lean": ("Hat jemand die neue App von ACME schon probiert?", 0.40),
            "s-yes": ("@acme Router kaputt, keiner antwortet. Frechheit!", 0.95),
            "s-no": ("Schöner Tag heute am See", 0.05),
        }
        posts = self.ingest(*[
            self.make_post(ext, self.make_author(ext, ext.replace("-", "_")), text=text,
                           lang="de")
            for ext, (text, _) in texts.items()
        ])
        self.by_ext = {post.external_id: post for post in posts}
        for ext, (_, p) in texts.items():
            # sudo: detection fields are the product's; the test sets known probabilities
            self.by_ext[ext].sudo().write({"complaint_p": p, "complaint_label": "other"})
        action = self.env.ref("social_crm_helpdesk.social_crm_post_action_unsure")
        self.domain = safe_eval(action.domain)
        self.order = "complaint_certainty, posted_at desc, id desc"

    def queue(self, user):
        return self.env["social.crm.post"].with_user(user).search(self.domain, order=self.order)

    def test_least_sure_first_and_decided_in_one_click(self):
        mine = self.queue(self.agent).filtered(lambda p: p.external_id in self.by_ext)
        self.assertEqual(mine.mapped("external_id"), ["u-coin", "u-lean"])
        self.assertAlmostEqual(self.by_ext["u-coin"].complaint_certainty, 0.04, places=2)
        self.assertAlmostEqual(self.by_ext["s-yes"].complaint_certainty, 0.9, places=2)
        # the agent confirms a complaint: a label, a ticket, and the agent stays in the list
        coin = self.by_ext["u-coin"].with_user(self.agent)
        result = coin.action_review_complaint()
        self.assertEqual(result["tag"], "display_notification")
        self.assertTrue(coin.ticket_id)
        label = self.env["social.crm.complaint.label"].search([("post_id", "=", coin.id)])
        self.assertTrue(label.is_complaint)
        self.assertEqual(label.user_id, self.agent)
        self.assertEqual(coin.complaint_decision, "complaint")
        # ... and says the other is no complaint
        lean = self.by_ext["u-lean"].with_user(self.agent)
        lean.action_not_complaint()
        self.assertEqual(lean.complaint_decision, "not_complaint")
        self.assertFalse(self.queue(self.agent) & (coin | lean))
        # the decisions ask the training cron to run: the company model learns from them
        cron = self.env.ref("social_crm_helpdesk.ir_cron_social_complaint_train")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_access_and_companies(self):
        # another company's users never see these posts in their list
        self.assertFalse(self.queue(self.other_user) & self.by_ext["u-coin"])
        # a Social CRM user without a Helpdesk group cannot open tickets from the list
        with self.assertRaises(AccessError):
            self.by_ext["u-coin"].with_user(self.user).action_review_complaint()
        self.assertFalse(self.env["social.crm.complaint.label"].search(
            [("post_id", "=", self.by_ext["u-coin"].id)]))

    def test_unclassified_post_is_not_unsure(self):
        post = self.by_ext["s-no"]
        post.sudo().write({"complaint_label": False, "complaint_p": 0.5})  # sudo: see setUp
        self.assertEqual(post.complaint_certainty, 1.0)
        self.assertNotIn(post, self.queue(self.agent))

    def test_update_fills_certainty_in_sql(self):
        """Updating the addon on a database with classified posts fills the new column in
        one statement, with the compute's values."""
        Post = self.env["social.crm.post"]
        Post.flush_model()
        self.env.cr.execute("ALTER TABLE social_crm_post DROP COLUMN complaint_certainty")
        self.assertTrue(Post._social_fill_certainty())
        self.assertFalse(Post._social_fill_certainty())  # once only
        Post.invalidate_model(["complaint_certainty"])
        self.assertAlmostEqual(self.by_ext["u-coin"].complaint_certainty, 0.04, places=2)
        self.assertAlmostEqual(self.by_ext["s-no"].complaint_certainty, 0.9, places=2)
        self.assertIn(self.by_ext["u-lean"], self.queue(self.agent))

    def test_label_influence_shown_to_managers(self):
        """Few labels do not move the company model (0 %); many that the detection gets
        wrong do, and the model row says how far."""
        Label = self.env["social.crm.complaint.label"]
        Model = self.env["social.crm.complaint.model"]
        phrase = "Die Packstation in der Lindenstraße ist voll belegt"
        Label.create([{"text": f"{phrase} Nummer {i}", "is_complaint": True, "lang": "de"}
                      for i in range(5)])
        Model._cron_train()
        row = Model.search([("company_id", "=", self.company.id)])
        self.assertEqual((row.label_count, row.label_influence), (5, 0.0))
        Label.create([{"text": f"{phrase} Nummer {i}", "is_complaint": True, "lang": "de"}
                      for i in range(5, 24)]
                     + [{"text": f"Schöner Tag heute am See {i}", "is_complaint": False,
                         "lang": "de"} for i in range(10)])
        Model._cron_train()
        self.assertEqual(row.label_count, 34)
        self.assertGreater(row.label_influence, 0.0)


@tagged("post_install", "-at_install")
class TestReviewUnsureTour(SocialTourCase):
    def test_unsure_tour(self):
        """Run by a helpdesk agent (no administrator rights) who reads German."""
        self.use_language("de")
        agent = new_test_user(
            self.env, login="unsure_agent", name="Uta Agentin", lang="de_DE",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        team = self.tour_team("Unsure Tour Team")
        team.user_ids |= agent
        source = self.tour_source("Unsure Tour X")
        posts = self.tour_ingest([
            self.tour_post("1880000000000000701",
                           "Die Packstation in der Lindenstraße ist voll belegt",
                           Author(network="x", external_id="7701", handle="ulla_u")),
            self.tour_post("1880000000000000702",
                           "Meine Paketbox ist seit Tagen leer, obwohl zugestellt",
                           Author(network="x", external_id="7702", handle="uwe_u")),
        ], source)
        # sudo: the detection fields are the product's; the tour sets known probabilities
        posts.sudo().ticket_id.unlink()
        posts.sudo().write({"complaint_label": "other", "social_route_pending": False})
        posts[0].sudo().complaint_p = 0.5
        posts[1].sudo().complaint_p = 0.45
        self.start_tour("/odoo/action-social_crm_helpdesk.social_crm_post_action_unsure",
                        "social_crm_helpdesk_unsure_tour", login="unsure_agent")
        labels = self.env["social.crm.complaint.label"].search([("post_id", "in", posts.ids)])
        self.assertEqual({(label.post_id, label.is_complaint) for label in labels},
                         {(posts[0], False), (posts[1], True)})
        self.assertTrue(posts[1].ticket_id)
        # the ticket has an owner of the team, never OdooBot
        self.assertIn(posts[1].ticket_id.user_id, team.user_ids)
