# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Races between workers on the real database: two transactions at once (each
``self.registry.cursor()`` its own PostgreSQL transaction, repeatable read as Odoo's), the
interleaving set by the test; what they commit is removed at the end."""

import copy
import logging
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import api
from odoo.addons.social_crm.connectors.events import RawEvent
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import _super_send

from .loopback_servers import StatusServer
from .test_intake_webhook import x_activity

EVENT_LOG = "odoo.addons.social_crm.models.social_crm_event"
OUTBOX_LOG = "odoo.addons.social_crm.models.social_crm_outbox"


def _tweet(tweet_id, text, followers):
    """An Account Activity delivery of one tweet of the same customer (Kai Brenner), with
    the followers X reports with it."""
    payload = copy.deepcopy(x_activity(tweet_id, text))
    payload["tweet_create_events"][0]["user"]["followers_count"] = followers
    return payload


@tagged("post_install", "-at_install")
class TestRaces(TransactionCase):
    def _last_ids(self, env):
        return {model: (env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0)
            for model in ("res.partner", "social.crm.identity")}

    def _drop_new(self, env, last):
        for model, last_id in last.items():
            env[model].with_context(active_test=False).search([("id", ">", last_id)]).unlink()

    def test_the_same_author_s_two_posts_stored_by_two_workers_at_once(self):
        """Probe (two real transactions): a known customer tweets twice; a webhook's event of
        the one is processed while a poll stores the other and commits. Both write the
        author's counts (their followers as of each tweet): the processing's UPDATE met the
        poll's row committed after its snapshot ("could not serialize access due to
        concurrent update"), logged by odoo.sql_db at ERROR and by the event as a failed
        storage. Now it is a race, said in one line: the event stays to process (the next
        run, a new transaction, stores it); one identity, one contact, both posts."""
        from ..connectors import x as x_connector

        first_id, second_id = "1865000000000007771", "1865000000000007772"
        poll_cr, event_cr = self.registry.cursor(), self.registry.cursor()
        poll_env = api.Environment(poll_cr, api.SUPERUSER_ID, {})
        event_env = api.Environment(event_cr, api.SUPERUSER_ID, {})
        last = self._last_ids(poll_env)
        source = None
        try:
            source = poll_env["social.crm.source"].create({
                "name": "Race (push)", "network_id": poll_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
                "api_secret": "race-secret"})
            # the customer is known: an earlier tweet stored his identity and contact
            poll_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(
                _tweet("1865000000000007770", "@acme_support hello", 10400)), source=source)
            payload = _tweet(second_id, "@acme_support thanks, all good now", 10420)
            [event_id] = poll_env["social.crm.event"]._store_events(
                source, [RawEvent("x_activity", f"x:tweet:{second_id}", payload)], "push")
            poll_cr.commit()
            # the processing begins (its snapshot is taken) ...
            event = event_env["social.crm.event"].browse(event_id)
            self.assertEqual(event.state, "new")
            # ... when a poll stores his other tweet and commits
            poll_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(
                _tweet(first_id, "@acme_support where is my parcel?", 10410)), source=source)
            poll_cr.commit()
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                event._process()
            self.assertIn("another worker wrote the same rows at the same time (could not "
                          "serialize access due to concurrent update): stored again in a new "
                          "transaction", logs.output[-1])
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
            self.assertEqual(len(posts.identity_id), 1, "one identity")
            self.assertEqual(len(posts.partner_id), 1, "one contact")
        finally:
            event_cr.rollback()
            event_cr.close()
            poll_cr.rollback()
            if source:
                posts = poll_env["social.crm.post"].search([("source_id", "=", source.id)])
                if "helpdesk.ticket" in poll_env:
                    poll_env["helpdesk.ticket"].search(
                        [("social_post_id", "in", posts.ids)]).unlink()
                posts.unlink()
                poll_env["social.crm.post.deleted"].search(
                    [("external_id", "like", "186500000000000777%")]).unlink()
                self._drop_new(poll_env, last)
                source.unlink()
            poll_cr.commit()
            poll_cr.close()

    def test_a_sender_run_claims_past_an_item_cancelled_meanwhile(self):
        """Probe (two real transactions): the outbox sender claims a reply and prepares its
        call; meanwhile a manager cancels another queued reply and commits. The run's next
        claim met that row changed after its snapshot ("could not serialize access"): the
        run failed there, with the reply under way to the network left *sending* (after the
        lease, "unknown: check on the network" although it was published). Now the run
        commits and claims again: the reply is sent once (one request to the loopback
        instance) and recorded, the cancelled one stays cancelled, unasked."""
        run_cr, manager_cr = self.registry.cursor(), self.registry.cursor()
        run_env = api.Environment(run_cr, api.SUPERUSER_ID, {})
        manager_env = api.Environment(manager_cr, api.SUPERUSER_ID, {})
        made = {}
        try:
            mastodon = run_env.ref("social_crm.network_mastodon")
            Account = run_env["social.crm.account"]
            made["social.crm.account"] = Account.create([
                {"name": "Acme (race, sending)", "network_id": mastodon.id,
                 "base_url": "https://sending.example", "access_token": "race-token-1"},
                {"name": "Acme (race, cancelled)", "network_id": mastodon.id,
                 "base_url": "https://cancelled.example", "access_token": "race-token-2"},
            ])
            made["social.crm.post"] = run_env["social.crm.post"].create([
                {"network_id": mastodon.id, "external_id": f"11360000000000777{n}",
                 "posted_at": "2026-12-05 09:00:00", "author_handle": "karl",
                 "text": "@acme where is my parcel?"}
                for n in (1, 2)
            ])
            sent, cancelled = made["social.crm.outbox"] = run_env["social.crm.outbox"]._queue([
                {"action": "reply", "post_id": post.id, "text": "@karl We are on it.",
                 "account_id": account.id}
                for post, account in zip(made["social.crm.post"], made["social.crm.account"],
                                         strict=True)
            ])
            run_cr.commit()
            prepare = type(run_env["social.crm.outbox"])._prepare_send

            def prepare_then_cancel(item, recovering=False):
                send = prepare(item, recovering)
                if item.id == sent.id:
                    # the run's snapshot is taken ...
                    item.env.cr.execute("SELECT count(*) FROM social_crm_outbox")
                    # ... when the manager cancels the other reply and commits
                    manager_env["social.crm.outbox"].browse(cancelled.id).write(
                        {"state": "cancelled"})
                    manager_cr.commit()
                return send

            with StatusServer() as instance:
                def route(session, prepared, /, **kwargs):
                    prepared.url = instance.url + urlsplit(prepared.url).path
                    return _super_send(session, prepared, **kwargs)

                with patch.object(type(self), "_request_handler", route), \
                        patch.object(type(run_env["social.crm.outbox"]), "_prepare_send",
                                     prepare_then_cancel), \
                        self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                        self.assertLogs(OUTBOX_LOG, logging.INFO) as logs:
                    run_env["social.crm.outbox"]._cron_send()
                self.assertEqual(len(instance.calls), 1, "one request to the network")
            self.assertIn("an item was changed by another transaction while this run claimed "
                          "the next one", "\n".join(logs.output))
            run_cr.commit()
            run_env.invalidate_all()
            self.assertEqual((sent.state, sent.external_id, sent.attempts),
                             ("sent", "113600000000000001", 1))
            self.assertEqual((cancelled.state, cancelled.attempts), ("cancelled", 0))
        finally:
            manager_cr.rollback()
            manager_cr.close()
            run_cr.rollback()
            for model in ("social.crm.outbox", "social.crm.post", "social.crm.account"):
                if model in made:
                    run_env[model].browse(made[model].ids).exists().unlink()
            run_env["social.crm.post.deleted"].search(
                [("external_id", "like", "11360000000000777%")]).unlink()
            run_cr.commit()
            run_cr.close()

    def test_a_suggested_author_s_post_stored_by_a_poll_and_a_webhook_at_once(self):
        """Served probe (two workers, X webhook and a poll of the same tweet at once): the
        author's name is close to a contact's, so the ingestion suggests the match instead of
        linking. The poll committed the post and its suggestion while the webhook's event was
        being processed; the event's INSERT of the same suggestion met the poll's row
        (``social_crm_match_suggestion_author_partner_uniq``): odoo.sql_db logged it at ERROR
        and the item went to the quarantine as refused by storage. It is the same race as
        the same post stored twice: said in one line, the event is processed again in a new
        transaction; one post, one suggestion, nothing quarantined."""
        from ..connectors import x as x_connector

        tweet_id = "1865000000000007781"
        poll_cr, event_cr = self.registry.cursor(), self.registry.cursor()
        poll_env = api.Environment(poll_cr, api.SUPERUSER_ID, {})
        event_env = api.Environment(event_cr, api.SUPERUSER_ID, {})
        last = self._last_ids(poll_env)
        source = None
        try:
            source = poll_env["social.crm.source"].create({
                "name": "Race (push)", "network_id": poll_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
                "api_secret": "race-secret"})
            # a customer known by an earlier tweet: Kai Brenner
            poll_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(
                _tweet("1865000000000007780", "@acme_support hello", 400)), source=source)
            known = poll_env["social.crm.post"].search(
                [("external_id", "=", "1865000000000007780")]).partner_id
            self.assertEqual(known.name, "Kai Brenner")
            # another account of a close name (a second account of his? someone else?)
            payload = _tweet(tweet_id, "@acme_support my order never came, again", 120)
            user = payload["tweet_create_events"][0]["user"]
            user.update(id=1460000000000007781, id_str="1460000000000007781",
                        screen_name="kai_brenner_2", name="Kai Brenner")
            [event_id] = poll_env["social.crm.event"]._store_events(
                source, [RawEvent("x_activity", f"x:tweet:{tweet_id}", payload)], "push")
            poll_cr.commit()
            # the processing begins (its snapshot is taken) ...
            event = event_env["social.crm.event"].browse(event_id)
            self.assertEqual(event.state, "new")
            # ... when a poll stores the same tweet and commits
            result = poll_env["social.crm.post"]._ingest_posts(
                x_connector.parse_activity(copy.deepcopy(payload)), source=source)
            self.assertEqual(result.suggestions, 1, "a suggestion, not a link")
            poll_cr.commit()
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                event._process()
            self.assertIn("stored again in a new transaction", logs.output[-1])
            self.assertEqual(event.state, "new")
            self.assertFalse(event_env["social.crm.quarantine"].search(
                [("source_id", "=", source.id)]), "nothing refused")
            event_cr.commit()
            event_env.invalidate_all()
            event._process()  # the next run: a new transaction
            self.assertEqual(event.state, "done")
            event_cr.commit()
            self.assertEqual(len(event_env["social.crm.post"].search(
                [("external_id", "=", tweet_id)])), 1)
            self.assertEqual(len(event_env["social.crm.match.suggestion"].search(
                [("author_external_id", "=", "1460000000000007781")])), 1)
            self.assertFalse(event_env["social.crm.quarantine"].search(
                [("source_id", "=", source.id)]))
        finally:
            event_cr.rollback()
            event_cr.close()
            poll_cr.rollback()
            if source:
                posts = poll_env["social.crm.post"].search([("source_id", "=", source.id)])
                if "helpdesk.ticket" in poll_env:
                    poll_env["helpdesk.ticket"].search(
                        [("social_post_id", "in", posts.ids)]).unlink()
                posts.unlink()
                poll_env["social.crm.match.suggestion"].search(
                    [("source_id", "=", source.id)]).unlink()
                poll_env["social.crm.quarantine"].search(
                    [("source_id", "=", source.id)]).unlink()
                poll_env["social.crm.event"].search(
                    [("source_id", "=", source.id)]).unlink()
                self._drop_new(poll_env, last)
                source.unlink()
            poll_cr.commit()
            poll_cr.close()
