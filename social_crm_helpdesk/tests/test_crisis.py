# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..detection import crisis
from ..models.social_crm_incident import _crisis_cache_clear
from .common import SocialHelpdeskCase

ANGRY = "@acme Bei mir auch! Seit Tagen kaputt, keiner antwortet. Frechheit, ich kündige!"


@tagged("post_install", "-at_install")
class TestCrisis(SocialHelpdeskCase):
    """The crisis watch on ingestion: pile-ons and keyword spikes against the company's own
    baseline open an incident, alert the team leader, group the tickets; the team answers them
    all with one wording."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = cls.env.ref("base.user_admin")
        cls.team.user_id = cls.leader
        cls.company.social_crisis_keywords = "acme, acme router"
        cls.Incident = cls.env["social.crm.incident"]

    def setUp(self):
        super().setUp()
        # the baselines are cached per hour and worker; each test has its own history
        _crisis_cache_clear()

    def pile_on(self, root_ext, replies, prefix):
        root = self.ingest(self.complaint(root_ext, author=self.ina(), minutes_ago=30))
        batch = [
            self.complaint(
                f"{prefix}{i:04d}", text=ANGRY, minutes_ago=20 - i % 10,
                in_reply_to_external_id=root_ext, conversation_external_id=root_ext,
            )
            for i in range(replies)
        ]
        self.ingest(*batch)
        return root

    def test_pile_on_opens_an_incident_and_alerts_the_leader(self):
        root = self.pile_on("1990000000000000901", 12, "19900000000009")
        incident = self.Incident.search([("key", "=", "x:1990000000000000901")])
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.kind, "pile_on")
        self.assertEqual(incident.state, "new")
        self.assertEqual(incident.team_id, self.team)
        self.assertGreaterEqual(incident.observed_count, crisis.PILE_ON.min_count)
        self.assertLess(incident.p_value, crisis.PILE_ON.alpha)
        self.assertIn(root.ticket_id, incident.ticket_ids)
        # the leader: a message in the team's alert channel and an activity
        channel = self.team.social_alert_channel_id
        self.assertTrue(channel)
        self.assertIn(incident.name, channel.message_ids[:1].body)
        self.assertEqual(incident.activity_ids.user_id, self.leader)
        # more replies update the same incident, never a second one
        self.ingest(*[
            self.complaint(f"19900000000009{i:04d}", text=ANGRY, minutes_ago=1,
                           in_reply_to_external_id="1990000000000000901",
                           conversation_external_id="1990000000000000901")
            for i in range(100, 104)
        ])
        self.assertEqual(self.Incident.search_count([("key", "=", incident.key)]), 1)
        self.assertGreater(incident.observed_count, 12)

    def test_pile_on_counted_when_an_older_page_comes_after_a_newer_one(self):
        """A poll brings a conversation's newer replies first, then an older page (X and
        Mastodon page from the newest backwards; the demo's replay pages too): the older
        page's window also counts the newer replies stored before it. Before, it counted only
        up to the bucket of its own last post: 5 + 5 complaints on both sides of a bucket
        boundary never alerted (the demo's pile-on failed when the 10-minute boundary fell
        between two of its replayed posts)."""
        now = fields.Datetime.now()
        # a day ago: the demo's traffic of the installation is no part of the baseline
        boundary = crisis.bucket_start(now - dt.timedelta(days=1))

        def ago(at):
            return (now - at).total_seconds() / 60

        root = "1990000000000000931"
        self.ingest(self.complaint(root, author=self.ina(),
                                   minutes_ago=ago(boundary - dt.timedelta(minutes=4))))

        def replies(prefix, at):
            return [
                self.complaint(f"{prefix}{i:04d}", text=ANGRY, minutes_ago=ago(at),
                               in_reply_to_external_id=root, conversation_external_id=root)
                for i in range(5)
            ]

        self.ingest(*replies("19900000000031", boundary + dt.timedelta(minutes=1)))
        self.assertFalse(self.Incident.search([("key", "=", f"x:{root}")]), "5 are no crisis")
        self.ingest(*replies("19900000000032", boundary - dt.timedelta(minutes=2)))
        incident = self.Incident.search([("key", "=", f"x:{root}")])
        self.assertEqual(len(incident), 1, "10 complaints in the hour: a pile-on")
        self.assertEqual(incident.observed_count, 10)
        self.assertLess(incident.p_value, crisis.PILE_ON.alpha)

    def test_german_company_gets_a_german_incident(self):
        # the watch runs in the polling job (OdooBot, English): the company's language wins
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "de_DE"
        # its staff reads German: the alert channel's members (the agent, the leader) and the
        # leader (pop-up, to-do) read the language of their own users
        (self.agent | self.leader).write({"lang": "de_DE"})
        self.pile_on("1990000000000000911", 12, "19900000000019")
        incident = self.Incident.search([("key", "=", "x:1990000000000000911")])
        self.assertEqual(incident.name, "Pile-on in der Unterhaltung x:1990000000000000911")
        body = str(self.team.social_alert_channel_id.message_ids[:1].body)
        self.assertIn("Krisenwache", body)
        self.assertIn("in der letzten Stunde", body)
        self.assertNotIn("Crisis watch", body)
        self.assertTrue(incident.activity_ids.summary.startswith("Krisenwache: "))

    def test_the_alert_is_in_its_readers_language(self):
        """An English company whose leader and most of the team read German: the alert
        channel's message (most members German), the leader's pop-up and to-do are German,
        the incident keeps the company's English name. They were all English (the job's, the
        company's language), and there was no pop-up."""
        from unittest.mock import patch

        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "en_US"
        gerda = new_test_user(
            self.env, login="sh_gerda", name="Gerda Agentin", lang="de_DE",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        self.leader.lang = "de_DE"
        self.team.write({"user_ids": [(4, gerda.id)]})  # with the English agent
        sent = []
        Users = type(self.env["res.users"])
        original = Users._bus_send

        def record(users, notification_type, message, /, *, subchannel=None):
            if notification_type == "simple_notification":
                sent.append((users, message["title"], message["message"]))
            return original(users, notification_type, message, subchannel=subchannel)

        self.startPatcher(patch.object(Users, "_bus_send", record))
        self.pile_on("1990000000000000912", 12, "19900000000018")
        incident = self.Incident.search([("key", "=", "x:1990000000000000912")])
        self.assertEqual(incident.name, "Pile-on in conversation x:1990000000000000912")
        german_name = "Pile-on in der Unterhaltung x:1990000000000000912"
        body = str(self.team.social_alert_channel_id.message_ids[:1].body)
        self.assertIn(f"Krisenwache: {german_name}", body)
        self.assertIn("in der letzten Stunde", body)
        self.assertNotIn("Crisis watch", body)
        # (the root's author is a top influencer: its ticket's own alert pops up too)
        crisis_sent = [(users, title, message) for users, title, message in sent
                       if "Krisenwache" in title or "Crisis watch" in title]
        self.assertEqual([(users, title) for users, title, _m in crisis_sent],
                         [(self.leader, f"Krisenwache: {german_name}")])
        self.assertIn("in der letzten Stunde", crisis_sent[0][2])
        self.assertEqual(incident.activity_ids.summary, f"Krisenwache: {german_name}")
        # a name the team gave the incident is kept as it is
        incident.name = "Router outage Tuesday"
        self.assertEqual(incident.with_context(lang="de_DE")._crisis_label(),
                         "Router outage Tuesday")

    def test_a_few_replies_are_no_crisis(self):
        self.pile_on("1990000000000000902", 4, "19900000000008")
        self.assertFalse(self.Incident.search([("key", "=", "x:1990000000000000902")]))

    def test_old_posts_raise_nothing(self):
        """A backfill of last month's posts is counted, never alerted."""
        root = "1990000000000000903"
        self.ingest(self.complaint(root, minutes_ago=60 * 24 * 30))
        self.ingest(*[
            self.complaint(f"19900000000007{i:04d}", text=ANGRY, minutes_ago=60 * 24 * 30,
                           in_reply_to_external_id=root, conversation_external_id=root)
            for i in range(20)
        ])
        self.assertFalse(self.Incident.search([("key", "=", f"x:{root}")]))

    def test_keyword_spike_against_its_own_baseline(self):
        Bucket = self.env["social.crm.crisis.bucket"]
        now = fields.Datetime.now()
        # two days of history: "acme" 2 posts an hour, "acme router" every hour too
        history = {}
        for hour in range(2, 50):
            start = crisis.bucket_start(now - dt.timedelta(hours=hour))
            history[("keyword", "acme", start)] = [2, 1]
            history[("keyword", "acme router", start)] = [1, 0]
        Bucket._crisis_add(self.company, history)
        quiet = [self.complaint(f"19900000000006{i:04d}", text="acme ist toll", minutes_ago=5)
                 for i in range(3)]
        self.ingest(*quiet)
        self.assertFalse(self.Incident.search([("kind", "=", "spike")]))
        spike = [
            self.complaint(f"19900000000005{i:04d}", text=ANGRY.replace("@acme", "#acme"),
                           minutes_ago=i % 30)
            for i in range(40)
        ]
        self.ingest(*spike)
        incident = self.Incident.search([("kind", "=", "spike")])
        self.assertEqual(incident.key, "acme")
        self.assertGreaterEqual(incident.observed_count, 40)
        self.assertAlmostEqual(incident.expected_count, crisis.SPIKE.floor)
        self.assertTrue(incident.ticket_ids)

    def test_bulk_reply_with_a_wording(self):
        self.pile_on("1990000000000000904", 12, "19900000000004")
        incident = self.Incident.search([("key", "=", "x:1990000000000000904")])
        # a second ticket joins the incident (e.g. a quote of the critic by another customer)
        other = self.ingest(self.complaint("1990000000000000905")).ticket_id
        other.social_incident_id = incident
        wording = self.env["social.crm.wording"].create(
            {"name": "Störung", "lang": "de", "category": "status",
             "body": "{{ handle }} Wir kennen die Störung und arbeiten daran. {{ ticket_ref }}"})
        wording.action_approve()
        wizard = self.env["social.crm.incident.reply.wizard"].with_user(self.agent).create(
            {"incident_id": incident.id, "wording_id": wording.id})
        self.assertEqual(len(wizard.ticket_ids), 2)
        self.assertIn("Wir kennen die Störung", wizard.preview)
        wizard.action_send()
        replies = incident.ticket_ids.social_reply_ids
        self.assertEqual(len(replies), 2)
        self.assertEqual(set(replies.mapped("state")), {"queued"})
        self.assertIn("@ina_influencer", incident.ticket_ids[0].social_reply_ids.text
                      + incident.ticket_ids[1].social_reply_ids.text)
        self.assertEqual(incident.state, "answered")
        self.assertIn("2 queued", incident.message_ids[0].body)

    def test_dashboard_last_24_hours(self):
        self.pile_on("1990000000000000906", 12, "19900000000003")
        Report = self.env["social.crm.crisis.report"]
        [(posts, complaints, share, incidents)] = Report._read_group(
            [], [], ["post_count:sum", "complaint_count:sum", "complaint_share:avg",
                     "open_incident_count:sum"])
        self.assertGreaterEqual(posts, 13)
        self.assertGreaterEqual(complaints, 13)
        self.assertGreater(share, 0)
        self.assertGreaterEqual(incidents, 1)
