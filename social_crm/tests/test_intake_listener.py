# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stream listener against a loopback websocket server and a replay file.

The registry is in test mode: the listener's threads get cursors on the test transaction
(one at a time), so what they store is visible here and rolled back at the end.
"""

import importlib.util
import json
import os
import selectors
import threading
import time
from unittest.mock import patch

import psycopg2
import psycopg2.sql

from odoo.addons.social_crm.cli import social_crm_listen as listen_module
from odoo.addons.social_crm.cli.social_crm_listen import Listener
from odoo.addons.social_crm.connectors.streams import Backoff
from odoo.addons.social_crm.models.social_crm_source_listener import LISTENER_CHANNEL
from odoo.sql_db import connection_info_for
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import release_test_lock
from odoo.tools import mute_logger

_spec = importlib.util.spec_from_file_location(
    "social_crm_ws_server", os.path.join(os.path.dirname(__file__), "ws_server.py")
)
ws_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ws_server)

LISTENER_LOG = "odoo.addons.social_crm.cli.social_crm_listen"
STREAM_LOG = "odoo.addons.social_crm.connectors.streams"
T0 = 1764600000000000  # time_us


def jetstream_post(number, text, did="did:plc:critic0000000000000001"):
    return json.dumps(
        {
            "did": did,
            "time_us": T0 + number * 1000,
            "kind": "commit",
            "commit": {
                "rev": f"3lrev{number}",
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": f"3kstream{number:04d}",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "createdAt": "2025-12-01T09:00:00.000Z",
                    "langs": ["en"],
                    "text": text,
                },
                "cid": f"bafyreicid{number}",
            },
        }
    )


def jetstream_delete(number, post=None, did="did:plc:critic0000000000000001", rkey=None):
    """A Jetstream commit deleting post ``post`` (its ``rkey``), as Jetstream documents it
    (no record); ``number`` dates it."""
    return json.dumps(
        {
            "did": did,
            "time_us": T0 + number * 1000,
            "kind": "commit",
            "commit": {
                "rev": f"3lrev{number}",
                "operation": "delete",
                "collection": "app.bsky.feed.post",
                "rkey": f"3kstream{post or number:04d}" if rkey is None else rkey,
            },
        }
    )


def mastodon_notification(notification_id, status_id, text):
    account = {
        "id": "109999",
        "username": "critic",
        "acct": "critic@mastodon.example",
        "display_name": "The Critic",
        "url": "https://mastodon.example/@critic",
        "note": "<p>I review things.</p>",
        "followers_count": 10000,
        "following_count": 10,
        "statuses_count": 4000,
        "fields": [],
    }
    return {
        "id": notification_id,
        "type": "mention",
        "created_at": "2025-12-01T09:00:00.000Z",
        "account": account,
        "status": {
            "id": status_id,
            "created_at": "2025-12-01T09:00:00.000Z",
            "content": f"<p>{text}</p>",
            "url": f"https://mastodon.example/@critic/{status_id}",
            "account": account,
            "mentions": [],
            "language": "en",
            "favourites_count": 0,
            "reblogs_count": 0,
            "replies_count": 0,
        },
    }


@tagged("post_install", "-at_install")
class TestListener(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ws_server.LoopbackServer()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()
        self.server.sessions = []
        self.server.routes = {}
        self.server.requests = []
        self.server.connections = 0

    def make_source(self, **vals):
        return self.env["social.crm.source"].create({"intake_mode": "stream", **vals})

    def listen(self, source, condition=None, then=None):
        """Run a listener for ``source`` until ``condition(env)`` holds, call ``then(listener)``
        and stop it. The test lock is released meanwhile, so that the listener's threads can
        open (test) cursors; this thread only reads through such cursors then."""
        self.env.flush_all()
        listener = Listener(self.registry, [source.id], heartbeat=0.2, rescan=3600,
                            backoff_factory=lambda: Backoff(base=0.01, cap=0.05))
        with release_test_lock():
            listener.start()
            try:
                if condition:
                    self.wait_for(condition)
                if then:
                    then(listener)
            finally:
                listener.shutdown()
        self.env.invalidate_all()
        return listener

    def wait_for(self, condition, timeout=20.0):
        """Wait until ``condition(env)`` holds, reading through the registry's test cursor
        (which the listener's threads share one at a time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                env.invalidate_all()
                if condition(env):
                    return
            time.sleep(0.05)
        self.fail("the listener did not get there in time")

    def events_of(self, source):
        self.env.invalidate_all()
        return self.env["social.crm.event"].search([("source_id", "=", source.id)])

    def test_replay_stream_resumes_after_restart_without_loss_or_double(self):
        source = self.make_source(
            name="Replay stream",
            network_id=self.env.ref("social_crm.network_replay").id,
            kind="replay",
            query="social_crm/tests/data/stream_replay.jsonl",
            replay_pace_seconds=0,
        )

        def all_done(env):
            events = env["social.crm.event"].search([("source_id", "=", source.id)])
            return len(events) == 3 and set(events.mapped("state")) == {"done"}

        self.listen(source, all_done)
        self.assertEqual(source.stream_cursor, "3")
        posts = self.env["social.crm.post"].search([("source_id", "=", source.id)])
        self.assertEqual(len(posts), 3)
        self.assertIn("worst service", posts.filtered(
            lambda p: p.external_id == "1869000000000000001").text)
        self.listen(source, then=lambda listener: listener.process_pending())
        self.assertEqual(len(self.events_of(source)), 3)
        self.assertEqual(
            self.env["social.crm.post"].search_count([("source_id", "=", source.id)]), 3)

    def test_jetstream_disconnect_malformed_frame_and_resume(self):
        source = self.make_source(
            name="Bluesky ACME (Jetstream)",
            network_id=self.env.ref("social_crm.network_bluesky").id,
            kind="search",
            query="acme",
            base_url=f"{self.server.url}/subscribe",
        )
        self.server.sessions = [
            [
                ("text", jetstream_post(1, "ACME support ignored me for a week")),
                ("text", jetstream_post(2, "unrelated chatter about cats")),
                ("text", "{this is not json"),
                ("raw", b"\x81\x05ab"),  # a frame cut short by a lost connection
                ("drop",),
            ],
            [
                ("text", jetstream_post(1, "ACME support ignored me for a week")),  # again
                ("text", jetstream_post(3, "@acme refund now please")),
                ("hold",),
            ],
        ]

        def stored(env):
            events = env["social.crm.event"].search([("source_id", "=", source.id)])
            return len(events.filtered(lambda e: e.kind == "jetstream" and e.state == "done")) == 2

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, stored)
        events = self.events_of(source)
        self.assertEqual(sorted(events.mapped("state")), ["done", "done", "quarantined"])
        self.assertEqual(events.filtered(lambda e: e.state == "quarantined").kind, "unreadable")
        posts = self.env["social.crm.post"].search([("source_id", "=", source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")), [
            "at://did:plc:critic0000000000000001/app.bsky.feed.post/3kstream0001",
            "at://did:plc:critic0000000000000001/app.bsky.feed.post/3kstream0003",
        ])
        # the second connection resumed from the stored cursor, rewound 2 s
        paths = [path for path, _headers in self.server.requests]
        self.assertNotIn("cursor=", paths[0])
        self.assertIn(f"cursor={T0 + 1000 - 2_000_000}", paths[1])
        source.invalidate_recordset()
        self.assertEqual(source.stream_cursor, str(T0 + 3000))
        # restart: the new listener resumes where the stored events end
        self.server.sessions.append([("hold",)])
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: len(self.server.requests) >= 3)
        self.assertIn(f"cursor={T0 + 3000 - 2_000_000}", self.server.requests[2][0])
        self.assertEqual(len(self.events_of(source)), 3)

    def test_mastodon_catch_up_then_stream(self):
        self.server.routes = {
            "/api/v1/notifications": (200, [mastodon_notification("500", "9001", "@acme first")]),
        }
        self.server.sessions = [
            [
                ("text", json.dumps({
                    "stream": ["user:notification"],
                    "event": "notification",
                    "payload": json.dumps(mastodon_notification("501", "9002", "@acme second")),
                })),
                ("text", json.dumps({"stream": ["user:notification"], "event": "delete",
                                     "payload": "9000"})),
                ("hold",),
            ],
        ]
        source = self.make_source(
            name="Mastodon mentions (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="mentions",
            base_url=self.server.http_url,
            access_token="mastodon-token-123",
        )

        def stored(env):
            events = env["social.crm.event"].search([("source_id", "=", source.id)])
            return len(events) == 2 and set(events.mapped("state")) == {"done"}

        self.listen(source, stored)
        events = self.events_of(source)
        # the deletion of status 9000, which the company never stored nor received, is not
        # kept: a stream announces every deletion of its timeline, and *Deleted Posts* would
        # fill with posts nobody here saw
        self.assertEqual(sorted(events.mapped("channel")), ["catch_up", "stream"])
        self.assertNotIn("mastodon:delete:9000", events.mapped("delivery_key"))
        self.assertFalse(self.env["social.crm.post.deleted"].search(
            [("external_id", "=", "9000"), ("network_id.code", "=", "mastodon")]))
        self.assertEqual(sorted(self.env["social.crm.post"].search(
            [("source_id", "=", source.id)]).mapped("external_id")), ["9001", "9002"])
        source.invalidate_recordset()
        self.assertEqual(source.stream_cursor, "501")
        upgrade = [h for p, h in self.server.requests if p.startswith("/api/v1/streaming")][0]
        self.assertEqual(upgrade.get("authorization"), "Bearer mastodon-token-123")

    def test_stream_refused_by_the_instance(self):
        self.server.sessions = [[("refuse", 401)]] * 50
        self.server.routes = {"/api/v1/timelines/tag/acme": (200, [])}
        source = self.make_source(
            name="Mastodon #acme (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="hashtag",
            query="acme",
            base_url=self.server.http_url,
        )
        seen = {}

        def then(listener):
            """The refusal rests the source: the listener stops asking (probe: a revoked
            token was asked again every minute at most, a warning each time)."""
            listener.rescan()  # as the NOTIFY of the refusal's commit makes it
            seen["running"] = source.id in listener.runners
            seen["asked"] = len(self.server.requests)
            time.sleep(0.5)  # the test backoff retries every 0.05 s at most
            seen["asked_later"] = len(self.server.requests)

        with mute_logger(LISTENER_LOG, STREAM_LOG, "odoo.addons.social_crm.models"):
            self.listen(source, lambda env: env["social.crm.source"].browse(
                source.id).credentials_refused_at, then)
        source.invalidate_recordset()
        self.assertIn("HTTP 401", source.last_error)
        self.assertIn("token", source.last_error)
        self.assertFalse(seen["running"], "the listener no longer reads the source")
        self.assertEqual(seen["asked_later"], seen["asked"], "nor asks the instance again")
        source.access_token = "renewed-token"
        self.assertEqual(self.env["social.crm.source"]._listener_sources(source.ids), source)

    def german(self):
        """The manager who sets the sources up reads German (the listener has no user)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.user.lang = "de_DE"

    def test_revoked_token_is_worded_by_the_product_in_german(self):
        """Probe (German manager): a Mastodon stream whose token was revoked showed the
        connector's English sentence on the source ("mastodon #acme: the server refused the
        stream (HTTP 401): the access token is missing..."). It reads in German now, with
        Mastodon's own words (its streaming server's ``X-Error-Message``) quoted."""
        self.german()
        self.server.sessions = [[("refuse", 401, "Unauthorized",
                                  {"X-Error-Message": "Invalid access token"})]] * 50
        self.server.routes = {"/api/v1/timelines/tag/acme": (200, [])}
        source = self.make_source(
            name="Mastodon #acme (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="hashtag",
            query="acme",
            base_url=self.server.http_url,
            access_token="revoked-token",
        )
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id).last_error)
        source.invalidate_recordset()
        self.assertIn("Mastodon lehnt den Stream ab (HTTP 401)", source.last_error)
        self.assertIn("Zugriffstoken", source.last_error)
        self.assertIn("Mastodon sagt: „Invalid access token“", source.last_error)
        self.assertNotIn("refused the stream", source.last_error, "not the connector's words")
        self.assertNotIn("revoked-token", source.last_error)

    def test_mastodon_catch_up_cut_after_a_long_outage_is_said_in_german(self):
        """Probe: a Mastodon stream reconnecting after a long outage catches up at most 5
        pages of 40, forward from its cursor (the oldest of the outage first); what was
        published after the 200th item was lost without a word on the source (the log did
        not say it either). Now the source says, in its reader's language, how many were
        fetched and from when to when posts were not; the message stays while the stream
        runs."""
        self.german()
        self.env.user.tz = "Europe/Berlin"
        pages = []

        def notifications(path):
            # Mastodon: min_id pages forward; 40 a page, newest first; "prev" to newer ones
            min_id = int(path.split("min_id=", 1)[1].split("&", 1)[0])
            pages.append(min_id)
            items = []
            for number in range(min_id + 40, min_id, -1):
                item = mastodon_notification(str(number), str(90000 + number), "@acme hi")
                item["created_at"] = f"2025-12-01T09:{(number - 1000) // 60 % 60:02d}:" \
                                     f"{(number - 1000) % 60:02d}.000Z"
                items.append(item)
            link = f'<{self.server.http_url}/api/v1/notifications?min_id={min_id + 40}>; ' \
                   'rel="prev"'
            return 200, items, {"Link": link}

        self.server.routes = {"/api/v1/notifications": notifications}
        source = self.make_source(
            name="Mastodon mentions (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="mentions",
            base_url=self.server.http_url,
            access_token="mastodon-token-123",
            stream_cursor="1000",
        )

        def said(env):
            return "Nachholen" in (env["social.crm.source"].browse(source.id).last_error or "")

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, said)
        source.invalidate_recordset()
        self.assertEqual(pages, [1000, 1040, 1080, 1120, 1160], "5 pages, then it stops")
        self.assertIn("hat das Nachholen die 200 zuerst veröffentlichten Beiträge abgerufen",
                      source.last_error)
        # the newest fetched (id 1200) was created at 09:03:20 UTC: 10:03 in Berlin, the
        # time zone of the source's creator
        self.assertRegex(source.last_error, r"von 1\. Dez\. 2025, 10:03 bis ")
        self.assertEqual(source.stream_cursor, "1200")
        self.assertEqual(len(self.events_of(source)), 200)

    def test_lost_connection_is_worded_by_the_product_in_german(self):
        """A Jetstream connection dropped: the source said "bluesky ...: connection lost
        (WebSocketConnectionClosedException: ...)" in English; now the product's German words,
        the technical reason quoted as the detail."""
        self.german()
        self.server.sessions = [[("drop",)]] * 50
        source = self.make_source(
            name="Bluesky ACME (Jetstream)",
            network_id=self.env.ref("social_crm.network_bluesky").id,
            kind="search",
            query="acme",
            base_url=f"{self.server.url}/subscribe",
        )
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id).last_error)
        source.invalidate_recordset()
        self.assertIn("Die Verbindung zu Bluesky wurde unterbrochen", source.last_error)
        self.assertIn("Details: „", source.last_error)
        self.assertNotIn("connection lost", source.last_error)

    def test_running_listener_follows_the_sources_settings(self):
        """Probe (served product): the listener runs for days. A manager renews a revoked
        token of a stream source, then archives the source: at its next rescan the listener
        reconnects with the new token, then stops reading the archived source (before: it
        kept the old token until restarted, and an archived source's posts still became
        tickets)."""
        self.server.routes = {"/api/v1/notifications": (200, [])}
        source = self.make_source(
            name="Mastodon mentions (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="mentions",
            base_url=self.server.http_url,
            access_token="revoked-token",
        )

        def upgrades():
            return [h.get("authorization") for p, h in self.server.requests
                    if p.startswith("/api/v1/streaming")]

        def write(vals):
            with self.registry.cursor() as cr:
                self.env(cr=cr)["social.crm.source"].browse(source.id).write(vals)

        def then(listener):
            self.wait_for(lambda env: upgrades() == ["Bearer revoked-token"])
            write({"access_token": "renewed-token"})
            listener.rescan()  # every minute
            self.wait_for(lambda env: upgrades()[-1:] == ["Bearer renewed-token"])
            runner = listener.runners[source.id]
            write({"active": False})
            listener.rescan()
            self.assertNotIn(source.id, listener.runners)
            self.wait_for(lambda env: runner.stop.is_set() and runner.stream._ws is None)
            listener.rescan()
            time.sleep(0.5)  # no new connection for the archived source

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, then=then)
        self.assertEqual(upgrades(), ["Bearer revoked-token", "Bearer renewed-token"])
        self.assertFalse(self.events_of(source))
        source.invalidate_recordset()
        self.assertFalse(source.last_error, "closing on purpose is no connection error")

    # --- the sources' changes take effect at once (LISTEN/NOTIFY) ------------------------------
    def save(self, source, vals):
        """Save ``vals`` on ``source`` as a form does, in a transaction of its own. A test
        cursor's commit is a savepoint's release and drops the post-commit hooks: they are run
        here by hand, before the release (the listener's threads wait for the test lock)."""
        with self.registry.cursor() as cr:
            self.env(cr=cr)["social.crm.source"].browse(source.id).write(vals)
            cr.flush()
            cr.postcommit.run()

    def run_listener(self, source, then, heartbeat=0.2):
        """Run ``Listener.run`` (start, LISTEN, rescans) in a thread with a rescan timer of an
        hour, call ``then(listener, rescans)`` (``rescans``: the times ``rescan`` ran) and stop
        it as a signal does."""
        self.env.flush_all()
        listener = Listener(self.registry, [source.id], heartbeat=heartbeat, rescan=3600,
                            backoff_factory=lambda: Backoff(base=0.01, cap=0.05))
        rescans = []
        rescan = listener.rescan

        def counted():
            rescans.append(time.monotonic())
            rescan()

        listener.rescan = counted
        thread = threading.Thread(target=listener.run, name="test-listener", daemon=True)
        with release_test_lock():
            thread.start()
            try:
                then(listener, rescans)
            finally:
                listener.halt()
                thread.join(30)
        self.assertFalse(thread.is_alive(), "the listener stops when asked")
        self.env.invalidate_all()
        return listener

    def mastodon_stream_source(self):
        self.server.routes = {"/api/v1/notifications": (200, [])}
        return self.make_source(
            name="Mastodon mentions (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="mentions",
            base_url=self.server.http_url,
            access_token="revoked-token",
        )

    def upgrades(self):
        return [h.get("authorization") for p, h in self.server.requests
                if p.startswith("/api/v1/streaming")]

    def wait_until(self, condition, timeout):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"not within {timeout} s")
            time.sleep(0.02)

    def test_saved_source_changes_take_effect_at_once(self):
        """Probe (demanding user: "saved" means "in effect"): the listener followed the
        sources only at its rescan, every 60 s; a renewed token waited up to a minute and an
        archived source's posts still became tickets meanwhile. Now a save announces itself
        (NOTIFY after the commit) and the running listener looks at the sources within a
        second, though its rescan timer is an hour here; a burst of saves is one look."""
        source = self.mastodon_stream_source()

        def then(listener, rescans):
            self.wait_until(lambda: listener.listening.is_set() and rescans, 10)
            self.wait_until(lambda: self.upgrades() == ["Bearer revoked-token"], 10)
            looked = len(rescans)
            saved_at = time.monotonic()
            self.save(source, {"access_token": "renewed-token"})
            self.wait_until(lambda: self.upgrades()[-1:] == ["Bearer renewed-token"], 3)
            self.assertLess(rescans[looked] - saved_at, 2.0, "not after the rescan timer")
            # a burst of saves (a list edited row after row, an import): one look
            self.wait_until(lambda: len(rescans) == looked + 1, 3)
            burst_at = time.monotonic()
            for _number in range(5):
                self.save(source, {"active": True})  # a list saved row after row
            burst = time.monotonic() - burst_at
            time.sleep(2.0)
            self.assertEqual(len(rescans), looked + 2, f"five saves in {burst:.2f} s: one look")
            runner = listener.runners[source.id]
            saved_at = time.monotonic()
            self.save(source, {"active": False})
            self.wait_until(lambda: source.id not in listener.runners and runner.stop.is_set()
                            and runner.stream._ws is None, 3)
            self.assertLess(time.monotonic() - saved_at, 2.0)

        # the burst's window widened from 0.3 s: five saves fit in it on a busy test machine
        with mute_logger(LISTENER_LOG, STREAM_LOG), \
                patch.object(listen_module, "NOTIFY_SETTLE_SECONDS", 0.8):
            self.run_listener(source, then)
        self.assertEqual(self.upgrades(), ["Bearer revoked-token", "Bearer renewed-token"])
        self.assertFalse(self.events_of(source))

    def test_archived_source_of_a_stalled_instance_stops_at_once(self):
        """Probe (served demo, listener, loopback Mastodon instances): an instance that stalls
        keeps the stream open but sends nothing and reads nothing. Archiving its source was
        heard at once, but closing its stream waited for the instance's answer to the close
        frame, which never came, until the next frame on the socket (Mastodon pings every
        30 s; a changed hashtag reconnected after 5.6 s against a fake pinging every 10 s):
        the listener's look at the sources, and so every other source's change, waited as
        long. The stream is now shut down at once; the heartbeat is Mastodon's here."""
        source = self.mastodon_stream_source()
        self.server.sessions = [[("sleep", 8)]]  # stalled: silent, reads nothing

        def then(listener, rescans):
            self.wait_until(lambda: listener.listening.is_set() and rescans, 10)
            self.wait_until(lambda: self.upgrades() == ["Bearer revoked-token"], 10)
            runner = listener.runners[source.id]
            self.wait_until(lambda: runner.stream is not None and runner.stream._ws, 5)
            saved_at = time.monotonic()
            self.save(source, {"active": False})
            self.wait_until(lambda: source.id not in listener.runners and runner.stop.is_set()
                            and runner.stream._ws is None, 3)
            self.assertLess(time.monotonic() - saved_at, 2.0)

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.run_listener(source, then, heartbeat=30.0)
        self.assertEqual(self.upgrades(), ["Bearer revoked-token"])

    def test_lost_listen_connection_is_reopened(self):
        """The LISTEN connection dies (a database restart, a proxy's idle cut): the listener
        says so in its log, re-opens it with backoff, looks at the sources at once (what
        changed meanwhile was not announced) and hears the next saves; it never stops."""
        source = self.mastodon_stream_source()

        def terminate_listen_backends():
            _db, info = connection_info_for(self.registry.db_name)
            connection = psycopg2.connect(**info)
            try:
                connection.autocommit = True
                with connection.cursor() as cr:
                    cr.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND query = %s",
                        (psycopg2.sql.SQL("LISTEN {}").format(
                            psycopg2.sql.Identifier(LISTENER_CHANNEL)).as_string(connection),))
                    return cr.rowcount
            finally:
                connection.close()

        def then(listener, rescans):
            self.wait_until(lambda: listener.listening.is_set() and rescans, 10)
            self.wait_until(lambda: self.upgrades() == ["Bearer revoked-token"], 10)
            looked = len(rescans)
            with self.assertLogs(LISTENER_LOG, "WARNING") as logs:
                self.assertEqual(terminate_listen_backends(), 1)
                # re-opened: a look at the sources for what was not heard meanwhile
                self.wait_until(lambda: len(rescans) > looked and listener.listening.is_set(),
                                5)
            self.assertIn("the connection that hears the sources' changes is lost",
                          logs.output[0])
            self.save(source, {"access_token": "renewed-token"})
            self.wait_until(lambda: self.upgrades()[-1:] == ["Bearer renewed-token"], 3)

        with mute_logger(STREAM_LOG):
            self.run_listener(source, then)
        self.assertEqual(self.upgrades(), ["Bearer revoked-token", "Bearer renewed-token"])

    # --- deletions on the network ------------------------------------------------------------
    def test_jetstream_delete_of_a_stored_post_and_of_strangers_posts(self):
        source = self.make_source(
            name="Bluesky ACME (Jetstream)",
            network_id=self.env.ref("social_crm.network_bluesky").id,
            kind="search",
            query="acme",
            base_url=f"{self.server.url}/subscribe",
        )
        uri = "at://did:plc:critic0000000000000001/app.bsky.feed.post/3kstream0001"
        self.server.sessions = [
            [
                ("text", jetstream_post(1, "ACME support ignored me for a week")),
                ("text", jetstream_post(2, "@acme refund now please")),
                # Jetstream sends every deletion of the network: a stranger's post, never
                # stored, is not kept
                ("text", jetstream_delete(3, did="did:plc:stranger00000000000000001")),
                ("text", jetstream_delete(4, post=1)),  # right after the post: maybe not
                ("text", jetstream_delete(5, post=1)),  # processed yet; and twice
                ("text", jetstream_delete(6, rkey="")),  # malformed
                ("hold",),
            ],
        ]

        def processed(env):
            events = env["social.crm.event"].search([("source_id", "=", source.id)])
            return len(events) == 4 and "new" not in events.mapped("state")

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, processed)
        events = self.events_of(source)
        self.assertEqual(sorted(events.filtered(lambda e: e.kind == "jetstream").mapped(
            "delivery_key")), [f"bluesky:{uri}", f"bluesky:{uri[:-1]}2", f"bluesky:delete:{uri}"])
        self.assertEqual(events.filtered(lambda e: e.kind == "unreadable").state, "quarantined")
        posts = self.env["social.crm.post"].search([("source_id", "=", source.id)])
        self.assertEqual(posts.mapped("external_id"), [f"{uri[:-1]}2"])
        self.assertTrue(self.env["social.crm.post.deleted"].search([("external_id", "=", uri)]))
        self.assertFalse(self.env["social.crm.post.deleted"].search(
            [("external_id", "like", "did:plc:stranger")]))
        # the cursor moved past the stranger's deletion
        source.invalidate_recordset()
        self.assertEqual(source.stream_cursor, str(T0 + 5000))

    def test_mastodon_delete_of_a_stored_status(self):
        self.server.routes = {"/api/v1/notifications": (200, [])}
        notification = json.dumps({
            "stream": ["user:notification"],
            "event": "notification",
            "payload": json.dumps(mastodon_notification("501", "9002", "@acme still broken")),
        })
        delete = json.dumps({"stream": ["user"], "event": "delete", "payload": "9002"})
        self.server.sessions = [[("text", notification), ("hold",)]]
        source = self.make_source(
            name="Mastodon mentions (stream)",
            network_id=self.env.ref("social_crm.network_mastodon").id,
            kind="mentions",
            base_url=self.server.http_url,
            access_token="mastodon-token-123",
        )
        self.listen(source, lambda env: env["social.crm.post"].search(
            [("source_id", "=", source.id), ("external_id", "=", "9002")]))
        # the author deletes the status (announced twice), and a malformed deletion
        self.server.sessions.append([
            ("text", delete), ("text", delete),
            ("text", json.dumps({"stream": ["user"], "event": "delete", "payload": ""})),
            ("hold",),
        ])

        def processed(env):
            events = env["social.crm.event"].search([("source_id", "=", source.id)])
            return len(events) == 3 and "new" not in events.mapped("state")

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, processed)
        events = self.events_of(source)
        self.assertEqual(
            sorted(events.mapped("state")), ["done", "done", "quarantined"])
        self.assertIn("mastodon:delete:9002", events.mapped("delivery_key"))
        self.assertFalse(self.env["social.crm.post"].search(
            [("source_id", "=", source.id), ("external_id", "=", "9002")]))
        self.assertTrue(self.env["social.crm.post.deleted"].search(
            [("external_id", "=", "9002"), ("network_id.code", "=", "mastodon")]))
        # the deletion does not move the cursor (the id is an older status's)
        source.invalidate_recordset()
        self.assertEqual(source.stream_cursor, "501")


