# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import tagged

from .common import SocialTourCase

ROOT = "1880000000000000501"


@tagged("post_install", "-at_install")
class TestCrisisTour(SocialTourCase):
    def test_crisis_tour(self):
        env = self.env
        admin = env.ref("base.user_admin")
        team = self.tour_team("Crisis Tour Team", user_id=admin.id)
        env["social.crm.wording"].create(
            {"name": "Tour Störung", "lang": "de", "category": "status",
             "body": "{{ handle }} Wir kennen die Störung und arbeiten daran. {{ ticket_ref }}"}
        ).action_approve()
        source = self.tour_source("Crisis Tour X")
        now = dt.datetime.now(dt.UTC)

        def post(ext, text, minutes, reply=False):
            return Post(
                network="x", external_id=ext, text=text, lang="de",
                posted_at=now - dt.timedelta(minutes=minutes),
                in_reply_to_external_id=ROOT if reply else None,
                conversation_external_id=ROOT if reply else None,
                author=Author(network="x", external_id=f"u{ext[-4:]}",
                              handle=f"kunde_{ext[-4:]}", display_name=f"Kunde {ext[-4:]}"),
            )

        Post_ = env["social.crm.post"]
        Post_._ingest_posts(
            [post(ROOT, "@acme_support Router kaputt, keiner antwortet! Frechheit!", 40)], source)
        Post_._ingest_posts(
            [post(f"18800000000005{i:05d}",
                  "@acme_support Bei mir auch! Seit Tagen kaputt, Frechheit, ich kündige!",
                  30 - i, reply=True) for i in range(12)],
            source,
        )
        incident = env["social.crm.incident"].search([("key", "=", f"x:{ROOT}")])
        self.assertEqual(incident.team_id, team)
        self.assertTrue(incident.ticket_ids, "the conversation's ticket is grouped")
        # the alert: in the team's channel, with the link to the incident, and a to-do
        message = team.social_alert_channel_id.message_ids[:1]
        self.assertIn(f"social_crm_incident_action/{incident.id}", message.body)
        self.assertEqual(incident.activity_ids.user_id, admin)
        with self.fake_network():
            self.start_tour("/odoo/action-social_crm_helpdesk.social_crm_incident_action",
                            "social_crm_helpdesk_crisis_tour", login="admin")
        incident.invalidate_recordset()
        self.assertEqual(incident.state, "answered")
        replies = incident.ticket_ids.social_reply_ids
        self.assertTrue(replies)
        self.assertEqual(set(replies.mapped("state")), {"queued"})
