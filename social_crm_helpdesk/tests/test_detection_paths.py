# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What ingestion stores is what the plain functions decide, on the same text.

``bench/complaints.py`` measures the plain functions (cleaning, redaction, ``classify``);
``bench/complaints_odoo.py`` measures the stored verdicts of real ingestion. These tests hold
the two paths together on posts of every awkward shape (no language given, German dialect,
bank and card numbers, links, handles, emoji, shouting, control characters), with no label
and after the company learnt from its agents' decisions. The posts are invented."""

from odoo.tests import tagged

from ..detection import AdaptiveModel, classify
from .common import SocialHelpdeskCase

TEXTS = [
    "@acme_support Paket seit elf Tagen überfällig, Sendungsverfolgung zeigt seit dem 3. nix.",
    "@acme Danke für den Hinweis, werde mich anderswo umschauen.",
    "@acme_help my card 4111 1111 1111 1111 was charged twice for order 5512, fix it",
    "@acme Meine IBAN DE89 3704 0044 0532 0130 00, bitte endlich die Erstattung!!!",
    "Oh great, @acme, the third 'fixed' update and the app still crashes 🙃",
    "@acme does the blue kettle come in a 1.7 litre version? https://example.org/k",
    "@jo_k88 @sam_t lol same, my cat knocked the router off the shelf again",
    "Großes Lob an @acme: Reparatur in zwei Tagen erledigt, obwohl es erst hakte. Danke!",
    "@ACME WHY IS NOBODY ANSWERING THE HOTLINE",
    "@acme Wie lange dauert eigentlich ein Umtausch bei euch?\x07 Frage für eine Freundin",
    "Heute Stau auf der A7, furchtbar. Gut, dass mein @acme E-Bike im Keller steht 🚲",
    "@acme_support Hab mich vertippt bei der Adresse, kann ich die noch ändern? Mein Fehler.",
]


@tagged("post_install", "-at_install")
class TestDetectionPaths(SocialHelpdeskCase):
    def _posts(self, prefix, texts):
        return [
            self.make_post(f"{prefix}-{i}",
                           self.make_author(f"{prefix}-a{i}", f"{prefix}_writer_{i}"),
                           text=text, lang=None)
            for i, text in enumerate(texts)
        ]

    def _assert_same(self, stored, model=None):
        self.assertEqual(len(stored), len(TEXTS))
        for post in stored:
            verdict = classify(post.text, lang=None, model=model)
            with self.subTest(text=post.text):
                self.assertEqual(post.complaint_label, verdict.label)
                self.assertEqual(post.complaint_lang, verdict.lang)
                self.assertAlmostEqual(post.complaint_p, verdict.p_complaint, places=2)

    def test_stored_verdict_is_the_plain_verdict(self):
        stored = self.ingest(*self._posts("path", TEXTS))
        self._assert_same(stored)
        # the redaction happened before the classifier read the text
        carded = stored.filtered(lambda p: "charged twice" in p.text)
        self.assertNotIn("4111 1111 1111 1111", carded.text)
        self.assertTrue(carded.has_sensitive_data)

    def test_stored_verdict_after_the_agents_decisions(self):
        # the agents decide 24 posts of a kind the shipped model does not know
        phrase = "Die Packstation in der Lindenstraße ist schon wieder voll belegt"
        decided = self.ingest(*self._posts("dec", [f"{phrase}, Fach {i}" for i in range(12)]
                                           + [f"Schöner Tag am See, Runde {i}"
                                              for i in range(12)]))
        Label = self.env["social.crm.complaint.label"]
        Label._record_decisions(decided.filtered(lambda p: "Packstation" in p.text), True)
        Label._record_decisions(decided.filtered(lambda p: "See" in p.text), False)
        Model = self.env["social.crm.complaint.model"]
        Model._train(self.env.company)
        learned = Model._models_for(self.env.company)[self.env.company.id]
        self.assertIsNotNone(learned)
        labels = Label.search([("company_id", "=", self.env.company.id)])
        plain = AdaptiveModel().fit([(lb.text, lb.is_complaint, lb.lang or None)
                                     for lb in labels])
        self.assertEqual(plain.to_json(), learned.to_json())
        stored = self.ingest(*self._posts("after", TEXTS))
        self._assert_same(stored, model=plain)
