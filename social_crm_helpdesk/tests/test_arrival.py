# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The critic with 10,000 followers: influence known on arrival, assignment, alerts and
escalation, never OdooBot."""

import datetime as dt

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import SocialHelpdeskCase

IBAN_TEXT = (
    "@acme Router kaputt und keiner antwortet! Erstattet endlich auf DE89 3704 0044 0532 "
    "0130 00, Frechheit!"
)


@tagged("post_install", "-at_install")
class TestArrival(SocialHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = (
            "base.group_user,helpdesk_mgmt.group_helpdesk_user,social_crm.group_social_crm_user"
        )
        cls.bert = new_test_user(cls.env, login="sh_bert", name="Bert Agent", groups=groups)
        cls.cleo = new_test_user(cls.env, login="sh_cleo", name="Cleo Agent", groups=groups)
        cls.leader = new_test_user(cls.env, login="sh_lead", name="Lea Leader", groups=groups)
        cls.team.write(
            {
                "user_ids": [(6, 0, [cls.agent.id, cls.bert.id, cls.cleo.id])],
                "user_id": cls.leader.id,
                "social_assign_mode": "least_open",
            }
        )
        cls.odoobot = cls.env.ref("base.user_root")

    def online(self, *users, status="online"):
        self.env["mail.presence"].sudo().create(
            [{"user_id": user.id, "status": status} for user in users]
        )
        self.env["res.users"].invalidate_model(["im_status"])

    def critic_post(self, ext="crit-1", followers=10000, minutes_ago=1, text=None):
        author = self.make_author(
            f"critic-{ext}", f"critic_{ext}", "Carl Critic", followers_count=followers,
            listed_count=120, verified=True,
        )
        return self.ingest(self.complaint(ext, author=author, minutes_ago=minutes_ago, text=text))

    def channel_messages(self, team=None):
        channel = (team or self.team).social_alert_channel_id
        return self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", channel.id),
             ("message_type", "=", "comment")]
        ) if channel else self.env["mail.message"]

    # --- influence known on arrival --------------------------------------------------------------
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

    # --- tier changes ----------------------------------------------------------------------------
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

    def test_nobody_online_stays_unassigned_never_odoobot(self):
        self.company.helpdesk_mgmt_ticket_auto_assign = True
        self.online(self.agent, self.bert, self.cleo, status="offline")
        post = self.critic_post(ext="nobody")
        ticket = post.ticket_id
        self.assertFalse(ticket.user_id)
        self.assertNotEqual(ticket.user_id, self.odoobot)
        self.assertEqual(ticket.social_owner, "Unassigned")
        self.assertIn("no member of Social Care Test is online",
                      " ".join(ticket.message_ids.mapped("body")))
        # the alert still goes to the channel, and says nobody owns the ticket
        self.assertIn("Owner: Unassigned", self.channel_messages().body)

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
