# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SocialCrmPost(models.Model):
    """Posts of the company's own accounts (``social.crm.account`` handles and ids, and the
    listening sources' own account ids): in a conversation with a ticket they are the company's
    replies, written in the network's app; they never open a ticket."""

    _inherit = "social.crm.post"

    def _social_company_keys(self):
        """{(company id, network id): (ids, handles)} of the company's own accounts."""
        keys = {}
        pairs = {(p.company_id.id, p.network_id.id) for p in self}
        if not pairs:
            return keys
        company_ids = list({c for c, _n in pairs})
        network_ids = list({n for _c, n in pairs})
        # sudo: accounts hold credentials (managers only); only their handles are compared
        accounts = self.env["social.crm.account"].sudo().search(
            [("company_id", "in", company_ids), ("network_id", "in", network_ids)]
        )
        # sudo: sources hold credentials (managers only); only their accounts are compared
        sources = self.env["social.crm.source"].sudo().with_context(active_test=False).search(
            [("company_id", "in", company_ids), ("network_id", "in", network_ids),
             ("account_id", "!=", False)]
        )
        for record in accounts:
            ids, handles = keys.setdefault((record.company_id.id, record.network_id.id),
                                           (set(), set()))
            if record.account_id:
                ids.add(record.account_id)
            if record.handle:
                handles.add(record.handle.strip().lstrip("@").lower())
        for source in sources:
            ids, _handles = keys.setdefault((source.company_id.id, source.network_id.id),
                                            (set(), set()))
            ids.add(source.account_id)
        return keys

    def _social_company_posts(self):
        """The posts of these written by the company's own accounts."""
        keys = self._social_company_keys()

        def own(post):
            ids, handles = keys.get((post.company_id.id, post.network_id.id), ((), ()))
            handle = (post.author_handle or "").strip().lstrip("@").lower()
            return bool(
                (post.author_external_id and post.author_external_id in ids)
                or (handle and handle in handles)
            )

        return self.filtered(own)

    def _social_route(self, automatic=True, team=None):
        # sudo: the company's own posts are known by its accounts, which agents cannot read
        own = self.filtered(lambda p: not p.ticket_id).sudo()._social_company_posts()
        if not own:
            return super()._social_route(automatic=automatic, team=team)
        own = self.browse(own.ids)
        tickets = super(SocialCrmPost, self - own)._social_route(automatic=automatic, team=team)
        existing = own._social_existing_tickets()
        for post in own.sorted(lambda p: (p.posted_at, p.id)):
            ticket = existing.get(
                (post.company_id.id, post.network_id.id, post._social_conversation_key())
            )
            if ticket:
                ticket._social_add_posts(post)
                tickets |= ticket
        return tickets
