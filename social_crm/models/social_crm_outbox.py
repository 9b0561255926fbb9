# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every write to a network (a reply, hiding a post; later a direct message) is queued here
and delivered after the database commit by the cron ``social_crm.ir_cron_social_crm_outbox``
(triggered at once with ``ir.cron._trigger()``: Odoo's own mechanism, no new dependency such
as OCA ``queue_job``).

Delivery of one item, each step committed on its own:

1. claim: ``FOR UPDATE SKIP LOCKED``, state *sending*, attempt counted;
2. the network call, then the network's answer (its id, or the error) is recorded;
3. the origin (e.g. the helpdesk reply) is told: chatter note, first response time.

The network calls of a run go out in parallel, one server (``endpoint``: a Mastodon
instance; the network itself where it has one API) per thread at a time, in up to
``SEND_WORKERS`` threads: a server's items keep their order, and a server that does not
answer holds no other server's write (each item's reply goes out while a stalled instance
still holds another's). The threads only talk HTTP, with plain data prepared beforehand (no
record, no cursor); claims and answers are written in the cron's thread, the answers that
came meanwhile together. A server that did not answer (a time-out, no connection): its
other due items wait for its next attempt (queued, not counted as attempts).
Each write ends within ``WRITE_DEADLINE`` (``connectors.http.deadline``: a
server dripping its answer cannot hold it), and a run claims items for ``SEND_BUDGET`` at most,
then triggers a fresh run at once: a run stays well below the cron worker's
``limit_time_real`` (120 s by default), which would kill it mid-call.

If the worker dies between the network's answer and step 2, the item stays *sending*; after
``LEASE`` the next run decides: networks that deduplicate by ``Idempotency-Key`` (Mastodon,
within its window) are sent again with the same key, hiding is harmless to repeat, and other
writes (an X or Facebook reply) are marked failed *unknown* for a person to check on the
network, never re-posted blindly.
"""

import concurrent.futures
import dataclasses
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import connectors
from ..connectors import http as connector_http
from ..connectors.base import (
    BLOCKED,
    EMPTY,
    TOO_LONG,
    AuthError,
    ConfigurationError,
    ConnectorError,
    GoneError,
    MalformedResponseError,
    RateLimitError,
    ReplyResult,
    TemporaryError,
    scrub_error,
)
from .social_crm_ingest_mixin import race_expected, written_concurrently

_logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)  # an item "sending" for longer: its worker died
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
#: seconds one write to a network may take in all (however slowly the network answers)
WRITE_DEADLINE = 30
#: seconds a sender run claims items (one more write may then take WRITE_DEADLINE): well below
#: the cron worker's limit_time_real (120 s by default)
SEND_BUDGET = 45
#: threads making one run's network calls: one server at a time each (a server's items keep
#: their order), so that a server that does not answer holds no other server's writes
SEND_WORKERS = 4
#: claims a run asks again, each after a commit, when another transaction changed an item
#: meanwhile (see ``_claim_fresh``)
CLAIM_TRIES = 3
#: networks that deduplicate a repeated write by its Idempotency-Key, and for how long
IDEMPOTENT_WINDOW = {"mastodon": dt.timedelta(minutes=55)}  # Mastodon keeps keys for 1 hour
#: writes that can be repeated without harm
REPEATABLE_ACTIONS = {"hide"}

STATES = [
    ("queued", "To Send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("demo", "Demo: Recorded, Not Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
FAILURES = [
    ("refused", "Refused by the network"),
    ("exhausted", "Gave up after retries"),
    ("unknown", "Unknown: check on the network"),
]


def backoff(attempts):
    """Wait before attempt ``attempts + 1``: 1, 2, 4... minutes, at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


