# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures: a Telegram bot source, its team, updates shaped as the Bot API sends them, and
the fake network at the HTTP boundary (loopback requests pass through to the test server)."""

import json
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo.addons.social_crm.connectors import telegram
from odoo.addons.social_crm.tests.common import FakeNetwork
from odoo.tests import HttpCase, new_test_user

BOT_TOKEN = "5000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "dm-secret_token-0123456789"
SEND_URL = f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"


def update(update_id, text, chat_id=1111111, message_id=None, first="Tara", last="Telegram",
           username="tara_tg", date=1764600000, **extra):
    """A Bot API ``Update`` holding a private message."""
    user = {"id": chat_id, "is_bot": False, "first_name": first, "last_name": last,
            "username": username, "language_code": "de"}
    message = {
        "message_id": message_id or update_id,
        "from": user,
        "chat": {"id": chat_id, "first_name": first, "last_name": last, "username": username,
                 "type": "private"},
        "date": date,
        "text": text,
        **extra,
    }
    return {"update_id": update_id, "message": message}


def sent(chat_id, message_id, text):
    return {"ok": True, "result": {
        "message_id": message_id, "date": 1764600100, "text": text,
        "from": {"id": 5000000001, "is_bot": True, "first_name": "Acme",
                 "username": "acme_service_bot"},
        "chat": {"id": chat_id, "type": "private", "first_name": "Tara"}}}


class DmCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        env["helpdesk.ticket.team"].search([]).write({"social_auto_ticket": False})
        cls.agent = new_test_user(
            env, login="dm_agent", name="Dora Agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,"
            "social_crm.group_social_crm_user",
        )
        cls.team = env["helpdesk.ticket.team"].create(
            {"name": "Private Care", "user_ids": [(6, 0, cls.agent.ids)]}
        )
        cls.telegram = env.ref("social_crm_helpdesk_dm.network_telegram")
        cls.source = env["social.crm.source"].create(
            {
                "name": "Acme bot",
                "network_id": cls.telegram.id,
                "kind": "direct",
                "intake_mode": "push",
                "access_token": BOT_TOKEN,
                "verify_token": SECRET,
                "dm_team_id": cls.team.id,
            }
        )
        cls.Event = env["social.crm.event"]
        cls.Post = env["social.crm.post"]

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        original = type(self)._request_handler

        def handler(session, prepared, /, **kwargs):
            if urlsplit(prepared.url).hostname in ("127.0.0.1", "localhost"):
                return original(session, prepared, **kwargs)
            return self.net.handler(session, prepared, **kwargs)

        self.startPatcher(patch.object(type(self), "_request_handler", handler))
        self.startPatcher(patch.object(type(self.env["ir.cron"]), "_trigger"))

    def deliver(self, payload, secret=SECRET):
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[telegram.SECRET_HEADER] = secret
        return self.url_open(f"/social_crm/webhook/{self.source.webhook_token}",
                             data=json.dumps(payload).encode(), headers=headers)

    def process(self):
        events = self.Event.search([("source_id", "=", self.source.id), ("state", "=", "new")])
        events._process()
        return events

    def run_sender(self):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda cron, processed=0, remaining=None, deactivate=False: 60.0):
            self.env["social.crm.outbox"]._cron_send()
        self.env.invalidate_all()
