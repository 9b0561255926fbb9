# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts their authors delete on the network, on the helpdesk side, through the real path:
the deletion arrives as the network sends it (X Account Activity ``tweet_delete_events``,
Mastodon streaming ``delete``), is stored as an event and processed by
``social.crm.event._process``. The ticket stays for the statistics without the deleted words;
a note says what happened; the clock stops only when no post of the customer is left; a reply
still queued is cancelled, never sent."""

import datetime as dt
import json
from unittest.mock import patch

from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors import mastodon
from odoo.fields import Domain
from odoo.tests import tagged

from .common import SocialHelpdeskCase
from .test_edits import GRUMBLE, HOST, mastodon_status

OPENER = "1990000000000000101"
FOLLOW_UP = "1990000000000000102"
FOLLOW_UP_TEXT = "@acme Immer noch kein Internet, zweiter Tag ohne Antwort. Unfassbar!"


class NetworkDeleteCase(SocialHelpdeskCase):
    """Deliveries of deletions as the networks send them, and the helpers of their tests."""

    # --- the deletion as the network sends it ------------------------------------------------
    def x_delete(self, tweet_id, user_id="a-karl", minutes_ago=1):
        """Deliver ``tweet_delete_events`` (the Account Activity API's shape) and process."""
        stamp = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
        body = {"for_user_id": "1440000000000000000", "tweet_delete_events": [
            {"status": {"id": tweet_id, "user_id": user_id},
             "timestamp_ms": str(int(stamp.timestamp() * 1000))}]}
        return self.deliver(self.x_source, connector_events.split_x_activity(body), "push")

    def mastodon_delete(self, status_id):
        message = json.dumps({"stream": ["user"], "event": "delete", "payload": status_id})
        return self.deliver(self.mastodon_source, [connector_events.mastodon_message(message)],
                            "stream")

    def deliver(self, source, raw_events, channel):
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(source, raw_events, channel))
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"} if events else set())
        self.env.invalidate_all()
        return events

    # --- helpers ------------------------------------------------------------------------------
    def karl(self):
        return self.make_author("a-karl", "karl_k", "Karl Kunde", followers_count=80)

    def opener(self):
        post = self.ingest(self.complaint(OPENER, author=self.karl()))
        self.assertTrue(post.ticket_id)
        return post

    def follow_up(self):
        post = self.ingest(self.complaint(
            FOLLOW_UP, author=self.karl(), text=FOLLOW_UP_TEXT, minutes_ago=2,
            conversation_external_id=OPENER, in_reply_to_external_id=OPENER))
        return post

    def all_text(self, ticket):
        """Everything of the ticket a person reads: title, description, chatter, tracking."""
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        return " ".join([
            ticket.name or "", str(ticket.description or ""),
            *(str(m.body or "") for m in messages),
            *(str(v.old_value_char or "") + str(v.new_value_char or "")
              for v in messages.tracking_value_ids),
        ])

    def open_wizard(self, ticket, text):
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(action["res_id"])
        wizard.text = text
        return wizard


