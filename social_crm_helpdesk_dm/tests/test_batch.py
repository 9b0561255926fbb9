# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many private messages in one processing batch: each lands in its ticket's chatter as
``message_post`` would write it, in queries that grow neither with the conversations'
history nor (but for a few per ticket) with the batch (bench/dm.py measures the time)."""

from odoo.addons.social_crm.connectors import telegram
from odoo.tests import tagged

from .common import DmCase, update

CHATS = (3100001, 3100002, 3100003, 3100004, 3100005)


@tagged("post_install", "-at_install")
class TestDmBatch(DmCase):
    def deliver_round(self, first_id, per_chat=1, chats=CHATS):
        update_id = first_id
        for index in range(per_chat):
            for chat in chats:
                payload = update(update_id, f"Nachricht {index} von {chat}", chat_id=chat,
                                 username=f"kunde_{chat}", first=f"Kunde{chat}",
                                 date=1764600000 + update_id)
                self.Event.sudo()._store_events(
                    self.source, telegram.split_update(payload), "push"
                )
                update_id += 1
        return update_id

    def queries_to_process(self):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        events = self.process()
        self.env.flush_all()
        self.assertEqual(set(events.mapped("state")), {"done"})
        return self.env.cr.sql_log_count - before

    def tickets(self):
        posts = self.Post.search([("network_id", "=", self.telegram.id)])
        return {chat: posts.filtered(lambda p, c=chat: p.conversation_external_id == f"dm:{c}")
                .ticket_id for chat in CHATS}

    def customer_messages(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "Nachricht" in (m.body or "")
        ).sorted("id")

    def test_batch_writes_what_message_post_writes(self):
        self.deliver_round(100)
        self.process()
        tickets = self.tickets()
        self.assertEqual(len(set(tickets.values())), len(CHATS), "one ticket per chat")
        self.deliver_round(200, per_chat=3)
        self.process()
        note = self.env.ref("mail.mt_note")
        for chat, ticket in tickets.items():
            later = self.customer_messages(ticket)
            self.assertEqual(
                [m.body.striptags().split("Telegram, ")[0] for m in later],
                [f"Nachricht {i} von {chat}" for i in range(3)],
                "in the order the customer wrote, each in its own ticket",
            )
            partner = ticket.partner_id
            self.assertEqual(later.author_id, partner)
            self.assertEqual(later.subtype_id, note)
            # message_post of the same note now gives the values the batch gave
            reference = ticket.sudo().message_post(
                body="Referenz", author_id=partner.id, message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            for name in ("email_from", "reply_to", "record_alias_domain_id",
                         "record_company_id", "is_internal", "email_add_signature", "model"):
                self.assertEqual(later[-1][name], reference[name], name)
            self.assertEqual(reference.parent_id, later[-1])
            self.assertEqual(later[1].parent_id, later[0])
            self.assertEqual(later[2].parent_id, later[1])
            self.assertTrue(later[0].parent_id)
            conversation = ticket.social_dm_conversation_ids
            self.assertEqual(conversation.last_post_id.text, f"Nachricht 2 von {chat}")

    def test_queries_grow_neither_with_history_nor_per_message(self):
        next_id = self.deliver_round(100)
        self.process()
        next_id = self.deliver_round(next_id)
        short_history = self.queries_to_process()
        next_id = self.deliver_round(next_id, per_chat=4)
        self.process()  # four more messages of history in every ticket
        next_id = self.deliver_round(next_id)
        long_history = self.queries_to_process()
        self.assertLessEqual(abs(long_history - short_history), 2, (short_history, long_history))
        self.deliver_round(next_id, per_chat=4)
        four_each = self.queries_to_process()
        self.assertLess(four_each - short_history, 3 * len(CHATS),
                        "fewer than one query per additional message")

    def test_follower_of_internal_notes_is_still_notified(self):
        self.deliver_round(100, chats=CHATS[:2])
        self.process()
        tickets = self.tickets()
        followed, other = tickets[CHATS[0]], tickets[CHATS[1]]
        followed.sudo().message_subscribe(
            partner_ids=self.agent.partner_id.ids,
            subtype_ids=self.env.ref("mail.mt_note").ids,
        )
        self.deliver_round(200, chats=CHATS[:2])
        self.process()
        message = self.customer_messages(followed)
        self.assertIn(self.agent.partner_id, message.notification_ids.res_partner_id,
                      "a follower of internal notes is notified as message_post does")
        self.assertFalse(self.customer_messages(other).notification_ids)
