# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replies that arrived before their parent join its conversation when it arrives (Mastodon;
X webhook tweets).

Mastodon gives no conversation id, only the answered status's id (``in_reply_to_id``) on the
instance that showed the reply (:meth:`social.crm.post._ingest_threads`). A reply stored
before its parent (a mention read before the status it answers came through a hashtag or
the home timeline, a poll's page order, a stream that missed the parent) started its own
conversation. When the parent is stored through the same instance, the reply and the posts
of the conversation it started join the parent's conversation; other addons follow through
:meth:`_ingest_after_join_threads` (helpdesk: the ticket of the reply's conversation)."""

import logging

from odoo import api, models
from odoo.fields import Domain

from ..services import ingest, threads
from .social_crm_post import THREADED_NETWORKS

_logger = logging.getLogger(__name__)


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model
    def _ingest_join_waiting_replies(self, records, source, company, networks):
        """The stored replies to one of the new posts ``records`` that started their own
        conversation, and the posts of those conversations, join their parent's
        conversation: Mastodon replies read through ``source``'s instance, X replies of the
        Account Activity webhook (v1.1 tweets carry no conversation id). A fixed number of
        queries per network whatever the number of posts: the replies, the posts of their
        conversations, one batched write. Returns ``{old conversation key: new one}``."""
        moved = {}
        for code in THREADED_NETWORKS:
            network = networks.get(code)
            if not network or (code == "mastodon" and (
                    not source or source.sudo().network_id != network)):
                continue
            moved.update(self._ingest_join_waiting_replies_of(
                records, network, source, company, networks))
        return moved

    @api.model
    def _ingest_join_waiting_replies_of(self, records, network, source, company, networks):
        """:meth:`_ingest_join_waiting_replies` for the posts of one ``network``."""
        parents = records.filtered(lambda post: post.network_id == network)
        if not parents:
            return {}
        conversation_of = {
            post.external_id: post.conversation_external_id or post.external_id
            for post in parents
        }
        # sudo: a reply joins its parent's conversation whoever may read the reply
        Post = self.sudo()
        scope = (
            Domain("company_id", "=", company.id)
            & Domain("network_id", "=", network.id)
            & self._ingest_same_instance_domain(source, networks)
        )
        replies = Post.search_fetch(
            scope
            & Domain("in_reply_to_external_id", "in", sorted(conversation_of))
            & Domain("id", "not in", records.ids),
            ["external_id", "in_reply_to_external_id", "conversation_external_id",
             "network_uri"],
        )
        # Mastodon: a reply that started its own conversation without federation URI is
        # keyed by its id with the instance
        instance = source.sudo()._intake_instance() if source and network.code == "mastodon" \
            else ""
        moved = {}  # old conversation key -> the parent's
        for reply in replies:
            own = reply.conversation_external_id
            if own and own not in (reply.network_uri, reply.external_id,
                                   threads.local_key(reply.external_id, instance)):
                continue  # already in another conversation (its parent's)
            new = conversation_of[reply.in_reply_to_external_id]
            if (own or reply.external_id) != new:
                moved[own or reply.external_id] = new
        if not moved:
            return {}
        waiting = replies.filtered(
            lambda r: (r.conversation_external_id or r.external_id) in moved)
        thread = Post.search_fetch(
            scope & Domain("conversation_external_id", "in", sorted(moved)),
            ["external_id", "conversation_external_id"],
        ) | waiting
        Post._ingest_upsert(updates=[
            (post.id, {"conversation_external_id":
                       moved[post.conversation_external_id or post.external_id]})
            for post in thread
        ])
        thread.with_env(self.env)._ingest_after_join_threads(moved, company, network)
        return moved

    @api.model
    def _upgrade_old_conversation_keys(self):
        """Mastodon posts stored before 19.0.1.5.0 are keyed by their own id (no
        conversation), and the replies that joined them since by that id: where the thread's
        federation URI is known they go over to it (``services.threads.old_key_moves``), so
        that the replies arriving now (keyed by the URI) join those old threads. Per company
        and instance (ids are the instance's); posts without instance (their source was
        deleted before 19.0.1.6.2) are left as they are. Other addons follow through
        :meth:`_ingest_after_join_threads` as when a parent arrives after its replies
        (helpdesk: the ticket of an old key takes the URI key or is marked a duplicate of the
        conversation's ticket; the crisis watch's counts move). Returns the number of posts
        moved. Run by the upgrade to 19.0.1.6.2 (``end-migration``, all addons loaded)."""
        network = self.env["social.crm.network"]._by_code().get("mastodon")
        if not network:
            return 0
        Post = self.sudo()  # sudo: the upgrade moves every company's posts
        stored = Post.search_fetch(
            [("network_id", "=", network.id), ("instance", "!=", False)],
            ["company_id", "instance", "external_id", "in_reply_to_external_id",
             "conversation_external_id", "network_uri"],
            order="id",
        )
        groups = {}
        for post in stored:
            groups.setdefault((post.company_id.id, post.instance), []).append(post)
        count = 0
        for (company_id, instance), posts in sorted(groups.items()):
            moves = threads.old_key_moves(
                [threads.Row(p.external_id, p.in_reply_to_external_id or None,
                             p.conversation_external_id or None, p.network_uri or None)
                 for p in posts],
                ingest.MAX_KEY_BYTES,
            )
            moving = [p for p in posts if (p.conversation_external_id or p.external_id)
                      in moves]
            if not moving:
                continue
            Post._move_conversation_keys(moving, moves, company_id, network)
            count += len(moving)
            _logger.info("Social CRM: %s Mastodon post(s) of company %s read through %s went "
                         "over from %s conversation key(s) by id to the thread's federation "
                         "URI", len(moving), company_id, instance, len(moves))
        return count

    @api.model
    def _upgrade_local_conversation_keys(self, batch_size=2000):
        """Mastodon conversations keyed by a bare local id before 19.0.1.7.1 (threads whose
        top status has no usable federation URI: OStatus era, too long a URI) take the
        instance they were read through (``services.threads.local_key``: ``<id>@<host>``):
        two instances' threads with one id were one conversation, and one ticket. The posts
        are read ``batch_size`` at a time by id (the cache emptied after each batch), each
        batch's keys moved per company and instance with one write; other addons follow
        through :meth:`_ingest_after_join_threads` (helpdesk: the ticket of the old key takes
        the new one; the crisis watch's counts move). Posts without instance (their source
        deleted before 19.0.1.6.2) stay as they are. Returns the number of posts moved. Run
        by the upgrade to 19.0.1.7.1 (``end-migration``, all addons loaded)."""
        network = self.env["social.crm.network"]._by_code().get("mastodon")
        if not network:
            return 0
        Post = self.sudo()  # sudo: the upgrade moves every company's posts
        count, last = 0, 0
        while True:
            posts = Post.search_fetch(
                [("network_id", "=", network.id), ("instance", "!=", False), ("id", ">", last)],
                ["company_id", "instance", "external_id", "conversation_external_id"],
                order="id", limit=batch_size,
            )
            if not posts:
                return count
            last = posts[-1].id
            groups = {}
            for post in posts:
                key = post.conversation_external_id or post.external_id
                if threads.needs_instance(key) and threads.local_key(key, post.instance):
                    groups.setdefault((post.company_id.id, post.instance), []).append(post)
            for (company_id, instance), moving in sorted(groups.items()):
                moves = {
                    key: threads.local_key(key, instance)
                    for key in {p.conversation_external_id or p.external_id for p in moving}
                }
                Post._move_conversation_keys(moving, moves, company_id, network)
                count += len(moving)
                _logger.info("Social CRM: %s Mastodon post(s) of company %s read through %s: "
                             "%s conversation key(s) by id now carry the instance",
                             len(moving), company_id, instance, len(moves))
            self.env.flush_all()
            self.env.invalidate_all()

    @api.model
    def _move_conversation_keys(self, posts, moves, company_id, network):
        """The upgrades' move of stored ``posts`` (sudo) to new conversation keys (``moves``:
        {old key: new key}) with one write; other addons follow through
        :meth:`_ingest_after_join_threads`."""
        self._ingest_upsert(updates=[
            (p.id, {"conversation_external_id":
                    moves[p.conversation_external_id or p.external_id]})
            for p in posts
        ])
        self.browse([p.id for p in posts])._ingest_after_join_threads(
            moves, self.env["res.company"].browse(company_id), network)

    def _ingest_after_join_threads(self, moved, company, network):
        """Hook: these stored posts (sudo) left the conversations they started for another
        one (``moved``: {old conversation key: new one}, of ``network`` in ``company``).
        Called before the new posts' :meth:`_ingest_after_create`."""
        return self
