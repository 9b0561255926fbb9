# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestCauses(SocialHelpdeskCase):
    """Cause suggested from the text and set by the agent, churn intent, goodwill, report."""

    def test_cause_suggested_and_set_by_agent(self):
        post = self.ingest(self.complaint(
            "1990000000000000601", author=self.ina(),
            text="@acme Mein Paket wurde nie geliefert, keiner antwortet. Frechheit!"))
        ticket = post.ticket_id
        self.assertEqual(ticket.social_cause_id,
                         self.env.ref("social_crm_helpdesk.social_crm_ticket_cause_delivery"))
        billing = self.env.ref("social_crm_helpdesk.social_crm_ticket_cause_billing")
        ticket.with_user(self.agent).social_cause_id = billing
        self.assertEqual(ticket.social_cause_id, billing)

    def test_company_cause_before_shared(self):
        own = self.env["social.crm.ticket.cause"].create(
            {"name": "Router", "code": "product_defect", "company_id": self.company.id})
        post = self.ingest(self.complaint("1990000000000000602", author=self.ina()))
        self.assertEqual(post.ticket_id.social_cause_id, own, "Router kaputt: product defect")

    def test_churn_on_post_and_ticket(self):
        post = self.ingest(self.complaint(
            "1990000000000000603", author=self.ina(), minutes_ago=25 * 60,
            text="@acme Router kaputt, keiner antwortet. Ich schaue mich anderswo um!"))
        self.assertTrue(post.social_churn_intent)
        self.assertTrue(post.ticket_id.social_churn_intent)
        # a day later, another complaint: its own ticket (a complaint within 24 hours of
        # her last post on the open ticket would join it)
        calm = self.ingest(self.complaint("1990000000000000604", author=self.ina()))
        self.assertFalse(calm.social_churn_intent)
        self.assertFalse(calm.ticket_id.social_churn_intent)

    def test_goodwill_is_converted_at_the_rate_of_the_company_s_day(self):
        """A goodwill in another currency saved at 00:30 in Berlin (23:30 UTC) by an agent
        in New York (still the day before there): converted at the rate of the company's
        day, not of the agent's (or a job's UTC) day."""
        import datetime as dt

        from freezegun import freeze_time

        self.company.partner_id.tz = "Europe/Berlin"
        self.agent.tz = "America/New_York"
        ticket = self.ingest(self.complaint(
            "1990000000000000606", author=self.ina(),
            text="@acme Mein Paket wurde nie geliefert, Frechheit!")).ticket_id
        other = self.env["res.currency"].with_context(active_test=False).search(
            [("id", "!=", self.company.currency_id.id), ("name", "in", ("EUR", "USD"))],
            limit=1)
        other.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (other | self.company.currency_id).ids)]).unlink()
        Rate.create([
            {"currency_id": other.id, "company_id": self.company.id, "rate": rate,
             "name": day}
            for day, rate in ((dt.date(2026, 12, 4), 0.5), (dt.date(2026, 12, 5), 0.8))
        ])
        with freeze_time("2026-12-04 23:30:00"):
            ticket.with_user(self.agent).write({
                "social_goodwill_kind": "voucher",
                "social_goodwill_amount": 20.0,
                "social_goodwill_currency_id": other.id,
            })
            # computed as the agent's form reads it back (the agent's day)
            self.assertTrue(ticket.with_user(self.agent).social_goodwill_company_amount)
        # 20 at 0.8 a unit of the company's currency (5 December), not 0.5 (4 December)
        self.assertAlmostEqual(ticket.social_goodwill_company_amount, 25.0)

    def test_goodwill_and_report(self):
        post = self.ingest(self.complaint(
            "1990000000000000605", author=self.ina(),
            text="@acme Mein Paket wurde nie geliefert, ich kündige! Frechheit!"))
        ticket = post.ticket_id
        ticket.with_user(self.agent).write({
            "social_goodwill_kind": "voucher",
            "social_goodwill_amount": 25.0,
            "social_goodwill_currency_id": self.company.currency_id.id,
        })
        self.assertEqual(ticket.social_goodwill_company_amount, 25.0)
        Report = self.env["social.crm.helpdesk.report"]
        groups = Report._read_group(
            [("ticket_id", "=", ticket.id)], ["cause_id", "posted_at:month"],
            ["ticket_count:sum", "goodwill_amount:sum", "churn_count:sum"],
        )
        self.assertEqual(len(groups), 1)
        cause, _month, count, goodwill, churn = groups[0]
        self.assertEqual(cause.code, "delivery")
        self.assertEqual((count, goodwill, churn), (1, 25.0, 1))
