# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer sees of their own social ticket in the portal: the ticket, never the internal
profiling (tier, influencer flag, deadline, reach, complaint probability)."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPortalRendering(HttpCase):
    def test_portal_page_shows_no_internal_profiling(self):
        ticket = self.env["helpdesk.ticket"].search(
            [("social_tier", "=", "top_influencer"), ("partner_id", "!=", False)], limit=1
        )
        self.assertTrue(ticket, "the demo has a top influencer's social ticket")
        partner = ticket.partner_id
        new_test_user(
            self.env, login="sc_portal_customer", groups="base.group_portal",
            partner_id=partner.id, password="sc_portal_customer",
        )
        # what an agent sees on the ticket, which the customer must not
        internal = [
            "Top influencer", "Top-Influencer", "Influencer", "Multiplier", "Respond By",
            "Antworten bis", "Reach", "Reichweite", "complaint with", "Beschwerde mit",
            "Escalat", "Eskal",
        ]
        self.authenticate("sc_portal_customer", "sc_portal_customer")
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(ticket.name, page)  # the customer sees their ticket
        for text in internal:
            self.assertNotIn(text, page, f"the portal page shows {text!r}")
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        for text in internal:
            self.assertNotIn(text, listing.text, f"the portal list shows {text!r}")

    @mute_logger("odoo.http")
    def test_portal_rpc_reads_no_internal_analysis(self):
        """Before: the customer read by JSON-RPC the agents' analysis of their own ticket (the
        cause, "churn intent", the goodwill granted and its amount, the channel of the first
        reaction) and searched their tickets by it; the other social fields were already
        internal."""
        ticket = self.env["helpdesk.ticket"].search(
            [("social_network_id", "!=", False), ("partner_id", "!=", False)], limit=1
        )
        ticket.write({"social_goodwill_kind": "voucher", "social_goodwill_amount": 50.0})
        new_test_user(
            self.env, login="sc_portal_rpc", groups="base.group_portal",
            partner_id=ticket.partner_id.id, password="sc_portal_rpc",
        )
        self.authenticate("sc_portal_rpc", "sc_portal_rpc")

        def call(method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/helpdesk.ticket/{method}",
                {"model": "helpdesk.ticket", "method": method, "args": args,
                 "kwargs": kwargs or {}},
            )

        self.assertEqual(call("search", [[("id", "=", ticket.id)]]), ticket.ids)
        visible = call("fields_get", [], {"attributes": ["type"]})
        self.assertFalse([name for name in visible if name.startswith("social_")])
        for name in ("social_cause_id", "social_churn_intent", "social_goodwill_kind",
                     "social_goodwill_amount", "social_goodwill_currency_id",
                     "social_goodwill_company_amount", "social_first_reply_channel"):
            with self.subTest(name=name), self.assertRaisesRegex(JsonRpcException, "Access"):
                call("read", [ticket.ids, [name]])
            with self.subTest(name=name), self.assertRaisesRegex(JsonRpcException, "Access"):
                call("search_count", [[(name, "!=", False)]])
