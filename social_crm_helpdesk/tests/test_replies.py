# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from urllib.parse import parse_qs

import requests

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialHelpdeskCase

X_TWEETS = "https://api.twitter.com/2/tweets"
MASTODON_STATUSES = "https://mastodon.example/api/v1/statuses"
GRAPH = "https://graph.facebook.com/v23.0"


def mastodon_status(status_id, text):
    """A Mastodon Status entity (the fields a client reads)."""
    return {
        "id": status_id,
        "created_at": "2026-11-01T10:00:00.000Z",
        "in_reply_to_id": "555000000000009101",
        "in_reply_to_account_id": "1",
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://mastodon.example/users/acme/statuses/{status_id}",
        "url": f"https://mastodon.example/@acme/{status_id}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "content": f"<p>{text}</p>",
        "account": {"id": "42", "username": "acme", "acct": "acme"},
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
    }


@tagged("post_install", "-at_install")
class TestReplies(SocialHelpdeskCase):
    def open_wizard(self, ticket, text):
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(action["res_id"])
        wizard.text = text
        return wizard

    def test_reply_on_x(self):
        post = self.ingest(self.complaint("1990000000000000001", author=self.ina()))
        ticket = post.ticket_id
        self.net.add(
            "POST",
            X_TWEETS,
            status=201,
            json_body={
                "data": {
                    "id": "1990000000000000999",
                    "text": "@ina_influencer Sorry! We sent you a DM.",
                    "edit_history_tweet_ids": ["1990000000000000999"],
                }
            },
        )
        wizard = self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.")
        self.assertEqual(wizard.post_id, post)
        action = wizard.action_send()
        self.assertEqual(action["tag"], "display_notification")
        prepared, kwargs = self.net.requests[-1]
        self.assertEqual(
            json.loads(prepared.body),
            {"text": "@ina_influencer Sorry! We sent you a DM.",
             "reply": {"in_reply_to_tweet_id": "1990000000000000001"}},
        )
        self.assertTrue(prepared.headers["Authorization"].startswith("OAuth "))
        self.assertTrue(kwargs.get("timeout"))
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "sent")
        self.assertEqual(reply.external_id, "1990000000000000999")
        self.assertEqual(reply.url, "https://x.com/i/web/status/1990000000000000999")
        self.assertEqual(reply.user_id, self.agent)
        self.assertTrue(ticket.social_first_reply_at)
        self.assertTrue(ticket.social_deadline_met)
        self.assertEqual(ticket.social_deadline_state, "met")
        note = ticket.message_ids.filtered(lambda m: reply.url in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Sorry! We sent you a DM.", note.body)

    def test_reply_on_mastodon(self):
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        post = self.ingest(
            self.complaint("555000000000009101", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        self.net.add("POST", MASTODON_STATUSES,
                     json_body=mastodon_status("555000000000009999", "@emily We are on it."))
        wizard = self.open_wizard(post.ticket_id, "@emily@fosstodon.org We are on it.")
        wizard.action_send()
        prepared, _kwargs = self.net.requests[-1]
        self.assertEqual(prepared.headers["Authorization"], "Bearer masto-token")
        self.assertEqual(json.loads(prepared.body)["in_reply_to_id"], "555000000000009101")
        reply = post.ticket_id.social_reply_ids
        self.assertEqual(reply.state, "sent")
        self.assertEqual(reply.url, "https://mastodon.example/@acme/555000000000009999")

    def test_reply_on_facebook_comment(self):
        author = self.make_author("100000000000888", "olivia.green.uk", "Olivia Green",
                                  network="facebook")
        post = self.ingest(
            self.complaint("102030405060_900801000", author=author, network="facebook",
                           lang="en", text="I was charged twice. Not acceptable, refund now!"),
            source=self.facebook_source,
        )
        self.net.add("POST", f"{GRAPH}/102030405060_900801000/comments",
                     json_body={"id": "102030405060_900801999"})
        self.open_wizard(post.ticket_id, "Sorry Olivia, the refund is on its way.").action_send()
        prepared, _kwargs = self.net.requests[-1]
        body = parse_qs(prepared.body)
        self.assertEqual(body["message"], ["Sorry Olivia, the refund is on its way."])
        self.assertEqual(body["access_token"], ["page-token"])
        self.assertEqual(post.ticket_id.social_reply_ids.external_id, "102030405060_900801999")

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_reply_failures_keep_the_text_and_say_why(self):
        post = self.ingest(self.complaint("1990000000000000002"))
        ticket = post.ticket_id
        text = "@user Sorry, we are looking into it."
        failures = [
            ("revoked", {"status": 401, "json_body": {
                "title": "Unauthorized", "type": "about:blank", "status": 401,
                "detail": "Unauthorized"}}),
            ("rate", {"status": 429, "json_body": {
                "title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                "headers": {"x-rate-limit-reset": "1893456000"}}),
            ("timeout", {"exc": requests.exceptions.ConnectTimeout("timed out")}),
        ]
        wizard = self.open_wizard(ticket, text)
        errors = []
        for _name, answer in failures:
            self.net.routes.clear()
            self.net.add("POST", X_TWEETS, **answer)
            action = wizard.action_send()
            # the wizard stays open with the text and the reason
            self.assertEqual(action["res_model"], "social.crm.reply.wizard")
            self.assertEqual(action["res_id"], wizard.id)
            self.assertEqual(wizard.text, text)
            self.assertTrue(wizard.error_message)
            errors.append(wizard.error_message)
            self.assertEqual(ticket.social_reply_ids.state, "failed")
            self.assertEqual(ticket.social_reply_ids.text, text)
        self.assertEqual(len(ticket.social_reply_ids), 1, "one draft, kept and retried")
        self.assertEqual(len(set(errors)), 3)
        for error in errors:
            self.assertNotIn("at-test", error)
            self.assertNotIn("ats-test", error)
        self.assertFalse(ticket.social_first_reply_at)
        # then it works: the same draft is sent
        self.net.routes.clear()
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {"id": "77", "text": text}})
        wizard.action_send()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        self.assertFalse(ticket.social_reply_ids.error_message)

    def test_reply_without_credentials(self):
        bare = self.env["social.crm.source"].create(
            {"name": "X without tokens", "network_id": self.env.ref("social_crm.network_x").id,
             "kind": "search", "query": "acme"}
        )
        post = self.ingest(self.complaint("1990000000000000003"), source=bare)
        wizard = self.open_wizard(post.ticket_id, "Hello")
        with mute_logger("odoo.addons.social_crm_helpdesk"):
            action = wizard.action_send()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertTrue(wizard.error_message)
        self.assertFalse(self.net.requests)

    def test_call_instead(self):
        post = self.ingest(self.complaint("1990000000000000004", author=self.ina()))
        ticket = post.ticket_id
        wizard = self.open_wizard(ticket, "Draft text")
        wizard.action_plan_call()
        activity = ticket.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("+49 30 1234567", str(activity.note))
        self.assertIn("Draft text", str(activity.note))

    def test_hide_on_network(self):
        author = self.make_author("100000000000777", "troll", "Troll", network="facebook")
        post = self.ingest(
            self.complaint("102030405060_900801555", author=author, network="facebook",
                           lang="en", text="Worst company ever, you are all useless! Refund!"),
            source=self.facebook_source,
        )
        ticket = post.ticket_id
        self.assertTrue(ticket.social_can_hide)
        self.net.add("POST", f"{GRAPH}/102030405060_900801555", status=403, json_body={
            "error": {"message": "(#200) Permissions error", "type": "OAuthException",
                      "code": 200, "fbtrace_id": "A1"}})
        with mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk"):
            action = ticket.with_user(self.agent).action_social_hide()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("could not be hidden", action["params"]["message"])
        self.assertFalse(post.social_hidden)
        self.net.routes.clear()
        self.net.add("POST", f"{GRAPH}/102030405060_900801555", json_body={"success": True})
        action = ticket.with_user(self.agent).action_social_hide()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(post.social_hidden)
        self.assertTrue(ticket.social_hidden)
        self.assertEqual(parse_qs(self.net.requests[-1][0].body)["is_hidden"], ["true"])
        # Mastodon cannot hide
        self.assertFalse(self.env["social.crm.post"].new(
            {"network_id": self.mastodon.id}).can_hide_on_network)

    def test_reply_to_replayed_demo_post_is_recorded_not_sent(self):
        replay = self.env.ref("social_crm.source_demo_replay")
        post = self.ingest(self.complaint("1990000000000000777", author=self.ina()), source=replay)
        ticket = post.ticket_id
        wizard = self.open_wizard(ticket, "@ina_influencer Das tut uns leid!")
        wizard.action_send()
        self.assertFalse(self.net.requests, "nothing goes out for replayed demo traffic")
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "sent")
        self.assertTrue(ticket.social_first_reply_at)
        note = ticket.message_ids.filtered(lambda m: "recorded but not sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
