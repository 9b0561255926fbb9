# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.addons.social_crm.tests.common import FakeNetwork
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWordingTour(HttpCase):
    def test_wording_tour(self):
        env = self.env
        env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        x = env.ref("social_crm.network_x")
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "Wording Tour Team",
                "sequence": 0,
                "social_auto_ticket": True,
                "social_min_confidence": 0.5,
                "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
            }
        )
        env["social.crm.reply.guideline"].create(
            {"team_id": team.id, "name": "Apologise once, do not argue in public"}
        )
        wording = env["social.crm.wording"].create(
            {
                "name": "Tour Entschuldigung",
                "lang": "de",
                "category": "apology",
                "team_ids": [(6, 0, team.ids)],
                "body": "{{ handle }} Hallo {{ first_name }}, das tut uns leid! "
                "Vorgang {{ ticket_ref }}. {{ agent_first_name }}",
            }
        )
        wording.action_approve()
        source = env["social.crm.source"].create(
            {
                "name": "Wording Tour X",
                "network_id": x.id,
                "kind": "mentions",
                "account_id": "1",
                "api_key": "ck",
                "api_secret": "cs",
                "access_token": "at",
                "access_token_secret": "ats",
            }
        )
        partner = env["res.partner"].create({"name": "Tina Tour"})
        env["social.crm.identity"].create(
            {"partner_id": partner.id, "network_id": x.id, "external_id": "7008",
             "handle": "tina_tour"}
        )
        result = env["social.crm.post"]._ingest_posts(
            [
                Post(
                    network="x",
                    external_id="1880000000000000301",
                    text="@acme_support Router kaputt, keiner antwortet! Frechheit!",
                    posted_at=dt.datetime.now(dt.UTC),
                    author=Author(network="x", external_id="7008", handle="tina_tour",
                                  display_name="Tina Tour"),
                    lang="de",
                )
            ],
            source,
        )
        ticket = env["social.crm.post"].browse(result.post_ids).ticket_id
        self.assertEqual(ticket.team_id, team)
        net = FakeNetwork()
        original = type(self)._request_handler

        def handler(session, prepared, /, **kwargs):
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return net.handler(session, prepared, **kwargs)

        with patch.object(type(self), "_request_handler", handler):
            self.start_tour(f"/odoo/helpdesk.ticket/{ticket.id}",
                            "social_crm_helpdesk_wording_tour", login="admin")
        ticket.invalidate_recordset()
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertEqual(
            reply.text,
            f"@tina_tour Hallo Tina, das tut uns leid! Vorgang {ticket.number}. Mitchell",
        )

    def test_inbox_reply_tour(self):
        env = self.env
        env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        x = env.ref("social_crm.network_x")
        wording = env["social.crm.wording"].create(
            {
                "name": "Tour Öffnungszeiten",
                "lang": "de",
                "category": "question",
                "body": "{{ handle }} Hallo {{ first_name }}, wir haben von 9 bis 18 Uhr "
                "geöffnet. {{ agent_first_name }}",
            }
        )
        wording.action_approve()
        source = env["social.crm.source"].create(
            {
                "name": "Inbox Tour X",
                "network_id": x.id,
                "kind": "mentions",
                "account_id": "1",
                "api_key": "ck",
                "api_secret": "cs",
                "access_token": "at",
                "access_token_secret": "ats",
            }
        )
        result = env["social.crm.post"]._ingest_posts(
            [
                Post(
                    network="x",
                    external_id="1880000000000000401",
                    text="@acme_support Wann habt ihr morgen geöffnet?",
                    posted_at=dt.datetime.now(dt.UTC),
                    author=Author(network="x", external_id="7009", handle="otto_tour",
                                  display_name="Otto Tour"),
                    lang="de",
                )
            ],
            source,
        )
        post = env["social.crm.post"].browse(result.post_ids)
        self.assertFalse(post.ticket_id)
        net = FakeNetwork()
        original = type(self)._request_handler

        def handler(session, prepared, /, **kwargs):
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return net.handler(session, prepared, **kwargs)

        with patch.object(type(self), "_request_handler", handler):
            self.start_tour(f"/odoo/social.crm.post/{post.id}",
                            "social_crm_helpdesk_inbox_reply_tour", login="admin")
        post.invalidate_recordset()
        reply = post.social_reply_ids
        self.assertEqual(reply.state, "queued")
        self.assertFalse(reply.ticket_id)
        self.assertFalse(post.ticket_id, "no ticket")
        self.assertEqual(
            reply.text, "@otto_tour Hallo Otto, wir haben von 9 bis 18 Uhr geöffnet. Mitchell"
        )
