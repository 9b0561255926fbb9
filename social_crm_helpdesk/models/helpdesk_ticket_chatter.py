# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customers' later messages in the chatter of their tickets, many tickets at once.

``message_post`` costs a dozen queries per message, and one of them reads up to 200 messages
of the ticket to find the parent: a busy private conversation made each new message slower.
:meth:`HelpdeskTicket._social_post_chatter` writes the same messages (same author, parent,
reply-to, company, subtype, redaction) in a few queries per batch. A ticket whose message
would do more than store it (a follower subscribed to internal notes, an out-of-office
assignee, an internal user as author, data to redact in the note) gets ``message_post`` as
before, so nobody loses a notification or an automatic answer.

The creation message of the tickets the product opens (mail.thread's "Ticket created",
helpdesk_mgmt's subtype) goes the same way: :meth:`HelpdeskTicket._social_log_creation`.
"""

from odoo import models
from odoo.tools import SQL, email_split

#: message_post looks for the parent among this many latest messages of the thread
PARENT_WINDOW = 200


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _social_post_chatter(self, entries, message_type="comment", subtype_id=None):
        """``entries``: ``[(ticket, author partner id, body Markup)]`` in posting order; each
        as ``ticket.message_post(body=body, author_id=author, message_type=message_type,
        subtype_id=subtype_id)`` (by default a comment as an internal note). Returns the
        messages created."""
        # sudo: the product writes the notes of ingestion, whoever ingested
        Message = self.env["mail.message"].sudo()
        if not entries:
            return Message
        subtype_id = subtype_id or self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        tickets = self.browse(list(dict.fromkeys(ticket.id for ticket, _a, _b in entries)))
        slow = tickets._social_chatter_needs_post(entries, message_type, subtype_id)
        messages = Message
        for ticket, author_id, body in entries:
            if ticket in slow:
                # sudo: the product's note on a ticket the ingesting user may not write
                messages |= ticket.sudo().message_post(
                    body=body,
                    author_id=author_id,
                    message_type=message_type,
                    subtype_id=subtype_id,
                )
        fast = [entry for entry in entries if entry[0] not in slow]
        if fast:
            messages |= (tickets - slow)._social_chatter_create(fast, message_type, subtype_id)
        return messages

    def _social_chatter_needs_post(self, entries, message_type="comment", subtype_id=None):
        """The tickets of ``self`` whose messages must go through ``message_post``: a
        follower is subscribed to the subtype (a notification to send), data to redact; for
        a comment also an internal author (the answered hand-off, the author's subscription)
        or an out-of-office assignee or parent author (the automatic answer)."""
        # sudo: followers, reply-to and parents of tickets the ingesting user may not read
        tickets = self.sudo()
        slow = self.browse()
        subtype_id = subtype_id or self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        # sudo: followers of the tickets, whatever the user may read
        followers = self.env["mail.followers"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", tickets.ids),
                ("subtype_ids", "in", [subtype_id]),
            ]
        )
        slow |= self.browse(set(followers.mapped("res_id")))
        if message_type != "comment":
            # message_post answers out of office and subscribes authors for comments only,
            # and the hand-off hook (_message_post_after_hook) follows comments only
            for ticket, _author_id, body in entries:
                if ticket not in slow and ticket._social_pii_redact_text(body)[1]:
                    slow |= ticket
            return slow
        # sudo: the authors' users decide the path, whatever the user may read
        authors = self.env["res.partner"].sudo().browse({a for _t, a, _b in entries})
        internal = set(authors.filtered(lambda p: p.user_ids.filtered(lambda u: not u.share)).ids)
        parents = tickets._social_chatter_parents()
        # sudo: parent messages of tickets the user may not read
        parent_authors = self.env["mail.message"].sudo().browse(
            [p for p in parents.values() if p]
        ).author_id
        away = (tickets.user_id | parent_authors.user_ids).filtered(
            lambda u: not u.share and u.is_out_of_office
        )
        for ticket, author_id, body in entries:
            if ticket in slow:
                continue
            # sudo: see above
            parent = self.env["mail.message"].sudo().browse(parents.get(ticket.id) or [])
            if (
                author_id in internal
                # sudo: the ticket's agent, whatever the user may read
                or ticket.sudo().user_id in away
                or (parent.author_id.user_ids & away)
                or ticket._social_pii_redact_text(body)[1]
            ):
                slow |= ticket
        return slow

    def _social_chatter_parents(self):
        """{ticket id: the message ``message_post`` would take as parent, or False} (one
        query: the latest comment or e-mail among the thread's latest messages, else the
        latest message)."""
        if not self:
            return {}
        self.env["mail.message"].flush_model(["model", "res_id", "message_type", "date"])
        rows = self.env.execute_query(
            SQL(
                """SELECT t.id,
                          (SELECT m.id
                             FROM (SELECT id, message_type, date, create_date
                                     FROM mail_message
                                    WHERE model = %(model)s AND res_id = t.id
                                      AND message_type != 'user_notification'
                                 ORDER BY date DESC, id DESC
                                    LIMIT %(window)s) AS m
                         ORDER BY m.message_type IN ('comment', 'email') DESC,
                                  COALESCE(m.date, m.create_date) DESC, m.id DESC
                            LIMIT 1)
                     FROM unnest(%(ids)s::int[]) AS t(id)""",
                model=self._name,
                ids=self.ids,
                window=PARENT_WINDOW,
            )
        )
        return dict(rows)

    def _social_chatter_create(self, entries, message_type="comment", subtype_id=None):
        """Create the messages of ``entries`` with the values ``message_post`` gives them: one
        ``create`` per round (the n-th message of every ticket; its parent is the one before)."""
        # sudo: the product writes the notes of ingestion (as message_post would, in bulk)
        tickets = self.sudo()
        subtype_id = subtype_id or self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        alias_domains = tickets._mail_get_alias_domains(default_company=self.env.company)
        companies = tickets._mail_get_companies(default=self.env.company)
        # the reply-to address of each ticket (its team's alias, the catchall), named after
        # the author as _notify_get_reply_to does; the author's address when there is none
        addresses = {
            ticket_id: (email_split(value) or [False])[0] if value else False
            for ticket_id, value in tickets._notify_get_reply_to(default=False).items()
        }
        parents = tickets._social_chatter_parents()
        # sudo: the authors' names and users, whatever the user may read
        authors = self.env["res.partner"].sudo().browse({a for _t, a, _b in entries})
        senders = {
            author.id: self.env["mail.thread"]._message_compute_author(author.id, None)[1]
            for author in authors
        }
        rounds = []
        seen = {}
        for ticket, author_id, body in entries:
            index = seen.get(ticket.id, 0)
            seen[ticket.id] = index + 1
            if index == len(rounds):
                rounds.append([])
            address = addresses.get(ticket.id)
            rounds[index].append(
                {
                    "author_id": author_id,
                    "author_guest_id": False,
                    "email_from": senders[author_id],
                    "model": self._name,
                    "res_id": ticket.id,
                    "body": body,
                    "message_type": message_type,
                    "subject": False,
                    "subtype_id": subtype_id,
                    "partner_ids": [],
                    "incoming_email_to": False,
                    "incoming_email_cc": False,
                    "outgoing_email_to": False,
                    "email_add_signature": True,
                    "attachment_ids": [],
                    "record_alias_domain_id": alias_domains[ticket.id].id,
                    "record_company_id": companies[ticket.id].id,
                    "reply_to": (
                        tickets._notify_get_reply_to_formatted_email(address, author_id=author_id)
                        if address
                        else senders[author_id]
                    ),
                }
            )
        # sudo: messages are created as message_post does for the product
        messages = self.env["mail.message"].sudo()
        for values_list in rounds:
            for values in values_list:
                values["parent_id"] = parents.get(values["res_id"]) or False
            created = tickets._message_create(values_list)
            for values, message in zip(values_list, created, strict=True):
                parents[values["res_id"]] = message.id
            messages |= created
        return messages
