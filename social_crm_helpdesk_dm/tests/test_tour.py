# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import tagged

from .common import SEND_URL, DmCase, sent, update


@tagged("post_install", "-at_install")
class TestDmTour(DmCase):
    def test_agent_answers_a_private_message(self):
        self.team.user_ids = [(4, self.env.ref("base.user_admin").id)]
        self.deliver(update(1301, "Hallo, mein Vertrag wurde doppelt abgebucht."))
        self.process()
        ticket = self.Post.search([("external_id", "=", "1111111:1301")]).ticket_id
        self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}", "social_crm_helpdesk_dm_tour",
                        login="admin")
        message = ticket.social_dm_message_ids
        self.assertEqual(message.state, "queued")
        self.assertFalse(self.net.requests, "nothing is sent in the agent's transaction")
        self.net.add("POST", SEND_URL, json_body=sent(1111111, 9100, "ok"))
        self.run_sender()
        self.assertEqual(message.state, "sent")
        self.assertEqual(json.loads(self.net.requests[0][0].body)["text"],
                         "Das klären wir sofort für Sie.")
