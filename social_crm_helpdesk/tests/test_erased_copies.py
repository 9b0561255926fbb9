# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The title of a social ticket is a preview of the customer's post. When the post is erased on
request or deleted on the network, the title is replaced, and so is every copy of the old title
the product or Odoo made: the alert in the team's channel, the escalation to-do, the record name
of the ticket's messages (the agents' inboxes)."""

import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.tests import tagged

from .common import ArrivalCase

WORDS = "Router"  # in the complaint's text, so in the ticket's title


@tagged("post_install", "-at_install")
class TestErasedCopies(ArrivalCase):
    def escalate(self, at):
        with freeze_time(at), patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.env["helpdesk.ticket"]._cron_social_escalate()
        self.env.invalidate_all()

    def copies(self, ticket):
        """Every text quoting the ticket outside its own fields."""
        alerts = self.channel_messages().filtered(
            lambda m: f"{ticket.id}" in str(m.body or "") and "helpdesk.ticket" in str(m.body))
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        return alerts, activities, messages

    def quotes(self, ticket, words):
        alerts, activities, messages = self.copies(ticket)
        # the e-mails of the notifications waiting in the queue (or failed) copy the
        # message's subject and body
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        texts = [str(m.body) for m in alerts] + [
            f"{a.summary} {a.note}" for a in activities] + [
            f"{m.record_name or ''} {m.subject or ''}" for m in messages] + [
            f"{m.subject or ''} {m.body_html or ''}" for m in mails]
        return [t for t in texts if words in t]

    def test_erasure_replaces_the_old_title_in_alerts_todos_and_inboxes(self):
        post = self.critic_post("erc-1", minutes_ago=0)
        ticket = post.ticket_id
        self.assertIn(WORDS, ticket.name)
        self.escalate(fields.Datetime.now() + dt.timedelta(minutes=10))
        alerts, activities, messages = self.copies(ticket)
        self.assertTrue(alerts, "the influencer's complaint was alerted in the channel")
        self.assertTrue(activities, "the escalation made a to-do")
        self.assertTrue(messages.filtered("record_name"), "the inboxes name the ticket")
        # served probe: the assignment ("You have been assigned to HT… - <name>: <post>") kept
        # the customer's name and words in its subject and in the e-mail queued for the agent
        self.assertTrue(messages.filtered(lambda m: WORDS in (m.subject or "")),
                        "a subject quotes the title")
        self.assertTrue(self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", messages.ids)]), "an e-mail waits in the queue")
        self.assertTrue(self.quotes(ticket, WORDS), "the copies quote the post before")
        post.partner_id.sudo()._social_erase()
        self.assertNotIn(WORDS, ticket.name)
        self.assertEqual(self.quotes(ticket, WORDS), [])
        alerts, activities, _messages = self.copies(ticket)
        self.assertTrue(alerts and activities, "the copies stay, with the new title")
        self.assertIn(ticket.name, str(alerts[:1].body))

    def test_deletion_on_the_network_replaces_the_old_title(self):
        post = self.critic_post("1990000000000000501", minutes_ago=0)
        ticket = post.ticket_id
        self.assertTrue(self.quotes(ticket, WORDS))
        # the author deletes the post on X: the Account Activity API's tweet_delete_events
        stamp = dt.datetime.now(dt.UTC)
        body = {"for_user_id": "1440000000000000000", "tweet_delete_events": [
            {"status": {"id": post.external_id, "user_id": post.author_external_id},
             "timestamp_ms": str(int(stamp.timestamp() * 1000))}]}
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            self.x_source, connector_events.split_x_activity(body), "push"))
        events._process()
        self.env.invalidate_all()
        self.assertFalse(post.exists())
        self.assertNotIn(WORDS, ticket.name)
        self.assertEqual(self.quotes(ticket, WORDS), [])

    def contact_note_quotes(self, partner, words):
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)])
        return [m for m in notes if words in str(m.body or "")]

    def question_with_decision(self, ext):
        """A question (no ticket) an agent marks as no complaint: the note goes to the
        contact, with a preview of the post."""
        author = self.make_author(f"q-{ext}", f"frager_{ext}", "Frieda Frager")
        post = self.ingest(self.make_post(
            ext, author, text="@acme Wie stelle ich den Router auf 5 GHz um?", lang="de"))
        self.assertFalse(post.ticket_id)
        post.with_user(self.agent).action_not_complaint()
        self.assertTrue(self.contact_note_quotes(post.partner_id, WORDS))
        return post

    def test_erasure_replaces_the_previews_in_the_contacts_notes(self):
        post = self.question_with_decision("erc-3")
        partner = post.partner_id
        partner.sudo()._social_erase()
        self.assertFalse(post.exists())
        self.assertEqual(self.contact_note_quotes(partner, WORDS), [])
        self.assertTrue(self.contact_note_quotes(partner, "not a complaint"),
                        "who decided stays")

    def test_deletion_replaces_the_previews_in_the_contacts_notes(self):
        post = self.question_with_decision("1990000000000000502")
        partner = post.partner_id
        body = {"for_user_id": "1440000000000000000", "tweet_delete_events": [
            {"status": {"id": post.external_id, "user_id": post.author_external_id},
             "timestamp_ms": str(int(dt.datetime.now(dt.UTC).timestamp() * 1000))}]}
        Event = self.env["social.crm.event"]
        Event.browse(Event._store_events(
            self.x_source, connector_events.split_x_activity(body), "push"))._process()
        self.env.invalidate_all()
        self.assertFalse(post.exists())
        self.assertEqual(self.contact_note_quotes(partner, WORDS), [])
        self.assertTrue(self.contact_note_quotes(partner, "[deleted by its author"))
