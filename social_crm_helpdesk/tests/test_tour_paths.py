# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agent's and the CRM user's paths in Chromium, in English and in German (issue 17)."""

import datetime as dt

from odoo import fields
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import HttpCase, tagged

MODULES = ["social_crm", "social_crm_scoring", "social_crm_helpdesk"]


@tagged("post_install", "-at_install")
class TestUserPathTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.admin = env.ref("base.user_admin")
        env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        # the demo's tickets are answered: the tour's own come first
        env["helpdesk.ticket"].search([("social_network_id", "!=", False)]).write(
            {"social_first_reply_at": fields.Datetime.now()}
        )
        env.company.write(
            {"social_influencer_response_minutes": 15, "social_regular_response_minutes": 120}
        )
        cls.x = env.ref("social_crm.network_x")
        cls.team = env["helpdesk.ticket.team"].create(
            {"name": "Tour Path Team", "sequence": 0, "social_auto_ticket": True,
             "social_min_confidence": 0.5, "user_ids": [(6, 0, cls.admin.ids)]}
        )
        env.company.social_helpdesk_team_id = cls.team
        cls.source = env["social.crm.source"].create(
            {"name": "Tour path X", "network_id": cls.x.id, "kind": "search", "query": "acme",
             "bearer_token": "bt"}
        )

    def lang(self, code):
        if code == "de":
            self.env["res.lang"]._activate_lang("de_DE")
            self.env["ir.module.module"]._load_module_terms(MODULES, ["de_DE"], overwrite=True)
            self.admin.lang = "de_DE"
        else:
            self.admin.lang = "en_US"

    def post(self, ext, author, text, minutes_ago):
        return Post(network="x", external_id=ext, text=text, lang="de",
                    posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago),
                    author=author, url=f"https://x.com/i/web/status/{ext}")

    def ingest(self, *posts):
        result = self.env["social.crm.post"]._ingest_posts(list(posts), self.source)
        return self.env["social.crm.post"].browse(result.post_ids)

    def agent_path(self, code):
        self.lang(code)
        tina = self.env["res.partner"].create({"name": "Tina Tour", "phone": "+49 30 5550100"})
        self.env["social.crm.score.history"].create(
            {"partner_id": tina.id, "company_id": self.env.company.id,
             "date": fields.Date.today(), "score": 97.0, "tier": "top_influencer",
             "is_influencer": True, "is_current": True}
        )
        self.env["social.crm.identity"].create(
            {"partner_id": tina.id, "network_id": self.x.id, "external_id": "7107",
             "handle": "tina_tour"}
        )
        posts = self.ingest(
            self.post("1881000000000000001",
                      Author(network="x", external_id="7108", handle="rolf_regular",
                             display_name="Rolf Regular"),
                      "@acme_support Mein Router ist seit Montag kaputt und keiner antwortet!",
                      minutes_ago=2),
            self.post("1881000000000000002",
                      Author(network="x", external_id="7107", handle="tina_tour",
                             display_name="Tina Tour"),
                      "@acme_support Router kaputt, keiner antwortet! Frechheit, seit Tagen!",
                      minutes_ago=30),
        )
        tina_ticket = posts.filtered(lambda p: p.author_handle == "tina_tour").ticket_id
        self.assertEqual(tina_ticket.social_deadline_state, "overdue")
        self.assertEqual(tina_ticket.user_id, self.admin)
        self.start_tour("/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social",
                        f"social_crm_helpdesk_agent_path_{code}", login="admin")
        self.env.invalidate_all()
        self.assertEqual(tina_ticket.activity_ids.activity_type_id,
                         self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(tina_ticket.activity_ids.user_id, self.admin)
        self.assertEqual(tina_ticket.social_post_id.complaint_decision, "not_complaint")

    def crm_user_path(self, code):
        self.lang(code)
        karl = self.env["res.partner"].create(
            {"name": "Karl Kunde", "email": "karl.kunde@example.org"}
        )
        # the author's bio names Karl's address: listening suggests the match, links nothing
        post = self.ingest(
            self.post("1882000000000000001",
                      Author(network="x", external_id="7207", handle="karl_k",
                             display_name="Karl K.", bio="Post an karl.kunde@example.org"),
                      "@acme_support Router tot seit zehn Tagen, keiner antwortet. Frechheit!",
                      minutes_ago=3),
        )
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(
            self.env["social.crm.match.suggestion"].search(
                [("author_external_id", "=", "7207")]
            ).partner_id,
            karl,
        )
        self.start_tour("/odoo/action-social_crm.social_crm_post_action",
                        f"social_crm_crm_user_path_{code}", login="admin")
        self.env.invalidate_all()
        self.assertEqual(post.partner_id, karl)
        self.assertEqual(ticket.partner_id, karl)
        self.assertEqual(karl.helpdesk_ticket_count, 1)

    def test_agent_path_english(self):
        self.agent_path("en")

    def test_agent_path_german(self):
        self.agent_path("de")

    def test_crm_user_path_english(self):
        self.crm_user_path("en")

    def test_crm_user_path_german(self):
        self.crm_user_path("de")
