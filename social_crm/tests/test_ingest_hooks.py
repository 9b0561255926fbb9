# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The hooks ingestion declares for other addons: each is called once per batch, with what it
documents, and what it returns is what is stored."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import SocialCrmCase


@tagged("post_install", "-at_install")
class TestIngestHooks(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Identity = cls.env["social.crm.identity"]

    def wrap(self, model, name, change=None):
        """Patch hook ``name`` of ``model`` to record its calls (and change its values)."""
        calls = []
        original = getattr(type(model), name)

        def hook(records, *args):
            calls.append((records, *args))
            if change:
                change(*args)
            return original(records, *args)

        self.startPatcher(patch.object(type(model), name, hook))
        return calls

    def test_prepare_post_values(self):
        def change(vals_list, posts):
            for vals, post in zip(vals_list, posts, strict=True):
                vals["text"] = f"[{post.external_id}] {vals['text']}"

        calls = self.wrap(self.Post, "_ingest_prepare_vals_list", change)
        result = self.Post._ingest_posts(
            [self.make_post("1", self.make_author("7", "anna")), self.make_post("2")]
        )
        self.assertEqual(len(calls), 1, "once per batch")
        _model, vals_list, posts = calls[0]
        self.assertEqual([post.external_id for post in posts], ["1", "2"])
        self.assertEqual(len(vals_list), 2)
        self.assertTrue(vals_list[0]["identity_id"], "the author is resolved before the hook")
        stored = self.Post.browse(result.post_ids)
        self.assertEqual(stored.mapped("text"), ["[1] Hallo @acme", "[2] Hallo @acme"])
        # a known post is updated, never prepared again
        self.Post._ingest_posts([self.make_post("1", like_count=3)])
        self.assertEqual(len(calls), 1)

    def test_after_create(self):
        calls = self.wrap(self.Post, "_ingest_after_create")
        result = self.Post._ingest_posts([self.make_post("1"), self.make_post("2")])
        self.assertEqual(len(calls), 1)
        _model, records, posts = calls[0]
        self.assertEqual(records.ids, result.post_ids)
        self.assertEqual([post.external_id for post in posts], ["1", "2"])
        self.Post._ingest_posts([self.make_post("1", like_count=9)])
        self.assertEqual(len(calls), 1, "not called for known posts")

    def test_prepare_author_values(self):
        def change(vals_list, authors):
            for vals in vals_list:
                vals["bio"] = "prepared"

        calls = self.wrap(self.Identity, "_ingest_prepare_author_vals", change)
        self.Post._ingest_posts(
            [
                self.make_post("1", self.make_author("7", "anna", "Anna Neu")),
                self.make_post("2", self.make_author("7", "anna", "Anna Neu")),
                self.make_post("3", self.make_author("8", "bo", "Bo Neu")),
            ]
        )
        self.assertEqual(len(calls), 1)
        _model, vals_list, authors = calls[0]
        self.assertEqual([a.external_id for a in authors], ["7", "8"], "each author once")
        self.assertTrue(all(vals["partner_id"] for vals in vals_list))
        identity = self.Identity.search([("external_id", "=", "7")])
        self.assertEqual(identity.bio, "prepared")
        # a known author is refreshed, not prepared again
        self.Post._ingest_posts([self.make_post("4", self.make_author("7", "anna"))])
        self.assertEqual(len(calls), 1)

    def test_after_link(self):
        manual = self.Identity.create(
            {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "petra_vogel"}
        )
        calls = self.wrap(self.Identity, "_ingest_after_link")
        self.Post._ingest_posts(
            [
                self.make_post("1", self.make_author("42", "Petra_Vogel")),
                self.make_post("2", self.make_author("43", "stranger", "Zed Stranger")),
            ]
        )
        self.assertEqual(len(calls), 1)
        identities, authors = calls[0]
        self.assertEqual(identities, manual)
        self.assertEqual([a.external_id for a in authors], ["42"])
        self.assertEqual(identities.external_id, "42", "called after the link is written")
        # a batch that links nothing does not call it
        self.Post._ingest_posts([self.make_post("3", self.make_author("42", "Petra_Vogel"))])
        self.assertEqual(len(calls), 1)
