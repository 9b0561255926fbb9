# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import api, fields, models
from odoo.fields import Domain

#: a "move to private" invitation waits this long for the customer's private message
INVITATION_DAYS = 7


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    is_direct = fields.Boolean(
        string="Direct Message",
        compute="_compute_is_direct",
        store=True,
        help="A private message to the company's account (not public).",
    )

    @api.depends("conversation_external_id")
    def _compute_is_direct(self):
        for post in self:
            post.is_direct = bool((post.conversation_external_id or "").startswith("dm:"))

    # --- routing -------------------------------------------------------------------------
    def _social_existing_tickets(self):
        """Also the tickets of known private conversations, and for a new private
        conversation the open ticket of the same customer that invited them to write
        privately ("move to private") in the last days."""
        result = super()._social_existing_tickets()
        direct = self.filtered("is_direct")
        if not direct:
            return result
        # sudo: conversations are product rows, matched whatever the ingesting user reads
        conversations = self.env["social.crm.dm.conversation"].sudo().search(
            [
                ("conversation_key", "in", list({p.conversation_external_id for p in direct})),
                ("network_id", "in", direct.network_id.ids),
                ("company_id", "in", direct.company_id.ids),
                ("ticket_id", "!=", False),
            ]
        )
        for conversation in conversations:
            key = (conversation.company_id.id, conversation.network_id.id,
                   conversation.conversation_key)
            result.setdefault(key, conversation.ticket_id)
        waiting = [
            post for post in direct
            if (post.company_id.id, post.network_id.id, post._social_conversation_key())
            not in result
        ]
        if not waiting:
            return result
        since = fields.Datetime.now() - dt.timedelta(days=INVITATION_DAYS)
        people = Domain("social_identity_id", "in", [p.identity_id.id for p in waiting
                                                      if p.identity_id])
        partners = [p.partner_id.id for p in waiting if p.partner_id]
        if partners:
            people |= Domain("partner_id", "in", partners)
        # sudo: an invited ticket may be another agent's
        invited = self.env["helpdesk.ticket"].sudo().search(
            Domain("social_dm_invited_at", ">=", since)
            & Domain("social_dm_linked", "=", False)
            & Domain("stage_id.closed", "=", False)
            & Domain("company_id", "in", direct.company_id.ids)
            & people,
            order="social_dm_invited_at desc",
        )
        for post in waiting:
            ticket = invited.filtered(
                lambda t, p=post: t.company_id == p.company_id and (
                    (p.identity_id and t.social_identity_id == p.identity_id)
                    or (p.partner_id and t.partner_id == p.partner_id)
                )
            )[:1]
            if ticket:
                key = (post.company_id.id, post.network_id.id, post._social_conversation_key())
                result[key] = ticket
        return result

    def _social_route(self, automatic=True, team=None):
        tickets = super()._social_route(automatic=automatic, team=team)
        self.filtered(lambda p: p.is_direct and p.ticket_id)._dm_sync_conversations()
        return tickets

    def _dm_sync_conversations(self):
        """One conversation row per private chat: its ticket, last customer message (the
        one an answer goes to) and when it came (the networks' answer windows)."""
        # sudo: conversations are product rows, kept in sync by ingestion
        Conversation = self.env["social.crm.dm.conversation"].sudo()
        posts = self.sudo()  # sudo: see above
        existing = {
            (c.company_id.id, c.network_id.id, c.conversation_key): c
            for c in Conversation.search(
                [
                    ("conversation_key", "in", list(set(posts.mapped("conversation_external_id")))),
                    ("company_id", "in", posts.company_id.ids),
                ]
            )
        }
        linked = self.env["helpdesk.ticket"]
        updates = {}  # conversation -> values (one write per conversation and batch)
        new = {}  # key -> values of a conversation that starts in this batch (one create)
        for post in posts.sorted(lambda p: (p.posted_at, p.id)):
            key = (post.company_id.id, post.network_id.id, post.conversation_external_id)
            conversation = existing.get(key)
            if conversation:
                vals = updates.setdefault(conversation, {})
                last = vals.get("last_inbound_at", conversation.last_inbound_at)
                has_last = vals.get("last_post_id") or conversation.last_post_id
                if not has_last or not last or post.posted_at >= last:
                    vals.update({"last_post_id": post.id, "last_inbound_at": post.posted_at})
                    if not conversation.ticket_id and post.ticket_id:
                        vals["ticket_id"] = post.ticket_id.id
                continue
            if key in new:  # sorted by date: a later message of the new conversation
                new[key].update({"last_post_id": post.id, "last_inbound_at": post.posted_at})
                new[key]["ticket_id"] = new[key]["ticket_id"] or post.ticket_id.id
                continue
            new[key] = {
                "company_id": post.company_id.id,
                "network_id": post.network_id.id,
                "source_id": post.source_id.id or False,
                "conversation_key": post.conversation_external_id,
                "identity_id": post.identity_id.id or False,
                "ticket_id": post.ticket_id.id,
                "last_post_id": post.id,
                "last_inbound_at": post.posted_at,
            }
            if post.ticket_id.social_conversation_key != post.conversation_external_id:
                linked |= post.ticket_id
        for conversation, vals in updates.items():
            if vals:
                conversation.write(vals)
        if new:
            Conversation.create(list(new.values()))
        linked._dm_note_linked()
