# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import datetime as dt
import logging

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tools.misc import file_path

from ..connectors import base as connector_base
from .social_crm_post import is_web_url

_logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=15)  # a poll that takes longer loses its claim on the source
MANAGER = "social_crm.group_social_crm_manager"


class SocialCrmSource(models.Model):
    _name = "social.crm.source"
    _inherit = ["social.crm.credentials.mixin"]
    _description = "Social Listening Source"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    network_id = fields.Many2one(
        "social.crm.network",
        required=True,
        ondelete="restrict",
        domain=[("can_listen", "=", True)],
    )
    network_code = fields.Char(related="network_id.code")
    kind = fields.Selection(
        [
            ("search", "Search (keywords, query)"),
            ("mentions", "Mentions of our account"),
            ("hashtag", "Hashtag"),
            ("page", "Comments and mentions of our page"),
            ("feed", "RSS/Atom feed"),
            ("replay", "Replay of recorded posts"),
        ],
        string="Listen To",
        required=True,
        default="search",
    )
    query = fields.Char(
        help="Search query, hashtag (without #), feed URL, or for a replay the path of a JSON "
        "Lines file inside an addon. X in stream mode: the filtered-stream rule (X search "
        "syntax); for mentions our username (@name).",
    )
    keywords = fields.Char(
        help="Comma-separated words: feed entries are kept only when they mention one of them.",
    )
    base_url = fields.Char(
        string="Server URL",
        help="Mastodon: the instance, e.g. https://mastodon.social. Bluesky: the AppView. "
        "Empty: the network's default.",
    )
    account_id = fields.Char(
        string="Our Account ID", help="Our own user id (X mentions) or Facebook page id."
    )
    bearer_token = fields.Char(groups=MANAGER, copy=False)
    api_key = fields.Char(string="API Key", groups=MANAGER, copy=False)
    api_secret = fields.Char(string="API Secret", groups=MANAGER, copy=False)
    access_token = fields.Char(groups=MANAGER, copy=False)
    access_token_secret = fields.Char(groups=MANAGER, copy=False)
    cursor = fields.Char(
        copy=False, readonly=True, help="Where the next poll starts; stored with the posts."
    )
    interval_minutes = fields.Integer(string="Poll Every (minutes)", default=2, required=True)
    max_pages = fields.Integer(string="Pages per Poll", default=5, required=True)
    page_size = fields.Integer(default=100, required=True)
    unknown_author_policy = fields.Selection(
        [
            ("create_contact", "Create a contact marked as coming from social media"),
            ("keep_post", "Keep the post without contact"),
        ],
        string="Unknown Authors",
        default="create_contact",
        required=True,
    )
    recheck_posts = fields.Boolean(
        string="Re-check Posts",
        compute="_compute_recheck_posts",
        store=True,
        readonly=False,
        help="Ask the network again for this source's recent posts (and those of open "
        "tickets) to see their authors' edits and deletions, which polling does not see. "
        "Off by default on X, which bills every read.",
    )
    last_poll_at = fields.Datetime(string="Last Poll", readonly=True, copy=False)
    next_poll_at = fields.Datetime(string="Next Poll", copy=False)
    polling_until = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_at = fields.Datetime(string="Last Error Time", readonly=True, copy=False)
    posts_fetched_total = fields.Integer(string="Posts Fetched", readonly=True, copy=False)
    posts_fetched_last = fields.Integer(string="Posts in Last Poll", readonly=True, copy=False)
    contacts_created_last = fields.Integer(
        string="Contacts in Last Poll", readonly=True, copy=False
    )
    status = fields.Selection(
        [("never", "Never polled"), ("ok", "OK"), ("error", "Error")],
        compute="_compute_status",
    )
    post_ids = fields.One2many("social.crm.post", "source_id", string="Posts")

    _interval_positive = models.Constraint(
        "CHECK(interval_minutes > 0)", "The poll interval must be at least one minute."
    )
    _pages_positive = models.Constraint(
        "CHECK(max_pages > 0 AND page_size > 0)",
        "Pages per poll and page size must be positive.",
    )

    @api.depends("network_id")
    def _compute_recheck_posts(self):
        for source in self:
            source.recheck_posts = source.network_id.code != "x"

    @api.depends("last_poll_at", "last_error")
    def _compute_status(self):
        for source in self:
            if source.last_error:
                source.status = "error"
            elif source.last_poll_at:
                source.status = "ok"
            else:
                source.status = "never"

    @api.constrains("kind", "query", "network_id", "base_url")
    def _check_settings(self):
        for source in self:
            if source.kind in ("search", "hashtag", "feed", "replay") and not source.query:
                raise ValidationError(
                    self.env._("The source “%(name)s” needs a query.", name=source.name)
                )
            if source.kind == "feed" and not is_web_url(source.query):
                raise ValidationError(
                    self.env._(
                        "The feed address of “%(name)s” must start with https:// or http://.",
                        name=source.name,
                    )
                )
            stream_ok = source.network_id.code == "bluesky" and (source.base_url or "").startswith(
                ("ws://", "wss://")  # a Jetstream instance for the stream mode
            )
            if source.base_url and not stream_ok and not is_web_url(source.base_url):
                raise ValidationError(
                    self.env._(
                        "The server URL of “%(name)s” must start with https:// or http://.",
                        name=source.name,
                    )
                )

    # --- polling ---------------------------------------------------------------------------
    def _connector_config(self):
        self.ensure_one()
        # sudo: credentials fields are manager-only; the connectors need them for any caller
        source = self.sudo()
        query = source.query or ""
        if source.kind == "replay":
            try:
                query = file_path(query)
            except (FileNotFoundError, ValueError) as error:
                raise connector_base.ConfigurationError(
                    self.env._("The replay file “%(path)s” was not found.", path=source.query)
                ) from error
        credentials = {
            "bearer_token": source.bearer_token,
            "consumer_key": source.api_key,
            "consumer_secret": source.api_secret,
            "access_token": source.access_token,
            "access_token_secret": source.access_token_secret,
            "page_access_token": source.access_token,
        }
        return connector_base.SourceConfig(
            kind=source.kind,
            query=query,
            keywords=tuple(k.strip() for k in (source.keywords or "").split(",") if k.strip()),
            base_url=source.base_url or "",
            account_id=source.account_id or "",
            credentials={k: v for k, v in credentials.items() if v},
            max_pages=source.max_pages,
            page_size=source.page_size,
        )

    def _get_connector(self):
        from .. import connectors

        return connectors.get_connector(self.network_id.code, self._connector_config())

    def _poll(self, commit=None):
        """Poll this source once; return the summed :class:`IngestResult`.

        Each page is stored, with the cursor it carries, inside one savepoint: a page is
        stored whole or not at all, and the stored cursor is never ahead of the stored
        posts. ``commit`` (the cron's ``_commit_progress``) is called after each page.
        Network faults end the poll with the source showing the error; what was stored stays.
        """
        self.ensure_one()
        from .social_crm_post import IngestResult

        Identity = self.env["social.crm.identity"]
        now = fields.Datetime.now()
        total = IngestResult()
        error, logged, retry_at, refused = None, None, None, False
        try:
            connector = self._get_connector()
            for page in connector.fetch(self.cursor or None):
                posts = page.posts
                if self.network_id.code == "replay":
                    posts = self._replay_as_live(posts, now)
                # authors a page gives without counts (Bluesky, Facebook): asked first
                posts, arrival = Identity._arrival_lookup(posts, self.company_id, source=self)
                try:
                    result = self._poll_store_page(page, posts, arrival)
                except ConcurrencyError as race:
                    if not commit:
                        raise  # a request (Poll Now): Odoo runs it again in a new transaction
                    # the same posts stored by another worker meanwhile (a webhook's events):
                    # once committed, a new transaction sees them and updates them
                    _logger.info("Social CRM: source %s: %s", self.id, race)
                    commit(0)
                    result = self._poll_store_page(page, posts, arrival)
                total += result
                if commit:
                    commit(len(posts))
        except connector_base.RateLimitError as exc:
            error, logged = self._poll_problem(exc), str(exc)
            retry_at = exc.reset_at
        except connector_base.AuthError as exc:
            # the source rests until its credentials change: a warning once per change
            error, refused = self._poll_problem(exc), True
            if self.credentials_refused_at:
                _logger.info("Social CRM: source %s (%s): %s", self.id, self.name, exc)
            else:
                logged = f"{exc} (not asked again until its credentials are saved again)"
        except connector_base.ConnectorError as exc:
            error, logged = self._poll_problem(exc), str(exc)
        except ConcurrencyError as race:
            if not commit:
                raise  # a request (Poll Now): Odoo runs it again in a new transaction
            # stored again after a commit, and another worker wrote the same rows once more
            # meanwhile: no error of the source, the next poll stores that page (the cursor
            # stays before it)
            _logger.info("Social CRM: source %s: %s; the page is stored at the next poll",
                         self.id, race)
        except Exception as exc:
            _logger.exception("Social CRM: storing posts of source %s failed", self.id)
            error = self.env._(
                "Storing the posts failed, nothing of that page was kept: %(error)s",
                error=f"{type(exc).__name__}: {exc}",
            )
            logged = error
        if logged:
            # the log keeps the connector's own sentence
            _logger.warning("Social CRM: source %s (%s): %s", self.id, self.name, logged)
        next_poll = now + dt.timedelta(minutes=self.interval_minutes)
        if retry_at:
            retry_at = connector_base.utc(retry_at).replace(tzinfo=None)
            next_poll = max(retry_at, now + dt.timedelta(seconds=30))
        vals = {
            "last_poll_at": now,
            "next_poll_at": next_poll,
            "posts_fetched_last": total.created,
            "posts_fetched_total": self.posts_fetched_total + total.created,
            "contacts_created_last": total.new_contacts,
            "polling_until": False,
        }
        if error:
            vals.update(last_error=error, last_error_at=now)
        else:
            vals["last_error"] = False
        self.write(vals)
        if refused:
            self._credentials_refused(error)
        elif not error and self.credentials_refused_at:
            # a poll that worked (Fetch now): the credentials are accepted again
            self._credentials_resume("the network accepted its credentials")
        return total

    def _poll_store_page(self, page, posts, arrival):
        """Store one page of a poll with its cursor, whole or not at all (a savepoint)."""
        with self.env.cr.savepoint():
            result = self.env["social.crm.post"]._ingest_posts(posts, source=self)
            self.env["social.crm.identity"]._arrival_lookup_store(arrival, self.company_id)
            if page.rejected:
                # what the connector could not read is kept with its reason, in the page's
                # savepoint: the cursor moves past nothing that is lost
                self.env["social.crm.quarantine"]._ingest_rejected(
                    page.rejected, self.company_id, source=self, result=result
                )
            if page.cursor is not None:
                self.cursor = page.cursor
        return result

    def _poll_problem(self, error):
        """What went wrong with a poll, for the source's form: the product's words,
        translated in the language of whom reads the form (the source's creator, else its
        company: :meth:`_listener_reader`), in the kinds of the stream listener
        (``connectors.streams.problem_of``); the connector's sentence (the network's own
        words in it) quoted as the detail. The log keeps the connector's sentence."""
        self.ensure_one()
        from ..connectors import streams

        problem, status, _words = streams.problem_of(error)
        source = self._listener_reader()
        words = {
            "network": source.network_id.name or source.network_id.code or "-",
            "status": status or "-",
            "detail": str(error) or "-",
        }
        if problem == "token":
            return source.env._(
                "%(network)s refuses the source's credentials (HTTP %(status)s): the access "
                "token or keys are missing, wrong, expired or revoked, or lack the read "
                "permission. The source is not polled again until its credentials are saved again "
                "or “Try Again” is clicked. Details: “%(detail)s”", **words)
        if problem == "no_stream":
            return source.env._(
                "%(network)s has nothing at the source's address (HTTP 404): check the "
                "source's server address and query. Details: “%(detail)s”", **words)
        if problem == "busy":
            return source.env._(
                "%(network)s accepts no more requests for now (HTTP %(status)s: rate "
                "limited). The next poll waits until %(network)s allows it again. Details: "
                "“%(detail)s”", **words)
        if problem == "server":
            return source.env._(
                "%(network)s has a server problem (HTTP %(status)s). The next poll tries "
                "again. Details: “%(detail)s”", **words)
        if problem == "refused":
            return source.env._(
                "%(network)s refused the request (HTTP %(status)s). The next poll tries "
                "again. Details: “%(detail)s”", **words)
        if problem in ("lost", "silent"):
            return source.env._(
                "%(network)s could not be reached or did not answer in time. The next poll "
                "tries again. Details: “%(detail)s”", **words)
        if problem == "unreadable":
            return source.env._(
                "%(network)s answered something the source cannot read. The next poll tries "
                "again. Details: “%(detail)s”", **words)
        if problem == "settings":
            return source.env._(
                "The source cannot be polled with its settings: %(detail)s", **words)
        return source.env._(  # "stream_error": a plain connector error without a status
            "Polling %(network)s failed. The next poll tries again. Details: “%(detail)s”",
            **words)

    @api.model
    def _replay_as_live(self, posts, now):
        """Replayed posts look like they arrive now (the demo shows live traffic); so does a
        replayed edit (its edit date: the stored post keeps its own date)."""
        now = now.replace(tzinfo=dt.UTC)
        count = len(posts)
        live = []
        for index, post in enumerate(posts):
            at = now - dt.timedelta(seconds=30 * (count - index))
            live.append(dataclasses.replace(
                post, posted_at=at, edited_at=at if post.edited_at else None))
        return live

    def _poll_summary_parts(self, result):
        """What one poll brought, one translated part per count, singular or plural."""
        created, updated = result.created, result.updated
        contacts, identities = result.new_contacts, result.new_identities
        return [
            self.env._("1 new post") if created == 1
            else self.env._("%(count)s new posts", count=created),
            self.env._("1 updated") if updated == 1
            else self.env._("%(count)s updated", count=updated),
            self.env._("1 new contact") if contacts == 1
            else self.env._("%(count)s new contacts", count=contacts),
            self.env._("1 new identity") if identities == 1
            else self.env._("%(count)s new identities", count=identities),
        ]

    def action_poll(self):
        """The “Fetch now” button."""
        self.check_access("write")
        messages, failed = [], False
        for source in self:
            claimed = source._claim()
            if not claimed:
                raise UserError(
                    self.env._(
                        "“%(name)s” is being polled right now; try again in a moment.",
                        name=source.name,
                    )
                )
            # sudo: the poll writes the source's state and stores posts; the user only read the
            # source
            result = source.sudo()._poll()
            if source.last_error:
                failed = True
                messages.append(
                    self.env._("%(name)s: %(error)s", name=source.name, error=source.last_error)
                )
            else:
                messages.append(
                    self.env._(
                        "%(name)s: %(summary)s.",
                        name=source.name,
                        summary=", ".join(source._poll_summary_parts(result)),
                    )
                )
                if result.quarantined == 1:
                    messages.append(
                        self.env._("1 item could not be stored and waits in the quarantine.")
                    )
                elif result.quarantined:
                    messages.append(
                        self.env._(
                            "%(count)s items could not be stored and wait in the quarantine.",
                            count=result.quarantined,
                        )
                    )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Polling failed") if failed else self.env._("Polled"),
                "message": "\n".join(messages),
                "type": "danger" if failed else "success",
                "sticky": failed,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _claim(self):
        """Claim this source for one poll; False when another worker polls it now."""
        self.ensure_one()
        locked = self.try_lock_for_update()
        if not locked:
            return False
        now = fields.Datetime.now()
        if self.polling_until and self.polling_until > now:
            return False
        self.polling_until = now + LEASE
        return True

    @api.model
    def _cron_poll_due(self, limit=50):
        """Poll the sources that are due, each in its own transaction."""
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        sources = self.search(
            [
                ("active", "=", True),
                ("intake_mode", "=", "poll"),
                ("credentials_refused_at", "=", False),  # resting until new credentials
                "|",
                ("next_poll_at", "=", False),
                ("next_poll_at", "<=", now),
                "|",
                ("polling_until", "=", False),
                ("polling_until", "<", now),
            ],
            order="next_poll_at asc, id",
            limit=limit,
        )
        cron._commit_progress(remaining=len(sources))
        for source in sources:
            if not source._claim():
                cron._commit_progress(1)
                continue
            cron._commit_progress(0)  # the claim is visible to the other workers from now on

            def commit_page(count):
                cron._commit_progress(0)

            source._poll(commit=commit_page)
            remaining_time = cron._commit_progress(1)
            if not remaining_time:
                break
