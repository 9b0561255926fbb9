# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 18: portal customers, complaint labels, detection fields, tickets per batch."""

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ArrivalCase, SocialHelpdeskCase

SOCIAL_FIELDS = (
    "social_tier", "social_is_influencer", "social_response_deadline", "social_deadline_met",
    "social_deadline_state", "social_deadline_label", "social_first_reply_at",
    "social_post_id", "social_identity_id", "social_pii_kinds", "social_url",
)


@tagged("post_install", "-at_install")
class TestHardeningHelpdesk(SocialHelpdeskCase):
    def test_portal_customer_does_not_read_internal_profiling(self):
        post = self.ingest(self.complaint("h1", author=self.ina()))
        ticket = post.ticket_id
        self.assertTrue(ticket.social_is_influencer)
        ticket.write({"partner_id": self.portal.partner_id.id})  # the customer's own ticket
        as_portal = self.env(user=self.portal)["helpdesk.ticket"].browse(ticket.id)
        self.assertEqual(as_portal.read(["name"])[0]["name"], ticket.name)
        for name in SOCIAL_FIELDS:
            with self.assertRaises(AccessError, msg=name):
                as_portal.read([name])
        self.assertFalse(set(SOCIAL_FIELDS) & set(as_portal.fields_get()))
        # the description (shown in the portal) says nothing of the detection
        self.assertNotIn("probability", str(ticket.description))
        self.assertNotIn("%", str(ticket.description))
        # the customer can still write on the ticket's chatter
        as_portal.message_post(body="Danke!", message_type="comment",
                               subtype_xmlid="mail.mt_comment")
        # internal users still read everything
        agent_ticket = self.env(user=self.agent)["helpdesk.ticket"].browse(ticket.id)
        self.assertEqual(agent_ticket.social_tier, "top_influencer")

    def test_complaint_labels_come_from_decisions_only(self):
        post = self.ingest(self.complaint("h2", text="Wann kommt das neue Modell?"))
        labels = self.env(user=self.agent)["social.crm.complaint.label"]
        with self.assertRaises(AccessError):
            labels.create({"text": "Ich liebe euch", "is_complaint": True,
                           "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.env(user=self.user)["social.crm.complaint.label"].create(
                {"text": "x", "is_complaint": False})
        self.env(user=self.agent)["social.crm.post"].browse(post.id).action_not_complaint()
        label = self.env["social.crm.complaint.label"].search([("post_id", "=", post.id)])
        self.assertEqual((label.is_complaint, label.user_id), (False, self.agent))

    def test_users_cannot_forge_detection(self):
        post = self.ingest(self.complaint("h3"))
        as_agent = self.env(user=self.agent)["social.crm.post"].browse(post.id)
        for vals in ({"complaint_label": "praise"}, {"complaint_p": 0.0},
                     {"has_sensitive_data": False}, {"text": "nothing happened"}):
            with self.assertRaises(AccessError, msg=str(vals)):
                as_agent.write(vals)
        with self.assertRaises(AccessError):
            as_agent.write({"company_id": self.other_company.id})

    def test_tickets_per_batch_are_capped_the_rest_next_run(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_crm_helpdesk.ticket_batch_limit", "2")
        posts = self.ingest(*(self.complaint(f"cap{i}") for i in range(5)))
        self.assertEqual(len(posts.ticket_id), 2)
        pending = posts.filtered("social_route_pending")
        self.assertEqual(len(pending), 3)
        self.assertFalse(pending.ticket_id)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0):
            self.Post._cron_social_route_pending()
        self.assertEqual(len(posts.ticket_id), 5)
        self.assertFalse(posts.filtered("social_route_pending"))


RLO, PDF, ZWSP, BOM = "\u202e", "\u202c", "\u200b", "\ufeff"


@tagged("post_install", "-at_install")
class TestHostileNamesInTitles(ArrivalCase):
    def test_a_right_to_left_override_in_the_name_does_not_turn_the_ticket_title(self):
        """Served probe (Bluesky, Mastodon, Facebook webhook): an author named
        ``<img …>\\u202eynnA`` (a right-to-left override, never closed) opened a ticket whose
        title, in the form, the breadcrumbs and the team's alert, read backwards from the name
        on (``…ela=rorreno x=crs gmi><tpircs/>…``): the override in a name the network gave
        turned the product's own line. The title (author: preview) leaves out the bidi
        embeddings, overrides and isolates and the zero-width spaces; the post keeps its text
        as the network gave it (shown in an element of its own)."""
        author = self.make_author(
            "rlo-1", "evil_rlo", f"<img src=x onerror=alert(5)>{RLO}ynnA",
            followers_count=10000, listed_count=120, verified=True,
        )
        text = (f"@acme <script>alert('x')</script> Unverschämt! {RLO}gnuldnahebuB{PDF} "
                f"Kein{ZWSP}{BOM}Internet, Frechheit! \u202bembed\u2067isolate")
        post = self.ingest(self.complaint("rlo-1", author=author, text=text))
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertIn(RLO, post.text, "the post keeps what the network gave")
        for control in (RLO, PDF, ZWSP, BOM, "\u202b", "\u2067"):
            self.assertNotIn(control, ticket.name)
        self.assertEqual(
            ticket.name,
            "<img src=x onerror=alert(5)>ynnA: @acme <script>alert('x')</script> "
            "Unverschämt! gnuldnahebuB KeinInter…",
        )
        alert = self.channel_messages().filtered(lambda m: ticket.number in str(m.body))
        self.assertTrue(alert)
        self.assertNotIn(RLO, str(alert.body))
        self.assertIn("&lt;img src=x", str(alert.body), "escaped")
