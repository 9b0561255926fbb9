# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.tests import tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestTickets(SocialHelpdeskCase):
    def test_auto_ticket_priority_and_deadline_by_tier(self):
        posts = self.ingest(
            self.complaint("t1", author=self.ina(), minutes_ago=2),
            self.complaint("t2", minutes_ago=3),
        )
        vip, regular = posts.sorted(lambda p: p.external_id)
        for post in posts:
            self.assertTrue(post.ticket_id)
            self.assertEqual(post.state, "ticket")
        ticket = vip.ticket_id
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.channel_id, self.env.ref(
            "social_crm_helpdesk.helpdesk_ticket_channel_social"))
        self.assertEqual(ticket.partner_id, self.influencer)
        self.assertEqual(ticket.social_tier, "top_influencer")
        self.assertTrue(ticket.social_is_influencer)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.social_response_deadline, vip.posted_at + dt.timedelta(minutes=15))
        self.assertEqual(ticket.social_deadline_state, "pending")
        self.assertIn("Influencer · respond by", ticket.social_deadline_label)
        self.assertEqual(ticket.social_post_ids, vip)
        self.assertEqual(ticket.social_identity_id, vip.identity_id)
        other = regular.ticket_id
        self.assertEqual(other.priority, "1")
        self.assertFalse(other.social_is_influencer)
        self.assertEqual(
            other.social_response_deadline, regular.posted_at + dt.timedelta(minutes=60)
        )
        self.assertTrue(other.social_deadline_label.startswith("Respond by"))

    def test_deadline_setting_and_overdue(self):
        self.company.social_regular_response_minutes = 5
        post = self.ingest(self.complaint("late", minutes_ago=30))
        ticket = post.ticket_id
        self.assertEqual(ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=5))
        self.assertEqual(ticket.social_deadline_state, "overdue")
        self.assertIn("Overdue since", ticket.social_deadline_label)
        self.assertIn(ticket, self.Ticket.search([("social_deadline_state", "=", "overdue")]))
        self.assertNotIn(ticket, self.Ticket.search([("social_deadline_state", "=", "pending")]))

    def test_team_rules(self):
        cases = {
            # excluded keyword
            "exclude": self.complaint(
                "r-ex", text="@acme Gewinnspiel: mein Router ist kaputt und keiner antwortet!"
            ),
            # network not among the team's networks
            "bluesky": self.complaint("r-bs", network="bluesky", author=self.make_author(
                "did:plc:x", "x.bsky.social", network="bluesky")),
            # no complaint
            "praise": self.complaint("r-ok", text="Großes Lob an ACME, danke für die Hilfe!"),
        }
        posts = self.ingest(*cases.values())
        self.assertEqual(len(posts), 3)
        self.assertFalse(posts.ticket_id)
        # language not among the team's languages
        self.team.social_lang_codes = "en"
        post = self.ingest(self.complaint("r-de"))
        self.assertEqual(post.complaint_label, "complaint")
        self.assertFalse(post.ticket_id)
        self.team.social_lang_codes = "de, en"
        # keywords to include, minimum confidence, automatic tickets off
        self.team.social_keywords_include = "lieferung, paket"
        post = self.ingest(self.complaint("r-inc"))
        self.assertFalse(post.ticket_id)
        post = self.ingest(self.complaint(
            "r-inc2", text="@acme Paket kaputt angekommen und keiner antwortet. Frechheit!"))
        self.assertTrue(post.ticket_id)
        self.team.write({"social_keywords_include": False, "social_min_confidence": 1.0})
        post = self.ingest(self.complaint("r-conf"))
        self.assertFalse(post.ticket_id)
        self.team.write({"social_min_confidence": 0.5, "social_auto_ticket": False})
        post = self.ingest(self.complaint("r-off"))
        self.assertFalse(post.ticket_id)
        # the second team with matching rules takes it when the first is off
        self.second_team.write({"social_auto_ticket": True, "social_min_confidence": 0.5})
        post = self.ingest(self.complaint("r-second"))
        self.assertEqual(post.ticket_id.team_id, self.second_team)

    def test_one_ticket_per_conversation(self):
        first = self.ingest(self.complaint("conv-1", conversation_external_id="conv-1"))
        ticket = first.ticket_id
        self.assertTrue(ticket)
        hostile = '<img src=x onerror="alert(1)"> <script>alert("x")</script> Danke für nichts'
        # a later post of the conversation, even no complaint, goes to the ticket's chatter
        second = self.ingest(
            self.make_post(
                "conv-2",
                self.make_author("a-conv-1", "user_conv-1", "User conv-1"),
                text=hostile,
                conversation_external_id="conv-1",
                in_reply_to_external_id="conv-1",
                url="https://x.com/u/status/conv-2",
            )
        )
        self.assertEqual(second.ticket_id, ticket)
        self.assertEqual(self.Ticket.search_count([("social_conversation_key", "=", "conv-1")]), 1)
        message = ticket.message_ids.filtered(lambda m: "Danke für nichts" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertNotIn("<script", message.body)
        self.assertNotIn("<img", message.body)
        self.assertIn("&lt;script&gt;", message.body)
        self.assertIn("https://x.com/u/status/conv-2", message.body)
        self.assertEqual(message.author_id, second.partner_id)
        self.assertEqual(ticket.social_post_count, 2)
        # two posts of one new conversation in one batch: one ticket
        posts = self.ingest(
            self.complaint("conv-b1", conversation_external_id="conv-b", minutes_ago=4),
            self.complaint("conv-b2", conversation_external_id="conv-b", minutes_ago=2),
        )
        self.assertEqual(len(posts.ticket_id), 1)
        self.assertEqual(posts.ticket_id.social_post_id.external_id, "conv-b1")

    def test_manual_convert_of_several_posts(self):
        question = "Kann mir jemand sagen, ob der Akku in das Modell 2023 passt?"
        posts = self.ingest(
            self.make_post("m1", self.make_author("m", "m"), text=question, lang="de",
                           conversation_external_id="mc"),
            self.make_post("m2", self.make_author("m", "m"), text=question + " Bitte!",
                           lang="de", conversation_external_id="mc"),
            self.make_post("m3", self.make_author("n", "n"), text=question, lang="de"),
            self.make_post("m4", self.make_author("o", "o"), text=question, lang="fr"),
        )
        self.assertFalse(posts.ticket_id)
        action = posts.with_user(self.agent).action_convert_to_ticket()
        tickets = posts.ticket_id
        self.assertEqual(len(tickets), 3)
        self.assertEqual(action["domain"], [("id", "in", tickets.ids)])
        # the French post does not pass the team's languages: the company's default team
        self.assertEqual(tickets.team_id, self.team)
        self.assertEqual(tickets.create_uid, self.agent)
        labels = self.env["social.crm.complaint.label"].search([("post_id", "in", posts.ids)])
        self.assertEqual(len(labels), 4)
        self.assertTrue(all(labels.mapped("is_complaint")))
        # converting again opens the existing ticket
        action = posts[:1].with_user(self.agent).action_convert_to_ticket()
        self.assertEqual(action["res_id"], posts[0].ticket_id.id)
        self.assertEqual(len(posts.ticket_id), 3)


@tagged("post_install", "-at_install")
class TestContactDeletedWithItsTicket(SocialHelpdeskCase):
    def test_contact_deleted_in_the_transaction_that_opened_its_ticket(self):
        """Before: a complaint stored and its author's contact deleted in one transaction
        failed with a foreign-key error (the ticket's and the post's author identity, deleted
        by the contact's own DELETE). The post and the ticket are kept without author."""
        post = self.ingest(self.complaint("del-1"))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        partner = post.partner_id
        self.assertEqual(ticket.partner_id, partner)
        partner.unlink()
        self.env.flush_all()
        self.assertTrue(post.exists() and ticket.exists())
        self.assertFalse(post.identity_id or post.partner_id)
        self.assertFalse(ticket.social_identity_id or ticket.partner_id)
