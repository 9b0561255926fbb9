# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo shows the product at its best (issue 17): a person owns every ticket, every
complaint of the replay has its ticket."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    def test_nobody_is_odoobot(self):
        if not self.env["ir.module.module"].search_count(
            [("name", "=", "social_crm_helpdesk"), ("demo", "=", True)]
        ):
            self.skipTest("installed without demo data")
        root = self.env.ref("base.user_root")
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("user_id", "=", root.id)]).mapped("number"),
            "OdooBot owns no ticket of the demo (helpdesk_mgmt's demo gives it some)",
        )
        self.assertFalse(
            self.env["helpdesk.ticket.team"].with_context(active_test=False).search(
                [("user_ids", "in", root.ids)]
            ),
            "OdooBot is no agent of a demo team",
        )
        complaints = self.env["social.crm.post"].search(
            [("complaint_label", "=", "complaint"), ("ticket_id", "=", False)]
        )
        self.assertFalse(complaints.mapped("text"), "every demo complaint has its ticket")
