# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
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


@tagged("post_install", "-at_install")
class TestReplyAccess(SocialHelpdeskCase):
    """Issue 18 (high): what a company-A helpdesk user can do over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_a = new_test_user(
            cls.env, login="sh_agent_a", name="Anna A",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
        )
        cls.source_b = cls.env["social.crm.source"].create(
            {
                "name": "Mastodon of company B",
                "company_id": cls.other_company.id,
                "network_id": cls.mastodon.id,
                "kind": "mentions",
                "base_url": "https://mastodon.example",
                "access_token": "company-b-token",
            }
        )

    def b_post(self):
        author = self.make_author("b-1", "bert@mastodon.example", "Bert", network="mastodon")
        post = self.ingest(
            self.complaint("555000000000008001", author=author, network="mastodon", lang="en",
                           text="@acme your update broke my plug"),
            source=self.source_b,
        )
        self.assertEqual(post.company_id, self.other_company)
        return post

    def test_reply_with_another_companys_post_is_refused(self):
        ticket = self.ingest(self.complaint("1990000000000005001")).ticket_id
        post_b = self.b_post()
        Wizard = self.env["social.crm.reply.wizard"].with_user(self.agent_a)
        action = ticket.with_user(self.agent_a).action_social_reply()
        wizard = Wizard.browse(action["res_id"])
        # the wizard's post can only be one of the ticket's posts: writing it is refused...
        with self.assertRaises(ValidationError):
            wizard.write({"post_id": post_b.id, "text": "Hello from A"})
        # ... and so is creating a wizard with it
        with self.assertRaises(ValidationError):
            Wizard.create({"ticket_id": ticket.id, "post_id": post_b.id, "text": "Hi"})
        # the sender checks too (a wizard row forged past the ORM)
        wizard.text = "Hello from A"
        self.env.cr.execute(
            "UPDATE social_crm_reply_wizard SET post_id = %s WHERE id = %s",
            (post_b.id, wizard.id),
        )
        wizard.invalidate_recordset()
        with self.assertRaises(AccessError):
            wizard.action_send()
        # a reply record cannot be created or re-pointed over RPC either
        with self.assertRaises(AccessError):
            self.env["social.crm.reply"].with_user(self.agent_a).create(
                {"ticket_id": ticket.id, "post_id": post_b.id, "text": "Hi"})
        self.assertFalse(self.net.requests, "nothing was published with company B's token")
        self.assertFalse(self.env["social.crm.reply"].search([("post_id", "=", post_b.id)]))
        self.assertFalse(ticket.social_first_reply_at)

    def test_reply_when_the_post_company_is_not_allowed(self):
        """A post of the ticket's conversation, but in a company the user may not act for."""
        ticket = self.ingest(self.complaint("1990000000000005002")).ticket_id
        post_b = self.b_post()
        # e.g. a ticket mixed up by a migration (past the ORM: check_company refuses it)
        self.env.cr.execute(
            "UPDATE social_crm_post SET ticket_id = %s WHERE id = %s", (ticket.id, post_b.id)
        )
        post_b.invalidate_recordset()
        ticket.invalidate_recordset()
        # refused when the wizard is made on the post the user may not read (before: when
        # sending)
        with self.assertRaises(AccessError):
            wizard = self.env["social.crm.reply.wizard"].with_user(self.agent_a).create(
                {"ticket_id": ticket.id, "post_id": post_b.id, "text": "Hi"})
            wizard.action_send()
        self.assertFalse(self.net.requests)

    def test_social_fields_are_written_by_the_product_only(self):
        post = self.ingest(self.complaint("1990000000000005003", author=self.ina()))
        ticket = post.ticket_id
        other = self.ingest(self.complaint("1990000000000005004")).ticket_id
        now = fields.Datetime.now()
        forged = {
            "social_first_reply_at": now,
            "social_deadline_met": True,
            "social_tier": "regular",
            "social_post_id": other.social_post_id.id,
            "social_post_ids": [(4, other.social_post_id.id)],
            "social_network_id": self.mastodon.id,
            "social_conversation_key": "forged",
            "social_identity_id": False,
            "social_is_influencer": False,
            "social_posted_at": now,
            "social_detected_at": now,
            "social_ticket_at": now,
            "social_response_deadline": now,
            "has_sensitive_data": False,
            "social_pii_kinds": "iban",
            # the current wait (stored computes the product writes when a ticket waits again)
            "social_wait_since": now,
            "social_wait_deadline": now + timedelta(days=7),
            "social_wait_escalate_at": now + timedelta(days=3),
            "social_wait_reply_at": now,
            "social_wait_met": True,
            "social_reopen_count": 3,
            "social_escalate_at": now + timedelta(days=3),
            # the deadline the social ticket list is sorted by
            "social_waiting_deadline": now + timedelta(days=7),
        }
        before = ticket.read(list(forged))[0]
        as_agent = ticket.with_user(self.agent_a)
        for name, value in forged.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_agent.write({name: value})
            # a context key sent over RPC does not open the door
            with self.subTest(field=name, context=True), self.assertRaises(AccessError):
                as_agent.with_context(social_crm_product_write=True).write({name: value})
        ticket.invalidate_recordset()
        self.assertEqual(ticket.read(list(forged))[0], before)
        # a new ticket cannot carry forged KPIs either; ordinary fields stay writable
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent_a)
        with self.assertRaises(AccessError):
            Ticket.create({"name": "Forged", "description": "x",
                           "social_first_reply_at": now, "social_deadline_met": True})
        plain = Ticket.create({"name": "By phone", "description": "x",
                               "social_first_reply_at": False})
        self.assertFalse(plain.social_first_reply_at)
        as_agent.write({"name": "Renamed"})
        self.assertEqual(ticket.name, "Renamed")

    def test_not_a_complaint_by_a_helpdesk_agent_without_social_crm_rights(self):
        """The ticket form shows *Not a Complaint* to every agent (the demo's agent has the
        helpdesk rights only): an agent who may write the ticket decides for its posts, which
        he may only read. Before, the button raised an access error on the posts."""
        post = self.ingest(self.complaint("1990000000000005010"))
        ticket = post.ticket_id
        self.assertFalse(self.agent_a.has_group("social_crm.group_social_crm_user"))
        action = ticket.with_user(self.agent_a).action_social_not_complaint()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(post.complaint_decision, "not_complaint")
        label = self.env["social.crm.complaint.label"].search([("post_id", "=", post.id)])
        self.assertEqual(label.user_id, self.agent_a, "the decision stays the agent's")
        note = ticket.message_ids.filtered(lambda m: "as not a complaint" in (m.body or ""))
        self.assertEqual(note.author_id, self.agent_a.partner_id)
        self.assertIn("Anna A", note.body)
        # the posts themselves stay read-only for the agent
        with self.assertRaises(AccessError):
            post.with_user(self.agent_a).write({"state": "new"})
        with self.assertRaises(AccessError):
            post.with_user(self.agent_a).action_not_complaint()
        # an employee who may not write the ticket may not decide through it either
        with self.assertRaises(AccessError):
            ticket.with_user(self.plain_user).action_social_not_complaint()

    def test_post_form_shows_a_helpdesk_agent_only_buttons_that_work(self):
        """A helpdesk agent without Social CRM rights opens a post from the ticket's Social
        Media tab: every button of the post's form works for them. Before, *Back to New*
        (and *Hide on the Network*, *Mark Reviewed*, *Ignore*) raised an access error."""
        post = self.ingest(self.complaint("1990000000000005020"))
        self.assertTrue(post.ticket_id)
        Post = self.env["social.crm.post"].with_user(self.agent_a)
        for state in ("new", "reviewed"):  # the header differs by the post's state
            post.sudo().state = state
            arch = etree.fromstring(Post.get_views([(False, "form")])["views"]["form"]["arch"])
            refused = []
            for button in arch.iterfind(".//button[@type='object']"):
                name = button.get("name")
                try:
                    with self.env.cr.savepoint():
                        getattr(post.with_user(self.agent_a), name)()
                except AccessError:
                    refused.append(name)
                except UserError:
                    continue  # a refusal in words (e.g. nothing to hide) is no broken button
            self.assertFalse(refused, f"buttons shown to the agent that refuse them ({state})")
