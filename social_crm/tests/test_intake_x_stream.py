# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The X API v2 filtered stream through the listener, against a loopback server that speaks
as X documents (chunked JSON lines, keep-alives, error lines, 429), and the rule check when
a manager saves an X stream source.

The registry is in test mode: the listener's threads get cursors on the test transaction
(one at a time), so what they store is visible here and rolled back at the end.
"""

import datetime as dt
import importlib.util
import json
import os
import threading
import time
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo.addons.social_crm.cli import social_crm_listen as listen_module
from odoo.addons.social_crm.cli.social_crm_listen import Listener
from odoo.addons.social_crm.connectors import x_stream
from odoo.addons.social_crm.connectors.streams import Backoff
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import _super_send, release_test_lock
from odoo.tools import mute_logger

_spec = importlib.util.spec_from_file_location(
    "social_crm_http_stream_server", os.path.join(os.path.dirname(__file__),
                                                  "http_stream_server.py")
)
http_stream_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_stream_server)

LISTENER_LOG = "odoo.addons.social_crm.cli.social_crm_listen"
STREAM_LOG = "odoo.addons.social_crm.connectors.x_stream"


def tweet_line(tweet_id, text, tag, followers=10000):
    """One line of the filtered stream as X documents it."""
    return json.dumps({
        "data": {
            "id": tweet_id, "text": text, "author_id": "1460000000000030000",
            "conversation_id": tweet_id, "created_at": "2026-12-04T09:12:00.000Z",
            "edit_history_tweet_ids": [tweet_id], "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2,
                               "quote_count": 0, "bookmark_count": 0, "impression_count": 40}},
        "includes": {"users": [{
            "id": "1460000000000030000", "name": "Rita Router", "username": "rita_router",
            "description": "Networks", "verified": False,
            "public_metrics": {"followers_count": followers, "following_count": 12,
                               "tweet_count": 300, "listed_count": 4}}]},
        "matching_rules": [{"id": "1865000000000000001", "tag": tag}],
    }, separators=(",", ":"))


def tweet(tweet_id, text, author="1460000000000030000"):
    """A tweet object of X API v2 with the stream's fields."""
    return {
        "id": tweet_id, "text": text, "author_id": author, "conversation_id": tweet_id,
        "created_at": "2026-12-04T08:40:00.000Z", "edit_history_tweet_ids": [tweet_id],
        "lang": "en", "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1,
                                         "quote_count": 0, "bookmark_count": 0,
                                         "impression_count": 30}}


def search_page(tweets, next_token=None, followers=10000):
    """One answer of ``GET /2/tweets/search/recent`` as X documents it (newest first)."""
    ids = [t["id"] for t in tweets]
    meta = {"newest_id": max(ids), "oldest_id": min(ids), "result_count": len(ids)}
    if next_token:
        meta["next_token"] = next_token
    return {"data": tweets, "includes": {"users": [{
        "id": "1460000000000030000", "name": "Rita Router", "username": "rita_router",
        "description": "Networks", "verified": False,
        "public_metrics": {"followers_count": followers, "following_count": 12,
                           "tweet_count": 300, "listed_count": 4}}]}, "meta": meta}