class SocialCrmOutbox(models.Model):
    _name = "social.crm.outbox"
    _description = "Social Outbox"
    _order = "id desc"

    action = fields.Selection(
        [("reply", "Reply"), ("hide", "Hide Post"), ("message", "Direct Message")],
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    post_id = fields.Many2one(
        "social.crm.post", required=True, index=True, ondelete="cascade",
        readonly=True,
    )
    network_id = fields.Many2one(
        related="post_id.network_id", store=True, string="Network", readonly=True
    )
    account_id = fields.Many2one(
        "social.crm.account", string="Publishing Account", readonly=True, ondelete="set null"
    )
    endpoint = fields.Char(
        string="Server", readonly=True, index=True,
        help="The server the write goes to, where the network has several (a Mastodon "
             "instance). A server that does not answer holds only its own items.",
    )
    text = fields.Text(readonly=True)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, index=True)
    failure = fields.Selection(FAILURES, readonly=True)
    idempotency_key = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: uuid.uuid4().hex
    )
    attempts = fields.Integer(readonly=True)
    first_attempt_at = fields.Datetime(readonly=True)
    next_attempt_at = fields.Datetime(string="Next Attempt", readonly=True, index=True)
    claimed_at = fields.Datetime(readonly=True)
    sent_at = fields.Datetime(string="Sent", readonly=True)
    external_id = fields.Char(string="ID on the Network", readonly=True)
    url = fields.Char(string="URL", readonly=True)
    error_message = fields.Text(string="Why", readonly=True)
    res_model = fields.Char(string="Origin Model", readonly=True)
    res_id = fields.Many2oneReference(string="Origin", model_field="res_model", readonly=True)
    user_id = fields.Many2one("res.users", string="Queued By", readonly=True)
    notified = fields.Boolean(
        default=True, readonly=True,
        help="The origin (e.g. the ticket's reply) knows the last result.",
    )

    _idempotency_key_uniq = models.UniqueIndex("(idempotency_key)")
    _pending_idx = models.Index("(next_attempt_at, id) WHERE state IN ('queued', 'sending')")

    @api.depends("action", "post_id")
    def _compute_display_name(self):
        labels = dict(self._fields["action"]._description_selection(self.env))
        for item in self:
            item.display_name = f"{labels.get(item.action, '')} · {item.post_id.display_name}"

    # --- queueing ----------------------------------------------------------------------------
    @api.model
    def _publish_problem(self, post, action="reply"):
        """A sentence saying why ``action`` on ``post`` cannot be queued, or False."""
        # sudo: the post's source and account (credentials) decide; agents cannot read them
        post = post.sudo()
        code = post.network_id.code or ""
        network = post.network_id.name
        if action == "reply" and not connectors.can_reply(code):
            return self.env._("Replying is not available for %(network)s.", network=network)
        if action == "hide" and not connectors.can_hide(code):
            return self.env._("%(network)s does not allow hiding posts.", network=network)
        if action == "message":
            problem = self._message_problem(post)
            if problem is not None:
                return problem
        if self._is_demo_post(post):
            return False
        credentials, base_url = self._credentials_for(post)
        missing = self._missing_keys(code, action, credentials, base_url)
        # sudo: accounts hold credentials (managers only); only whether a token is set is used
        account = self.env["social.crm.account"]._for_post(post).sudo()
        if missing and account and not account.access_token:
            # the publishing account is the form to complete: name what it lacks
            credentials, base_url = account._publish_credentials()
            missing = self._missing_keys(code, action, credentials, base_url)
        if missing:
            text = self._missing_credentials_text(post, action, missing)
            if not credentials:
                text = self.env._(
                    "No credentials to publish on %(network)s for %(company)s.",
                    network=network,
                    company=post.company_id.name,
                ) + " " + text
            return text
        return False

    @api.model
    def _missing_keys(self, code, action, credentials, base_url):
        missing = connectors.missing_credentials(code, action, credentials)
        if code == "mastodon" and not (base_url or credentials.get("base_url")):
            missing += ("base_url",)
        return missing

    @api.model
    def _missing_credentials_text(self, post, action, missing):
        """In words: which fields of which form a Social CRM manager fills in so that
        ``action`` on ``post``'s network works (never the connector's key names)."""
        # sudo: the post's network and source decide the wording; agents cannot read sources
        post = post.sudo()
        code = post.network_id.code or ""
        network = post.network_id.name
        fields_text = {
            "consumer_key": self.env._("API Key (the consumer key of the X app)"),
            "consumer_secret": self.env._("API Secret (the consumer secret of the X app)"),
            "access_token_secret": self.env._(
                "Access Token Secret (of the company's X account)"
            ),
            "page_access_token": self.env._(
                "Access Token (the page access token of the Facebook page)"
            ),
            "identifier": self.env._(
                "Handle (the company's Bluesky handle, e.g. acme.bsky.social)"
            ),
            "app_password": self.env._(
                "Access Token (an app password, created in Bluesky under Settings → Privacy "
                "and security → App passwords)"
            ),
            "base_url": self.env._(
                "Server URL (the Mastodon instance, e.g. https://mastodon.social)"
            ),
        }
        access_token = {
            "x": self.env._("Access Token (the user access token of the company's X account)"),
            "mastodon": self.env._(
                "Access Token (a token of the company's account with the write:statuses scope)"
            ),
            "bluesky": self.env._("Access Token"),
        }.get(code, self.env._("Access Token"))
        names = [
            access_token if key == "access_token" else fields_text.get(key, key)
            for key in missing
        ]
        if action == "reply":
            what = self.env._("reply on %(network)s", network=network)
        else:
            what = self.env._("hide posts on %(network)s", network=network)
        account = self.env["social.crm.account"]._for_post(post)
        source = post.source_id if post.source_id.company_id == post.company_id else None
        if account:
            where = self.env._(
                "on the publishing account “%(account)s” (Social CRM → Configuration → "
                "Publishing Accounts)",
                account=account.name,
            )
        elif source and code != "bluesky":
            where = self.env._(
                "on a publishing account of %(network)s for %(company)s (Social CRM → "
                "Configuration → Publishing Accounts: New), or on the listening source "
                "“%(source_name)s” (Social CRM → Configuration → Listening Sources)",
                network=network,
                company=post.company_id.name,
                source_name=source.name,
            )
        else:
            where = self.env._(
                "on a publishing account of %(network)s for %(company)s (Social CRM → "
                "Configuration → Publishing Accounts: New)",
                network=network,
                company=post.company_id.name,
            )
        return self.env._(
            "To %(what)s, a Social CRM manager sets %(fields)s %(where)s.",
            what=what,
            fields=self.env._(" and ").join(
                [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names
            ),
            where=where,
        )

    @api.model
    def _message_problem(self, post):
        """Hook of the addon that sends direct messages: why a direct message answering
        ``post`` cannot be queued, False when it can, None to check the credentials."""
        return self.env._("Direct messages are not available yet.")

    def _message_call(self, post, credentials, base_url):
        """Hook: the network call sending this item's direct message answering ``post``: a
        function without arguments returning a ``ReplyResult`` or raising a
        ``ConnectorError``. It runs in a sender thread: it holds plain data only (no record,
        no ``env``); whatever it needs from the database is read here. Raise a
        ``ConnectorError`` here when the message cannot be sent at all."""
        raise ConfigurationError(self._message_problem(post) or "")

    @api.model
    def _queue(self, vals_list):
        """Queue writes (``action``, ``post_id``, ``text``, ``res_model``, ``res_id``); the
        sender runs right after the commit."""
        # sudo: the company of posts the user may not read (another team's ticket)
        posts = self.env["social.crm.post"].sudo().browse([v["post_id"] for v in vals_list])
        Account = self.env["social.crm.account"]
        for vals, post in zip(vals_list, posts, strict=True):
            vals.setdefault("company_id", post.company_id.id)
            vals.setdefault("user_id", self.env.uid)
            vals.setdefault("account_id", Account._for_post(post).id or False)
            if "endpoint" not in vals:
                vals["endpoint"] = _endpoint(*self._credentials_for(
                    post, Account.browse(vals["account_id"])))
        # sudo: only the product writes the outbox (users read it): it queues what they decided
        items = self.sudo().create(vals_list)
        items._trigger_sender()
        return items

    def _trigger_sender(self, at=None):
        cron = self.env.ref("social_crm.ir_cron_social_crm_outbox", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at)  # sudo: only administrators may schedule crons

    # --- credentials -------------------------------------------------------------------------
    @api.model
    def _is_demo_post(self, post):
        """Whether ``post`` is demo data (a demo file's, or replayed): what is written about
        it is recorded, never sent."""
        return bool(post.sudo()._social_demo_posts())

    @api.model
    def _credentials_for(self, post, account=None):
        """``(credentials, base_url)`` to publish about ``post``: the company's publishing
        account of the network (one with an access token), else the listening source's.
        Only credentials of the post's own company are ever used."""
        # sudo: the post's source and account hold the credentials (managers only)
        post = post.sudo()
        # sudo: see above
        account = (account or self.env["social.crm.account"]._for_post(post)).sudo()
        if (
            account
            and account.active
            and account.company_id == post.company_id
            and account.network_id == post.network_id
            and account.access_token
        ):
            return account._publish_credentials()
        source = post.source_id
        if source and source.company_id == post.company_id:
            try:
                config = source._connector_config()
            except ConnectorError:
                return {}, ""
            return dict(config.credentials), config.base_url
        return {}, ""

    # --- the sender --------------------------------------------------------------------------
    @api.model
    def _cron_send(self, limit=100):
        """Deliver the due items, each in its own transactions (see the module's doc): the
        network calls run in up to ``SEND_WORKERS`` threads, one server (``endpoint``) per
        thread at a time; claims and results are written here, in the cron's thread."""
        cron = self.env["ir.cron"]
        started = time.monotonic()
        stalled = []  # (network id, endpoint) that did not answer in this run: items wait
        running = {}  # future -> (item, _Send): one per server
        workers = max(SEND_WORKERS, 1)
        claimed, claiming = 0, True
        with concurrent.futures.ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="social_crm_outbox") as pool:
            while True:
                while claiming and claimed < limit and len(running) < workers:
                    if time.monotonic() - started >= SEND_BUDGET:
                        self._trigger_sender()  # the rest in a fresh run, at once
                        claiming = False
                        break
                    # a server with a write under way is skipped: its items keep their order
                    skip = stalled + [send.server for _item, send in running.values()]
                    item, recovering = self._claim_fresh(cron, skip)
                    if not item:
                        break
                    claimed += 1
                    cron._commit_progress(0)  # the claim is committed before the network is called
                    send, error, kept = self._sender_step(
                        item, lambda reader, r=recovering: reader._prepare_send(r))
                    if send is not None:
                        running[pool.submit(_send_now, send, WRITE_DEADLINE)] = (item, send)
                    elif not self._after_delivery(cron, [(item if kept else None, error)],
                                                  stalled):
                        claiming = False
                if not running:
                    break
                done, _pending = concurrent.futures.wait(
                    running, return_when=concurrent.futures.FIRST_COMPLETED)
                # the answers that came meanwhile, recorded together (in the items' order)
                outcomes = []
                for future in sorted(done, key=lambda f: running[f][0].id):
                    item, send = running.pop(future)
                    _send, error, kept = self._sender_step(
                        item, lambda reader, s=send, f=future: reader._record_send(s, *f.result()))
                    outcomes.append((item if kept else None, error))
                if not self._after_delivery(cron, outcomes, stalled):
                    claiming = False
        self.search([("notified", "=", False), ("state", "!=", "sending")], limit=limit)\
            ._notify_origin()
        return True

    @api.model
    def _sender_step(self, item, step):
        """Run ``step(item in its reader's language)`` (preparing or recording a delivery) in
        a savepoint; returns ``(send, error, kept)``: what ``step`` returned (a ``_Send``,
        or the ``ConnectorError`` recorded) and whether the item still exists."""
        try:
            with self.env.cr.savepoint():
                outcome = step(item._reader())
        except Exception:
            if not item.exists():
                # its post was deleted while it was sent (its author deleted it on the
                # network, ``_ingest_deletions``): the item went with it
                _logger.info("Social CRM: outbox item %s: its post was deleted while it "
                             "was being sent", item.id)
                return None, None, False
            # e.g. the database refused the answer: the item stays "sending", the next
            # run after LEASE treats it as interrupted (never re-posted blindly)
            _logger.exception("Social CRM: outbox item %s could not be recorded", item.id)
            return None, None, True
        if isinstance(outcome, _Send):
            return outcome, None, True
        return None, outcome, True

    @api.model
    def _after_delivery(self, cron, outcomes, stalled):
        """Commit what was recorded on the items of ``outcomes`` (``(item, error)``; item
        None: it went with its post), hold the other items of a server that did not answer,
        tell the origins; returns whether the cron has time left to claim more."""
        items = self.browse([item.id for item, _error in outcomes if item is not None])
        if items:
            cron._commit_progress(0)  # the networks' answers (their ids) are committed
        deferred = False
        for item, error in outcomes:
            if item is not None and _no_answer(error):
                stalled.append((item.network_id.id, item.endpoint or ""))
                item._reader()._defer_network(error)
                deferred = True
        if deferred:
            cron._commit_progress(0)
        items._notify_origin()
        if not cron._commit_progress(len(outcomes)):
            self._trigger_sender()  # the cron's time is up: the rest in a fresh run
            return False
        return True

    def _reader(self):
        """This item in the language and time zone of whom reads what the sender writes on
        it (its reason, a wait): the sender runs as the cron's user, so its words are those
        of the user who queued the item, else of its company."""
        self.ensure_one()
        # sudo: the user who queued it and the company's partner, whoever runs the sender
        user, company = self.sudo().user_id, self.sudo().company_id.partner_id
        return self.with_context(lang=user.lang or company.lang or self.env.lang,
                                 tz=user.tz or company.tz or self.env.context.get("tz"))

    def _defer_network(self, error):
        """The network's server of this item (its ``endpoint``) did not answer (``error``):
        its other due items wait for this item's next attempt (queued, no attempt counted),
        in their order, so that the other servers' items go first."""
        self.ensure_one()
        now = fields.Datetime.now()
        at = self.next_attempt_at if self.state == "queued" and self.next_attempt_at \
            else now + backoff(self.attempts)
        # sudo: the sender defers every company's items of the network
        others = self.sudo().search([
            ("network_id", "=", self.network_id.id),
            ("endpoint", "=", self.endpoint or False),
            ("state", "=", "queued"),
            ("id", "!=", self.id),
            "|", ("next_attempt_at", "=", False), ("next_attempt_at", "<=", now),
        ])
        if not others:
            return others
        try:
            with self.env.cr.savepoint(flush=False):
                # an item another worker is claiming right now is its own: skipped
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM social_crm_outbox
                            WHERE id = ANY(%s) AND state = 'queued'
                              FOR UPDATE SKIP LOCKED""",
                        others.ids,
                    ),
                    log_exceptions=False,
                )
                others = others.browse([row[0] for row in self.env.cr.fetchall()])
                others.write({
                    "next_attempt_at": at,
                    "error_message": self.env._(
                        "Not sent yet: %(network)s did not answer another request in time "
                        "(%(error)s). This one waits for the next attempt, so that the "
                        "answers on other networks go first.",
                        network=self._server_name(),
                        error=str(error).rstrip("."),
                    ),
                    "notified": False,
                })
                others.flush_recordset()
        except psycopg2.errors.SerializationFailure:
            # another worker changed one of them meanwhile: this run skips the network all
            # the same (``_claim_next``), the next run asks it once again
            return others.browse()
        _logger.info("Social CRM: %s did not answer (outbox item %s): %s other item(s) wait "
                     "for its next attempt", self._server_name(), self.id, len(others))
        self._trigger_sender(at)
        return others

    def _server_name(self):
        """The network's name, with the server's host where it has several."""
        self.ensure_one()
        host = urlsplit(self.endpoint).netloc if self.endpoint else ""
        return f"{self.network_id.name} ({host})" if host else self.network_id.name

    @api.model
    def _claim_fresh(self, cron, skip_endpoints=()):
        """:meth:`_claim_next` in the run (``cron``): an item changed by another transaction
        since this run's last commit (a manager's or an agent's cancel, a retry, a deletion)
        cannot be locked in this transaction's snapshot (repeatable read: "could not
        serialize access due to concurrent update"); what this run has written is then
        committed, and the claim asked again in a fresh snapshot (before: the run failed
        there, and the writes of its threads under way were left unrecorded)."""
        for attempt in range(1, CLAIM_TRIES + 1):
            try:
                return (self._claim_next(skip_endpoints=skip_endpoints) if skip_endpoints
                        else self._claim_next())
            except psycopg2.errors.SerializationFailure as error:
                if attempt == CLAIM_TRIES:
                    raise
                _logger.info(
                    "Social CRM: outbox: an item was changed by another transaction while "
                    "this run claimed the next one (%s): claimed again after a commit",
                    error.diag.message_primary)
                cron._commit_progress(0)  # a fresh snapshot
        return self.browse(), False

    @api.model
    def _claim_next(self, skip_networks=(), skip_endpoints=()):
        """The next due item, locked and marked *sending*; and whether it was found
        *sending* (its previous attempt was interrupted). Items of ``skip_networks`` (ids)
        and of ``skip_endpoints`` (``(network id, endpoint or "")``) are left for a later
        run."""
        self.flush_model()
        now = fields.Datetime.now()
        # in a savepoint, not logged as an error: a concurrent update is the caller's to
        # handle (:meth:`_claim_fresh`), this transaction's writes are kept
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id, state FROM social_crm_outbox
                     WHERE ((state = 'queued'
                             AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s))
                            OR (state = 'sending' AND claimed_at < %(stale)s))
                       AND NOT (network_id = ANY(%(skip)s))
                       AND NOT EXISTS (
                           SELECT 1 FROM unnest(%(skip_ids)s::int[], %(skip_hosts)s::varchar[])
                                      AS skipped(network_id, endpoint)
                            WHERE skipped.network_id = social_crm_outbox.network_id
                              AND skipped.endpoint = COALESCE(social_crm_outbox.endpoint, ''))
                     ORDER BY next_attempt_at NULLS FIRST, id
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED
                    """,
                    now=now,
                    stale=now - LEASE,
                    skip=list(skip_networks),
                    skip_ids=[network for network, _endpoint in skip_endpoints],
                    skip_hosts=[endpoint or "" for _network, endpoint in skip_endpoints],
                ),
                log_exceptions=False,
            )
            row = self.env.cr.fetchone()
        if not row:
            return self.browse(), False
        item = self.browse(row[0])
        item.write(
            {
                "state": "sending",
                "claimed_at": now,
                "attempts": item.attempts + 1,
                "first_attempt_at": item.first_attempt_at or now,
            }
        )
        return item, row[1] == "sending"

    def _may_repeat(self, now=None):
        """Whether sending this item again cannot publish it twice."""
        self.ensure_one()
        if self.action in REPEATABLE_ACTIONS:
            return True
        window = IDEMPOTENT_WINDOW.get(self.network_id.code or "")
        now = now or fields.Datetime.now()
        return bool(window and self.first_attempt_at and now - self.first_attempt_at < window)

    def _deliver(self, recovering=False):
        """Call the network once and record its answer (id, or why not); returns the
        ``ConnectorError`` recorded, if any (one item, in this thread: what the sender
        does with its threads)."""
        self.ensure_one()
        send = self._prepare_send(recovering)
        if not isinstance(send, _Send):
            return send
        return self._record_send(send, *_send_now(send, WRITE_DEADLINE))

    def _prepare_send(self, recovering=False):
        """Everything the network call of this (claimed) item needs from the database, as a
        ``_Send`` (plain data: it runs in a sender thread); or, when no call is to be made
        (a demo post, an interrupted write that may not be repeated, missing credentials),
        that outcome recorded at once: the ``ConnectorError`` recorded, or None."""
        self.ensure_one()
        if recovering and not self._may_repeat():
            self._record_failure(
                "unknown",
                self.env._(
                    "Sending was interrupted while %(network)s was being called: it may be "
                    "public already. Check the post on %(network)s, then Retry or Cancel.",
                    network=self.network_id.name,
                ),
            )
            return None
        # sudo: the sender runs as the cron user; the post's source holds the credentials
        post = self.post_id.sudo()
        if self._is_demo_post(post):
            self._record_result(
                ReplyResult(external_id=f"demo-{self.idempotency_key}"), demo=True
            )
            return None
        credentials, base_url = self._credentials_for(post, self.account_id)
        endpoint = _endpoint(credentials, base_url)
        if endpoint != (self.endpoint or False):
            self.endpoint = endpoint  # the server called now (its account may have moved)
        code = post.network_id.code or ""
        # an edited X post is a new post on X (the stored post keeps the original's id): the
        # answer and the hiding go to the version the customer's followers see now
        target = post.version_external_id or post.external_id
        secrets = tuple(str(v) for v in credentials.values() if v)
        try:
            call = self._network_call(post, credentials, base_url, code, target)
        except ConnectorError as error:
            return self._record_send(_Send(self.id, (), None, secrets), None, error)
        return _Send(self.id, (self.network_id.id, endpoint or ""), call, secrets)

    def _record_send(self, send, result, error):
        """Record the network's answer to ``send``: its ``ReplyResult``, or the
        ``ConnectorError``; returns that error, scrubbed (None when sent)."""
        self.ensure_one()
        if error is None:
            self._record_result(result)
            return None
        message = _strip_secrets(str(error), send.secrets)
        _logger.info("Social CRM: outbox item %s failed: %s", self.id, message)
        self._record_error(error, message)
        return scrub_error(error, list(send.secrets))

    def _network_call(self, post, credentials, base_url, code, target):
        """The write itself, as a function without arguments (plain data only: it runs in a
        sender thread) returning the network's answer or raising a ``ConnectorError``;
        raises a ``ConnectorError`` at once when it cannot be made."""
        if not credentials or connectors.missing_credentials(code, self.action, credentials):
            raise ConfigurationError(self._publish_problem(post, self.action) or "")
        credentials = dict(credentials)
        if self.action == "reply":
            text = self.text or ""
            uri = self._answer_by_uri(post, credentials, base_url, code)

            def reply():
                answered = connectors.resolve_mastodon_status(
                    credentials, uri, base_url=base_url) if uri else target
                return connectors.reply(code, credentials, answered, text, base_url=base_url)

            return reply
        if self.action == "hide":
            unconfirmed = self.env._(
                "%(network)s did not confirm that the post is hidden.",
                network=post.network_id.name,
            )
            external_id = post.external_id

            def hide():
                if not connectors.hide(code, credentials, target, base_url=base_url):
                    raise MalformedResponseError(unconfirmed)
                return ReplyResult(external_id=external_id)

            return hide
        if self.action == "message":
            return self._message_call(post, credentials, base_url)
        raise ConfigurationError(self._publish_problem(post, self.action) or "")

    @api.model
    def _answer_by_uri(self, post, credentials, base_url, code):
        """The federation URI by which the reply finds the id of ``post`` on the server it
        goes to, or False (the stored id is the one to answer). Mastodon status ids are
        local to each instance: the stored id is the one on the instance the post was read
        through (its ``instance``, whatever became of its source since: deleted, or moved to
        another instance); a reply through another instance (the company's account
        elsewhere, a status first read on another instance, a source now reading another
        instance) asks that instance for its id of the status, by the status's federation
        URI (one call, made with the reply)."""
        if code != "mastodon" or not post.network_uri:
            return False
        # sudo: the sender runs as the cron user
        read_on = _endpoint({}, post.sudo().instance or "")
        if read_on and read_on == _endpoint(credentials, base_url):
            return False
        return post.network_uri

    def _record_result(self, result, demo=False):
        self.write(
            {
                "state": "demo" if demo else "sent",
                "failure": False,
                "external_id": result.external_id,
                "url": result.url or False,
                # recorded for the demo, sent nowhere: no date of sending
                "sent_at": False if demo else fields.Datetime.now(),
                "next_attempt_at": False,
                "error_message": self.env._(
                    "Demo: recorded, not sent (no network behind the replay source)."
                ) if demo else False,
                "notified": False,
            }
        )
        return True

    def _record_error(self, error, message):
        """Retry later, or fail: a refusal (revoked token, bad request) never retries; an
        answer that may hide a success retries only when repeating cannot post twice."""
        self.ensure_one()
        if isinstance(error, RateLimitError):
            kind = "retry"
            message = self.env._(
                "%(network)s limits how many posts the account may publish in a while: it is "
                "sent again automatically once %(network)s allows it (Next Attempt). "
                "%(network)s says: “%(words)s”",
                network=self.network_id.name,
                words=(error.detail or message).rstrip("."),
            )
        elif error.retryable:
            # a write that never reached the network (no connection) cannot be public
            kind = "retry" if self._may_repeat() or getattr(error, "unsent", False) \
                else "unknown"
        elif isinstance(error, MalformedResponseError) and not (error.status or 0) >= 400:
            kind = "retry" if self._may_repeat() else "unknown"  # answered, maybe published
        elif isinstance(error, GoneError) and self.action == "hide":
            kind = "refused"  # the post was deleted meanwhile: nothing left to hide
            message = self.env._(
                "The customer's post is no longer on %(network)s: it was deleted, or the "
                "company's account may no longer see it. Nothing is left to hide. (%(error)s)",
                network=self.network_id.name,
                error=message.rstrip("."),
            )
        elif isinstance(error, GoneError):
            kind = "refused"  # the post was deleted meanwhile: no credentials to renew
            message = self.env._(
                "The customer's post is no longer on %(network)s: it was deleted, or the "
                "company's account may no longer see it. Nothing was published; answer in "
                "another way (direct message, phone) or close the ticket. (%(error)s)",
                network=self.network_id.name,
                error=message.rstrip("."),
            )
        else:
            kind = "refused"
            if isinstance(error, AuthError):
                message = self.env._(
                    "%(error)s. Nothing was published: a Social CRM manager renews the access "
                    "token under Social CRM → Configuration → Publishing Accounts (or on the "
                    "listening source), then Retry.",
                    error=message.rstrip("."),
                )
            elif error.refusal:
                message = self._refusal_message(error, message)
        if kind == "retry" and self.attempts >= MAX_ATTEMPTS:
            kind = "exhausted"
        if kind != "retry":
            if kind == "unknown":
                message = self.env._(
                    "%(error)s. %(network)s may have published it anyway: check the post on "
                    "%(network)s, then Retry or Cancel.",
                    error=message.rstrip("."),
                    network=self.network_id.name,
                )
            return self._record_failure(kind, message)
        now = fields.Datetime.now()
        at = now + backoff(self.attempts)
        reset_at = getattr(error, "reset_at", None)
        if reset_at:
            at = max(at, reset_at.astimezone(dt.UTC).replace(tzinfo=None))
        self.write(
            {
                "state": "queued",
                "next_attempt_at": at,
                "error_message": message,
                "notified": False,
            }
        )
        self._trigger_sender(at)
        return False

    def _refusal_message(self, error, message):
        """Why the network refused this write (``error.refusal``: too long, empty, spam or
        abuse, invalid) and what to do, in the reader's language; the network's own words
        (``error.detail``, else ``message``) after it."""
        network = self.network_id.name
        explanations = {
            TOO_LONG: self.env._(
                "%(network)s refused the text: it is longer than %(network)s allows. "
                "Nothing was published: shorten it and send it again from the ticket (Reply "
                "on the Network); Retry would send the same text.", network=network),
            EMPTY: self.env._(
                "%(network)s refused the text: it is empty. Nothing was published: write the "
                "answer and send it again from the ticket.", network=network),
            BLOCKED: self.env._(
                "%(network)s refused it as spam or abuse, or the account may not post for a "
                "while. Nothing was published: check the account on %(network)s, then Retry "
                "later, or answer in another way (direct message, phone).", network=network),
        }
        explanation = explanations.get(error.refusal) or self.env._(
            "%(network)s refused it as invalid. Nothing was published: correct the answer and "
            "send it again from the ticket, or answer in another way (direct message, "
            "phone).", network=network)
        return self.env._(
            "%(explanation)s %(network)s says: “%(words)s”",
            explanation=explanation, network=network,
            words=(error.detail or message).rstrip("."),
        )

    def _record_failure(self, kind, message):
        self.write(
            {
                "state": "failed",
                "failure": kind,
                "error_message": message,
                "next_attempt_at": False,
                "notified": False,
            }
        )
        return False

    def _notify_origin(self):
        """Tell each item's origin its result (``_social_outbox_update(item)``), in the
        language and time zone of the user who queued the item (see ``_reader``); a failing
        origin is logged and told again at the next run."""
        # sudo: the result is reported to origins the cron user may not write (an item whose
        # post was deleted meanwhile went with it)
        for item in self.sudo().exists():
            if item.notified:
                continue
            origin = (
                # sudo: the origin (a reply, a message) may be another user's
                self.env[item.res_model].sudo().browse(item.res_id).exists()
                if item.res_model in self.env and item.res_id
                else None
            )
            try:
                # a concurrent update is said below, not logged as an error by odoo.sql_db
                with race_expected(frozenset(), writes=True), self.env.cr.savepoint():
                    if origin and hasattr(origin, "_social_outbox_update"):
                        # worded as the item's reason is (its notes on the ticket, authored
                        # by the agent): for the user who queued it, not the cron's user
                        reader = item._reader()
                        origin.with_context(
                            lang=reader.env.lang, tz=reader.env.context.get("tz")
                        )._social_outbox_update(reader)
                    item.notified = True
            except Exception as error:
                if not written_concurrently(error):
                    _logger.exception("Social CRM: the origin of outbox item %s failed", item.id)
                    continue
                # e.g. an agent changed the ticket after this transaction began: it is told
                # in a new transaction (the end of this run, else the next run, at once)
                _logger.info("Social CRM: the origin of outbox item %s was changed by another "
                             "transaction meanwhile (%s): it is told again", item.id,
                             error.diag.message_primary)
                self._trigger_sender()

    # --- people's actions --------------------------------------------------------------------
    def _retry(self):
        """Queue failed or cancelled items again (a person decided to)."""
        items = self.filtered(lambda i: i.state in ("failed", "cancelled"))
        if items:
            # sudo: outbox fields are the product's; the manager asked for the retry
            items.sudo().write(
                {
                    "state": "queued",
                    "failure": False,
                    "next_attempt_at": False,
                    "first_attempt_at": False,
                    "claimed_at": False,
                }
            )
            items._trigger_sender()
        return items

    def _check_retry(self):
        """Hook: raise (translated) when one of these items must not be sent again, e.g. a
        reply whose words went out meanwhile by another item."""

    def _check_manager(self):
        self.check_access("read")
        if not self.env.user.has_group("social_crm.group_social_crm_manager"):
            raise AccessError(self.env._("Only Social CRM managers can retry or cancel."))

    def action_retry(self):
        self._check_manager()
        self._check_retry()
        if not self._retry():
            raise UserError(self.env._("Only failed or cancelled items can be sent again."))
        return True

    @api.model
    def _cancel_for_deleted_posts(self, posts):
        """Cancel what waits to be sent about ``posts``, which their authors deleted on the
        network: never sent, never shown as sent; the origin (the ticket's reply) is told why.
        An item being sent right now is left to its sender (the network refuses a reply to a
        deleted post: it fails with the network's word)."""
        # sudo: the product cancels, whoever's items they are
        items = self.sudo().search(
            [("post_id", "in", posts.ids), ("state", "in", ("queued", "failed"))]
        )
        reasons = {
            "reply": self.env._(
                "The post was deleted by its author: a public reply is no longer possible; "
                "write a direct message or call."
            ),
            "hide": self.env._("The post was deleted by its author: nothing is left to hide."),
            "message": self.env._(
                "The post was deleted by its author: the direct message answering it was not "
                "sent; write to the customer again or call."
            ),
        }
        for action, group in items.grouped("action").items():
            group.write({
                "state": "cancelled",
                "failure": False,
                "next_attempt_at": False,
                "error_message": reasons.get(action, reasons["reply"]),
                "notified": False,
            })
        items._notify_origin()
        return items

    def action_cancel(self):
        self._check_manager()
        items = self.filtered(lambda i: i.state in ("queued", "failed"))
        # sudo: outbox fields are the product's; the manager asked for the cancel (checked above)
        items.sudo().write({"state": "cancelled", "next_attempt_at": False, "notified": False})
        items._notify_origin()
        return True


