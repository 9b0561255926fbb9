# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Re-check of stored posts of polling sources: edits and deletions a poll never sees.

A poll (Mastodon ``since_id``, Bluesky search, X recent search) reads each post once. The
re-check job asks the network again for the posts that matter (those of the last
``res.company.social_recheck_days`` days, and what other addons add through
:meth:`_recheck_extra_domain`, e.g. the helpdesk: posts whose ticket is open), oldest
re-checked first, each at most every :data:`RECHECK_EVERY`. What the network says goes
through the existing paths: a newer version through ``_ingest_posts`` (its edit path:
redaction, detection, ticket notes as for a stream's edit), a post it says is gone through
``_ingest_deletions``. A post the network does not show but did not delete (its instance
blocked or limited by the source's instance, hidden by moderation, its own server not
answering, its author's account suspended, a block between the author and the company's
account: see ``connectors/recheck.py``) is kept, and ``network_visibility`` says why
(cleared when the network shows it again). A fault (401/403, 429, 5xx, timeout, malformed
answer) deletes nothing: it is logged and shown on the source. A failure storing the answer
that is not the network's (a bug, hostile data) leaves only the posts it concerns as they were
(logged, shown on the source, asked again later): the job goes on with the others.
"""

import dataclasses
import datetime as dt
import logging

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError
from odoo.fields import Domain
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..connectors import base as connector_base
from ..connectors import recheck
from ..services import recheck as recheck_service
from .social_crm_ingest_mixin import race_expected

_logger = logging.getLogger(__name__)

RECHECK_EVERY = dt.timedelta(hours=1)  # a post is asked again at most this often
CRON_LIMIT = 1000  # posts read per run of the job (committed per request batch)
#: what another transaction writing the same rows at the same time raises: the batch is
#: stored again in a new transaction (``_recheck_store_again``)
RACES = (ConcurrencyError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    rechecked_at = fields.Datetime(
        string="Last Re-check", readonly=True, copy=False,
        help="When the network was last asked whether this post was edited or deleted (posts "
        "of polling sources, see the re-check period in the settings).",
    )

    network_visibility = fields.Selection(
        [
            ("hidden", "Not visible from your instance (instance blocked or limited)"),
            ("moderated", "Hidden by the network's moderation (not deleted)"),
            ("unknown", "Unknown: the author's server did not answer (checked again later)"),
            ("suspended", "Hidden with the author's suspended account (not deleted)"),
            ("blocked", "The author blocked your account (not deleted)"),
            ("domain_blocked", "Your account blocks the author's domain (not deleted)"),
        ],
        string="Visibility on the Network", readonly=True, copy=False,
        help="Set by the re-check when the network no longer shows the post but it was not "
        "deleted: the company's instance blocks or limits the author's instance (the author's "
        "own instance still shows it), the network's moderation hides it (the author's "
        "repository still holds it), the author's server could not be asked, the network "
        "suspended the author's account (or it was deactivated: the post comes back with it), "
        "the author blocked the company's account, or that account blocks the author's domain. "
        "The post, its ticket and its queued replies are kept. Empty: the network shows it.",
    )

    def _product_written_fields(self):
        return super()._product_written_fields() | {"rechecked_at", "network_visibility"}

    # --- which posts --------------------------------------------------------------------------
    @api.model
    def _recheck_extra_domain(self):
        """Hook: posts re-checked whatever their age (helpdesk: those of an open ticket)."""
        return Domain.FALSE

    @api.model
    def _recheck_due_domain(self, now=None):
        """Posts due for a re-check: of an active polling source that re-checks (its network
        can), of a company whose re-check period is not 0, younger than that period or
        matched by :meth:`_recheck_extra_domain`, not re-checked in the last
        :data:`RECHECK_EVERY`, not covered by a recent X compliance job
        (``social.crm.x.compliance.job._covered_domain``)."""
        now = now or fields.Datetime.now()
        # sudo: the job reads every company's settings and sources
        companies = self.env["res.company"].sudo().search([("social_recheck_days", ">", 0)])
        sources = self.env["social.crm.source"].sudo().search([
            ("company_id", "in", companies.ids),
            ("intake_mode", "=", "poll"),
            ("recheck_posts", "=", True),
            ("credentials_refused_at", "=", False),  # resting until new credentials
            ("network_id.code", "in", sorted(recheck.CHECKERS)),
        ]) if companies else self.env["social.crm.source"]
        if not sources:
            return Domain.FALSE
        young = Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("posted_at", ">=", now - dt.timedelta(days=company.social_recheck_days))
            for company in companies
        )
        return (
            self._recheck_source_domain(sources)
            & (young | self._recheck_extra_domain())
            & (Domain("rechecked_at", "=", False)
               | Domain("rechecked_at", "<", now - RECHECK_EVERY))
            # X: the tweets a compliance job covered today are not asked one by one
            & ~self.env["social.crm.x.compliance.job"]._covered_domain(now)
        )

    @api.model
    def _recheck_source_domain(self, sources):
        """The posts ``sources`` can ask about: Mastodon ids are the instance's that showed
        the post, so a Mastodon source asks only about its posts read through the instance it
        reads now (one whose instance URL was changed to another instance leaves the posts it
        read before alone: the other instance's status of that id is another one). No
        query."""
        by_instance = {}
        for source in sources:
            by_instance.setdefault(source._intake_instance(), []).append(source.id)
        return Domain.OR(
            Domain("source_id", "in", ids)
            & (Domain("instance", "=", instance) if instance else Domain.TRUE)
            for instance, ids in by_instance.items()
        )

    # --- the job ------------------------------------------------------------------------------
    @api.model
    def _cron_recheck_due(self, limit=CRON_LIMIT):
        """The re-check job: the due posts, never re-checked first, then the longest
        unchecked, committed per request batch (``ir.cron._commit_progress``);
        ``remaining`` is everything due, so that Odoo runs the job again at once while
        posts stay due."""
        cron = self.env["ir.cron"]
        Post = self.sudo()  # sudo: the job re-checks every company's posts
        domain = self._recheck_due_domain()
        posts = Post.search(domain, order="rechecked_at asc nulls first, id", limit=limit)
        due = Post.search_count(domain) if len(posts) == limit else len(posts)
        cron._commit_progress(remaining=due)
        for source, group in posts.grouped("source_id").items():
            if not self._recheck_still_on(source):
                continue  # archived (or its re-check switched off) while the job ran
            if not group._recheck(source, commit=lambda count: cron._commit_progress(count)):
                return  # the job's time is up: the rest stays due

    def _recheck(self, source, commit=None):
        """Re-check these posts of ``source`` (sudo), one savepoint per request batch;
        ``commit(count)`` after each (False: stop). Returns False when ``commit`` said stop.

        Every post asked gets ``rechecked_at`` (also when the network gave no answer for it,
        or failed: it is asked again after :data:`RECHECK_EVERY`, and a failing source never
        keeps the others waiting)."""
        network = source.network_id.code
        now = fields.Datetime.now()
        names = ["external_id", "text", "edited_at", "author_external_id", "url",
                 "network_visibility"]
        if network in recheck.VERSION_OF:
            names.append("raw_payload")
        self.fetch(names)
        stored = {
            post.external_id: recheck_service.Stored(
                post.external_id, post.text or "", post.edited_at or None,
                recheck.version_of(network, post.raw_payload) if "raw_payload" in names
                else None,
            )
            for post in self
        }
        ids_of = {post.external_id: post.id for post in self}
        checked = set()
        try:
            config = source._connector_config()
            authors = {p.external_id: p.author_external_id for p in self if p.author_external_id}
            for answer in recheck.recheck(network, list(stored), config, authors=authors,
                                          hints=self._recheck_hints()):
                batch = {p.external_id for p in answer.posts} | set(answer.gone) | set(
                    answer.unknown)
                deleted = self._recheck_store_again(source, stored, answer, ids_of, now,
                                                    commit)
                self._recheck_mark(ids_of, batch, now)
                self._recheck_visibility(ids_of, recheck_service.states_of(stored, answer))
                checked |= batch
                for note in answer.notes:
                    _logger.info("Social CRM: re-check of source %s (%s): %s",
                                 source.id, source.name, note)
                if deleted:
                    _logger.info("Social CRM: re-check of source %s (%s): %s post(s) deleted "
                                 "on the network", source.id, source.name, deleted)
                if commit and not commit(len(batch)):
                    return False
                if commit and not self._recheck_still_on(source):
                    # a manager archived the source since: nothing more is asked (the posts
                    # not asked are left as they are)
                    return True
        except connector_base.ConnectorError as exc:
            # nothing of the failed batch is gone: logged, shown on the source
            _logger.warning("Social CRM: re-check of source %s (%s) failed, nothing deleted: "
                            "%s", source.id, source.name, exc)
            # the job runs as OdooBot: the message is written in the company's language
            env = self.with_context(lang=source.company_id.partner_id.lang or self.env.lang).env
            source.write({
                "last_error": env._("Re-check of posts failed: %(error)s", error=str(exc)),
                "last_error_at": now,
            })
        rest = set(stored) - checked
        self._recheck_mark(ids_of, rest, now)
        return not commit or bool(commit(len(rest)))

    def _recheck_store_again(self, source, stored, answer, ids_of, now, commit=None):
        """:meth:`_recheck_store`, once more in a new transaction when another one wrote
        the same rows meanwhile (an agent answered the post the network deleted: the reply
        and its outbox item, committed after this job's snapshot, refer to it; two workers
        stored the author's counts): what the job did before is committed, the batch stored
        again with a fresh snapshot, said in one line (before: the job failed with a
        traceback, and its next run asked the network again). Without ``commit`` (a
        request), Odoo runs the request again."""
        try:
            return self._recheck_store(source, stored, answer, ids_of, now)
        except RACES as race:
            if not commit:
                raise
            _logger.info(
                "Social CRM: re-check of source %s (%s): another transaction wrote the same "
                "rows at the same time (%s): stored again after a commit", source.id,
                source.name, getattr(getattr(race, "diag", None), "message_primary", None)
                or race)
            commit(0)  # a fresh snapshot
        return self._recheck_store(source, stored, answer, ids_of, now)

    def _recheck_store(self, source, stored, answer, ids_of, now):
        """Store what the network says of one request batch (``answer``) in one savepoint;
        return the number of posts deleted. Storing may fail for another reason than the
        network (a bug, a value the database refuses on hostile data): then each post of the
        batch is stored by itself, so that only the failing ones are left as they were
        (their savepoint rolled back, logged with the source and their ids, shown on the
        source) and the job goes on (they are marked as asked with the others: asked again
        after :data:`RECHECK_EVERY`, never first again). A concurrency error (lock,
        serialization, ``ConcurrencyError``) is raised: :meth:`_recheck_store_again`."""
        network = source.network_id.code

        def store(part):
            plan = recheck_service.plan(stored, part, network, now)
            # a flushing savepoint (the default): entering and releasing it runs the pending
            # precommit hooks (mail tracking, the posts stored before), so that a failing
            # post's rollback, which clears the pending hooks, takes none of theirs
            # (social_crm_helpdesk TestRecheckCombo, a batch retried post by post)
            # a concurrent update is not logged as an error by odoo.sql_db: it is raised,
            # and stored again (see _recheck_store_again)
            with race_expected(frozenset(), writes=True), self.env.cr.savepoint(flush=True):
                if plan.deletions:
                    self._ingest_deletions(plan.deletions, source=source)
                if plan.posts:
                    self._ingest_posts(plan.posts, source=source)
            return len(plan.deletions)

        try:
            return store(answer)
        except RACES:
            raise
        except Exception as exc:  # one post must not stall the job: retried one by one
            error = exc
        ids = list(dict.fromkeys([p.external_id for p in answer.posts] + list(answer.gone)))
        failed, deleted = [], 0
        for external_id in ids if len(ids) > 1 else ():
            part = dataclasses.replace(
                answer,
                posts=[p for p in answer.posts if p.external_id == external_id],
                gone=tuple(g for g in answer.gone if g == external_id),
                unknown=(), notes=(),
            )
            try:
                deleted += store(part)
            except RACES:
                raise
            except Exception as exc:  # see above
                error = error if failed else exc
                failed.append(external_id)
        if len(ids) <= 1:
            failed = ids  # a batch of one post (or of none: a bug of the plan, logged too)
        if failed or not ids:
            names = ", ".join(f"{ids_of.get(ext)} ({ext})" for ext in failed) or "-"
            _logger.error(
                "Social CRM: re-check of source %s (%s): storing what the network says of "
                "post(s) %s failed, left as they were: %s: %s", source.id, source.name,
                names, type(error).__name__, error, exc_info=error,
            )
            # the job runs as OdooBot: the message is written in the company's language
            env = self.with_context(lang=source.company_id.partner_id.lang or self.env.lang).env
            source.write({
                "last_error": env._(
                    "Re-check of posts failed: storing what the network says of post(s) "
                    "%(posts)s failed, they were left as they are: %(error)s",
                    posts=", ".join(failed), error=f"{type(error).__name__}: {error}",
                ),
                "last_error_at": now,
            })
        return deleted

    @api.model
    def _recheck_still_on(self, source):
        """Whether the re-check of ``source`` (sudo) may go on: still active and
        re-checking, as committed since the job started (a manager may have archived it
        meanwhile: read again, not from the job's cache)."""
        source.invalidate_recordset(["active", "recheck_posts"])
        return source.active and source.recheck_posts

    def _recheck_hints(self):
        """{external id: {"url", "visibility"}} of these posts: where each lives at its
        source and, from the stored payload (Mastodon), who may read it there (one query)."""
        visibility = {}
        if self.ids:
            self.flush_model(["raw_payload"])
            self.env.cr.execute(SQL(
                "SELECT id, raw_payload->>'visibility' FROM social_crm_post WHERE id = ANY(%s)",
                self.ids))
            visibility = dict(self.env.cr.fetchall())
        return {
            post.external_id: {key: value for key, value in (
                ("url", post.url), ("visibility", visibility.get(post.id))) if value}
            for post in self
        }

    def _recheck_visibility(self, ids_of, states):
        """``network_visibility`` of the posts the re-check kept though the network does not
        show them (``states``: {external id: state, "" when shown again}); one write per
        state, none for a post whose state does not change."""
        posts = self.browse([ids_of[ext] for ext in states if ext in ids_of]).exists()
        by_state = {}
        for post in posts:
            state = states[post.external_id] or False
            if post.network_visibility != state:
                by_state.setdefault(state, []).append(post.id)
        for state, ids in by_state.items():
            self.browse(ids).write({"network_visibility": state})

    def _recheck_mark(self, ids_of, external_ids, now):
        """``rechecked_at`` of the posts asked (one UPDATE; the deleted ones are gone)."""
        ids = [ids_of[ext] for ext in external_ids if ext in ids_of]
        if ids:
            self.browse(ids).exists().write({"rechecked_at": now})