@tagged("post_install", "-at_install")
class TestNetworkDeletes(NetworkDeleteCase):
    # --- tests --------------------------------------------------------------------------------
    def test_deleted_post_leaves_the_ticket_which_stops_waiting(self):
        post = self.opener()
        ticket = post.ticket_id
        self.assertIn("Router", self.all_text(ticket))
        self.assertEqual(ticket.social_deadline_state, "pending")
        # the agent's answer waits in the outbox when the author deletes the post
        self.open_wizard(ticket, "@karl_k Das tut uns leid, wir melden uns per DM.").action_send()
        item = self.env["social.crm.outbox"].sudo().search([("post_id", "=", post.id)])
        self.assertEqual(item.state, "queued")

        events = self.x_delete(OPENER)
        self.assertEqual(events.delivery_key, f"x:tweet_delete:{OPENER}")
        self.assertFalse(post.exists())
        self.assertTrue(ticket.exists())
        text = self.all_text(ticket)
        self.assertNotIn("Router", text)
        self.assertNotIn("Frechheit", text)
        self.assertEqual(ticket.name, "Karl Kunde: post deleted by its author")
        self.assertIn("Karl Kunde deleted the post on X", str(ticket.description))
        notes = ticket.message_ids.filtered(
            lambda m: "deleted the post on X" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("the response clock stopped", notes.body)
        # nothing is left to answer publicly: no deadline, no escalation
        self.assertFalse(ticket.social_wait_deadline)
        self.assertFalse(ticket.social_response_deadline)
        self.assertFalse(ticket.social_deadline_state)
        self.assertFalse(self.Ticket.search(
            self.Ticket._social_escalation_domain(dt.datetime.now() + dt.timedelta(days=1))
            & Domain("id", "=", ticket.id)))
        # the queued reply was cancelled with the reason, never sent
        self.assertFalse(item.exists())
        cancelled = ticket.message_ids.filtered(lambda m: "not published" in (m.body or ""))
        self.assertEqual(len(cancelled), 1)
        self.assertIn("a public reply is no longer possible; write a direct message or call",
                      cancelled.body)
        self.run_sender()
        self.assertFalse(self.net.requests)
        self.assertFalse(ticket.social_first_reply_at)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Public reply on" in (m.body or "")))
        # the ticket still counts in the statistics
        report = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(report.ticket_count, 1)
        # a redelivery is not even stored again, and changes nothing
        self.assertFalse(self.x_delete(OPENER))
        self.assertEqual(len(ticket.message_ids.filtered(
            lambda m: "deleted the post on X" in (m.body or ""))), 1)

    def test_x_compliance_job_removes_a_suspended_authors_complaint(self):
        """X's compliance job (its cron, X at the HTTP boundary) reports the author's account
        suspended: the post goes the deletion path, and the ticket says X removed it and
        why, not that its author deleted it."""
        ticket = self.compliance_removes_the_opener()
        self.assertEqual(ticket.name, "Karl Kunde: post removed on the network")
        self.assertIn(f"{self.x.name} removed the post of Karl Kunde", str(ticket.description))
        self.assertIn(": The author's account was suspended. Its text is removed",
                      str(ticket.description))
        self.assertNotIn("Router", self.all_text(ticket))
        row = self.env["social.crm.post.deleted"].sudo().search([("external_id", "=", OPENER)])
        self.assertEqual(row.network_reason, "suspended")

    def test_x_compliance_job_removal_in_german(self):
        """The same in a German company whose staff reads German (the ticket's title and
        description are written in the language of whom reads the ticket, as its notes)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "de_DE"
        (self.agent | self.env.ref("base.user_admin")).lang = "de_DE"
        ticket = self.compliance_removes_the_opener()
        self.assertEqual(ticket.name, "Karl Kunde: Beitrag im Netzwerk entfernt")
        self.assertIn(f"{self.x.name} hat den Beitrag von Karl Kunde entfernt",
                      str(ticket.description))
        self.assertIn(": Das Konto des Autors wurde gesperrt. Sein Text wurde",
                      str(ticket.description))

    def test_x_compliance_restored_account_brings_the_complaint_back(self):
        """The next day's job asks X once more for the removed complaint; X no longer
        reports it (the suspension was lifted): it is looked up, stored again through the
        ingestion, goes back to its ticket, and the ticket says so."""
        ticket = self.compliance_removes_the_opener()
        jobs = "https://api.twitter.com/2/compliance/jobs"
        Job = self.env["social.crm.x.compliance.job"].sudo()
        first = Job.search([("source_id", "=", self.x_source.id)])
        first.submitted_at = first.submitted_at - dt.timedelta(hours=25)
        now = dt.datetime.now(dt.UTC)
        job = {"data": {
            "id": "1460000000000000778", "type": "tweets", "status": "created",
            "created_at": now.isoformat(),
            "upload_url": "https://storage.googleapis.com/twttr-tweet-compliance/778/submission"
                          "?X-Goog-Signature=abc",
            "upload_expires_at": (now + dt.timedelta(minutes=15)).isoformat(),
            "download_url": "https://storage.googleapis.com/twttr-tweet-compliance/778/delivery"
                            "?X-Goog-Signature=def",
            "download_expires_at": (now + dt.timedelta(days=7)).isoformat()}}
        progress = patch.object(type(self.env["ir.cron"]), "_commit_progress",
                                lambda cron, processed=0, remaining=None, deactivate=False: 60)
        self.net.routes.clear()
        self.net.add("POST", jobs, json_body=job)
        self.net.add("PUT", job["data"]["upload_url"], body="")
        with progress:
            Job._cron_run()
        self.net.routes.clear()
        self.net.add("GET", f"{jobs}/1460000000000000778",
                     json_body={"data": dict(job["data"], status="complete")})
        self.net.add("GET", job["data"]["download_url"], body="")  # nothing to act on
        posted = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.net.add("GET", "https://api.twitter.com/2/tweets", json_body={
            "data": [{"id": OPENER, "author_id": "a-karl", "conversation_id": OPENER,
                      "created_at": posted, "lang": "de", "edit_history_tweet_ids": [OPENER],
                      "text": "@acme Mein Router ist seit Montag kaputt und keiner "
                              "antwortet. Frechheit!",
                      "public_metrics": {"retweet_count": 0, "reply_count": 0,
                                         "like_count": 1, "quote_count": 0}}],
            "includes": {"users": [{"id": "a-karl", "name": "Karl Kunde",
                                    "username": "karl_k", "public_metrics": {
                                        "followers_count": 80, "following_count": 12,
                                        "tweet_count": 300, "listed_count": 0}}]}})
        with progress:
            Job._cron_run()
        self.env.invalidate_all()
        back = self.Post.search([("external_id", "=", OPENER)])
        self.assertTrue(back, "stored again")
        self.assertEqual(back.ticket_id, ticket)
        self.assertEqual(Job.search([("external_id", "=", "1460000000000000778")])
                         .restored_count, 1)
        self.assertIn(f"{self.x.name} no longer reports the account of Karl Kunde suspended",
                      ticket.message_ids[:1].body)
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", OPENER)]))
        # the ticket is opened by it again: its post, title and description come back in
        # place of the removal's placeholder (they stayed so before)
        self.assertEqual(ticket.social_post_id, back)
        self.assertEqual(ticket.name, "Karl Kunde: @acme Mein Router ist seit Montag kaputt und "
                                      "keiner antwortet. Frechh…")
        self.assertIn("Mein Router ist seit Montag kaputt", str(ticket.description))
        self.assertIn("X (Twitter), Karl Kunde", str(ticket.description))
        self.assertNotIn("suspended", str(ticket.description))

    def compliance_removes_the_opener(self):
        """The opener's ticket after X's compliance job reported its author suspended."""
        self.env["social.crm.source"].search(
            [("id", "!=", self.x_source.id)]).write({"active": False})
        post = self.opener()
        ticket = post.ticket_id
        jobs = "https://api.twitter.com/2/compliance/jobs"
        now = dt.datetime.now(dt.UTC)
        job = {"data": {
            "id": "1460000000000000777", "type": "tweets", "status": "created",
            "created_at": now.isoformat(),
            "upload_url": "https://storage.googleapis.com/twttr-tweet-compliance/777/submission"
                          "?X-Goog-Signature=abc",
            "upload_expires_at": (now + dt.timedelta(minutes=15)).isoformat(),
            "download_url": "https://storage.googleapis.com/twttr-tweet-compliance/777/delivery"
                            "?X-Goog-Signature=def",
            "download_expires_at": (now + dt.timedelta(days=7)).isoformat()}}
        self.net.add("POST", jobs, json_body=job)
        self.net.add("PUT", job["data"]["upload_url"], body="")
        Job = self.env["social.crm.x.compliance.job"]
        progress = patch.object(type(self.env["ir.cron"]), "_commit_progress",
                                lambda cron, processed=0, remaining=None, deactivate=False: 60)
        with progress:
            Job._cron_run()
        self.net.routes.clear()
        self.net.add("GET", f"{jobs}/1460000000000000777",
                     json_body={"data": dict(job["data"], status="complete")})
        self.net.add("GET", job["data"]["download_url"], body=json.dumps({
            "id": OPENER, "action": "delete", "created_at": now.isoformat(),
            "redacted_at": now.isoformat(), "reason": "suspended"}) + "\n")
        with progress:
            Job._cron_run()
        self.env.invalidate_all()
        self.assertFalse(post.exists())
        return ticket

    def test_ticket_with_other_live_posts_keeps_waiting(self):
        opener = self.opener()
        ticket = opener.ticket_id
        follow_up = self.follow_up()
        self.assertEqual(follow_up.ticket_id, ticket)
        self.assertIn("zweiter Tag", self.all_text(ticket))
        deadline = ticket.social_wait_deadline

        self.x_delete(FOLLOW_UP)
        self.assertFalse(follow_up.exists())
        text = self.all_text(ticket)
        self.assertNotIn("zweiter Tag", text)
        self.assertIn("Router", text)  # the opener's words stay
        self.assertIn("[deleted by its author on the network]", text)
        self.assertEqual(ticket.social_wait_deadline, deadline)
        self.assertIn("keeps waiting", ticket.message_ids[:1].body)

        # the other way round: the opener deleted, the follow-up is still there
        follow_up = self.follow_up()
        self.assertFalse(follow_up, "deleted on the network: not stored again")
        other = self.ingest(self.complaint(
            "1990000000000000103", author=self.karl(), minutes_ago=1,
            text="@acme Hallo? Ich warte immer noch!",
            conversation_external_id=OPENER, in_reply_to_external_id=OPENER))
        self.x_delete(OPENER)
        self.assertFalse(opener.exists())
        self.assertEqual(ticket.name, "Karl Kunde: post deleted by its author")
        self.assertNotIn("Router", self.all_text(ticket))
        self.assertEqual(ticket.social_wait_deadline, deadline)
        self.assertEqual(ticket.social_deadline_state, "pending")
        # the agent answers the post that is left
        wizard = self.open_wizard(ticket, "@karl_k Wir kümmern uns!")
        self.assertEqual(wizard.post_id, other)

    def test_reply_being_sent_when_the_post_is_deleted(self):
        """The author deletes the post while the sender holds the reply (claimed, the network
        being called): the item goes with the post, the sender goes on without an error."""
        post = self.opener()
        ticket = post.ticket_id
        self.open_wizard(ticket, "@karl_k Wir sind dran.").action_send()
        Outbox = type(self.env["social.crm.outbox"])
        claim = Outbox._claim_next

        def claim_then_delete(outbox):
            item, recovering = claim(outbox)
            if item:
                self.x_delete(OPENER)
            return item, recovering

        with patch.object(Outbox, "_claim_next", claim_then_delete):
            self.run_sender()
        self.assertFalse(post.exists())
        self.assertFalse(self.net.requests)
        self.assertFalse(self.env["social.crm.outbox"].sudo().search([]).filtered(
            lambda i: i.state == "sending"))
        self.assertFalse(ticket.social_first_reply_at)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Public reply on" in (m.body or "")))

    def test_only_others_posts_left_the_customer_waits_no_more(self):
        opener = self.opener()
        ticket = opener.ticket_id
        bystander = self.ingest(self.complaint(
            "1990000000000000104", minutes_ago=2, text="@acme Bei mir genauso, seit Montag!",
            conversation_external_id=OPENER, in_reply_to_external_id=OPENER))
        self.assertEqual(bystander.ticket_id, ticket)
        self.x_delete(OPENER)
        self.assertTrue(bystander.exists())
        self.assertEqual(bystander.ticket_id, ticket)
        self.assertFalse(ticket.social_wait_deadline)
        self.assertIn("the response clock stopped", ticket.message_ids[:1].body)
        self.assertIn("Bei mir genauso", self.all_text(ticket))  # another person's words stay

    def test_edited_post_both_versions_leave_the_ticket(self):
        first = mastodon.parse_status(mastodon_status(GRUMBLE), HOST)
        post = self.ingest(first, source=self.mastodon_source)
        ticket = post.ticket_id
        self.assertTrue(ticket)
        edited = "@acme Router geht wieder nicht, jetzt auch das Telefon. Frechheit!"
        self.ingest(mastodon.parse_status(mastodon_status(edited, 5), HOST),
                    source=self.mastodon_source)
        self.assertIn("Telefon", self.all_text(ticket))
        self.mastodon_delete("113500000000000777")
        self.assertFalse(post.exists())
        text = self.all_text(ticket)
        self.assertNotIn("Telefon", text)
        self.assertNotIn("seit Montag", text)
        self.assertIn("deleted the post on Mastodon", text)

    def test_answered_ticket_keeps_its_figures(self):
        post = self.opener()
        ticket = post.ticket_id
        answered = dt.datetime.now().replace(microsecond=0)
        ticket._social_record_reaction(answered, "odoo")
        met = ticket.social_deadline_met
        self.x_delete(OPENER)
        self.assertEqual(ticket.social_first_reply_at, answered)
        self.assertEqual(ticket.social_deadline_met, met)
        self.assertTrue(ticket.social_response_deadline)
        self.assertEqual(ticket.social_deadline_state, "met" if met else "late")
        self.assertNotIn("the response clock stopped", ticket.message_ids[:1].body)

    def test_another_company_keeps_its_ticket(self):
        post = self.opener()
        ticket = post.ticket_id
        other_company = self.other_company
        theirs = self.Post.sudo().create({
            "network_id": self.x.id, "external_id": OPENER, "company_id": other_company.id,
            "text": GRUMBLE, "posted_at": post.posted_at,
        })
        self.Post.sudo().create({
            "network_id": self.mastodon.id, "external_id": OPENER,
            "company_id": self.env.company.id, "text": "same id, other network",
            "posted_at": post.posted_at,
        })
        self.x_delete(OPENER)
        self.assertFalse(post.exists())
        self.assertTrue(theirs.exists())
        self.assertEqual(self.Post.search_count(
            [("external_id", "=", OPENER), ("network_id", "=", self.mastodon.id)]), 1)
        self.assertTrue(ticket.exists())

    def test_comment_gone_with_its_removed_facebook_post(self):
        """Meta's feed webhook removes a visitor's post: on Facebook its comments go with
        it. The ticket Mia's complaint comment opened loses her words the same way, and the
        note says her comment went with the post (she did not delete it)."""
        page, post_id = "102030405060", "102030405060_778"

        def feed(value, time):
            return {"object": "page", "entry": [{"id": page, "time": time, "changes": [
                {"field": "feed", "value": value}]}]}

        now = int(dt.datetime.now(dt.UTC).timestamp())
        ole = {"id": "100000000000556", "name": "Ole Berg"}
        mia = {"id": "100000000000555", "name": "Mia Roth"}
        deliveries = [
            feed({"from": ole, "post_id": post_id, "created_time": now - 600, "item": "status",
                  "verb": "add", "published": 1,
                  "message": "Neue Tarife ab Januar, was meint ihr?"}, now - 599),
            feed({"from": mia, "post_id": post_id, "comment_id": "102030405060_9201",
                  "parent_id": post_id, "created_time": now - 300, "item": "comment",
                  "verb": "add", "message": GRUMBLE}, now - 299),
        ]
        self.deliver(self.facebook_source,
                     [e for d in deliveries for e in connector_events.split_meta(d)], "push")
        comment = self.Post.search([("external_id", "=", "102030405060_9201")])
        ticket = comment.ticket_id
        self.assertTrue(ticket)
        self.assertIn("Router", self.all_text(ticket))
        removal = feed({"from": ole, "post_id": post_id, "created_time": now - 600,
                        "item": "status", "verb": "remove", "recipient_id": page}, now - 60)
        self.deliver(self.facebook_source, connector_events.split_meta(removal), "push")
        self.assertFalse(comment.exists())
        self.assertFalse(self.Post.search([("external_id", "=", post_id)]))
        text = self.all_text(ticket)
        self.assertNotIn("Router", text)
        self.assertNotIn("Frechheit", text)
        self.assertEqual(ticket.name, "Mia Roth: comment deleted with its post")
        self.assertIn("The post that Mia Roth commented on was deleted on Facebook",
                      str(ticket.description))
        self.assertNotIn("Mia Roth deleted", text)
        self.assertFalse(ticket.social_wait_deadline)

    def test_copies_of_comments_gone_with_their_post_say_so(self):
        """The copies of comments that went with their removed Facebook post (a later comment's
        note on the ticket, the preview in a contact's note of an agent's decision) say they
        went with the post: their authors did not delete them."""
        self.comments_gone_with_their_post(
            "[deleted on the network with the post it commented on]",
            "[deleted by its author")

    def test_copies_of_comments_gone_with_their_post_in_german(self):
        """The same in a German company (the product writes in the company's language, the
        notes on a ticket in its agent's: its staff reads German)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm_helpdesk"], ["de_DE"])
        self.company.partner_id.lang = "de_DE"
        (self.agent | self.env.ref("base.user_admin")).lang = "de_DE"
        self.comments_gone_with_their_post(
            "[im Netzwerk mit dem kommentierten Beitrag gelöscht]", "[vom Autor")

    def comments_gone_with_their_post(self, placeholder, wrong):
        page, post_id = "102030405060", "102030405060_779"

        def feed(value, time):
            return {"object": "page", "entry": [{"id": page, "time": time, "changes": [
                {"field": "feed", "value": value}]}]}

        now = int(dt.datetime.now(dt.UTC).timestamp())
        ole = {"id": "100000000000566", "name": "Ole Berg"}
        max_ = {"id": "100000000000567", "name": "Max Frage"}
        mia = {"id": "100000000000565", "name": "Mia Roth"}
        question = "Wie stelle ich den Router auf 5 GHz um?"
        again = "Immer noch kein Internet, zweiter Tag ohne Antwort. Unfassbar!"

        def comment(author, cid, text, ago):
            return feed({"from": author, "post_id": post_id, "comment_id": cid,
                         "parent_id": post_id, "created_time": now - ago, "item": "comment",
                         "verb": "add", "message": text}, now - ago + 1)

        deliveries = [
            feed({"from": ole, "post_id": post_id, "created_time": now - 900, "item": "status",
                  "verb": "add", "published": 1,
                  "message": "Neue Tarife ab Januar, was meint ihr?"}, now - 899),
            comment(max_, "102030405060_9300", question, 800),
        ]
        self.deliver(self.facebook_source,
                     [e for d in deliveries for e in connector_events.split_meta(d)], "push")
        asked = self.Post.search([("external_id", "=", "102030405060_9300")])
        self.assertFalse(asked.ticket_id)
        self.assertTrue(asked.partner_id)
        asked.with_user(self.agent).action_not_complaint()
        contact = asked.partner_id

        def contact_notes(words):
            return self.env["mail.message"].search([
                ("model", "=", "res.partner"), ("res_id", "=", contact.id),
                ("body", "ilike", words)])

        self.assertTrue(contact_notes("5 GHz"))
        deliveries = [comment(mia, "102030405060_9301", GRUMBLE, 600),
                      comment(mia, "102030405060_9302", again, 300)]
        self.deliver(self.facebook_source,
                     [e for d in deliveries for e in connector_events.split_meta(d)], "push")
        ticket = self.Post.search([("external_id", "=", "102030405060_9301")]).ticket_id
        self.assertTrue(ticket)
        self.assertIn("zweiter Tag", self.all_text(ticket))  # the later comment's note

        removal = feed({"from": ole, "post_id": post_id, "created_time": now - 900,
                        "item": "status", "verb": "remove", "recipient_id": page}, now - 60)
        self.deliver(self.facebook_source, connector_events.split_meta(removal), "push")
        self.assertFalse(asked.exists())
        text = self.all_text(ticket)
        self.assertNotIn("zweiter Tag", text)
        self.assertNotIn("Frechheit", text)
        self.assertIn(placeholder, text)
        self.assertNotIn(wrong, text)
        self.assertFalse(contact_notes("5 GHz"))
        self.assertTrue(contact_notes(placeholder))
        self.assertFalse(contact_notes(wrong))
