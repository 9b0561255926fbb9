# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Raw events of push (webhooks) and stream (listener) intake, processed by a cron.

Webhooks and listeners only store: one row per item, unique per source and delivery key
(``INSERT ... ON CONFLICT DO NOTHING``: a redelivery, or the same message seen by two
listeners, is stored once), then trigger the cron "Process received events". The cron claims
new rows with ``FOR UPDATE SKIP LOCKED`` (several workers share the work, none waits), parses
them with the connectors and stores the posts through ``social.crm.post._ingest_posts``, the
same path as polling, and commits per batch with ``ir.cron._commit_progress``. Deletions
(authors deleted posts on the network) go to ``social.crm.post._ingest_deletions`` first, so
that a post deleted in the same batch, or before it arrived, is not stored.
"""

import dataclasses
import json
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..connectors import base as connector_base
from ..connectors import events as connector_events
from ..connectors.base import ConnectorError, MalformedResponseError
from ..services import erasure, ingest

_logger = logging.getLogger(__name__)

MANAGER = "social_crm.group_social_crm_manager"
MAX_ATTEMPTS = 5
BATCH = 200


class SocialCrmEvent(models.Model):
    _name = "social.crm.event"
    _description = "Social Intake Event"
    _order = "id desc"
    _rec_name = "delivery_key"

    source_id = fields.Many2one(
        "social.crm.source", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="source_id.company_id", store=True, index=True, readonly=True
    )
    network_id = fields.Many2one(related="source_id.network_id")
    channel = fields.Selection(
        [("push", "Webhook"), ("stream", "Stream"), ("catch_up", "Catch-up after reconnect")],
        required=True,
        readonly=True,
    )
    kind = fields.Selection(
        [
            ("meta", "Meta webhook change"),
            ("x_activity", "X Account Activity"),
            ("x_stream", "X filtered stream"),
            ("mastodon", "Mastodon stream"),
            ("jetstream", "Bluesky Jetstream"),
            ("replay", "Replay"),
            ("unreadable", "Unreadable delivery"),
        ],
        required=True,
        readonly=True,
    )
    delivery_key = fields.Char(
        required=True, readonly=True, help="Unique per source: a redelivery is stored once."
    )
    payload = fields.Text(readonly=True, groups=MANAGER, help="The item as received.")
    state = fields.Selection(
        [
            ("new", "To Process"),
            ("done", "Processed"),
            ("failed", "Failed"),
            ("quarantined", "Quarantined"),
        ],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    held_account = fields.Char(
        string="Account Sent",
        readonly=True,
        index="btree_not_null",
        help="Kept in quarantine: the network addressed this item to this account id, which "
        "no push source has as its Our Account ID. “Use this account ID” on the source takes "
        "it and processes the item again.",
    )
    held_shared_app = fields.Boolean(
        string="May Be Another Company's",
        readonly=True,
        help="Kept in quarantine on a webhook app that a push source of another company also "
        "uses: the account the item is addressed to may be that company's. Take it (“Use "
        "this account ID”) only when the account is this company's.",
    )
    erased_authors = fields.Char(
        string="Erased People Named",
        readonly=True,
        groups=MANAGER,
        help="A privacy erasure named people this item names while it waited to be "
        "processed (their network ids, JSON): their posts in it are refused when it is "
        "processed, the others' stored, then its content is emptied.",
    )
    attempts = fields.Integer(readonly=True)
    post_count = fields.Integer(string="Posts", readonly=True)
    received_at = fields.Datetime(
        default=fields.Datetime.now, required=True, readonly=True, index=True
    )
    processed_at = fields.Datetime(readonly=True)

    _source_key_uniq = models.Constraint(
        "UNIQUE(source_id, delivery_key)", "This event is already stored."
    )
    _pending_idx = models.Index("(id) WHERE state = 'new'")

    # --- storing (webhook routes, listeners) ---------------------------------------------
    @api.model
    def _store_events(self, source, raw_events, channel, state="new", error=None,
                      held_account=None, held_shared_app=False):
        """Store :class:`~..connectors.events.RawEvent` items of ``source``; return the ids of
        the rows inserted (those already stored are left alone). One statement (item by item
        after a conflict with a concurrent transaction). ``held_account``: the items are kept
        in quarantine for that account (``social.crm.source._webhook_route_accounts``);
        ``held_shared_app``: another company's push source has the app (they may be its)."""
        raw_events = [e for e in raw_events if e.key and e.payload]
        if not raw_events:
            return []
        try:
            return self._insert_events(source, raw_events, channel, state, error, held_account,
                                       held_shared_app)
        except psycopg2.errors.SerializationFailure:
            # a concurrent transaction (the network retrying the delivery, two listeners)
            # stored and committed one of these keys after this one began: under repeatable
            # read "ON CONFLICT DO NOTHING" cannot skip a row it does not see. Item by item,
            # the rows stored meanwhile are skipped and the others stored (only on a
            # conflict: the usual delivery stays one statement).
            _logger.info(
                "Social CRM: source %s: a delivery was stored by another worker at the same "
                "time (a network's retry): its items are stored one by one", source.id)
        ids = []
        for event in raw_events:
            try:
                ids += self._insert_events(source, [event], channel, state, error,
                                           held_account, held_shared_app)
            except psycopg2.errors.SerializationFailure:
                continue  # stored by the concurrent transaction
        return ids

    @api.model
    def _insert_events(self, source, raw_events, channel, state, error, held_account=None,
                       held_shared_app=False):
        """One ``INSERT ... ON CONFLICT DO NOTHING`` in a savepoint, its failure not logged
        as an error (``_store_events``); returns the ids inserted."""
        query = (
            SQL(
                """INSERT INTO social_crm_event
                        (source_id, company_id, channel, kind, delivery_key, payload, state,
                         error, held_account, held_shared_app, attempts, post_count,
                         received_at,
                         create_uid, create_date, write_uid, write_date)
                   SELECT %(source)s, %(company)s, %(channel)s, k.kind, k.key, k.payload,
                          %(state)s, %(error)s, %(held)s, %(shared)s, 0, 0,
                          clock_timestamp() AT TIME ZONE 'UTC',
                          %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM unnest(%(kinds)s::varchar[], %(keys)s::varchar[], %(payloads)s::text[])
                          AS k(kind, key, payload)
                   ON CONFLICT (source_id, delivery_key) DO NOTHING
                   RETURNING id""",
                source=source.id,
                company=source.company_id.id,
                channel=channel,
                state=state,
                error=error,
                held=held_account,
                shared=bool(held_account and held_shared_app),
                uid=self.env.uid,
                kinds=[e.kind for e in raw_events],
                keys=[connector_events.storable_key(e.key) for e in raw_events],
                payloads=[e.payload_text() for e in raw_events],
            )
        )
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(query, log_exceptions=False)
            return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _trigger_processing(self):
        """Wake the cron "Process received events" unless a trigger that is due already waits
        for it: a burst of deliveries makes about one trigger (one row, one NOTIFY) per run of
        the cron instead of one per delivery, and the cron processes what arrived in batches.

        The waiting trigger is share-locked until this transaction commits. The cron deletes
        the triggers it consumes before it runs (``ir.cron._clear_schedule``), so it can only
        consume this one once the event stored with it is visible; a trigger a running cron
        has already consumed is locked by it and skipped here, and a new one is made. (One
        ``_trigger`` per delivery: 3 more statements and a connection to the ``postgres``
        database for the NOTIFY in every webhook request.)"""
        xmlid = "social_crm.ir_cron_social_crm_process_events"
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid)  # cached, no query
        waiting = False
        if cron_id:
            try:
                # a trigger the cron deleted after this transaction began cannot be locked
                # (repeatable read: "could not serialize access"): make a new one instead of
                # failing the delivery
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            """SELECT 1 FROM ir_cron_trigger
                                WHERE cron_id = %s AND call_at <= %s
                                LIMIT 1
                                  FOR KEY SHARE SKIP LOCKED""",
                            cron_id,
                            fields.Datetime.now(),
                        ),
                        log_exceptions=False,
                    )
                    waiting = bool(self.env.cr.fetchall())
            except psycopg2.errors.SerializationFailure:
                _logger.info(
                    "Social CRM: a run of the cron %s took its waiting trigger while this "
                    "delivery was stored (concurrent update): a new trigger is made, so that "
                    "the cron runs again for the stored events",
                    xmlid,
                )
                waiting = False
        if not waiting:
            self.env.ref(xmlid).sudo()._trigger()  # sudo: only administrators may schedule crons

    # --- processing ----------------------------------------------------------------------
    @api.model
    def _claim(self, limit=BATCH, exclude=(), source_ids=None):
        """New events locked for this transaction; rows locked by another worker are
        skipped, not waited for."""
        where = SQL("TRUE") if source_ids is None else SQL("source_id = ANY(%s)", list(source_ids))
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM social_crm_event
                    WHERE state = 'new' AND NOT (id = ANY(%s)) AND %s
                    ORDER BY id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                list(exclude),
                where,
                limit,
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_process(self, limit=BATCH):
        """Process new events in batches, committing after each batch."""
        cron = self.env["ir.cron"]
        pending = self.search_count([("state", "=", "new")])
        cron._commit_progress(remaining=pending)
        retry_later = set()
        while True:
            events = self._claim(limit, exclude=retry_later)
            if not events:
                break
            events._process()
            retry_later.update(events.filtered(lambda e: e.state == "new").ids)
            if not cron._commit_progress(len(events)):
                break

    def _process(self):
        """Parse and store the posts of these (claimed) events; set their state."""
        by_source = defaultdict(list)
        # sudo: users only read events; processing writes them for whoever runs it
        for event in self.sudo():
            by_source[event.source_id].append(event)
        for source, events in by_source.items():
            self._process_source(source, events)
        # an erasure named people these items name while they waited: processed (the
        # others' posts stored), they keep nothing of them, as the events processed before
        # the erasure (res.partner._social_events); failed or quarantined ones keep their
        # content for a retry
        erased = self.sudo().filtered(lambda e: e.erased_authors and e.state == "done")
        if erased:
            erased.write({"payload": False, "erased_authors": False})

    @api.model
    def _process_source(self, source, events):
        host = source._intake_host()
        parsed = []
        for event in events:
            try:
                payload = json.loads(event.payload or "{}")
                # the authors' counts as of the event (its own time where the network
                # gives one, else its receipt), not as of this processing
                posts = connector_base.observed(
                    self._posts_of_event(event.kind, payload, host), event.create_date)
                deletions = self._deletions_of_event(event.kind, payload)
            except (ValueError, ConnectorError) as exc:
                _logger.info(
                    "Social CRM: event %s of source %s quarantined: %s", event.id, source.id, exc
                )
                event.write(
                    {
                        "state": "quarantined",
                        "error": str(exc),
                        "processed_at": fields.Datetime.now(),
                    }
                )
                continue
            parsed.append((event, event._refuse_erased_authors(source, posts), deletions))
        if not parsed:
            return
        parsed = self._keep_answers_to_customers(source, parsed)
        # who the authors the payloads give without counts are, asked before storing
        Identity = self.env["social.crm.identity"]
        filled, arrival = Identity._arrival_lookup(
            [post for _event, posts, _deletions in parsed for post in posts], source.company_id,
            source=source)
        filled = iter(filled)
        parsed = [(event, [next(filled) for _post in posts], deletions)
                  for event, posts, deletions in parsed]
        post_model = self.env["social.crm.post"]
        try:
            with self.env.cr.savepoint():
                post_model._ingest_deletions(
                    [d for _e, _p, deletions in parsed for d in deletions], source=source
                )
                post_model._ingest_posts(
                    [p for _e, posts, _d in parsed for p in posts], source=source
                )
        except Exception:  # one bad event must not hold the others back: store them one by one
            _logger.info("Social CRM: batch of source %s failed, storing event by event", source.id)
            for event, posts, deletions in parsed:
                try:
                    with self.env.cr.savepoint():
                        post_model._ingest_deletions(deletions, source=source)
                        post_model._ingest_posts(posts, source=source)
                except Exception as exc:  # kept and retried; failed after MAX_ATTEMPTS
                    attempts = event.attempts + 1
                    state = "failed" if attempts >= MAX_ATTEMPTS else "new"
                    log = _logger.warning if state == "failed" else _logger.info
                    log("Social CRM: event %s (%s): storing its posts failed: %s",
                        event.id, event.delivery_key, exc)
                    event.write(
                        {
                            "state": state,
                            "attempts": attempts,
                            "error": f"{type(exc).__name__}: {exc}",
                        }
                    )
                else:
                    event._mark_done(len(posts))
            Identity._arrival_lookup_store(arrival, source.company_id)
            return
        Identity._arrival_lookup_store(arrival, source.company_id)
        now = fields.Datetime.now()
        counts = defaultdict(list)
        for event, posts, _deletions in parsed:
            counts[len(posts)].append(event.id)
        for count, ids in counts.items():
            self.browse(ids).write(
                {"state": "done", "processed_at": now, "post_count": count, "error": False}
            )

    @api.model
    def _keep_answers_to_customers(self, source, parsed):
        """``parsed`` ``[(event, posts, deletions)]`` without the page's own comments
        directly under a post (``Post.own_top_level_comment``: Meta's webhook does not say
        whose post) that answer no customer. Such a comment is the company's answer when
        its post is stored in the source's company, or arrives in the batch, written by
        someone else than the page (a visitor's post on the page, a post tagging it); under
        the page's own post (never stored) or a post unknown here it answers nobody and is
        left out. One query for the whole batch."""
        marked = [p for _e, posts, _d in parsed for p in posts if p.own_top_level_comment]
        if not marked:
            return parsed
        # (network code, post id) -> the id of its author ("" for an unknown author)
        authors = {(p.network, p.external_id): p.author.external_id if p.author else ""
                   for _e, posts, _d in parsed for p in posts if not p.own_top_level_comment}
        networks = self.env["social.crm.network"]._by_code()
        wanted = {(p.network, p.conversation_external_id) for p in marked
                  if p.conversation_external_id and networks.get(p.network)} - set(authors)
        if wanted:
            code_of = {network.id: code for code, network in networks.items()}
            # sudo: whether the post commented on is a stored customer's, whoever processes
            for row in self.env["social.crm.post"].sudo().search_fetch(
                Domain("company_id", "=", source.company_id.id)
                & Domain("network_id", "in", sorted({networks[c].id for c, _ext in wanted}))
                & Domain("external_id", "in", sorted({ext for _c, ext in wanted})),
                ["network_id", "external_id", "author_external_id"],
            ):
                key = (code_of.get(row.network_id.id), row.external_id)
                if key in wanted:
                    authors[key] = row.author_external_id or ""

        def answers(post):
            author = authors.get((post.network, post.conversation_external_id))
            return author is not None and author != (
                post.author.external_id if post.author else "")

        return [(event, [p for p in posts if not p.own_top_level_comment or answers(p)],
                 deletions) for event, posts, deletions in parsed]

    def _refuse_erased_authors(self, source, posts):
        """``posts`` of this event without those of the people a privacy erasure named while
        it waited (``erased_authors``): they are not stored, and remembered as erased (a
        later delivery or poll of them is refused as well); the other posts do not mention
        them (``mentioned_external_ids``)."""
        self.ensure_one()
        try:
            erased = set(json.loads(self.erased_authors or "[]"))
        except ValueError:
            erased = set()
        if not erased:
            return posts
        refused = [p for p in posts if p.author and p.author.external_id in erased]
        if refused:
            network = source.network_id
            host = source._intake_host().lower() if network.code == "mastodon" else ""
            keys = {(source.company_id.id, network.id, p.external_id, host): p for p in refused}
            self.env["social.crm.post.deleted"]._remember_keys(
                keys, reason="erasure",
                uris={key: ingest.federation_uri(p) for key, p in keys.items()})
        # the others' posts mention or answer them by the network id their item keeps
        # (``in_reply_to_user_id``): no mention of an erased person is recorded
        return [
            dataclasses.replace(p, mentioned_external_ids=erasure.without_mentions_of(
                erased, p.mentioned_external_ids))
            if erased & set(p.mentioned_external_ids) else p
            for p in posts if not (p.author and p.author.external_id in erased)
        ]

    def _erase_person(self, person):
        """A privacy erasure of ``person`` (:class:`~..services.erasure.Person`) in these
        events not processed yet: at once, not when a retry processes them. An item of the
        person's own (every post read from it is theirs) loses its content (a failed or
        quarantined one is done: nothing is left to store); the other people's items lose
        the person's profile, handle, name and texts (:func:`~..services.erasure.scrub`)
        and stay retryable. The person's posts are remembered as erased (a redelivery or
        poll of them is refused). Call after ``erased_authors`` is set.

        :return: the events changed
        """
        changed = self.browse()
        now = fields.Datetime.now()
        # sudo: payloads are manager-only; the erasure covers them (the caller checks)
        for event in self.sudo():
            if event.state == "done" or not event.payload:
                continue
            try:
                payload = json.loads(event.payload)
            except ValueError:
                payload = event.payload  # kept as text: its text is scrubbed
            theirs = False
            if isinstance(payload, dict):
                source = event.source_id
                try:
                    posts = self._posts_of_event(event.kind, payload, source._intake_host())
                    deletions = self._deletions_of_event(event.kind, payload)
                except (ValueError, ConnectorError):
                    posts = deletions = None  # unreadable: scrubbed as it is
                if posts:
                    kept = event._refuse_erased_authors(source, posts)
                    theirs = not kept and not deletions
            if theirs:
                vals = {"payload": False}
                if event.state in ("failed", "quarantined"):
                    vals.update(state="done", processed_at=now, post_count=0, error=False,
                                held_account=False, held_shared_app=False)
                event.write(vals)
                changed |= event
                continue
            scrubbed, modified = erasure.scrub(payload, person)
            if modified:
                event.payload = (
                    scrubbed if isinstance(scrubbed, str)
                    else json.dumps(scrubbed, ensure_ascii=False, sort_keys=True))
                changed |= event
        return changed

    @api.model
    def _posts_of_event(self, kind, payload, host):
        """Connector posts of one stored event; hook for addons adding event kinds (raises
        ``ConnectorError`` or ``ValueError`` for an unreadable payload)."""
        return connector_events.posts_of_event(kind, payload, host=host)

    @api.model
    def _deletions_of_event(self, kind, payload):
        """Deletions (posts their authors deleted on the network) of one stored event; hook
        for addons adding event kinds (raises ``ConnectorError`` for a deletion without a
        usable post id: the event is quarantined)."""
        deletions = connector_events.deletions_of_event(kind, payload)
        for deletion in deletions:
            if ingest.key_id(deletion.external_id)[1]:
                raise MalformedResponseError(
                    f"{deletion.network}: a deletion whose post id cannot be stored"
                )
        return deletions

    def _mark_done(self, count):
        self.write(
            {
                "state": "done",
                "processed_at": fields.Datetime.now(),
                "post_count": count,
                "error": False,
            }
        )

    @api.model
    def _mark_held_on_shared_apps(self):
        """Upgrade to 19.0.1.7.1: the items kept in quarantine before on a webhook app that a
        push source of another company also has get their marker (``held_shared_app``). One
        grouped read, then one query and one update per source keeping items (a few).

        :return: the number of events marked
        """
        groups = self._read_group(
            [("state", "=", "quarantined"), ("held_account", "!=", False),
             ("held_shared_app", "=", False)],
            ["source_id"], ["id:array_agg"],
        )
        marked = 0
        for source, ids in groups:
            if source._webhook_app_shared():
                self.browse(ids).write({"held_shared_app": True})
                marked += len(ids)
        if marked:
            _logger.info("Social CRM: %s item(s) kept in quarantine on an app another company "
                         "shares marked as possibly that company's", marked)
        return marked

    # --- actions -------------------------------------------------------------------------
    def action_retry(self):
        """Process failed or quarantined events again (after fixing the cause)."""
        self.check_access("write")
        retry = self.filtered(lambda e: e.state in ("failed", "quarantined"))
        retry.write({"state": "new", "attempts": 0, "error": False, "held_account": False,
                    "held_shared_app": False})
        if retry:
            self._trigger_processing()
        return True

