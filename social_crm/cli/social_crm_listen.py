# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo social_crm_listen``: keep the stream sources' connections open.

Usage (Odoo finds addon commands in the addons path given first)::

    odoo --addons-path=... social_crm_listen -c odoo.conf [-d db] [--source-ids 3,4]

One thread per active source in stream mode (Mastodon streaming API, Bluesky Jetstream, the X
API v2 filtered stream, replay files), each reconnecting with exponential backoff and jitter (X:
X's documented backoff); every message is stored as a ``social.crm.event`` together with the
resume cursor in one short transaction (so a restart resumes where the stored events end, and a
message is never counted as stored when it was not); a processing thread turns new events into
posts (the cron "Process received events" does the same, both claim rows with ``SKIP LOCKED``).
The sources' changes take effect at once: saving a stream source sends a PostgreSQL ``NOTIFY``
after the commit (``models/social_crm_source_listener.py``), which the listener receives on a
``LISTEN`` connection of its own and answers with a look at the sources (``Listener.rescan``,
also run every minute as the safety net).
Several listeners, on several machines, may run for the same sources: events are unique per
source and key. SIGTERM/SIGINT stop cleanly.
"""

import dataclasses
import datetime as dt
import logging
import optparse
import selectors
import signal
import sys
import threading
import time

import psycopg2
import psycopg2.sql

from odoo import SUPERUSER_ID, api, sql_db

# Odoo loads this file as ``odoo.cli.social_crm_listen`` (not inside the addon's package), so
# relative imports cannot work here.
# pylint: disable=odoo-addons-relative-import
from odoo.addons.social_crm.connectors import bluesky, mastodon, streams, x_stream
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors.base import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    MalformedResponseError,
    TemporaryError,
)
from odoo.addons.social_crm.connectors.util import max_id
from odoo.addons.social_crm.models.social_crm_source_listener import LISTENER_CHANNEL
from odoo.cli.command import Command
from odoo.exceptions import MissingError
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger(__name__)

JETSTREAM_REWIND_US = 2_000_000  # resume 2 s early: Jetstream's advice for gapless playback
CURSOR_SAVE_SECONDS = 5.0  # how often a cursor moved by unwanted messages is saved
BATCH = 200
RULE_CHECK_SECONDS = 60.0  # how often an X stream looks whether its source's query changed
NOTIFY_SETTLE_SECONDS = 0.3  # after a change is announced: the rest of a burst of saves
NOTIFY_PING_SECONDS = 30.0  # an idle LISTEN connection is checked this often
#: what a running stream (other than an X app's) was opened with: a change of one of these on
#: the source (a renewed token, another instance or hashtag) reopens it at the next rescan (as
#: soon as the save is heard); an X source's query and bearer token are followed by
#: ``Listener.rescan`` too (and the query by the runner's own look every minute)
CONNECTION_KEYS = ("network", "kind", "query", "path", "base_url", "token", "dids", "keywords",
                   "pace")


def connection_of(spec):
    return tuple(spec.get(key) for key in CONNECTION_KEYS)


def naive(when):
    """An aware datetime as Odoo stores it (naive UTC); None stays None."""
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when else None


class SourceRunner:
    """Reads one source's stream and stores what it receives."""

    def __init__(self, listener, spec):
        self.listener = listener
        self.spec = spec
        self.id = spec["id"]
        self.cursor = spec["cursor"] or None
        self.saved_at = 0.0
        self.pending_cursor = None
        self.stream = None
        self.rule_checked_at = time.monotonic()
        self.stop = threading.Event()  # this source only (archived, no longer a stream...)
        self.app = None  # X: the app stream this source reads with
        self.alive_at = None  # X: when the stream was last seen connected (UTC)
        self.catch_up_failed = False  # its message stays on the form until a catch-up works
        self.rule_ok = False  # X: the source's rule is at X (else nothing to catch up)
        self.gone = False  # the source was deleted
        self.retired = False  # no longer an active stream source (the listener stopped it)
        host = ""
        if spec["network"] == "mastodon" and spec["base_url"]:
            host = mastodon.instance_url(spec["base_url"]).split("://", 1)[1]
        self.host = host

    # --- storage -------------------------------------------------------------------------
    def _with_source(self, method, *args, **kwargs):
        """Call a method of the source in its own transaction (retried on a write conflict
        with another listener); None once the source is deleted (the listener's next look
        at the sources stops this runner)."""
        for attempt in range(5):
            if self.gone:
                return None
            try:
                with self.listener.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    return getattr(env["social.crm.source"].browse(self.id), method)(
                        *args, **kwargs
                    )
            except MissingError:
                _logger.info("source %s: deleted", self.id)
                self.gone = True
            except psycopg2.errors.SerializationFailure:
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    def store(self, raw_events, cursor=None, channel="stream"):
        ids = self._with_source("_listener_store", raw_events, cursor, channel,
                                keep_error=self.catch_up_failed)
        if cursor:
            self.cursor = max_id(cursor, self.cursor)
        self.saved_at = time.monotonic()
        self.pending_cursor = None
        if ids:
            self.listener.wake.set()
        return ids

    def report(self, error=None):
        """A heartbeat (no ``error``), or the stream's ``error`` (a ConnectorError) on the
        source, worded by the product in its reader's language (the connector's English
        sentence is for the log)."""
        try:
            if error is None:
                self._with_source("_listener_report")
            else:
                self._with_source("_listener_report_problem", *streams.problem_of(error))
        except psycopg2.Error:
            _logger.info("source %s: could not record the stream's state", self.id, exc_info=True)

    def store_malformed(self, text, error):
        """A message we cannot read is kept, quarantined, for a manager to look at."""
        _logger.info("source %s: unreadable stream message kept as quarantined: %s", self.id,
                     error)
        body = text.encode("utf-8", errors="replace") if isinstance(text, str) else text
        event = connector_events.RawEvent(
            "unreadable", connector_events.body_key(body),
            {"body": body.decode("utf-8", errors="replace")[:100_000]})

        def _store(source):
            source.env["social.crm.event"]._store_events(
                source, [event], "stream", state="quarantined", error=str(error))

        with self.listener.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            _store(env["social.crm.source"].browse(self.id))

    # --- callbacks -----------------------------------------------------------------------
    def on_event(self, event):
        if event.payload and event.key.startswith(connector_events.JETSTREAM_DELETE_PREFIX) \
                and not self._with_source("_listener_wanted", [event]):
            # a deletion of a post the company never stored: only moves the cursor
            event = dataclasses.replace(event, payload={})
        if event.payload:
            self.store([event], event.cursor)
        elif event.cursor:
            self.pending_cursor = max_id(event.cursor, self.pending_cursor)
            if time.monotonic() - self.saved_at > CURSOR_SAVE_SECONDS:
                self.store([], self.pending_cursor)

    def on_message(self, text):
        if self.spec["network"] == "x":
            self.on_x_line(text)
            return
        try:
            if self.spec["network"] == "mastodon":
                event = connector_events.mastodon_message(text)
            else:
                event = connector_events.jetstream_message(
                    text, self.spec["dids"], self.spec["keywords"])
        except ConnectorError as error:
            self.store_malformed(text, error)
            return
        if event is not None:
            self.on_event(event)

    def on_x_line(self, text):
        """One line of the X filtered stream: a tweet of this source's rule is stored; a
        disconnect line closes the connection (the stream reconnects); another error line is
        reported on the source and the stream read on."""
        try:
            event = x_stream.message_event(text, self.spec["tag"])
        except MalformedResponseError as error:
            self.store_malformed(text, error)
            return
        except TemporaryError:
            raise
        except ConnectorError as error:
            self.on_error(error)
            return
        self.alive_at = dt.datetime.now(dt.UTC)
        if event is not None:
            self.store([event], event.cursor)

    def report_x(self, problem, error=None):
        """An X problem of this source, worded (and translated) by the product."""
        _logger.info("source %s (%s): %s %s", self.id, self.spec["name"], problem, error or "")
        try:
            self._with_source("_listener_report_x", problem, getattr(error, "status", None),
                              getattr(error, "detail", "") or "")
        except psycopg2.Error:
            _logger.info("source %s: could not record the stream's state", self.id, exc_info=True)

    def catch_up_x(self):
        """On (re)connect: what X's recent search finds for the rule since the newest tweet
        the source stored (else since the source was last connected), stored as stream
        events (the same tweet from the stream and from here is one event, one post). X
        refusing (a plan without recent search, a rate limit) is reported on the source;
        the stream goes on."""
        if not self.rule_ok:
            return  # its rule refused: its error stays on the form
        start = self._with_source("_listener_x_catch_up_from")
        if start is None:
            return  # deleted meanwhile
        since_id = max_id(self.cursor, start["since_id"])
        alive_at = max((t for t in (self.alive_at, start["alive_at"]) if t), default=None)
        try:
            raw_events, complete = x_stream.catch_up(
                self.spec["bearer"], self.spec["rule"], since_id=since_id, start_time=alive_at)
        except ConnectorError as error:
            self.catch_up_failed = True
            self.report_x("catch_up", error)
            return
        if self.catch_up_failed and not raw_events:
            self.catch_up_failed = False
            self.store([])  # the former refusal is cleared
        self.catch_up_failed = False
        gap = None
        if not complete:
            gap = x_stream.catch_up_gap(raw_events, since_id, alive_at)
            _logger.info("source %s: catch-up stopped after %s pages (%s tweets): the older "
                         "tweets published since %s were not fetched", self.id,
                         x_stream.CATCH_UP_PAGES, gap.count, gap.since)
            # said on the form, and kept there while the stream runs (as a refusal)
            self.catch_up_failed = True
        if raw_events:
            _logger.info("source %s: %s tweets caught up since %s", self.id, len(raw_events),
                         since_id or alive_at)
            self.store(raw_events, x_stream.newest_id(raw_events), channel="catch_up")
        if gap is not None:
            self.report_x_gap(gap)

    def report_x_gap(self, gap):
        """A catch-up cut by its page limit, on the source (the product's words, translated):
        how many tweets were fetched, that older ones of the outage were not, since when."""
        try:
            self._with_source("_listener_report_x_gap", gap.count, naive(gap.since),
                              naive(gap.until))
        except psycopg2.Error:
            _logger.info("source %s: could not record the stream's state", self.id, exc_info=True)

    def join_x_app(self):
        """Read with the stream of the source's X app (none without a bearer token)."""
        if not self.spec["bearer"]:
            self.app = None
            self.report_x("no_token")
            return
        self.app = self.listener.x_app(self.spec["bearer"])
        self.app.add(self)

    def sync_x_rules(self):
        """Before each connect: the source's rule at X as the source says now (the query may
        have changed since the listener started)."""
        spec = self._with_source("_listener_x_spec")
        self.rule_ok = False
        if self.gone or self.retired:
            return  # deleted or no longer a stream source: no rule for it
        if spec:
            self.spec.update(spec)
        changes = x_stream.sync_rules(self.spec["bearer"], self.spec["tag"], self.spec["rule"])
        if self.retired:
            # retired while its rule was being added: the listener's pruning may be done
            x_stream.prune_rules(self.spec["bearer"], self.spec["tag"], only={self.spec["tag"]})
            return
        self.rule_ok = True
        if changes["added"] or changes["deleted"]:
            _logger.info("source %s: stream rule now %r (%s former deleted)", self.id,
                         self.spec["rule"], len(changes["deleted"]))

    def on_connect(self):
        if self.spec["network"] != "mastodon":
            return
        since_id = self.cursor
        items, complete = mastodon.catch_up(
            self.spec["base_url"], self.spec["token"] or None, self.spec["kind"],
            self.spec["query"], since_id, max_pages=5 if since_id else 1,
        )
        # a first connect (no cursor) asks for one page of the latest only: no outage cut
        cut = not complete and since_id
        cut_at = mastodon.catch_up_cut_at(items) if cut else None
        until = dt.datetime.now(dt.UTC)
        if cut:
            _logger.info("source %s: catch-up stopped after 5 pages (%s items): the items "
                         "published after %s were not fetched", self.id, len(items), cut_at)
        elif self.catch_up_failed and not items:
            self.catch_up_failed = False
            self.store([])  # the former cut's message is cleared
        # a cut is said on the form, and kept there while the stream runs (as for X)
        self.catch_up_failed = bool(cut)
        notification = self.spec["kind"] == "mentions"
        raw_events = [connector_events.mastodon_event(item, notification) for item in items]
        newest = max_id(*(e.cursor for e in raw_events)) if raw_events else None
        if raw_events:
            _logger.info("source %s: %s items caught up since %s", self.id, len(raw_events),
                         since_id)
            self.store(raw_events, newest, channel="catch_up")
        if cut:
            try:
                self._with_source("_listener_report_mastodon_gap", len(items), naive(cut_at),
                                  naive(until))
            except psycopg2.Error:
                _logger.info("source %s: could not record the stream's state", self.id,
                             exc_info=True)

    def on_error(self, error):
        if self.stop.is_set():
            return  # the connection was closed on purpose (archived, reconfigured, stopping)
        if isinstance(error, x_stream.RuleRefused):
            self.report_x("rule", error)
            return
        if self.spec["network"] == "x" and isinstance(error, AuthError):
            _logger.warning("source %s (%s): %s", self.id, self.spec["name"], error)
            self.report_x("token", error)
            return
        log = _logger.warning if isinstance(error, (ConfigurationError,)) or (
            getattr(error, "status", None) in (401, 403, 404)) else _logger.info
        log("source %s (%s): %s", self.id, self.spec["name"], error)
        self.report(error)

    def on_heartbeat(self):
        if self.spec["network"] == "x":
            self.alive_at = dt.datetime.now(dt.UTC)
        if self.spec["network"] == "x" and \
                time.monotonic() - self.rule_checked_at > RULE_CHECK_SECONDS:
            self.rule_checked_at = time.monotonic()
            try:
                spec = self._with_source("_listener_x_spec")
                if spec and spec["rule"] != self.spec["rule"]:
                    self.sync_x_rules()  # the query changed while connected
            except ConnectorError as error:
                self.on_error(error)  # the stream goes on with the former rule
        if self.pending_cursor:
            self.store([], self.pending_cursor)
        else:
            self.report()

    # --- the stream ----------------------------------------------------------------------
    def _jetstream_url(self):
        cursor = None
        if self.cursor and self.cursor.isdigit():
            cursor = max(int(self.cursor) - JETSTREAM_REWIND_US, 0)
        base = self.spec["base_url"]
        base = base if base.startswith(("ws://", "wss://")) else ""
        return bluesky.jetstream_url(base, cursor)

    def build(self):
        spec, listener = self.spec, self.listener
        if spec["network"] == "replay" or spec["kind"] == "replay":
            start = int(self.cursor) if (self.cursor or "").isdigit() else 0
            return streams.ReplayStream(spec["path"], pace=spec["pace"], start=start,
                                        what=f"replay {spec['name']}")
        if spec["network"] == "mastodon":
            headers = {"Authorization": f"Bearer {spec['token']}"} if spec["token"] else {}
            url = mastodon.stream_url(spec["base_url"], spec["kind"], spec["query"])
            return streams.WebSocketStream(
                url, headers=headers, what=f"mastodon {spec['name']}",
                heartbeat=listener.heartbeat, backoff=listener.backoff_factory(),
                secrets=(spec["token"],))
        if spec["network"] == "bluesky":
            return streams.WebSocketStream(
                self._jetstream_url, what=f"jetstream {spec['name']}",
                heartbeat=listener.heartbeat, backoff=listener.backoff_factory())
        raise ConfigurationError(f"no stream for network {spec['network']!r}")

    def run(self):
        if self.spec["network"] == "x" and self.spec["kind"] != "replay":
            # one connection per X app: the app's stream reads for all its sources
            self.join_x_app()
            return
        try:
            self.stream = self.build()
        except ConnectorError as error:
            self.on_error(error)
            return
        if isinstance(self.stream, streams.ReplayStream):
            self.stream.run(self.stop, self.on_event, on_error=self.on_error)
            return
        self.stream.run(
            self.stop, self.on_message, on_connect=self.on_connect,
            on_heartbeat=self.on_heartbeat, on_error=self.on_error,
            on_malformed=lambda message: _logger.info("source %s: %s", self.id, message),
        )

    def connection(self):
        return connection_of(self.spec)

    def x_app_member(self):
        """Whether this source reads with its X app's shared stream."""
        return self.spec["network"] == "x" and self.spec["kind"] != "replay"

    def close(self):
        self.stop.set()
        if isinstance(self.stream, streams.WebSocketStream):
            self.stream.close()


class XAppStream:
    """The filtered stream of one X app (bearer token), read for all its sources: X allows
    one connection per app (most plans), and the stream delivers the matches of every rule of
    the app; each source keeps the lines its own rule (tag) matched. A source joining a
    running stream only adds its rule: X applies rules to an open connection at once."""

    def __init__(self, listener, bearer):
        self.listener = listener
        self.bearer = bearer
        self.members = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()  # this app only (its last source left, a new token)
        self.stream = x_stream.XFilteredStream(
            bearer, what="x stream", backoff=listener.x_backoff_factory(),
            before_connect=self.sync_rules)
        self.thread = None

    def runners(self):
        with self.lock:
            return list(self.members.values())

    def add(self, runner):
        with self.lock:
            self.members[runner.id] = runner
            start = self.thread is None
            if start:
                self.thread = threading.Thread(
                    target=self.run, name=f"social-crm-listen-x-{runner.id}", daemon=True)
        if start:
            self.thread.start()
            return
        try:
            runner.sync_x_rules()
        except ConnectorError as error:
            runner.on_error(error)
            return
        if self.stream.connections:
            runner.catch_up_x()  # joins a running stream: what it missed meanwhile

    def remove(self, runner):
        """Take ``runner`` out; True when no source is left (the caller stops the app)."""
        with self.lock:
            self.members.pop(runner.id, None)
            return not self.members

    def sync_rules(self):
        """Before each connect: every source's rule (a source whose rule X refuses reports
        it; the others are read all the same)."""
        for runner in self.runners():
            try:
                runner.sync_x_rules()
            except ConnectorError as error:
                runner.on_error(error)

    def on_message(self, text):
        for runner in self.runners():
            runner.on_x_line(text)

    def on_heartbeat(self):
        for runner in self.runners():
            runner.on_heartbeat()

    def on_connect(self):
        for runner in self.runners():
            runner.catch_up_x()

    def on_error(self, error):
        for runner in self.runners():
            runner.on_error(error)

    def run(self):
        self.stream.run(self.stop, self.on_message, on_connect=self.on_connect,
                        on_heartbeat=self.on_heartbeat, on_error=self.on_error)

    def close(self):
        self.stop.set()
        self.stream.close()

    def join(self, timeout):
        if self.thread is not None:
            self.thread.join(timeout)


class Listener:
    """Runs a :class:`SourceRunner` thread per stream source and a processing thread."""

    def __init__(self, registry, source_ids=None, *, heartbeat=30.0, rescan=60.0,
                 process=True, backoff_factory=None, x_backoff_factory=None):
        self.registry = registry
        self.source_ids = source_ids or None
        self.heartbeat = heartbeat
        self.rescan_seconds = rescan
        self.process = process
        self.backoff_factory = backoff_factory or streams.Backoff
        self.x_backoff_factory = x_backoff_factory or x_stream.XBackoff
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.rescan_due = threading.Event()  # a source changed (NOTIFY): look at them now
        self.listening = threading.Event()  # the LISTEN connection is open
        self.runners = {}
        self.threads = []
        self.x_apps = {}  # bearer token -> XAppStream
        self.x_lock = threading.Lock()
        self.x_plan = None  # the X rules this database keeps, as last pruned
        self.x_former = set()  # bearer tokens of the apps stopped since the last pruning

    def _specs(self):
        specs = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for source in env["social.crm.source"]._listener_sources(self.source_ids):
                if source.id in self.runners:
                    continue
                try:
                    specs.append(source._listener_spec())
                except ConnectorError as error:
                    _logger.warning("source %s (%s): %s", source.id, source.name, error)
                    source._listener_report_problem(*streams.problem_of(error))
        return specs

    def start(self):
        for spec in self._specs():
            runner = SourceRunner(self, spec)
            self.runners[spec["id"]] = runner
            thread = threading.Thread(target=runner.run, name=f"social-crm-listen-{spec['id']}",
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
            _logger.info("listening to source %s (%s)", spec["id"], spec["name"])
        if self.process and not any(t.name == "social-crm-process" for t in self.threads):
            thread = threading.Thread(target=self._process_loop, name="social-crm-process",
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
        if self.x_plan is None:
            self.prune_x_rules()  # rules of sources archived or deleted while no listener ran

    def rescan(self):
        """Follow the sources' changes: a source no longer an active stream source stops
        (archived, deleted, switched to polling), an X source whose app's bearer token
        changed (or was removed) moves to the new app's stream, an X source whose query
        changed has its rule changed at X, the X rules of this database that no source keeps
        are deleted, new stream sources start."""
        moved = {}
        changed = set()
        requeried = set()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            sources = env["social.crm.source"]._listener_sources(self.source_ids)
            gone = set(self.runners) - set(sources.ids)
            for source in sources:
                runner = self.runners.get(source.id)
                if runner is None:
                    continue
                if not runner.x_app_member():
                    # a renewed token, another instance, hashtag or feed: read it anew
                    try:
                        spec = source._listener_spec()
                    except ConnectorError:
                        spec = None  # start() reports why and does not listen to it
                    if spec is None or connection_of(spec) != runner.connection():
                        changed.add(source.id)
                    continue
                try:
                    spec = source._listener_x_spec()
                except ConnectorError:
                    continue  # the rule sync reports it
                if spec["bearer"] != runner.spec["bearer"]:
                    moved[source.id] = spec
                elif spec["rule"] != runner.spec["rule"] and runner.app is not None:
                    requeried.add(source.id)
        for source_id in gone:
            self.retire(source_id)
        for source_id in changed:
            self.retire(source_id, reason="its settings changed: reconnecting")
        for source_id, spec in moved.items():
            runner = self.runners[source_id]
            _logger.info("source %s: the X app's bearer token changed: reconnecting", source_id)
            self.leave_x_app(runner)
            runner.spec.update(spec)
            runner.join_x_app()
        for source_id in requeried:
            # the stream goes on: X applies a rule change to an open connection at once
            runner = self.runners[source_id]
            try:
                runner.sync_x_rules()
            except ConnectorError as error:
                runner.on_error(error)  # the stream goes on with the former rule
        self.prune_x_rules(force=bool(gone or moved))
        self.start()

    def retire(self, source_id, reason="no longer a stream source: stopped"):
        """Stop listening to a source that is no longer an active stream source (or whose
        connection changed: ``start`` then opens it anew)."""
        runner = self.runners.pop(source_id)
        runner.retired = True
        _logger.info("source %s (%s): %s", source_id, runner.spec["name"], reason)
        runner.close()
        self.leave_x_app(runner)

    def leave_x_app(self, runner):
        """Take ``runner`` out of its X app's stream; the app's last source stops it."""
        app, runner.app = runner.app, None
        if app is None or not app.remove(runner):
            return
        with self.x_lock:
            if self.x_apps.get(app.bearer) is app:
                del self.x_apps[app.bearer]
            self.x_former.add(app.bearer)  # its sources' rules are pruned there
        app.close()

    def prune_x_rules(self, force=False):
        """Delete the X rules tagged for this database's sources that are no longer active
        stream sources, on every app this database knows (its X sources' bearer tokens,
        archived ones included, and the apps this listener reads); runs at the first start
        and whenever the sources changed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            prefix, plan = env["social.crm.source"]._listener_x_rule_plan()
        if plan == self.x_plan and not force:
            return
        self.x_plan = plan
        with self.x_lock:
            bearers = set(plan) | set(self.x_apps) | self.x_former
            self.x_former = set()
        for bearer in sorted(bearers):
            try:
                deleted = x_stream.prune_rules(bearer, prefix, plan.get(bearer, ()))
            except ConnectorError as error:
                _logger.info("x: the stream rules of former sources not deleted: %s", error)
                self.x_plan = {}  # tried again at the next rescan
                continue
            if deleted:
                _logger.info("x: %s stream rules of former sources deleted", len(deleted))

    def x_app(self, bearer):
        """The filtered stream of the X app of ``bearer`` (made at its first source)."""
        with self.x_lock:
            if bearer not in self.x_apps:
                self.x_apps[bearer] = XAppStream(self, bearer)
                if self.stop.is_set():
                    self.x_apps[bearer].stop.set()  # made while stopping: never connects
            return self.x_apps[bearer]

    def run(self):
        """Start, then look at the sources whenever they are said to have changed (a burst of
        changes is one look) and at the latest every ``rescan`` seconds, until stopped."""
        self.start()
        watcher = threading.Thread(target=self.watch_sources, name="social-crm-listen-notify",
                                   daemon=True)
        watcher.start()
        self.threads.append(watcher)
        while not self.stop.is_set():
            if self.rescan_due.wait(self.rescan_seconds) and not self.stop.is_set():
                self.stop.wait(NOTIFY_SETTLE_SECONDS)
            if self.stop.is_set():
                break
            self.rescan_due.clear()  # a change announced from now on is looked at again
            try:
                self.rescan()
            except psycopg2.Error:
                _logger.info("looking at the sources failed; trying again soon", exc_info=True)
        self.shutdown()

    def halt(self):
        """Ask ``run`` to stop (from a signal handler or another thread)."""
        self.stop.set()
        self.wake.set()
        self.rescan_due.set()

    def watch_sources(self):
        """Hold a ``LISTEN`` on the channel the sources' changes are announced on (a
        connection of its own, outside the registry's pool, as Odoo's bus does) and ask
        ``run`` for a rescan on each announcement. A lost connection is re-opened with
        backoff; meanwhile the periodic rescan follows the sources."""
        backoff = self.backoff_factory()
        while not self.stop.is_set():
            try:
                self._listen_for_changes(backoff)
                continue
            except (psycopg2.Error, OSError) as error:
                if self.stop.is_set():
                    break
                delay = backoff.next()
                _logger.warning(
                    "the connection that hears the sources' changes is lost (%s); re-opening "
                    "it in %.1f s (meanwhile the sources are looked at every %s s)",
                    " ".join(str(error).split()) or type(error).__name__, delay,
                    self.rescan_seconds)
            except Exception:
                # whatever it is, the listener goes on (its rescan timer follows the sources)
                delay = backoff.next()
                _logger.exception("hearing the sources' changes failed; trying again in %.1f s",
                                  delay)
            self.stop.wait(delay)

    def _listen_for_changes(self, backoff):
        _db, info = sql_db.connection_info_for(self.registry.db_name)
        # over TCP, keepalives bound how long a silently dead connection goes unnoticed
        connection = psycopg2.connect(**info, keepalives=1, keepalives_idle=30,
                                      keepalives_interval=10, keepalives_count=3)
        try:
            connection.autocommit = True
            with connection.cursor() as cr:
                # LISTEN takes no parameter: the channel as a quoted identifier
                cr.execute(psycopg2.sql.SQL("LISTEN {}").format(
                    psycopg2.sql.Identifier(LISTENER_CHANNEL)))
            self.listening.set()
            backoff.reset()
            _logger.info("hearing the sources' changes (LISTEN %s)", LISTENER_CHANNEL)
            # what changed before the LISTEN (or while it was lost) was not announced here
            self.rescan_due.set()
            checked_at = time.monotonic()
            with selectors.DefaultSelector() as selector:
                selector.register(connection, selectors.EVENT_READ)
                while not self.stop.is_set():
                    if selector.select(1.0):
                        connection.poll()  # raises on a lost connection
                        checked_at = time.monotonic()
                    elif time.monotonic() - checked_at > NOTIFY_PING_SECONDS:
                        with connection.cursor() as cr:  # a dead connection raises here
                            cr.execute("SELECT 1")
                        checked_at = time.monotonic()
                    if any(n.payload == self.registry.db_name for n in connection.notifies):
                        self.rescan_due.set()
                    connection.notifies.clear()
        finally:
            self.listening.clear()
            connection.close()

    def shutdown(self, timeout=10.0):
        self.stop.set()
        self.wake.set()
        self.rescan_due.set()
        for runner in self.runners.values():
            runner.close()
        for thread in self.threads:
            thread.join(timeout)
        with self.x_lock:  # after the runners' threads: an app they made is among them
            apps = list(self.x_apps.values())
        for app in apps:
            app.close()
        for app in apps:
            app.join(timeout)
        _logger.info("listener stopped")

    def process_pending(self):
        """Process the new events of the listened sources; return how many."""
        done, skip = 0, set()
        source_ids = list(self.runners)
        while True:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                events = env["social.crm.event"]._claim(BATCH, exclude=skip,
                                                       source_ids=source_ids)
                if not events:
                    return done
                events._process()
                skip.update(events.filtered(lambda e: e.state == "new").ids)
                done += len(events)
            if self.stop.is_set():
                return done

    def _process_loop(self):
        while not self.stop.is_set():
            self.wake.wait(self.heartbeat)
            self.wake.clear()
            try:
                self.process_pending()
            except psycopg2.Error:
                _logger.info("processing events failed; retrying soon", exc_info=True)
                self.stop.wait(1.0)


class SocialCrmListen(Command):
    """Listen to the stream sources of Social CRM (Mastodon, Bluesky Jetstream, X, replays)"""

    name = "social_crm_listen"

    def run(self, cmdargs):
        parser = config.parser
        parser.prog = self.prog
        group = optparse.OptionGroup(parser, "Social CRM listener")
        group.add_option("--source-ids", dest="social_crm_source_ids", my_default="",
                         help="Comma-separated ids of the sources to listen to (default: all "
                              "active sources in stream mode).")
        group.add_option("--no-process", dest="social_crm_no_process", action="store_true",
                         my_default=False, help="Only store events; leave processing to the cron.")
        parser.add_option_group(group)
        opt = config.parse_config(cmdargs, setup_logging=True)
        dbnames = config["db_name"]
        if not dbnames or len(dbnames) != 1:
            sys.exit("social_crm_listen: give exactly one database with -d or in the config file")
        ids = [int(i) for i in (opt.social_crm_source_ids or "").split(",") if i.strip()]
        listener = Listener(Registry(dbnames[0]), ids or None,
                            process=not opt.social_crm_no_process)

        def _stop(signum, _frame):
            _logger.info("signal %s: stopping", signum)
            listener.halt()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        listener.run()
