# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company's answers outlive the customer's post deleted on the network: the reply (text,
agent, network, ticket, company, the network's id and URL, when it was sent) stays, says that
the post it answered was deleted, and the ticket's reaction-time figures do not move. A reply
still waiting in the outbox is cancelled with the reason, never sent. A privacy erasure still
erases every reply of the person; a user's delete of a post in Odoo takes its replies as
before."""

from odoo.tests import tagged

from .test_network_deletes import OPENER, NetworkDeleteCase

X_TWEETS = "https://api.twitter.com/2/tweets"
ANSWER = "1990000000000000901"
QUESTION = "1990000000000000111"


@tagged("post_install", "-at_install")
class TestKeptReplies(NetworkDeleteCase):
    def answered(self, text="@karl_k Das tut uns leid, wir kümmern uns sofort."):
        """Karl's complaint, answered from its ticket and sent on X (the API's answer)."""
        post = self.opener()
        ticket = post.ticket_id
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {
            "id": ANSWER, "text": text, "edit_history_tweet_ids": [ANSWER]}})
        self.open_wizard(ticket, text).action_send()
        self.run_sender()
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "sent")
        return post, ticket, reply

    def kpis(self, ticket):
        report = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        return {
            "first_reply_at": ticket.social_first_reply_at,
            "channel": ticket.social_first_reply_channel,
            "met": ticket.social_deadline_met,
            "state": ticket.social_deadline_state,
            "report": report.read(
                ["ticket_count", "first_reply_at", "reaction_minutes", "deadline_met_rate"]),
        }

    def test_sent_reply_survives_the_deletion_of_the_post_it_answered(self):
        post, ticket, reply = self.answered()
        sent_at = reply.sent_at
        before = self.kpis(ticket)
        self.assertTrue(before["first_reply_at"])
        self.assertEqual(before["channel"], "odoo")

        self.x_delete(OPENER)
        self.assertFalse(post.exists())
        self.assertTrue(reply.exists(), "the company's own answer is the company's record")
        self.assertEqual(reply.state, "sent")
        self.assertEqual(reply.text, "@karl_k Das tut uns leid, wir kümmern uns sofort.")
        self.assertEqual(reply.external_id, ANSWER)
        self.assertEqual(reply.url, f"https://x.com/i/web/status/{ANSWER}")
        self.assertEqual(reply.sent_at, sent_at)
        self.assertEqual(reply.user_id, self.agent)
        self.assertEqual(reply.ticket_id, ticket)
        self.assertEqual(reply.company_id, self.company)
        self.assertEqual(reply.network_id, self.x)
        # it says which post it answered, and that the post was deleted on the network
        self.assertFalse(reply.post_id)
        self.assertEqual(reply.post_external_id, OPENER)
        self.assertTrue(reply.post_deleted_at)
        self.assertEqual(ticket.social_reply_ids, reply)
        # the agent still sees it in the ticket's list (read as the agent)
        self.assertEqual(ticket.with_user(self.agent).social_reply_ids.external_id, ANSWER)
        # the reaction-time figures are those of before
        self.assertEqual(self.kpis(ticket), before)
        # nothing more goes out
        requests = len(self.net.requests)
        self.run_sender()
        self.assertEqual(len(self.net.requests), requests)

    def test_queued_reply_is_cancelled_with_the_reason(self):
        post = self.opener()
        ticket = post.ticket_id
        self.open_wizard(ticket, "@karl_k Wir melden uns per DM.").action_send()
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "queued")

        self.x_delete(OPENER)
        self.assertTrue(reply.exists())
        self.assertEqual(reply.state, "cancelled")
        self.assertIn("a public reply is no longer possible", reply.error_message)
        self.assertTrue(reply.post_deleted_at)
        self.assertFalse(reply.sent_at)
        self.run_sender()
        self.assertFalse(self.net.requests)
        self.assertEqual(reply.state, "cancelled")
        self.assertFalse(ticket.social_first_reply_at)
        # no Retry: nothing is left to answer publicly
        with self.assertRaisesRegex(Exception, "was deleted on the network"):
            reply.with_user(self.agent).action_retry()
        self.assertEqual(reply.state, "cancelled")

    def test_reply_being_sent_is_never_shown_as_sent(self):
        """The author deletes the post while the sender holds the reply: the network may
        or may not have taken it, Odoo cannot know; the reply says so (failed, check on the
        network), never sent."""
        post = self.opener()
        ticket = post.ticket_id
        self.open_wizard(ticket, "@karl_k Wir sind dran.").action_send()
        reply = ticket.social_reply_ids
        item, _recovering = self.env["social.crm.outbox"]._claim_next()
        self.assertEqual(item.state, "sending")
        self.x_delete(OPENER)
        self.assertTrue(reply.exists())
        self.assertEqual(reply.state, "failed")
        self.assertIn("it may have been published anyway. Check on X", reply.error_message)
        self.assertFalse(reply.sent_at)
        # the agent learns it on the ticket: a note with the reply and the reason
        notes = self.being_sent_notes(ticket, "@karl_k Wir sind dran.")
        self.assertEqual(len(notes), 1, "one note on the ticket")
        self.assertIn("not confirmed", notes.body)
        self.assertIn("it may have been published anyway. Check on X", notes.body)

    def being_sent_notes(self, ticket, text):
        return self.env["mail.message"].search([
            ("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id),
            ("body", "ilike", text),
        ])

    def test_reply_being_sent_note_in_the_companys_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "de_DE"
        post = self.opener()
        ticket = post.ticket_id
        # the company's staff reads German (the notes on a ticket are in its agent's language)
        (ticket.user_id | ticket.team_id.user_ids | ticket.team_id.user_id).lang = "de_DE"
        self.open_wizard(ticket, "@karl_k Wir kümmern uns.").action_send()
        reply = ticket.social_reply_ids
        self.env["social.crm.outbox"]._claim_next()
        self.x_delete(OPENER)
        self.assertEqual(reply.state, "failed")
        notes = self.being_sent_notes(ticket, "@karl_k Wir kümmern uns.")
        self.assertEqual(len(notes), 1)
        self.assertIn("nicht bestätigt", notes.body)
        self.assertIn("trotzdem veröffentlicht", notes.body)

    def test_reply_being_sent_note_in_the_agents_language(self):
        """An English company, a German agent: the note of the deletion (the job runs in
        English) is the agent's German, its reason too. Before: the company's English."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "en_US"
        post = self.opener()
        ticket = post.ticket_id
        self.assertTrue(ticket.user_id)
        ticket.user_id.lang = "de_DE"
        self.open_wizard(ticket, "@karl_k Wir kümmern uns.").action_send()
        reply = ticket.social_reply_ids
        self.env["social.crm.outbox"]._claim_next()
        self.x_delete(OPENER)
        self.assertEqual(reply.state, "failed")
        notes = self.being_sent_notes(ticket, "@karl_k Wir kümmern uns.")
        self.assertEqual(len(notes), 1)
        self.assertIn("nicht bestätigt", notes.body)
        self.assertIn("trotzdem veröffentlicht", notes.body)
        self.assertNotIn("not confirmed", notes.body)
        # the reply's own reason (read by whoever opens the reply) stays the company's
        self.assertIn("it may have been published anyway", reply.error_message)

    def test_wizard_answers_the_post_left_with_a_new_reply(self):
        """The agent's reply to the opener is cancelled by its deletion while the wizard is
        still open; the agent answers Karl's other post from the same wizard: a new reply,
        the cancelled one stays as the record of what was not sent."""
        opener = self.opener()
        ticket = opener.ticket_id
        follow_up = self.follow_up()
        self.assertEqual(follow_up.ticket_id, ticket)
        wizard = self.open_wizard(ticket, "@karl_k Das tut uns leid!")
        wizard.post_id = opener
        wizard.action_send()
        first = wizard.reply_id
        self.x_delete(OPENER)
        self.assertEqual(first.state, "cancelled")
        wizard.post_id = follow_up
        wizard.action_send()
        second = wizard.reply_id
        self.assertNotEqual(second, first)
        self.assertEqual(second.post_id, follow_up)
        self.assertEqual(second.state, "queued")
        self.assertFalse(second.post_deleted_at)
        self.assertEqual(first.state, "cancelled")
        self.assertFalse(first.post_id)
        self.assertEqual(first.post_external_id, OPENER)
        self.assertEqual(ticket.social_reply_ids, first | second)

    def test_reply_being_sent_in_german(self):
        """The same in a German company: the product writes in the company's language."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "de_DE"
        post = self.opener()
        self.open_wizard(post.ticket_id, "@karl_k Wir sind dran.").action_send()
        reply = post.ticket_id.social_reply_ids
        self.env["social.crm.outbox"]._claim_next()
        self.x_delete(OPENER)
        self.assertEqual(reply.state, "failed")
        self.assertIn("Sie wurde vielleicht trotzdem veröffentlicht. Prüfen Sie es auf X",
                      reply.error_message)

    def test_inbox_reply_survives_with_its_company(self):
        """An answer from the Social Inbox (no ticket) keeps its company: the agents of the
        company still see it."""
        question = self.ingest(self.make_post(
            QUESTION, self.karl(), text="@acme Wann habt ihr morgen geöffnet?", lang="de"))
        self.assertFalse(question.ticket_id)
        action = question.with_user(self.user).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.user).browse(action["res_id"])
        wizard.text = "@karl_k Morgen von 9 bis 18 Uhr."
        wizard.action_send()
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {
            "id": ANSWER, "text": wizard.text, "edit_history_tweet_ids": [ANSWER]}})
        self.run_sender()
        reply = self.env["social.crm.reply"].search([("external_id", "=", ANSWER)])
        self.assertEqual(reply.state, "sent")

        self.x_delete(QUESTION)
        self.assertFalse(question.exists())
        self.assertTrue(reply.exists())
        self.assertEqual(reply.company_id, self.company)
        self.assertEqual(reply.network_id, self.x)
        self.assertEqual(reply.post_external_id, QUESTION)
        self.assertEqual(
            self.env["social.crm.reply"].with_user(self.user).search(
                [("external_id", "=", ANSWER)]), reply)

    def test_erasure_still_erases_the_replies_kept(self):
        """A reply kept after the network deletion is still the person's data for a privacy
        erasure: on a ticket and from the Social Inbox."""
        _post, ticket, reply = self.answered()
        question = self.ingest(self.make_post(
            QUESTION, self.karl(), text="@acme Wann habt ihr morgen geöffnet?", lang="de"))
        action = question.with_user(self.user).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.user).browse(action["res_id"])
        wizard.text = "@karl_k Morgen von 9 bis 18 Uhr."
        wizard.action_send()
        inbox_reply = question.social_reply_ids
        self.assertTrue(inbox_reply)
        partner = question.partner_id
        self.assertTrue(partner)
        self.x_delete(OPENER)
        self.x_delete(QUESTION)
        self.assertTrue(reply.exists())
        self.assertTrue(inbox_reply.exists())
        self.assertEqual(inbox_reply.state, "cancelled")

        exported = partner.sudo()._social_export_data()
        self.assertEqual(
            sorted(r["text"] for r in exported["replies"]),
            ["@karl_k Das tut uns leid, wir kümmern uns sofort.",
             "@karl_k Morgen von 9 bis 18 Uhr."])
        partner.sudo()._social_erase()
        self.assertFalse(reply.exists())
        self.assertFalse(inbox_reply.exists())
        self.assertTrue(ticket.exists())

    def test_user_delete_in_odoo_takes_the_replies_as_before(self):
        """A user who deletes a post in Odoo deletes what was written about it (the choice
        of before): only a deletion on the network keeps the company's answers."""
        post, _ticket, reply = self.answered()
        post.unlink()
        self.assertFalse(reply.exists())
