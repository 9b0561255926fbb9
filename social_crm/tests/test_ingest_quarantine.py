# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One bad item never blocks a source: it is quarantined, the rest is stored, the cursor moves
only over what was stored or quarantined."""

import logging
from unittest.mock import patch

from odoo.addons.social_crm.connectors.base import MAX_POST_COUNT, Page, Rejected
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialCrmCase

QUARANTINE_LOG = "odoo.addons.social_crm.models.social_crm_quarantine"


class FakeConnector:
    """Yields the given pages, as a connector would after parsing the network's answers."""

    def __init__(self, pages):
        self.pages = pages
        self.cursors = []

    def fetch(self, cursor):
        self.cursors.append(cursor)
        yield from self.pages


@tagged("post_install", "-at_install")
class TestIngestQuarantine(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Quarantine = cls.env["social.crm.quarantine"]
        cls.source = cls.env["social.crm.source"].create(
            {"name": "X search", "network_id": cls.x.id, "kind": "search", "query": "acme"}
        )

    def poisoned_page(self):
        return [
            self.make_post("ok-1", self.make_author("a1", "anna", "Anna Berg")),
            self.make_post(None, self.make_author("a2", "bo", "Bo Poison"), raw={"id": None}),
            self.make_post("ok-2", self.make_author("a3", "cem", "Cem Demir")),
        ]

    def poll(self, pages, button=False):
        connector = FakeConnector(pages)
        with patch.object(type(self.source), "_get_connector", lambda source: connector):
            return self.source.action_poll() if button else self.source._poll()

    def test_poisoned_item_is_quarantined_the_rest_stored_and_the_cursor_moves(self):
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            action = self.poll(
                [Page(self.poisoned_page(), cursor="c1"), Page([], cursor="c2")], button=True
            )
        message = action["params"]["message"]
        self.assertIn("2 new posts", message)
        self.assertIn("1 item could not be stored and waits in the quarantine", message)
        self.assertFalse(self.source.last_error, "the source is not blocked")
        self.assertEqual(self.source.cursor, "c2")
        stored = self.Post.search([("source_id", "=", self.source.id)])
        self.assertEqual(sorted(stored.mapped("external_id")), ["ok-1", "ok-2"])
        self.assertFalse(self.Post.search_count([("external_id", "in", ["None", "", False])]))
        item = self.Quarantine.search([("source_id", "=", self.source.id)])
        self.assertEqual(len(item), 1)
        self.assertEqual(
            (item.reason, item.network_id, item.state), ("no_id", self.x, "quarantined")
        )
        self.assertTrue(item.quarantined_at)
        self.assertEqual(item.item_data["author"]["handle"], "bo")
        self.assertEqual(item.raw_payload, {"id": None})

    def test_null_ids_never_merge_into_one_post(self):
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            first = self.Post._ingest_posts([self.make_post(None, None, text="one")], self.source)
            second = self.Post._ingest_posts([self.make_post(None, None, text="two")], self.source)
        self.assertEqual((first.created, first.quarantined), (0, 1))
        self.assertEqual((second.created, second.quarantined), (0, 1))
        self.assertEqual(self.Quarantine.search_count([("reason", "=", "no_id")]), 2)

    def test_hostile_values_are_cleaned_or_quarantined_never_blocking(self):
        hostile = self.make_author(
            "h\x001",
            "@ha\x00ndle",
            {"not": "a name"},
            profile_url="javascript:alert(document.cookie)",
            bio=12345,
            followers_count=2**40,
        )
        posts = [
            self.make_post("n\x00ul", hostile, text="NUL \x00 and lone \ud800", lang="d\x00e"),
            self.make_post("big", self.make_author("b", "big"), like_count=2**33),
            self.make_post("€" * 9000, self.make_author("c", "guid")),
            self.make_post("long-handle", self.make_author("d", "€" * 9000)),
            self.make_post("fine", self.make_author("e", "fine")),
        ]
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            result = self.Post._ingest_posts(posts, self.source)
        self.assertEqual((result.created, result.quarantined), (3, 2))
        post = self.Post.search([("external_id", "=", "nul")])
        self.assertEqual(post.text, "NUL  and lone ")  # Post drops NUL and lone surrogates
        self.assertEqual(post.lang, "de")
        identity = post.identity_id
        self.assertEqual((identity.external_id, identity.handle), ("h1", "handle"))
        self.assertFalse(identity.profile_url, "only http(s) profile URLs are kept")
        self.assertEqual(identity.bio, "12345")
        self.assertEqual(identity.followers_count, 2**31 - 1)
        self.assertEqual(  # a quarter of 2^31-1: the four counts are summed
            self.Post.search([("external_id", "=", "big")]).like_count, MAX_POST_COUNT
        )
        reasons = self.Quarantine.search([]).mapped("reason")
        self.assertEqual(sorted(reasons), ["author_id_too_long", "id_too_long"])

    def test_item_the_database_still_refuses_is_quarantined_alone(self):
        original = type(self.Post)._ingest_prepare_vals_list

        def poison(model, vals_list, posts):
            vals_list = original(model, vals_list, posts)
            for vals in vals_list:
                if vals["external_id"] == "bad":
                    vals["like_count"] = 2**40  # integer out of range in PostgreSQL
            return vals_list

        posts = [
            self.make_post(ext, self.make_author(f"a-{ext}", f"h_{ext}"))
            for ext in ("one", "bad", "two")
        ]
        with (
            patch.object(type(self.Post), "_ingest_prepare_vals_list", poison),
            mute_logger("odoo.sql_db"),
            self.assertLogs(QUARANTINE_LOG, logging.INFO),
        ):
            self.poll([Page(posts, cursor="c9")])
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.cursor, "c9")
        self.assertEqual(
            sorted(self.Post.search([("source_id", "=", self.source.id)]).mapped("external_id")),
            ["one", "two"],
        )
        item = self.Quarantine.search([("source_id", "=", self.source.id)])
        self.assertEqual((item.reason, item.external_id), ("storage", "bad"))
        self.assertIn("out of range", item.detail)
        # after the fix, a manager retries it: stored, with its author
        item.with_user(self.manager).action_retry()
        self.assertEqual(item.state, "stored")
        self.assertEqual(item.post_id.external_id, "bad")
        self.assertEqual(item.post_id.author_handle, "h_bad")

    def test_unique_conflict_quarantines_the_item_not_the_page(self):
        """A unique index the plan did not foresee (here an addon's hook gives two new
        identities one handle) refuses one item: the page is stored item by item, the item
        that conflicts waits in the quarantine with the index's name, the cursor moves."""
        Identity = type(self.env["social.crm.identity"])
        original = Identity._ingest_prepare_author_vals

        def clash(model, vals_list, authors):
            vals_list = original(model, vals_list, authors)
            for vals in vals_list:
                if vals.get("handle") in ("h_one", "h_clash"):
                    vals["handle"] = "same_handle"
            return vals_list

        posts = [
            self.make_post(ext, self.make_author(f"a-{ext}", f"h_{ext}"))
            for ext in ("one", "clash", "two")
        ]
        with (
            patch.object(Identity, "_ingest_prepare_author_vals", clash),
            mute_logger("odoo.sql_db"),
            self.assertLogs(QUARANTINE_LOG, logging.INFO),
        ):
            self.poll([Page(posts, cursor="c10")])
        self.assertFalse(self.source.last_error)
        self.assertEqual(self.source.cursor, "c10")
        self.assertEqual(
            sorted(self.Post.search([("source_id", "=", self.source.id)]).mapped("external_id")),
            ["one", "two"],
        )
        item = self.Quarantine.search([("source_id", "=", self.source.id)])
        self.assertEqual((item.reason, item.external_id), ("storage", "clash"))
        self.assertIn("social_crm_identity_network_handle_company_uniq", item.detail)

    def test_retry_of_an_item_still_refused_keeps_it(self):
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            self.Post._ingest_posts([self.make_post(None, None)], self.source)
            item = self.Quarantine.search([])
            item.with_user(self.manager).action_retry()
        self.assertEqual(self.Quarantine.search([]), item, "no second row for the same item")
        self.assertEqual((item.state, item.retry_count, item.reason), ("quarantined", 1, "no_id"))

    def test_quarantine_is_for_managers(self):
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            self.Post._ingest_posts([self.make_post(None, None, raw={"t": "x"})], self.source)
        item = self.Quarantine.search([])
        self.assertEqual(item.with_user(self.manager).raw_payload, {"t": "x"})
        for user in (self.user, self.plain_user, self.portal):
            with self.assertRaises(AccessError):
                item.with_user(user).read(["reason"])
            with self.assertRaises(AccessError):
                item.with_user(user).action_retry()
        with self.assertRaises(AccessError):
            item.with_user(self.other_user).read(["reason"])

    def test_items_the_connector_rejected_are_quarantined_with_its_reason(self):
        """``Page.rejected`` (what the connector could not read) is kept, never lost, and the
        cursor moves past it only together with it."""
        rejected = [Rejected("x", "the item has no id", None, {"text": "hi"}),
                    Rejected("x", "beyond 1000 items of one answer", "998877", {"id": "998877"})]
        page = Page([self.make_post("ok-9", self.make_author("a9", "ida", "Ida Ek"))],
                    cursor="c9", rejected=rejected)
        with self.assertLogs(QUARANTINE_LOG, logging.INFO):
            result = self.poll([page])
        self.assertEqual(result.created, 1)
        self.assertEqual(result.quarantined, 2)
        self.assertEqual(self.source.cursor, "c9")
        rows = self.Quarantine.search([("source_id", "=", self.source.id)])
        self.assertEqual(set(rows.mapped("reason")), {"rejected"})
        self.assertEqual(set(rows.mapped("detail")),
                         {"the item has no id", "beyond 1000 items of one answer"})
        self.assertEqual(rows.filtered("external_id").external_id, "998877")
        with self.assertRaises(UserError):
            rows[:1].action_retry()
