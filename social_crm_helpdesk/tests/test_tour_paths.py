# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agent's and the CRM user's paths in Chromium, in English and in German (issue 17)."""

from odoo import fields
from odoo.addons.social_crm.connectors.base import Author
from odoo.tests import tagged

from .common import SocialTourCase


@tagged("post_install", "-at_install")
class TestUserPathTours(SocialTourCase):
    # the social ticket list must fit a 1280 px window (the owner readable)
    browser_size = "1280x800"

    def setUp(self):
        super().setUp()
        env = self.env
        self.admin = env.ref("base.user_admin")
        self.x = env.ref("social_crm.network_x")
        self.team = self.tour_team("Tour Path Team")
        # the demo's tickets are answered: the tour's own come first
        env["helpdesk.ticket"].search([("social_network_id", "!=", False)]).write(
            {"social_first_reply_at": fields.Datetime.now()}
        )
        env.company.write(
            {"social_influencer_response_minutes": 15, "social_regular_response_minutes": 120,
             "social_helpdesk_team_id": self.team.id}
        )
        self.source = self.tour_source("Tour path X", kind="search", query="acme",
                                       bearer_token="bt")

    def lang(self, code):
        self.use_language(code)

    def post(self, ext, author, text, minutes_ago, network="x", url=None):
        return self.tour_post(ext, text, author, minutes_ago=minutes_ago, network=network,
                              url=url)

    def ingest(self, *posts, source=None):
        return self.tour_ingest(posts, source or self.source)

    def bluesky_ticket(self):
        """A Bluesky complaint, answerable: the company's Bluesky account has its app password
        (the reply is queued; nothing is sent in the tour)."""
        bluesky = self.env.ref("social_crm.network_bluesky")
        self.env["social.crm.account"].create(
            {"name": "ACME on Bluesky", "network_id": bluesky.id, "handle": "acme.bsky.social",
             "access_token": "abcd-efgh-ijkl-mnop", "company_id": self.env.company.id}
        )
        source = self.env["social.crm.source"].create(
            {"name": "Tour Bluesky", "network_id": bluesky.id, "kind": "search",
             "query": "acme"}
        )
        uri = "at://did:plc:beabluesky0000000000000000/app.bsky.feed.post/3lbeatour1"
        post = self.ingest(
            self.post(uri,
                      Author(network="bluesky", external_id="did:plc:beabluesky0000000000000000",
                             handle="bea.bsky.social", display_name="Bea Bluesky"),
                      "@acme.bsky.social Router kaputt seit Tagen und keiner antwortet! "
                      "Frechheit!",
                      minutes_ago=1, network="bluesky",
                      url="https://bsky.app/profile/bea.bsky.social/post/3lbeatour1"),
            source=source,
        )
        self.assertTrue(post.ticket_id.social_can_reply)
        return post.ticket_id

    def agent_path(self, code):
        self.lang(code)
        self.tour_influencer("Tina Tour", "7107", "tina_tour", phone="+49 30 5550100")
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
        bea_ticket = self.bluesky_ticket()
        self.assertEqual(tina_ticket.social_deadline_state, "overdue")
        self.assertEqual(tina_ticket.user_id, self.admin)
        self.start_tour("/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social",
                        f"social_crm_helpdesk_agent_path_{code}", login="admin")
        self.env.invalidate_all()
        self.assertEqual(tina_ticket.activity_ids.activity_type_id,
                         self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(tina_ticket.activity_ids.user_id, self.admin)
        self.assertEqual(tina_ticket.social_post_id.complaint_decision, "not_complaint")
        self.assertEqual(bea_ticket.social_reply_ids.state, "queued")
        self.assertIn("@bea.bsky.social", bea_ticket.social_reply_ids.text)

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
        # the ticket's chatter says who confirmed the match, in the user's language (with the
        # scoring addon, Karl is scored at once and a note of his tier may follow it)
        note = ticket.message_ids.filtered(
            lambda m: "Karl Kunde" in (m.body or "") and "Mitchell Admin" in m.body
        )
        self.assertTrue(note)
        if code == "de":
            self.assertNotIn("confirmed", note[0].body)
            # the reasons of the verdict read in German, not as stored (codes) or in English
            german = post.with_context(lang="de_DE").complaint_reasons
            english = post.with_context(lang="en_US").complaint_reasons
            self.assertTrue(german)
            self.assertNotEqual(german, english)

    def kpi_path(self, code):
        self.lang(code)
        self.ingest(
            self.post("1883000000000000001",
                      Author(network="x", external_id="7308", handle="kurt_kpi",
                             display_name="Kurt KPI"),
                      "@acme_support Mein Router ist seit Montag kaputt und keiner antwortet!",
                      minutes_ago=4),
        )
        self.start_tour("/odoo/social-helpdesk-kpis", f"social_crm_helpdesk_kpi_{code}",
                        login="admin")

    def test_kpi_english(self):
        self.kpi_path("en")

    def test_kpi_german(self):
        self.kpi_path("de")

    def test_agent_path_english(self):
        self.agent_path("en")

    def test_agent_path_german(self):
        self.agent_path("de")

    def test_crm_user_path_english(self):
        self.crm_user_path("en")

    def test_crm_user_path_german(self):
        self.crm_user_path("de")
