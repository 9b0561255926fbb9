#!/usr/bin/env python3
"""Take the README's screenshots of the demo database (see scripts/screenshots).

A headless Chromium is driven over the Chrome DevTools protocol (websocket-client): log in,
open each screen, wait for what it must show, capture 1280x800, save an optimised PNG.
"""

import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket
from PIL import Image

WIDTH, HEIGHT = 1280, 800


class Browser:
    """The one page of a headless Chromium, driven over the DevTools protocol."""

    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("chromium not found (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="social-crm-shots-")
        port = 9300 + os.getpid() % 500
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "--lang=en-US",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pages = _wait(lambda: _json(f"http://127.0.0.1:{port}/json"), 30, "Chromium")
        page = next(p for p in pages if p.get("type") == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )

    def call(self, method, params=None):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        return result.get("result", {}).get("value")

    def goto(self, url, selector, timeout=60):
        self.call("Page.navigate", {"url": url})
        self.wait_for(selector, timeout)

    def wait_for(self, selector, timeout=60):
        check = f"!!document.querySelector({json.dumps(selector)})"
        _wait(lambda: self.evaluate(check), timeout, selector)

    def wait_js(self, expression, timeout=60, what=None):
        _wait(lambda: self.evaluate(expression), timeout, what or expression)

    def type_into(self, selector, text):
        """Type ``text`` into a field as a person would (the web client sees its input events)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", {"text": text})

    def click(self, selector, then=None):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        if then:
            self.wait_for(then)
            # the tab opened: its content in view (the form's header scrolls away)
            self.evaluate(
                "document.querySelector('.o_notebook_headers')"
                "?.scrollIntoView({block: 'start'})"
            )

    def shot(self, path):
        time.sleep(1.5)  # let the web client finish its animations
        # toasts that arrived over the bus (alerts, channel invitations) cover the screen
        self.evaluate(
            "document.querySelectorAll('.o_notification_close').forEach((b) => b.click())"
        )
        self.evaluate("document.activeElement?.blur()")  # no blinking caret in the picture
        time.sleep(0.5)
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        # 256 colours: a screen of text and flat colours stays sharp at a third of the size
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        print(f"saved {path} ({os.path.getsize(path) // 1024} KiB)")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)


def _json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _wait(probe, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
        except (OSError, ValueError, RuntimeError):
            value = None
        if value:
            return value
        time.sleep(0.5)
    sys.exit(f"timed out waiting for {what}")


#: the headline case of the demo: a stranger with 10,400 followers (the replayed live stream,
#: ``social_crm/demo/replay/critic_wave.jsonl``) attacks the brand on X
HEADLINE_POST = "1871000000000000001"
#: the stream's posts in that conversation: the critic's and four replies
HEADLINE_WAVE = 5
#: the agent who owns the headline ticket answers it (login = password in the demo)
AGENT = "demo"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="social_crm_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="readme/images")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    _wait(lambda: _json(f"{args.url}/web/health"), 180, f"Odoo on {args.url}")

    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    uid = common.authenticate(args.db, args.login, args.password, {})
    agent_uid = common.authenticate(args.db, AGENT, AGENT, {})
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)

    def rpc(model, method, *params, **kw):
        return models.execute_kw(args.db, uid, args.password, model, method, list(params), kw)

    def ref(xmlid):
        module, name = xmlid.split(".")
        rows = rpc(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return rows[0]["res_id"] if rows else None

    # German for the German screenshots, with the translations of every installed module's
    # records (Odoo's --load-language loads them while only the models of base are set up:
    # the records of the other modules, e.g. helpdesk_mgmt's stages, would stay English)
    german = rpc("res.lang", "search", [("code", "=", "de_DE"), ("active", "in", [True, False])])
    if german:
        wizard = rpc("base.language.install", "create", {"lang_ids": [(6, 0, german)]})
        rpc("base.language.install", "lang_install", [wizard])
    # the headline ticket: opened by the live stream (scripts/screenshots runs the listener)
    def headline_ticket():
        rows = rpc(
            "social.crm.post", "search_read",
            [("external_id", "=", HEADLINE_POST), ("ticket_id", "!=", False)],
            fields=["ticket_id"],
        )
        return rows and rows[0]["ticket_id"][0]

    ticket = _wait(headline_ticket, 180, "the headline ticket (the replayed live stream)")
    # the whole stream arrived: the critic's post and the replies under it
    _wait(
        lambda: rpc("social.crm.post", "search_count",
                    [("conversation_external_id", "=", HEADLINE_POST)]) >= HEADLINE_WAVE,
        120, "the replies of the replayed live stream",
    )
    sophie = ref("social_crm.partner_demo_sophie")
    # the lead of a customer whose complaint of yesterday still waits (the demo's backlog)
    lead = ref("social_crm_scoring.lead_demo_james")
    # the demo's scores as the nightly run gives them (every demo contact there)
    rpc("res.partner", "action_social_score_recompute", [sophie])
    ticket_number = rpc("helpdesk.ticket", "read", [ticket], ["number"])[0]["number"]
    alert = rpc(
        "mail.message", "search_read",
        [("model", "=", "discuss.channel"), ("body", "ilike", "Alert:"),
         ("body", "ilike", f">{ticket_number} - ")],
        fields=["res_id"], limit=1,
    )
    channel = alert and alert[0]["res_id"]
    # the answer is written once (a second run shows the composer and discards it)
    answered = rpc("social.crm.reply", "search_count", [("ticket_id", "=", ticket)])
    social_tickets = "/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social"

    browser = Browser()
    # the web client shows times in the browser's time zone, the server's badges in the
    # user's: the same zone for both, as on the user's own computer
    tz = rpc("res.users", "read", [uid], ["tz"])[0]["tz"]
    if tz:
        browser.call("Emulation.setTimezoneOverride", {"timezoneId": tz})

    def login(login, password):
        browser.goto(f"{args.url}/web/session/logout", "body")
        browser.goto(f"{args.url}/web/login?db={args.db}", "input[name=login]")
        browser.evaluate(
            f"""document.querySelector('input[name=login]').value = {json.dumps(login)};
                document.querySelector('input[name=password]').value = {json.dumps(password)};
                document.querySelector('form').submit();"""
        )
        _wait(lambda: "/odoo" in (browser.evaluate("location.pathname") or ""), 60, "login")

    def compose_answer():
        """The agent opens the composer, picks the team's approved apology in German."""
        browser.click("button[name=action_social_reply]", ".modal div[name=wording_id] input")
        browser.type_into(".modal div[name=wording_id] input", "Entschuldigung")
        browser.wait_for(".o-autocomplete--dropdown-item")
        browser.evaluate(
            "document.querySelector('.o-autocomplete--dropdown-item a, "
            ".o-autocomplete--dropdown-item').click()"
        )
        browser.wait_js(
            "(document.querySelector('.modal div[name=text] textarea')?.value || '')"
            ".includes('Markus')",
            what="the wording's text in the composer",
        )

    def send_answer():
        if answered:
            browser.evaluate("document.querySelector('.modal .o_form_button_cancel, "
                             ".modal button.btn-close').click()")
            return
        browser.evaluate("document.querySelector('.modal button[name=action_send]').click()")
        browser.wait_js("!document.querySelector('.modal')", what="the composer to close")
        # the outbox sender (a cron: none runs beside this server) delivers it now
        rpc("ir.cron", "method_direct_trigger", [ref("social_crm.ir_cron_social_crm_outbox")])
        _wait(
            lambda: rpc("social.crm.reply", "search_count",
                        [("ticket_id", "=", ticket), ("state", "not in", ["draft", "queued"])]),
            60, "the outbox's answer",
        )

    def headline_on_top():
        """The list's own order (waiting first, by priority, then deadline): the headline
        ticket is its first row."""
        browser.wait_js(
            "document.querySelector('.o_data_row td[name=number]')?.textContent.trim() === "
            + json.dumps(ticket_number),
            what="the headline ticket on top",
        )

    def show_alert():
        """The newest alert, the headline ticket's, at the end of the channel, in view."""
        browser.wait_js(
            "[...document.querySelectorAll('.o-mail-Message')].some((m) => m.textContent"
            f".includes({json.dumps(ticket_number)}))",
            what="the headline ticket's alert",
        )
        # the thread opens at the first unread message: read, then scrolled to its end
        browser.evaluate(
            "[...document.querySelectorAll('button, a')]"
            ".find((b) => b.textContent.trim() === 'Mark as Read')?.click()"
        )
        for _attempt in range(3):
            time.sleep(1)
            browser.evaluate(
                "document.querySelectorAll('.o-mail-Thread').forEach((t) => "
                "{ t.scrollTop = t.scrollHeight; })"
            )

    ticket_form = f"{social_tickets}/{ticket}"
    try:
        out = args.out
        shots = [
            ("login", args.login, args.password),
            ("lang", uid, "en_US"),
            (
                "contact-score.png",
                f"/odoo/contacts/{sophie}",
                ".o_social_score_badges",
                "a[name=social_score]",
                ".o_social_score_parts",
            ),
            ("lead-complaint.png", f"/odoo/crm/{lead}", ".o_social_lead_overdue", None, None),
            ("social-tickets.png", social_tickets, ".o_data_row", None, None),
            (
                "social-inbox.png",
                "/odoo/action-social_crm.social_crm_post_action",
                ".o_kanban_record, .o_data_row",
                None,
                None,
            ),
            ("lang", uid, "de_DE"),
            (
                "contact-score-de.png",
                f"/odoo/contacts/{sophie}",
                ".o_social_score_badges",
                "a[name=social_score]",
                ".o_social_score_parts",
            ),
            ("lang", uid, "en_US"),
            # the headline case, seen by the agent who owns the ticket
            ("login", AGENT, AGENT),
            ("lang", agent_uid, "en_US"),
            ("headline-tickets.png", social_tickets, ".o_data_row", headline_on_top, None),
            ("headline-reply.png", ticket_form, ".o_form_view", compose_answer, None),
            ("do", send_answer),
            (
                "headline-ticket.png",
                ticket_form,
                ".o_form_view",
                "a[name=social]",
                "div[name=social_reply_ids] .o_data_row",
            ),
        ]
        if channel:
            shots.append((
                "headline-alert.png",
                f"/odoo/discuss?active_id=discuss.channel_{channel}",
                ".o-mail-Message",
                show_alert,
                None,
            ))
        shots += [
            ("lang", agent_uid, "de_DE"),
            (
                "headline-ticket-de.png",
                ticket_form,
                ".o_form_view",
                "a[name=social]",
                "div[name=social_reply_ids] .o_data_row",
            ),
            ("lang", agent_uid, "en_US"),
            # the outbox (Social CRM > Configuration > Outbox): what was written to the networks
            ("login", args.login, args.password),
            ("headline-outbox.png", "/odoo/action-social_crm.social_crm_outbox_action",
             ".o_data_row", None, None),
        ]
        for shot in shots:
            if shot[0] == "login":
                login(shot[1], shot[2])
                continue
            if shot[0] == "lang":
                rpc("res.users", "write", [shot[1]], {"lang": shot[2]})
                continue
            if shot[0] == "do":
                shot[1]()
                continue
            name, path, ready, click, then = shot
            browser.goto(args.url + path, ready)
            if callable(click):
                click()
            elif click:
                browser.click(click, then)
            browser.shot(os.path.join(out, name))
    finally:
        rpc("res.users", "write", [uid, agent_uid], {"lang": "en_US"})
        browser.close()


if __name__ == "__main__":
    main()
