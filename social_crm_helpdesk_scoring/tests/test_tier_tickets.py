# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets and the Social Score: the critic with 10,000 followers is a top influencer on
arrival, tickets follow tier changes, authors without a contact get the follower floor's tier
(moved from social_crm_helpdesk's test_arrival: they need both addons)."""

import datetime as dt

from odoo.addons.social_crm_helpdesk.tests.common import ArrivalCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTierTickets(ArrivalCase):
    def test_unknown_critic_is_a_top_influencer_at_once(self):
        self.online(self.bert)
        post = self.critic_post()
        partner = post.partner_id
        self.assertTrue(partner)
        row = partner.social_score_history_ids.filtered("is_current")
        self.assertTrue(row.is_provisional)
        self.assertEqual(partner.social_score_tier, "top_influencer")  # the 10,000 floor
        ticket = post.ticket_id
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertTrue(ticket.social_is_influencer)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=15)
        )
        self.assertEqual(ticket.social_reach, 10000)
        # assigned to the agent on duty, announced in the team's channel with a link
        self.assertEqual(ticket.user_id, self.bert)
        self.assertTrue(ticket.social_alerted_at)
        messages = self.channel_messages()
        self.assertEqual(len(messages), 1)
        self.assertIn(f'data-oe-id="{ticket.id}"', messages.body)
        self.assertIn('data-oe-model="helpdesk.ticket"', messages.body)
        self.assertIn("top influencer", messages.body)
        channel = self.team.social_alert_channel_id
        self.assertLessEqual(
            set((self.team.user_ids | self.leader).partner_id.ids),
            set(channel.channel_member_ids.partner_id.ids),
        )
        # the web client notification of the assignee
        notes = self.env["bus.bus"].sudo().search(
            [("message", "like", "simple_notification"), ("message", "like", "Social alert")]
        )
        self.assertTrue(notes)
        self.assertIn(
            "Assigned automatically to Bert Agent", " ".join(ticket.message_ids.mapped("body"))
        )

    def test_ticket_follows_the_tier(self):
        post = self.critic_post(ext="grow", followers=20)
        ticket = post.ticket_id
        partner = post.partner_id
        self.assertNotEqual(ticket.social_tier, "top_influencer")
        self.assertEqual(ticket.priority, self.Ticket._social_priority(ticket.social_tier))
        # the network now reports 50,000 followers; the nightly run scores the contact
        post.identity_id.followers_count = 50000
        self.env["res.partner"]._social_score_recompute(only=partner)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=15)
        )
        body = " ".join(ticket.message_ids.mapped("body"))
        self.assertIn("is now Top influencer", body)
        self.assertIn("The ticket follows: priority Very High", body)
        self.assertTrue(ticket.social_alerted_at)

    def test_priority_set_by_hand_is_kept(self):
        post = self.critic_post(ext="hand", followers=20)
        ticket = post.ticket_id
        ticket.priority = "0"
        post.identity_id.followers_count = 50000
        self.env["res.partner"]._social_score_recompute(only=post.partner_id)
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertEqual(ticket.priority, "0")

    def test_author_without_contact_gets_the_floor_tier(self):
        # the source keeps posts of unknown authors without creating contacts
        self.x_source.unknown_author_policy = "keep_post"
        post = self.critic_post(ext="nocontact", followers=27400)
        self.assertFalse(post.partner_id)
        ticket = post.ticket_id
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertEqual(ticket.priority, "3")
        self.assertTrue(ticket.social_alerted_at)
        small = self.ingest(self.complaint("nocontact-2", author=self.make_author(
            "small-1", "small", "Small", followers_count=50)))
        self.assertFalse(small.ticket_id.social_tier)
        self.assertEqual(small.ticket_id.priority, "1")

    def test_every_complaint_of_the_wave_treated_alike(self):
        self.online(self.bert, self.cleo)
        post = self.critic_post()
        ticket = post.ticket_id
        replies = []
        for i, followers in enumerate((300, 450, 20)):
            author = self.make_author(f"wave-{i}", f"wave_{i}", f"Wave {i}",
                                      followers_count=followers)
            replies.append(self.complaint(
                f"wave-r{i}", author=author,
                text="@acme Bei mir genauso, seit Tagen kaputt und kein Support! Frechheit.",
                conversation_external_id=post.external_id, in_reply_to_external_id=post.external_id,
            ))
        self.ingest(*replies)
        self.assertEqual(ticket.social_post_count, 4)
        self.assertEqual(ticket.social_reach, 10000 + 300 + 450 + 20)
        self.assertEqual(len(self.channel_messages()), 1)  # one alert per ticket

    def test_author_tier_hook(self):
        """The base hook says 'regular' (helpdesk without scoring); scoring answers from the
        contact's current row, or from the follower floors for an author without a contact."""
        from odoo.addons.social_crm.models.res_partner import ResPartner as BasePartner

        Partner = self.env["res.partner"]
        self.assertEqual(
            BasePartner._social_author_tier(Partner, self.influencer, self.company, 0),
            ("regular", False),
        )
        self.assertEqual(
            Partner._social_author_tier(self.influencer, self.company, 0), ("top_influencer", True)
        )
        self.assertEqual(
            Partner._social_author_tier(Partner, self.company, 27400), ("top_influencer", True)
        )
        self.assertEqual(Partner._social_author_tier(Partner, self.company, 50), (False, False))

    def test_known_author_gone_viral_is_ranked_at_once(self):
        """A regular customer's complaint; days later the same account, now with 12,000
        followers, attacks again: its ticket is ranked top at once (not the next night)."""
        first = self.critic_post(ext="viral", followers=20)
        partner = first.partner_id
        self.assertNotEqual(partner.social_score_tier, "top_influencer")
        self.assertNotEqual(first.ticket_id.priority, "3")
        author = self.make_author(
            "critic-viral", "critic_viral", "Carl Critic", followers_count=12000
        )
        second = self.ingest(self.complaint("viral-2", author=author))
        self.assertEqual(second.partner_id, partner)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        for ticket in first.ticket_id | second.ticket_id:
            self.assertEqual(ticket.social_tier, "top_influencer")
            self.assertEqual(ticket.priority, "3")

    def test_other_companys_score_never_ranks_a_ticket(self):
        """Company B heard the critic first and scored the shared contact; company A (its own
        follower floors: 50,000 for a top influencer) gets a complaint from the same account:
        A's ticket is ranked by A's floors and A's identity, not by B's score, also when B's
        nightly run writes the contact's score again."""
        company_b = self.other_company
        source_b = self.env["social.crm.source"].create(
            {"name": "X of company B", "company_id": company_b.id, "network_id": self.x.id,
             "kind": "search", "query": "acme"}
        )
        self.company.social_score_top_followers = 50000
        author = self.make_author(
            "critic-shared", "critic_shared", "Carl Critic", followers_count=12000
        )
        post_b = self.ingest(self.complaint("shared-b", author=author), source=source_b)
        partner = post_b.partner_id
        # a user shares B's contact (listening made it B's): A's listening links A's identity
        partner.company_id = False
        self.assertEqual(partner.social_score_company_id, company_b)
        self.assertEqual(partner.social_score_tier, "top_influencer")
        post_a = self.ingest(self.complaint("shared-a", author=author))
        self.assertEqual(post_a.partner_id, partner)
        ticket = post_a.ticket_id
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual((ticket.social_tier, ticket.priority), ("multiplier", "2"))
        self.env["res.partner"]._social_score_recompute(companies=company_b)
        self.assertEqual(partner.social_score_company_id, company_b)
        self.assertEqual((ticket.social_tier, ticket.priority), ("multiplier", "2"))
        self.assertNotIn("Social Score", " ".join(ticket.message_ids.mapped("body")))
        # A's identity of the account now reports 60,000 followers: when the contact's scores
        # are written again (the hook), A's ticket follows A's floor, its note names A's floors
        post_a.identity_id.followers_count = 60000
        self.env["res.partner"]._social_score_changed(partner.ids)
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        body = " ".join(ticket.message_ids.mapped("body"))
        self.assertIn(f"by the follower floors of {self.company.name}", body)
        self.assertNotIn("Social Score", body)

    def _tier_queries(self, count, prefix):
        """Queries of the tiers of ``count`` new authors' tickets, as ticket creation asks
        them (one call per post), for unscored contacts (the floor of their followers)."""
        posts = self.Post.browse(self.ingest(*[
            self.complaint(
                f"{prefix}{i}",
                author=self.make_author(
                    f"{prefix}-a{i}", f"{prefix}_{i}", f"{prefix.title()} Kritiker {i}",
                    followers_count=5000 * i,
                ),
            )
            for i in range(count)
        ]).ids)
        self.env["social.crm.score.history"].search(
            [("partner_id", "in", posts.partner_id.ids)]
        ).unlink()
        self.env.flush_all()
        self.env.invalidate_all()
        posts = self.Post.browse(posts.ids)
        before = self.env.cr.sql_log_count
        tiers = [
            self.env["res.partner"]._social_author_tier(post.partner_id, post.company_id)
            for post in posts
        ]
        self.assertIn(("top_influencer", True), tiers)
        return self.env.cr.sql_log_count - before

    def test_ticket_tiers_of_a_wave_in_a_fixed_number_of_queries(self):
        """The tier of each ticket of a wave of new authors (ranked by their followers when
        their contact is not scored for the ticket's company): no query per author."""
        small = self._tier_queries(5, "55500000000000")
        big = self._tier_queries(40, "55600000000000")
        self.assertEqual(big, small, f"5 tickets: {small} queries, 40: {big}")
