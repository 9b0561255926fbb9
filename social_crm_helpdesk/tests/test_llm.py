# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The optional language model, mocked at the HTTP boundary (requests' transport) with the
documented chat-completions response shape."""

import json
from unittest.mock import patch

import requests

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import social_crm_post_second_opinion as second_opinion
from .common import SocialHelpdeskCase

URL = "http://llm.test/v1"
ENDPOINT = URL + "/chat/completions"
IBAN = "DE89 3704 0044 0532 0130 00"
#: a post the default path is unsure about: plain facts, no negative word
LOGGER = "odoo.addons.social_crm_helpdesk.models.social_crm_post_second_opinion"
UNSURE = "@acme Paket seit Dienstag im Verteilzentrum, Lieferung war für Montag angekündigt"


def completion(content, total_tokens=57):
    """A chat-completions response body as the OpenAI API documents it."""
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "local-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": total_tokens - 9,
            "completion_tokens": 9,
            "total_tokens": total_tokens,
        },
    }


@tagged("post_install", "-at_install")
class TestLlm(SocialHelpdeskCase):
    def setUp(self):
        super().setUp()
        self.company.write(
            {
                "social_llm_enabled": True,
                "social_llm_url": URL,
                "social_llm_model": "local-model",
                "social_llm_api_key": "sk-test",
                "social_llm_timeout": 5,
                "social_llm_unsure_below": 100,  # every post counts as unsure here
                "social_llm_budget_calls": 10,
                "social_llm_budget_tokens": 0,
                "social_llm_month": False,
                "social_llm_calls_used": 0,
                "social_llm_tokens_used": 0,
            }
        )

    def llm_requests(self):
        return [
            (prepared, kwargs) for prepared, kwargs in self.net.requests if prepared.url == ENDPOINT
        ]

    def post(self, ext, text):
        return self.make_post(ext, self.make_author(f"l-{ext}", f"l_{ext}"), text=text, lang="de")

    def test_off_by_default(self):
        self.company.social_llm_enabled = False
        post = self.ingest(self.post("off1", UNSURE))
        self.assertFalse(self.llm_requests())
        self.assertNotIn("llm", [code for code, _ in post.complaint_reason_codes or []])
        self.assertFalse(self.company.social_llm_calls_used)

    def test_unsure_post_gets_the_models_verdict_redacted(self):
        self.net.add(
            "POST", ENDPOINT, json_body=completion('{"complaint": true, "confidence": 0.9}')
        )
        post = self.ingest(self.post("on1", UNSURE + f". Erstattung bitte auf {IBAN}"))
        sent = self.llm_requests()
        self.assertEqual(len(sent), 1)
        prepared, kwargs = sent[0]
        body = json.loads(prepared.body)
        self.assertEqual(body["model"], "local-model")
        self.assertEqual(body["messages"][0]["role"], "system")
        self.assertNotIn("0532 0130 00", body["messages"][1]["content"])
        self.assertNotIn(
            "0532013000",
            prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body,
        )
        self.assertEqual(prepared.headers["Authorization"], "Bearer sk-test")
        self.assertTrue(kwargs.get("timeout"))
        self.assertEqual(post.complaint_label, "complaint")
        self.assertAlmostEqual(post.complaint_p, 0.9, places=2)
        self.assertEqual(post.complaint_reason_codes[0], ["llm", "local-model"])
        self.assertIn("language model", post.complaint_reasons)
        self.assertEqual(self.company.social_llm_calls_used, 1)
        self.assertEqual(self.company.social_llm_tokens_used, 57)

    def test_reason_and_settings_in_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.net.add("POST", ENDPOINT, json_body=completion('{"complaint": true}'))
        post = self.ingest(self.post("de1", UNSURE))
        self.assertIn(
            "von einem Sprachmodell geprüft: 'local-model'",
            post.with_context(lang="de_DE").complaint_reasons,
        )
        described = (
            self.env["res.company"]
            .with_context(lang="de_DE")
            .fields_get(["social_llm_budget_calls"], ["string"])
        )
        self.assertEqual(described["social_llm_budget_calls"]["string"], "Monatsbudget (Aufrufe)")

    def test_model_says_no_complaint(self):
        self.net.add("POST", ENDPOINT, json_body=completion("no"))
        post = self.ingest(
            self.post("on2", "@acme Mein Router ist kaputt und keiner antwortet. Frechheit!")
        )
        self.assertEqual(len(self.llm_requests()), 1)
        self.assertNotEqual(post.complaint_label, "complaint")
        self.assertLess(post.complaint_p, 0.5)

    def test_sure_posts_are_not_sent(self):
        self.company.social_llm_unsure_below = 50  # nothing is less sure than 50 %
        post = self.ingest(self.post("sure1", UNSURE))
        self.assertFalse(self.llm_requests())
        self.assertNotIn("llm", [code for code, _ in post.complaint_reason_codes or []])

    def test_error_keeps_the_default_verdict_and_stops_the_batch(self):
        self.company.social_llm_enabled = False
        expected = self.ingest(self.post("base1", UNSURE)).complaint_p
        self.company.social_llm_enabled = True
        self.net.add("POST", ENDPOINT, exc=requests.Timeout("read timed out"))
        with self.assertLogs(LOGGER, "WARNING") as logs:
            posts = self.ingest(self.post("err1", UNSURE), self.post("err2", UNSURE + " !"))
        self.assertIn("built-in verdict is kept for 2 unsure posts", logs.output[0])
        self.assertEqual(len(self.llm_requests()), 1)  # the second post was not sent
        self.assertAlmostEqual(posts[0].complaint_p, expected, places=2)
        self.assertNotIn("llm", [code for code, _ in posts[0].complaint_reason_codes or []])

    def test_http_error_and_unreadable_answer_fall_back(self):
        self.net.add("POST", ENDPOINT, status=500, json_body={"error": {"message": "boom"}})
        self.net.add("POST", ENDPOINT, json_body=completion("I cannot tell."))
        for ext in ("h1", "h2"):
            with self.assertLogs(LOGGER, "WARNING"):
                post = self.ingest(self.post(ext, UNSURE))
            self.assertNotIn("llm", [code for code, _ in post.complaint_reason_codes or []])
        self.assertEqual(self.company.social_llm_calls_used, 2)

    def test_monthly_budget(self):
        self.company.social_llm_budget_calls = 1
        self.net.add("POST", ENDPOINT, json_body=completion('{"complaint": true}'))
        vals_list = [
            {
                "text": UNSURE,
                "complaint_p": 0.45,
                "complaint_lang": "de",
                "company_id": self.company.id,
            },
            {
                "text": UNSURE + " Nummer zwei",
                "complaint_p": 0.55,
                "complaint_lang": "de",
                "company_id": self.company.id,
            },
        ]
        # INFO records are not captured by assertLogs under Odoo's test runner: watch the call
        with patch.object(second_opinion._logger, "info") as info:
            self.Post._social_llm_refine(vals_list)
        self.assertEqual(len(self.llm_requests()), 1)
        self.assertEqual(self.company.social_llm_calls_used, 1)
        self.assertIn("monthly budget used up", info.call_args[0][0])
        self.assertEqual(vals_list[0]["complaint_reason_codes"][0], ["llm", "local-model"])
        self.assertNotIn("complaint_reason_codes", vals_list[1])
        # ingestion afterwards: nothing more is sent this month
        post = self.ingest(self.post("b3", UNSURE))
        self.assertEqual(len(self.llm_requests()), 1)
        self.assertNotIn("llm", [code for code, _ in post.complaint_reason_codes or []])
        # a new month starts from zero
        self.company.sudo().social_llm_month = "2000-01"
        self.assertTrue(self.company._social_llm_budget_left())
        self.company.social_llm_budget_calls = 0
        self.company.social_llm_budget_tokens = 50
        self.company._social_llm_spend(1, 60)
        self.assertFalse(self.company._social_llm_budget_left())
        self.assertEqual(self.company.social_llm_calls_used, 1)

    def test_bad_url_refused(self):
        with self.assertRaises(ValidationError):
            self.company.social_llm_url = "localhost:8000/v1"

    def test_settings_show_the_fields(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.social_llm_enabled)
        self.assertEqual(settings.social_llm_model, "local-model")
        settings.social_llm_timeout = 20
        settings.execute()
        self.assertEqual(self.company.social_llm_timeout, 20)
