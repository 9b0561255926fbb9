# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Enrichment: look up the identities that are due and store their counts (dated)."""

import dataclasses
import datetime as dt
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..connectors import base as connector_base
from ..connectors import lookup
from ..services import enrich
from .social_crm_identity import normalise_handle

_logger = logging.getLogger(__name__)

BUTTON_LIMIT = 200  # identities looked up at once from a button; the rest goes to the cron
CRON_LIMIT = 5000  # identities read per cron run (committed per network batch)
ARRIVAL_RETRY = dt.timedelta(minutes=5)  # a look-up on arrival that failed: the job asks then


class SocialCrmIdentity(models.Model):
    _inherit = "social.crm.identity"

    lookup_state = fields.Selection(
        [
            ("pending", "Not looked up yet"),
            ("ok", "Found"),
            ("missing", "No longer exists"),
            ("suspended", "Suspended"),
            ("unavailable", "Not available"),
            ("error", "Look-up failed"),
            ("unconfigured", "Not configured"),
            ("demo", "Demo data: not looked up on the network"),
        ],
        string="Look-up",
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        help="What the network said at the last look-up. Accounts that no longer exist or are "
        "suspended are kept, marked, and asked again a month later. Not configured: the "
        "company has no credentials for the network; looked up once a source or account of "
        "the network with credentials is saved. Demo data: an account the demo invented, "
        "never looked up.",
    )
    lookup_message = fields.Char(string="Look-up Message", readonly=True, copy=False)
    last_lookup_at = fields.Datetime(string="Last Look-up", readonly=True, copy=False)
    next_lookup_at = fields.Datetime(
        string="Next Look-up",
        index=True,
        copy=False,
        help="Empty: at the next run of the enrichment job. After a rate limit, the time the "
        "network allows the next request.",
    )
    counts_as_of = fields.Date(
        string="Counts as of",
        copy=False,
        help="The day the counts were true: set by look-ups and imports; for counts typed by "
        "hand, the day they were read on the network (today when left empty).",
    )
    can_lookup = fields.Boolean(compute="_compute_can_lookup")

    @api.depends("network_id.code")
    def _compute_can_lookup(self):
        for identity in self:
            identity.can_lookup = lookup.can_lookup(identity.network_id.code or "")

    # --- import: profile URLs instead of handles; counts typed by hand get their date -------
    @api.model
    def _normalise_vals(self, vals):
        """A profile URL typed or imported as the handle becomes the handle (or the network
        id) it names, and stays the profile URL."""
        handle = vals.get("handle")
        if handle and enrich.looks_like_url(handle):
            network = self.env["social.crm.network"].browse(vals.get("network_id"))
            if not network and len(self) == 1:
                network = self.network_id
            parsed, external_id = enrich.handle_from_url(
                handle, network.profile_url_pattern, network.code or ""
            )
            url = handle.strip()
            vals["handle"] = parsed or False
            if external_id and not vals.get("external_id"):
                vals["external_id"] = external_id
            if not vals.get("profile_url"):
                vals["profile_url"] = url if "://" in url else f"https://{url}"
        return super()._normalise_vals(vals)

    @api.model
    def _typed_counts_observed(self, vals, today):
        """Counts typed by hand or imported are dated for ingestion too: now when they are
        today's, else the start of their ``counts_as_of`` day (a webhook older than them,
        processed late, does not overwrite them; a newer one does)."""
        if "counts_observed_at" in vals or self.env.context.get("social_crm_ingest"):
            return
        day = fields.Date.to_date(vals.get("counts_as_of")) or today
        vals["counts_observed_at"] = (
            fields.Datetime.now() if day >= today else dt.datetime.combine(day, dt.time.min)
        )

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if any(vals.get(name) for name in enrich.COUNT_FIELDS):
                vals.setdefault("counts_as_of", today)
                self._typed_counts_observed(vals, today)
        identities = super().create(vals_list)
        manual = identities.filtered(lambda i: i.origin == "manual")
        if manual:
            manual._write_count_history()
            if manual.filtered("can_lookup"):
                self.env.ref("social_crm.ir_cron_social_crm_enrich")._trigger()
        return identities

    def write(self, vals):
        typed = {name for name in enrich.COUNT_FIELDS if name in vals}
        if typed and not self.env.context.get("social_crm_ingest"):
            today = fields.Date.context_today(self)
            vals.setdefault("counts_as_of", today)
            self._typed_counts_observed(vals, today)
        result = super().write(vals)
        if (typed or "counts_as_of" in vals) and not self.env.context.get("social_crm_ingest"):
            self._write_count_history()
        return result

    def _write_count_history(self):
        """The count history row of each identity's ``counts_as_of`` day (counts typed by hand
        or imported: dated when they were true, so the score can tell their age)."""
        rows = [i for i in self if i.counts_as_of and any(i[n] for n in enrich.COUNT_FIELDS)]
        if not rows:
            return
        # sudo: metrics are written by the product only
        Metric = self.env["social.crm.identity.metric"].sudo()
        existing = {
            (m.identity_id.id, m.date): m
            for m in Metric.search_fetch(
                [
                    ("identity_id", "in", [i.id for i in rows]),
                    ("date", "in", sorted({i.counts_as_of for i in rows})),
                ],
                ["identity_id", "date"],
            )
        }
        creates, updates = [], []
        for identity in rows:
            counts = {name: identity[name] for name in enrich.COUNT_FIELDS}
            metric = existing.get((identity.id, identity.counts_as_of))
            if metric:
                updates.append((metric.id, counts))
            else:
                creates.append(dict(counts, identity_id=identity.id, date=identity.counts_as_of))
        Metric._ingest_upsert(vals_list=creates, updates=updates)

    # --- demo data ---------------------------------------------------------------------------
    @api.model
    def _load_records(self, data_list, update=False):
        """Identities of the demo files are marked as demo data when they are loaded: their
        Social page says so at once, and no job asks a network about them."""
        records = super()._load_records(data_list, update=update)
        records._social_demo_identities()._social_demo_mark()
        return records

    def _social_demo_identities(self):
        """These identities that are demo data: marked so (replayed authors), or created
        by a demo file (also in a database made before they were marked)."""
        marked = self.filtered(lambda identity: identity.lookup_state == "demo")
        return marked | (self - marked)._social_demo_records()

    def _social_demo_mark(self):
        unmarked = self.filtered(lambda identity: identity.lookup_state != "demo")
        if unmarked:
            # sudo: the look-up state is the product's
            unmarked.sudo().write(
                {"lookup_state": "demo", "lookup_message": False, "next_lookup_at": False}
            )

    # --- look-ups ----------------------------------------------------------------------------
    @api.model
    def _enrich_due_domain(self, now=None):
        now = now or fields.Datetime.now()
        return (
            Domain("network_id.code", "in", sorted(lookup.LOOKERS))
            & Domain("network_id.active", "=", True)
            & Domain("lookup_state", "not in", ["unconfigured", "demo"])
            & (Domain("next_lookup_at", "=", False) | Domain("next_lookup_at", "<=", now))
        )

    @api.model
    def _enrich_credentials_saved(self, records):
        """``records`` (sources or accounts) were saved with credentials: the identities of
        their companies and networks that were not configured are looked up again (at the
        enrichment job's next run, woken now)."""
        domain = Domain.OR(
            Domain("company_id", "=", record.company_id.id)
            & Domain("network_id", "=", record.network_id.id)
            for record in records if record.company_id and record.network_id
        )
        if domain.is_false():
            return
        # sudo: the schedule is the product's; saving credentials is the manager's act
        identities = self.sudo().search(Domain("lookup_state", "=", "unconfigured") & domain)
        if identities:
            identities.write({"lookup_state": "pending", "lookup_message": False,
                              "next_lookup_at": False})
            self.env.ref("social_crm.ir_cron_social_crm_enrich").sudo()._trigger()

    @api.model
    def _enrich_profile_messages(self, company, network):
        """{look-up status: the sentence users read} for the accounts the network answered
        about without finding them, in the company's language."""
        env = self.with_context(lang=company.sudo().partner_id.lang or self.env.lang).env
        name = network.with_env(env).name or network.code
        return {
            lookup.MISSING: env._(
                "%(network)s does not know this account (any more): deleted, renamed or never "
                "existed. Asked again in a month.", network=name),
            lookup.SUSPENDED: env._(
                "%(network)s has suspended this account. Asked again in a month.",
                network=name),
            lookup.UNAVAILABLE: env._(
                "%(network)s does not give this account to the company's credentials, or the "
                "identity has no handle or id to ask by. Asked again in a month.",
                network=name),
            lookup.ERROR: env._(
                "The look-up of this account on %(network)s failed: asked again in a few "
                "hours.", network=name),
        }

    @api.model
    def _enrich_failure_message(self, exc, company, network):
        """The sentence users read for a look-up that failed for a whole network, in the
        company's language (connector messages are plain English for the log)."""
        env = self.with_context(lang=company.sudo().partner_id.lang or self.env.lang).env
        name = network.with_env(env).name or network.code
        if isinstance(exc, connector_base.MissingCredentialsError):
            return env._(
                "Not configured: no credentials for %(network)s on %(company)s. The profiles "
                "are looked up once a source or publishing account of %(network)s with "
                "credentials is saved.",
                network=name, company=company.name,
            )
        if isinstance(exc, connector_base.RateLimitError):
            return env._("%(network)s rate limited the look-ups: they resume after its reset.",
                         network=name)
        if isinstance(exc, connector_base.AuthError):
            message = env._("%(network)s refused the credentials (wrong, expired or revoked): "
                            "asked again in a day.", network=name)
        elif isinstance(exc, connector_base.TemporaryError):
            message = env._("%(network)s did not answer (timeout, connection or server error): "
                            "asked again in a few hours.", network=name)
        elif isinstance(exc, connector_base.MalformedResponseError):
            message = env._("%(network)s answered with something its API does not document: "
                            "asked again in a few hours.", network=name)
        elif isinstance(exc, connector_base.ConfigurationError):
            message = env._("The source or account of %(network)s is not set up correctly: "
                            "asked again in a day.", network=name)
        else:
            message = env._("The look-up on %(network)s failed: asked again in a few hours.",
                            network=name)
        return f"{message} (HTTP {exc.status})" if exc.status else message

    @api.model
    def _enrich_config(self, company, network):
        """Credentials for looking up ``network``'s accounts for ``company``: the company's
        publishing account on the network, else its listening source (first active one)."""
        domain = [("company_id", "=", company.id), ("network_id", "=", network.id)]
        # sudo: sources hold credentials (managers only); the look-up uses them for any user
        source = self.env["social.crm.source"].sudo().search(domain, limit=1)
        # sudo: accounts hold credentials (managers only), see above
        account = self.env["social.crm.account"].sudo().search(domain, limit=1)
        credentials = {
            "bearer_token": source.bearer_token,
            "consumer_key": account.api_key or source.api_key,
            "consumer_secret": account.api_secret or source.api_secret,
            "access_token": account.access_token or source.access_token,
            "access_token_secret": account.access_token_secret or source.access_token_secret,
            "page_access_token": account.access_token or source.access_token,
            "api_key": account.api_key or source.api_key,
        }
        return lookup.LookupConfig(
            credentials={k: v for k, v in credentials.items() if v},
            base_url=account.base_url or source.base_url or "",
            account_id=account.account_id or "",
        )

    def _enrich_wanted(self):
        wanted = []
        for identity in self:
            handle, external_id = identity.handle, identity.external_id
            if not handle and not external_id and identity.profile_url:
                handle, external_id = enrich.handle_from_url(
                    identity.profile_url,
                    identity.network_id.profile_url_pattern,
                    identity.network_id.code,
                )
            wanted.append(lookup.Wanted(str(identity.id), external_id, handle))
        return wanted

    def _enrich(self, commit=None):
        """Look up these identities, network by network; store each answer (one savepoint
        per request, ``commit`` after it). A rate limit stops that network until its reset
        (stored on the identities not asked yet, and on the company's other identities of
        that network that are due, so the job does not ask again before the reset); nothing
        sleeps. Returns counts by look-up status, plus ``postponed`` (waiting for a rate
        limit) and ``failed`` (the network could not be asked at all)."""
        summary = defaultdict(int)
        # demo data is on no network: marked, never asked
        demo = self._social_demo_identities()
        if demo:
            demo._social_demo_mark()
            summary["demo"] += len(demo)
        # grouped in linear time (``|=`` per identity copied the group each time: quadratic)
        # sudo: the look-up writes network data on identities the user may only read
        groups = (self - demo).sudo().grouped(
            lambda identity: (identity.company_id, identity.network_id)
        )
        for (company, network), identities in groups.items():
            if not lookup.can_lookup(network.code or ""):
                continue
            now = fields.Datetime.now()
            pending = set(identities.ids)
            try:
                config = self._enrich_config(company, network)
                for batch in lookup.lookup(network.code, identities._enrich_wanted(), config):
                    batch = self.browse()._enrich_store(batch, company, network)
                    for profile in batch:
                        pending.discard(int(profile.key))
                        summary[profile.status] += 1
                    if commit and not commit(len(batch)):
                        return summary  # the cron's time is up: the rest stays due
            except connector_base.RateLimitError as exc:
                resume = enrich.rate_limit_resume(exc.reset_at, now)
                _logger.info("Social CRM: look-ups on %s paused until %s: %s",
                             network.code, resume, exc)
                pause = {"next_lookup_at": resume,
                         "lookup_message": self._enrich_failure_message(exc, company, network)}
                self.browse(pending).write(pause)
                # sudo: postpones every due identity of the company, not only the user's
                self.sudo().search(
                    self._enrich_due_domain(now)
                    & Domain("company_id", "=", company.id)
                    & Domain("network_id", "=", network.id)
                    & Domain("id", "not in", list(pending))
                ).write(pause)
                summary["postponed"] += len(pending)
            except connector_base.MissingCredentialsError as exc:
                # a set-up not done: not asked again until credentials are saved
                _logger.info("Social CRM: no look-ups on %s for %s: %s", network.code,
                             company.name, exc)
                self.browse(pending).write({
                    "lookup_state": "unconfigured",
                    "lookup_message": self._enrich_failure_message(exc, company, network),
                    "last_lookup_at": now,
                    "next_lookup_at": False,
                })
                summary["unconfigured"] += len(pending)
            except connector_base.ConnectorError as exc:
                retry = dt.timedelta(days=1) if isinstance(
                    exc, connector_base.AuthError | connector_base.ConfigurationError
                ) else enrich.ERROR_RETRY
                # missing credentials are a set-up choice (info); anything else is a fault
                log = _logger.info if isinstance(exc, connector_base.ConfigurationError) \
                    else _logger.warning
                log("Social CRM: look-ups on %s for %s failed: %s", network.code, company.name,
                    exc)
                self.browse(pending).write(
                    {
                        "lookup_state": "error",
                        "lookup_message": self._enrich_failure_message(exc, company, network),
                        "last_lookup_at": now,
                        "next_lookup_at": now + retry,
                    }
                )
                summary["failed"] += len(pending)
        return summary

    def _enrich_store(self, profiles, company, network):
        """Store one answer in a savepoint. When it cannot be stored as a whole (a handle
        the network gives that another identity of the company already has...), each profile
        is stored in its own savepoint; one that still fails is marked as failed with the
        reason, and the others are kept. Returns the profiles as stored."""
        try:
            with self.env.cr.savepoint():
                self._enrich_apply(profiles, company, network)
            return profiles
        except (UserError, psycopg2.IntegrityError, psycopg2.DataError) as exc:
            if len(profiles) == 1:
                return [self._enrich_not_stored(profiles[0], network, exc)]
        return [stored for profile in profiles
                for stored in self._enrich_store([profile], company, network)]

    def _enrich_not_stored(self, profile, network, exc):
        if isinstance(exc, UserError):
            reason = exc.args[0] if exc.args else type(exc).__name__
        else:
            reason = getattr(exc.diag, "message_primary", None) or type(exc).__name__
        message = self.env._("The answer could not be stored: %(reason)s", reason=reason)[:500]
        _logger.info("Social CRM: look-up of identity %s on %s not stored: %s",
                     profile.key, network.code, reason)
        now = fields.Datetime.now()
        # sudo: the look-up result is the product's write (the user may only read identities)
        self.sudo().browse(int(profile.key)).write({
            "lookup_state": "error", "lookup_message": message,
            "last_lookup_at": now, "next_lookup_at": now + enrich.ERROR_RETRY,
        })
        return dataclasses.replace(profile, status=lookup.ERROR, author=None, reason=message)

    def _enrich_apply(self, profiles, company, network):
        """Store one answer: a fixed number of queries whatever its size (identities read,
        taken network ids when some identity has none yet, one bulk update, today's history
        rows in one insert, see :meth:`_enrich_write_metrics`).

        Every identity of the answer gets the same columns (the values that did not change
        are written as they are), so the update is one statement, not one per set of changed
        fields. A handle learnt from the network comes with its profile URL, computed as
        ``_compute_profile_url`` does, so the profile URL is not recomputed (and flushed)
        record by record afterwards."""
        # sudo: the look-up result is the product's write (the user may only read identities)
        identities = self.sudo().browse([int(p.key) for p in profiles])
        identities.fetch(["external_id", "handle", "display_name_on_network", "verified", "bio",
                          "profile_url", "last_synced_at", "counts_as_of", "partner_id",
                          "company_id", "counts_observed_at", "profile_observed_at",
                          *enrich.COUNT_FIELDS])
        # network ids already taken matter only for identities that have none yet
        found_ids = [
            profile.author.external_id
            for identity, profile in zip(identities, profiles, strict=True)
            if profile.author and not identity.external_id
        ]
        taken = set()
        if found_ids:
            taken = set(
                # sudo: an account already known may be on an identity the user cannot read
                self.sudo().with_context(active_test=False).search_fetch(
                    [("company_id", "=", company.id), ("network_id", "=", network.id),
                     ("external_id", "in", found_ids)],
                    ["external_id"],
                ).mapped("external_id")
            )
        now = fields.Datetime.now()
        # the company's day (its count history rows), not the look-up job's
        today = self.env["res.lang"]._social_company_today(company, now)
        plans = []
        worded = self._enrich_profile_messages(company, network)
        for identity, profile in zip(identities, profiles, strict=True):
            current = enrich.IdentityNow(
                identity.id, identity.external_id, identity.handle,
                {name: identity[name] for name in enrich.COUNT_FIELDS},
                identity.display_name_on_network, identity.verified, identity.bio,
            )
            plan = enrich.plan_identity(current, profile, now, today, taken)
            if profile.status in worded:
                # the connector's reason (plain English) is for the log; users read ours
                _logger.debug("Social CRM: look-up of identity %s on %s: %s: %s", identity.id,
                              network.code, profile.status, profile.reason)
                plan.vals["lookup_message"] = worded[profile.status]
            if plan.metric:
                # the counts were read now: a webhook older than this look-up, processed
                # late, does not overwrite them
                plan.vals["counts_observed_at"] = now
            if profile.status == lookup.FOUND:
                # the name, bio and verified flag were read now too
                plan.vals["profile_observed_at"] = now
            if plan.vals.get("external_id"):
                taken.add(plan.vals["external_id"])
            if plan.vals.get("bio"):
                plan.vals["bio"] = self._ingest_store_bio(plan.vals["bio"], identity.handle)
            if plan.vals.get("handle"):
                url = network._profile_url(normalise_handle(plan.vals["handle"]))
                if url:
                    plan.vals["profile_url"] = url
            plans.append(plan)
        # the same columns for every identity of the answer: one UPDATE
        names = {name for plan in plans for name in plan.vals}
        for identity, plan in zip(identities, plans, strict=True):
            for name in names - plan.vals.keys():
                plan.vals[name] = identity[name]
        # sudo: the look-up result is the product's write (the user may only read identities)
        self.with_context(social_crm_ingest=True).sudo()._ingest_upsert(
            updates=[(plan.identity_id, plan.vals) for plan in plans]
        )
        # one row per identity (an identity asked twice: its last answer)
        metrics = {
            identity.id: (identity, plan.metric)
            for identity, plan in zip(identities, plans, strict=True)
            if plan.metric
        }
        if metrics:
            self._enrich_write_metrics(list(metrics.values()), today)
            self.sudo().browse(list(metrics))._after_counts_looked_up()

    @api.model
    def _enrich_write_metrics(self, metrics, day):
        """The count history rows of ``day`` of ``metrics`` ([(identity, counts)]): one
        ``INSERT ... ON CONFLICT``; an identity that has a row of that day already (counted
        by the ingestion or an earlier look-up) gets the new counts in it, as the ORM path
        did with a search, a create and an update (three statements and a flush). Written
        in SQL: the rows are the product's (no access rights apply, as with sudo)."""
        Metric = self.env["social.crm.identity.metric"]
        Metric.flush_model()
        now = self.env.cr.now()
        uid = self.env.uid

        def column(values):
            return SQL("%s::int4[]", list(values))

        self.env.cr.execute(
            SQL(
                """INSERT INTO social_crm_identity_metric
                          (identity_id, partner_id, company_id, date, %(names)s,
                           create_uid, write_uid, create_date, write_date)
                   SELECT v.identity_id, v.partner_id, v.company_id, %(day)s, %(values)s,
                          %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(identity_ids)s, %(partner_ids)s, %(company_ids)s,
                                 %(counts)s)
                       AS v(identity_id, partner_id, company_id, %(names)s)
              ON CONFLICT (identity_id, date) DO UPDATE
                      SET %(updates)s, write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date""",
                names=SQL(", ").join(SQL.identifier(name) for name in enrich.COUNT_FIELDS),
                values=SQL(", ").join(
                    SQL("v.%s", SQL.identifier(name)) for name in enrich.COUNT_FIELDS
                ),
                day=day,
                uid=uid,
                now=now,
                identity_ids=column(identity.id for identity, _counts in metrics),
                partner_ids=column(identity.partner_id.id or None for identity, _c in metrics),
                company_ids=column(identity.company_id.id or None for identity, _c in metrics),
                counts=SQL(", ").join(
                    column(counts.get(name) for _identity, counts in metrics)
                    for name in enrich.COUNT_FIELDS
                ),
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in enrich.COUNT_FIELDS
                ),
            )
        )
        Metric.invalidate_model()
        self.browse([identity.id for identity, _counts in metrics]).invalidate_recordset(
            ["metric_ids"]
        )

    # --- look-up on arrival (push and stream intake) --------------------------------------------
    @api.model
    def _arrival_lookup(self, posts, company, source=None):
        """``(posts, arrival)``: ``posts`` (connector posts about to be stored for
        ``company``) whose authors the payload gave without counts (Bluesky Jetstream, Meta
        webhooks) and the company has no counts of yet, looked up on the network now (at most
        ``enrich.ARRIVAL_LIMIT`` authors, one request per network batch), so that the score,
        the ticket's rank and its alert see who the author is at arrival, not after the
        enrichment job's next run. A failure (rate limit, timeout, network down) stores the
        posts as they are; :meth:`_arrival_lookup_store` then leaves their identities due for
        the enrichment job (at the rate limit's reset), whose answer raises the author's
        score and ticket then (:meth:`_after_counts_looked_up`). Posts a replay ``source``
        plays back are demo data: their authors are not asked."""
        # profiles by network code (keyed by the author's id), and by network code the authors
        # the network did not answer with when to ask again
        arrival = {"profiles": defaultdict(list), "retry": {}, "unconfigured": {}}
        authors = [p.author for p in posts if p.author is not None
                   and p.author.followers_count is None and lookup.can_lookup(p.author.network)]
        if not authors or self._social_demo_source(source):
            return posts, arrival
        now = fields.Datetime.now()
        # sudo: the product's read of the company's identities, whoever processes the intake
        stored = self.sudo().with_context(active_test=False).search_fetch(
            [("company_id", "=", company.id),
             ("network_id.code", "in", sorted({a.network for a in authors})),
             ("external_id", "in", sorted({a.external_id for a in authors}))],
            ["network_id", "external_id", "counts_observed_at", "next_lookup_at",
             "lookup_state"],
        )
        demo = stored._social_demo_identities()
        known = {(i.network_id.code, i.external_id) for i in stored
                 if i.counts_observed_at or (i.next_lookup_at and i.next_lookup_at > now)
                 or i in demo}
        wanted = enrich.arrival_wanted(posts, known)
        if not wanted:
            return posts, arrival
        networks = {n.code: n for n in self.env["social.crm.network"].sudo().search(
            [("code", "in", sorted({w[0] for w in wanted}))])}
        found = {}
        by_network = defaultdict(list)
        for network, external_id, handle in wanted:
            by_network[network].append(lookup.Wanted(external_id, external_id, handle))
        for code, items in by_network.items():
            if code not in networks:
                continue
            asked, retry_at, unconfigured = set(), None, None
            try:
                config = self._enrich_config(company, networks[code])
                for batch in lookup.lookup(code, items, config):
                    for profile in batch:
                        asked.add(profile.key)
                        arrival["profiles"][code].append(profile)
                        if profile.status == lookup.FOUND:
                            found[(code, profile.key)] = profile.author
            except connector_base.RateLimitError as exc:
                retry_at = enrich.rate_limit_resume(exc.reset_at, now)
                _logger.info("Social CRM: look-up on arrival on %s paused until %s: %s",
                             code, retry_at, exc)
            except connector_base.MissingCredentialsError as exc:
                unconfigured = exc  # not asked again until credentials are saved
                _logger.info("Social CRM: no look-up on arrival on %s: %s", code, exc)
            except connector_base.ConnectorError as exc:
                # missing or refused credentials are the set-up's: asked again a day later
                retry_at = now + (dt.timedelta(days=1) if isinstance(
                    exc, connector_base.AuthError | connector_base.ConfigurationError
                ) else ARRIVAL_RETRY)
                _logger.info("Social CRM: look-up on arrival on %s failed, the enrichment job "
                             "asks again: %s", code, exc)
            unanswered = [w.key for w in items if w.key not in asked]
            if unanswered and unconfigured:
                arrival["unconfigured"][code] = (unconfigured, unanswered)
            elif unanswered:
                arrival["retry"][code] = (retry_at or now, unanswered)
        if not found:
            return posts, arrival
        read_at = now.replace(tzinfo=dt.UTC)
        return [
            enrich.with_profile(post, found[(post.author.network, post.author.external_id)],
                                read_at)
            if post.author is not None
            and (post.author.network, post.author.external_id) in found else post
            for post in posts
        ], arrival

    @api.model
    def _arrival_lookup_store(self, arrival, company):
        """After the posts of :meth:`_arrival_lookup` are stored: their identities record the
        look-up's answers as the enrichment job does (state, next look-up, today's count
        history row); those the network did not answer (rate limit, fault) stay due, from
        the rate limit's reset, and the enrichment job is woken then."""
        if not arrival["profiles"] and not arrival["retry"] and not arrival["unconfigured"]:
            return
        codes = sorted(set(arrival["profiles"]) | set(arrival["retry"])
                       | set(arrival["unconfigured"]))
        keys = {p.key for profiles in arrival["profiles"].values() for p in profiles}
        keys.update(key for _at, waiting in arrival["retry"].values() for key in waiting)
        keys.update(key for _exc, waiting in arrival["unconfigured"].values() for key in waiting)
        # sudo: the look-up result is the product's write (the user may only read identities)
        identities = self.sudo().search_fetch(
            [("company_id", "=", company.id), ("network_id.code", "in", codes),
             ("external_id", "in", sorted(keys))],
            ["network_id", "external_id"],
        )
        by_key = {(i.network_id.code, i.external_id): i for i in identities}
        for code, profiles in arrival["profiles"].items():
            mine = [(by_key[(code, p.key)], p) for p in profiles if (code, p.key) in by_key]
            if mine:
                self.browse()._enrich_store(
                    [dataclasses.replace(p, key=str(identity.id)) for identity, p in mine],
                    company, mine[0][0].network_id,
                )
        cron = self.env.ref("social_crm.ir_cron_social_crm_enrich").sudo()
        now = fields.Datetime.now()
        networks = self.env["social.crm.network"]._by_code()
        for code, (exc, waiting) in arrival["unconfigured"].items():
            unset = self.sudo().browse([by_key[(code, k)].id for k in waiting
                                        if (code, k) in by_key])
            if unset:
                unset.write({
                    "lookup_state": "unconfigured",
                    "lookup_message": self._enrich_failure_message(
                        exc, company, unset[0].network_id),
                    "last_lookup_at": now, "next_lookup_at": False,
                })
        for code, (retry_at, waiting) in arrival["retry"].items():
            due = self.sudo().browse([by_key[(code, k)].id for k in waiting if (code, k) in by_key])
            if retry_at > now:
                due.write({"next_lookup_at": retry_at})
            # authors without identity (a source that creates no contacts, a match waiting
            # for review): their posts wait for the job's look-up
            unlinked = [k for k in waiting if (code, k) not in by_key]
            waiting_posts = self.env["social.crm.post"]._enrich_authors_wait(
                company, networks[code], unlinked, max(retry_at, now)
            ) if unlinked and code in networks else False
            if due or waiting_posts:
                cron._trigger(at=retry_at)

    def _after_counts_looked_up(self):
        """Hook: a profile look-up (the enrichment job, *Look up now*, the look-up on arrival)
        just stored new counts of these identities (scoring: their contacts are scored
        again at once when their followers now reach a higher tier's floor)."""
        return True

    @api.model
    def _cron_enrich_due(self, limit=CRON_LIMIT):
        """The enrichment job: identities that are due, oldest first, committed per request
        (``ir.cron._commit_progress``). ``remaining`` is everything due, not only this run's
        ``limit``: while identities stay due, Odoo runs the job again at once instead of at
        its next interval. Identities postponed by a rate limit or failed with their network
        count as processed (they are no longer due)."""
        cron = self.env["ir.cron"]
        Identity = self.sudo()  # sudo: the cron looks up every company's due identities
        domain = self._enrich_due_domain()
        identities = Identity.search(
            domain, order="next_lookup_at asc nulls first, id", limit=limit
        )
        due = Identity.search_count(domain) if len(identities) == limit else len(identities)
        cron._commit_progress(remaining=due)
        summary = identities._enrich(commit=lambda count: cron._commit_progress(count))
        # authors without identity whose look-up on arrival failed
        self.env["social.crm.post"]._enrich_authors_due()
        cron._commit_progress(
            summary["postponed"] + summary["failed"] + summary["unconfigured"],
            remaining=Identity.search_count(self._enrich_due_domain()),
        )

    def action_enrich(self):
        """The “Look up now” button / list action: look up these identities now (at most
        :data:`BUTTON_LIMIT`; the rest is left to the enrichment job)."""
        self.check_access("write")
        identities = self.filtered("can_lookup")
        if not identities:
            raise UserError(
                self.env._("None of these identities is on a network whose profiles can be "
                           "looked up (X, Mastodon, Bluesky, YouTube, Facebook, Instagram).")
            )
        now_ids, later = identities[:BUTTON_LIMIT], identities[BUTTON_LIMIT:]
        if later:
            # sudo: the schedule field is the product's; the user asked for the look-up
            later.sudo().write({"next_lookup_at": False})
            self.env.ref("social_crm.ir_cron_social_crm_enrich")._trigger()
        summary = now_ids._enrich()
        message = self.env._(
            "%(found)s found, %(missing)s gone, %(suspended)s suspended, "
            "%(unavailable)s not available, %(error)s failed.",
            found=summary[lookup.FOUND],
            missing=summary[lookup.MISSING],
            suspended=summary[lookup.SUSPENDED],
            unavailable=summary[lookup.UNAVAILABLE],
            error=summary[lookup.ERROR] + summary["failed"],
        )
        if summary["postponed"] == 1:
            message += " " + self.env._(
                "1 waits for the network's rate limit; the enrichment job goes on with it later."
            )
        elif summary["postponed"]:
            message += " " + self.env._(
                "%(count)s wait for the network's rate limit; the enrichment job goes on "
                "with them later.",
                count=summary["postponed"],
            )
        if summary["unconfigured"]:
            message += " " + self.env._(
                "%(count)s not configured: the company has no credentials for their network.",
                count=summary["unconfigured"],
            )
        if len(later) == 1:
            message += " " + self.env._("1 more is looked up by the enrichment job.")
        elif later:
            message += " " + self.env._(
                "%(count)s more are looked up by the enrichment job.", count=len(later)
            )
        if summary["demo"]:
            message += " " + self.env._(
                "Demo data, not looked up on the network: %(count)s.", count=summary["demo"]
            )
        failed = bool(summary[lookup.ERROR] or summary["failed"] or summary["postponed"]
                      or summary["unconfigured"])
        # demo data and identities without credentials are never asked: not a look-up
        asked = later or any(
            summary[key] for key in (lookup.FOUND, lookup.MISSING, lookup.SUSPENDED,
                                     lookup.UNAVAILABLE, lookup.ERROR, "failed", "postponed")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": (self.env._("Profiles looked up") if asked
                          else self.env._("No profile looked up")),
                "message": message,
                "type": "warning" if failed else ("success" if asked else "info"),
                "sticky": failed,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
