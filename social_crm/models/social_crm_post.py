# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import logging
from urllib.parse import urlsplit

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, ConcurrencyError, ValidationError
from odoo.fields import Domain

from ..connectors.base import REMOVED_WHY
from ..services import ingest
from ..services.threads import local_key
from .social_crm_ingest_mixin import race_expected, stored_concurrently

_logger = logging.getLogger(__name__)

#: what the database (or a constraint) says when it refuses an item's values: that item is
#: quarantined; any other error fails the whole page (a bug, not bad data: nothing is lost,
#: the next poll tries again)
STORAGE_ERRORS = (
    psycopg2.DataError,
    psycopg2.errors.ProgramLimitExceeded,
    UnicodeError,  # lone surrogates
    ValueError,  # psycopg2: "A string literal cannot contain NUL (0x00) characters."
    ValidationError,
    # a unique index the plan did not foresee (a handle or an id taken meanwhile): the page is
    # stored item by item and only the conflicting item waits in the quarantine, with the
    # index's name, instead of failing the page at every poll (other integrity errors, a
    # missing required value say, are bugs: they still fail the page)
    psycopg2.errors.UniqueViolation,
)


def _refused_by_storage(error):
    """Whether ``error`` says the values could not be stored (not a bug in the code)."""
    if isinstance(error, ValueError) and not isinstance(error, UnicodeError):
        return "NUL" in str(error)
    return True


MANAGER = "social_crm.group_social_crm_manager"
#: networks whose connectors may give a reply without its conversation id (ingestion
#: threads them by the answered post): Mastodon never gives one; X's Account Activity
#: webhook (v1.1 tweets) neither; Meta names the post commented on (Instagram: the media),
#: the page's own post, the account's own media, is no customer's conversation (such a
#: comment joins the comment it answers, else its own)
THREADED_NETWORKS = ("mastodon", "x", "facebook", "instagram")
#: Meta's networks: a comment names the post (media) it is under as its conversation
COMMENTED_NETWORKS = ("facebook", "instagram")
# what the listening writes: plain users may read, not change, these (RPC included)
PRODUCT_FIELDS = frozenset({
    "network_id", "external_id", "company_id", "source_id", "author_external_id",
    "author_handle", "author_name", "text", "url", "posted_at", "fetched_at", "lang",
    "in_reply_to_external_id", "conversation_external_id", "mentioned_external_ids",
    "mentioned_handles", "like_count", "repost_count", "reply_count", "quote_count",
    "raw_payload", "partner_id", "engagement_count", "edited_at", "previous_text",
    "version_external_id", "author_followers_count", "author_lookup_at", "network_uri",
    "instance",
})