@tagged("post_install", "-at_install")
class TestXStream(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = http_stream_server.StreamServer()
        cls.addClassCleanup(cls.server.stop)
        cls.x = cls.env.ref("social_crm.network_x")

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test handler compares the timeout with a number; the stream's is
        # ``(connect, read)`` as requests allows: sent as it is to the loopback server
        if isinstance(kw.get("timeout"), tuple) and urlsplit(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        url = urlsplit(r.url)
        if url.hostname == "api.twitter.com" and url.path == "/2/tweets/search/recent":
            # tweepy's recent search (the catch-up), answered by the loopback server
            r.url = cls.server.origin + r.url.split("api.twitter.com", 1)[1]
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.server.sessions = []
        self.server.requests = []
        self.server.rules = []
        self.server.refuse_rules = None
        self.server.search_pages = []
        self.startPatcher(patch.object(x_stream, "STREAM_URL", self.server.url))
        self.startPatcher(patch.object(x_stream, "RULES_URL", self.server.rules_url))

    def make_source(self, **vals):
        return self.env["social.crm.source"].create({
            "name": "X ACME (stream)", "network_id": self.x.id, "kind": "search",
            "query": "acme", "bearer_token": "bearer-xyz", "intake_mode": "stream", **vals})

    # --- saving the source ---------------------------------------------------------------------
    def test_save_validates_the_rule_with_x_dry_run(self):
        source = self.make_source()
        method, path, headers, body = self.server.requests[-1]
        self.assertEqual(method, "POST")
        self.assertIn("dry_run=true", path)
        self.assertEqual(body, {"add": [{"value": "acme", "tag": source._listener_spec()["tag"]}]})
        self.assertEqual(headers["Authorization"], "Bearer bearer-xyz")
        self.assertEqual(self.server.rules, [], "a dry run changes nothing at X")
        self.server.refuse_rules = {
            "meta": {"sent": "2026-12-04T09:00:00.000Z",
                     "summary": {"created": 0, "not_created": 1, "valid": 0, "invalid": 1}},
            "errors": [{"value": "acme lang:xx",
                        "details": ["Reference to invalid language code 'xx' (at position 10)"],
                        "title": "UnprocessableEntity",
                        "type": "https://api.twitter.com/2/problems/invalid-rules"}]}
        with self.assertRaisesRegex(ValidationError, "invalid language code 'xx'"):
            source.query = "acme lang:xx"
        with self.assertRaisesRegex(ValidationError, "username"):
            self.make_source(kind="mentions", query="")
        with self.assertRaisesRegex(ValidationError, "streams are available"):
            self.make_source(kind="hashtag")

    def test_two_sources_of_one_app_have_their_own_rule(self):
        one, two = self.make_source(), self.make_source(query="#acmerouter")
        self.assertNotEqual(one._listener_spec()["tag"], two._listener_spec()["tag"])

    def test_x_unreachable_does_not_stop_the_saving(self):
        closed = "http://127.0.0.1:9/2/tweets/search/stream/rules"
        with patch.object(x_stream, "RULES_URL", closed), \
                mute_logger("odoo.addons.social_crm.models.social_crm_source_intake"):
            source = self.make_source()
        self.assertEqual(source.intake_mode, "stream")

    # --- the listener ----------------------------------------------------------------------------
    def listen(self, source, condition, then=None):
        """Run a listener for ``source`` until ``condition(env)`` holds, call ``then()`` and
        stop it (the test lock released meanwhile: the listener's threads open cursors)."""
        self.env.flush_all()
        self.registry_enter_test_mode()
        sources = source if isinstance(source, (list, tuple)) else [source]
        listener = Listener(self.registry, [s.id for s in sources], heartbeat=0.2, rescan=3600,
                            backoff_factory=lambda: Backoff(base=0.01, cap=0.05),
                            x_backoff_factory=lambda: x_stream.XBackoff(scale=0.001))
        self.listener = listener
        with release_test_lock():
            listener.start()
            try:
                self.wait_for(condition)
                if then:
                    then()
            finally:
                listener.shutdown()
        self.env.invalidate_all()

    def wait_for(self, condition, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                env = self.env(cr=cr)
                env.invalidate_all()
                if condition(env):
                    return
            time.sleep(0.05)
        self.fail("the listener did not get there in time")

    def test_listener_syncs_the_rule_stores_tweets_once_and_reconnects(self):
        source = self.make_source(query="acme OR #acmerouter")
        tag = source._listener_spec()["tag"]
        self.server.rules = [
            {"id": "1865000000000000001", "value": "acme", "tag": tag},  # the former query
            {"id": "1865000000000000002", "value": "from:someone", "tag": "other-app-rule"},
        ]
        error_line = json.dumps({"errors": [{
            "title": "operational-disconnect", "disconnect_type": "OperationalDisconnect",
            "detail": "This stream has been disconnected for operational reasons.",
            "type": "https://api.twitter.com/2/problems/operational-disconnect"}]})
        self.server.sessions = [
            [("status", 429, {
                "title": "ConnectionException",
                "detail": "This stream is currently at the maximum allowed connection limit.",
                "connection_issue": "TooManyConnections",
                "type": "https://api.twitter.com/2/problems/streaming-connection"})],
            [("keepalive",),
             ("line", tweet_line("1990000000000400001", "acme router dead again", tag)),
             ("line", tweet_line("1990000000000400009", "someone else's", "other-app-rule")),
             ("line", "{not json"),
             ("keepalive",),
             ("line", error_line)],
            [("line", tweet_line("1990000000000400001", "acme router dead again", tag)),
             ("line", tweet_line("1990000000000400002", "#acmerouter no answer", tag))],
        ]

        def stored(env):
            events = env["social.crm.event"].search(
                [("source_id", "=", source.id), ("kind", "=", "x_stream")])
            return len(events) == 2 and set(events.mapped("state")) == {"done"}

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, stored)
        events = self.env["social.crm.event"].search([("source_id", "=", source.id)])
        self.assertEqual(sorted(events.mapped("delivery_key")), sorted([
            "x:tweet:1990000000000400001", "x:tweet:1990000000000400002",
            events.filtered(lambda e: e.kind == "unreadable").delivery_key]))
        self.assertEqual(events.filtered(lambda e: e.kind == "unreadable").state, "quarantined")
        posts = self.env["social.crm.post"].search([("source_id", "=", source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")),
                         ["1990000000000400001", "1990000000000400002"])
        self.assertEqual(set(posts.identity_id.mapped("followers_count")), {10000})
        # the rule at X: the former one of this source replaced, the other app rule kept
        self.assertEqual(sorted((r["value"], r["tag"]) for r in self.server.rules), [
            ("acme OR #acmerouter", tag), ("from:someone", "other-app-rule")])
        streams = [p for m, p, _h, _b in self.server.requests
                   if m == "GET" and p.split("?")[0].endswith("/search/stream")]
        self.assertGreaterEqual(len(streams), 3, "429, disconnect: reconnected each time")
        self.assertIn("user.fields=public_metrics", streams[0])

    def test_query_changed_while_connected_changes_the_rule(self):
        source = self.make_source()
        tag = source._listener_spec()["tag"]
        self.server.sessions = [[("keepalive",)]]

        def rule_is(value):
            return lambda _env: [r["value"] for r in self.server.rules if r["tag"] == tag] == \
                [value]

        def change_query():
            # a manager changes the query while the listener is connected
            with self.registry.cursor() as cr:
                self.env(cr=cr)["social.crm.source"].browse(source.id).query = "acme lang:de"
            self.wait_for(rule_is("acme lang:de"))

        with patch.object(listen_module, "RULE_CHECK_SECONDS", 0.0), \
                mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, rule_is("acme"), then=change_query)
        self.assertEqual([(r["value"], r["tag"]) for r in self.server.rules],
                         [("acme lang:de", tag)])
        streams = [p for m, p, _h, _b in self.server.requests
                   if m == "GET" and p.split("?")[0].endswith("/search/stream")]
        self.assertEqual(len(streams), 1, "changed without reconnecting")

    def test_query_saved_while_connected_changes_the_rule_at_once(self):
        """Saved means in effect: the listener (its rescan timer an hour here, its own look at
        the query a minute) hears the save (NOTIFY after the commit) and changes the rule at X
        within a couple of seconds, without reconnecting (before: up to a minute)."""
        source = self.make_source()
        tag = source._listener_spec()["tag"]
        self.server.sessions = [[("keepalive",)]]

        def rule_is(value):
            return lambda _env: [r["value"] for r in self.server.rules if r["tag"] == tag] == \
                [value]

        self.env.flush_all()
        self.registry_enter_test_mode()
        listener = Listener(self.registry, [source.id], heartbeat=0.2, rescan=3600,
                            backoff_factory=lambda: Backoff(base=0.01, cap=0.05),
                            x_backoff_factory=lambda: x_stream.XBackoff(scale=0.001))
        thread = threading.Thread(target=listener.run, name="test-listener", daemon=True)
        with release_test_lock(), mute_logger(LISTENER_LOG, STREAM_LOG):
            thread.start()
            try:
                self.wait_for(lambda env: rule_is("acme")(env) and listener.listening.is_set())
                with self.registry.cursor() as cr:
                    self.env(cr=cr)["social.crm.source"].browse(source.id).query = "acme lang:de"
                    cr.flush()
                    cr.postcommit.run()  # a test cursor's commit drops them: run by hand
                self.wait_for(rule_is("acme lang:de"), timeout=3.0)
            finally:
                listener.halt()
                thread.join(30)
        self.assertFalse(thread.is_alive())
        streams = [p for m, p, _h, _b in self.server.requests
                   if m == "GET" and p.split("?")[0].endswith("/search/stream")]
        self.assertEqual(len(streams), 1, "changed without reconnecting")

    def test_two_sources_of_one_app_share_one_connection(self):
        one = self.make_source(name="X ACME")
        two = self.make_source(name="X router", query="#acmerouter")
        tag_one, tag_two = one._listener_spec()["tag"], two._listener_spec()["tag"]
        both = json.loads(tweet_line("1990000000000500003", "acme #acmerouter", tag_one))
        both["matching_rules"].append({"id": "1865000000000000777", "tag": tag_two})
        self.server.sessions = [[
            ("line", tweet_line("1990000000000500001", "acme is down", tag_one)),
            ("line", tweet_line("1990000000000500002", "#acmerouter is down", tag_two)),
            ("line", json.dumps(both)),
        ]]

        def stored(env):
            events = env["social.crm.event"].search([
                ("source_id", "in", (one | two).ids), ("kind", "=", "x_stream"),
                ("state", "=", "done")])
            return len(events) == 4

        self.env.flush_all()
        self.registry_enter_test_mode()
        listener = Listener(self.registry, [one.id, two.id], heartbeat=0.2, rescan=3600,
                            x_backoff_factory=lambda: x_stream.XBackoff(scale=0.001))
        with release_test_lock(), mute_logger(LISTENER_LOG, STREAM_LOG):
            listener.start()
            try:
                self.wait_for(stored)
            finally:
                listener.shutdown()
        self.env.invalidate_all()
        posts = self.env["social.crm.post"].search([("source_id", "in", (one | two).ids)])
        by_source = {source: sorted(posts.filtered(lambda p, s=source: p.source_id == s)
                                    .mapped("external_id")) for source in one | two}
        self.assertIn("1990000000000500001", by_source[one])
        self.assertIn("1990000000000500002", by_source[two])
        self.assertEqual(sorted(posts.mapped("external_id")), [
            "1990000000000500001", "1990000000000500002", "1990000000000500003"],
            "a tweet both rules matched is an event of each source and one post")
        self.assertEqual(sorted((r["value"], r["tag"]) for r in self.server.rules),
                         sorted([("acme", tag_one), ("#acmerouter", tag_two)]))
        streams = [p for m, p, _h, _b in self.server.requests
                   if m == "GET" and p.split("?")[0].endswith("/search/stream")]
        self.assertEqual(len(streams), 1, "one connection for the app")

    # --- catch-up after a reconnect ---------------------------------------------------------------
    def searches(self):
        return [parse_qs(urlsplit(p).query) for m, p, _h, _b in self.server.requests
                if m == "GET" and urlsplit(p).path.endswith("/search/recent")]

    def test_restart_catches_up_through_recent_search_without_doubles(self):
        """The listener was down: on connect, what the stream missed is fetched by X's recent
        search after the newest tweet stored, paged; a tweet both the search and the stream
        deliver is one event and one post."""
        source = self.make_source()
        tag = source._listener_spec()["tag"]
        source.stream_cursor = "1990000000000600001"  # the newest tweet stored before the stop
        self.server.search_pages = [
            search_page([tweet("1990000000000600005", "acme down again"),
                         tweet("1990000000000600004", "acme router blinking")],
                        next_token="b26v89c19zqg8o3fo7gghep0wmpt92c0wn0jiqwtc7tdp"),
            search_page([tweet("1990000000000600003", "acme support?"),
                         tweet("1990000000000600002", "acme outage")]),
        ]
        self.server.sessions = [[
            ("line", tweet_line("1990000000000600005", "acme down again", tag)),
            ("line", tweet_line("1990000000000600006", "acme still down", tag))]]

        def stored(env):
            return env["social.crm.event"].search_count([
                ("source_id", "=", source.id), ("kind", "=", "x_stream"),
                ("state", "=", "done")]) == 5

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, stored)
        events = self.env["social.crm.event"].search([("source_id", "=", source.id)])
        self.assertEqual(sorted(events.mapped("delivery_key")),
                         [f"x:tweet:199000000000060000{i}" for i in range(2, 7)])
        self.assertEqual(sorted(events.filtered(lambda e: e.channel == "catch_up")
                                .mapped("delivery_key")),
                         [f"x:tweet:199000000000060000{i}" for i in range(2, 6)])
        posts = self.env["social.crm.post"].search([("source_id", "=", source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")),
                         [f"199000000000060000{i}" for i in range(2, 7)], "no double post")
        self.assertEqual(set(posts.identity_id.mapped("followers_count")), {10000},
                         "the authors' counts come with the search as with the stream")
        first, second = self.searches()[:2]
        self.assertEqual(first["query"], ["acme"])
        self.assertEqual(first["since_id"], ["1990000000000600001"])
        self.assertIn("public_metrics", first["user.fields"][0])
        self.assertEqual(first["expansions"], [",".join(x_stream.x.EXPANSIONS)])
        self.assertEqual(second["next_token"], ["b26v89c19zqg8o3fo7gghep0wmpt92c0wn0jiqwtc7tdp"])
        self.assertEqual(source.stream_cursor, "1990000000000600006")

    def test_catch_up_cut_by_its_limit_says_so_on_the_source(self):
        """Probe (German manager): after a long outage the catch-up stops after
        ``CATCH_UP_PAGES`` pages of the recent search; the oldest tweets of the outage were
        lost and only the log said so. The source says it now, in German: how many were
        fetched, that the older ones were not, from when to when; the stream runs on and
        the message stays while it does."""
        self.german()
        self.env.user.tz = "Europe/Berlin"
        source = self.make_source()
        tag = source._listener_spec()["tag"]

        def snowflake(when):
            return str(int(when.timestamp() * 1000 - x_stream.SNOWFLAKE_EPOCH_MS) << 22)

        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        last_stored = now - dt.timedelta(hours=30)  # the newest tweet stored before the stop
        source.stream_cursor = snowflake(last_stored)
        # the outage's tweets, newest first, one per page: one page more than the limit
        pages = x_stream.CATCH_UP_PAGES + 1
        ids = [snowflake(now - dt.timedelta(hours=1 + i)) for i in range(pages)]
        self.server.search_pages = [
            search_page([tweet(tweet_id, f"acme outage {i}")],
                        next_token=f"token{i}" if i < pages - 1 else None)
            for i, tweet_id in enumerate(ids)]
        self.server.sessions = [[("keepalive",), ("line", tweet_line(
            snowflake(now), "acme live again", tag)), ("keepalive",)]]

        def told(env):
            source_now = env["social.crm.source"].browse(source.id)
            return source_now.last_error and env["social.crm.post"].search_count(
                [("source_id", "=", source.id)]) == x_stream.CATCH_UP_PAGES + 1

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, told)
        self.assertEqual(len(self.searches()), x_stream.CATCH_UP_PAGES)
        german = self.env["res.lang"].with_context(lang="de_DE", tz="Europe/Berlin")
        since = german._social_format_datetime(last_stored.replace(tzinfo=None))
        oldest_fetched = now - dt.timedelta(hours=x_stream.CATCH_UP_PAGES)
        until = german._social_format_datetime(oldest_fetched.replace(tzinfo=None))
        self.assertEqual(source.last_error, (
            "Nachdem der Listener nicht verbunden war, hat das Nachholen die 10 neuesten "
            "Beiträge abgerufen und an seiner Grenze aufgehört: Die älteren Beiträge, "
            f"veröffentlicht von {since} bis {until}, wurden nicht abgerufen. Der Stream läuft "
            "weiter."))

    def test_catch_up_without_stored_tweet_starts_at_the_last_connection(self):
        source = self.make_source()
        was_connected = dt.datetime(2026, 12, 4, 7, 30, 0)
        source.last_heartbeat_at = was_connected
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if now - was_connected > dt.timedelta(days=6):
            was_connected = now - dt.timedelta(hours=3)
            source.last_heartbeat_at = was_connected
        self.server.search_pages = [search_page([tweet("1990000000000700001", "acme gone")])]
        self.server.sessions = [[("keepalive",)]]

        def stored(env):
            return env["social.crm.post"].search_count([("source_id", "=", source.id)]) == 1

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, stored)
        search = self.searches()[0]
        self.assertNotIn("since_id", search)
        self.assertEqual(search["start_time"], [was_connected.isoformat(timespec="seconds") + "Z"])

    def test_new_source_does_not_search(self):
        source = self.make_source()
        self.server.sessions = [[("keepalive",)]]
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id)
                        .last_heartbeat_at)
        self.assertEqual(self.searches(), [], "nothing was missed by a source never connected")

    def test_plan_without_recent_search_is_reported_translated_and_the_stream_runs(self):
        self.german()
        source = self.make_source()
        tag = source._listener_spec()["tag"]
        source.stream_cursor = "1990000000000800001"
        self.server.search_pages = [("status", 402, {
            "title": "CreditsDepleted",
            "detail": "Your enrolled account [1460000000000030099] does not have any credits "
                      "to fulfill this request.",
            "type": "https://api.twitter.com/2/problems/credits"})]
        self.server.sessions = [[
            ("line", tweet_line("1990000000000800002", "acme live", tag))]]

        def stored(env):
            return env["social.crm.post"].search_count([("source_id", "=", source.id)]) == 1

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, stored)
        self.assertIn("HTTP 402", source.last_error)
        self.assertIn("does not have any credits", source.last_error)
        self.assertNotIn("x: ", source.last_error, "the product's words, not the connector's")
        self.assertIn("Stream läuft weiter", source.last_error)

    # --- rules of former sources ---------------------------------------------------------
    def german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.user.lang = "de_DE"

    def write_in_listener_time(self, source, vals=None, unlink=False):
        """A manager's change while the listener runs (committed for its threads)."""
        with self.registry.cursor() as cr:
            record = self.env(cr=cr)["social.crm.source"].browse(source.ids)
            if unlink:
                record.unlink()
            else:
                record.write(vals)

    def tags_at_x(self):
        return sorted(r["tag"] for r in self.server.rules)

    def test_archived_while_no_listener_ran_the_next_start_deletes_its_rule(self):
        kept = self.make_source(name="X ACME")
        archived = self.make_source(name="X former", query="#acmeold")
        polling = self.make_source(name="X now polled", query="#acmepoll")
        tag_kept, tag_archived, tag_polling = (
            s._listener_spec()["tag"] for s in (kept, archived, polling))
        other_database = tag_kept.rsplit(":", 2)[0] + ":0therdb0:" + str(archived.id)
        self.server.rules = [
            {"id": "1865000000000000011", "value": "acme", "tag": tag_kept},
            {"id": "1865000000000000012", "value": "#acmeold", "tag": tag_archived},
            {"id": "1865000000000000013", "value": "#acmepoll", "tag": tag_polling},
            {"id": "1865000000000000014", "value": "#acmeold", "tag": other_database},
            {"id": "1865000000000000015", "value": "from:someone", "tag": "other-app-rule"},
        ]
        archived.active = False  # no listener runs meanwhile
        polling.intake_mode = "poll"
        self.server.sessions = [[("keepalive",)]]
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(kept, lambda _env: tag_archived not in self.tags_at_x()
                        and tag_polling not in self.tags_at_x())
        self.assertEqual(self.tags_at_x(), sorted([tag_kept, other_database, "other-app-rule"]),
                         "other databases' and other apps' rules are left alone")

    def test_sources_leaving_the_stream_while_listening_lose_their_rule(self):
        one = self.make_source(name="X ACME")
        two = self.make_source(name="X router", query="#acmerouter")
        three = self.make_source(name="X modem", query="#acmemodem")
        tags = [s._listener_spec()["tag"] for s in (one, two, three)]
        self.server.sessions = [[("keepalive",)]]

        def leave():
            self.wait_for(lambda _env: self.tags_at_x() == sorted(tags))
            self.write_in_listener_time(two, {"intake_mode": "poll"})
            self.write_in_listener_time(three, unlink=True)
            self.listener.rescan()
            self.assertEqual(self.tags_at_x(), [tags[0]])
            self.assertEqual(set(self.listener.runners), {one.id})
            self.assertEqual(set(self.listener.x_apps["bearer-xyz"].members), {one.id})

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen([one, two, three], lambda _env: True, then=leave)

    def test_deleted_or_archived_source_rule_is_deleted_at_x_after_the_commit(self):
        gone = self.make_source(name="X former", bearer_token="bearer-only-this-one")
        archived = self.make_source(name="X old", query="#acmeold")
        kept = self.make_source(name="X ACME", query="#acmerouter")
        tag_gone, tag_archived, tag_kept = (
            s._listener_spec()["tag"] for s in (gone, archived, kept))
        self.server.rules = [
            {"id": "1865000000000000021", "value": "acme", "tag": tag_gone},
            {"id": "1865000000000000022", "value": "#acmerouter", "tag": tag_kept},
            {"id": "1865000000000000023", "value": "acme", "tag": tag_gone + "0"},
            {"id": "1865000000000000024", "value": "from:someone", "tag": "other-app-rule"},
            {"id": "1865000000000000025", "value": "#acmeold", "tag": tag_archived},
        ]
        gone.unlink()
        archived.active = False
        kept.query = "#acmerouter OR #acmemodem"  # no change of its rule's place
        self.assertEqual(len(self.tags_at_x()), 5, "nothing changes at X before the commit")
        self.env.cr.postcommit.run()
        self.assertEqual(self.tags_at_x(),
                         sorted([tag_kept, tag_gone + "0", "other-app-rule"]))

    # --- a new bearer token --------------------------------------------------------------
    def stream_tokens(self):
        return [h.get("Authorization") for m, p, h, _b in self.server.requests
                if m == "GET" and urlsplit(p).path.endswith("/stream")]

    def test_changed_bearer_token_reconnects_with_it_and_closes_the_old_connection(self):
        one = self.make_source(name="X ACME")
        two = self.make_source(name="X router", query="#acmerouter")
        self.server.sessions = [[("keepalive",)], [("keepalive",)]]

        def new_token():
            self.wait_for(lambda _env: self.stream_tokens() == ["Bearer bearer-xyz"])
            old = self.listener.x_apps["bearer-xyz"]
            self.write_in_listener_time(one | two, {"bearer_token": "bearer-new"})
            self.listener.rescan()
            self.wait_for(lambda _env: self.stream_tokens()[-1:] == ["Bearer bearer-new"])
            old.join(5)
            self.assertFalse(old.thread.is_alive(), "the old connection is closed")
            self.assertEqual(list(self.listener.x_apps), ["bearer-new"])
            self.assertEqual(set(self.listener.x_apps["bearer-new"].members), {one.id, two.id},
                             "the sources of one app move together")
            # the token removed: the source says so and reads nothing
            self.write_in_listener_time(two, {"bearer_token": False})
            self.listener.rescan()
            self.assertEqual(set(self.listener.x_apps["bearer-new"].members), {one.id})

        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen([one, two], lambda _env: True, then=new_token)
        self.assertEqual(self.stream_tokens(), ["Bearer bearer-xyz", "Bearer bearer-new"])
        self.assertIn("bearer token is missing", two.last_error)

    # --- X's refusal in the product's words -------------------------------------------------
    def refusal(self):
        return {
            "meta": {"sent": "2026-12-04T09:00:00.000Z",
                     "summary": {"created": 0, "not_created": 1, "valid": 0, "invalid": 1}},
            "errors": [{"value": "acme lang:xx",
                        "details": ["Reference to invalid language code 'xx' (at position 10)"],
                        "title": "UnprocessableEntity",
                        "type": "https://api.twitter.com/2/problems/invalid-rules"}]}

    def test_refused_rule_is_worded_by_the_product_in_german(self):
        self.german()
        source = self.make_source()
        self.server.refuse_rules = self.refusal()
        with self.assertRaises(ValidationError) as refused:
            source.with_context(lang="de_DE").query = "acme lang:xx"
        message = str(refused.exception)
        self.assertIn("nimmt die aus der Suchanfrage gemachte Stream-Regel nicht an", message)
        self.assertIn("Reference to invalid language code 'xx'", message, "X's words quoted")
        self.assertNotIn("X refused the stream rule", message)

    def test_rule_refused_at_connect_is_reported_in_german(self):
        self.german()
        source = self.make_source()
        self.server.refuse_rules = self.refusal()  # X refuses it now (the dry run passed)
        self.server.sessions = [[("keepalive",)]]
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id)
                        .last_error)
        self.assertIn("nimmt die aus der Suchanfrage gemachte Stream-Regel nicht an",
                      source.last_error)
        self.assertIn("invalid language code 'xx'", source.last_error)
        self.assertNotIn("x: ", source.last_error)

    def test_too_many_connections_is_worded_by_the_product_in_german(self):
        """X answers the connect with 429 TooManyConnections (another listener holds the
        app's connection): the source read the connector's English sentence ("x: x stream
        rate limited or too many connections (HTTP 429): ..."); now the product's German
        words, X's own quoted."""
        self.german()
        source = self.make_source()
        self.server.sessions = [[("status", 429, {
            "title": "ConnectionException",
            "detail": "This stream is currently at the maximum allowed connection limit.",
            "connection_issue": "TooManyConnections",
            "type": "https://api.twitter.com/2/problems/streaming-connection"})]] * 3
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id)
                        .last_error)
        self.assertIn("nimmt vorerst keine weiteren Verbindungen oder Anfragen an (HTTP 429",
                      source.last_error)
        self.assertIn("„This stream is currently at the maximum allowed connection limit.“",
                      source.last_error)
        self.assertNotIn("x: ", source.last_error)

    def test_token_refused_at_connect_is_worded_by_the_product(self):
        source = self.make_source()
        self.server.sessions = [[("status", 401, {
            "title": "Unauthorized", "type": "about:blank", "status": 401,
            "detail": "Unauthorized"})]] * 3
        with mute_logger(LISTENER_LOG, STREAM_LOG):
            self.listen(source, lambda env: env["social.crm.source"].browse(source.id)
                        .last_error)
        self.assertIn("X refuses the app's bearer token (HTTP 401)", source.last_error)
        self.assertIn("“Unauthorized”", source.last_error)
        self.assertNotIn("x: ", source.last_error)
