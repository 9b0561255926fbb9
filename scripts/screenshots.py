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

    # German for the German screenshot (installed once, with its translations)
    german = rpc("res.lang", "search", [("code", "=", "de_DE"), ("active", "in", [True, False])])
    if german and not rpc("res.lang", "search", [("code", "=", "de_DE")]):
        wizard = rpc("base.language.install", "create", {"lang_ids": [(6, 0, german)]})
        rpc("base.language.install", "lang_install", [wizard])
    sophie = ref("social_crm.partner_demo_sophie")
    lead = ref("social_crm_scoring.lead_demo_sophie")
    # the demo's scores as the nightly run gives them
    rpc("res.partner", "action_social_score_recompute", [sophie])

    browser = Browser()
    # the web client shows times in the browser's time zone, the server's badges in the
    # user's: the same zone for both, as on the user's own computer
    tz = rpc("res.users", "read", [uid], ["tz"])[0]["tz"]
    if tz:
        browser.call("Emulation.setTimezoneOverride", {"timezoneId": tz})
    try:
        browser.goto(f"{args.url}/web/login?db={args.db}", "input[name=login]")
        browser.evaluate(
            f"""document.querySelector('input[name=login]').value = {json.dumps(args.login)};
                document.querySelector('input[name=password]').value = {json.dumps(args.password)};
                document.querySelector('form').submit();"""
        )
        _wait(lambda: "/odoo" in (browser.evaluate("location.pathname") or ""), 60, "login")
        out = args.out
        shots = [
            ("lang", "en_US"),
            (
                "contact-score.png",
                f"/odoo/contacts/{sophie}",
                ".o_social_score_badges",
                "a[name=social_score]",
                ".o_social_score_parts",
            ),
            ("lead-complaint.png", f"/odoo/crm/{lead}", ".o_social_lead_overdue", None, None),
            (
                "social-tickets.png",
                "/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social",
                ".o_data_row",
                None,
                None,
            ),
            (
                "social-inbox.png",
                "/odoo/action-social_crm.social_crm_post_action",
                ".o_kanban_record, .o_data_row",
                None,
                None,
            ),
            ("lang", "de_DE"),
            (
                "contact-score-de.png",
                f"/odoo/contacts/{sophie}",
                ".o_social_score_badges",
                "a[name=social_score]",
                ".o_social_score_parts",
            ),
            ("lang", "en_US"),
        ]
        for shot in shots:
            if shot[0] == "lang":
                rpc("res.users", "write", [uid], {"lang": shot[1]})
                continue
            name, path, ready, click, then = shot
            browser.goto(args.url + path, ready)
            if click:
                browser.click(click, then)
            browser.shot(os.path.join(out, name))
    finally:
        rpc("res.users", "write", [uid], {"lang": "en_US"})
        browser.close()


if __name__ == "__main__":
    main()
