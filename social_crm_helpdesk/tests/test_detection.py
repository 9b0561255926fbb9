# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from ..detection import classify
from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestDetection(SocialHelpdeskCase):
    def test_classification_stored_at_ingestion(self):
        posts = self.ingest(
            self.complaint("c1"),
            self.make_post(
                "q1",
                self.make_author("q", "q"),
                text="Kann mir jemand sagen, ob der ACME Akku in das Modell 2023 passt?",
                lang="de",
            ),
            self.make_post(
                "p1",
                self.make_author("p", "p"),
                text="Großes Lob an ACME: Reparatur in zwei Tagen erledigt. Danke!",
                lang="de",
            ),
        )
        by_ext = {post.external_id: post for post in posts}
        self.assertEqual(by_ext["c1"].complaint_label, "complaint")
        self.assertGreaterEqual(by_ext["c1"].complaint_p, 0.6)
        self.assertTrue(by_ext["c1"].complaint_reasons)
        self.assertEqual(by_ext["q1"].complaint_label, "question")
        self.assertEqual(by_ext["p1"].complaint_label, "praise")
        self.assertEqual(by_ext["c1"].complaint_lang, "de")

    def test_labels_kept_and_model_adapts(self):
        # a company whose customers complain in a way the rules do not know
        phrase = "Das Paket liegt seit Tagen in der Packstation fest"
        before = classify(phrase, lang="de").p_complaint
        question = self.ingest(
            self.make_post("lbl-0", self.make_author("l0", "l0"), text=phrase, lang="de")
        )
        self.assertAlmostEqual(question.complaint_p, before, places=2)
        posts = self.ingest(
            *[
                self.make_post(
                    f"lbl-{i}",
                    self.make_author(f"l{i}", f"l{i}"),
                    text=f"{phrase} Nummer {i}",
                    lang="de",
                )
                for i in range(1, 25)
            ]
        )
        praise = self.ingest(
            *[
                self.make_post(
                    f"ok-{i}",
                    self.make_author(f"ok{i}", f"ok{i}"),
                    text=f"Schöner Tag heute am See {i}",
                    lang="de",
                )
                for i in range(10)
            ]
        )
        posts.with_user(self.agent).action_convert_to_ticket()
        praise.with_user(self.agent).action_not_complaint()
        labels = self.env["social.crm.complaint.label"].search([("post_id", "in", posts.ids)])
        self.assertEqual(len(labels), 24)
        self.assertTrue(all(labels.mapped("is_complaint")))
        self.assertEqual(labels.user_id, self.agent)
        self.assertTrue(all(praise.mapped(lambda p: p.complaint_decision == "not_complaint")))
        self.assertEqual(set(praise.mapped("state")), {"reviewed"})
        # the next batch is classified with the retrained company model
        later = self.ingest(
            self.make_post("lbl-new", self.make_author("ln", "ln"), text=phrase, lang="de")
        )
        self.assertGreater(later.complaint_p, before + 0.1)
        self.assertEqual(self.company.sudo().social_complaint_model_labels, 34)
        # a changed decision is one label updated, and the model is retrained
        stamp = self.company.sudo().social_complaint_model_stamp
        posts[:1].with_user(self.agent).action_not_complaint()
        self.assertEqual(
            self.env["social.crm.complaint.label"].search_count([("post_id", "=", posts[0].id)]),
            1,
        )
        self.env["res.company"]._cron_social_complaint_train()
        self.assertNotEqual(self.company.sudo().social_complaint_model_stamp, stamp)

    def test_model_trained_once_per_batch(self):
        self.env["social.crm.complaint.label"].create(
            {"text": "Schon wieder kaputt", "is_complaint": True, "lang": "de"}
        )
        Company = type(self.env["res.company"])
        calls = []
        original = Company._social_complaint_train

        def counting(companies, stamps=None):
            calls.append(companies.ids)
            return original(companies, stamps)

        from unittest.mock import patch

        with patch.object(Company, "_social_complaint_train", counting):
            self.ingest(*[self.complaint(f"once-{i}") for i in range(5)])
            self.ingest(self.complaint("once-again"))
        self.assertEqual(calls, [[self.company.id]])
