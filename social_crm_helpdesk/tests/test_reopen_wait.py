# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A ticket answered, closed, then reopened by a new complaint of its author waits again: a new
deadline by the author's tier, its own escalations by the cron, ended by the next public reply;
the first complaint's first-response figures stay as they were. Posts enter by
``_ingest_posts``, the company's answers are its own account's posts in the conversation (the
network's app) or replies sent from Odoo through the outbox."""

import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.social_crm.connectors import x
from odoo.tests import tagged

from .common import ArrivalCase

GRUMBLE = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
X_TWEETS = "https://api.twitter.com/2/tweets"
COMPANY_ACCOUNT = "1440000000000000000"  # the X source's account: the company's own posts


@tagged("post_install", "-at_install")
class TestReopenWait(ArrivalCase):
    def own(self):
        return self.make_author(COMPANY_ACCOUNT, "acme_support", "ACME Support")

    def run_escalation_cron(self):
        """The escalation cron's job as the cron runs it (its commits not done)."""
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.env["helpdesk.ticket"]._cron_social_escalate()
        self.env.invalidate_all()

    def leader_todos(self, ticket):
        return ticket.activity_ids.filtered(lambda a: a.user_id == self.leader)

    def answered_and_closed(self, ext, author=None, conversation=None):
        """A complaint two days ago, answered after 10 minutes in the network's app, closed."""
        conversation = conversation or f"conv-{ext}"
        author = author or self.make_author(f"id-{ext}", f"kunde_{ext}", "Klara Kundin")
        post = self.ingest(self.complaint(f"{ext}1", author=author, minutes_ago=2 * 24 * 60,
                                          conversation_external_id=conversation))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.ingest(self.make_post(
            f"{ext}2", self.own(), text="@kunde Sorry, wir melden uns per DM.", lang="de",
            conversation_external_id=conversation, in_reply_to_external_id=post.external_id,
            minutes_ago=2 * 24 * 60 - 10))
        self.assertEqual(ticket.social_first_reply_channel, "network_app")
        self.assertEqual(ticket.social_deadline_state, "met")
        ticket.with_user(self.agent).write(
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self.assertTrue(ticket.closed)
        return post, ticket, author, conversation

    def first_response_figures(self, ticket):
        row = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(row), 1)
        return (
            ticket.social_posted_at, ticket.social_response_deadline,
            ticket.social_escalate_at, ticket.social_first_reply_at,
            ticket.social_first_reply_channel, ticket.social_deadline_met,
            row.first_reply_at, row.reaction_minutes, row.deadline_met_rate,
        )

    def test_reopened_answered_ticket_waits_again_escalates_and_is_answered(self):
        self.team.social_assign_mode = "none"  # the leader's to-dos, whoever owns the ticket
        _post, ticket, author, conversation = self.answered_and_closed("rw-a")
        figures = self.first_response_figures(ticket)
        # the customer complains again in the same conversation
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            again = self.ingest(self.complaint(
                "rw-a3", author=author, conversation_external_id=conversation,
                text=GRUMBLE + " Schon wieder kaputt!", minutes_ago=0))
        self.assertEqual(again.ticket_id, ticket)
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.social_reopen_count, 1)
        # a new wait, with the deadline a new ticket of a regular author gets (60 minutes)
        self.assertEqual(ticket.social_wait_since, again.posted_at)
        self.assertEqual(ticket.social_wait_deadline, again.posted_at + dt.timedelta(minutes=60))
        self.assertFalse(ticket.social_wait_reply_at)
        self.assertEqual(ticket.social_waiting_deadline, ticket.social_wait_deadline)
        with freeze_time(t0 + dt.timedelta(minutes=1)):
            ticket.invalidate_recordset(["social_deadline_state", "social_deadline_label"])
            self.assertEqual(ticket.social_deadline_state, "pending")
            self.assertIn("Respond by", ticket.social_deadline_label)
            self.assertIn(ticket, self.Ticket.search(
                [("social_deadline_state", "=", "pending"), ("id", "=", ticket.id)]))
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "waits for an answer again" in (m.body or "")))
        # the first complaint's first-response figures are those of the first complaint
        self.assertEqual(self.first_response_figures(ticket), figures)
        # the cron: nothing before half time, the leader's to-do at half time, then missed
        with freeze_time(t0 + dt.timedelta(minutes=20)):
            self.run_escalation_cron()
        self.assertFalse(ticket.social_escalation)
        self.assertFalse(self.leader_todos(ticket))
        with freeze_time(t0 + dt.timedelta(minutes=31)):
            self.run_escalation_cron()
        self.assertEqual(ticket.social_escalation, "half")
        self.assertEqual(len(self.leader_todos(ticket)), 1)
        with freeze_time(t0 + dt.timedelta(minutes=61)):
            self.run_escalation_cron()
            self.assertEqual(ticket.social_escalation, "missed")
            self.assertEqual(len(self.leader_todos(ticket)), 2)
            ticket.invalidate_recordset(["social_deadline_state", "social_deadline_label"])
            self.assertEqual(ticket.social_deadline_state, "overdue")
            self.assertIn("Overdue since", ticket.social_deadline_label)
            self.assertIn(ticket, self.Ticket.search(
                [("social_deadline_state", "=", "overdue"), ("id", "=", ticket.id)]))
            self.run_escalation_cron()
            self.assertEqual(len(self.leader_todos(ticket)), 2, "each step once")
        # the company answers in the network's app: the wait ends (late), the list says so
        with freeze_time(t0 + dt.timedelta(minutes=70)):
            answer = self.ingest(self.make_post(
                "rw-a4", self.own(), text="@kunde Entschuldigung, ein Techniker kommt morgen.",
                lang="de", conversation_external_id=conversation,
                in_reply_to_external_id=again.external_id, minutes_ago=0))
            self.assertEqual(ticket.social_wait_reply_at, answer.posted_at)
            self.assertFalse(ticket.social_waiting_deadline)
            ticket.invalidate_recordset(["social_deadline_state", "social_deadline_label"])
            self.assertEqual(ticket.social_deadline_state, "late")
            self.assertIn("Answered in 70 min", ticket.social_deadline_label)
            self.assertIn(ticket, self.Ticket.search(
                [("social_deadline_state", "=", "late"), ("id", "=", ticket.id)]))
        with freeze_time(t0 + dt.timedelta(minutes=200)):
            self.run_escalation_cron()
        self.assertEqual(len(self.leader_todos(ticket)), 2, "answered: no more escalation")
        self.assertEqual(self.first_response_figures(ticket), figures)

    def test_reopened_influencer_ticket_answered_from_odoo(self):
        """An influencer's ticket gets the influencer's deadline again; a reply sent from Odoo
        ends the wait (in time); reopened twice, each wait is its own."""
        _post, ticket, author, conversation = self.answered_and_closed(
            "rw-b", author=self.ina())
        self.assertTrue(ticket.social_is_influencer)
        figures = self.first_response_figures(ticket)
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            again = self.ingest(self.complaint(
                "rw-b3", author=author, conversation_external_id=conversation,
                text=GRUMBLE + " Immer noch!", minutes_ago=0))
        self.assertEqual(again.ticket_id, ticket)
        self.assertEqual(ticket.social_wait_deadline, again.posted_at + dt.timedelta(minutes=15))
        self.assertEqual(ticket.social_wait_escalate_at,
                         again.posted_at + dt.timedelta(seconds=15 * 60 / 2))
        self.net.add("POST", X_TWEETS, status=201,
                     json_body={"data": {"id": "1990000000000008801", "text": "Sorry!"}})
        with freeze_time(t0 + dt.timedelta(minutes=10)):
            action = ticket.with_user(self.agent).action_social_reply()
            wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(
                action["res_id"])
            wizard.text = "@ina_influencer Sorry, wir rufen Sie gleich an."
            wizard.action_send()
            self.run_sender()
            ticket.invalidate_recordset(["social_deadline_state", "social_deadline_label"])
            self.assertEqual(ticket.social_wait_reply_at, t0 + dt.timedelta(minutes=10))
            self.assertTrue(ticket.social_wait_met)
            self.assertEqual(ticket.social_deadline_state, "met")
        self.assertEqual(self.first_response_figures(ticket), figures)
        # closed again, a third complaint: a third wait (and the second's reply is history)
        ticket.write({"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        with freeze_time(t0 + dt.timedelta(days=1)):
            third = self.ingest(self.complaint(
                "rw-b5", author=author, conversation_external_id=conversation,
                text=GRUMBLE + " Und wieder!", minutes_ago=0))
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.social_reopen_count, 2)
        self.assertEqual(ticket.social_wait_since, third.posted_at)
        self.assertFalse(ticket.social_wait_reply_at)
        self.assertEqual(self.first_response_figures(ticket), figures)

    def test_thank_you_neither_reopens_nor_restarts(self):
        _post, ticket, author, conversation = self.answered_and_closed("rw-c")
        before = (ticket.social_wait_since, ticket.social_wait_deadline,
                  ticket.social_wait_reply_at, ticket.social_escalation)
        thanks = self.ingest(self.make_post(
            "rw-c3", author, text="@acme Danke, jetzt klappt alles wieder! Super Service.",
            lang="de", conversation_external_id=conversation, minutes_ago=1))
        self.assertEqual(thanks.ticket_id, ticket)
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.social_reopen_count, 0)
        self.assertEqual((ticket.social_wait_since, ticket.social_wait_deadline,
                          ticket.social_wait_reply_at, ticket.social_escalation), before)
        self.assertEqual(ticket.social_deadline_state, "met")
        self.assertFalse(ticket.social_waiting_deadline)

    def test_reopened_before_any_answer_keeps_its_first_deadline(self):
        """Closed without an answer, then a new complaint: the customer still waits for the
        first answer, since the first complaint (no fresh deadline hides the delay)."""
        author = self.make_author("id-rw-d", "kunde_rw-d", "Klara Kundin")
        post = self.ingest(self.complaint("rw-d1", author=author, minutes_ago=300,
                                          conversation_external_id="conv-rw-d"))
        ticket = post.ticket_id
        deadline = ticket.social_response_deadline
        ticket.write({"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self.ingest(self.complaint("rw-d2", author=author, conversation_external_id="conv-rw-d",
                                   text=GRUMBLE + " Hallo?", minutes_ago=1))
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.social_reopen_count, 0)
        self.assertEqual(ticket.social_wait_deadline, deadline)
        self.assertEqual(ticket.social_deadline_state, "overdue")

    def test_open_answered_ticket_waits_again_on_a_new_complaint(self):
        """Answered but still open (the agent waits for the customer): the customer complains
        again in the conversation, so the ticket waits for an answer again (a new deadline,
        escalated by the cron); a thank-you, and a complaint written before the answer but
        fetched late, change nothing; the first-response figures stay."""
        self.team.social_assign_mode = "none"
        author = self.make_author("id-rw-e", "kunde_rw-e", "Klara Kundin")
        conversation = "conv-rw-e"
        first = self.ingest(self.complaint("rw-e1", author=author, minutes_ago=3 * 60,
                                           conversation_external_id=conversation))
        ticket = first.ticket_id
        self.ingest(self.make_post(
            "rw-e2", self.own(), text="@kunde Sorry, wir schauen uns das an.", lang="de",
            conversation_external_id=conversation, in_reply_to_external_id="rw-e1",
            minutes_ago=3 * 60 - 10))
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.social_deadline_state, "met")
        figures = self.first_response_figures(ticket)
        answered = (ticket.social_wait_since, ticket.social_wait_reply_at)
        # a complaint written before the answer, fetched late, and a thank-you: no new wait
        self.ingest(self.complaint("rw-e0", author=author, minutes_ago=3 * 60 - 5,
                                   conversation_external_id=conversation,
                                   text=GRUMBLE + " Hallo???"))
        self.ingest(self.make_post(
            "rw-e3", author, text="@acme Danke für die schnelle Antwort!", lang="de",
            conversation_external_id=conversation, minutes_ago=60))
        self.assertEqual((ticket.social_wait_since, ticket.social_wait_reply_at), answered)
        self.assertEqual(ticket.social_reopen_count, 0)
        # now a new complaint after the answer
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            again = self.ingest(self.complaint(
                "rw-e4", author=author, conversation_external_id=conversation,
                text=GRUMBLE + " Immer noch kaputt, niemand meldet sich!", minutes_ago=0))
        self.assertEqual(again.ticket_id, ticket)
        self.assertEqual(ticket.social_reopen_count, 1)
        self.assertEqual(ticket.social_wait_since, again.posted_at)
        self.assertEqual(ticket.social_wait_deadline, again.posted_at + dt.timedelta(minutes=60))
        self.assertFalse(ticket.social_wait_reply_at)
        self.assertEqual(ticket.social_waiting_deadline, ticket.social_wait_deadline)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "waits for an answer again" in (m.body or "")))
        self.assertEqual(self.first_response_figures(ticket), figures)
        with freeze_time(t0 + dt.timedelta(minutes=31)):
            self.run_escalation_cron()
        self.assertEqual(ticket.social_escalation, "half")
        self.assertEqual(len(self.leader_todos(ticket)), 1)


