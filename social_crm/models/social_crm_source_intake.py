# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Real-time intake of a listening source: how posts arrive (poll, push, stream).

* push: the network calls our webhook ``/social_crm/webhook/<token>`` (Meta pages and
  Instagram, X Account Activity API); the signature is checked with the source's secret before
  anything is read; the items are stored as ``social.crm.event`` and processed by a cron
  triggered at once.
* stream: ``odoo social_crm_listen`` keeps a websocket open (Mastodon streaming API, Bluesky
  Jetstream), the X API v2 filtered stream (HTTP, one rule per source, tagged with it) or plays
  a replay file; the resume cursor and heartbeat are stored here.
* poll: the poll cron (every minute) fetches the source when it is due.
"""

import datetime as dt
import json
import logging
import re
import secrets

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..connectors import events as connector_events
from ..connectors import signatures, x_stream
from ..connectors.base import AuthError, ConfigurationError, ConnectorError
from ..connectors.util import max_id

_logger = logging.getLogger(__name__)

MANAGER = "social_crm.group_social_crm_manager"
PUSH_NETWORKS = ("facebook", "instagram", "x")
STREAM_NETWORKS = ("mastodon", "bluesky", "x", "replay")
MAX_BODY = 1024 * 1024  # bytes; Meta and X deliveries are a few KB
#: the alphabet of the webhook tokens (``secrets.token_urlsafe``)
WEBHOOK_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")
MAX_CRC_TOKEN = 512  # X's crc_token is a short random string


def _new_token():
    return secrets.token_urlsafe(24)


def _x_crc_token_is_safe(token):
    """Whether X's CRC ``token`` may be signed: the CRC answer is the HMAC that signs X's
    deliveries, so the token must be nothing a delivery's body could be. A body is a JSON
    object: ``{`` after optional whitespace or a byte order mark. X's tokens are short random
    strings of printable ASCII."""
    return (len(token) <= MAX_CRC_TOKEN and token.isascii() and token.isprintable()
            and " " not in token and "{" not in token)


def _delete_x_rules(prefix, rules):
    """After the commit of a deletion: the X rules of the deleted sources (``{bearer
    token: tags}``); X out of reach leaves them (logged)."""
    for bearer, tags in rules.items():
        try:
            x_stream.prune_rules(bearer, prefix, only=tags)
        except ConnectorError as error:
            _logger.info("Social CRM: stream rules of deleted sources left at X: %s", error)


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    intake_mode = fields.Selection(
        [
            ("poll", "Poll (fetch on a schedule)"),
            ("push", "Push (the network calls our webhook)"),
            ("stream", "Stream (the listener keeps a connection open)"),
        ],
        string="Mode",
        default="poll",
        required=True,
        help="Push: Facebook/Instagram pages (Meta webhooks) and X mentions (Account Activity "
        "API). Stream: Mastodon mentions and hashtags, Bluesky keywords (Jetstream), X searches "
        "and mentions (filtered stream: the query is the rule, for mentions our username; "
        "needs the app's bearer token), replays; run by “odoo social_crm_listen”. Poll: "
        "everything else.",
    )
    webhook_token = fields.Char(groups=MANAGER, copy=False, readonly=True)
    webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_webhook_url",
        groups=MANAGER,
        help="Enter this address as the callback URL in the network's developer console. "
        "One app for several pages or accounts: any one of its sources' addresses will do. "
        "Each item of a delivery is stored with the push source of the account it is "
        "addressed to (Meta: the page or Instagram account id of the item, X: the subscribed "
        "user id, WhatsApp: the phone number id), which must be that source's Our Account ID "
        "(WhatsApp: WhatsApp Phone Number ID) with the same app secret. Items for an account no "
        "such source has are dropped and shown on this source as refused (Deliveries "
        "Refused, Last Refusal), or, when this is the company's only push source of the "
        "network and no other company's source has the app secret, kept for “Use this "
        "account ID”. A source without an account id takes the items no other source takes, "
        "unless another company's source has the app secret: then it keeps them for “Use this "
        "account ID”.",
    )
    app_secret = fields.Char(
        groups=MANAGER,
        copy=False,
        help="Meta: the app secret, which signs every webhook delivery (X-Hub-Signature-256). "
        "X: the consumer secret is the API Secret above.",
    )
    verify_token = fields.Char(
        groups=MANAGER,
        copy=False,
        help="Meta: the verify token to enter next to the callback URL.",
    )
    stream_cursor = fields.Char(
        copy=False,
        readonly=True,
        help="Where the stream resumes: Jetstream time (µs), Mastodon id, replay line; X: the "
        "newest tweet stored (the catch-up after a reconnect starts there).",
    )
    replay_pace_seconds = fields.Float(
        string="Replay Pace (seconds)",
        default=4.0,
        help="Stream mode of a replay: seconds between two replayed posts.",
    )
    last_heartbeat_at = fields.Datetime(string="Last Heartbeat", readonly=True, copy=False)
    last_event_at = fields.Datetime(string="Last Event", compute="_compute_intake_stats")
    last_delay_seconds = fields.Integer(
        string="Delay (s)",
        compute="_compute_intake_stats",
        help="Seconds from the latest post's publication on the network to its storage here.",
    )
    event_count = fields.Integer(string="Events", compute="_compute_intake_stats")
    event_failed_count = fields.Integer(string="Events Failed", compute="_compute_intake_stats")
    refused_count = fields.Integer(string="Deliveries Refused", readonly=True, copy=False)
    refused_reason = fields.Char(string="Last Refusal", readonly=True, copy=False)
    last_refused_at = fields.Datetime(string="Last Refused", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        # one token per record (a field default would give every existing row the same one)
        for vals in vals_list:
            vals.setdefault("webhook_token", _new_token())
            vals.setdefault("verify_token", _new_token())
        sources = super().create(vals_list)
        sources._x_stream_check_rule()
        return sources

    def write(self, vals):
        held = {}
        if {"intake_mode", "network_id", "bearer_token", "active", "kind"} & set(vals):
            held = self._x_stream_rules_held()
        result = super().write(vals)
        if held:
            after = self._x_stream_rules_held()
            self._x_stream_delete_rules_after_commit(
                {bearer: tags - after.get(bearer, set()) for bearer, tags in held.items()})
        if {"intake_mode", "query", "kind", "network_id", "bearer_token", "active"} & set(vals):
            self._x_stream_check_rule()
        if vals.get("intake_mode") == "push":
            # sudo: the webhook secrets are manager-only fields; made for any writer of the mode
            for source in self.sudo().filtered(lambda s: not s.webhook_token or not s.verify_token):
                source.write({
                    "webhook_token": source.webhook_token or _new_token(),
                    "verify_token": source.verify_token or _new_token(),
                })
        return result

    def unlink(self):
        # the bearer token goes with the record: no listener could delete the rule later
        held = self._x_stream_rules_held(any_mode=True)
        result = super().unlink()
        self._x_stream_delete_rules_after_commit(held)
        return result

    def _x_stream_rules_held(self, any_mode=False):
        """``{bearer token: tags}`` of the rules these X sources hold at X (active stream
        sources; with ``any_mode`` every X source with a token)."""
        rules = {}
        database = self._x_stream_database()
        # sudo: the bearer token is a manager-only field
        for source in self.sudo().filtered(
            lambda s: s.network_id.code == "x" and s.bearer_token and s.kind != "replay"
            and (any_mode or (s.active and s.intake_mode == "stream"))
        ):
            rules.setdefault(source.bearer_token, set()).add(
                x_stream.rule_tag(database, source.id))
        return rules

    def _x_stream_delete_rules_after_commit(self, rules):
        """Delete at X the rules of sources that left the stream (archived, deleted,
        switched to polling, another token), once that is committed: X is not part of the
        transaction. The listener does the same on its next look at the sources."""
        rules = {bearer: tags for bearer, tags in rules.items() if tags}
        if rules:
            prefix = x_stream.rule_tag(self._x_stream_database(), "")
            self.env.cr.postcommit.add(lambda: _delete_x_rules(prefix, rules))

    @api.depends("webhook_token")
    def _compute_webhook_url(self):
        for source in self:
            source.webhook_url = (
                f"{source.get_base_url()}/social_crm/webhook/{source.webhook_token}"
                if source.webhook_token
                else False
            )

    def _compute_intake_stats(self):
        ids = [i for i in self.ids if isinstance(i, int)]
        events, delays = {}, {}
        if ids:
            # sudo: events are manager-only; the counts are shown to readers of the source
            groups = self.env["social.crm.event"].sudo()._read_group(
                [("source_id", "in", ids)],
                ["source_id", "state", "held_account"],
                ["__count", "received_at:max"],
            )
            for source, state, held, count, received in groups:
                stats = events.setdefault(source.id, {"count": 0, "failed": 0, "last": False})
                stats["count"] += count
                # items kept for another account have their own message (held_event_count)
                if state in ("failed", "quarantined") and not held:
                    stats["failed"] += count
                if received and (not stats["last"] or received > stats["last"]):
                    stats["last"] = received
            rows = self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (source_id) source_id,
                              EXTRACT(EPOCH FROM (fetched_at - posted_at))
                         FROM social_crm_post
                        WHERE source_id = ANY(%s) AND fetched_at IS NOT NULL
                        ORDER BY source_id, id DESC""",
                    ids,
                )
            )
            delays = {source_id: max(int(delay or 0), 0) for source_id, delay in rows}
        for source in self:
            stats = events.get(source.id, {})
            source.event_count = stats.get("count", 0)
            source.event_failed_count = stats.get("failed", 0)
            source.last_event_at = stats.get("last", False)
            source.last_delay_seconds = delays.get(source.id, 0)

    @api.constrains("intake_mode", "network_id", "kind")
    def _check_intake_mode(self):
        for source in self:
            code = source.network_id.code
            if source.intake_mode == "push" and not (
                (code in ("facebook", "instagram") and source.kind == "page")
                or (code == "x" and source.kind == "mentions")
            ):
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: push (webhooks) works for Facebook/Instagram pages and "
                        "X mentions only.",
                        name=source.name,
                    )
                )
            if source.intake_mode == "stream" and not (
                (code == "mastodon" and source.kind in ("mentions", "hashtag"))
                or (code == "bluesky" and source.kind == "search")
                or (code == "x" and source.kind in ("search", "mentions"))
                or source.kind == "replay"
            ):
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: streams are available for Mastodon mentions and "
                        "hashtags, Bluesky searches (Jetstream), X searches and mentions "
                        "(filtered stream) and replays.",
                        name=source.name,
                    )
                )

    def _x_stream_rule(self):
        """``(bearer token, tag, rule)`` of an X source in stream mode (raises
        ``ConfigurationError`` when the rule cannot be made from the query)."""
        self.ensure_one()
        # sudo: the bearer token is a manager-only field
        source = self.sudo()
        return (
            source.bearer_token or "",
            x_stream.rule_tag(self._x_stream_database(), source.id),
            x_stream.rule_value(source.kind, source.query or ""),
        )

    @api.model
    def _x_stream_database(self):
        """This database in the rules' tags (two databases on one X app do not clash)."""
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid") or ""
        return database[:8] or self.env.cr.dbname

    def _x_stream_refusal(self, error):
        """The product's (translated) words for X refusing a source's rule or token, X's
        own words quoted as the detail."""
        self.ensure_one()
        detail = getattr(error, "detail", "") or ""
        if isinstance(error, AuthError):
            return self.env._(
                "“%(name)s”: X refuses the app's bearer token (HTTP %(status)s): it is wrong or "
                "revoked, or the app has no access to the filtered stream. X says: “%(detail)s”",
                name=self.name, status=error.status or "", detail=detail,
            )
        return self.env._(
            "“%(name)s”: X does not accept the stream rule made from the query. X says: "
            "“%(detail)s”",
            name=self.name, detail=detail or str(error),
        )

    def _x_stream_check_rule(self):
        """Validate the filtered-stream rule of the X stream sources with X (``dry_run``: X
        changes nothing) when they are saved: a rule X refuses, or a token it refuses, is
        shown at once; X being out of reach does not stop the saving (the listener
        reports it)."""
        for source in self.filtered(
            lambda s: s.active and s.intake_mode == "stream" and s.network_id.code == "x"
        ):
            if source.kind == "mentions" and not (source.query or "").strip().lstrip("@"):
                raise ValidationError(
                    self.env._(
                        "“%(name)s”: a mentions stream needs our X username in the query.",
                        name=source.name,
                    )
                )
            try:
                bearer, tag, rule = source._x_stream_rule()
                if not bearer:
                    continue  # the listener reports the missing token on the form
                x_stream.sync_rules(bearer, tag, rule, dry_run=True)
            except (AuthError, ConfigurationError) as error:
                raise ValidationError(source._x_stream_refusal(error)) from error
            except ConnectorError as error:
                _logger.info("Social CRM: source %s: stream rule not checked: %s", source.id,
                             error)

    # --- actions -------------------------------------------------------------------------
    def action_new_webhook_url(self):
        """Give the source a new webhook address (the former one stops working)."""
        self.check_access("write")
        for source in self:
            # sudo: the token is manager-only; write access was checked above
            source.sudo().webhook_token = _new_token()
        return True

    def action_open_events(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Received Events"),
            "res_model": "social.crm.event",
            "view_mode": "list,form",
            "domain": [("source_id", "=", self.id)],
            "context": {"search_default_filter_problems": self.event_failed_count > 0},
        }

    # --- webhooks ------------------------------------------------------------------------
    @api.model
    def _webhook_source(self, token):
        """The active push source of this webhook token (sudo), or an empty recordset."""
        if not token or not WEBHOOK_TOKEN.fullmatch(token):
            return self.browse()  # never one of ours (a NUL would even fail the query)
        # what a delivery needs, in the query that finds the source
        # self: sudo'ed by the public route (controllers/webhook.py), the token is the key
        return (
            self.with_context(active_test=True)
            .search_fetch(
                [("webhook_token", "=", token), ("intake_mode", "=", "push")],
                ["network_id", "company_id", "app_secret", "api_secret", "account_id"],
                limit=1,
            )
        )

    def _webhook_network(self):
        self.network_id.fetch(["code"])  # not the network's other (translated) fields
        return "x" if self.network_id.code == "x" else "meta"

    def _webhook_handshake(self, args):
        """Answer a GET: Meta's subscription handshake or X's CRC. Returns
        ``(status, content_type, body)``."""
        self.ensure_one()
        # self: the source the public route found, sudo'ed there (controllers/webhook.py)
        source = self
        if self._webhook_network() == "meta":
            if signatures.check_meta_handshake(
                source.verify_token, args.get("hub.mode"), args.get("hub.verify_token")
            ):
                return 200, "text/plain", args.get("hub.challenge") or ""
            self._intake_refused(self.env._("handshake with a wrong verify token"))
            return 403, "text/plain", "Verify token mismatch"
        crc_token = args.get("crc_token")
        if not crc_token:
            return 400, "text/plain", "crc_token missing"
        if not _x_crc_token_is_safe(crc_token):
            # X signs its deliveries with the HMAC of its CRC answer: signing this token would
            # be a valid signature of a delivery whose body is the token
            self._intake_refused(self.env._("a CRC check with a token X never sends"))
            return 400, "text/plain", "Invalid crc_token"
        if not source.api_secret:
            self._intake_refused(self.env._("CRC check but no API secret on the source"))
            return 403, "text/plain", "Not configured"
        answer = signatures.x_crc_response(source.api_secret, crc_token)
        return 200, "application/json", json.dumps(answer)

    def _webhook_receive(self, body, headers):
        """Check the signature of a POSTed ``body``; when it holds, store its items as events
        and trigger their processing. Returns ``(status, content_type, body)``."""
        self.ensure_one()
        # self: the source the public route found, sudo'ed there (controllers/webhook.py)
        source = self
        if self._webhook_network() == "meta":
            verdict = signatures.check_meta(
                source.app_secret, body, headers.get("X-Hub-Signature-256")
            )
        else:
            verdict = signatures.check_x(
                source.api_secret, body, headers.get("x-twitter-webhooks-signature")
            )
        if verdict != signatures.OK:
            reasons = {
                signatures.MISSING: self.env._("no signature"),
                signatures.MALFORMED: self.env._("malformed signature"),
                signatures.MISMATCH: self.env._("bad signature (check the app secret)"),
                signatures.NO_SECRET: self.env._("the source has no app secret to check with"),
            }
            self._intake_refused(reasons[verdict])
            status = 401 if verdict in (signatures.MISSING, signatures.MALFORMED) else 403
            return status, "text/plain", "Signature check failed"
        return self._webhook_store(body, self._webhook_split, "the delivery")

    def _webhook_store(self, body, split, what):
        """Store the items of a checked (signed or token-verified) ``body`` as raw events
        (``split``: payload -> raw events) and trigger their processing; an unreadable body
        is kept in quarantine for inspection and acknowledged, so the network never retries
        it. Returns ``(status, content_type, body)``."""
        # self: the source the public route found, sudo'ed there (controllers/webhook.py)
        source = self
        event_model = self.env["social.crm.event"]
        try:
            raw_events = split(connector_events.load_json(body, what))
        except ConnectorError as exc:
            _logger.info("Social CRM: source %s: unreadable %s quarantined: %s", self.id, what, exc)
            quarantined = connector_events.RawEvent(
                "unreadable",
                connector_events.body_key(body),
                {"body": body.decode("utf-8", errors="replace")},
            )
            event_model._store_events(
                source, [quarantined], "push", state="quarantined", error=str(exc)
            )
            return 200, "text/plain", "OK"
        stored = False
        routes, held = source._webhook_route(raw_events)
        for target, events in routes.items():
            stored |= bool(event_model._store_events(target, events, "push"))
        # another company's source has the app: the kept items may be its (never named here)
        shared = bool(held) and source._webhook_app_shared()
        for account, events in held.items():
            # kept in quarantine, nothing lost: "Use this account ID" on the source
            error = self.env._(
                "Addressed to account %(account)s, which is not this source's %(field)s "
                "(%(own)s) nor that of another push source: kept here until the source "
                "takes that account (“Use this account ID” on the source).",
                account=account, field=source._webhook_account_label(),
                own=", ".join(sorted(source._webhook_accounts())) or "-")
            if shared:
                error += " " + self.env._(
                    "A push source of another company uses the same app: this account may "
                    "be that company's. Use it only if it is this company's own.")
            event_model._store_events(
                source, events, "push", state="quarantined", held_account=account,
                held_shared_app=shared, error=error)
        if stored:
            event_model._trigger_processing()
        return 200, "text/plain", "OK"

    # --- one app, several accounts: each item to the source of its account ----------------
    def _webhook_accounts(self):
        """The ids of the network accounts whose items this push source takes (hook): a
        Meta page's or Instagram account's id, our X user id; empty when not configured."""
        self.ensure_one()
        account = (self.account_id or "").strip()
        if not account and self._webhook_network() == "meta":
            account = (self.query or "").strip()  # the page id may be given as the query
        return {account} if account else set()

    def _webhook_event_account(self, raw_event):
        """The id of the account an item of a delivery is addressed to (hook), or None when
        the item does not say: a Meta change's ``entry[].id`` (the page or Instagram account),
        an X activity's ``for_user_id`` (the subscribed user)."""
        payload = raw_event.payload
        if raw_event.kind == "meta":
            entry = (payload.get("entry") or [{}])[0]
            return str(entry.get("id")) if isinstance(entry, dict) and entry.get("id") else None
        if raw_event.kind == "x_activity":
            return str(payload["for_user_id"]) if payload.get("for_user_id") else None
        return None

    def _webhook_takes(self, raw_event):
        """Whether this source stores an item routed to it (hook: a source takes only the
        private messages it was set up for)."""
        return True

    def _webhook_secret(self):
        """The secret that signs this source's deliveries (same secret: same app)."""
        return self.app_secret if self._webhook_network() == "meta" else self.api_secret

    def _webhook_route(self, raw_events):
        """``({source: raw events}, {account: raw events})``: every item of a signed
        delivery goes to the push source of the account it is addressed to. A Meta app has one
        callback address per object (every page the app is installed on), an X app one
        webhook for every subscribed user: a delivery made for another page or user of the
        same app (same network, same secret: the signature holds for it too) goes to that
        account's source, in that source's company; an item for an account no source of the
        app takes is never stored in another company. Items that name no account, and those
        of a source whose account is not configured that no other source takes, stay here.
        The second dict: the items kept in quarantine on this source (see
        :meth:`_webhook_route_accounts`). One query, only when a delivery names another
        account."""
        self.ensure_one()
        routes, held = self._webhook_route_accounts(raw_events)
        # each source's own settings decide what it takes (private messages: its opt-in)
        return (
            {target: kept for target, events in routes.items()
             if (kept := [e for e in events if target._webhook_takes(e)])},
            {account: kept for account, events in held.items()
             if (kept := [e for e in events if self._webhook_takes(e)])},
        )

    def _webhook_route_accounts(self, raw_events):
        """``({source: raw events}, {account: raw events})`` by the accounts the items are
        addressed to (see :meth:`_webhook_route`).

        An item for an account that no active push source of the app has is dropped (logged,
        shown on this source as refused), unless this source may only have a wrong *Our
        Account ID* (mistyped, or an upgrade's page name): it is its company's only active
        push source of the network, no source of another company (archived ones too) uses
        the app, and no source of the app on another network has that account. The item is
        then kept in quarantine on this source, in its company, for the manager's “Use this
        account ID”: nothing lost, nothing stored in another company's inbox.

        A source without an account id takes the items no other source of the app takes,
        unless a source of another company has the app: they may be that company's, and are
        kept in quarantine here instead (such a source is refused on save,
        ``_check_webhook_account_shared``; this is for one saved before)."""
        own = self._webhook_accounts()
        routes, foreign = {}, {}
        for event in raw_events:
            account = self._webhook_event_account(event)
            if account is None or account in own:
                routes.setdefault(self, []).append(event)
            else:
                foreign.setdefault(account, []).append(event)
        if not foreign:
            return routes, {}
        secret = self._webhook_secret()
        # (other network: an Instagram account of the app delivered at a page's address)
        others, elsewhere, shared, alone = {}, set(), False, True
        if secret:
            # self: sudo'ed by the public route; the sources of every company share the app
            for other in self.with_context(active_test=False).search(
                [("intake_mode", "=", "push"), ("id", "!=", self.id)], order="id",
            ):
                same_network = other.network_id == self.network_id
                if same_network and other.company_id == self.company_id and other.active:
                    alone = False
                if other._webhook_secret() != secret:
                    continue
                if not same_network:
                    elsewhere |= other._webhook_accounts()
                    continue
                if other.company_id != self.company_id:
                    shared = True
                if other.active:
                    for account in other._webhook_accounts():
                        others.setdefault(account, other)
        dropped, held = [], {}
        for account, events in foreign.items():
            target = others.get(account) or (self if not own and not shared else None)
            if target is None and account not in elsewhere and (
                    (alone and not shared) or (shared and not own)):
                _logger.info(
                    "Social CRM: source %s: %s item(s) of a delivery for account %s kept in "
                    "quarantine: not its Our Account ID, and no other push source takes it",
                    self.id, len(events), account[:40])
                held[account[:100]] = events
                continue
            if target is None:
                _logger.info(
                    "Social CRM: source %s: %s item(s) of a delivery for account %s dropped: "
                    "no push source of this app takes that account", self.id, len(events),
                    account[:40])
                dropped.append(account[:40])
                continue
            if target != self:
                _logger.info(
                    "Social CRM: source %s: %s item(s) of a delivery for account %s stored "
                    "with source %s (the same app)", self.id, len(events), account[:40],
                    target.id)
            routes.setdefault(target, []).extend(events)
        if dropped:
            # shown on the form: a wrong "Our Account ID" drops every delivery of the source
            self._intake_refused(self.env._(
                "items for account %(accounts)s, which no push source with this app secret "
                "has (check %(field)s)", accounts=", ".join(sorted(dropped)[:3]),
                field=self._webhook_account_label()))
        return routes, held

    def _webhook_split(self, payload):
        """The raw events of a signed delivery (hook: addons read more of it, e.g. private
        messages); raises ``ConnectorError`` when it is unreadable."""
        if self._webhook_network() == "meta":
            return connector_events.split_meta(payload)
        return connector_events.split_x_activity(payload)

    def _intake_refused(self, reason, detail=""):
        """Count a refused delivery on the source (one statement) and log why (``detail``:
        said in the log only, never a secret). A refusal counted by a concurrent request that
        committed meanwhile (a network retrying in parallel) makes this one's update fail under
        repeatable read: it is then logged, not counted, instead of an ERROR and a retry of the
        whole request."""
        _logger.info("Social CRM: source %s: delivery refused: %s%s", self.id, reason,
                     f" ({detail})" if detail else "")
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """UPDATE social_crm_source
                              SET refused_count = COALESCE(refused_count, 0) + 1,
                                  refused_reason = %s,
                                  last_refused_at = now() AT TIME ZONE 'UTC'
                            WHERE id = %s""",
                        reason,
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.SerializationFailure:
            _logger.info("Social CRM: source %s: refused at the same time as another delivery "
                         "(counted once)", self.id)
        self.invalidate_recordset(["refused_count", "refused_reason", "last_refused_at"])

    # --- streams (called by the listener, ``odoo social_crm_listen``) --------------------
    def _intake_host(self):
        """The Mastodon instance's host (for accounts' full addresses)."""
        from ..connectors import mastodon

        if self.network_id.code != "mastodon" or not self.base_url:
            return ""
        try:
            return mastodon.instance_url(self.base_url).split("://", 1)[1]
        except ConnectorError:
            return ""

    def _intake_instance(self):
        """The Mastodon instance this source reads, as the origin its status ids belong to
        (``https://mastodon.social``: scheme and host, lower case); "" for other networks
        and without instance URL (a replay). Stored on each post it reads
        (``social.crm.post.instance``)."""
        host = self._intake_host()
        if not host:
            return ""
        from ..connectors import mastodon

        return mastodon.instance_url(self.base_url).lower()

    def _same_instance_post_domain(self):
        """Mastodon: the posts (of this source's network) an id read through this source may
        name: a status id is local to the instance that gave it, so the posts read through
        this instance (``social.crm.post.instance``, kept when their source is deleted or
        moved to another instance), never one read through another. A source without
        instance URL (a replay) names its own posts only. No query."""
        self.ensure_one()
        source = self.sudo()  # sudo: the source's instance, whoever ingests
        instance = source._intake_instance()
        if not instance:
            return Domain("source_id", "=", source.id)
        return Domain("instance", "=", instance)

    def _listener_spec(self):
        """Plain data the listener builds this source's stream from (secrets included: the
        listener runs as a server process)."""
        self.ensure_one()
        # self: the listener's source, in its superuser environment (cli/social_crm_listen.py)
        source = self
        config = source._connector_config()
        return {
            "id": source.id,
            "name": source.name,
            "network": source.network_id.code,
            "kind": source.kind,
            "query": source.query or "",
            "path": config.query if source.kind == "replay" else "",
            "base_url": source.base_url or "",
            "token": source.access_token or "",
            "dids": tuple(d for d in (source.account_id or "").replace(",", " ").split() if d),
            "keywords": tuple(
                k.strip() for k in (source.keywords or source.query or "").split(",") if k.strip()
            ),
            "cursor": source.stream_cursor or "",
            "pace": source.replay_pace_seconds,
            "bearer": "",
            "tag": "",
            "rule": "",
            **source._listener_x_spec(),
        }

    def _listener_x_spec(self):
        """The X filtered stream's part of the listener spec (empty for other sources)."""
        if self.network_id.code != "x" or self.kind == "replay":
            return {}
        bearer, tag, rule = self._x_stream_rule()
        return {"bearer": bearer, "tag": tag, "rule": rule}

    def _listener_store(self, raw_events, cursor=None, channel="stream", keep_error=False):
        """Store events received by the listener and move the resume cursor, in the caller's
        transaction: the cursor never runs ahead of what is stored. The source's error is
        cleared (the stream works) unless ``keep_error`` (a refused catch-up stays shown
        while the stream runs). Returns new event ids."""
        self.ensure_one()
        # self: the listener's source, in its superuser environment (cli/social_crm_listen.py)
        source = self
        raw_events = source._listener_wanted(raw_events)
        ids = self.env["social.crm.event"]._store_events(source, raw_events, channel)
        vals = {"last_heartbeat_at": fields.Datetime.now()}
        if cursor and max_id(cursor, source.stream_cursor) == cursor:
            vals["stream_cursor"] = cursor
        if source.last_error and not keep_error:
            vals.update(last_error=False)
        source.write(vals)
        return ids

    def _listener_wanted(self, raw_events):
        """``raw_events`` without the stream deletions of posts this source's company never
        stored (nor received yet: its event may wait for processing): Jetstream sends every
        deletion of the network, a Mastodon stream every deletion of its timeline, and a
        deletion has no text to filter by; kept, they would fill *Deleted Posts* with posts
        the company never saw (two queries per network when there are deletions)."""
        self.ensure_one()
        streams = (
            # deletion key prefix, network, key prefix of the post's own events
            (connector_events.JETSTREAM_DELETE_PREFIX, "bluesky", "bluesky:"),
            (connector_events.MASTODON_DELETE_PREFIX, "mastodon", "mastodon:status:"),
        )
        unwanted = set()
        for prefix, network, event_prefix in streams:
            ids = {e.key[len(prefix):] for e in raw_events if e.key.startswith(prefix)}
            if not ids:
                continue
            # sudo: whether the company stored the post, whoever runs the listener; a
            # Mastodon id names a status of this source's instance (not one read elsewhere)
            same_instance = self._same_instance_post_domain() \
                if network == "mastodon" else Domain.TRUE
            known = set(self.env["social.crm.post"].sudo().search_fetch(
                Domain("company_id", "=", self.company_id.id)
                & Domain("network_id.code", "=", network)
                & Domain("external_id", "in", sorted(ids))
                & same_instance,
                ["external_id"],
            ).mapped("external_id"))
            if ids - known:
                # sudo: the events of the listener's source, whoever runs it
                known |= {
                    key[len(event_prefix):]
                    for key in self.env["social.crm.event"].sudo().search_fetch(
                        [
                            ("source_id", "=", self.id),
                            ("delivery_key", "in",
                             [f"{event_prefix}{ext}" for ext in ids - known]),
                        ],
                        ["delivery_key"],
                    ).mapped("delivery_key")
                }
            if ids - known and network == "mastodon":
                known |= self._listener_waiting_mentions(raw_events)
            unwanted |= {prefix + ext for ext in ids - known}
        return [e for e in raw_events if e.key not in unwanted]

    def _listener_waiting_mentions(self, raw_events, limit=1000):
        """Status ids of the Mastodon mentions received but not processed yet (in
        ``raw_events``, or stored and waiting): their events are keyed by the notification's
        id, not the status's, so that a post deleted a few seconds after it was written is
        found there (one query; the newest ``limit`` waiting events)."""
        self.ensure_one()
        # sudo: the events of the listener's source, whoever runs it
        waiting = self.env["social.crm.event"].sudo().search_fetch(
            [("source_id", "=", self.id), ("state", "=", "new")], ["payload"],
            order="id desc", limit=limit,
        )
        payloads = [e.payload for e in raw_events]
        for event in waiting:
            try:
                payloads.append(json.loads(event.payload or "{}"))
            except ValueError:
                continue  # an unreadable payload waits for its own quarantine
        ids = set()
        for payload in payloads:
            notification = payload.get("notification") if isinstance(payload, dict) else None
            status = notification.get("status") if isinstance(notification, dict) else None
            if isinstance(status, dict) and status.get("id"):
                ids.add(str(status["id"]))
        return ids

    def _listener_report(self, error=None):
        """Heartbeat, or the error the stream met (shown on the form; an error is no
        heartbeat: the heartbeat says when the source was last connected)."""
        self.ensure_one()
        if error:
            self.write({"last_error": error, "last_error_at": fields.Datetime.now()})
        else:
            self.write({"last_heartbeat_at": fields.Datetime.now()})

    def _listener_reader(self):
        """This source in the language and time zone of whom reads its form: the listener
        runs without a user, so its words are those of the source's creator (the manager who
        set it up), else of its company."""
        self.ensure_one()
        creator, company = self.create_uid, self.company_id.partner_id
        return self.with_context(lang=creator.lang or company.lang or self.env.lang,
                                 tz=creator.tz or company.tz or self.env.context.get("tz"))

    def _listener_report_problem(self, problem, status=None, detail=""):
        """What went wrong with a Mastodon, Bluesky or replay stream (and an X stream's
        connection), in the words of the product, translated (:meth:`_listener_reader`), the
        network's own words quoted; ``problem`` is one of ``connectors.streams.PROBLEMS``
        (``connectors.streams.problem_of``). The connector's English sentence stays in the
        log."""
        self.ensure_one()
        source = self._listener_reader()
        network = source.network_id.name or source.network_id.code or "-"
        words = {"network": network, "status": status or "-", "detail": detail or "-"}
        if problem == "token":
            message = source.env._(
                "%(network)s refuses the stream (HTTP %(status)s): the source's access token "
                "is missing, wrong, expired or revoked, or lacks the read permission. The "
                "listener does not connect again until the source's credentials are saved "
                "again or “Try Again” is clicked. %(network)s says: “%(detail)s”", **words)
            self._credentials_refused(message)
            return
        elif problem == "no_stream":
            message = source.env._(
                "%(network)s has no such stream (HTTP 404): check the source's server address "
                "and hashtag. %(network)s says: “%(detail)s”", **words)
        elif problem == "busy":
            message = source.env._(
                "%(network)s accepts no more connections or requests for now (HTTP "
                "%(status)s: too many connections, or rate limited). The listener tries again "
                "later by itself. %(network)s says: “%(detail)s”", **words)
        elif problem == "server":
            message = source.env._(
                "%(network)s has a server problem (HTTP %(status)s). The listener tries again "
                "by itself. %(network)s says: “%(detail)s”", **words)
        elif problem == "refused":
            message = source.env._(
                "%(network)s refused the stream (HTTP %(status)s). The listener tries again by "
                "itself. %(network)s says: “%(detail)s”", **words)
        elif problem == "silent":
            message = source.env._(
                "%(network)s sent nothing for too long, not even a sign of life: the "
                "connection counts as lost. The listener reconnects by itself.", **words)
        elif problem == "unreadable":
            message = source.env._(
                "%(network)s answered something the listener cannot read. The listener tries "
                "again by itself. Details: “%(detail)s”", **words)
        elif problem == "stream_error":
            message = source.env._(
                "%(network)s reported a problem in the stream; the stream runs on. "
                "%(network)s says: “%(detail)s”", **words)
        elif problem == "settings":
            message = source.env._(
                "The stream cannot be opened with the source's settings: %(detail)s", **words)
        else:  # "lost"
            message = source.env._(
                "The connection to %(network)s was lost. The listener reconnects by itself. "
                "Details: “%(detail)s”", **words)
        self.write({"last_error": message, "last_error_at": fields.Datetime.now()})

    def _listener_report_x(self, problem, status=None, detail=""):
        """An X stream problem on the form, in the words of the product, translated
        (:meth:`_listener_reader`): ``rule`` (X refused the rule), ``token`` (X refused the
        bearer token), ``catch_up`` (the recent search after a reconnect was refused: X's
        plan, a rate limit), ``no_token`` (no bearer token)."""
        self.ensure_one()
        source = self._listener_reader()
        status = status or ""
        quoted = detail or "-"
        if problem == "rule":
            message = source._x_stream_refusal(x_stream.RuleRefused("", detail))
        elif problem == "token":
            refused = AuthError("", status=status or None)
            refused.detail = detail
            self._credentials_refused(source._x_stream_refusal(refused))
            return
        elif problem == "no_token":
            message = source.env._(
                "The X app's bearer token is missing: the stream cannot connect.")
        elif status == 402:
            message = source.env._(
                "The posts published while the listener was not connected could not be "
                "fetched: the plan of the X app does not include recent search (HTTP 402). "
                "The stream runs on. X says: “%(detail)s”", detail=quoted)
        elif status == 429:
            message = source.env._(
                "The posts published while the listener was not connected could not be "
                "fetched: X's recent search is rate limited or not in the app's plan (HTTP "
                "429). The stream runs on. X says: “%(detail)s”", detail=quoted)
        else:
            message = source.env._(
                "The posts published while the listener was not connected could not be "
                "fetched (X answered %(status)s). The stream runs on. X says: “%(detail)s”",
                status=status or "-", detail=quoted)
        self.write({"last_error": message, "last_error_at": fields.Datetime.now()})

    def _listener_report_x_gap(self, count, since=None, until=None):
        """An X catch-up cut by its page limit (``connectors.x_stream.CATCH_UP_PAGES``) after
        a long outage, on the form, translated (:meth:`_listener_reader`): ``count`` tweets
        were fetched, the newest; the older ones published from ``since`` (when the outage
        began) to ``until`` (the oldest fetched), naive UTC, were not."""
        self.ensure_one()
        source = self._listener_reader()
        when = source.env["res.lang"]._social_format_datetime
        message = source.env._(
            "After the listener was not connected, the catch-up fetched the %(count)s most "
            "recent posts and stopped at its limit: the older posts published from %(since)s "
            "to %(until)s were not fetched. The stream runs on.",
            count=count, since=when(since) if since else "-",
            until=when(until) if until else "-",
        )
        self.write({"last_error": message, "last_error_at": fields.Datetime.now()})

    def _listener_report_mastodon_gap(self, count, since=None, until=None):
        """A Mastodon catch-up cut by its page limit after a long outage, on the form,
        translated (:meth:`_listener_reader`): ``count`` items were fetched, the oldest of
        the outage (its pages run forward); those published from ``since`` (the newest
        fetched) to ``until`` (when the stream connected again), naive UTC, were not."""
        self.ensure_one()
        source = self._listener_reader()
        when = source.env["res.lang"]._social_format_datetime
        message = source.env._(
            "After the listener was not connected, the catch-up fetched the %(count)s posts "
            "published first and stopped at its limit: the later posts published from "
            "%(since)s to %(until)s were not fetched. The stream runs on.",
            count=count, since=when(since) if since else "-",
            until=when(until) if until else "-",
        )
        self.write({"last_error": message, "last_error_at": fields.Datetime.now()})

    def _listener_x_catch_up_from(self):
        """Where the catch-up of an X stream source starts: ``since_id``, the newest tweet
        the source stored (its stream cursor, or its newest post: a source that polled
        before), and ``alive_at``, when it was last connected (aware UTC; None)."""
        self.ensure_one()
        # sudo: the listener's read of its source's posts
        post = self.env["social.crm.post"].sudo().search_fetch(
            [("source_id", "=", self.id)], ["external_id", "version_external_id"],
            order="posted_at desc, id desc", limit=1)
        since_id = max_id(self.stream_cursor or None, post.external_id or None,
                          post.version_external_id or None)
        alive_at = self.last_heartbeat_at
        return {
            "since_id": since_id if since_id and since_id.isdigit() else None,
            "alive_at": alive_at.replace(tzinfo=dt.UTC) if alive_at else None,
        }

    @api.model
    def _listener_x_rule_plan(self):
        """``(tag prefix, {bearer token: tags to keep})`` of this database's X filtered-stream
        rules: every app its X sources use (archived and polling ones too: their rules may
        be left at X), with the tags of its active stream sources."""
        # sudo: the bearer tokens are manager-only fields
        sources = self.sudo().with_context(active_test=False).search_fetch(
            [("network_id.code", "=", "x"), ("bearer_token", "!=", False)],
            ["bearer_token", "active", "intake_mode", "kind"])
        database = self._x_stream_database()
        plan = {}
        for source in sources:
            tags = plan.setdefault(source.bearer_token, set())
            if source.active and source.intake_mode == "stream" and source.kind != "replay":
                tags.add(x_stream.rule_tag(database, source.id))
        return x_stream.rule_tag(database, ""), {b: frozenset(t) for b, t in plan.items()}

    @api.model
    def _listener_sources(self, ids=None):
        domain = [("intake_mode", "=", "stream"), ("active", "=", True)]
        if ids:
            domain.append(("id", "in", list(ids)))
        return self.search(domain)
