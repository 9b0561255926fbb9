# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Look-ups of authors without an identity (a source that keeps posts without creating
contacts, a match waiting for review) whose look-up on arrival failed: their posts remember
when to ask again (``author_lookup_at``), and the enrichment job asks then, as it does for
identities; the answer is stored on the posts (``author_followers_count``) and handed to
:meth:`_after_author_counts_looked_up` (helpdesk: the tickets are ranked by it)."""

import datetime as dt
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

from ..connectors import base as connector_base
from ..connectors import lookup
from ..services import enrich

_logger = logging.getLogger(__name__)

AUTHOR_CRON_LIMIT = 500  # posts read per run of the enrichment job
#: a look-up that keeps failing (not a rate limit) is given up for posts older than this: the
#: author's reach matters while the posts are news
AUTHOR_LOOKUP_MAX_AGE = dt.timedelta(days=2)


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model
    def _unlinked_author_posts(self, company, network, external_ids):
        """The company's posts without identity of these authors of ``network`` (sudo: the
        product's own look-up, whoever ingested them)."""
        return self.sudo().search(
            Domain("company_id", "=", company.id)
            & Domain("network_id", "=", network.id)
            & Domain("author_external_id", "in", sorted(external_ids))
            & Domain("identity_id", "=", False)
        )

    @api.model
    def _enrich_authors_wait(self, company, network, external_ids, retry_at):
        """The look-up on arrival of these authors without identity failed: their posts are
        looked up by the enrichment job at ``retry_at``."""
        posts = self._unlinked_author_posts(company, network, external_ids)
        if posts:
            posts.write({"author_lookup_at": retry_at})
        return posts

    @api.model
    def _enrich_authors_due(self, limit=AUTHOR_CRON_LIMIT):
        """The enrichment job's part for authors without identity whose look-up is due: one
        look-up per company and network (the network's batches), their posts take the
        followers found; a rate limit postpones them to its reset, another fault to
        ``enrich.ERROR_RETRY`` while the posts are younger than ``AUTHOR_LOOKUP_MAX_AGE``."""
        now = fields.Datetime.now()
        due = self.sudo().search(
            Domain("author_lookup_at", "<=", now) & Domain("identity_id", "=", False),
            order="author_lookup_at, id", limit=limit,
        )
        # demo posts: their authors exist on no network
        demo = due._social_demo_posts()
        if demo:
            demo.write({"author_lookup_at": False})
            due -= demo
        Identity = self.env["social.crm.identity"]
        looked_up = self.sudo().browse()
        for (company, network), posts in due.grouped(
            lambda p: (p.company_id, p.network_id)
        ).items():
            handles = {}
            for post in posts:
                if post.author_external_id:
                    handles.setdefault(post.author_external_id, post.author_handle or None)
            mine = self._unlinked_author_posts(company, network, handles)
            if not handles or not lookup.can_lookup(network.code or ""):
                mine.write({"author_lookup_at": False})
                continue
            wanted = [lookup.Wanted(ext, ext, handle) for ext, handle in handles.items()]
            answered, found, retry_at = set(), {}, None
            try:
                config = Identity._enrich_config(company, network)
                for batch in lookup.lookup(network.code, wanted, config):
                    for profile in batch:
                        answered.add(profile.key)
                        author = profile.author
                        if profile.status == lookup.FOUND and author is not None \
                                and author.followers_count is not None:
                            found[profile.key] = author.followers_count
            except connector_base.RateLimitError as exc:
                retry_at = enrich.rate_limit_resume(exc.reset_at, now)
                _logger.info("Social CRM: author look-ups on %s paused until %s: %s",
                             network.code, retry_at, exc)
            except connector_base.ConnectorError as exc:
                retry_at = now + enrich.ERROR_RETRY
                _logger.info("Social CRM: author look-ups on %s for %s failed: %s",
                             network.code, company.name, exc)
            by_followers = defaultdict(list)
            later, given_up = [], []
            for post in mine:
                key = post.author_external_id
                if key in found:
                    by_followers[found[key]].append(post.id)
                elif key in answered or not retry_at:
                    given_up.append(post.id)  # gone, suspended...: nothing to rank by
                elif (post.fetched_at or now) + AUTHOR_LOOKUP_MAX_AGE < retry_at:
                    given_up.append(post.id)
                else:
                    later.append(post.id)
            for followers, ids in by_followers.items():
                changed = mine.browse(ids)
                changed.write({"author_followers_count": followers, "author_lookup_at": False})
                looked_up |= changed
            if given_up:
                mine.browse(given_up).write({"author_lookup_at": False})
            if later:
                mine.browse(later).write({"author_lookup_at": retry_at})
                self.env.ref("social_crm.ir_cron_social_crm_enrich").sudo()._trigger(
                    at=retry_at)
        if looked_up:
            looked_up._after_author_counts_looked_up()
        return looked_up

    def _after_author_counts_looked_up(self):
        """Hook: a look-up just stored the followers of the authors of these posts (sudo),
        authors without identity (helpdesk: their open tickets are ranked and counted by
        them)."""
        return True
