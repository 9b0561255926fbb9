# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlsplit

from odoo import api, fields, models


class SocialCrmPostDeleted(models.Model):
    """A post a user deleted, a privacy erasure removed, or its author deleted on the network
    (a webhook or stream said so, maybe before the post itself arrived): listening does not
    store it again when the network sends it once more (another source, a search window, an
    edit webhook, a delivery out of order). Deleting this row lets the post come back at its
    next arrival."""

    _name = "social.crm.post.deleted"
    _description = "Deleted Social Post"
    _order = "create_date desc, id desc"
    _rec_name = "external_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, ondelete="cascade"
    )
    network_id = fields.Many2one(
        "social.crm.network", required=True, ondelete="cascade", readonly=True
    )
    external_id = fields.Char(string="Post ID on Network", required=True, readonly=True)
    instance = fields.Char(
        readonly=True,
        help="Mastodon: the instance whose id the Post ID is (a status id is local to the "
        "instance that showed it: another instance's status with the same id is another "
        "post). Empty: the network's ids are global (or it was not known).",
    )
    network_uri = fields.Char(
        string="Federation URI", readonly=True,
        help="Mastodon: the deleted status's ActivityPub id: the same status read through "
        "another instance (under another id) is not stored again either.",
    )
    with_replies = fields.Boolean(
        string="Replies Gone Too", readonly=True,
        help="The network deleted the post's comments and replies with it (Facebook): those "
        "arriving later are not stored either.",
    )
    # no default: the rows stored before this field was added do not say why (left empty)
    reason = fields.Selection(
        [
            ("user", "Deleted in Odoo"),
            ("erasure", "Privacy erasure"),
            ("network", "Removed on the network"),
        ],
        string="Why",
        readonly=True,
        help="Who deleted the post: a user in Odoo (Deleted By), a privacy erasure of its "
        "author's data, or the network (it said the post is gone; Deleted By is then the "
        "process that received the deletion, Removed Because says why where the network "
        "told).",
    )
    network_reason = fields.Selection(
        [
            ("author", "Deleted by its author"),
            ("taken_down", "Taken down by the host"),
            ("suspended", "The author's account was suspended"),
            ("protected", "The author's account was made private"),
            ("deactivated", "The author's account was deactivated"),
        ],
        string="Removed Because",
        readonly=True,
        help="Why the network removed the post, where it said so: its author deleted it, the "
        "host took it down (Bluesky: the author's server took the account down), or X "
        "reported the author's account suspended, made private (protected) or deactivated "
        "(X's compliance job: such posts may not stay in the product either). Empty: the "
        "network did not say.",
    )

    _post_uniq = models.UniqueIndex(
        "(company_id, network_id, external_id, instance) NULLS NOT DISTINCT")

    @api.model
    def _remember(self, posts, reason="user", why=None):
        """Remember ``posts`` (about to be deleted) with ``reason`` (see the field) and, for
        ``reason`` "network", ``why`` ({post id: ``network_reason``}, where known); three
        queries whatever their number. A post already remembered keeps its first reason."""
        posts = posts.sudo()  # sudo: whoever deletes a post, it stays deleted
        uris, whys = {}, {}
        for post in posts:
            # Mastodon: the instance that showed it (its id is that instance's), by host
            key = (post.company_id.id, post.network_id.id, post.external_id,
                   urlsplit(post.instance).netloc.lower() if post.instance else "")
            uris[key] = post.network_uri or uris.get(key)
            if (why or {}).get(post.id):
                whys[post.network_id.id, post.external_id] = why[post.id]
        return self._remember_keys(uris, reason=reason, uris=uris, why=whys)

    @api.model
    def _remember_keys(self, keys, reason="user", uris=None, why=None):
        """Remember ``keys`` ``{(company id, network id, external id[, instance])}`` (posts
        deleted, maybe not stored yet; ``instance``: see the field, "" or absent: none) with
        ``reason``, the federation URIs ``uris`` ({key: URI}) where known, and why the
        network removed them (``why``: {(network id, external id): ``network_reason``});
        two queries whatever their number."""
        why = why or {}
        keys = {(*key[:3], (key[3] if len(key) > 3 else "") or "") for key in keys}
        uris = {(*key[:3], (key[3] if len(key) > 3 else "") or ""): uri
                for key, uri in (uris or {}).items() if uri}
        if not keys:
            return self.browse()
        known = self.sudo().search_fetch(
            [
                ("company_id", "in", sorted({k[0] for k in keys})),
                ("network_id", "in", sorted({k[1] for k in keys})),
                ("external_id", "in", sorted({k[2] for k in keys})),
            ],
            ["company_id", "network_id", "external_id", "instance"],
        )
        keys -= {(d.company_id.id, d.network_id.id, d.external_id, d.instance or "")
                 for d in known}
        return self.sudo().create(
            [
                {"company_id": company, "network_id": network, "external_id": external_id,
                 "instance": instance or False, "network_uri": uris.get(key) or False,
                 "reason": reason,
                 "network_reason": why.get((network, external_id)) or False}
                for key in sorted(keys)
                for company, network, external_id, instance in [key]
            ]
        )

    @api.model
    def _mark_with_replies(self, company, keys):
        """The remembered posts ``keys`` [(network id, external id)] of ``company`` took
        their replies with them on the network (one read, one write)."""
        # sudo: whoever processes the deletion, the product remembers it
        rows = self.sudo().search_fetch(
            [
                ("company_id", "=", company.id),
                ("network_id", "in", sorted({nid for nid, _ext in keys})),
                ("external_id", "in", sorted({ext for _nid, ext in keys})),
                ("with_replies", "=", False),
            ],
            ["network_id", "external_id"],
        )
        keys = set(keys)
        rows.filtered(lambda r: (r.network_id.id, r.external_id) in keys).write(
            {"with_replies": True})
        return True
