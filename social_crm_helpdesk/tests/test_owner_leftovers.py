# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets nobody owned at night get an owner when the company answers them in the network's
own app (its account's comment, polled), and when the customer posts bank or card data in a
follow-up. The Graph API answers are a fixture (``social_crm/tests/data``)."""

import datetime as dt
import json

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.tests.test_intake_webhook import x_activity
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_open

from .common import ArrivalCase

FIXTURE = "social_crm/tests/data/facebook_page_posts_brand_answers.json"
PAGE_POSTS = "https://graph.facebook.com/v23.0/102030405060/posts"
FIXTURE_NOW = dt.datetime(2026, 12, 4, 22, 30, tzinfo=dt.UTC)


@tagged("post_install", "-at_install")
class TestOwnerLeftovers(ArrivalCase):
    def setUp(self):
        super().setUp()
        with file_open(FIXTURE) as fixture:
            self.pages = json.load(fixture)
        shift = dt.datetime.now(dt.UTC) - FIXTURE_NOW

        def move(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key == "created_time":
                        when = dt.datetime.strptime(item, "%Y-%m-%dT%H:%M:%S%z") + shift
                        value[key] = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
                    else:
                        move(item)
            elif isinstance(value, list):
                for item in value:
                    move(item)

        move(self.pages)

    def poll(self, name):
        """The page source polls; Graph answers with the fixture's page ``name``."""
        self.net.routes.pop(("GET", "graph.facebook.com/v23.0/102030405060/posts"), None)
        self.net.add("GET", PAGE_POSTS, json_body=self.pages[name])
        self.net.add("GET", PAGE_POSTS.replace("/posts", "/tagged"), json_body={"data": []})
        # the authors looked up on arrival (Graph API User and Page nodes)
        self.net.add("GET", "https://graph.facebook.com/v23.0/100000000000931",
                     json_body={"id": "100000000000931", "name": "Nora Nacht"})
        self.net.add("GET", "https://graph.facebook.com/v23.0/102030405060", json_body={
            "id": "102030405060", "name": "ACME", "username": "acme",
            "link": "https://www.facebook.com/acme", "followers_count": 5400,
            "fan_count": 5300})
        self.facebook_source._poll()

    def night(self):
        """Night (:meth:`asleep`); a regular complaint comes, polled."""
        self.asleep()
        self.poll("night_complaint")
        ticket = self.Post.search([("external_id", "=", "7701_88001")]).ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.user_id, "a regular complaint at night waits unassigned")
        self.assertEqual(ticket.priority, "1")
        # one note says why (the Social Score's tier on arrival asked again: no second one)
        self.assertEqual(self.bodies(ticket).count("Not assigned"),
                         0 if self.team.social_assign_mode == "none" else 1)
        return ticket

    def bodies(self, ticket):
        return " ".join(ticket.message_ids.mapped("body"))

    def test_an_answer_in_the_networks_app_gives_the_unassigned_ticket_an_owner(self):
        """Probe: the page answered the customer in Facebook's own app (the poll brings the
        page's comment in the thread). The ticket counted as answered, but nobody owned it:
        who follows the customer's next words? It goes to the owner a ticket that must have
        one gets (nobody on duty: the member not on leave with the fewest open tickets), the
        note says the answer came from the network's app (before: unassigned)."""
        ticket = self.night()
        self.poll("page_answers")
        answer = self.Post.search([("external_id", "=", "7701_88002")])
        self.assertEqual(answer.ticket_id, ticket)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("The company's account @acme answered the customer in the network's own "
                      "app: Odoo does not know who of the team wrote it", self.bodies(ticket))
        self.assertIn("Assigned automatically to Agnes Agent although no member is online or "
                      "within their working hours", self.bodies(ticket))
        self.assertFalse(self.channel_messages(), "an answered regular ticket alerts nobody")
        # someone on duty now takes it instead; an owner already there keeps the ticket
        self.env["mail.presence"].sudo().search([("user_id", "=", self.bert.id)]).write(
            {"status": "online"})
        self.env["res.users"].invalidate_model(["im_status"])
        other = self.ingest(self.complaint("fb-owned")).ticket_id
        self.assertEqual(other.user_id, self.bert)
        other._social_assign_answered_in_app({other.id: "acme"})
        self.assertEqual(other.user_id, self.bert)

    def deliver_x(self, tweet_id, text, user, reply_to=None):
        """An X Account Activity delivery (a v1.1 tweet of ``user`` to the subscription
        @acme_support), received by the webhook and processed."""
        delivery = x_activity(tweet_id, text)
        tweet = delivery["tweet_create_events"][0]
        tweet["created_at"] = fields.Datetime.now().strftime("%a %b %d %H:%M:%S +0000 %Y")
        tweet["user"] = {**tweet["user"], **user}
        tweet["lang"] = "de"
        if reply_to:
            tweet.update(in_reply_to_status_id=int(reply_to[0]),
                         in_reply_to_status_id_str=reply_to[0],
                         in_reply_to_user_id=int(reply_to[1]), in_reply_to_user_id_str=reply_to[1],
                         in_reply_to_screen_name=reply_to[2])
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            self.x_source, connector_events.split_x_activity(delivery), "push"))
        events._process()
        self.assertEqual(events.state, "done")
        return self.Post.search([("external_id", "=", tweet_id)])

    def test_the_company_s_reply_in_x_s_app_through_the_webhook_gives_an_owner(self):
        """Probe (served demo, X webhook): a regular complaint waited unassigned at night; the
        company's account @acme_support answered it in X's app. X's Account Activity API
        delivers the subscribed account's own tweets too, but they were left out when the
        delivery was read: the answer never reached the ticket (no first reaction, still
        unassigned). The account's replies to other people's tweets are read (its own
        tweets and its threads are still left out)."""
        self.night()
        customer = {"id": 1460000000000000777, "id_str": "1460000000000000777",
                    "name": "Rita Regular", "screen_name": "rita_regular",
                    "followers_count": 40, "description": ""}
        complaint = self.deliver_x(
            "1990000000000000701",
            "@acme_support Ihr habt doppelt abgebucht und niemand antwortet. Frechheit, ich bin "
            "wütend!", customer)
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.user_id, "a regular complaint at night waits unassigned")
        acme = {"id": 1440000000000000000, "id_str": "1440000000000000000",
                "name": "ACME Support", "screen_name": "acme_support", "followers_count": 5200}
        answer = self.deliver_x(
            "1990000000000000702", "@rita_regular Das tut uns leid, bitte schreib uns per DM.",
            acme, reply_to=("1990000000000000701", "1460000000000000777", "rita_regular"))
        self.assertEqual(answer.ticket_id, ticket)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(ticket.social_reach, 40, "the company's own followers are no reach")
        self.assertIn("The company's account @acme_support answered the customer in the "
                      "network's own app", self.bodies(ticket))
        # a reply sent from Odoo, which X delivers back, is no answer in X's app
        self.env["social.crm.reply"].create({
            "ticket_id": ticket.id, "post_id": complaint.id, "state": "sent",
            "text": "@rita_regular Wir haben die Abbuchung erstattet.",
            "external_id": "1990000000000000704"})
        echo = self.deliver_x(
            "1990000000000000704", "@rita_regular Wir haben die Abbuchung erstattet.",
            acme, reply_to=("1990000000000000701", "1460000000000000777", "rita_regular"))
        self.assertEqual(echo.ticket_id, ticket)
        self.assertEqual(self.bodies(ticket).count("in the network's own app."), 1)
        # the account's own tweet answering nobody stays out, as before
        self.assertFalse(self.deliver_x("1990000000000000703", "Wartungsarbeiten heute Nacht.",
                                        acme))

    def test_an_answer_in_the_networks_app_keeps_a_team_that_never_assigns(self):
        self.team.social_assign_mode = "none"
        ticket = self.night()
        self.poll("page_answers")
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertFalse(ticket.user_id, "the team's rule: never assign")
        self.assertNotIn("Odoo does not know who", self.bodies(ticket))

    def test_card_data_in_a_follow_up_gives_the_unassigned_ticket_an_owner(self):
        """Probe: a regular complaint waited unassigned at night; the customer then posts an
        IBAN in the thread. The ticket became top priority and the team was alerted with
        "Owner: Unassigned" (before): it gets an owner as a new top ticket does, the note and
        the alert say nobody was on duty."""
        ticket = self.night()
        self.poll("card_follow_up")
        follow_up = self.Post.search([("external_id", "=", "7701_88003")])
        self.assertEqual(follow_up.ticket_id, ticket)
        self.assertNotIn("DE89", follow_up.text)
        self.assertEqual(ticket.priority, "3")
        self.assertTrue(ticket.social_alerted_at)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("Assigned automatically to Agnes Agent although no member is online or "
                      "within their working hours: this ticket must have an owner",
                      self.bodies(ticket))
        alert = self.channel_messages()
        self.assertEqual(len(alert), 1)
        self.assertIn("Owner: Agnes Agent (assigned to them although nobody was on duty)",
                      alert.body)
        self.assertNotEqual(ticket.user_id, self.odoobot)
        self.assertTrue(fields.Datetime.now() >= ticket.social_alerted_at)

    def test_a_team_shared_by_two_companies_gives_a_ticket_to_a_member_of_its_company(self):
        """Probe: a team without company serves the sources of two companies. Its member of
        the other company only (fewest open tickets) got this company's ticket, which she
        cannot even open; an owner must be allowed in the ticket's company. The same for
        the team leader when nobody is on duty."""
        other = self.env["res.company"].create({"name": "ACME Schweiz AG"})
        groups = ("base.group_user,helpdesk_mgmt.group_helpdesk_user,"
                  "social_crm.group_social_crm_user")
        bea = new_test_user(self.env, login="sh_bea", name="Bea Basel", groups=groups,
                            company_id=other.id, company_ids=[(6, 0, other.ids)])
        self.team.write({"company_id": False, "user_ids": [(4, bea.id)]})
        self.online(self.agent, self.bert, bea)
        self.Ticket.create([
            {"name": "busy", "description": "x", "team_id": self.team.id,
             "user_id": self.agent.id},
            {"name": "busy 2", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
            {"name": "busy 3", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
        ])
        with self.assertRaises(AccessError):
            self.Ticket.search([], limit=1).with_user(bea).check_access("read")
        ticket = self.ingest(self.complaint("mc-1")).ticket_id
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(ticket.user_id, self.agent)
        # nobody of this company on duty, every member of it on leave: the leader of the
        # other company only is no owner; a helpdesk manager of this company is
        self.env["mail.presence"].sudo().search(
            [("user_id", "in", (self.agent | self.bert).ids)]).write({"status": "offline"})
        self.env["res.users"].invalidate_model(["im_status"])
        for user in (self.agent, self.bert, self.cleo):
            self.on_leave(user)
        self.leader.write({"company_id": other.id, "company_ids": [(6, 0, other.ids)]})
        top = self.critic_post(ext="mc-top").ticket_id
        self.assertTrue(top.user_id)
        self.assertNotIn(top.user_id, bea | self.leader)
        self.assertIn(self.company, top.user_id.company_ids)
        self.assertIn(f"Assigned automatically to {top.user_id.name}, helpdesk manager of "
                      f"{self.company.name}: this ticket must have an owner", self.bodies(top))
        self.assertIn(f"Owner: {top.user_id.name} (assigned to them although nobody was on "
                      "duty)", self.channel_messages()[0].body)

    def test_every_member_and_the_leader_on_leave_a_helpdesk_manager_owns_the_top_ticket(self):
        """Probe: at night every member is on leave, and the team leader too (before: the
        critic's ticket went to the leader on holiday, who sees nothing for two weeks). A
        helpdesk manager of the company who is not on leave owns it; with every manager on
        leave as well, the leader is still someone."""
        team_users = self.agent | self.bert | self.cleo | self.leader
        self.online(*team_users, status="offline")
        for user in team_users:
            self.on_leave(user)
        ticket = self.critic_post(ext="leader-away").ticket_id
        self.assertTrue(ticket.user_id)
        self.assertNotIn(ticket.user_id, team_users)
        self.assertTrue(ticket.user_id.has_group("helpdesk_mgmt.group_helpdesk_manager"))
        self.assertIn(f"Assigned automatically to {ticket.user_id.name}, helpdesk manager of",
                      self.bodies(ticket))
        managers = self.env["res.users"].search([
            ("all_group_ids", "in", self.env.ref("helpdesk_mgmt.group_helpdesk_manager").ids),
            ("share", "=", False), ("id", "!=", self.odoobot.id)])
        for manager in managers:
            self.on_leave(manager)
        ticket = self.critic_post(ext="all-away").ticket_id
        self.assertEqual(ticket.user_id, self.leader)
        self.assertIn("Lea Leader, leader of Social Care Test, although no member is online",
                      self.bodies(ticket))
