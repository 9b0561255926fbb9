# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures: a social team with rules, sources with credentials, an influencer contact, and the
FakeNetwork of social_crm's tests at the HTTP boundary (real connector code, canned answers)."""

from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.tests.common import FakeNetwork, SocialCrmCase
from odoo.tests import new_test_user


class SocialHelpdeskCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.facebook = cls.env.ref("social_crm.network_facebook")
        # the demo teams must not take the tests' posts
        cls.env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        cls.agent = new_test_user(
            cls.env,
            login="sh_agent",
            name="Agnes Agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Social Care Test",
                "sequence": 0,
                "company_id": cls.company.id,
                "user_ids": [(6, 0, [cls.agent.id, cls.env.ref("base.user_admin").id])],
                "social_auto_ticket": True,
                "social_network_ids": [(6, 0, [cls.x.id, cls.mastodon.id, cls.facebook.id])],
                "social_lang_codes": "de, en",
                "social_keywords_exclude": "gewinnspiel",
                "social_min_confidence": 0.6,
            }
        )
        cls.second_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Billing Test", "company_id": cls.company.id, "user_ids": []}
        )
        cls.company.write(
            {
                "social_influencer_response_minutes": 15,
                "social_regular_response_minutes": 60,
                "social_helpdesk_team_id": cls.team.id,
            }
        )
        cls.x_source = cls.env["social.crm.source"].create(
            {
                "name": "X mentions (test)",
                "network_id": cls.x.id,
                "kind": "mentions",
                "account_id": "1440000000000000000",
                "api_key": "ck-test",
                "api_secret": "cs-test",
                "access_token": "at-test",
                "access_token_secret": "ats-test",
                "bearer_token": "bearer-test",
            }
        )
        cls.mastodon_source = cls.env["social.crm.source"].create(
            {
                "name": "Mastodon (test)",
                "network_id": cls.mastodon.id,
                "kind": "mentions",
                "base_url": "https://mastodon.example",
                "access_token": "masto-token",
            }
        )
        cls.facebook_source = cls.env["social.crm.source"].create(
            {
                "name": "Facebook page (test)",
                "network_id": cls.facebook.id,
                "kind": "page",
                "account_id": "102030405060",
                "access_token": "page-token",
            }
        )
        cls.influencer = cls.env["res.partner"].create(
            {"name": "Ina Influencer", "phone": "+49 30 1234567", "email": "ina@example.org"}
        )
        # the contact's current score is its current Social Score history row (when
        # social_crm_scoring is installed: it makes her a top influencer)
        if "social.crm.score.history" in cls.env:
            cls.env["social.crm.score.history"].sudo().create(
                {"partner_id": cls.influencer.id, "company_id": cls.env.company.id,
                 "date": fields.Date.today(), "score": 95.0, "tier": "top_influencer",
                 "is_influencer": True, "is_current": True}
            )
        cls.influencer.invalidate_recordset()
        cls.env["social.crm.identity"].create(
            {
                "partner_id": cls.influencer.id,
                "network_id": cls.x.id,
                "external_id": "9000",
                "handle": "ina_influencer",
            }
        )

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def rate(self, ticket, value):
        """The customer rates ``ticket`` on Odoo's rating page (5 happy, 3 neutral, 1 unhappy)."""
        token = ticket.sudo()._rating_get_access_token()
        return ticket.sudo().rating_apply(value, token=token)

    def ingest(self, *posts, source=None):
        result = self.Post._ingest_posts(list(posts), source or self.x_source)
        return self.Post.browse(result.post_ids)

    def complaint(self, ext, text=None, author=None, **kw):
        author = author or self.make_author(f"a-{ext}", f"user_{ext}", f"User {ext}")
        text = text or "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
        kw.setdefault("lang", "de")
        return self.make_post(ext, author, text=text, **kw)

    def ina(self):
        return self.make_author("9000", "ina_influencer", "Ina Influencer")


class ArrivalCase(SocialHelpdeskCase):
    """Agents on duty, a team leader and critics with many followers (no tests here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = (
            "base.group_user,helpdesk_mgmt.group_helpdesk_user,social_crm.group_social_crm_user"
        )
        cls.bert = new_test_user(cls.env, login="sh_bert", name="Bert Agent", groups=groups)
        cls.cleo = new_test_user(cls.env, login="sh_cleo", name="Cleo Agent", groups=groups)
        cls.leader = new_test_user(cls.env, login="sh_lead", name="Lea Leader", groups=groups)
        cls.team.write(
            {
                "user_ids": [(6, 0, [cls.agent.id, cls.bert.id, cls.cleo.id])],
                "user_id": cls.leader.id,
                "social_assign_mode": "least_open",
            }
        )
        cls.odoobot = cls.env.ref("base.user_root")

    def online(self, *users, status="online"):
        self.env["mail.presence"].sudo().create(
            [{"user_id": user.id, "status": status} for user in users]
        )
        self.env["res.users"].invalidate_model(["im_status"])

    def critic_post(self, ext="crit-1", followers=10000, minutes_ago=1, text=None):
        author = self.make_author(
            f"critic-{ext}", f"critic_{ext}", "Carl Critic", followers_count=followers,
            listed_count=120, verified=True,
        )
        return self.ingest(self.complaint(ext, author=author, minutes_ago=minutes_ago, text=text))

    def channel_messages(self, team=None):
        channel = (team or self.team).social_alert_channel_id
        return self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", channel.id),
             ("message_type", "=", "comment")]
        ) if channel else self.env["mail.message"]
