# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The trigger of "Process received events" under a real write conflict: two transactions on
the real database (``self.registry.cursor()``: a TransactionCase does not put the registry in
test mode, so each cursor is its own PostgreSQL transaction, repeatable read as Odoo's)."""

import contextlib
import logging

import psycopg2

from odoo import api
from odoo.addons.social_crm.connectors.events import RawEvent
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

EVENT_LOG = "odoo.addons.social_crm.models.social_crm_event"
XMLID = "social_crm.ir_cron_social_crm_process_events"


@tagged("post_install", "-at_install")
class TestTriggerConflict(TransactionCase):
    def _triggers(self, env, cron_id):
        return {row[0] for row in env.execute_query(SQL(
            "SELECT id FROM ir_cron_trigger WHERE cron_id = %s", cron_id))}

    def test_a_trigger_taken_by_a_cron_run_that_committed_meanwhile(self):
        """A delivery stores its event; meanwhile a cron run takes (deletes) the waiting
        trigger and commits. The delivery's snapshot still shows the trigger, and locking it
        fails with "could not serialize access due to concurrent update": the delivery makes
        a new trigger, keeps its event, and says so in the log."""
        key = f"conflict-test:{self.id()}"
        run_cr, delivery_cr = self.registry.cursor(), self.registry.cursor()
        made, event_id, cron_id = set(), None, None
        try:
            run_env = api.Environment(run_cr, api.SUPERUSER_ID, {})
            cron_id = run_env.ref(XMLID).id
            source = run_env["social.crm.source"].search([], limit=1)
            self.assertTrue(source, "the demo data has a source")
            # the one waiting trigger is ours (no cron worker runs in the test database: a
            # left-over trigger would wait forever)
            run_env.execute_query(SQL("DELETE FROM ir_cron_trigger WHERE cron_id = %s", cron_id))
            before = self._triggers(run_env, cron_id)
            taken = run_env.execute_query(SQL(
                """INSERT INTO ir_cron_trigger (cron_id, call_at)
                   VALUES (%s, now() AT TIME ZONE 'UTC' - interval '1 minute') RETURNING id""",
                cron_id))[0][0]
            made.add(taken)
            run_cr.commit()

            # the delivery begins: its snapshot shows the waiting trigger
            delivery_env = api.Environment(delivery_cr, api.SUPERUSER_ID, {})
            [event_id] = delivery_env["social.crm.event"]._store_events(
                delivery_env["social.crm.source"].browse(source.id),
                [RawEvent("meta", key, {"entry": []})], "webhook")

            # a cron run consumes the trigger (ir.cron._clear_schedule) and commits
            run_env.execute_query(SQL("DELETE FROM ir_cron_trigger WHERE id = %s", taken))
            run_cr.commit()

            # logging.INFO, not "INFO": Odoo names its level 25 "INFO" too
            with self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                delivery_env["social.crm.event"]._trigger_processing()
            self.assertEqual(len(logs.output), 1)
            self.assertIn(
                "social_crm.ir_cron_social_crm_process_events took its waiting trigger while "
                "this delivery was stored (concurrent update): a new trigger is made, so that "
                "the cron runs again for the stored events",
                logs.output[0],
            )
            delivery_cr.commit()

            # nothing lost: the event is stored, a due trigger waits for the cron
            run_cr.rollback()  # a fresh snapshot
            made |= self._triggers(run_env, cron_id) - before
            self.assertEqual(len(made - {taken}), 1, "one new trigger")
            due = run_env.execute_query(SQL(
                """SELECT count(*) FROM ir_cron_trigger
                    WHERE id = ANY(%s) AND call_at <= now() AT TIME ZONE 'UTC'""",
                list(made - {taken})))[0][0]
            self.assertEqual(due, 1)
            stored = run_env["social.crm.event"].browse(event_id)
            self.assertEqual((stored.delivery_key, stored.state), (key, "new"))
        finally:
            delivery_cr.rollback()
            delivery_cr.close()
            run_cr.rollback()
            if made:
                run_cr.execute("DELETE FROM ir_cron_trigger WHERE id = ANY(%s)", [list(made)])
            if event_id:
                run_cr.execute("DELETE FROM social_crm_event WHERE id = %s", [event_id])
            run_cr.commit()
            run_cr.close()

    def test_the_same_delivery_stored_by_two_workers_at_once(self):
        """A network retries a delivery while the first is being stored: two transactions
        insert the same delivery key. The second began before the first committed, so under
        repeatable read its ``ON CONFLICT DO NOTHING`` cannot skip the row it does not see
        ("could not serialize access", which ``odoo.sql_db`` logged at ERROR before Odoo ran
        the request again). Now: no ERROR, the event is stored once, and the other items of
        the second delivery are stored all the same."""
        key, other_key = f"dup-test:{self.id()}:1", f"dup-test:{self.id()}:2"
        first_cr, second_cr = self.registry.cursor(), self.registry.cursor()
        stored = []
        try:
            first_env = api.Environment(first_cr, api.SUPERUSER_ID, {})
            second_env = api.Environment(second_cr, api.SUPERUSER_ID, {})
            source = first_env["social.crm.source"].search([], limit=1)
            self.assertTrue(source, "the demo data has a source")
            # the second delivery's transaction has begun (its snapshot is taken) ...
            second_source = second_env["social.crm.source"].browse(source.id)
            self.assertTrue(second_source.company_id)
            # ... when the first stores the event and commits
            stored += first_env["social.crm.event"]._store_events(
                source, [RawEvent("meta", key, {"entry": [1]})], "push")
            first_cr.commit()
            self.assertEqual(len(stored), 1)
            with self.assertNoLogs("odoo.sql_db", logging.ERROR):
                again = second_env["social.crm.event"]._store_events(
                    second_source,
                    [RawEvent("meta", key, {"entry": [1]}),
                     RawEvent("meta", other_key, {"entry": [2]})],
                    "push",
                )
            stored += again
            second_cr.commit()
            self.assertEqual(len(again), 1, "the redelivered item is skipped, the other stored")
            first_cr.rollback()  # a fresh snapshot
            rows = first_env.execute_query(SQL(
                """SELECT delivery_key, count(*) FROM social_crm_event
                    WHERE source_id = %s AND delivery_key IN %s GROUP BY delivery_key""",
                source.id, (key, other_key)))
            self.assertEqual(dict(rows), {key: 1, other_key: 1})
        finally:
            second_cr.rollback()
            second_cr.close()
            first_cr.rollback()
            if stored:
                first_cr.execute("DELETE FROM social_crm_event WHERE id = ANY(%s)", [stored])
            first_cr.commit()
            first_cr.close()

    def test_two_deliveries_refused_at_once(self):
        """Probe (served product, 2 workers, 16 parallel deliveries signed with another app's
        secret): the refusal count of the source was updated by two transactions at once; the
        second failed with "could not serialize access due to concurrent update", which
        ``odoo.sql_db`` logged at ERROR before Odoo ran the request again (after a pause; a
        sixth conflict would answer 500). Now the second refusal is logged, answered, and not
        counted again."""
        first_cr, second_cr = self.registry.cursor(), self.registry.cursor()
        source_id, before = None, None
        try:
            first_env = api.Environment(first_cr, api.SUPERUSER_ID, {})
            second_env = api.Environment(second_cr, api.SUPERUSER_ID, {})
            source = first_env["social.crm.source"].search([], limit=1)
            source_id = source.id
            before = source.read(["refused_count", "refused_reason", "last_refused_at"])[0]
            second_source = second_env["social.crm.source"].browse(source_id)
            self.assertTrue(second_source.company_id)  # its snapshot is taken
            source._intake_refused("bad signature (check the app secret)")
            first_cr.commit()
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs("odoo.addons.social_crm.models.social_crm_source_intake",
                                    logging.INFO) as logs:
                second_source._intake_refused("bad signature (check the app secret)")
            self.assertIn("refused at the same time as another delivery (counted once)",
                          logs.output[-1])
            second_cr.commit()  # its transaction goes on
            first_cr.rollback()
            source.invalidate_recordset()
            self.assertEqual(source.refused_count, (before["refused_count"] or 0) + 1)
        finally:
            second_cr.rollback()
            second_cr.close()
            first_cr.rollback()
            if before:
                first_env["social.crm.source"].browse(source_id).write(
                    {k: v for k, v in before.items() if k != "id"})
                first_cr.commit()
            first_cr.close()

    def test_the_same_post_stored_by_a_poll_while_its_event_is_processed(self):
        """Probe (two real transactions): a webhook's event is being processed while a poll
        of the company stores the same tweet and commits. The processing's snapshot cannot
        see that post: its insert hit the unique key, and the item went to the quarantine
        ("The database refused the item"), waiting for a manager, its newer values lost. Now
        it is "already stored": the event stays to process (the cron's next run, a new
        transaction, updates the post), nothing quarantined."""
        from ..connectors import x as x_connector
        from .test_intake_webhook import x_activity

        tweet_id = "1865000000000009999"
        poll_cr, event_cr = self.registry.cursor(), self.registry.cursor()
        poll_env = api.Environment(poll_cr, api.SUPERUSER_ID, {})
        event_env = api.Environment(event_cr, api.SUPERUSER_ID, {})
        last = {model: (poll_env[model].with_context(active_test=False).search(
            [], order="id desc", limit=1).id or 0) for model in ("res.partner",
                                                                 "social.crm.identity")}
        source = None
        try:
            source = poll_env["social.crm.source"].create({
                "name": "Race (push)", "network_id": poll_env.ref("social_crm.network_x").id,
                "kind": "mentions", "account_id": "1440000000000000000", "intake_mode": "push",
                "api_secret": "race-secret"})
            payload = x_activity(tweet_id, "@acme_support thanks, all good now")
            [event_id] = poll_env["social.crm.event"]._store_events(
                source, [RawEvent("x_activity", f"x:tweet:{tweet_id}", payload)], "push")
            poll_cr.commit()
            # the processing begins (its snapshot is taken) ...
            event = event_env["social.crm.event"].browse(event_id)
            self.assertEqual(event.state, "new")
            # ... when a poll stores the same tweet and commits
            poll_env["social.crm.post"]._ingest_posts(x_connector.parse_activity(payload),
                                                      source=source)
            poll_cr.commit()
            # the refused INSERT is no error: odoo.sql_db does not log it (it did, at ERROR)
            with self.assertNoLogs("odoo.sql_db", logging.ERROR), \
                    self.assertLogs(EVENT_LOG, logging.INFO) as logs:
                event._process()
            self.assertIn("stored at the same time by another worker", logs.output[-1])
            self.assertEqual((event.state, event.attempts), ("new", 1))
            self.assertFalse(event_env["social.crm.quarantine"].search(
                [("source_id", "=", source.id)]))
            event_cr.commit()
            event_env.invalidate_all()
            event._process()  # the next run: a new transaction
            self.assertEqual((event.state, event.post_count), ("done", 1))
            event_cr.commit()
            self.assertEqual(event_env["social.crm.post"].search_count(
                [("external_id", "=", tweet_id), ("company_id", "=", source.company_id.id)]), 1)
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
                    [("external_id", "=", tweet_id)]).unlink()
                poll_env["social.crm.quarantine"].search([("source_id", "=", source.id)]).unlink()
                for model, last_id in last.items():
                    poll_env[model].with_context(active_test=False).search(
                        [("id", ">", last_id)]).unlink()
                source.unlink()
            poll_cr.commit()
            poll_cr.close()

    def test_only_the_ingestion_s_race_is_kept_from_the_sql_error_log(self):
        """``odoo.sql_db`` keeps quiet about a race-key violation of the ingestion's own
        create only: the same violation elsewhere (a user's create), and any other refusal
        of the ingestion's create, are logged at ERROR as before."""
        from ..models.social_crm_ingest_mixin import race_expected

        Post = self.env["social.crm.post"]
        vals = {"network_id": self.env.ref("social_crm.network_x").id,
                "external_id": "1865000000000008888", "posted_at": "2026-12-01 09:00:00"}
        Post.create(vals)
        cases = (
            # (inside the ingestion's create, values, error expected, logged)
            (True, vals, psycopg2.errors.UniqueViolation, False),
            (False, vals, psycopg2.errors.UniqueViolation, True),
            (True, dict(vals, external_id="1865000000000008889", network_id=999999999),
             psycopg2.errors.ForeignKeyViolation, True),
        )
        for inside, values, error, logged in cases:
            log = self.assertLogs("odoo.sql_db", logging.ERROR) if logged \
                else self.assertNoLogs("odoo.sql_db", logging.ERROR)
            with self.assertRaises(error), self.env.cr.savepoint(), log, \
                    (race_expected() if inside else contextlib.nullcontext()):
                Post.create(values)
