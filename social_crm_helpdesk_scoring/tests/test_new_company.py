# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A new company's first contacts (found on a served demo): with a handful of scored contacts a
lone or top value ranks at 100 %, so the first complainer with 35 followers was scored a top
influencer, flagged, ticketed with top priority and announced. Below the company's minimum
population the percentile is capped by the absolute scale of the followers: 35 followers stay
regular, a 10,000-follower stranger is top at once, also as the very first contact. Through the
real path: ingestion of the post (as a connector parses it) -> provisional score on arrival ->
tier and flag -> ticket priority and alert; then the nightly run."""

import datetime as dt

from odoo.addons.social_crm_helpdesk.tests.common import ArrivalCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestNewCompany(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company that just started listening: nobody scored yet, the default settings
        cls.new_company = cls.env["res.company"].create({"name": "Neustart Räder GmbH"})
        for user in (cls.env.user, cls.user, cls.agent, cls.bert, cls.cleo, cls.leader):
            user.company_ids |= cls.new_company
        cls.new_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Neustart Social Care",
                "company_id": cls.new_company.id,
                "user_ids": [(6, 0, [cls.bert.id, cls.cleo.id])],
                "user_id": cls.leader.id,
                "social_auto_ticket": True,
                "social_network_ids": [(6, 0, [cls.x.id])],
                "social_lang_codes": "de, en",
                "social_min_confidence": 0.6,
            }
        )
        cls.new_company.write(
            {
                "social_influencer_response_minutes": 15,
                "social_regular_response_minutes": 60,
                "social_helpdesk_team_id": cls.new_team.id,
            }
        )
        cls.new_source = cls.env["social.crm.source"].create(
            {
                "name": "X mentions Neustart (test)",
                "network_id": cls.x.id,
                "company_id": cls.new_company.id,
                "kind": "mentions",
                "account_id": "1440000000000000777",
                "api_key": "ck-new",
                "api_secret": "cs-new",
                "access_token": "at-new",
                "access_token_secret": "ats-new",
                "bearer_token": "bearer-new",
            }
        )

    #: distinct people (similar names would wait for a person's decision on a suggestion)
    NAMES = ("Jonas Becker", "Miriam Yilmaz", "Tobias Vogt", "Ewa Nowak", "Henrik Lund",
             "Aylin Demir", "Rafael Costa", "Greta Sommer")

    def complain(self, ext, followers, minutes_ago=2):
        self.people = getattr(self, "people", 0) + 1
        author = self.make_author(
            f"new-{ext}", f"kunde_{self.people}", self.NAMES[self.people - 1],
            followers_count=followers,
        )
        post = self.ingest(
            self.complaint(ext, author=author, minutes_ago=minutes_ago), source=self.new_source
        )
        self.assertEqual(post.company_id, self.new_company)
        return post

    def current_row(self, partner):
        return partner.social_score_history_ids.filtered("is_current")

    def test_the_first_complainer_with_35_followers_is_no_top_influencer(self):
        self.online(self.bert)
        post = self.complain("first", 35)
        partner = post.partner_id
        row = self.current_row(partner)
        self.assertTrue(row.is_provisional, "scored on arrival")
        self.assertEqual((row.company_id, row.population), (self.new_company, 1))
        # alone, its percentile is 100; 35 followers give 36 on the fixed scale
        self.assertEqual(row.score, 36)
        self.assertEqual((row.tier, row.is_influencer), ("regular", False))
        self.assertEqual(partner.social_score_tier, "regular")
        self.assertFalse(partner.is_social_influencer)
        ticket = post.ticket_id
        self.assertEqual(ticket.team_id, self.new_team)
        self.assertEqual((ticket.social_tier, ticket.social_is_influencer), ("regular", False))
        self.assertEqual(ticket.priority, self.Ticket._social_priority("regular"))
        self.assertNotEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=60)
        )
        self.assertFalse(ticket.social_alerted_at)
        self.assertFalse(self.channel_messages(self.new_team))
        # the contact form says that the fixed scale was used
        explanation = partner.with_user(self.user).social_score_explanation
        self.assertIn("o_social_score_absolute", explanation)
        self.assertIn("fewer than 30", explanation)
        self.assertIn("here 36 for 35 followers", explanation)
        self.assertIn("Social Score 36: what 35 followers give on the fixed scale", explanation)
        self.assertIn(
            "1,000 followers: 70, 10,000 followers: 90, 100,000 followers: 100", explanation
        )
        self.assertIn("has 1 scored contact, fewer than 30. Alone, a contact ranks at 100 %",
                      explanation)
        self.assertIn("the only scored contact of Neustart Räder GmbH", explanation)
        self.assertIn("Weighted sum (its percentile is capped by the followers", explanation)

    def test_the_explanation_in_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm_scoring"], ["de_DE"], overwrite=True
        )
        partner = self.complain("german", 35).partner_id
        explanation = str(partner.with_context(lang="de_DE").social_score_explanation)
        self.assertIn("Wenige Kontakte zum Vergleich: Neustart Räder GmbH hat 1 bewerteten "
                      "Kontakt, weniger als 30. Allein steht ein Kontakt bei 100 %", explanation)
        self.assertIn("der einzige bewertete Kontakt von Neustart Räder GmbH", explanation)
        self.assertIn("1.000 Follower: 70, 10.000 Follower: 90, 100.000 Follower: 100", explanation)
        self.assertIn("hier 36 für 35 Follower", explanation)
        self.assertIn("Social Score 36: so viel ergeben 35 Follower auf der festen Skala",
                      explanation)
        self.assertIn("Gewichtete Summe (ihr Perzentil ist durch die feste Skala", explanation)
        self.assertNotIn("fixed scale", explanation)

    def test_the_first_days_small_complainers_stay_regular_also_at_night(self):
        posts = [self.complain(f"day-{n}", followers) for n, followers in
                 enumerate((35, 120, 8, 260, 15))]
        for post in posts:
            self.assertEqual(post.ticket_id.social_tier, "regular")
            self.assertNotEqual(post.ticket_id.priority, "3")
        self.assertFalse(self.channel_messages(self.new_team))
        partners = self.env["res.partner"].union(*(post.partner_id for post in posts))
        self.env["res.partner"]._social_score_recompute(companies=self.new_company)
        self.env.invalidate_all()
        rows = partners.social_score_history_ids.filtered("is_current")
        self.assertEqual(len(rows), 5)
        self.assertFalse(any(rows.mapped("is_provisional")))
        self.assertEqual(set(rows.mapped("population")), {5})
        self.assertEqual(set(rows.mapped("tier")), {"regular"})
        self.assertFalse(any(partners.mapped("is_social_influencer")))
        top = rows.filtered(lambda row: row.rank == 1)
        self.assertEqual(top.followers, 260)
        self.assertEqual(top.score, 56)  # its percentile (100) capped: 260 followers give 56
        explanation = str(top.partner_id.social_score_explanation)
        self.assertIn("has 5 scored contacts, fewer than 30. Among so few the top contact",
                      explanation)
        self.assertIn("rank 1 of the 5 scored contacts of Neustart Räder GmbH. Social Score 56: "
                      "what 260 followers give on the fixed scale", explanation)
        for post in posts:
            self.assertEqual(post.ticket_id.social_tier, "regular")
        self.assertFalse(self.channel_messages(self.new_team))

    def test_a_loud_stranger_is_top_at_once_as_the_very_first_contact(self):
        """The headline case holds: 10,400 followers, the company's first contact."""
        self.online(self.bert)
        post = self.complain("loud", 10400)
        row = self.current_row(post.partner_id)
        self.assertTrue(row.is_provisional)
        self.assertEqual(row.population, 1)
        self.assertEqual(row.score, 90)
        self.assertEqual((row.tier, row.is_influencer), ("top_influencer", True))
        ticket = post.ticket_id
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(
            ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=15)
        )
        self.assertEqual(ticket.user_id, self.bert)
        self.assertTrue(ticket.social_alerted_at)
        self.assertEqual(len(self.channel_messages(self.new_team)), 1)

    def test_without_follower_floors_the_fixed_scale_alone_decides(self):
        self.new_company.write(
            {"social_score_top_followers": 0, "social_score_multiplier_followers": 0}
        )
        small = self.complain("nofloor-small", 35)
        self.assertEqual(small.ticket_id.social_tier, "regular")
        # 2,500 followers, above the 35 (percentile 100): 77 on the scale, a multiplier
        middle = self.complain("nofloor-middle", 2500)
        self.assertEqual(
            (self.current_row(middle.partner_id).score, middle.ticket_id.social_tier),
            (77, "multiplier"),
        )
        loud = self.complain("nofloor-loud", 10400)
        row = self.current_row(loud.partner_id)
        self.assertEqual((row.score, row.tier), (90, "top_influencer"))
        self.assertEqual(loud.ticket_id.priority, "3")

    def test_scores_are_percentiles_from_the_minimum_population_on(self):
        """The setting: with 3 contacts as the minimum, the top of three small accounts is
        ranked among them (what the company asked for)."""
        self.new_company.social_score_min_population = 3
        posts = [self.complain(f"rel-{n}", followers) for n, followers in
                 enumerate((35, 12, 8))]
        self.env["res.partner"]._social_score_recompute(companies=self.new_company)
        self.env.invalidate_all()
        top = self.current_row(posts[0].partner_id)
        self.assertEqual((top.population, top.score, top.tier), (3, 100, "top_influencer"))
        self.assertEqual(posts[0].ticket_id.social_tier, "top_influencer")
        explanation = posts[0].partner_id.social_score_explanation
        self.assertNotIn("o_social_score_absolute", explanation)
        self.assertIn("more influential than 100%", explanation)