@dataclasses.dataclass(frozen=True)
class _Send:
    """One write ready to go out from a sender thread: plain data only (no record, no
    cursor). ``server``: ``(network id, endpoint or "")``, whose writes go one at a time."""

    item_id: int
    server: tuple
    call: Callable[[], ReplyResult] | None
    secrets: tuple[str, ...] = ()


def _send_now(send, seconds):
    """Make ``send``'s network call within ``seconds`` (``connectors.http.deadline``);
    returns ``(ReplyResult, None)`` or ``(None, ConnectorError)``. Runs in a sender thread:
    no ORM, no cursor. Any other error is raised (the item stays *sending*: see LEASE)."""
    try:
        with connector_http.deadline(seconds):
            return send.call(), None
    except ConnectorError as error:
        return None, error


def _no_answer(error):
    """Whether ``error`` says the network did not answer (a time-out, no connection, an
    answer too slow): not an answer of its own, such as a server error or a rate limit."""
    return isinstance(error, TemporaryError) and not error.status


def _strip_secrets(text, secrets):
    """``text`` without any of ``secrets`` (a second guard behind the connectors' own)."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _endpoint(credentials, base_url):
    """``scheme://host[:port]`` of the server a write with these credentials goes to (a
    Mastodon instance, a Bluesky PDS), lower case; False where the network has one API."""
    url = base_url or (credentials or {}).get("base_url") or ""
    if not isinstance(url, str) or not url.strip():
        return False
    url = url.strip()
    if "://" not in url:
        url = "https://" + url  # as the Mastodon connector reads a bare instance name
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}" if host else False
