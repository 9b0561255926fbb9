# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reply wizard over JSON-RPC: created on any ticket or post id, it showed the customer's
post and phone (related fields are read as superuser) to users who may not read them."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestReplyWizardRpcAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env["helpdesk.ticket"].search(
            [("social_post_id", "!=", False), ("partner_id", "!=", False)], limit=1
        )
        cls.ticket.partner_id.phone = "+49 171 5550101"
        cls.post = cls.ticket.social_post_id
        other_company = cls.env["res.company"].create({"name": "Wizard Probe GmbH"})
        # an agent of another company, and an agent of the same company who sees own tickets
        cls.other_agent = new_test_user(
            cls.env, login="wiz_other_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        cls.own_agent = new_test_user(
            cls.env, login="wiz_own_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
            company_id=cls.ticket.company_id.id,
            company_ids=[(6, 0, cls.ticket.company_id.ids)],
        )
        cls.agent = new_test_user(
            cls.env, login="wiz_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
            company_id=cls.ticket.company_id.id,
            company_ids=[(6, 0, cls.ticket.company_id.ids)],
        )

    def _call(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/social.crm.reply.wizard/{method}",
            {"model": "social.crm.reply.wizard", "method": method, "args": args,
             "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_wizard_only_on_what_the_user_reads(self):
        """Before: both created the wizard on the ticket (or its post) and read the post's
        text, the author's handle and the customer's phone."""
        fields = ["post_text", "author_handle", "partner_phone"]
        for login in ("wiz_other_agent", "wiz_own_agent"):
            self.authenticate(login, login)
            for values in ({"ticket_id": self.ticket.id}, {"post_id": self.post.id}):
                if login == "wiz_own_agent" and "post_id" in values:
                    continue  # own-ticket agents read the company's posts (the Social Inbox)
                with self.subTest(login=login, values=values):
                    leaked = None
                    try:
                        wizard_id = self._call("create", [values])
                        leaked = self._call("read", [[wizard_id], fields])
                    except JsonRpcException as error:
                        self.assertIn("AccessError", str(error))
                    self.assertIsNone(leaked)
        # an agent who reads the ticket opens the wizard as before
        self.authenticate("wiz_agent", "wiz_agent")
        wizard_id = self._call("create", [{"ticket_id": self.ticket.id}])
        values = self._call("read", [[wizard_id], fields])[0]
        self.assertEqual(values["partner_phone"], "+49 171 5550101")
        self.assertTrue(values["post_text"])