def is_web_url(url):
    """Whether ``url`` is an http(s) URL naming a host (no ``javascript:``, ``data:``...)."""
    try:
        parts = urlsplit((url or "").strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


@dataclasses.dataclass
class IngestResult:
    """What one call of ``_ingest_posts`` did."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    new_identities: int = 0
    new_contacts: int = 0
    linked_identities: int = 0
    suggestions: int = 0
    quarantined: int = 0
    edited: int = 0  # stored posts whose text a newer version (an edit) replaced
    post_ids: list = dataclasses.field(default_factory=list)
    quarantine_ids: list = dataclasses.field(default_factory=list)

    def __iadd__(self, other):
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self


def _error_text(error):
    """What the database said, for the quarantine (first line, no SQL)."""
    text = str(getattr(error, "pgerror", None) or error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:500]


class SocialCrmPost(models.Model):
    _name = "social.crm.post"
    _inherit = ["social.crm.ingest.mixin", "social.crm.demo.mixin"]
    _description = "Social Post"
    _order = "posted_at desc, id desc"
    _rec_name = "external_id"
    _check_company_auto = True

    network_id = fields.Many2one(
        "social.crm.network", required=True, index=True, ondelete="restrict"
    )
    network_code = fields.Char(related="network_id.code")
    network_icon = fields.Char(related="network_id.icon")
    external_id = fields.Char(string="Post ID on Network", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    identity_id = fields.Many2one(
        "social.crm.identity", string="Author", index=True, ondelete="set null",
        check_company=True,
    )
    # not readonly (also engagement_count), so that a value given to ``create`` is kept:
    # ingestion passes both, and its INSERT writes them. Otherwise the ORM writes every new
    # post twice (INSERT, then an UPDATE that also rewrites every index of the post: 30% of
    # ``bench/ingest.py``'s database time). Only the product writes them (PRODUCT_FIELDS); the
    # computes still follow their dependencies, and a create without them computes them.
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
        ondelete="set null",
    )
    source_id = fields.Many2one(
        "social.crm.source", index=True, ondelete="set null", readonly=True, check_company=True
    )
    author_external_id = fields.Char(string="Author ID on Network", readonly=True, index=True)
    author_handle = fields.Char(readonly=True)
    author_name = fields.Char(readonly=True)
    author_followers_count = fields.Integer(
        string="Author's Followers", readonly=True, copy=False,
        help="The author's followers as the network reported them with the post, or as a "
        "later look-up found them (0: not said). They rank and count an author without an "
        "identity (a match waiting for review, a source that creates no contacts); an "
        "identity's own counts take over once there is one.",
    )
    author_lookup_at = fields.Datetime(
        string="Author Look-up Due", readonly=True, copy=False, index="btree_not_null",
        help="An author without an identity whose look-up on arrival failed: the enrichment "
        "job asks the network for the author's counts then.",
    )
    text = fields.Text(readonly=True)
    edited_at = fields.Datetime(
        string="Edited", readonly=True, copy=False,
        help="When the author last edited the post on the network: the text is the edited one.",
    )
    previous_text = fields.Text(
        string="Text Before the Edit", readonly=True, copy=False,
        help="The text the post had before its last edit (personal data removed as in the "
        "text).",
    )
    version_external_id = fields.Char(
        # indexed (only the edited posts): a deletion on X may name the version
        string="Edited Version ID", readonly=True, copy=False, index="btree_not_null",
        help="X: an edit is a new post on the network; this is the id of the version stored "
        "(the post keeps the original's id).",
    )
    network_uri = fields.Char(
        string="Federation URI", readonly=True, copy=False,
        help="Mastodon: the status's ActivityPub id, the same on every instance (the post ID "
        "is the status's id on the instance it was read from).",
    )
    instance = fields.Char(
        readonly=True, copy=False,
        help="Mastodon: the instance the post was read through (e.g. https://mastodon.social), "
        "whose id the Post ID is. Deletions, replies to it and answers sent through another "
        "instance go by it, also when its source is deleted or moved to another instance.",
    )
    url = fields.Char(string="URL", readonly=True)
    posted_at = fields.Datetime(string="Posted", required=True, index=True, readonly=True)
    fetched_at = fields.Datetime(string="Fetched", readonly=True)
    lang = fields.Char(string="Language", readonly=True)
    in_reply_to_external_id = fields.Char(string="In Reply To", readonly=True)
    conversation_external_id = fields.Char(string="Conversation", index=True, readonly=True)
    mentioned_external_ids = fields.Char(
        string="Mentioned Accounts",
        readonly=True,
        help="Network user ids this post mentions or replies to, space-separated.",
    )
    mentioned_handles = fields.Char(readonly=True)
    like_count = fields.Integer(string="Likes", readonly=True)
    repost_count = fields.Integer(string="Reposts", readonly=True)
    reply_count = fields.Integer(string="Replies", readonly=True)
    quote_count = fields.Integer(string="Quotes", readonly=True)
    engagement_count = fields.Integer(
        string="Reactions",
        compute="_compute_engagement_count",
        store=True,
        readonly=False,
    )
    state = fields.Selection(
        [("new", "New"), ("reviewed", "Reviewed"), ("ignored", "Ignored")],
        default="new",
        required=True,
        index=True,
    )
    raw_payload = fields.Json(
        readonly=True, groups="social_crm.group_social_crm_manager", copy=False
    )
    text_preview = fields.Char(compute="_compute_text_preview")

    # Mastodon ids are local to each instance: two statuses of two instances may share one
    # (their federation URIs differ, or one has none: the instance the post was read
    # through tells them apart); one status is stored once, whatever instance showed it
    _network_external_id_uniq = models.Constraint(
        "UNIQUE NULLS NOT DISTINCT "
        "(company_id, network_id, external_id, network_uri, instance)",
        "This post is already stored.",
    )
    _network_uri_uniq = models.UniqueIndex(
        "(company_id, network_id, network_uri) WHERE network_uri IS NOT NULL",
        "This post is already stored.",
    )
    _partner_posted_idx = models.Index("(partner_id, posted_at DESC)")

    @api.constrains("url")
    def _check_url(self):
        for post in self:
            if post.url and not is_web_url(post.url):
                raise ValidationError(
                    self.env._(
                        "“%(url)s” is not a web address: a post URL must start with https:// "
                        "(or http://) and name a web site.",
                        url=post.url[:200],
                    )
                )

    def write(self, vals):
        self._check_product_fields(vals)
        return super().write(vals)

    def _product_written_fields(self):
        """Fields only the product writes (listening, detection): a plain Social CRM user may
        not change them, over RPC either. Other addons add theirs."""
        return set(PRODUCT_FIELDS)

    def _check_product_fields(self, vals):
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        protected = sorted(set(vals) & self._product_written_fields())
        if protected:
            names = ", ".join(self._fields[name].string for name in protected)
            raise AccessError(
                self.env._(
                    "These fields of a social post are written by the listening and can only "
                    "be changed by a Social CRM manager: %(fields)s",
                    fields=names,
                )
            )

    @api.depends("identity_id.partner_id")
    def _compute_partner_id(self):
        for post in self:
            post.partner_id = post.identity_id.partner_id

    @api.depends("like_count", "repost_count", "reply_count", "quote_count")
    def _compute_engagement_count(self):
        for post in self:
            post.engagement_count = (
                post.like_count + post.repost_count + post.reply_count + post.quote_count
            )

    @api.depends("text")
    def _compute_text_preview(self):
        for post in self:
            text = " ".join((post.text or "").split())
            post.text_preview = text if len(text) <= 140 else text[:139] + "…"

    @api.depends("network_id", "author_handle", "author_name", "posted_at")
    def _compute_display_name(self):
        for post in self:
            author = f"@{post.author_handle}" if post.author_handle else post.author_name or "?"
            post.display_name = f"{post.network_id.name or ''} · {author}"

    def _social_demo_posts(self):
        """These posts that are demo data: created by a demo file, or played back by a replay
        source (nothing of them is asked or written on a network)."""
        # sudo: agents cannot read sources
        replayed = self.filtered(lambda post: self._social_demo_source(post.sudo().source_id))
        return replayed | (self - replayed)._social_demo_records()

    # --- actions ---------------------------------------------------------------------------
    def action_mark_reviewed(self):
        self.write({"state": "reviewed"})

    def action_mark_ignored(self):
        self.write({"state": "ignored"})

    def action_reset_new(self):
        self.write({"state": "new"})

    def action_open_url(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": "new"}

    # --- ingestion: ``services/ingest.py`` decides, these methods read and apply ------------
    @api.model
    def _ingest_posts(self, posts, source=None):
        """Store a batch of connector :class:`Post` objects; return an :class:`IngestResult`.

        ``services.ingest`` cleans the batch, refuses what storage cannot take and plans what
        to create, update, link and suggest from a snapshot of what exists; this model and
        ``social.crm.identity`` apply the plan with a fixed number of queries per batch.

        One bad item never blocks a source: an item the service refuses, or that the database
        still refuses, goes to ``social.crm.quarantine`` with the reason, and the rest of the
        batch is stored. Hooks for other addons (and only these): ``_ingest_prepare_vals_list``
        and ``_ingest_after_create`` here, ``_ingest_prepare_author_vals`` and
        ``_ingest_after_link`` on ``social.crm.identity``.
        """
        posts = list(posts)
        try:
            with race_expected(frozenset(), writes=True), self.env.cr.savepoint():
                return self._ingest_batch(posts, source)
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected) as error:
            # another ingestion wrote the same rows meanwhile (the crisis watch's count of a
            # conversation or keyword, an author's counts): this transaction's snapshot
            # cannot see its commit; a new transaction can (as for a row stored meanwhile)
            raise ConcurrencyError(
                f"another worker wrote the same rows at the same time "
                f"({getattr(error.diag, 'message_primary', None) or _error_text(error)}): "
                f"stored again in a new transaction"
            ) from error
        except STORAGE_ERRORS as error:
            if stored_concurrently(error):
                # already stored, by a transaction this one cannot see: not a refusal to
                # quarantine. A new transaction sees it and updates it (an HTTP request is run
                # again by Odoo; an event is processed again at the cron's next run)
                raise ConcurrencyError(
                    f"the same post or author was stored at the same time by another worker "
                    f"({error.diag.constraint_name}): stored again in a new transaction"
                ) from error
            if not _refused_by_storage(error):
                raise
            if len(posts) > 1:
                # the database refused something the service let through: store the items
                # one by one, so that only the item it refuses is quarantined
                result = IngestResult()
                for post in posts:
                    result += self._ingest_posts([post], source)
                return result
            result = IngestResult()
            company = source.company_id if source else self.env.company
            self.env["social.crm.quarantine"]._ingest_quarantine(
                [ingest.Refused(posts[0], ingest.STORAGE, _error_text(error))],
                company,
                source,
                result,
            )
            return result

    @api.model
    def _ingest_batch(self, posts, source=None):
        result = IngestResult()
        company = source.company_id if source else self.env.company
        networks = self.env["social.crm.network"]._by_code()
        now = fields.Datetime.now()
        batch = ingest.prepare(posts, networks, now)
        future = ingest.future_dated(batch, now)
        if future:
            _logger.info(
                "Social CRM: %d post(s) dated after their arrival stored as received at %s "
                "(the network's dates kept in the raw payload): %s", len(future), now,
                ", ".join(f"{net} {ext} dated {when}" for net, ext, when in future[:5]))
        for post in batch.skipped:
            _logger.warning("Social CRM: skipping post of unknown network %r", post.network)
        result.skipped += len(batch.skipped)
        if batch.posts:
            # posts a user deleted stay deleted (``social.crm.post.deleted``); one status seen
            # through two instances of a network is stored once
            result.skipped += len(batch.drop(
                self._ingest_deleted_keys(batch, networks, company, source)))
            result.skipped += len(batch.drop(ingest.same_status_keys(batch)))
        snapshot = ingest.Snapshot(
            network_ids={code: network.id for code, network in networks.items()}
        )
        if batch.posts:
            snapshot.posts = self._ingest_known_posts(batch, snapshot.network_ids, company,
                                                      source)
            self.env["social.crm.identity"]._ingest_snapshot(batch, company, snapshot)
        policy = source.unknown_author_policy if source else "create_contact"
        plan = ingest.plan(batch, snapshot, now, create_contacts=policy == "create_contact")
        if plan.refused:
            self.env["social.crm.quarantine"]._ingest_quarantine(
                plan.refused, company, source, result
            )
        if not batch.posts:
            return result
        identities = self.env["social.crm.identity"]._ingest_apply_authors(
            plan, company, source, result
        )
        result.updated += len(plan.known_post_ids)
        result.post_ids.extend(plan.known_post_ids)
        vals_list = []
        threads = self._ingest_threads(plan.posts_to_create, source, company, networks)
        # Mastodon: the instance whose ids the source reads (kept on the post: a status id is
        # that instance's, whatever becomes of the source)
        instance = (source.sudo()._intake_instance() if source else "") or False
        for vals, author_key, post, conversation in zip(
            plan.post_vals, plan.post_authors, plan.posts_to_create, threads, strict=True
        ):
            identity = identities.get(author_key) if author_key else None
            if conversation:
                vals = dict(vals, conversation_external_id=conversation)
            vals_list.append(
                dict(
                    vals,
                    company_id=company.id,
                    source_id=source.id if source else False,
                    identity_id=identity[0] if identity else False,
                    # what the computes give: the INSERT writes them (see the fields)
                    partner_id=(identity[1] or False) if identity else False,
                    engagement_count=sum(vals[name] for name in ingest.POST_COUNT_FIELDS),
                    network_uri=ingest.federation_uri(post) or False,
                    instance=instance if post.network == "mastodon" else False,
                )
            )
        if vals_list:
            vals_list = self._ingest_prepare_vals_list(vals_list, plan.posts_to_create)
        updates, edited, previous = self._ingest_edits(plan)
        records = self._ingest_upsert(vals_list=vals_list, updates=updates)
        if records:
            result.created += len(records)
            result.post_ids.extend(records.ids)
            # replies stored before their parent (Mastodon) join its conversation
            self._ingest_join_waiting_replies(records, source, company, networks)
            self._ingest_after_create(records, plan.posts_to_create)
        if edited:
            result.edited += len(edited)
            edited._ingest_after_edit(plan.edited_posts, previous)
        return result

    @api.model
    def _ingest_edits(self, plan):
        """The plan's updates with its edits merged in: ``(updates, edited posts, previous)``.

        The text an edit replaces is kept (``previous_text``) and handed to the hooks with the
        other fields ``_ingest_edit_previous_fields`` names (one read for the batch)."""
        if not plan.posts_to_edit:
            return plan.posts_to_update, self.browse(), {}
        edited = self.browse([post_id for post_id, _vals in plan.posts_to_edit])
        names = sorted(self._ingest_edit_previous_fields())
        # sudo: the stored version is read whatever the ingesting user may read (as the
        # snapshot of known posts is)
        previous = {row["id"]: row for row in edited.sudo().read(names, load=None)}
        vals_list = [
            dict(vals, previous_text=previous[post_id]["text"] or False)
            for post_id, vals in plan.posts_to_edit
        ]
        vals_list = edited._ingest_prepare_edit_vals(vals_list, plan.edited_posts)
        merged = dict(plan.posts_to_update)
        for post_id, vals in zip(edited.ids, vals_list, strict=True):
            if vals.get("text") == vals.get("previous_text"):
                # an edit of something else than the text (media, a poll): the text before
                # the last edit of the text stays
                vals.pop("previous_text", None)
            merged[post_id] = {**merged.get(post_id, {}), **vals}
        return list(merged.items()), edited, previous

    @api.model
    def _ingest_deleted_keys(self, batch, networks, company, source=None):
        """The batch's keys of posts deleted in this company, and of replies to a post the
        network deleted with its replies (Facebook: a comment delivered after its post's
        removal, or with it in one batch) (one query).

        Mastodon: a deleted id is the deleted status's on its instance only (``instance``):
        the status of that id on another instance than ``source``'s is another one; the
        deleted status read through another instance (its federation URI) is the same."""
        code_of = {network.id: code for code, network in networks.items()}
        threads = {}  # (network code, id of a post answered) -> keys of the batch's answers
        for key, post in batch.posts.items():
            for parent in {post.conversation_external_id, post.in_reply_to_external_id}:
                if parent and parent != key[1]:
                    threads.setdefault((key[0], parent), []).append(key)
        key_of_uri = {(key[0], uri): key for key, post in batch.posts.items()
                      if (uri := ingest.federation_uri(post))}
        domain = Domain("external_id", "in", sorted(
            {ext for _code, ext in (*batch.posts, *threads)}))
        if key_of_uri:
            domain |= Domain("network_uri", "in", sorted({uri for _c, uri in key_of_uri}))
        deleted = self.env["social.crm.post.deleted"].sudo().search_fetch(
            Domain("company_id", "=", company.id)
            & Domain("network_id", "in", sorted({networks[code].id for code, _ext in batch.posts}))
            & domain,
            ["network_id", "external_id", "with_replies", "instance", "network_uri"],
        )
        instance = source.sudo()._intake_host().lower() if source else ""
        keys = []
        for row in deleted:
            code = code_of.get(row.network_id.id)
            key = (code, row.external_id)
            if row.network_uri and (code, row.network_uri) in key_of_uri:
                keys.append(key_of_uri[code, row.network_uri])
            if row.instance and instance and row.instance != instance:
                continue  # another instance's status of that id
            if key in batch.posts:
                uri = ingest.federation_uri(batch.posts[key])
                if not (uri and row.network_uri and uri != row.network_uri):
                    keys.append(key)
            if row.with_replies:
                keys.extend(threads.get(key, ()))
        return list(dict.fromkeys(keys))

    @api.model
    def _ingest_deletions(self, deletions, source=None):
        """Apply connector :class:`~..connectors.base.Deletion` items (the authors deleted
        these posts on the network): the stored posts of the source's company and the
        deletion's network are deleted the way a user's delete does it (``unlink``: they are
        remembered and never stored again), after :meth:`_ingest_before_network_delete`; a
        deletion of a post not stored (yet: it may arrive later, out of order) is remembered
        all the same. Returns the posts deleted (ids no longer exist).

        On X a deletion may name any version of an edited tweet: it matches the post by its
        id or its version's id. Where the network deletes the replies with the post
        (``Deletion.with_replies``: Facebook), the stored comments of a stored post deleted,
        and the replies of a stored comment deleted, go the same way (the hook sees them in
        the context key ``social_crm_deleted_with``: {reply id: id of the post deleted});
        a post not stored takes nothing with it (the page's own posts are never stored: the
        customers' comments on them stay). Why the network removed a post
        (``Deletion.why``: taken down by its host, its author's account suspended...) is
        recorded on its Deleted Post (``network_reason``)."""
        company = source.company_id if source else self.env.company
        networks = self.env["social.crm.network"]._by_code()
        wanted = {}  # (network id, external id) -> deleted_at
        with_replies = set()  # the keys of ``wanted`` whose replies go too
        why = {}  # the keys of ``wanted`` -> why the network removed it, where it says
        for deletion in deletions:
            network = networks.get(deletion.network)
            external_id, _reason = ingest.key_id(deletion.external_id)
            if not network or not external_id:
                _logger.warning("Social CRM: deletion of an unknown network or without id "
                                "skipped: %r", deletion)
                continue
            when = ingest.naive_utc(deletion.deleted_at, fields.Datetime.now())
            key = (network.id, external_id)
            wanted[key] = max(wanted.get(key, when), when)
            if getattr(deletion, "with_replies", False):
                with_replies.add(key)
            if getattr(deletion, "why", "") in REMOVED_WHY:
                why[key] = deletion.why
        if not wanted:
            return self.browse()
        ids = sorted({ext for _nid, ext in wanted})
        # sudo: the network deleted the post whoever may read it (a post is stored once per
        # company: only this company's, only this network's)
        scope = Domain("company_id", "=", company.id) & Domain(
            "network_id", "in", sorted({nid for nid, _ext in wanted})
        ) & self._ingest_same_instance_domain(source, networks)
        # two reads, each on its index (an OR of both would read the company's posts)
        found = self.sudo().search(scope & Domain("external_id", "in", ids)) | self.sudo().search(
            scope & Domain("version_external_id", "in", ids)
        )
        deleted_at = {}
        matched = set()
        for post in found:
            for key in ((post.network_id.id, post.external_id),
                        (post.network_id.id, post.version_external_id)):
                if key in wanted:
                    matched.add(key)
                    deleted_at[post.id] = max(deleted_at.get(post.id, wanted[key]), wanted[key])
        posts = found.filtered(lambda p: p.id in deleted_at)
        Deleted = self.env["social.crm.post.deleted"]
        # Mastodon: the id is the instance's of the source (another instance's status with
        # that id is another one)
        instance = source.sudo()._intake_host().lower() if source else ""
        mastodon = networks.get("mastodon")
        Deleted._remember_keys(
            {(company.id, nid, ext, instance if mastodon and nid == mastodon.id else "")
             for nid, ext in set(wanted) - matched},
            reason="network", why=why,
        )
        parents = posts.filtered(lambda p: (p.network_id.id, p.external_id) in with_replies
                                 or (p.network_id.id, p.version_external_id) in with_replies)
        deleted_with = self._network_deleted_replies(parents, scope, deleted_at) if parents \
            else {}
        posts |= self.sudo().browse(list(deleted_with))
        # their replies arriving later are not stored either (``_ingest_deleted_keys``)
        gone_with_replies = [(p.network_id.id, p.external_id) for p in parents]
        if posts:
            why_of = {
                post.id: why.get((post.network_id.id, post.external_id))
                or why.get((post.network_id.id, post.version_external_id))
                for post in posts
            }
            posts.with_context(
                social_crm_deleted_with=deleted_with,
                social_crm_removed_why={k: v for k, v in why_of.items() if v},
            )._ingest_before_network_delete(deleted_at)
            # remembered as deleted on the network before ``unlink`` remembers them as a user's
            Deleted._remember(posts, reason="network", why=why_of)
            posts.unlink()
        if gone_with_replies:
            self.env["social.crm.post.deleted"]._mark_with_replies(company, gone_with_replies)
        return posts

    @api.model
    def _ingest_threads(self, posts, source, company, networks):
        """The conversation of each new post of ``posts`` where ingestion sets it (None: as
        the connector gave it), in their order.

        Mastodon gives no conversation id, only the answered status's id (``in_reply_to_id``)
        on the instance that showed the reply. A status starts the conversation of its
        federation URI (the same on every instance, as Bluesky's root URI; without a usable
        one, its id with the instance it was read through: ``<id>@<host>``, ids being local
        to each instance, ``services.threads.local_key``); a reply joins
        its parent's conversation, the parent being the post of that id read through the
        same instance (:meth:`_ingest_same_instance_domain`: another instance's status with
        the same id is another status), stored (its conversation, or its id for a post
        stored before this) or arriving in the batch. A reply whose parent is not stored
        here (not listened to, read through another instance only, or not yet arrived)
        starts its own (and joins its parent's when the parent arrives:
        :meth:`_ingest_join_waiting_replies`).

        X: the v2 API gives each tweet its ``conversation_id`` (kept as it is), but the
        Account Activity webhook's v1.1 tweets carry only ``in_reply_to_status_id_str``: such
        a reply joins its stored (or same-batch) parent's conversation the same way, and a
        tweet without a known parent is its own conversation's root (X's rule: a root
        tweet's conversation id is its id) unless a stored v2 reply to it names its root. One
        query per network for the batch's replies to stored posts (X: one more for stored
        replies to the batch's tweets)."""
        threads = [None] * len(posts)
        for code in THREADED_NETWORKS:
            if networks.get(code):
                self._ingest_threads_of(posts, threads, networks[code], source, company,
                                        networks)
        return threads

    @api.model
    def _ingest_answered_threads(self, ids, network, company, instance):
        """``{id: conversation}`` of the company's replies among ``ids`` that the outbox sent
        (the network's ids of its answers): the conversation of the post each answered, so
        that a reply to the company's answer joins the thread the answer is in. Mastodon: the
        answers sent to ``instance`` only (status ids are the instance's). One query."""
        if network.code == "mastodon" and not instance:
            return {}
        domain = (
            Domain("company_id", "=", company.id)
            & Domain("network_id", "=", network.id)
            & Domain("action", "=", "reply")
            & Domain("state", "=", "sent")
            & Domain("external_id", "in", sorted(ids))
        )
        if network.code == "mastodon":
            domain &= Domain("endpoint", "=", instance)
        # sudo: a reply joins the thread of the company's answer whoever may read the outbox
        return {
            item.external_id: item.post_id.conversation_external_id or item.post_id.external_id
            for item in self.env["social.crm.outbox"].sudo().search_fetch(
                domain, ["external_id", "post_id"])
        }

    @api.model
    def _ingest_threads_of(self, posts, threads, network, source, company, networks):
        """:meth:`_ingest_threads` for the posts of one ``network`` (fills ``threads``)."""
        code = network.code
        todo = {p.external_id: p for p in posts
                if p.network == code and not p.conversation_external_id}
        if code in COMMENTED_NETWORKS:
            todo = self._ingest_comments_off_stored_posts(posts, network, company)
        if not todo:
            return
        parents = {p.in_reply_to_external_id for p in todo.values()
                   if p.in_reply_to_external_id} - set(todo)
        # Mastodon: a thread without federation URI is keyed by its top status's id with the
        # instance it was read through (ids are the instance's; the keys stored by id
        # before 19.0.1.7.1 take it on the upgrade)
        instance = source.sudo()._intake_instance() if source and code == "mastodon" else ""
        stored = {}
        if parents and (source or code != "mastodon"):
            # Mastodon without a source: the instance is unknown, no stored parent is sure
            # sudo: a reply joins its parent's conversation whoever may read the parent
            stored = {
                post.external_id: post.conversation_external_id or post.external_id
                for post in self.sudo().search_fetch(
                    Domain("company_id", "=", company.id)
                    & Domain("network_id", "=", network.id)
                    & Domain("external_id", "in", sorted(parents))
                    & self._ingest_same_instance_domain(source, networks),
                    ["external_id", "conversation_external_id"],
                )
            }
            if parents - set(stored):
                # a reply to the company's answer sent from Odoo (no stored post): its thread
                stored.update(self._ingest_answered_threads(
                    parents - set(stored), network, company, instance))
        below = {}
        if code != "mastodon":
            # X: a stored reply of the v2 API to one of them knows its thread's root
            for reply in self.sudo().search_fetch(
                Domain("company_id", "=", company.id)
                & Domain("network_id", "=", network.id)
                & Domain("in_reply_to_external_id", "in", sorted(todo)),
                ["external_id", "in_reply_to_external_id", "conversation_external_id"],
            ):
                key = reply.conversation_external_id
                if key and key != reply.external_id:
                    below.setdefault(reply.in_reply_to_external_id, key)
        conversation_of = {}
        for index, post in enumerate(posts):
            if todo.get(post.external_id) is not post:
                continue
            # up the batch's replies to the first post whose conversation is known
            chain, ext = [], post.external_id
            while ext in todo and ext not in conversation_of and ext not in chain:
                chain.append(ext)
                ext = todo[ext].in_reply_to_external_id
            found = conversation_of.get(ext) or stored.get(ext) if ext not in chain else None
            for ext in reversed(chain):
                # the thread's top post in the batch: its stored parent's, or its own
                if code == "mastodon":
                    own = ingest.federation_uri(todo[ext])
                    if own and len(own.encode()) > ingest.MAX_KEY_BYTES:
                        own = None  # too long a key (as a connector's): keyed by its id
                    # keyed by its id with its instance (none known: by its id)
                    own = own or local_key(ext, instance)
                else:
                    # X: the root its stored v2 replies name, else its own id (a root
                    # tweet's conversation id is its id)
                    own = below.get(ext, ext)
                found = conversation_of[ext] = found or own
            threads[index] = conversation_of[post.external_id]

    @api.model
    def _ingest_comments_off_stored_posts(self, posts, network, company):
        """{id: post} of the Facebook or Instagram comments of ``posts`` whose post or media
        (the conversation Meta names) is neither stored nor in the batch: the page's own post,
        the Instagram account's own media (never stored) is no customer's conversation, such a
        comment is threaded by the comment it answers, else starts its own. One query."""
        comments = [p for p in posts if p.network == network.code
                    and p.in_reply_to_external_id and p.conversation_external_id]
        if not comments:
            return {}
        roots = {p.conversation_external_id for p in comments} - {
            p.external_id for p in posts if p.network == network.code}
        if roots:
            # sudo: whether the post commented on is stored, whoever may read it
            roots -= set(self.sudo().search_fetch(
                Domain("company_id", "=", company.id) & Domain("network_id", "=", network.id)
                & Domain("external_id", "in", sorted(roots)), ["external_id"],
            ).mapped("external_id"))
        return {p.external_id: p for p in comments if p.conversation_external_id in roots}

    @api.model
    def _ingest_same_instance_domain(self, source, networks):
        """Of the posts an id read through ``source`` may name: Mastodon status ids are
        local to each instance (two instances may give one id to two statuses), so only the
        Mastodon posts read through the same instance (their own ``instance``, whatever
        became of the source that read them:
        :meth:`social.crm.source._same_instance_post_domain`); other networks' ids are
        global. Without ``source`` (the caller does not say which instance) or of another
        network: every post. No query."""
        mastodon = networks.get("mastodon")
        if not source or not mastodon or source.sudo().network_id != mastodon:
            return Domain.TRUE
        return Domain("network_id", "!=", mastodon.id) | source._same_instance_post_domain()

    @api.model
    def _network_deleted_replies(self, parents, scope, deleted_at):
        """{reply id: id of the post of ``parents`` it goes with}: the stored posts of
        ``parents``' conversations that answer one of them, directly or through other
        replies (a post takes its comments, a comment its replies); their ``deleted_at``
        is their parent's. One query (the conversations' posts, on their index)."""
        conversations = sorted({p.conversation_external_id or p.external_id for p in parents})
        # sudo: as the deletion itself (the network deleted them, whoever may read them)
        thread = self.sudo().search(
            scope & Domain("conversation_external_id", "in", conversations)
        ) - parents
        root_of = {}  # (network id, external id) of a post gone -> id of the parent gone
        for parent in parents:
            for ext in (parent.external_id, parent.version_external_id):
                if ext:
                    root_of[parent.network_id.id, ext] = parent.id
        deleted_with = {}
        todo = thread
        while todo:
            left = todo.browse()
            for post in todo:
                network = post.network_id.id
                root = root_of.get((network, post.in_reply_to_external_id)) or root_of.get(
                    (network, post.conversation_external_id))
                if root is None:
                    left |= post
                    continue
                deleted_with[post.id] = root
                deleted_at[post.id] = deleted_at[root]
                root_of[network, post.external_id] = root
            if len(left) == len(todo):
                break
            todo = left
        return deleted_with

    def _ingest_before_network_delete(self, deleted_at):
        """Hook: these stored posts (sudo) were deleted by their authors on the network and
        are about to be deleted here (helpdesk: their tickets lose their text, a note, the
        response clock stops when nothing is left to answer). Here: what the outbox still
        had to send about them is cancelled with the reason, never sent. Where the network
        said why it removed a post (``Deletion.why``), the context key
        ``social_crm_removed_why`` gives it ({post id: why}: "author", "taken_down",
        "suspended", "protected", "deactivated"; absent: not said).

        :param deleted_at: {post id: when the author deleted it (naive UTC)}
        """
        self.env["social.crm.outbox"]._cancel_for_deleted_posts(self)
        return self

    def _ingest_after_restore(self):
        """Hook: these posts (sudo), removed by the network because their author's account
        was suspended, made private or deactivated, are back (X no longer reports them:
        ``social.crm.x.compliance.job._restore``), stored again by the ingestion, which
        routed them as any arrival (helpdesk: a note on their ticket)."""
        return self

    def unlink(self):
        """A deleted post is remembered: listening does not store it again."""
        self.env["social.crm.post.deleted"]._remember(self)
        return super().unlink()

    @api.model
    def _ingest_known_posts(self, batch, network_ids, company, source=None):
        """{(network code, external id): KnownPost} of the batch's posts already stored (one
        query, whatever the user may read: a post is stored once per company).

        Mastodon: a status is known by its federation URI where both copies have one (its id
        is local to the instance that showed it): the same status read through another
        instance is the stored post; another status with the same id is not. Where one of
        them has no URI (a post stored before the URIs were kept), by its id on the same
        instance: the post's ``instance`` and ``source``'s; where either is not known (no
        source, a replay, a post stored before instances were kept), by its id alone."""
        # sudo: the source's instance, whoever ingests
        instance = (source.sudo()._intake_instance() if source else "") or ""
        code_of = {nid: code for code, nid in network_ids.items()}
        uris = {key: uri for key, post in batch.posts.items()
                if (uri := ingest.federation_uri(post))}
        by_id = Domain("external_id", "in", sorted({ext for _code, ext in batch.posts}))
        if uris:
            by_id |= Domain("network_uri", "in", sorted(set(uris.values())))
        # sudo: a post is stored once per company: dedupe against all of them, whatever the user
        # reads
        found = self.sudo().search_fetch(
            Domain("company_id", "=", company.id)
            & Domain("network_id", "in", sorted({network_ids[code] for code, _ext in batch.posts}))
            & by_id,
            ["network_id", "external_id", "network_uri", "instance", "edited_at",
             *ingest.POST_COUNT_FIELDS],
        )
        key_of_uri = {(key[0], uri): key for key, uri in uris.items()}
        known = {}
        for post in found:
            code = code_of.get(post.network_id.id)
            key = (code, post.external_id)
            if key in batch.posts and not (
                post.network_uri and key in uris and uris[key] != post.network_uri
            ) and not (
                post.instance and instance and post.instance != instance
                and not (post.network_uri and key in uris)
            ):
                pass  # the same post (or one stored without its URI, on the same instance)
            elif post.network_uri and (code, post.network_uri) in key_of_uri:
                key = key_of_uri[code, post.network_uri]  # read through another instance
            else:
                continue  # another status with the same id on another instance
            counts = tuple(post[name] for name in ingest.POST_COUNT_FIELDS)
            known[key] = ingest.KnownPost(post.id, counts, post.edited_at or None)
        return known

    # --- declared hooks: other addons extend these (and only these) -----------------------
    def _ingest_prepare_vals_list(self, vals_list, posts):
        """Hook: adapt the values of the new posts before they are created (e.g. redaction).

        :param vals_list: list of dicts, one per new post, in the order of ``posts``
        :param posts: the cleaned connector :class:`Post` objects
        :return: the list of values to create
        """
        return vals_list

    def _ingest_after_create(self, records, posts):
        """Hook: called once per batch with the posts just created (e.g. complaint → ticket)."""
        return records

    def _ingest_edit_previous_fields(self):
        """Hook: fields of edited posts read before the edit is stored and handed to
        :meth:`_ingest_after_edit` (e.g. the complaint label)."""
        return {"id", "text"}

    def _ingest_prepare_edit_vals(self, vals_list, posts):
        """Hook: adapt the values an edit writes on these stored posts (``self``, in the order
        of ``vals_list`` and ``posts``) before they are stored (e.g. redaction): the new
        version's text, ``edited_at``, ``previous_text`` (the text stored so far)...

        :param vals_list: list of dicts, one per edited post
        :param posts: the cleaned connector :class:`Post` objects of the new versions
        :return: the list of values to write
        """
        return vals_list

    def _ingest_after_edit(self, posts, previous):
        """Hook: called once per batch with the stored posts (``self``) an edit just changed
        (e.g. a complaint now: a ticket; a ticket: a note).

        :param posts: the cleaned connector :class:`Post` objects, in the order of ``self``
        :param previous: {post id: {field: value before the edit}} of the fields
            :meth:`_ingest_edit_previous_fields` names
        """
        return self

    def _get_conversation_domain(self):
        self.ensure_one()
        key = self.conversation_external_id or self.external_id
        return (
            Domain("network_id", "=", self.network_id.id)
            & Domain("company_id", "=", self.company_id.id)
            & (Domain("conversation_external_id", "=", key) | Domain("external_id", "=", key))
        )