@tagged("post_install", "-at_install")
class TestListenerNotify(TransactionCase):
    """Which saves announce themselves to the listeners (NOTIFY after the commit)."""

    def setUp(self):
        super().setUp()
        _db, info = connection_info_for(self.env.cr.dbname)
        self.ear = psycopg2.connect(**info)
        self.addCleanup(self.ear.close)
        self.ear.autocommit = True
        with self.ear.cursor() as cr:
            cr.execute(psycopg2.sql.SQL("LISTEN {}").format(
                psycopg2.sql.Identifier(LISTENER_CHANNEL)))
        self.env.cr.postcommit.clear()
        network = self.env.ref("social_crm.network_mastodon").id
        self.stream, self.stream_2, self.poll = self.env["social.crm.source"].create([
            {"name": f"Mastodon {mode} {n}", "network_id": network, "kind": "hashtag",
             "query": "acme", "intake_mode": mode, "base_url": "https://mastodon.example"}
            for n, mode in enumerate(["stream", "stream", "poll"])
        ])
        self.commit()
        self.assertEqual(self.heard(1), [self.env.cr.dbname], "a new stream source")

    def commit(self):
        """The test transaction never commits: its post-commit hooks are run by hand."""
        self.env.flush_all()
        self.env.cr.postcommit.run()

    def heard(self, expected):
        """The payloads received, waiting for ``expected`` of them (and a little more)."""
        payloads = []
        deadline = time.monotonic() + 2.0
        with selectors.DefaultSelector() as selector:
            selector.register(self.ear, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(0.2 if len(payloads) >= expected else 0.5):
                    self.ear.poll()
                    payloads += [n.payload for n in self.ear.notifies]
                    self.ear.notifies.clear()
                elif len(payloads) >= expected:
                    break
        return payloads

    def test_listener_settings_of_stream_sources_notify_once_per_transaction(self):
        dbname = self.env.cr.dbname
        # the listener's own writes and the settings it does not read: nothing
        self.stream.write({"stream_cursor": "42", "last_heartbeat_at": "2026-01-01 00:00:00",
                           "last_error": "lost", "name": "Renamed"})
        self.commit()
        # a poll source's token, a poll source archived: no listener reads them
        self.poll.write({"access_token": "t"})
        self.poll.action_archive()
        self.commit()
        self.assertEqual(self.heard(0), [])
        # a token renewed and another source archived in one transaction: one NOTIFY
        self.stream.write({"access_token": "renewed"})
        self.stream_2.action_archive()
        self.commit()
        self.assertEqual(self.heard(1), [dbname])
        # an archived stream source brought back, a poll source switched to streaming
        self.stream_2.action_unarchive()
        self.commit()
        self.poll.write({"active": True, "intake_mode": "stream"})
        self.commit()
        self.assertEqual(self.heard(2), [dbname, dbname])
        # deleted
        self.stream.unlink()
        self.commit()
        self.assertEqual(self.heard(1), [dbname])

    def test_rolled_back_save_notifies_nothing(self):
        self.stream.write({"access_token": "renewed"})
        self.env.cr.postcommit.clear()  # what a rollback does
        self.commit()
        self.assertEqual(self.heard(0), [])
