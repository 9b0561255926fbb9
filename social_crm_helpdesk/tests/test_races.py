# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Races between workers on the real database (see ``social_crm.tests.test_races``): two
transactions at once, the interleaving set by the test; what they commit is removed."""

import copy
import logging

from odoo import api
from odoo.addons.social_crm.connectors import x as x_connector
from odoo.addons.social_crm.connectors.events import RawEvent
from odoo.addons.social_crm.tests.test_intake_webhook import x_activity
from odoo.tests import TransactionCase, tagged

EVENT_LOG = "odoo.addons.social_crm.models.social_crm_event"


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
