# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Races between workers on the real database (see ``social_crm.tests.test_races``): two
transactions at once, the interleaving set by the test; what they commit is removed."""

import copy
import datetime as dt
import logging
from unittest.mock import patch

from odoo import api, fields
from odoo.addons.social_crm.connectors import x as x_connector
from odoo.addons.social_crm.connectors.events import RawEvent
from odoo.addons.social_crm.tests.test_intake_webhook import x_activity
from odoo.tests import TransactionCase, tagged

EVENT_LOG = "odoo.addons.social_crm.models.social_crm_event"
RECHECK_LOG = "odoo.addons.social_crm.models.social_crm_post_recheck"
OUTBOX_LOG = "odoo.addons.social_crm.models.social_crm_outbox"


def _reply(tweet_id, text, user_id, handle, parent):
    """An Account Activity delivery of a customer's reply to the tweet ``parent``."""
    payload = copy.deepcopy(x_activity(tweet_id, text))
    tweet = payload["tweet_create_events"][0]
    tweet["user"].update(id=int(user_id), id_str=user_id, screen_name=handle,
                         name=handle.title())
    tweet["in_reply_to_status_id_str"] = parent
    return payload


@tagged("post_install", "-at_install")
class TestTicketRaces(TransactionCase):
    def test_two_complaints_of_one_thread_stored_by_two_workers_at_once(self):
        """Probe (two real transactions): two customers complain under the same tweet; a
        webhook's event of the one is processed while a poll stores the other and commits
        (the conversation's ticket opened). The processing's snapshot cannot see that
        ticket: its own ticket of the conversation hit the one-ticket-per-conversation
        index, logged by odoo.sql_db at ERROR, and the complaint went to the quarantine
        ("storage"), in no ticket and not in the inbox, until a manager retried it. Now it is
        a race, said in one line: the event stays to process, and the next run (a new
        transaction) adds the complaint to the conversation's one ticket."""
        root, first, second = ("1865000000000006660", "1865000000000006661",
                               "1865000000000006662")
        poll_cr, event_cr = self.registry.cursor(), self.registry.cursor()
        poll_env = api.Environment(poll_cr, api.SUPERUSER_ID, {})
        event_env = api.Environment(event_cr, api.SUPERUSER_ID, {})
        last = {model: (poll_env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0)
            for model in ("res.partner", "social.crm.identity", "mail.message")}
        source = None
        try:
            source = poll_env["social.crm.source"].create({
                "name": "Race (push)", "network_id": poll_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
                "api_secret": "race-secret"})
            Post = poll_env["social.crm.post"]
            Post._ingest_posts(x_connector.parse_activity(_reply(
                root, "@acme_support hello there", "1460000000000006660", "rootposter",
                None)), source=source)
            payload = _reply(second, "@acme_support same here, the order never came, awful, "
                             "refund now", "1460000000000006662", "secondcustomer", root)
            [event_id] = poll_env["social.crm.event"]._store_events(
                source, [RawEvent("x_activity", f"x:tweet:{second}", payload)], "push")
            poll_cr.commit()
            # the processing begins (its snapshot is taken) ...
            event = event_env["social.crm.event"].browse(event_id)
            self.assertEqual(event.state, "new")
            # ... when a poll stores the other complaint, opens the ticket and commits
            Post._ingest_posts(x_connector.parse_activity(_reply(
                first, "@acme_support my order never came, terrible service, I want a refund",
                "1460000000000006661", "firstcustomer", root)), source=source)
            poll_cr.commit()
            ticket = Post.search([("external_id", "=", first)]).ticket_id
            self.assertTrue(ticket, "the demo's team opens a ticket for the complaint")
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                event._process()
            self.assertIn("a ticket of the same conversation was opened at the same time by "
                          "another worker: the posts join it in a new transaction",
                          logs.output[-1])
            self.assertEqual((event.state, event.attempts), ("new", 1))
            self.assertFalse(event_env["social.crm.quarantine"].search(
                [("source_id", "=", source.id)]))
            event_cr.commit()
            event_env.invalidate_all()
            event._process()  # the next run: a new transaction
            self.assertEqual((event.state, event.post_count), ("done", 1))
            event_cr.commit()
            posts = event_env["social.crm.post"].search([("source_id", "=", source.id)])
            self.assertEqual(len(posts), 3)
            self.assertEqual(
                posts.filtered(lambda p: p.external_id in (first, second)).ticket_id.ids,
                [ticket.id], "both complaints in the conversation's one ticket")
            self.assertEqual(event_env["helpdesk.ticket"].search_count(
                [("social_conversation_key", "=", root)]), 1)
        finally:
            event_cr.rollback()
            event_cr.close()
            poll_cr.rollback()
            if source:
                posts = poll_env["social.crm.post"].search([("source_id", "=", source.id)])
                poll_env["helpdesk.ticket"].with_context(active_test=False).search(
                    [("social_conversation_key", "=", root)]).unlink()
                posts.unlink()
                poll_env["social.crm.post.deleted"].search(
                    [("external_id", "like", "186500000000000666%")]).unlink()
                poll_env["social.crm.quarantine"].search([("source_id", "=", source.id)]).unlink()
                for model, last_id in last.items():
                    poll_env[model].with_context(active_test=False).search(
                        [("id", ">", last_id)]).unlink()
                source.unlink()
            poll_cr.commit()
            poll_cr.close()

    def test_an_agent_answers_while_the_recheck_finds_the_post_deleted(self):
        """Probe (two real transactions): the re-check job asks X about a complaint; while X
        answers that the tweet is gone, the agent sends a reply on its ticket and commits.
        The job's deletion of the post met the reply's outbox item, committed after its
        snapshot ("could not serialize access due to concurrent update", logged at ERROR):
        the job failed with a traceback. Now the job commits what it did and stores the
        answer again in a new transaction, said in one line: the post goes, the agent's
        reply is never sent (its outbox item cancelled, the reply says why)."""
        from odoo.addons.social_crm.tests.common import FakeNetwork

        tweet_id = "1865000000000006670"
        job_cr, agent_cr = self.registry.cursor(), self.registry.cursor()
        job_env = api.Environment(job_cr, api.SUPERUSER_ID, {})
        agent_env = api.Environment(agent_cr, api.SUPERUSER_ID, {})
        last = {model: (job_env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0)
            for model in ("res.partner", "social.crm.identity", "mail.message",
                          "social.crm.outbox", "social.crm.reply")}
        source = ticket = None
        try:
            source = job_env["social.crm.source"].create({
                "name": "Race (re-check)", "network_id": job_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000",
                "bearer_token": "race-bearer", "api_key": "ck", "api_secret": "cs",
                "access_token": "at", "access_token_secret": "ats", "recheck_posts": True})
            result = job_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(
                _reply(tweet_id, "@acme_support my order never came, terrible service, I "
                       "want a refund", "1460000000000006670", "thirdcustomer", None)),
                source=source)
            post = job_env["social.crm.post"].browse(result.post_ids)
            ticket = post.ticket_id
            self.assertTrue(ticket, "the demo's team opens a ticket for the complaint")
            job_cr.commit()
            net = FakeNetwork()
            # X's answer (GET /2/tweets): the tweet is gone
            net.add("GET", "https://api.twitter.com/2/tweets", json_body={"errors": [{
                "value": tweet_id,
                "detail": f"Could not find tweet with ids: [{tweet_id}].",
                "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                "resource_id": tweet_id,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}]})

            def agent_answers_meanwhile(session, prepared, /, **kwargs):
                if not net.requests:
                    wizard = agent_env["social.crm.reply.wizard"].create({
                        "ticket_id": ticket.id, "post_id": post.id,
                        "text": "@thirdcustomer Sorry! We are on it."})
                    wizard.action_send()
                    agent_cr.commit()
                return net.handler(session, prepared, **kwargs)

            job_post = job_env["social.crm.post"].browse(post.id)
            job_post.fetch(["external_id"])  # the job's snapshot is taken
            with patch.object(type(self), "_request_handler", agent_answers_meanwhile), \
                    self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(RECHECK_LOG, logging.INFO) as logs:
                job_post.sudo()._recheck(
                    job_env["social.crm.source"].browse(source.id),
                    commit=lambda count: job_env["ir.cron"]._commit_progress(count))
            self.assertEqual(len(net.requests), 1, "X is asked once")
            self.assertEqual([line for line in logs.output if not line.startswith("INFO")], [],
                             "no error of the job")
            self.assertIn("another transaction wrote the same rows at the same time (could "
                          "not serialize access due to concurrent update): stored again after "
                          "a commit", "\n".join(logs.output))
            job_cr.commit()
            job_env.invalidate_all()
            self.assertFalse(job_post.exists(), "the tweet deleted on X goes")
            reply = job_env["social.crm.reply"].search([("ticket_id", "=", ticket.id)])
            self.assertEqual(len(reply), 1)
            # never sent: its outbox item was cancelled, then went with the post
            self.assertFalse(job_env["social.crm.outbox"].search(
                [("res_model", "=", "social.crm.reply"), ("res_id", "=", reply.id)]))
            self.assertEqual((reply.state, reply.error_message), (
                "cancelled", "The post was deleted by its author: a public reply is no longer "
                "possible; write a direct message or call."))
            self.assertTrue(reply.post_deleted_at)
        finally:
            agent_cr.rollback()
            agent_cr.close()
            job_cr.rollback()
            if source:
                if ticket:
                    job_env["helpdesk.ticket"].browse(ticket.id).exists().unlink()
                job_env["social.crm.post"].search([("source_id", "=", source.id)]).unlink()
                job_env["social.crm.post.deleted"].search(
                    [("external_id", "=", tweet_id)]).unlink()
                for model in ("social.crm.reply", "social.crm.outbox", "mail.message",
                              "social.crm.identity", "res.partner"):
                    job_env[model].with_context(active_test=False).search(
                        [("id", ">", last[model])]).unlink()
                source.unlink()
            job_cr.commit()
            job_cr.close()

    def test_two_posts_naming_the_brand_counted_by_two_workers_at_once(self):
        """Probe (two real transactions): two customers name the brand within minutes; a
        webhook's event of the one is processed while a poll stores the other and commits.
        Both add to the crisis watch's count of the brand keyword in the same bucket: the
        processing's upsert met the poll's row committed after its snapshot ("could not
        serialize access due to concurrent update"), logged at ERROR, the event failed to
        store (on a poll: the page failed with a traceback, shown on the source). Now it is a
        race, said in one line: the event stays to process, and the next run counts it:
        both posts, counted once each."""
        first, second = "1865000000000006681", "1865000000000006682"
        now = dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")
        poll_cr, event_cr = self.registry.cursor(), self.registry.cursor()
        poll_env = api.Environment(poll_cr, api.SUPERUSER_ID, {})
        event_env = api.Environment(event_cr, api.SUPERUSER_ID, {})
        last = {model: (poll_env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0)
            for model in ("res.partner", "social.crm.identity", "mail.message",
                          "social.crm.crisis.bucket")}
        company = poll_env.company
        keywords = company.social_crisis_keywords
        source = None

        def tweet(tweet_id, text, user_id, handle):
            payload = _reply(tweet_id, text, user_id, handle, None)
            payload["tweet_create_events"][0]["created_at"] = now
            return payload

        def keyword_count():
            # the row of this bucket, as committed (a fresh snapshot)
            return sum(poll_env["social.crm.crisis.bucket"].search(
                [("company_id", "=", company.id), ("kind", "=", "keyword"),
                 ("key", "=", "rocketbrand")]).mapped("post_count"))

        try:
            company.social_crisis_keywords = "rocketbrand"
            source = poll_env["social.crm.source"].create({
                "name": "Race (push)", "network_id": poll_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
                "api_secret": "race-secret"})
            payload = tweet(second, "@acme_support rocketbrand rocks, thanks",
                            "1460000000000006682", "fourthcustomer")
            [event_id] = poll_env["social.crm.event"]._store_events(
                source, [RawEvent("x_activity", f"x:tweet:{second}", payload)], "push")
            poll_cr.commit()
            before = keyword_count()
            # the processing begins (its snapshot is taken) ...
            event = event_env["social.crm.event"].browse(event_id)
            self.assertEqual(event.state, "new")
            # ... when a poll stores the other post naming the brand and commits
            poll_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(tweet(
                first, "@acme_support rocketbrand is great today", "1460000000000006681",
                "fifthcustomer")), source=source)
            poll_cr.commit()
            self.assertEqual(keyword_count(), before + 1)
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                event._process()
            self.assertIn("another worker wrote the same rows at the same time (could not "
                          "serialize access due to concurrent update): stored again in a new "
                          "transaction", logs.output[-1])
            self.assertEqual((event.state, event.attempts), ("new", 1))
            event_cr.commit()
            event_env.invalidate_all()
            event._process()  # the next run: a new transaction
            self.assertEqual((event.state, event.post_count), ("done", 1))
            event_cr.commit()
            poll_cr.rollback()  # a fresh snapshot
            self.assertEqual(keyword_count(), before + 2, "both posts, counted once each")
        finally:
            event_cr.rollback()
            event_cr.close()
            poll_cr.rollback()
            company.social_crisis_keywords = keywords
            if source:
                posts = poll_env["social.crm.post"].search([("source_id", "=", source.id)])
                poll_env["helpdesk.ticket"].with_context(active_test=False).search(
                    [("social_post_id", "in", posts.ids)]).unlink()
                posts.unlink()
                poll_env["social.crm.post.deleted"].search(
                    [("external_id", "like", "186500000000000668%")]).unlink()
                poll_env["social.crm.incident"].search(
                    [("create_date", ">=", fields.Datetime.now() - dt.timedelta(hours=1)),
                     ("key", "=", "rocketbrand")]).unlink()
                poll_env["social.crm.crisis.bucket"].search([
                    "|", ("id", ">", last["social.crm.crisis.bucket"]),
                    ("key", "in", ["rocketbrand", f"x:{first}", f"x:{second}"])]).unlink()
                for model in ("mail.message", "social.crm.identity", "res.partner"):
                    poll_env[model].with_context(active_test=False).search(
                        [("id", ">", last[model])]).unlink()
                source.unlink()
            poll_cr.commit()
            poll_cr.close()

    def test_the_sender_tells_the_ticket_while_the_agent_changes_it(self):
        """Probe (two real transactions): the outbox sender has published the agent's reply
        and tells the ticket (first response, owner); meanwhile the agent changes the
        ticket's priority and commits. The sender's write met the ticket changed after its
        snapshot ("could not serialize access"): logged at ERROR with a traceback ("the
        origin of outbox item ... failed"). Now it is said in one line and the ticket is
        told again in a new transaction: the reply is published once (one request to X),
        the ticket records it, the agent's priority stays."""
        from odoo.addons.social_crm.tests.common import FakeNetwork

        tweet_id = "1865000000000006690"
        sender_cr, agent_cr = self.registry.cursor(), self.registry.cursor()
        sender_env = api.Environment(sender_cr, api.SUPERUSER_ID, {})
        agent_env = api.Environment(agent_cr, api.SUPERUSER_ID, {})
        last = {model: (sender_env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0)
            for model in ("res.partner", "social.crm.identity", "mail.message",
                          "social.crm.outbox", "social.crm.reply")}
        source = ticket = None
        try:
            source = sender_env["social.crm.source"].create({
                "name": "Race (sender)", "network_id": sender_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000",
                "bearer_token": "race-bearer", "api_key": "ck", "api_secret": "cs",
                "access_token": "at", "access_token_secret": "ats"})
            result = sender_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(
                _reply(tweet_id, "@acme_support my order never came, terrible service, I "
                       "want a refund", "1460000000000006690", "sixthcustomer", None)),
                source=source)
            post = sender_env["social.crm.post"].browse(result.post_ids)
            ticket = post.ticket_id
            self.assertTrue(ticket, "the demo's team opens a ticket for the complaint")
            sender_env["social.crm.reply.wizard"].create({
                "ticket_id": ticket.id, "post_id": post.id,
                "text": "@sixthcustomer Sorry! We are on it."}).action_send()
            sender_cr.commit()
            net = FakeNetwork()
            net.add("POST", "https://api.twitter.com/2/tweets", status=201, json_body={
                "data": {"id": "1865000000000006699",
                         "text": "@sixthcustomer Sorry! We are on it.",
                         "edit_history_tweet_ids": ["1865000000000006699"]}})
            Reply = type(sender_env["social.crm.reply"])
            tell = Reply._social_outbox_update
            raced = []

            def agent_changes_the_ticket_meanwhile(reply, item):
                if not raced and item.state == "sent":
                    raced.append(True)
                    # the sender's transaction has its snapshot ...
                    reply.env.cr.execute("SELECT count(*) FROM helpdesk_ticket")
                    # ... when the agent changes the ticket and commits
                    agent_env["helpdesk.ticket"].browse(ticket.id).write({"priority": "2"})
                    agent_cr.commit()
                return tell(reply, item)

            # the other due items of the demo database are not this test's
            others = sender_env["social.crm.outbox"].search(
                [("state", "=", "queued"), ("id", "<=", last["social.crm.outbox"])])
            self.assertFalse(others)
            with patch.object(type(self), "_request_handler", net.handler), \
                    patch.object(Reply, "_social_outbox_update",
                                 agent_changes_the_ticket_meanwhile), \
                    self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(OUTBOX_LOG, logging.INFO) as logs:
                sender_env["social.crm.outbox"]._cron_send()
            self.assertEqual([line for line in logs.output if not line.startswith("INFO")], [],
                             "no error of the sender")
            sender_cr.commit()
            self.assertTrue(raced)
            self.assertIn("was changed by another transaction meanwhile (could not serialize "
                          "access due to concurrent update): it is told again",
                          "\n".join(logs.output))
            self.assertEqual(len(net.requests), 1, "published once")
            sender_env.invalidate_all()
            reply = sender_env["social.crm.reply"].search([("ticket_id", "=", ticket.id)])
            self.assertEqual((reply.state, reply.external_id),
                             ("sent", "1865000000000006699"))
            self.assertTrue(reply.outbox_id.notified)
            self.assertTrue(ticket.social_first_reply_at, "the ticket records the answer")
            self.assertEqual(ticket.priority, "2", "the agent's change stays")
        finally:
            agent_cr.rollback()
            agent_cr.close()
            sender_cr.rollback()
            if source:
                if ticket:
                    sender_env["helpdesk.ticket"].browse(ticket.id).exists().unlink()
                sender_env["social.crm.post"].search([("source_id", "=", source.id)]).unlink()
                sender_env["social.crm.post.deleted"].search(
                    [("external_id", "=", tweet_id)]).unlink()
                for model in ("social.crm.reply", "social.crm.outbox", "mail.message",
                              "social.crm.identity", "res.partner"):
                    sender_env[model].with_context(active_test=False).search(
                        [("id", ">", last[model])]).unlink()
                source.unlink()
            sender_cr.commit()
            sender_cr.close()
