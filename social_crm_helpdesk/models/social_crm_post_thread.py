# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A reply stored before its parent (Mastodon) joins the parent's conversation when the parent
arrives (``social_crm``'s ``_ingest_join_waiting_replies``): its ticket follows.

A ticket is keyed by its conversation (``social_conversation_key``, one ticket per
conversation). The ticket of the conversation the reply started, which an agent may already
work on, is never closed, moved or emptied:

* the parent's conversation has no ticket: the reply's ticket takes its key (the parent and
  the later posts of the conversation go to it, as to any conversation's ticket);
* it has one: the reply's ticket is marked as its duplicate (helpdesk_mgmt's
  ``duplicate_id``: the later posts go to the conversation's ticket, as for any duplicate),
  and both tickets get a note naming the other.

Posts of the joining thread without a ticket go to the chatter of the conversation's ticket
as its later posts would."""

from markupsafe import Markup

from odoo import models

from .helpdesk_ticket_guard import product_env


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _ingest_after_join_threads(self, moved, company, network):
        result = super()._ingest_after_join_threads(moved, company, network)
        # sudo: a conversation's ticket may be another agent's; the product keys it
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        tickets = Ticket.search([
            ("company_id", "=", company.id),
            ("social_network_id", "=", network.id),
            ("social_conversation_key", "in", sorted(set(moved) | set(moved.values()))),
        ])
        by_key = {t.social_conversation_key: t for t in tickets}
        joined = {}  # the reply's ticket -> the conversation's (original) ticket
        for old, new in moved.items():
            waiting = by_key.get(old)
            target = by_key.get(new)
            if waiting and not target:
                product_env(waiting).write({"social_conversation_key": new})
                by_key[new] = waiting
            elif waiting and target:
                original = target.duplicate_id or target
                if waiting != original:
                    joined[waiting] = original
        if joined:
            for waiting, original in joined.items():
                waiting.write({"duplicate_id": original.id})
            self._social_note_joined_tickets(joined)
        follow_ups = {}
        for post in self.sudo().filtered(lambda p: not p.ticket_id):
            ticket = by_key.get(post.conversation_external_id)
            if ticket:
                ticket = ticket.duplicate_id or ticket
                follow_ups[ticket] = follow_ups.get(ticket, post.browse()) | post
        if follow_ups:
            Ticket._social_add_posts_batch(follow_ups)
        return result

    def _social_note_joined_tickets(self, joined):
        """A note on both tickets of each ``{reply's ticket: conversation's ticket}``, each in
        the language of whom reads that ticket (``helpdesk.ticket._social_reader_lang``)."""
        bodies = {}
        for ticket, original in joined.items():
            words = self.with_context(lang=ticket._social_reader_lang()).env
            bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                "This ticket's post answers a post of the conversation of ticket "
                "%(ticket)s, which arrived after it: the conversation goes on in that "
                "ticket (this one is marked as its duplicate).",
                ticket=original.display_name,
            )
            words = self.with_context(lang=original._social_reader_lang()).env
            bodies[original.id] = bodies.get(original.id, Markup()) + Markup(
                "<p>%s</p>") % words._(
                "Ticket %(ticket)s was opened for a reply in this conversation that "
                "arrived before the post it answers: it is marked as a duplicate of "
                "this ticket.",
                ticket=ticket.display_name,
            )
        self.env["helpdesk.ticket"].sudo().browse(list(bodies))._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id, message_type="comment"
        )
