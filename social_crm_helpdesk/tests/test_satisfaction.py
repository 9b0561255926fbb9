# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SocialHelpdeskCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "19.0.1.2.0"


def _load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestSatisfaction(SocialHelpdeskCase):
    """The customer rates through Odoo's rating page (OCA helpdesk_mgmt_rating); the link goes
    out by a reply on the network, once the ticket is closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.closing = cls.env["social.crm.wording"].create(
            {
                "name": "Abschluss mit Bewertung",
                "lang": "de",
                "category": "closing",
                "body": "{{ handle }} Erledigt! Wie zufrieden sind Sie? {{ rating_link }}",
            }
        )
        cls.closing.action_approve()
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def open_wizard(self, ticket):
        action = ticket.with_user(self.agent).action_social_reply()
        return self.env["social.crm.reply.wizard"].with_user(self.agent).browse(action["res_id"])

    def test_rating_link_by_reply_only_once_closed(self):
        post = self.ingest(self.complaint("1990000000000000801", author=self.ina()))
        ticket = post.ticket_id
        # open: the link is unknown, the placeholder stays and the reply cannot go out
        wizard = self.open_wizard(ticket)
        wizard.wording_id = self.closing
        wizard._onchange_wording_id()
        self.assertIn("{{ rating_link }}", wizard.text)
        with self.assertRaises(UserError):
            wizard.action_send()
        self.assertFalse(ticket.rating_ids, "no rating request for an open ticket")
        # closed: the link to Odoo's rating page goes out through the outbox
        ticket.stage_id = self.done
        wizard = self.open_wizard(ticket)
        wizard.wording_id = self.closing
        wizard._onchange_wording_id()
        request = ticket.sudo().rating_ids
        self.assertEqual(len(request), 1)
        self.assertFalse(request.consumed)
        link = f"{ticket.get_base_url()}/rate/{request.access_token}/5"
        self.assertEqual(wizard.text, f"@ina_influencer Erledigt! Wie zufrieden sind Sie? {link}")
        wizard.action_send()
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertIn(link, reply.outbox_id.text)
        self.assertFalse(ticket.social_satisfaction, "sent, not yet rated: no satisfaction")
        # the customer rates on the page; the ticket shows it, origin "customer"
        self.rate(ticket, 1)
        self.assertEqual(ticket.social_satisfaction, "negative")
        self.assertEqual(request.social_origin, "customer")
        self.assertTrue(request.consumed)

    def test_rating_page_opens_without_rating(self):
        """Opening the link (a network's link preview does) records nothing."""
        post = self.ingest(self.complaint("1990000000000000802"))
        ticket = post.ticket_id
        ticket.stage_id = self.done
        link = ticket.sudo()._social_rating_link()
        token = ticket.sudo().rating_ids.access_token
        self.assertTrue(link.endswith(f"/rate/{token}/5"))
        self.assertEqual(ticket.sudo()._social_rating_link(), link, "one token per request")
        ticket.sudo().rating_status = "no_rate"
        self.assertEqual(ticket.sudo()._social_rating_link(), "")

    def test_migration_keeps_agent_ratings_marked(self):
        t1, t2, t3 = (
            self.ingest(self.complaint(f"199000000000000081{i}")).ticket_id for i in range(3)
        )
        (t1 | t2 | t3).write({"stage_id": self.done.id})
        self.env.flush_all()
        # the database as 19.0.1.1.0 left it: the agent-typed column
        self.env.cr.execute(
            SQL("ALTER TABLE helpdesk_ticket ADD COLUMN social_rating varchar"))
        self.env.cr.execute(
            SQL("UPDATE helpdesk_ticket SET social_rating = CASE id WHEN %s THEN 'positive' "
                "WHEN %s THEN 'negative' END WHERE id IN %s", t1.id, t2.id, (t1.id, t2.id)))
        _load("pre-migration").migrate(self.env.cr, "19.0.1.1.0")
        _load("post-migration").migrate(self.env.cr, "19.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(t1.social_satisfaction, "positive")
        self.assertEqual(t2.social_satisfaction, "negative")
        self.assertFalse(t3.social_satisfaction)
        self.assertEqual(t1.sudo().rating_ids.social_origin, "agent")
        self.assertEqual(t2.sudo().rating_ids.social_origin, "agent")
        self.env.cr.execute(
            SQL("SELECT 1 FROM information_schema.columns WHERE table_name = 'helpdesk_ticket' "
                "AND column_name IN ('social_rating', 'social_rating_legacy')"))
        self.assertFalse(self.env.cr.fetchall(), "the legacy column is dropped")
        kpi = self.env["social.crm.helpdesk.report"]._social_kpi_summary(
            [("ticket_id", "in", (t1 | t2 | t3).ids)])
        self.assertAlmostEqual(kpi["positive_share"], 50.0, msg="satisfied of rated")
        self.assertAlmostEqual(kpi["rated_share"], 100.0 * 2 / 3)
