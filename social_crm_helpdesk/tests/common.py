# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures: a social team with rules, sources with credentials, an influencer contact, and the
FakeNetwork of social_crm's tests at the HTTP boundary (real connector code, canned answers)."""

import datetime as dt
from contextlib import contextmanager
from unittest.mock import patch
from urllib.parse import urlsplit

from lxml import etree

from odoo import fields
from odoo.addons.social_crm.connectors.base import Post
from odoo.addons.social_crm.tests.common import FakeNetwork, SocialCrmCase
from odoo.tests import HttpCase, common, new_test_user


def social_list_order(env):
    """The order of the Social Tickets list, as the web client reads it from the list view of
    the action (its ``default_order``)."""
    view = env.ref("social_crm_helpdesk.helpdesk_ticket_view_list_social_deadline")
    arch = env["helpdesk.ticket"].get_views([(view.id, "list")])["views"]["list"]["arch"]
    return etree.fromstring(arch).get("default_order")


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

    def run_sender(self):
        """Run the outbox cron's job as the cron would (its commits not done)."""
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.env["social.crm.outbox"]._cron_send()
        self.env.invalidate_all()

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

    def on_leave(self, user):
        """``user`` has a time off from yesterday to tomorrow (their resource's own)."""
        resource = self.env["resource.resource"].search([("user_id", "=", user.id)], limit=1)
        if not resource:
            resource = self.env["resource.resource"].create({
                "name": user.name, "user_id": user.id, "company_id": self.company.id,
                "calendar_id": self.company.resource_calendar_id.id,
            })
        now = fields.Datetime.now()
        return self.env["resource.calendar.leaves"].create({
            "name": "Holiday", "resource_id": resource.id,
            "calendar_id": resource.calendar_id.id,
            "date_from": now - dt.timedelta(days=1), "date_to": now + dt.timedelta(days=1),
        })

    def asleep(self):
        """Nobody of the team online; Agnes and Bert have open tickets, Cleo is on leave."""
        self.online(self.agent, self.bert, self.cleo, self.leader, status="offline")
        self.Ticket.create([
            {"name": "busy", "description": "x", "team_id": self.team.id,
             "user_id": self.agent.id},
            {"name": "busy 2", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
            {"name": "busy 3", "description": "x", "team_id": self.team.id,
             "user_id": self.bert.id},
        ])
        self.on_leave(self.cleo)

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


class SocialTourCase(HttpCase):
    """The fixtures the Chromium tours share: a tour team that takes the tours' posts (the demo
    teams take none), an X source with its four keys, an influencer with an identity, posts as
    a connector parses them, the user's language, and the FakeNetwork at the HTTP boundary
    (the browser's own requests to the test server pass through)."""

    X_KEYS = {"account_id": "1", "api_key": "ck", "api_secret": "cs", "access_token": "at",
              "access_token_secret": "ats"}

    def browser_js(self, url_path, code, ready="", login=None, **kw):
        """The browser runs in the time zone of the user who logs in, as on the user's own
        computer: the web client shows datetimes in the browser's zone, the server writes
        them in the user's, and the tours compare both."""
        user = self.env["res.users"].search([("login", "=", login)], limit=1) if login else None
        timezone = (user and user.tz) or "UTC"
        original = common.ChromeBrowser.__init__

        def init(browser, *args, **kwargs):
            original(browser, *args, **kwargs)
            browser._websocket_request(
                "Emulation.setTimezoneOverride", params={"timezoneId": timezone}
            )

        with patch.object(common.ChromeBrowser, "__init__", init):
            return super().browser_js(url_path, code, ready=ready, login=login, **kw)

    def tour_team(self, name, **vals):
        self.env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        admin = self.env.ref("base.user_admin")
        return self.env["helpdesk.ticket.team"].create(
            {"name": name, "sequence": 0, "social_auto_ticket": True,
             "social_min_confidence": 0.5, "user_ids": [(6, 0, admin.ids)], **vals}
        )

    def tour_source(self, name, network="x", **vals):
        values = {"name": name, "network_id": self.env.ref(f"social_crm.network_{network}").id,
                  "kind": "mentions", **(self.X_KEYS if network == "x" else {})}
        values.update(vals)
        return self.env["social.crm.source"].create(values)

    def tour_influencer(self, name, external_id, handle, network="x", **partner_vals):
        partner = self.env["res.partner"].create({"name": name, **partner_vals})
        self.env["social.crm.score.history"].create(
            {"partner_id": partner.id, "company_id": self.env.company.id,
             "date": fields.Date.today(), "score": 97.0, "tier": "top_influencer",
             "is_influencer": True, "is_current": True}
        )
        network = self.env.ref(f"social_crm.network_{network}")
        self.env["social.crm.identity"].create(
            {"partner_id": partner.id, "network_id": network.id, "external_id": external_id,
             "handle": handle}
        )
        return partner

    @staticmethod
    def tour_post(ext, text, author, minutes_ago=0, network="x", lang="de", url=None, **kw):
        return Post(network=network, external_id=ext, text=text, lang=lang,
                    posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago),
                    author=author, url=url or f"https://x.com/i/web/status/{ext}", **kw)

    def tour_ingest(self, posts, source):
        result = self.env["social.crm.post"]._ingest_posts(list(posts), source)
        return self.env["social.crm.post"].browse(result.post_ids)

    def use_language(self, code, modules=("social_crm", "social_crm_scoring",
                                          "social_crm_helpdesk")):
        """The admin reads the tour in English ("en") or German ("de")."""
        admin = self.env.ref("base.user_admin")
        if code == "de":
            self.env["res.lang"]._activate_lang("de_DE")
            self.env["ir.module.module"]._load_module_terms(list(modules), ["de_DE"],
                                                            overwrite=True)
            admin.lang = "de_DE"
        else:
            admin.lang = "en_US"

    @contextmanager
    def fake_network(self, net=None):
        """Requests to a network go to ``net`` (a FakeNetwork); the browser's to the server."""
        net = net or FakeNetwork()
        original = type(self)._request_handler

        def handler(session, prepared, /, **kwargs):
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return net.handler(session, prepared, **kwargs)

        with patch.object(type(self), "_request_handler", handler):
            yield net
