# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts stored in the wrong company before the webhook routing (two companies on one app:
every item delivered at company A's address was stored as A's post) are flagged for A's
managers by the 19.0.1.6.1 migration, not moved."""

import importlib.util
import json
import logging
from os.path import dirname, join

from odoo.addons.social_crm.connectors import events as connector_events
from odoo.tests import TransactionCase, tagged

from .test_intake_webhook import APP_SECRET, CONSUMER_SECRET, PAGE_ID, meta_comment, x_activity

PAGE_B = "202030405060"
X_A, X_B = "1440000000000000000", "1550000000000000000"
MISPLACED_LOG = "odoo.addons.social_crm.models.social_crm_post_misplaced"


@tagged("post_install", "-at_install")
class TestWebhookMisplaced(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Alpha Shop GmbH"})
        cls.company_b = cls.env["res.company"].create({"name": "Beta Retail GmbH"})
        facebook = cls.env.ref("social_crm.network_facebook")
        x = cls.env.ref("social_crm.network_x")
        Source = cls.env["social.crm.source"]

        def source(name, company, network, account, **vals):
            return Source.with_company(company).create({
                "name": name, "company_id": company.id, "network_id": network.id,
                "account_id": account, "intake_mode": "push", **vals})

        cls.page_a = source("Page A", cls.company_a, facebook, PAGE_ID, kind="page",
                            app_secret=APP_SECRET)
        cls.page_b = source("Page B", cls.company_b, facebook, PAGE_B, kind="page",
                            app_secret=APP_SECRET)
        cls.x_a = source("X A", cls.company_a, x, X_A, kind="mentions",
                         api_secret=CONSUMER_SECRET)
        cls.x_b = source("X B", cls.company_b, x, X_B, kind="mentions",
                         api_secret=CONSUMER_SECRET)
        cls.Post = cls.env["social.crm.post"]

    def _stored_before_the_routing(self, source, raw_events):
        """What 19.0.1.6.0 and older did: every item of a delivery made at ``source``'s
        address stored and processed as ``source``'s."""
        Event = self.env["social.crm.event"]
        Event.browse(Event._store_events(source, raw_events, "push"))._process()

    def test_posts_of_another_company_s_account_are_flagged_not_moved(self):
        for_b = meta_comment(comment_id=f"{PAGE_B}_9801", message="B: Paket kaputt")
        for_b["entry"][0]["id"] = PAGE_B
        self._stored_before_the_routing(self.page_a, connector_events.split_meta(
            meta_comment(comment_id=f"{PAGE_ID}_9802", message="A: where is my refund")))
        self._stored_before_the_routing(self.page_a, connector_events.split_meta(for_b))
        tweet_b = x_activity("1865000000000000801", "@beta_retail refund please")
        tweet_b["for_user_id"] = X_B
        self._stored_before_the_routing(self.x_a, connector_events.split_x_activity(tweet_b))
        self._stored_before_the_routing(self.x_a, connector_events.split_x_activity(
            x_activity("1865000000000000802")))
        misplaced = self.Post.search([("external_id", "in", [
            f"{PAGE_B}_9801", "1865000000000000801"])])
        own = self.Post.search([("external_id", "in", [
            f"{PAGE_ID}_9802", "1865000000000000802"])])
        self.assertEqual(len(misplaced), 2)
        self.assertEqual(misplaced.company_id, self.company_a, "the old behaviour, reproduced")
        identities = misplaced.identity_id

        path = join(dirname(dirname(__file__)), "migrations", "19.0.1.6.1", "post-migration.py")
        spec = importlib.util.spec_from_file_location("social_crm_post_1_6_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with self.assertLogs(MISPLACED_LOG, logging.WARNING) as logs:
            module.migrate(self.env.cr, "19.0.1.6.0")
        self.env.invalidate_all()
        self.assertEqual(
            {(p.external_id, p.misplaced_account, p.misplaced_company) for p in misplaced},
            {(f"{PAGE_B}_9801", PAGE_B, "Beta Retail GmbH"),
             ("1865000000000000801", X_B, "Beta Retail GmbH")})
        self.assertFalse(any(own.mapped("misplaced_account")), "A's own posts are A's")
        # flagged, not moved: the post keeps its company, source and identity
        self.assertEqual(misplaced.company_id, self.company_a)
        self.assertEqual(misplaced.mapped("source_id"), self.page_a | self.x_a)
        self.assertEqual(misplaced.identity_id, identities)
        self.assertFalse(self.Post.search([("company_id", "=", self.company_b.id)]))
        self.assertEqual(misplaced.misplaced_event_id.source_id, self.page_a | self.x_a)
        self.assertEqual(len(logs.output), 2, "one warning per source")
        self.assertIn(PAGE_B, self.page_a.message_ids[0].body)
        self.assertIn(X_B, self.x_a.message_ids[0].body)
        # the manager's list
        self.assertEqual(self.Post.search([("misplaced_account", "!=", False)]), misplaced)
        # Deliver to Its Company: company B stores them through its own sources' intake
        misplaced.action_deliver_to_its_company()
        Event = self.env["social.crm.event"]
        delivered = Event.search([("source_id", "in", (self.page_b | self.x_b).ids)])
        self.assertEqual(len(delivered), 2)
        self.assertEqual(set(delivered.mapped("state")), {"new"})
        delivered._process()
        in_b = self.Post.search([("company_id", "=", self.company_b.id)])
        self.assertEqual(sorted(in_b.mapped("external_id")),
                         sorted(misplaced.mapped("external_id")))
        self.assertEqual(in_b.mapped("source_id"), self.page_b | self.x_b)
        self.assertEqual(in_b.identity_id.company_id, self.company_b)
        self.assertTrue(all(misplaced.mapped("misplaced_delivered_at")))
        self.assertEqual(misplaced.company_id, self.company_a, "A's copy stays, flagged")
        # twice: stored once (the delivery key of B's source)
        misplaced.action_deliver_to_its_company()
        self.assertEqual(len(Event.search([("source_id", "in", (self.page_b | self.x_b).ids)])),
                         2)
        # once more: nothing flagged twice, no second note
        notes = len(self.page_a.message_ids)
        with self.assertNoLogs(MISPLACED_LOG, logging.WARNING):
            self.assertFalse(self.Post._flag_misplaced_by_routing())
        self.assertEqual(len(self.page_a.message_ids), notes)

    def test_an_account_of_this_company_or_of_no_one_is_not_flagged(self):
        """An account no push source has (a page the app is installed on that nobody
        listens to), or one another source of the same company has: nothing says the post
        is another company's."""
        self.env["social.crm.source"].with_company(self.company_a).create({
            "name": "Page A2", "company_id": self.company_a.id,
            "network_id": self.page_a.network_id.id, "kind": "page",
            "account_id": "303030303030", "intake_mode": "push", "app_secret": "other-app"})
        for page, number in (("303030303030", 9811), ("404040404040", 9812)):
            payload = meta_comment(comment_id=f"{page}_{number}")
            payload["entry"][0]["id"] = page
            self._stored_before_the_routing(self.page_a, connector_events.split_meta(payload))
        self.assertEqual(self.Post.search_count([("source_id", "=", self.page_a.id)]), 2)
        self.assertFalse(self.Post._flag_misplaced_by_routing())
        # an unreadable stored delivery is passed by
        self.env["social.crm.event"].search([("source_id", "=", self.page_a.id)], limit=1) \
            .sudo().write({"payload": json.dumps(["not", "an", "object"])})
        self.assertFalse(self.Post._flag_misplaced_by_routing())

    def test_deliveries_read_in_small_batches_flag_the_same_posts(self):
        """The flagging reads a source's deliveries a batch at a time (the migration's
        million events never in memory at once): batches of 2 for 6 deliveries flag what
        one read does; a post named by deliveries of two batches (its comment edited)
        keeps the newest delivery; one note and one warning per source, counting all."""
        def for_b(number, message, verb="add"):
            payload = meta_comment(comment_id=f"{PAGE_B}_{number}", message=message)
            payload["entry"][0]["id"] = PAGE_B
            payload["entry"][0]["changes"][0]["value"]["verb"] = verb
            return connector_events.split_meta(payload)

        self._stored_before_the_routing(self.page_a, for_b(9901, "B: kaputt"))
        self._stored_before_the_routing(self.page_a, connector_events.split_meta(
            meta_comment(comment_id=f"{PAGE_ID}_9902", message="A: where is my refund")))
        self._stored_before_the_routing(self.page_a, for_b(9903, "B: zu spät"))
        self._stored_before_the_routing(self.page_a, for_b(9904, "B: falsche Farbe"))
        self._stored_before_the_routing(self.page_a, for_b(9901, "B: kaputt!!", "edited"))
        self._stored_before_the_routing(self.page_a, for_b(9905, "B: Rechnung?"))
        Event = self.env["social.crm.event"]
        events = Event.search([("source_id", "=", self.page_a.id)], order="id")
        self.assertEqual(len(events), 6)
        self.assertEqual(set(events.mapped("state")), {"done"})
        notes = len(self.page_a.message_ids)

        with self.assertLogs(MISPLACED_LOG, logging.WARNING) as logs:
            flagged = self.Post._flag_misplaced_by_routing(batch_size=2)
        self.env.invalidate_all()
        misplaced = self.Post.search([("misplaced_account", "!=", False)])
        self.assertEqual(flagged, misplaced)
        self.assertEqual(sorted(misplaced.mapped("external_id")),
                         [f"{PAGE_B}_9901", f"{PAGE_B}_9903", f"{PAGE_B}_9904",
                          f"{PAGE_B}_9905"])
        self.assertEqual(set(misplaced.mapped("misplaced_company")), {"Beta Retail GmbH"})
        by_post = {p.external_id: p.misplaced_event_id for p in misplaced}
        self.assertEqual(by_post[f"{PAGE_B}_9901"], events[4], "the edit, the newest")
        self.assertEqual(by_post[f"{PAGE_B}_9903"], events[2])
        self.assertEqual(by_post[f"{PAGE_B}_9904"], events[3])
        self.assertEqual(by_post[f"{PAGE_B}_9905"], events[5])
        self.assertEqual(len(logs.output), 1, "one warning for the source")
        self.assertIn("4 post(s)", logs.output[0])
        self.assertEqual(len(self.page_a.message_ids), notes + 1)
        self.assertIn("4 post(s)", self.page_a.message_ids[0].body)
        # again, in batches of 1: nothing flagged twice
        with self.assertNoLogs(MISPLACED_LOG, logging.WARNING):
            self.assertFalse(self.Post._flag_misplaced_by_routing(batch_size=1))
