# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Realistic sequences through the real path: posts enter by ``_ingest_posts``, agents act
through the buttons' methods, replies go out through the outbox with the network answering at
the HTTP boundary as its API documents."""

import datetime as dt
import json
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.tests.test_intake_webhook import meta_comment
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .common import ArrivalCase

X_TWEETS = "https://api.twitter.com/2/tweets"
MASTODON_STATUSES = "https://mastodon.example/api/v1/statuses"
WEEK = 7 * 24 * 60
GRUMBLE = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
X_UNAUTHORIZED = {"status": 401, "json_body": {
    "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}}
# what X answers to a reply to a tweet its author deleted meanwhile (POST /2/tweets)
X_DELETED = {"status": 403, "json_body": {
    "detail": "You attempted to reply to a Tweet that is deleted or not visible to you.",
    "type": "about:blank", "title": "Forbidden", "status": 403}}


@tagged("post_install", "-at_install")
class TestSequences(ArrivalCase):
    def reply(self, ticket, text, user=None):
        user = user or self.agent
        action = ticket.with_user(user).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(user).browse(action["res_id"])
        wizard.text = text
        wizard.action_send()
        return ticket.social_reply_ids.sorted("id")[-1]

    def customer(self, ext="cust"):
        return self.make_author(f"id-{ext}", f"kunde_{ext}", "Klara Kundin")

    def closed_stage(self):
        return self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def notifications(self):
        """Patch the bus: the sticky notifications sent, as (user, title)."""
        sent = []
        Users = type(self.env["res.users"])
        original = Users._bus_send

        def record(users, notification_type, message, /, *, subchannel=None):
            if notification_type == "simple_notification":
                sent.extend((user, message.get("title")) for user in users)
            return original(users, notification_type, message, subchannel=subchannel)

        self.startPatcher(patch.object(Users, "_bus_send", record))
        return sent

    # --- 1. one customer, several complaints ----------------------------------------------------
    def test_three_complaints_in_one_conversation_then_a_new_one_a_week_later(self):
        author = self.customer("three")
        first = self.ingest(self.complaint("s1-1", author=author, conversation_external_id="c3",
                                           minutes_ago=WEEK + 30))
        ticket = first.ticket_id
        self.assertTrue(ticket)
        more = self.ingest(
            self.complaint("s1-2", author=author, conversation_external_id="c3",
                           minutes_ago=WEEK + 20, text=GRUMBLE + " Hallo?!"),
            self.complaint("s1-3", author=author, conversation_external_id="c3",
                           minutes_ago=WEEK + 10, text=GRUMBLE + " Immer noch nichts!"),
        )
        self.assertEqual(more.ticket_id, ticket, "one ticket per conversation")
        self.assertEqual(ticket.social_post_count, 3)
        self.assertEqual(ticket.social_post_id, first, "the first post stays the opener")
        follow_ups = ticket.message_ids.filtered(
            lambda m: "Immer noch nichts" in (m.body or "") or "Hallo?!" in (m.body or ""))
        self.assertEqual(len(follow_ups), 2)
        # a week later, a new conversation: a new ticket for the same contact
        later = self.ingest(self.complaint("s1-4", author=author, conversation_external_id="c4",
                                           minutes_ago=1))
        self.assertTrue(later.ticket_id)
        self.assertNotEqual(later.ticket_id, ticket)
        self.assertEqual(later.ticket_id.partner_id, ticket.partner_id)
        self.assertTrue(ticket.partner_id)

    def test_the_critic_complains_then_mocks_with_an_eye_roll(self):
        """Probe (served demo, X webhook): the stranger with 10,000 followers complained,
        then, a minute later in a new tweet, "Wirklich toll, wie schnell ihr antwortet. Ganz
        großes Kino. 🙄": read as praise, it stayed in the inbox beside his ticket. Mock
        praise with an eye roll is sarcasm: a complaint that joins his ticket (one ticket,
        one owner, one alert)."""
        self.online(self.agent)
        first = self.critic_post(ext="1990000000000000701", minutes_ago=2)
        ticket = first.ticket_id
        author = first.identity_id
        mock = self.ingest(self.complaint(
            "1990000000000000702", minutes_ago=1,
            author=self.make_author(author.external_id, author.handle, "Carl Critic",
                                    followers_count=10000),
            text="@acme Wirklich toll, wie schnell ihr antwortet. Ganz großes Kino. 🙄"))
        self.assertEqual(mock.complaint_label, "complaint")
        self.assertIn("sarcasm", mock.complaint_reasons)
        self.assertEqual(mock.ticket_id, ticket)
        self.assertEqual(len(self.channel_messages()), 1, "one alert")

    def test_customers_commenting_under_the_pages_post_get_a_ticket_each(self):
        """Probe (served demo, Meta webhook): Frieda complained in a comment under the page's
        post and got her ticket; Erwin, another customer, complained under the same post of
        the page and his comment went into Frieda's ticket (the page's post was taken for
        their conversation): answered already, his complaint waited for nobody. The page's
        post is no customer's conversation: each comment starts its own, a reply in a
        comment's thread joins it (as X replies under the brand's tweet)."""
        Event = self.env["social.crm.event"]
        now = int(fields.Datetime.now().timestamp())

        def deliver(payload):
            Event.browse(Event._store_events(
                self.facebook_source, connector_events.split_meta(payload), "push"))._process()

        frieda = {"id": "100000000000901", "name": "Frieda Fremd"}
        deliver(meta_comment(
            comment_id="102030405060_9401", created_time=now - 120, sender=frieda,
            message="Ihr habt mir zweimal abgebucht! Erstattet das sofort. Frechheit."))
        deliver(meta_comment(
            comment_id="102030405060_9402", created_time=now - 60,
            sender={"id": "100000000000902", "name": "Erwin Ernst"},
            message="Wo bleibt meine Erstattung? Zweite Woche ohne Antwort, unmöglich!"))
        first = self.Post.search([("external_id", "=", "102030405060_9401")])
        second = self.Post.search([("external_id", "=", "102030405060_9402")])
        self.assertTrue(first.ticket_id and second.ticket_id)
        self.assertNotEqual(first.ticket_id, second.ticket_id)
        self.assertEqual(second.ticket_id.partner_id.name, "Erwin Ernst")
        # Frieda again, in her comment's thread: her ticket
        again = meta_comment(
            comment_id="102030405060_9403", created_time=now - 30, sender=frieda,
            message="Und keiner meldet sich! Frechheit.")
        again["entry"][0]["changes"][0]["value"]["parent_id"] = "102030405060_9401"
        deliver(again)
        self.assertEqual(
            self.Post.search([("external_id", "=", "102030405060_9403")]).ticket_id,
            first.ticket_id)
        # the poll reads the page's own posts with their comments: the same
        polled = [
            self.complaint(
                ext, network="facebook", author=self.make_author(
                    author_id, author_id, name, network="facebook"),
                in_reply_to_external_id="102030405060_780",
                conversation_external_id="102030405060_780")
            for ext, author_id, name in (("102030405060_9501", "100000000000911", "Ada Alt"),
                                         ("102030405060_9502", "100000000000912", "Bo Brandt"))
        ]
        tickets = self.ingest(*polled, source=self.facebook_source).ticket_id
        self.assertEqual(len(tickets), 2)

    def test_customers_commenting_under_the_accounts_instagram_media_get_a_ticket_each(self):
        """As on Facebook (above): the Instagram webhook's comments name the account's own
        media (``media.id``, never stored) as their conversation, so every customer commenting
        under one photo of the brand went into the first customer's ticket. Each comment
        starts its own conversation, a reply in a comment's thread (``parent_id``) joins it.
        The deliveries are Meta's Instagram ``comments`` webhook (fixture), a minute apart."""
        self.team.social_network_ids |= self.env.ref("social_crm.network_instagram")
        source = self.env["social.crm.source"].create({
            "name": "Instagram account (test)",
            "network_id": self.env.ref("social_crm.network_instagram").id,
            "kind": "page", "account_id": "17841400000000777", "access_token": "ig-token",
        })
        Event = self.env["social.crm.event"]
        with file_open("social_crm/tests/data/instagram_comments_webhook.json") as fixture:
            deliveries = json.load(fixture)
        now = int(fields.Datetime.now().timestamp())
        for delivery in deliveries:
            for entry in delivery["entry"]:
                entry["time"] = now - 120 + (entry["time"] - 1764600000)
            Event.browse(Event._store_events(
                source, connector_events.split_meta(delivery), "push"))._process()
        posts = {p.external_id: p for p in self.Post.search(
            [("network_id.code", "=", "instagram")])}
        first, second, again = (posts[ext] for ext in (
            "18100000000009401", "18100000000009402", "18100000000009403"))
        self.assertTrue(first.ticket_id and second.ticket_id)
        self.assertNotEqual(first.ticket_id, second.ticket_id)
        self.assertEqual(second.ticket_id.partner_id.name, "erwin.ernst")
        # Frieda again, in her comment's thread: her ticket
        self.assertEqual(again.ticket_id, first.ticket_id)
        # the same comments in one delivery (Meta batches changes): the same threads
        batch = [
            self.complaint(
                ext, network="instagram", author=self.make_author(
                    author_id, author_id, author_id, network="instagram"),
                in_reply_to_external_id=parent or "18000000000000888",
                conversation_external_id="18000000000000888")
            for ext, author_id, parent in (
                ("18100000000009501", "17841400000000911", None),
                ("18100000000009502", "17841400000000912", None),
                ("18100000000009503", "17841400000000911", "18100000000009501"))
        ]
        result = self.ingest(*batch, source=source)
        by_ext = {p.external_id: p for p in result}
        self.assertNotEqual(by_ext["18100000000009501"].ticket_id,
                            by_ext["18100000000009502"].ticket_id)
        self.assertEqual(by_ext["18100000000009503"].ticket_id,
                         by_ext["18100000000009501"].ticket_id)

    def test_the_same_critic_an_hour_later_joins_the_open_ticket(self):
        """Probe: the critic complained, and an hour later complained again in a new tweet
        (not a reply): a second ticket opened while the first was open (only a burst within
        10 minutes joined). While the author's ticket is open and their last post on it is
        less than 24 hours old, a new complaint of theirs on the same network joins it with a
        note (the priority rises when the new post is worse); the replies under the new
        tweet follow it. A closed ticket never reopens silently: a new conversation then opens
        a new ticket, as does a complaint a day after the author's last post."""
        self.online(self.agent)
        author = self.make_author("1990000000000070001", "kritiker", "Karl Kritiker",
                                  followers_count=120)
        first = self.ingest(self.complaint(
            "1990000000000070101", author=author, minutes_ago=65,
            conversation_external_id="1990000000000070101"))
        ticket = first.ticket_id
        self.assertTrue(ticket)
        # the agent lowered it meanwhile: the new complaint is worse than that
        ticket.with_user(self.agent).priority = "0"
        again = self.ingest(self.complaint(
            "1990000000000070102", author=author, minutes_ago=2,
            conversation_external_id="1990000000000070102",
            text="@acme Immer noch kein Router, eine Stunde später. Unverschämt!"))
        self.assertEqual(again.ticket_id, ticket)
        self.assertEqual(self.Ticket.search_count(
            [("social_identity_id", "=", first.identity_id.id)]), 1)
        notes = " ".join(ticket.message_ids.mapped("body"))
        self.assertIn("Karl Kritiker complained again on X (Twitter) in a new post while this "
                      "ticket is open", notes)
        self.assertIn("Priority raised", notes)
        self.assertGreater(int(ticket.priority), 0)
        # a customer replies under the new tweet: the same ticket (its conversation joined it)
        fan = self.ingest(self.complaint(
            "1990000000000070103", minutes_ago=1,
            author=self.make_author("1990000000000070002", "fan", "Fan Fanatic"),
            in_reply_to_external_id="1990000000000070102",
            conversation_external_id="1990000000000070102",
            text="@kritiker @acme Bei mir genauso, Router kaputt, keiner antwortet!"))
        self.assertEqual(fan.ticket_id, ticket)
        # closed: the critic's next complaint opens a new ticket, the closed one stays closed
        ticket.with_user(self.agent).write({"stage_id": self.closed_stage().id})
        later = self.ingest(self.complaint(
            "1990000000000070104", author=author, minutes_ago=0,
            conversation_external_id="1990000000000070104"))
        self.assertNotEqual(later.ticket_id, ticket)
        self.assertTrue(ticket.closed)
        # a day after the author's last post on the open ticket: a new ticket
        with freeze_time(fields.Datetime.now() + dt.timedelta(hours=25)):
            next_day = self.ingest(self.complaint(
                "1990000000000070105", author=author, minutes_ago=0,
                conversation_external_id="1990000000000070105"))
        self.assertNotEqual(next_day.ticket_id, later.ticket_id)
        self.assertNotEqual(next_day.ticket_id, ticket)

    def test_complaint_in_a_closed_conversation_reopens_its_ticket(self):
        author = self.customer("closed")
        post = self.ingest(self.complaint("s1-c1", author=author, conversation_external_id="cc",
                                          minutes_ago=120))
        ticket = post.ticket_id
        ticket.with_user(self.agent).write({"stage_id": self.closed_stage().id})
        self.assertTrue(ticket.closed)
        # a thank-you in the closed conversation: noted, the ticket stays closed
        thanks = self.ingest(self.make_post(
            "s1-c2", author, text="@acme Danke, jetzt klappt alles wieder! Super Service.",
            lang="de", conversation_external_id="cc", minutes_ago=60))
        self.assertEqual(thanks.ticket_id, ticket)
        self.assertTrue(ticket.closed, "a thank-you reopens nothing")
        # a new complaint in the same conversation: the ticket is open again, and says why
        again = self.ingest(self.complaint("s1-c3", author=author, conversation_external_id="cc",
                                           text=GRUMBLE + " Schon wieder!", minutes_ago=1))
        self.assertEqual(again.ticket_id, ticket)
        self.assertFalse(ticket.closed, "a complaint in a closed conversation reopens it")
        self.assertTrue(ticket.user_id, "someone owns the reopened ticket")
        self.assertTrue(ticket.message_ids.filtered(lambda m: "Reopened" in (m.body or "")))
        self.assertEqual(
            self.Ticket.search_count([("social_conversation_key", "=", "cc")]), 1)
        # the customer's previous ticket closed, a complaint in a new conversation: a new one
        ticket.write({"stage_id": self.closed_stage().id})
        new = self.ingest(self.complaint("s1-c4", author=author, conversation_external_id="cd"))
        self.assertNotEqual(new.ticket_id, ticket)
        self.assertFalse(new.ticket_id.closed)
        self.assertTrue(ticket.closed)
        # an archived ticket: a complaint of its conversation brings it back, never lost
        archived = new.ticket_id
        archived.with_user(self.agent).action_archive()
        back = self.ingest(self.complaint("s1-c5", author=author, conversation_external_id="cd",
                                          text=GRUMBLE + " Hallo?"))
        self.assertEqual(back.ticket_id, archived)
        self.assertTrue(archived.active)
        self.assertFalse(archived.closed)
        # bank data in a closed conversation reopens it too
        ticket.write({"stage_id": self.closed_stage().id})
        self.ingest(self.make_post(
            "s1-c6", author, lang="de", conversation_external_id="cc",
            text="@acme Hier meine IBAN für die Erstattung: DE89 3704 0044 0532 0130 00"))
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.priority, "3")
        # an agent converts a question of a closed conversation: the ticket opens for it
        ticket.write({"stage_id": self.closed_stage().id})
        question = self.ingest(self.make_post(
            "s1-c7", author, lang="de", conversation_external_id="cc",
            text="@acme Kann ich den Router auch selbst zurücksetzen?"))
        self.assertEqual(question.ticket_id, ticket)
        self.assertTrue(ticket.closed, "a question reopens nothing by itself")
        action = self.Post.browse(question.id).with_user(self.agent).action_convert_to_ticket()
        self.assertEqual(action["res_id"], ticket.id)
        self.assertFalse(ticket.closed, "the agent asked for a ticket: it is open again")

    # --- 2. tickets and teams gone ----------------------------------------------------------
    def test_deleted_ticket_then_more_posts_of_its_conversation(self):
        author = self.customer("del")
        post = self.ingest(self.complaint("s2-d1", author=author, conversation_external_id="cdel",
                                          minutes_ago=30))
        post.ticket_id.sudo().unlink()
        self.assertFalse(post.ticket_id)
        # a plain remark of the conversation opens nothing and fails nothing
        remark = self.ingest(self.make_post("s2-d2", author, text="@acme ok", lang="de",
                                            conversation_external_id="cdel", minutes_ago=20))
        self.assertFalse(remark.ticket_id)
        # a new complaint of the conversation opens a new ticket
        again = self.ingest(self.complaint("s2-d3", author=author,
                                           conversation_external_id="cdel", minutes_ago=1))
        self.assertTrue(again.ticket_id)
        self.assertEqual(again.ticket_id.social_conversation_key, "cdel")

    def test_archived_team_then_more_posts_of_its_conversation(self):
        author = self.customer("arch")
        post = self.ingest(self.complaint("s2-a1", author=author, conversation_external_id="carch",
                                          minutes_ago=30))
        ticket = post.ticket_id
        old_team = ticket.team_id
        new_team = self.team.copy({"name": "Social Care New", "sequence": 1})
        old_team.active = False
        more = self.ingest(self.complaint("s2-a2", author=author, conversation_external_id="carch",
                                          text=GRUMBLE + " Hallo?", minutes_ago=1))
        self.assertEqual(more.ticket_id, ticket, "the conversation keeps its ticket")
        self.assertEqual(ticket.team_id, new_team, "moved to a team that still works")
        self.assertTrue(ticket.user_id.active)
        # a brand-new complaint goes to the working team
        fresh = self.ingest(self.complaint("s2-a3"))
        self.assertEqual(fresh.ticket_id.team_id, new_team)

    def test_archived_team_then_an_edit_makes_a_neutral_post_a_complaint(self):
        """The conversation's ticket is open in a team since archived; the customer edits an
        earlier neutral post of it into a complaint: the ticket moves to a team that still
        works and gets an active owner there, as when the customer writes again."""
        author = self.customer("arch-edit")
        post = self.ingest(self.complaint("s2-e1", author=author, conversation_external_id="cae",
                                          minutes_ago=30))
        ticket = post.ticket_id
        neutral = self.ingest(self.make_post(
            "s2-e2", author, text="@acme Ich habe die Seriennummer nachgeschaut: 4711.",
            lang="de", conversation_external_id="cae", minutes_ago=20))
        self.assertEqual(neutral.ticket_id, ticket)
        self.assertNotEqual(neutral.complaint_label, "complaint")
        new_team = self.team.copy({"name": "Social Care New", "sequence": 1})
        self.team.active = False
        edited = self.make_post(
            "s2-e2", author, text=GRUMBLE + " Immer noch kaputt!", lang="de",
            conversation_external_id="cae", minutes_ago=20,
            edited_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        self.ingest(edited)
        self.assertEqual(neutral.complaint_label, "complaint")
        self.assertEqual(ticket.team_id, new_team, "moved to a team that still works")
        self.assertTrue(ticket.user_id.active)
        self.assertIn(ticket.user_id, new_team.user_ids | new_team.user_id)
        self.assertIn("Moved from the archived team", " ".join(ticket.message_ids.mapped("body")))

    def test_all_members_left_when_an_influencer_complains(self):
        sent = self.notifications()
        (self.agent | self.bert | self.cleo).sudo().action_archive()
        ticket = self.critic_post(ext="gone-1").ticket_id
        self.assertTrue(ticket.social_alerted_at)
        self.assertEqual(ticket.user_id, self.leader, "the team leader owns it")
        self.assertIn((self.leader, f"Social alert: {ticket.display_name}"), sent)
        channel = self.team.social_alert_channel_id
        self.assertIn(self.leader.partner_id, channel.channel_member_ids.partner_id)
        # the leader left too: a helpdesk manager owns it, never OdooBot
        self.leader.sudo().action_archive()
        ticket = self.critic_post(ext="gone-2").ticket_id
        owner = ticket.user_id
        self.assertTrue(owner)
        self.assertNotEqual(owner, self.odoobot)
        self.assertTrue(owner.active)
        self.assertTrue(owner.has_group("helpdesk_mgmt.group_helpdesk_manager"))
        self.assertIn((owner, f"Social alert: {ticket.display_name}"), sent)
        self.assertIn(owner.partner_id, channel.channel_member_ids.partner_id)
        self.assertIn(f"Owner: {owner.name}", self.channel_messages()[:1].body)

    def test_owner_and_leader_left_while_the_ticket_is_open(self):
        self.online(self.agent, self.bert)
        ticket = self.ingest(self.complaint("s2-o1", conversation_external_id="co",
                                            minutes_ago=50)).ticket_id
        owner = ticket.user_id
        self.assertTrue(owner)
        (owner | self.leader).sudo().action_archive()
        # the escalation's to-do goes to someone active, never to who left
        now = fields.Datetime.now()
        ticket.sudo()._social_escalate(now)
        todo_users = ticket.activity_ids.user_id
        self.assertTrue(todo_users)
        self.assertTrue(all(todo_users.mapped("active")))
        # the customer writes again: the ticket goes to a member still on duty
        self.ingest(self.make_post("s2-o2", self.make_author("a-s2-o1", "user_s2-o1"),
                                   text="@acme Hallo?", lang="de", conversation_external_id="co"))
        self.assertTrue(ticket.user_id)
        self.assertTrue(ticket.user_id.active)
        self.assertIn(ticket.user_id, self.agent | self.bert)

    def test_influencer_complains_again_after_the_ticket_was_closed(self):
        sent = self.notifications()
        post = self.critic_post(ext="again-1", minutes_ago=30)
        ticket = post.ticket_id
        self.assertTrue(ticket.social_alerted_at)
        alerts = len(self.channel_messages())
        ticket.write({"stage_id": self.closed_stage().id})
        author = self.make_author("critic-again-1", "critic_again-1", "Carl Critic",
                                  followers_count=10000, listed_count=120, verified=True)
        self.ingest(self.complaint("again-2", author=author, text=GRUMBLE + " Schon wieder!",
                                   conversation_external_id=post.external_id))
        self.assertFalse(ticket.closed)
        self.assertEqual(len(self.channel_messages()), alerts + 1, "the team is alerted again")
        self.assertTrue([title for _user, title in sent if "reopened" in (title or "")])

    def test_company_without_social_team(self):
        source = self.env["social.crm.source"].create({
            "name": "X of the other company", "network_id": self.x.id, "kind": "mentions",
            "company_id": self.other_company.id, "account_id": "1", "api_key": "ck",
            "api_secret": "cs", "access_token": "at", "access_token_secret": "ats"})
        post = self.ingest(self.complaint("s2-nt1"), source=source)
        self.assertEqual(post.company_id, self.other_company)
        self.assertEqual(post.complaint_label, "complaint")
        self.assertFalse(post.ticket_id, "no team takes it: it waits in the Social Inbox")
        self.assertEqual(post.state, "new")
        # an agent of that company opens the ticket by hand
        admin = self.env.ref("base.user_admin")
        admin.sudo().company_ids = [(4, self.other_company.id)]
        post.with_user(admin).with_context(
            allowed_company_ids=[self.other_company.id]).action_convert_to_ticket()
        self.assertTrue(post.ticket_id)
        self.assertEqual(post.ticket_id.company_id, self.other_company)

    # --- 3. replies that fail, then work --------------------------------------------------------
    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_revoked_token_then_fixed_then_retried_is_one_reply(self):
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            post = self.ingest(self.complaint("1990000000000007001", minutes_ago=0))
            ticket = post.ticket_id
        self.net.add("POST", X_TWEETS, **X_UNAUTHORIZED)
        with freeze_time(t0 + dt.timedelta(minutes=5)):
            reply = self.reply(ticket, "@user_1990000000000007001 Sorry, wir kümmern uns!")
            self.run_sender()
        self.assertEqual(reply.state, "failed")
        self.assertFalse(ticket.social_first_reply_at)
        # a manager renews the token, the agent retries; the manager also retries the
        # failed item in the outbox list: still one reply on the network
        self.x_source.sudo().write({"access_token": "at-renewed"})
        self.net.routes.clear()
        self.net.add("POST", X_TWEETS, status=201,
                     json_body={"data": {"id": "1990000000000007999", "text": reply.text}})
        with freeze_time(t0 + dt.timedelta(minutes=30)):
            reply.with_user(self.agent).action_retry()
            failed_items = self.env["social.crm.outbox"].search(
                [("post_id", "=", post.id), ("state", "=", "failed")])
            failed_items._retry()
            self.run_sender()
            self.run_sender()
        posted = [r for r, _kw in self.net.requests if r.method == "POST"]
        self.assertEqual(len(posted), 2, "one refused, one published")
        self.assertEqual(reply.state, "sent")
        self.assertEqual(len(ticket.social_reply_ids), 1)
        self.assertEqual(ticket.social_first_reply_at, t0 + dt.timedelta(minutes=30))
        self.assertTrue(ticket.social_deadline_met, "30 minutes of 60")
        self.assertEqual(ticket.social_deadline_state, "met")

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_customer_deleted_the_post_before_the_reply(self):
        post = self.ingest(self.complaint("1990000000000007002", minutes_ago=1))
        ticket = post.ticket_id
        self.net.add("POST", X_TWEETS, **X_DELETED)
        reply = self.reply(ticket, "@user Sorry!")
        self.run_sender()
        self.assertEqual(reply.state, "failed")
        self.assertIn("deleted", reply.error_message)
        self.assertNotIn("access token", reply.error_message)
        self.assertNotIn("credentials", reply.error_message)
        self.assertFalse(ticket.social_first_reply_at)
        self.run_sender()
        self.assertEqual(len(self.net.requests), 1, "never retried by itself")
        # Mastodon answers 404 for a status deleted meanwhile
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        masto = self.ingest(
            self.complaint("555000000000007003", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        self.net.add("POST", MASTODON_STATUSES, status=404, json_body={
            "error": "The post you are trying to reply to does not appear to exist."})
        reply = self.reply(masto.ticket_id, "@emily@fosstodon.org Sorry!")
        self.run_sender()
        self.assertEqual(reply.state, "failed")
        self.assertIn("deleted", reply.error_message)
        self.assertFalse(masto.ticket_id.social_first_reply_at)
        # Facebook: the comment is gone (Graph error 100, subcode 33)
        author = self.make_author("100000000000889", "olivia.green.uk", "Olivia Green",
                                  network="facebook")
        comment = "102030405060_900801777"
        fb = self.ingest(
            self.complaint(comment, author=author, network="facebook", lang="en",
                           text="I was charged twice. Not acceptable, refund now!"),
            source=self.facebook_source,
        )
        self.net.add("POST", f"https://graph.facebook.com/v23.0/{comment}/comments", status=400,
                     json_body={"error": {
                         "message": f"Unsupported post request. Object with ID '{comment}' does "
                         "not exist, cannot be loaded due to missing permissions, or does not "
                         "support this operation. Please read the Graph API documentation at "
                         "https://developers.facebook.com/docs/graph-api",
                         "type": "GraphMethodException", "code": 100, "error_subcode": 33,
                         "fbtrace_id": "AbCdEf123"}})
        reply = self.reply(fb.ticket_id, "Sorry Olivia!")
        self.run_sender()
        self.assertEqual(reply.state, "failed")
        self.assertIn("no longer on Facebook", reply.error_message)
        # hiding it: nothing left to hide, the ticket says so
        gone = self.net.routes[("POST", f"graph.facebook.com/v23.0/{comment}/comments")][0]
        self.net.add("POST", f"https://graph.facebook.com/v23.0/{comment}", status=400,
                     json_body=gone[1])
        fb.ticket_id.with_user(self.agent).action_social_hide()
        self.run_sender()
        self.assertFalse(fb.social_hidden)
        self.assertTrue(fb.ticket_id.message_ids.filtered(
            lambda m: "Nothing is left to hide" in (m.body or "")))

    # --- 4. privacy, card numbers, languages ----------------------------------------------------
    def test_author_erased_while_the_ticket_is_open(self):
        author = self.customer("gdpr")
        post = self.ingest(self.complaint("s4-e1", author=author, conversation_external_id="cgdpr",
                                          minutes_ago=1))
        ticket = post.ticket_id
        partner = post.partner_id
        self.assertTrue(partner)
        partner.sudo()._social_erase()
        self.assertFalse(post.exists())
        self.assertTrue(ticket.exists())
        self.assertNotIn("Router", ticket.name)
        self.assertFalse(ticket.social_waiting_deadline, "nothing left to answer publicly")
        # the escalation never nags about a ticket nobody can answer publicly
        later = fields.Datetime.now() + dt.timedelta(hours=3)
        self.assertNotIn(ticket, self.Ticket.sudo().search(
            self.Ticket._social_escalation_domain(later)))
        # the reply button says why there is nothing to answer publicly
        with self.assertRaisesRegex(UserError, "no longer stored"):
            ticket.with_user(self.agent).action_social_reply()
        # KPIs: the ticket is counted once, without a negative duration
        rows = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(rows), 1)

    def test_complaint_of_a_deleted_or_suspended_account(self):
        """The network sends the post without its author (deleted or suspended account)."""
        post = self.ingest(self.make_post("s4-noauthor", None, text=GRUMBLE, lang="de"))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(ticket.partner_id)
        self.assertIn("Unknown author", ticket.name)
        self.assertTrue(ticket.user_id or ticket.social_owner)
        rows = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(rows), 1)

    def test_post_that_is_only_a_card_number(self):
        sent = self.notifications()
        post = self.ingest(self.make_post(
            "s4-card", self.customer("card"), text="4111 1111 1111 1111", lang="de"))
        self.assertTrue(post.has_sensitive_data)
        self.assertNotIn("4111", post.text or "")
        self.assertIn("card", post.pii_kinds)
        # not a complaint, but card data in public: someone is told
        self.assertTrue(post.ticket_id, "card data in a public post reaches the team")
        self.assertEqual(post.ticket_id.priority, "3")
        self.assertTrue(post.ticket_id.social_alerted_at)
        self.assertTrue(sent)

    def test_complaints_in_french_and_turkish(self):
        """The classifier reads German and English only: a French or Turkish complaint is no
        automatic ticket; it waits in the Social Inbox, an agent converts it by hand, and the
        ticket keeps the customer's words intact."""
        posts = self.ingest(
            self.complaint("s4-fr", lang="fr", text="@acme Mon routeur est en panne depuis "
                           "lundi et personne ne répond. C'est inadmissible, remboursez-moi !"),
            self.complaint("s4-tr", lang="tr", text="@acme Modemim pazartesiden beri bozuk ve "
                           "kimse cevap vermiyor. Rezalet, paramı geri istiyorum!"),
        )
        self.assertEqual(len(posts), 2)
        self.assertFalse(posts.ticket_id)
        self.assertEqual(set(posts.mapped("state")), {"new"})
        posts.with_user(self.agent).action_convert_to_ticket()
        self.assertEqual(len(posts.ticket_id), 2)
        for post in posts:
            self.assertEqual(post.ticket_id.team_id, self.team, "the company's default team")
            self.assertIn(post.text.split()[1], post.ticket_id.name)
        self.assertIn("paramı", posts[1].ticket_id.name + str(posts[1].ticket_id.description))

    # --- 6. what the models suggest ------------------------------------------------------------
    def test_the_brands_older_post_fetched_late_is_no_reaction(self):
        thread = "1990000000000007100"
        post = self.ingest(self.complaint("1990000000000007101", conversation_external_id=thread,
                                          in_reply_to_external_id=thread, minutes_ago=10))
        ticket = post.ticket_id
        own = self.make_author("1440000000000000000", "acme_support", "ACME Support")
        # the brand's post that started the thread arrives with a later page of the source
        self.ingest(self.make_post(thread, own, text="Unser neuer Router ist da!", lang="de",
                                   conversation_external_id=thread, minutes_ago=120))
        self.assertFalse(ticket.social_first_reply_at, "written before the complaint")
        self.assertEqual(ticket.social_deadline_state, "pending")
        answer = self.ingest(self.make_post(
            "1990000000000007102", own, text="@user Sorry, wir melden uns per DM.", lang="de",
            conversation_external_id=thread, in_reply_to_external_id=post.external_id,
            minutes_ago=2))
        self.assertEqual(ticket.social_first_reply_at, answer.posted_at)
        self.assertEqual(ticket.social_first_reply_channel, "network_app")

    def test_ticket_marked_as_duplicate_then_its_conversation_goes_on(self):
        author = self.customer("dup")
        # a day apart: the second complaint opens its own ticket (within 24 hours of the
        # author's last post it would join the open one)
        first = self.ingest(self.complaint("s6-d1", author=author, conversation_external_id="cd1",
                                           minutes_ago=26 * 60)).ticket_id
        second = self.ingest(self.complaint("s6-d2", author=author, conversation_external_id="cd2",
                                            minutes_ago=20)).ticket_id
        self.assertNotEqual(first, second)
        # the agent marks the second as a duplicate of the first (helpdesk_mgmt's wizard)
        wizard = self.env["helpdesk.ticket.duplicate.wizard"].with_user(self.agent).create({
            "ticket_id": second.id, "duplicate_of_id": first.id,
            "target_stage_id": self.closed_stage().id})
        wizard.action_confirm()
        self.assertTrue(second.closed)
        # the customer goes on in the second conversation: the original ticket gets it
        later = self.ingest(self.complaint("s6-d3", author=author, conversation_external_id="cd2",
                                           text=GRUMBLE + " Hallo?", minutes_ago=1))
        self.assertEqual(later.ticket_id, first)
        self.assertTrue(second.closed, "the duplicate stays closed")
        # KPIs: one complaint, one ticket
        Report = self.env["social.crm.helpdesk.report"]
        rows = Report.search([("ticket_id", "in", (first | second).ids)])
        self.assertEqual(rows.ticket_id, first, "a duplicate is not counted twice")

    # --- 5. KPIs after the sequences ------------------------------------------------------------
    def test_kpis_after_reopening_and_clock_skew(self):
        author = self.customer("kpi")
        # the network's clock is two minutes ahead of ours
        post = self.ingest(self.complaint("s5-1", author=author, conversation_external_id="ck",
                                          minutes_ago=-2))
        ticket = post.ticket_id
        ticket._social_record_reaction(fields.Datetime.now(), "odoo")
        ticket.write({"stage_id": self.closed_stage().id})
        self.ingest(self.complaint("s5-2", author=author, conversation_external_id="ck",
                                   text=GRUMBLE + " Schon wieder!"))
        self.assertFalse(ticket.closed)
        ticket.write({"stage_id": self.closed_stage().id})
        Report = self.env["social.crm.helpdesk.report"]
        rows = Report.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(rows), 1, "a reopened ticket is counted once")
        self.assertGreaterEqual(rows.reaction_minutes, 0)
        self.assertGreaterEqual(rows.detection_minutes, 0)
        kpi = Report._social_kpi_summary([("ticket_id", "=", ticket.id)])
        self.assertEqual(kpi["tickets"], 1)
        self.assertEqual(kpi["closed"], 1)
        self.assertGreaterEqual(kpi["reaction_median"], 0)
        self.assertNotIn("-", ticket.social_deadline_label)
