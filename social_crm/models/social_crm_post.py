# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import datetime as dt
import logging
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..connectors.base import Author, Post
from ..services.cleaning import clean_json, clean_text

_logger = logging.getLogger(__name__)

MANAGER = "social_crm.group_social_crm_manager"
# what the listening writes: plain users may read, not change, these (RPC included)
PRODUCT_FIELDS = frozenset({
    "network_id", "external_id", "company_id", "source_id", "author_external_id",
    "author_handle", "author_name", "text", "url", "posted_at", "fetched_at", "lang",
    "in_reply_to_external_id", "conversation_external_id", "mentioned_external_ids",
    "mentioned_handles", "like_count", "repost_count", "reply_count", "quote_count",
    "raw_payload",
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
    post_ids: list = dataclasses.field(default_factory=list)

    def __iadd__(self, other):
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self


def _naive_utc(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _count(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


class SocialCrmPost(models.Model):
    _name = "social.crm.post"
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
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        compute="_compute_partner_id",
        store=True,
        index=True,
        ondelete="set null",
    )
    source_id = fields.Many2one(
        "social.crm.source", index=True, ondelete="set null", readonly=True, check_company=True
    )
    author_external_id = fields.Char(string="Author ID on Network", readonly=True, index=True)
    author_handle = fields.Char(readonly=True)
    author_name = fields.Char(readonly=True)
    text = fields.Text(readonly=True)
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
        string="Reactions", compute="_compute_engagement_count", store=True
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

    _network_external_id_uniq = models.Constraint(
        "UNIQUE(company_id, network_id, external_id)",
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

    # --- ingestion -------------------------------------------------------------------------
    @api.model
    def _ingest_posts(self, posts, source=None):
        """Store a batch of connector :class:`Post` objects; return an :class:`IngestResult`.

        A fixed number of queries per batch, whatever its size: dedupe on
        (company, network, external_id), upsert authors as identities (with a dated count
        history), resolve authors to contacts, create new posts in one ``create``, refresh the
        counts of known posts in one statement. Hooks for other addons:
        ``_ingest_prepare_vals_list`` (values of new posts) and ``_ingest_after_create``.
        """
        result = IngestResult()
        company = source.company_id if source else self.env.company
        networks = self.env["social.crm.network"]._by_code()
        unique = {}
        for post in posts:
            if post.network not in networks:
                _logger.warning("Social CRM: skipping post of unknown network %r", post.network)
                result.skipped += 1
                continue
            unique[(post.network, str(post.external_id))] = post  # the latest wins
        if not unique:
            return result
        posts = list(unique.values())
        now = fields.Datetime.now()

        identities = self.env["social.crm.identity"]._ingest_authors(
            [post.author for post in posts if post.author],
            company=company,
            source=source,
            result=result,
            now=now,
        )

        existing = self._ingest_existing(posts, networks, company)
        to_update, to_create = [], []
        for post in posts:
            record_id = existing.get((networks[post.network].id, str(post.external_id)))
            (to_update if record_id else to_create).append((post, record_id))
        if to_update:
            self._ingest_update_counts(to_update)
            result.updated += len(to_update)
            result.post_ids.extend(record_id for _post, record_id in to_update)
        if to_create:
            vals_list = [
                self._ingest_post_vals(post, networks, identities, company, source, now)
                for post, _id in to_create
            ]
            new_posts = [post for post, _id in to_create]
            vals_list = self._ingest_prepare_vals_list(vals_list, new_posts)
            records = self.create(vals_list)
            result.created += len(records)
            result.post_ids.extend(records.ids)
            self._ingest_after_create(records, new_posts)
        return result

    def _ingest_existing(self, posts, networks, company):
        """{(network_id, external_id): post id} of the posts already stored (one query)."""
        by_network = {}
        for post in posts:
            by_network.setdefault(networks[post.network].id, []).append(str(post.external_id))
        rows = self.env.execute_query(
            SQL(
                """SELECT p.network_id, p.external_id, p.id
                     FROM social_crm_post p
                     JOIN unnest(%s::int[], %s::varchar[]) AS k(network_id, external_id)
                       ON p.network_id = k.network_id AND p.external_id = k.external_id
                    WHERE p.company_id = %s""",
                [nid for nid, ids in by_network.items() for _ in ids],
                [ext for ids in by_network.values() for ext in ids],
                company.id,
            )
        )
        return {(network_id, external_id): post_id for network_id, external_id, post_id in rows}

    def _ingest_update_counts(self, pairs):
        """Refresh the reaction counts of known posts in one statement."""
        self.env.flush_all()
        ids, likes, reposts, replies, quotes = [], [], [], [], []
        for post, record_id in pairs:
            ids.append(record_id)
            likes.append(_count(post.like_count))
            reposts.append(_count(post.repost_count))
            replies.append(_count(post.reply_count))
            quotes.append(_count(post.quote_count))
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_post AS p
                      SET like_count = v.likes, repost_count = v.reposts,
                          reply_count = v.replies, quote_count = v.quotes,
                          engagement_count = v.likes + v.reposts + v.replies + v.quotes,
                          write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[])
                          AS v(id, likes, reposts, replies, quotes)
                    WHERE p.id = v.id""",
                self.env.uid,
                ids,
                likes,
                reposts,
                replies,
                quotes,
            )
        )
        self.invalidate_model(
            ["like_count", "repost_count", "reply_count", "quote_count", "engagement_count"]
        )

    def _ingest_post_vals(self, post: Post, networks, identities, company, source, now):
        author: Author | None = post.author
        identity = (
            identities.get((author.network, str(author.external_id)), (False, False))[0]
            if author
            else False
        )
        likes, reposts = _count(post.like_count), _count(post.repost_count)
        replies, quotes = _count(post.reply_count), _count(post.quote_count)
        return {
            "network_id": networks[post.network].id,
            "external_id": str(post.external_id),
            "company_id": company.id,
            "identity_id": identity,
            "source_id": source.id if source else False,
            "author_external_id": author.external_id if author else False,
            "author_handle": clean_text(author.handle) if author else False,
            "author_name": clean_text(author.display_name) if author else False,
            "text": clean_text(post.text) or "",
            "url": post.url or False,
            "posted_at": _naive_utc(post.posted_at) or now,
            "fetched_at": now,
            "lang": post.lang or False,
            "in_reply_to_external_id": post.in_reply_to_external_id or False,
            "conversation_external_id": post.conversation_external_id or False,
            "mentioned_external_ids": " ".join(post.mentioned_external_ids) or False,
            "mentioned_handles": " ".join(post.mentioned_handles) or False,
            "like_count": likes,
            "repost_count": reposts,
            "reply_count": replies,
            "quote_count": quotes,
            "raw_payload": clean_json(dict(post.raw)) if post.raw else False,
        }

    def _ingest_prepare_vals_list(self, vals_list, posts):
        """Hook: adapt the values of the new posts before they are created (e.g. redaction).

        :param vals_list: list of dicts, one per new post, in the order of ``posts``
        :param posts: the connector :class:`Post` objects
        :return: the list of values to create
        """
        return vals_list

    def _ingest_after_create(self, records, posts):
        """Hook: called once per batch with the posts just created (e.g. complaint → ticket)."""
        return records

    def _get_conversation_domain(self):
        self.ensure_one()
        key = self.conversation_external_id or self.external_id
        return (
            Domain("network_id", "=", self.network_id.id)
            & Domain("company_id", "=", self.company_id.id)
            & (Domain("conversation_external_id", "=", key) | Domain("external_id", "=", key))
        )
