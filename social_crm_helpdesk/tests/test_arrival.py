# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The critic with 10,000 followers: influence known on arrival, assignment, alerts and
escalation, never OdooBot."""

import datetime as dt

from odoo import fields
from odoo.tests import tagged

from .common import ArrivalCase

IBAN_TEXT = (
    "@acme Router kaputt und keiner antwortet! Erstattet endlich auf DE89 3704 0044 0532 "
    "0130 00, Frechheit!"
)


@tagged("post_install", "-at_install")
class TestArrival(ArrivalCase):
    # --- assignment ------------------------------------------------------------------------------
    def test_least_open_tickets(self):
        self.online(self.agent, self.bert, self.cleo)
        self.Ticket.create([
            {"name": "busy", "description": "x", "team_id": self.team.id,
             "user_id": self.agent.id},
            {"name": "busy 2", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
        ])
        posts = self.ingest(*(self.complaint(f"lo-{i}", minutes_ago=1) for i in range(3)))
        owners = posts.sorted("external_id").ticket_id.user_id
        # cleo had none, then everybody has one, then the one assigned longest ago
        self.assertEqual(posts.sorted("external_id")[0].ticket_id.user_id, self.cleo)
        self.assertEqual(len(owners), 3)

    def test_round_robin(self):
        self.online(self.agent, self.bert)
        self.team.social_assign_mode = "round_robin"
        posts = self.ingest(*(self.complaint(f"rr-{i}", minutes_ago=1) for i in range(4)))
        owners = [p.ticket_id.user_id for p in posts.sorted("external_id")]
        self.assertEqual(set(owners), {self.agent, self.bert})
        self.assertEqual(owners.count(self.agent), 2)

    def test_mode_none(self):
        self.online(self.agent)
        self.team.social_assign_mode = "none"
        ticket = self.ingest(self.complaint("none-1")).ticket_id
        self.assertFalse(ticket.user_id)

    def test_ticket_says_the_authors_followers(self):
        """The ticket shows who wrote it: the followers of the critic's identity, and of an
        author kept without contact (the count the network sent with the post); replies by
        others raise the reach, not the author's followers."""
        self.online(self.agent)
        ticket = self.critic_post(ext="who", followers=10400).ticket_id
        self.assertTrue(ticket.social_identity_id)
        self.assertEqual(ticket.social_author_followers, 10400)
        reply = self.complaint(
            "who-2", author=self.make_author("who-fan", "fan", "Fan", followers_count=300),
            in_reply_to_external_id="who", conversation_external_id="who",
            text="@critic_who @acme Bei mir genauso, Router kaputt, keiner antwortet!",
        )
        self.ingest(reply)
        self.assertEqual(ticket.social_reach, 10700)
        self.assertEqual(ticket.social_author_followers, 10400)
        # the identity's newer count is the one shown
        ticket.social_identity_id.followers_count = 11000
        self.assertEqual(ticket.social_author_followers, 11000)
        # an author without identity (a source that keeps posts without contacts)
        self.x_source.unknown_author_policy = "keep_post"
        stranger = self.make_author("nobody-known", "stranger", "Stranger", followers_count=2500)
        ticket = self.ingest(self.complaint("who-3", author=stranger)).ticket_id
        self.assertFalse(ticket.social_identity_id)
        self.assertEqual(ticket.social_author_followers, 2500)
        # an agent (no right on identities) reads it on the form
        self.assertEqual(ticket.with_user(self.agent).social_author_followers, 2500)

    def test_nobody_online_a_top_ticket_still_gets_an_owner_never_odoobot(self):
        """At night nobody of the team is online (poll path): the critic's ticket goes to the
        member not on leave with the fewest open tickets, the note and the alert say that
        nobody was on duty; a regular complaint waits unassigned (before: the critic's too,
        "Owner: Unassigned")."""
        self.company.helpdesk_mgmt_ticket_auto_assign = True
        self.online(self.agent, self.bert, self.cleo, status="offline")
        self.Ticket.create([
            {"name": "busy", "description": "x", "team_id": self.team.id,
             "user_id": self.agent.id},
            {"name": "busy 2", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
            {"name": "busy 3", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
        ])
        # Cleo (no open ticket) is on leave: her own time off
        self.on_leave(self.cleo)
        ticket = self.critic_post(ext="nobody").ticket_id
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(ticket.social_owner, "Agnes Agent")
        self.assertIn("Assigned automatically to Agnes Agent although no member is online",
                      " ".join(ticket.message_ids.mapped("body")))
        self.assertIn("Owner: Agnes Agent (assigned to them although nobody was on duty)",
                      self.channel_messages().body)
        regular = self.ingest(self.complaint("nobody-regular")).ticket_id
        self.assertFalse(regular.user_id)
        self.assertNotEqual(regular.user_id, self.odoobot)
        self.assertIn("no member of Social Care Test is online",
                      " ".join(regular.message_ids.mapped("body")))

    def test_nobody_online_every_member_on_leave_the_leader_owns_it(self):
        self.online(self.agent, self.bert, self.cleo, self.leader, status="offline")
        for user in (self.agent, self.bert, self.cleo):
            self.on_leave(user)
        ticket = self.critic_post(ext="all-away").ticket_id
        self.assertEqual(ticket.user_id, self.leader)
        self.assertIn("Lea Leader, leader of Social Care Test, although no member is online",
                      " ".join(ticket.message_ids.mapped("body")))
        self.assertIn("Owner: Lea Leader (assigned to them", self.channel_messages().body)

    def test_an_unassigned_ticket_answered_by_an_agent_becomes_theirs(self):
        """Nobody assigns (the team's rule): the agent who answers the critic in the network's
        app and records it owns the ticket; a second answer does not take it over."""
        self.team.social_assign_mode = "none"
        ticket = self.critic_post(ext="taken").ticket_id
        self.assertFalse(ticket.user_id)
        wizard = self.env["social.crm.network.answer.wizard"].with_user(self.bert).create(
            {"ticket_id": ticket.id}
        )
        wizard.action_confirm()
        self.assertEqual(ticket.user_id, self.bert)
        self.assertIn("Assigned to Bert Agent, who answered the customer while the ticket had "
                      "no owner.", " ".join(ticket.message_ids.mapped("body")))
        ticket.with_user(self.cleo)._social_take_by_answer(self.cleo)
        self.assertEqual(ticket.user_id, self.bert)
        # OdooBot never takes a ticket
        other = self.critic_post(ext="taken-2").ticket_id
        other._social_take_by_answer(self.odoobot)
        self.assertFalse(other.user_id)
        # an agent replies from Odoo: once the reply is out, the ticket is theirs
        action = other.with_user(self.cleo).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.cleo).browse(
            action["res_id"])
        wizard.text = "@critic_taken-2 Das tut uns leid, wir melden uns per DM."
        wizard.action_send()
        self.assertFalse(other.user_id, "queued, not sent yet")
        self.net.add("POST", "https://api.twitter.com/2/tweets", status=201, json_body={
            "data": {"id": "1990000000000070999", "text": wizard.text,
                     "edit_history_tweet_ids": ["1990000000000070999"]}})
        self.run_sender()
        self.assertEqual(other.user_id, self.cleo)

    def test_presence_unknown_falls_back_to_all_members(self):
        self.env["mail.presence"].sudo().search(
            [("user_id", "in", self.team.user_ids.ids)]
        ).unlink()
        ticket = self.ingest(self.complaint("unk-1")).ticket_id
        self.assertIn(ticket.user_id, self.team.user_ids)
        self.assertIn("every member counts as on duty",
                      " ".join(ticket.message_ids.mapped("body")))

    def test_manual_conversion_keeps_helpdesk_defaults(self):
        self.team.social_auto_ticket = False
        post = self.ingest(self.complaint("man-1"))
        self.assertFalse(post.ticket_id)
        action = post.with_user(self.agent).action_convert_to_ticket()
        ticket = self.Ticket.browse(action["res_id"])
        self.assertNotEqual(ticket.user_id, self.odoobot)
        self.assertFalse(ticket.social_alerted_at)

    # --- escalation ------------------------------------------------------------------------------
    def test_escalation_once_each(self):
        self.online(self.bert)
        post = self.critic_post(ext="esc", minutes_ago=1)
        ticket = post.ticket_id
        Ticket = self.Ticket.sudo()
        posted = ticket.social_posted_at

        def run(minutes):
            now = posted + dt.timedelta(minutes=minutes)
            Ticket.search(Ticket._social_escalation_domain(now))._social_escalate(now)

        def todos():
            return ticket.activity_ids.filtered(lambda a: a.user_id == self.leader)

        run(5)
        self.assertFalse(todos())
        run(8)  # half of 15 minutes
        self.assertEqual(len(todos()), 1)
        self.assertEqual(ticket.social_escalation, "half")
        run(9)
        self.assertEqual(len(todos()), 1)
        run(16)
        self.assertEqual(len(todos()), 2)
        self.assertEqual(ticket.social_escalation, "missed")
        run(30)
        self.assertEqual(len(todos()), 2)
        self.assertIn(ticket, self.Ticket.search([("social_escalation", "=", "missed")]))
        self.assertEqual(len(self.channel_messages()), 3)  # the alert, then two escalations

    def test_answered_ticket_does_not_escalate(self):
        post = self.critic_post(ext="esc-ok")
        ticket = post.ticket_id
        ticket.sudo().social_first_reply_at = fields.Datetime.now()
        now = ticket.social_response_deadline + dt.timedelta(minutes=1)
        self.assertNotIn(
            ticket, self.Ticket.sudo().search(self.Ticket._social_escalation_domain(now))
        )

    def test_escalation_cron_runs(self):
        post = self.critic_post(ext="esc-cron", minutes_ago=30)
        ticket = post.ticket_id
        cron = self.env.ref("social_crm_helpdesk.ir_cron_social_escalate")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "minutes"))
        # one pass, no commit outside a cron run: the batch method itself
        now = fields.Datetime.now()
        self.Ticket.sudo().search(self.Ticket._social_escalation_domain(now))._social_escalate(now)
        self.assertEqual(ticket.social_escalation, "missed")
        self.assertTrue(ticket.activity_ids.filtered(lambda a: a.user_id == self.leader))
        self.assertFalse(ticket.activity_ids.filtered(lambda a: a.user_id == self.odoobot))

    # --- bank and card data ----------------------------------------------------------------------
    def test_bank_data_is_top_priority_with_alert(self):
        self.online(self.cleo)
        post = self.ingest(self.complaint("pii-1", text=IBAN_TEXT))
        ticket = post.ticket_id
        self.assertTrue(ticket.has_sensitive_data)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.social_response_deadline, post.posted_at + dt.timedelta(minutes=15))
        self.assertTrue(ticket.social_alerted_at)
        self.assertIn("Bank or card data", self.channel_messages().body)

    def test_phone_number_alone_is_no_alert(self):
        post = self.ingest(self.complaint(
            "pii-2", text="@acme Router kaputt, keiner antwortet! Ruft mich an: 030 1234567"))
        self.assertFalse(post.ticket_id.social_alerted_at)

    # --- never OdooBot ---------------------------------------------------------------------------
    def test_call_activity_goes_to_the_owner_or_leader(self):
        ticket = self.ingest(self.complaint("call-1")).ticket_id
        ticket.sudo().user_id = False
        wizard = self.env["social.crm.reply.wizard"].with_user(self.odoobot).sudo().create(
            {"ticket_id": ticket.id, "text": "Draft"}
        )
        wizard.action_plan_call()
        self.assertEqual(ticket.activity_ids.user_id, self.leader)