NEUTRAL = "@acme Der neue Router ist heute angekommen, ich schließe ihn heute Abend an."
ANGRY = ("@acme Der neue Router ist heute angekommen und funktioniert schon wieder nicht. "
         "Eine Frechheit, seit Tagen kein Internet!")
SOFT = "@acme Danke, der Techniker war da und alles läuft wieder super!"


@tagged("post_install", "-at_install")
class TestEditWaitsAgain(ArrivalCase):
    """An answered open ticket whose customer edits a post of its conversation into a
    complaint after the answer waits again, as for a new complaint (since the edit); an edit
    that softens, or that leaves a complaint a complaint, changes nothing. X payloads as the
    v2 API returns them: an edit is a new tweet whose ``edit_history_tweet_ids`` starts with
    the original."""

    def tweet(self, tweet_id, text, created, conversation, history=None, reply_to=None):
        tweet = {
            "id": tweet_id, "text": text, "author_id": "4242", "lang": "de",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": conversation,
            "edit_history_tweet_ids": history or [tweet_id],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                               "quote_count": 0},
        }
        if reply_to:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        answer = {
            "data": [tweet],
            "includes": {"users": [{"id": "4242", "name": "Karl Kunde", "username": "karl_k",
                                    "public_metrics": {"followers_count": 80}}]},
            "meta": {"result_count": 1, "newest_id": tweet_id},
        }
        return self.ingest(*x.parse_tweets(answer))

    def answer(self, ticket, when, reply_id):
        """The agent answers on X from the ticket; the outbox sends it at ``when``."""
        self.net.add("POST", X_TWEETS, status=201, json_body={
            "data": {"id": reply_id, "text": "@karl_k Sorry!",
                     "edit_history_tweet_ids": [reply_id]}})
        with freeze_time(when):
            action = ticket.with_user(self.agent).action_social_reply()
            wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(
                action["res_id"])
            # each answer in its own words: the same text twice in a day is refused
            wizard.text = f"@karl_k Sorry, wir melden uns per DM. (Ref. {reply_id[-3:]})"
            wizard.action_send()
            self.run_sender()
        self.assertEqual(ticket.social_wait_reply_at, when)

    def told(self):
        """The owners' notifications of tickets waiting again: [(user, ticket)]."""
        calls = []
        original = type(self.Ticket)._social_notify

        def notify(ticket, users, texts):
            # texts(ticket): (title, message) in the recipients' language
            if "waits again" in texts(ticket.with_context(lang="en_US"))[0]:
                calls.append((users, ticket))
            return original(ticket, users, texts)

        self.startPatcher(patch.object(type(self.Ticket), "_social_notify", notify))
        return calls

    def assert_waits_since(self, ticket, since, reopened):
        self.assertEqual(ticket.social_wait_since, since)
        self.assertEqual(ticket.social_wait_deadline, since + dt.timedelta(minutes=60))
        self.assertFalse(ticket.social_wait_reply_at)
        self.assertEqual(ticket.social_waiting_deadline, ticket.social_wait_deadline)
        self.assertEqual(ticket.social_reopen_count, reopened)

    def test_root_edited_into_a_complaint_after_the_answer(self):
        """The customer's first tweet of the thread (no complaint, no ticket) is edited into
        one after the answer: it joins the thread's ticket, which waits since the edit."""
        told = self.told()
        t0 = fields.Datetime.now().replace(microsecond=0)
        root_id, complaint_id = "1796000000000000001", "1796000000000000002"
        root = self.tweet(root_id, NEUTRAL, t0 - dt.timedelta(hours=3, minutes=5), root_id)
        complaint = self.tweet(complaint_id, GRUMBLE, t0 - dt.timedelta(hours=3), root_id,
                               reply_to=root_id)
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        self.assertFalse(root.ticket_id)
        self.answer(ticket, t0 - dt.timedelta(hours=2, minutes=50), "1796000000000000701")
        answered = ticket.social_wait_reply_at
        figures = (ticket.social_first_reply_at, ticket.social_deadline_met)
        # an hour ago the customer edits the first tweet (a new tweet id on X)
        edited = t0 - dt.timedelta(hours=1)
        self.assertEqual(self.tweet("1796000000000000009", ANGRY, edited, root_id,
                                    history=[root_id, "1796000000000000009"]), root)
        self.assertEqual(root.complaint_label, "complaint")
        self.assertEqual(root.posted_at, t0 - dt.timedelta(hours=3, minutes=5))
        self.assertEqual(root.ticket_id, ticket)
        self.assert_waits_since(ticket, edited, 1)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "waits for an answer again" in (m.body or "")))
        self.assertEqual([t for _u, t in told], [ticket])
        self.assertTrue(told[0][0])  # someone is told: the owner, else the team leader
        self.assertEqual((ticket.social_first_reply_at, ticket.social_deadline_met), figures)
        self.assertLess(answered, edited)
        # answered again; the complaint of before the first answer softened, the edited
        # first tweet edited again (a complaint already): nothing new to answer
        self.answer(ticket, t0 - dt.timedelta(minutes=50), "1796000000000000702")
        again = ticket.social_wait_reply_at
        self.tweet("1796000000000000019", SOFT, t0 - dt.timedelta(minutes=30), root_id,
                   history=[complaint_id, "1796000000000000019"], reply_to=root_id)
        self.assertNotEqual(complaint.complaint_label, "complaint")
        self.tweet("1796000000000000029", ANGRY + " Unfassbar!", t0 - dt.timedelta(minutes=20),
                   root_id, history=[root_id, "1796000000000000009", "1796000000000000029"])
        self.assertIn("Unfassbar", root.text)
        self.assertEqual(ticket.social_wait_reply_at, again)
        self.assertEqual(ticket.social_reopen_count, 1)
        self.assertEqual(len(told), 1)

    def test_reply_of_the_ticket_edited_into_a_complaint_after_the_answer(self):
        """A neutral reply the ticket gathered before the answer is edited into a complaint
        after it: the ticket waits since the edit. A complaint written after the next answer
        makes it wait as always; edited later (still a complaint), nothing new."""
        told = self.told()
        t0 = fields.Datetime.now().replace(microsecond=0)
        complaint_id, reply_id = "1797000000000000001", "1797000000000000002"
        complaint = self.tweet(complaint_id, GRUMBLE, t0 - dt.timedelta(hours=3), complaint_id)
        ticket = complaint.ticket_id
        self.assertTrue(ticket)
        reply = self.tweet(reply_id, NEUTRAL, t0 - dt.timedelta(hours=2, minutes=55),
                           complaint_id, reply_to=complaint_id)
        self.assertEqual(reply.ticket_id, ticket)
        self.answer(ticket, t0 - dt.timedelta(hours=2, minutes=50), "1797000000000000701")
        edited = t0 - dt.timedelta(hours=1)
        self.tweet("1797000000000000009", ANGRY, edited, complaint_id,
                   history=[reply_id, "1797000000000000009"], reply_to=complaint_id)
        self.assertEqual(reply.complaint_label, "complaint")
        self.assert_waits_since(ticket, edited, 1)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "waits for an answer again" in (m.body or "")))
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "edited the post" in (m.body or "")))
        self.assertEqual([t for _u, t in told], [ticket])
        # answered; a new complaint after the answer waits as always
        self.answer(ticket, t0 - dt.timedelta(minutes=50), "1797000000000000702")
        later = self.tweet("1797000000000000003", GRUMBLE + " Immer noch!",
                           t0 - dt.timedelta(minutes=40), complaint_id, reply_to=complaint_id)
        self.assert_waits_since(ticket, later.posted_at, 2)
        # answered; that complaint edited, still a complaint: nothing new to answer
        self.answer(ticket, t0 - dt.timedelta(minutes=30), "1797000000000000703")
        self.tweet("1797000000000000039", GRUMBLE + " Immer noch! Seit drei Tagen!",
                   t0 - dt.timedelta(minutes=10), complaint_id,
                   history=["1797000000000000003", "1797000000000000039"],
                   reply_to=complaint_id)
        self.assertIn("drei Tagen", later.text)
        self.assertEqual(ticket.social_wait_reply_at, t0 - dt.timedelta(minutes=30))
        self.assertEqual(ticket.social_reopen_count, 2)
        self.assertEqual(len(told), 2)

    def test_reply_of_a_closed_ticket_edited_into_a_complaint_reopens_it(self):
        """Answered and closed, then the customer's neutral reply of the ticket is edited into
        a complaint: the ticket reopens and waits since the edit, as for a new complaint."""
        t0 = fields.Datetime.now().replace(microsecond=0)
        complaint_id, reply_id = "1798000000000000001", "1798000000000000002"
        complaint = self.tweet(complaint_id, GRUMBLE, t0 - dt.timedelta(hours=3), complaint_id)
        ticket = complaint.ticket_id
        reply = self.tweet(reply_id, NEUTRAL, t0 - dt.timedelta(hours=2, minutes=55),
                           complaint_id, reply_to=complaint_id)
        self.assertEqual(reply.ticket_id, ticket)
        self.answer(ticket, t0 - dt.timedelta(hours=2, minutes=50), "1798000000000000701")
        ticket.with_user(self.agent).write(
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id})
        self.assertTrue(ticket.closed)
        edited = t0 - dt.timedelta(hours=1)
        self.tweet("1798000000000000009", ANGRY, edited, complaint_id,
                   history=[reply_id, "1798000000000000009"], reply_to=complaint_id)
        self.assertFalse(ticket.closed)
        self.assert_waits_since(ticket, edited, 1)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "Reopened" in (m.body or "")))
