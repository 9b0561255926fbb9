# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Edited posts through the real path (``_ingest_posts``, connector payloads as the networks
document them): the new version is redacted, classified and routed like a new post; an edit
never closes a ticket, and an X edit (a new tweet id) never opens a second one."""

import datetime as dt
import json

from odoo.addons.social_crm.connectors import mastodon, x
from odoo.tests import tagged

from .common import SocialHelpdeskCase

CARD = "4111 1111 1111 1111"
GRUMBLE = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
THANKS = "@acme Danke, der Techniker war da und alles läuft wieder super!"
HOST = "mastodon.example"
T0 = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def mastodon_status(text, edited_minutes=None):
    """A Mastodon Status entity (``GET /api/v1/statuses/:id``, a timeline, a notification's
    status); ``edited_at`` is null until its author edits it."""
    edited = T0 + dt.timedelta(minutes=edited_minutes) if edited_minutes else None
    return {
        "id": "113500000000000777", "created_at": T0.isoformat().replace("+00:00", "Z"),
        "edited_at": edited.isoformat().replace("+00:00", "Z") if edited else None,
        "visibility": "public", "language": "de", "spoiler_text": "",
        "uri": "https://mastodon.example/users/kim/statuses/113500000000000777",
        "url": "https://mastodon.example/@kim/113500000000000777",
        "content": f"<p>{text}</p>",
        "account": {"id": "7", "username": "kim", "acct": "kim", "display_name": "Kim Kunde",
                    "followers_count": 40, "url": "https://mastodon.example/@kim"},
        "mentions": [{"id": "2", "username": "acme", "acct": "acme"}],
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
    }


def x_answer(tweet_id, text, history, minutes):
    """An X API v2 answer (mentions timeline / recent search): ``edit_history_tweet_ids``
    lists every version of the tweet, the original first."""
    created = (T0 + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", ".000Z")
    return {
        "data": [{"id": tweet_id, "text": text, "author_id": "4242", "created_at": created,
                  "conversation_id": history[0], "lang": "de",
                  "edit_history_tweet_ids": history,
                  "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                     "quote_count": 0}}],
        "includes": {"users": [{"id": "4242", "name": "Karl Kunde", "username": "karl_k",
                                "public_metrics": {"followers_count": 80}}]},
        "meta": {"result_count": 1, "newest_id": tweet_id},
    }


@tagged("post_install", "-at_install")
class TestEdits(SocialHelpdeskCase):
    def version(self, text, edited_minutes=None):
        post = mastodon.parse_status(mastodon_status(text, edited_minutes), HOST)
        return self.ingest(post, source=self.mastodon_source)

    def notes(self, ticket, words):
        return ticket.message_ids.filtered(lambda m: words in (m.body or ""))

    def test_edit_adding_a_card_number_is_redacted_and_urgent(self):
        post = self.version(THANKS)
        self.assertFalse(post.ticket_id)
        self.assertFalse(post.has_sensitive_data)
        self.version(f"{THANKS} Bucht die Rechnung bitte von meiner Karte {CARD} ab", 5)
        self.assertIn("[card number removed, ends 1111]", post.text)
        self.assertTrue(post.has_sensitive_data)
        self.assertEqual(post.pii_kinds, "card")
        self.assertEqual(post.previous_text, THANKS)
        # bank or card data in public: a ticket at the top priority, whatever the post says
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertEqual(ticket.priority, "3")
        self.assertTrue(ticket.has_sensitive_data)
        # edited once more without the number: the text before keeps it redacted
        self.version(THANKS, 9)
        self.assertIn("[card number removed, ends 1111]", post.previous_text)
        for needle in ("1111 1111 1111", "4111 1111"):
            self.assertFalse(self.Post.search([("text", "ilike", needle)]))
            self.assertFalse(self.Post.search([("previous_text", "ilike", needle)]))
            self.assertNotIn(needle, str(post.sudo().raw_payload))
            self.assertFalse(self.env["mail.message"].search([("body", "ilike", needle)]))

    def test_edit_adding_a_card_number_to_a_complaint_raises_its_ticket(self):
        post = self.version(GRUMBLE)
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertNotEqual(ticket.priority, "3")
        self.version(f"{GRUMBLE} Erstattet das auf meine Karte {CARD}!", 4)
        self.assertEqual(post.ticket_id, ticket)
        self.assertEqual(ticket.priority, "3")
        self.assertIn("card", ticket.social_pii_kinds)
        self.assertEqual(len(self.notes(ticket, "Sensitive data removed")), 1)
        note = self.notes(ticket, "edited the post")
        self.assertEqual(len(note), 1)
        self.assertIn("[card number removed, ends 1111]", note.body)
        self.assertIn("Frechheit", note.body)
        self.assertNotIn("1111 1111 1111", note.body)

    def test_edit_that_turns_a_post_into_a_complaint_opens_a_ticket(self):
        post = self.version(THANKS)
        self.assertNotEqual(post.complaint_label, "complaint")
        self.assertFalse(post.ticket_id)
        self.version(GRUMBLE, 3)
        self.assertEqual(post.complaint_label, "complaint")
        self.assertEqual(post.text, GRUMBLE)
        self.assertTrue(post.ticket_id)
        self.assertEqual(post.state, "ticket")
        self.assertEqual(post.ticket_id.social_post_id, post)
        self.assertIn("Router", post.ticket_id.description)

    def test_edit_routes_a_complaint_again_unless_an_agent_said_it_is_none(self):
        """A complaint the team's rules left without a ticket ("gewinnspiel" is excluded) is
        routed again on its edited text, as a new post would be; one an agent marked as no
        complaint stays without ticket while it stays a complaint."""
        post = self.version(f"{GRUMBLE} #gewinnspiel")
        self.assertEqual(post.complaint_label, "complaint")
        self.assertFalse(post.ticket_id)
        post.with_user(self.agent).action_not_complaint()
        self.version(f"{GRUMBLE} Immer noch!", 2)  # the rules would take it now
        self.assertEqual(post.complaint_label, "complaint")
        self.assertFalse(post.ticket_id)
        self.env["social.crm.complaint.label"].search([("post_id", "=", post.id)]).unlink()
        self.version(GRUMBLE, 4)
        self.assertTrue(post.ticket_id)

    def test_softened_complaint_keeps_its_ticket_with_a_note(self):
        post = self.version(GRUMBLE)
        ticket = post.ticket_id
        stage = ticket.stage_id
        self.version(THANKS, 30)
        self.assertNotEqual(post.complaint_label, "complaint")
        self.assertTrue(ticket.exists() and ticket.active)
        self.assertEqual((post.ticket_id, ticket.stage_id), (ticket, stage))
        note = self.notes(ticket, "no longer reads as a complaint")
        self.assertEqual(len(note), 1)
        self.assertIn("Techniker", note.body)
        self.assertIn("Router", note.body)

    def test_x_edit_is_no_second_complaint(self):
        first = x.parse_tweets(x_answer("1795000000000000001", GRUMBLE,
                                        ["1795000000000000001"], 0))
        post = self.ingest(*first)
        ticket = post.ticket_id
        self.assertTrue(ticket)
        edit = x.parse_tweets(x_answer(
            "1795000000000000009", f"{GRUMBLE} Seit drei Tagen kein Internet!",
            ["1795000000000000001", "1795000000000000009"], 4))
        self.assertEqual(self.ingest(*edit), post)
        self.assertEqual(self.Post.search_count([("author_external_id", "=", "4242")]), 1)
        self.assertEqual(self.Ticket.search_count(
            [("social_conversation_key", "=", "1795000000000000001")]), 1)
        self.assertEqual(post.version_external_id, "1795000000000000009")
        self.assertIn("drei Tagen", post.text)
        # the ticket's link is the post's: the current version's URL (X shows the original's
        # URL with the old text and a banner pointing to the new version)
        self.assertEqual(post.url, "https://x.com/karl_k/status/1795000000000000009")
        self.assertEqual(ticket.social_url, post.url)
        self.assertIn("drei Tagen", str(ticket.description))
        self.assertIn(f'href="{post.url}"', str(ticket.description))
        self.assertNotIn("status/1795000000000000001", str(ticket.description))
        self.assertEqual(len(self.notes(ticket, "edited the post")), 1)
        # the agent's answer goes to the version the customer's followers see now
        self.net.add("POST", "https://api.twitter.com/2/tweets", status=201, json_body={
            "data": {"id": "1795000000000000777", "text": "@kunde Sorry!",
                     "edit_history_tweet_ids": ["1795000000000000777"]}})
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(
            action["res_id"])
        wizard.text = "@kunde Sorry, wir melden uns per DM."
        wizard.action_send()
        self.run_sender()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        self.assertEqual(
            json.loads(self.net.requests[-1][0].body)["reply"]["in_reply_to_tweet_id"],
            "1795000000000000009",
        )

    def test_edit_of_the_media_only_leaves_text_and_ticket_alone(self):
        """Mastodon sets ``edited_at`` for an edit of the media or the poll too: the text is
        the same, nothing to tell on the ticket, the text before the last text edit stays."""
        post = self.version(GRUMBLE)
        ticket = post.ticket_id
        self.version(GRUMBLE, 6)
        self.assertTrue(post.edited_at)
        self.assertFalse(post.previous_text)
        self.assertFalse(self.notes(ticket, "edited the post"))
        self.assertEqual(self.Ticket.search_count([("social_post_id", "=", post.id)]), 1)


@tagged("post_install", "-at_install")
class TestEditedTicket(SocialHelpdeskCase):
    """The ticket follows the version of its post the customer's followers read now: the
    description's post text and the automatic title (not a title an agent wrote); the note
    keeps both versions; a ticket that gathered the post later keeps what it has."""

    def version(self, text, edited_minutes=None):
        post = mastodon.parse_status(mastodon_status(text, edited_minutes), HOST)
        return self.ingest(post, source=self.mastodon_source)

    def tweet(self, tweet_id, text, history, minutes, conversation=None):
        answer = x_answer(tweet_id, text, history, minutes)
        answer["data"][0]["conversation_id"] = conversation or history[0]
        return self.ingest(*x.parse_tweets(answer))

    def test_edit_rewrites_the_title_and_description_redacted(self):
        post = self.version(GRUMBLE)
        ticket = post.ticket_id
        self.assertEqual(ticket.name, f"Kim Kunde: {GRUMBLE[:69]}…")
        ticket.activity_schedule(
            "mail.mail_activity_data_todo", summary=f"Call back: {ticket.display_name}",
            user_id=self.agent.id)
        edited = f"@acme Seit Montag kein Internet, bucht die Erstattung auf {CARD}"
        self.version(edited, 5)
        redacted = post.text
        self.assertIn("[card number removed, ends 1111]", redacted)
        self.assertEqual(ticket.name, f"Kim Kunde: {redacted[:69]}…")
        self.assertIn("Seit Montag kein Internet", ticket.description)
        self.assertIn("[card number removed, ends 1111]", ticket.description)
        self.assertNotIn("Router", ticket.description)
        self.assertIn("Kim Kunde", ticket.description)  # network and author stay
        # the link to the post stays (it reads the post's address, in no language)
        self.assertIn(f">{post.url}</a>", str(ticket.description))
        # the old title's copy in the to-do follows
        self.assertEqual(ticket.activity_ids.summary, f"Call back: {ticket.display_name}")
        # the note keeps both versions, redacted
        note = ticket.message_ids.filtered(lambda m: "edited the post" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Router", note.body)
        self.assertIn("[card number removed, ends 1111]", note.body)
        for needle in ("1111 1111 1111", "4111 1111"):
            self.assertNotIn(needle, ticket.name + str(ticket.description))
            self.assertFalse(self.env["mail.message"].search([("body", "ilike", needle)]))
            self.assertFalse(self.env["mail.activity"].search([("summary", "ilike", needle)]))
        # edited again: the title and description follow again
        self.version(THANKS, 9)
        self.assertEqual(ticket.name, f"Kim Kunde: {THANKS}")
        self.assertIn("Techniker", ticket.description)
        self.assertNotIn("Seit Montag", ticket.description)

    def test_title_an_agent_wrote_stays(self):
        post = self.version(GRUMBLE)
        ticket = post.ticket_id
        ticket.with_user(self.agent).write({"name": "Kim: Router defekt seit Montag"})
        self.version(f"@acme Router immer noch kaputt, {THANKS[6:]}", 3)
        self.assertEqual(ticket.name, "Kim: Router defekt seit Montag")
        self.assertIn("Techniker", ticket.description)

    def test_later_post_of_the_ticket_edited_keeps_the_ticket_text(self):
        opener = self.tweet("1795000000000000101", GRUMBLE, ["1795000000000000101"], 0)
        ticket = opener.ticket_id
        name, description = ticket.name, str(ticket.description)
        later_text = "@acme Immer noch kein Internet, zweiter Tag ohne Antwort. Unfassbar!"
        later = self.tweet("1795000000000000102", later_text, ["1795000000000000102"], 2,
                           conversation="1795000000000000101")
        self.assertEqual(later.ticket_id, ticket)
        self.tweet("1795000000000000109", f"{later_text} Dritter Tag!",
                   ["1795000000000000102", "1795000000000000109"], 5,
                   conversation="1795000000000000101")
        self.assertIn("Dritter Tag", later.text)
        self.assertEqual((ticket.name, str(ticket.description)), (name, description))
        self.assertEqual(len(ticket.message_ids.filtered(
            lambda m: "edited the post" in (m.body or ""))), 1)
