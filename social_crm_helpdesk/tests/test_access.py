# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestAccess(SocialHelpdeskCase):
    def test_access(self):
        post = self.ingest(self.complaint("acc-1"))
        ticket = post.ticket_id
        post.with_user(self.agent).action_not_complaint()
        label = self.env["social.crm.complaint.label"].search([("post_id", "=", post.id)])
        self.assertTrue(label)
        # a plain employee: no labels, no replies, no report, cannot convert
        with self.assertRaises(AccessError):
            label.with_user(self.plain_user).read(["text"])
        with self.assertRaises(AccessError):
            self.env["social.crm.helpdesk.report"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            post.with_user(self.plain_user).action_convert_to_ticket()
        # a social CRM user without helpdesk rights cannot open tickets
        with self.assertRaises(AccessError):
            post.with_user(self.user).action_convert_to_ticket()
        # agents see the ticket's posts but not the analysis; managers see it
        self.assertEqual(ticket.with_user(self.agent).social_post_ids, post)
        with self.assertRaises(AccessError):
            self.env["social.crm.helpdesk.report"].with_user(self.agent).search([])
        helpdesk_manager = new_test_user(
            self.env, login="sh_manager",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager")
        rows = self.env["social.crm.helpdesk.report"].with_user(helpdesk_manager).search(
            [("ticket_id", "=", ticket.id)])
        self.assertEqual(len(rows), 1)
        # other company: nothing of ours
        other_helpdesk = new_test_user(
            self.env, login="sh_other",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager,"
            "social_crm.group_social_crm_manager",
            company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)])
        self.assertFalse(
            self.env["social.crm.complaint.label"].with_user(other_helpdesk).search([]))
        self.assertFalse(
            self.env["social.crm.helpdesk.report"].with_user(other_helpdesk).search(
                [("ticket_id", "=", ticket.id)]))
        self.assertFalse(
            self.env["social.crm.helpdesk.kpi"].with_user(other_helpdesk).search(
                [("company_id", "=", self.company.id)]))
        # raw payloads stay with managers
        with self.assertRaises(AccessError):
            post.with_user(self.agent).read(["raw_payload"])
