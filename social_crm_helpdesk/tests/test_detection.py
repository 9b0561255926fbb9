# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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
        self.assertTrue(by_ext["c1"].complaint_reason_codes)
        self.assertEqual(by_ext["q1"].complaint_label, "question")
        self.assertEqual(by_ext["p1"].complaint_label, "praise")
        self.assertEqual(by_ext["c1"].complaint_lang, "de")

    def test_labels_kept_and_model_adapts(self):
        # a company whose customers complain in a way the rules do not know
        phrase = "Die Packstation in der Lindenstraße ist voll belegt"
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
        # the agents' decisions ask the training cron to run soon; ingestion never trains
        cron = self.env.ref("social_crm_helpdesk.ir_cron_social_complaint_train")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        untrained = self.ingest(
            self.make_post("lbl-early", self.make_author("le", "le"), text=phrase, lang="de")
        )
        self.assertAlmostEqual(untrained.complaint_p, before, places=2)
        self.env["social.crm.complaint.model"]._cron_train()
        # the next batch is classified with the retrained company model
        later = self.ingest(
            self.make_post("lbl-new", self.make_author("ln", "ln"), text=phrase, lang="de")
        )
        self.assertGreater(later.complaint_p, before + 0.1)
        self.assertEqual(self.company.sudo().social_complaint_model_labels, 34)
        row = self.env["social.crm.complaint.model"].search([("company_id", "=", self.company.id)])
        self.assertEqual((row.label_count, row.complaint_count), (34, 24))
        self.assertTrue(any(code == "agents" for code, _ in later.complaint_reason_codes))
        # a changed decision is one label updated, and the model is retrained by the cron
        stamp = row.stamp
        posts[:1].with_user(self.agent).action_not_complaint()
        self.assertEqual(
            self.env["social.crm.complaint.label"].search_count([("post_id", "=", posts[0].id)]),
            1,
        )
        self.env["res.company"]._cron_social_complaint_train()
        self.assertNotEqual(row.stamp, stamp)
        self.assertEqual(row.complaint_count, 23)

    def test_ingestion_never_trains(self):
        self.env["social.crm.complaint.label"].create(
            {"text": "Schon wieder kaputt", "is_complaint": True, "lang": "de"}
        )
        Model = type(self.env["social.crm.complaint.model"])
        calls = []
        original = Model._train

        def counting(model, companies, stamps=None):
            calls.append(companies.ids)
            return original(model, companies, stamps)

        from unittest.mock import patch

        with patch.object(Model, "_train", counting):
            self.ingest(*[self.complaint(f"once-{i}") for i in range(5)])
            self.ingest(self.complaint("once-again"))
            self.assertEqual(calls, [])
            self.env["social.crm.complaint.model"]._cron_train()
            self.env["social.crm.complaint.model"]._cron_train()  # nothing changed: no work
        self.assertEqual(calls, [[self.company.id]])

    def test_reason_codes_translated(self):
        post = self.ingest(
            self.complaint(
                "codes-1",
                text="@acme Paket seit 11 Tagen in der Packstation, angekündigt für Montag.",
            )
        )
        self.assertEqual(post.complaint_label, "complaint")
        codes = [code for code, _ in post.complaint_reason_codes]
        self.assertIn("implicit", codes)
        self.assertIn("states facts of a failure", post.complaint_reasons)
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        german = post.with_context(lang="de_DE")
        self.assertIn("nennt Fakten eines Fehlers", german.complaint_reasons)
        self.assertNotIn("states facts", german.complaint_reasons)

    def test_tweet_reasons_translated(self):
        """A tweet to a customer-service account: the handle and the tone are reasons, shown
        in the user's language."""
        post = self.ingest(
            self.complaint(
                "tweet-1",
                text="@AcmeSupport tablet keeps freezing since the update, help?",
                lang="en",
            )
        )
        self.assertEqual(post.complaint_label, "complaint")
        self.assertIn(["to_support", "@AcmeSupport"], post.complaint_reason_codes)
        self.assertIn("written to a customer-service account: '@AcmeSupport'",
                      post.complaint_reasons)
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        german = post.with_context(lang="de_DE")
        self.assertIn("an ein Kundenservice-Konto gerichtet: '@AcmeSupport'",
                      german.complaint_reasons)

    def test_legacy_reasons_shown_as_stored(self):
        post = self.ingest(self.complaint("legacy-1"))
        post.sudo().complaint_reason_codes = [["legacy", "reports a failure: 'kaputt'"]]
        self.assertEqual(post.complaint_reasons, "reports a failure: 'kaputt'")

    def test_model_table_access(self):
        self.env["social.crm.complaint.label"].create(
            {"text": "Schon wieder kaputt", "is_complaint": True, "lang": "de"}
        )
        self.env["social.crm.complaint.model"]._cron_train()
        row = self.env["social.crm.complaint.model"].search([("company_id", "=", self.company.id)])
        self.assertTrue(row.payload)
        Model = self.env["social.crm.complaint.model"]
        with self.assertRaises(AccessError):
            Model.with_user(self.agent).search([])
        manager = new_test_user(
            self.env, login="sh_model_manager",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )
        self.assertEqual(Model.with_user(manager).search([]), row)
        with self.assertRaises(AccessError):
            row.with_user(manager).write({"label_count": 1})
        other = new_test_user(
            self.env, login="sh_model_other",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
            company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)],
        )
        self.assertFalse(Model.with_user(other).search([]))
        row.with_user(manager).action_retrain()
        self.assertEqual(row.label_count, 1)

    def test_migration_keeps_former_reasons(self):
        """19.0.1.1.0: the English reason text of posts stored before becomes a legacy code,
        the company's former model columns are dropped."""
        import importlib.util
        from os.path import dirname, join

        from odoo.tools import SQL
        from odoo.tools.sql import column_exists

        post = self.ingest(self.complaint("mig-1"))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE social_crm_post ADD COLUMN complaint_reasons text"))
        cr.execute(SQL("ALTER TABLE social_crm_post DROP COLUMN complaint_reason_codes"))
        cr.execute(SQL("ALTER TABLE res_company ADD COLUMN social_complaint_model text"))
        cr.execute(
            SQL(
                "UPDATE social_crm_post SET complaint_reasons = %s WHERE id = %s",
                "reports a failure: 'kaputt'",
                post.id,
            )
        )
        path = join(dirname(dirname(__file__)), "migrations", "19.0.1.1.0", "pre-migration.py")
        spec = importlib.util.spec_from_file_location("social_crm_helpdesk_pre_1_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(cr, "19.0.1.0.0")
        self.assertFalse(column_exists(cr, "social_crm_post", "complaint_reasons"))
        self.assertFalse(column_exists(cr, "res_company", "social_complaint_model"))
        self.env.invalidate_all()
        self.assertEqual(post.complaint_reason_codes, [["legacy", "reports a failure: 'kaputt'"]])
        self.assertEqual(post.complaint_reasons, "reports a failure: 'kaputt'")
