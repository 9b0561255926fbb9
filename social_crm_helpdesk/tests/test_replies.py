# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import json
import time
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests
import urllib3
from freezegun import freeze_time

from odoo import fields
from odoo.addons.social_crm.models import social_crm_outbox as outbox_model
from odoo.addons.social_crm.tests.loopback_servers import DripServer
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import _super_send
from odoo.tools import SQL, mute_logger

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
    def run_sender(self):
        """Run the outbox cron's job as the cron would (its commits recorded, not done)."""
        commits = []
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: (
                commits.append(processed) or 60.0
            ),
        ):
            self.env["social.crm.outbox"]._cron_send()
        self.env.invalidate_all()
        return commits

    def open_wizard(self, ticket, text):
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(action["res_id"])
        wizard.text = text
        return wizard

    def test_the_same_reply_is_not_queued_twice(self):
        """Probe: an identical reply to the same post could be queued twice (X refuses
        duplicate content with 403, and the customer would read it twice). Whitespace aside,
        the second one is refused in the wizard while the first is queued, and after it was
        sent; another text, or another conversation, goes."""
        post = self.ingest(self.complaint("1990000000000000031", author=self.ina()))
        ticket = post.ticket_id
        self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.").action_send()
        again = self.open_wizard(ticket, "@ina_influencer  Sorry!\nWe sent you a DM. ")
        with self.assertRaisesRegex(UserError, "already queued for this conversation"):
            again.action_send()
        self.assertEqual(len(ticket.social_reply_ids), 1)
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {
            "id": "1990000000000000998", "text": "@ina_influencer Sorry! We sent you a DM.",
            "edit_history_tweet_ids": ["1990000000000000998"]}})
        self.run_sender()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        with self.assertRaisesRegex(UserError, "already published in this conversation"):
            self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.").action_send()
        self.open_wizard(ticket, "@ina_influencer Your parcel left today.").action_send()
        self.assertEqual(len(ticket.social_reply_ids), 2)
        # a day later the same words are an answer again (a new complaint, the same wording)
        with freeze_time(fields.Datetime.now() + dt.timedelta(hours=25)):
            self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.").action_send()
        self.assertEqual(len(ticket.social_reply_ids), 3)

    def test_a_reply_queued_long_ago_and_sent_now_is_no_answer_twice(self):
        """The window runs from when the network took the reply, not from when it was
        queued: a reply that waited days (a paused source, a network down) and went out an
        hour ago is not sent again with the same words."""
        post = self.ingest(self.complaint("1990000000000000032", author=self.ina()))
        ticket = post.ticket_id
        self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.").action_send()
        first = ticket.social_reply_ids
        self.env.cr.execute(SQL(
            "UPDATE social_crm_reply SET create_date = %s WHERE id = %s",
            fields.Datetime.now() - dt.timedelta(days=3), first.id))
        first.invalidate_recordset(["create_date"])
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {
            "id": "1990000000000000997", "text": "@ina_influencer Sorry! We sent you a DM.",
            "edit_history_tweet_ids": ["1990000000000000997"]}})
        self.run_sender()
        self.assertEqual(first.state, "sent")
        with self.assertRaisesRegex(UserError, "already published in this conversation"):
            self.open_wizard(ticket, "@ina_influencer Sorry! We sent you a DM.").action_send()
        self.assertEqual(len(ticket.social_reply_ids), 1)

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk")
    def test_retrying_a_refused_reply_sent_meanwhile_is_no_answer_twice(self):
        """Probe (served demo, Facebook): the network refused an agent's answer; the agent
        wrote it again in the wizard and it went out; then the manager pressed Retry on the
        refused one: the page published the same words a second time. Retry checks the
        conversation's replies as the wizard does (the refused reply itself aside)."""
        author = self.make_author("100000000000890", "frieda.fremd", "Frieda Fremd",
                                  network="facebook")
        post = self.ingest(
            self.complaint("102030405060_900802000", author=author, network="facebook",
                           lang="de", text="Zweimal abgebucht! Erstattet das sofort."),
            source=self.facebook_source,
        )
        ticket = post.ticket_id
        text = "Hallo Frieda, das tut uns leid. Bitte schreiben Sie uns eine Direktnachricht."
        url = f"{GRAPH}/102030405060_900802000/comments"
        self.net.add("POST", url, status=400, json_body={"error": {
            "message": "(#200) Permissions error", "type": "OAuthException", "code": 200}})
        self.open_wizard(ticket, text).action_send()
        self.run_sender()
        refused = ticket.social_reply_ids
        self.assertEqual(refused.state, "failed")
        self.net.routes.clear()
        self.net.add("POST", url, json_body={"id": "102030405060_900802999"})
        self.open_wizard(ticket, text).action_send()
        self.run_sender()
        sent = ticket.social_reply_ids - refused
        self.assertEqual(sent.state, "sent")
        calls = len(self.net.requests)
        with self.assertRaisesRegex(UserError, "already published in this conversation"):
            refused.with_user(self.agent).action_retry()
        # nor by a manager's Retry in the outbox list
        manager = self.env.ref("base.user_admin")
        with self.assertRaisesRegex(UserError, "already published in this conversation"):
            refused.outbox_id.with_user(manager).action_retry()
        self.run_sender()
        self.assertEqual(len(self.net.requests), calls, "nothing published a second time")
        self.assertEqual(refused.state, "failed")
        # another text (the agent changed it in the wizard) is a new answer and goes
        self.open_wizard(ticket, text + " Die Erstattung ist veranlasst.").action_send()
        self.assertEqual(len(ticket.social_reply_ids), 3)

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
        self.assertEqual(action["params"]["title"], "Queued")
        self.assertIn("will be published on X", action["params"]["message"])
        # queued: nothing goes out inside the agent's transaction
        self.assertFalse(self.net.requests)
        self.assertEqual(ticket.social_reply_ids.state, "queued")
        self.assertFalse(ticket.social_first_reply_at)
        commits = self.run_sender()
        self.assertGreaterEqual(len(commits), 3, "claim, answer and result committed apart")
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
        self.run_sender()
        prepared, _kwargs = self.net.requests[-1]
        self.assertEqual(prepared.headers["Authorization"], "Bearer masto-token")
        self.assertEqual(json.loads(prepared.body)["in_reply_to_id"], "555000000000009101")
        reply = post.ticket_id.social_reply_ids
        self.assertEqual(reply.state, "sent")
        self.assertEqual(reply.url, "https://mastodon.example/@acme/555000000000009999")

    def test_reply_on_facebook_comment(self):
        # not the demo's Olivia (her replayed complaint minutes ago has an open ticket,
        # which a complaint of hers now would join)
        author = self.make_author("100000000000889", "olivia.green.de", "Olivia Green",
                                  network="facebook")
        post = self.ingest(
            self.complaint("102030405060_900801000", author=author, network="facebook",
                           lang="en", text="I was charged twice. Not acceptable, refund now!"),
            source=self.facebook_source,
        )
        self.net.add("POST", f"{GRAPH}/102030405060_900801000/comments",
                     json_body={"id": "102030405060_900801999"})
        self.open_wizard(post.ticket_id, "Sorry Olivia, the refund is on its way.").action_send()
        self.run_sender()
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
        # a reset an hour ahead (resets further than a day are read as a day: issue 18)
        reset = int(fields.Datetime.now().replace(tzinfo=dt.UTC).timestamp()) + 3600
        failures = [
            # a refusal: failed at once, never retried by itself
            ("revoked", "failed", {"status": 401, "json_body": {
                "title": "Unauthorized", "type": "about:blank", "status": 401,
                "detail": "Unauthorized"}}),
            # X may have published it before the time-out: a person checks, no blind re-post
            # (a read time-out: the request was sent; a connect time-out never reached X and
            # is retried, test_x_unreachable_reply_is_retried_by_itself)
            ("timeout", "failed", {"exc": requests.exceptions.ReadTimeout("timed out")}),
            # rate limited: queued again for when X allows the next call
            ("rate", "queued", {"status": 429, "json_body": {
                "title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                "headers": {"x-rate-limit-reset": str(reset)}}),
        ]
        wizard = self.open_wizard(ticket, text)
        errors = []
        for name, state, answer in failures:
            self.net.routes.clear()
            self.net.add("POST", X_TWEETS, **answer)
            if name == "revoked":
                wizard.action_send()
            else:  # the agent sends the kept draft again from the ticket
                ticket.social_reply_ids.with_user(self.agent).action_retry()
            self.run_sender()
            reply = ticket.social_reply_ids
            self.assertEqual(reply.state, state, name)
            self.assertEqual(reply.text, text)
            self.assertTrue(reply.error_message)
            errors.append(reply.error_message)
        self.assertEqual(len(ticket.social_reply_ids), 1, "one draft, kept and retried")
        self.assertEqual(len(set(errors)), 3)
        self.assertIn("credentials", errors[0])
        self.assertIn("may have published it anyway", errors[1])
        self.assertEqual(ticket.social_reply_ids.outbox_id.next_attempt_at,
                         dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None),
                         "retried when X allows it")
        for error in errors:
            self.assertNotIn("at-test", error)
            self.assertNotIn("ats-test", error)
        self.assertFalse(ticket.social_first_reply_at)
        failed_notes = ticket.message_ids.filtered(lambda m: "not published" in (m.body or ""))
        self.assertEqual(len(failed_notes), 2, "each failure is noted on the ticket")
        # then it works: when the retry is due, the same draft is sent
        self.net.routes.clear()
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {"id": "77", "text": text}})
        ticket.social_reply_ids.outbox_id.sudo().next_attempt_at = fields.Datetime.now()
        self.run_sender()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        self.assertFalse(ticket.social_reply_ids.error_message)
        self.assertTrue(ticket.social_first_reply_at)

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
        # not 100000000000777: the demo's James Carter, whose open demo ticket would take it
        author = self.make_author("100000000000787", "troll", "Troll", network="facebook")
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
        action = ticket.with_user(self.agent).action_social_hide()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("Queued", action["params"]["message"])
        self.assertFalse(self.net.requests, "hidden after the commit, not in the transaction")
        with mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk"):
            self.run_sender()
        note = ticket.message_ids.filtered(lambda m: "could not be hidden" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertFalse(post.social_hidden)
        self.net.routes.clear()
        self.net.add("POST", f"{GRAPH}/102030405060_900801555", json_body={"success": True})
        action = ticket.with_user(self.agent).action_social_hide()
        self.assertEqual(action["params"]["type"], "info")
        self.run_sender()
        self.assertTrue(post.social_hidden)
        self.assertTrue(ticket.social_hidden)
        self.assertEqual(parse_qs(self.net.requests[-1][0].body)["is_hidden"], ["true"])
        item = self.env["social.crm.outbox"].search(
            [("post_id", "=", post.id), ("state", "=", "sent")])
        self.assertEqual(item.action, "hide")
        # Mastodon cannot hide
        self.assertFalse(self.env["social.crm.post"].new(
            {"network_id": self.mastodon.id}).can_hide_on_network)

    def test_reply_to_replayed_demo_post_is_recorded_not_sent(self):
        replay = self.env.ref("social_crm.source_demo_replay")
        post = self.ingest(self.complaint("1990000000000000777", author=self.ina()), source=replay)
        ticket = post.ticket_id
        wizard = self.open_wizard(ticket, "@ina_influencer Das tut uns leid!")
        action = wizard.action_send()
        # the demo says what really happens: recorded, not sent, never "public on X"
        self.assertEqual(action["params"]["title"], "Demo")
        self.assertIn("not sent", action["params"]["message"])
        self.assertNotIn("public", action["params"]["message"])
        self.run_sender()
        self.assertFalse(self.net.requests, "nothing goes out for replayed demo traffic")
        reply = ticket.social_reply_ids
        self.assertEqual(reply.state, "demo")
        self.assertEqual(reply.outbox_id.state, "demo")
        self.assertIn("Demo: recorded, not sent", reply.outbox_id.error_message)
        # published nowhere: no date, id nor URL of sending, no first public reply, no
        # reaction for the KPIs, still waiting
        self.assertFalse(reply.sent_at or reply.external_id or reply.url)
        self.assertFalse(reply.outbox_id.sent_at)
        self.assertFalse(ticket.social_first_reply_at)
        self.assertFalse(ticket.social_first_reply_channel)
        self.assertFalse(ticket.social_wait_reply_at)
        self.assertTrue(ticket.social_waiting_deadline, "the ticket still waits for an answer")
        self.assertGreater(ticket.social_queue_rank, 0)
        self.assertFalse(self.env["social.crm.helpdesk.report"].search(
            [("ticket_id", "=", ticket.id)]).first_reply_at)
        note = ticket.message_ids.filtered(lambda m: "recorded, not sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("the ticket still waits for one", note.body)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Public reply" in (m.body or "")))
        # the agent answers in the network's own app and records it: that is the answer
        self.record_answer_in_app(ticket, fields.Datetime.now())
        self.assertEqual(ticket.social_first_reply_channel, "network_app_recorded")
        self.assertFalse(ticket.social_waiting_deadline)

    # --- answered in the network's own app, recorded by the agent --------------------------
    def record_answer_in_app(self, ticket, when, link=False):
        action = ticket.with_user(self.agent).action_social_answered_in_app()
        wizard = self.env[action["res_model"]].with_user(self.agent).browse(action["res_id"])
        wizard.write({"answered_at": when, "link": link})
        wizard.action_confirm()
        ticket.invalidate_recordset()
        return wizard

    def test_answer_in_the_networks_app_recorded_with_its_time(self):
        """An agent answered the customer in X's app five minutes after the complaint and
        records it on the ticket with that time: the first reply, in time, by that channel;
        the ticket no longer waits; the chatter says who answered where and that nothing was
        sent from Odoo; nothing goes to the outbox. A time in the future, one before the
        complaint and a second record are refused."""
        post = self.ingest(self.complaint("1990000000000000781", author=self.ina(),
                                          minutes_ago=10))
        ticket = post.ticket_id
        self.assertTrue(ticket.social_waiting_deadline)
        posted = ticket.social_posted_at
        with self.assertRaises(UserError):
            self.record_answer_in_app(ticket, fields.Datetime.now() + dt.timedelta(minutes=5))
        with self.assertRaises(UserError):
            self.record_answer_in_app(ticket, posted - dt.timedelta(minutes=1))
        with self.assertRaises(UserError):
            self.record_answer_in_app(ticket, posted, link="javascript:alert(1)")
        self.assertFalse(ticket.social_first_reply_at)
        answered = posted + dt.timedelta(minutes=5)
        self.record_answer_in_app(ticket, answered,
                                  link="https://x.com/acme_support/status/1990000000000000782")
        self.assertEqual(ticket.social_first_reply_at, answered)
        self.assertEqual(ticket.social_first_reply_channel, "network_app_recorded")
        self.assertTrue(ticket.social_deadline_met)
        self.assertEqual(ticket.social_deadline_state, "met")
        self.assertFalse(ticket.social_waiting_deadline, "no longer waiting")
        self.assertEqual(ticket.social_queue_rank, 0)
        note = ticket.message_ids.filtered(lambda m: "network's own app" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("nothing was sent from Odoo", note.body)
        self.assertIn("1990000000000000782", note.body)
        self.assertEqual(note.author_id, self.agent.partner_id)
        self.assertFalse(self.env["social.crm.outbox"].search([("post_id", "=", post.id)]))
        self.assertFalse(self.net.requests)
        row = self.env["social.crm.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(row.first_reply_at, answered)
        self.assertAlmostEqual(row.reaction_minutes, 5, delta=0.1)
        with self.assertRaises(UserError):
            self.record_answer_in_app(ticket, fields.Datetime.now())
        self.assertEqual(ticket.social_first_reply_at, answered)

    def test_answer_in_the_networks_app_needs_write_access(self):
        post = self.ingest(self.complaint("1990000000000000783", author=self.ina()))
        reader = self.env["res.users"].create({
            "name": "Rita Reader", "login": "sh_reader",
            "group_ids": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            post.ticket_id.with_user(reader).action_social_answered_in_app()

    def test_outbox_result_is_worded_for_whom_queued_it(self):
        """The outbox sender runs as the cron's user (OdooBot, English): what it writes on an
        item (its Reason column) is in the language of the user who queued it, else of the
        company. Before, a German manager read "Demo: recorded, not sent ..." in English."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.agent.lang = "de_DE"
        self.env.ref("base.user_root").lang = "en_US"
        replay = self.env.ref("social_crm.source_demo_replay")
        post = self.ingest(self.complaint("1990000000000000778", author=self.ina()), source=replay)
        self.open_wizard(post.ticket_id, "@ina_influencer Das tut uns leid!").action_send()
        self.run_sender()
        item = post.ticket_id.social_reply_ids.outbox_id
        self.assertEqual(item.state, "demo")
        self.assertEqual(item.user_id, self.agent)
        self.assertIn("Demo: gespeichert, nicht gesendet", item.error_message)
        # an item queued by a user without a language: the company's
        self.env.user.company_id.partner_id.lang = "de_DE"
        self.agent.lang = False
        other = self.ingest(self.complaint("1990000000000000779", author=self.ina()),
                            source=replay)
        self.open_wizard(other.ticket_id, "@ina_influencer Entschuldigung!").action_send()
        self.run_sender()
        latest = other.ticket_id.social_reply_ids.sorted("id")[-1:]
        self.assertEqual(latest.text, "@ina_influencer Entschuldigung!")
        self.assertIn("Demo: gespeichert, nicht gesendet", latest.outbox_id.error_message)

    def test_outbox_note_on_the_ticket_is_in_the_language_of_whom_queued_it(self):
        """Probe (served demo, the German demo agent replies on the headline ticket): the
        sender (OdooBot, English) wrote the ticket's note of the reply, authored by the agent,
        in English ("Demo: recorded, not sent ... Not a public answer"), between the agent's
        German notes of the same minute (Move to Private). The note is now worded as the
        item's reason is: in the language of the user who queued it."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_helpdesk"], ["de_DE"], overwrite=True)
        self.agent.lang = "de_DE"
        self.env.ref("base.user_root").lang = "en_US"
        replay = self.env.ref("social_crm.source_demo_replay")
        post = self.ingest(self.complaint("1990000000000000780", author=self.ina()), source=replay)
        self.open_wizard(post.ticket_id, "@ina_influencer Das tut uns leid!").action_send()
        self.run_sender()
        note = post.ticket_id.message_ids.filtered(
            lambda m: "Das tut uns leid!" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.agent.partner_id)
        self.assertIn("Demo: gespeichert, nicht gesendet", note.body)
        self.assertIn("Keine öffentliche Antwort", note.body)
        self.assertNotIn("recorded, not sent", note.body)

    # --- the outbox: network writes after the commit ---------------------------------------
    def queue_x_reply(self, ext, text="@ina_influencer Sorry!"):
        post = self.ingest(self.complaint(ext, author=self.ina()))
        self.open_wizard(post.ticket_id, text).action_send()
        return post.ticket_id, post.ticket_id.social_reply_ids

    def test_rollback_after_the_network_accepted_never_posts_twice_on_x(self):
        ticket, reply = self.queue_x_reply("1990000000000006001")
        self.net.add("POST", X_TWEETS, status=201, json_body={
            "data": {"id": "1990000000000006999", "text": "@ina_influencer Sorry!",
                     "edit_history_tweet_ids": ["1990000000000006999"]}})
        Outbox = type(self.env["social.crm.outbox"])
        # X published the reply, then recording its answer failed (the transaction of that
        # step is rolled back, as when the server stops right after the call)
        with patch.object(Outbox, "_record_result", side_effect=RuntimeError("worker killed")), \
                mute_logger("odoo.addons.social_crm.models.social_crm_outbox"):
            self.run_sender()
        item = reply.outbox_id
        self.assertEqual(item.state, "sending")
        self.assertFalse(item.external_id)
        self.assertEqual(len(self.net.requests), 1)
        # another run while the attempt may still be under way: left alone
        self.run_sender()
        self.assertEqual(len(self.net.requests), 1)
        self.assertEqual(item.state, "sending")
        # after the lease: X has no idempotency key, so a person checks; nothing is re-posted
        item.sudo().claimed_at = fields.Datetime.now() - dt.timedelta(minutes=11)
        with mute_logger("odoo.addons.social_crm"):
            self.run_sender()
        self.assertEqual(len(self.net.requests), 1, "never posted twice")
        self.assertEqual(item.state, "failed")
        self.assertEqual(item.failure, "unknown")
        self.assertEqual(reply.state, "failed")
        self.assertIn("Check the post on X", reply.error_message)
        self.assertFalse(ticket.social_first_reply_at)

    def test_rollback_after_the_network_accepted_mastodon_resends_with_the_same_key(self):
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        post = self.ingest(
            self.complaint("555000000000009201", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        ticket = post.ticket_id
        self.open_wizard(ticket, "@emily@fosstodon.org We are on it.").action_send()
        status = mastodon_status("555000000000009299", "@emily We are on it.")
        self.net.add("POST", MASTODON_STATUSES, json_body=status)
        Outbox = type(self.env["social.crm.outbox"])
        with patch.object(Outbox, "_record_result", side_effect=RuntimeError("worker killed")), \
                mute_logger("odoo.addons.social_crm.models.social_crm_outbox"):
            self.run_sender()
        item = ticket.social_reply_ids.outbox_id
        self.assertEqual(item.state, "sending")
        item.sudo().claimed_at = fields.Datetime.now() - dt.timedelta(minutes=11)
        # Mastodon answers a repeated Idempotency-Key with the status it already made
        self.run_sender()
        first, second = (prepared for prepared, _kw in self.net.requests)
        self.assertEqual(first.headers["Idempotency-Key"], second.headers["Idempotency-Key"])
        self.assertEqual(item.state, "sent")
        self.assertEqual(item.external_id, "555000000000009299")
        self.assertEqual(item.attempts, 2)
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        notes = ticket.message_ids.filtered(lambda m: "Public reply" in (m.body or ""))
        self.assertEqual(len(notes), 1)

    @mute_logger("odoo.addons.social_crm")
    def test_retry_with_backoff(self):
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        post = self.ingest(
            self.complaint("555000000000009301", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        ticket = post.ticket_id
        self.open_wizard(ticket, "@emily@fosstodon.org We are on it.").action_send()
        item = ticket.social_reply_ids.outbox_id
        unavailable = {"status": 503, "json_body": {"error": "Service Unavailable"}}
        self.net.add("POST", MASTODON_STATUSES, **unavailable)
        waits = []
        for attempt in (1, 2):
            before = fields.Datetime.now()
            self.run_sender()
            self.assertEqual(item.state, "queued")
            self.assertEqual(item.attempts, attempt)
            self.assertIn("503", item.error_message)
            self.assertEqual(ticket.social_reply_ids.state, "queued")
            waits.append(item.next_attempt_at - before)
            # not due yet: the next run leaves it alone
            self.run_sender()
            self.assertEqual(len(self.net.requests), attempt)
            item.sudo().next_attempt_at = fields.Datetime.now() - dt.timedelta(seconds=1)
        self.assertGreaterEqual(waits[0], dt.timedelta(seconds=59))
        self.assertGreaterEqual(waits[1], 2 * waits[0] - dt.timedelta(seconds=2), "backs off")
        self.net.routes.clear()
        self.net.add("POST", MASTODON_STATUSES,
                     json_body=mastodon_status("555000000000009399", "@emily We are on it."))
        self.run_sender()
        self.assertEqual(item.state, "sent")
        self.assertEqual(item.attempts, 3)
        self.assertEqual(ticket.social_reply_ids.state, "sent")

    @mute_logger("odoo.addons.social_crm")
    def test_revoked_token_fails_without_retry(self):
        ticket, reply = self.queue_x_reply("1990000000000006002")
        self.net.add("POST", X_TWEETS, status=401, json_body={
            "title": "Unauthorized", "type": "about:blank", "status": 401,
            "detail": "Unauthorized"})
        self.run_sender()
        item = reply.outbox_id
        self.assertEqual(item.state, "failed")
        self.assertEqual(item.failure, "refused")
        self.assertEqual(item.attempts, 1)
        self.assertFalse(item.next_attempt_at)
        self.assertIn("Publishing Accounts", item.error_message)
        self.assertNotIn("at-test", item.error_message)
        self.run_sender()
        self.assertEqual(len(self.net.requests), 1, "no retry by itself")
        self.assertEqual(reply.state, "failed")
        self.assertFalse(ticket.social_first_reply_at)

    @mute_logger("odoo.addons.social_crm", "tweepy")
    def test_x_unreachable_reply_is_retried_by_itself(self):
        """Probe (served product, X out of reach): no connection could be opened, so X never
        saw the reply. It is retried by itself when X is back, not left "failed: check the
        post on X" for a manager's Retry while the influencer waits."""
        ticket, reply = self.queue_x_reply("1990000000000006003")
        item = reply.outbox_id
        # what requests raises when the connection is refused, or the name does not resolve
        refused = requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(
            None, "/2/tweets", urllib3.exceptions.NewConnectionError(
                None, "Failed to establish a new connection: [Errno 111] Connection refused")))
        for attempt, exc in enumerate(
                (refused, requests.exceptions.ConnectTimeout("connect timed out")), start=1):
            self.net.routes.clear()
            self.net.add("POST", X_TWEETS, exc=exc)
            self.run_sender()
            self.assertEqual((item.state, item.failure), ("queued", False), attempt)
            self.assertEqual(item.attempts, attempt)
            self.assertTrue(item.next_attempt_at)
            self.assertEqual(reply.state, "queued")
            self.assertNotIn("may have published", item.error_message)
            item.sudo().next_attempt_at = fields.Datetime.now() - dt.timedelta(seconds=1)
        self.net.routes.clear()
        self.net.add("POST", X_TWEETS, status=201, json_body={
            "data": {"id": "1990000000000006998", "text": "@ina_influencer Sorry!",
                     "edit_history_tweet_ids": ["1990000000000006998"]}})
        self.run_sender()
        self.assertEqual(item.state, "sent")
        self.assertEqual(reply.state, "sent")
        self.assertTrue(ticket.social_first_reply_at)
        self.assertEqual(len(self.net.requests), 3)

    def test_first_response_time_is_when_the_reply_is_really_sent(self):
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            post = self.ingest(self.complaint("1990000000000006003", author=self.ina(),
                                              minutes_ago=0))
            ticket = post.ticket_id
            self.assertEqual(ticket.social_response_deadline, t0 + dt.timedelta(minutes=15))
        with freeze_time(t0 + dt.timedelta(minutes=10)):
            self.open_wizard(ticket, "@ina_influencer Sorry!").action_send()
        self.assertFalse(ticket.social_first_reply_at, "queued is not answered")
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {"id": "88", "text": "x"}})
        with freeze_time(t0 + dt.timedelta(minutes=20)):
            self.run_sender()
        self.assertEqual(ticket.social_first_reply_at, t0 + dt.timedelta(minutes=20))
        self.assertFalse(ticket.social_deadline_met, "sent after the deadline: late")
        self.assertEqual(ticket.social_deadline_state, "late")

    def test_replies_use_the_publishing_account_of_the_posts_company(self):
        Account = self.env["social.crm.account"]
        Account.create({"name": "Acme brand", "network_id": self.x.id,
                        "company_id": self.company.id, "api_key": "brand-ck",
                        "api_secret": "brand-cs", "access_token": "brand-at",
                        "access_token_secret": "brand-ats"})
        Account.create({"name": "Other brand", "network_id": self.x.id,
                        "company_id": self.other_company.id, "api_key": "other-ck",
                        "api_secret": "other-cs", "access_token": "other-at",
                        "access_token_secret": "other-ats"})
        _ticket, reply = self.queue_x_reply("1990000000000006004")
        self.assertEqual(reply.outbox_id.account_id.name, "Acme brand")
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {"id": "89", "text": "x"}})
        self.run_sender()
        authorization = self.net.requests[-1][0].headers["Authorization"]
        self.assertIn('oauth_consumer_key="brand-ck"', authorization)
        self.assertIn('oauth_token="brand-at"', authorization)
        self.assertEqual(reply.state, "sent")
        # the helpdesk agent sees the account's name, never its tokens
        with self.assertRaises(AccessError):
            Account.with_user(self.agent).search([]).read(["access_token"])

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_a_stalled_network_does_not_hold_the_replies_of_the_others(self):
        """Probe (served product, workers): X did not answer (a read time-out, 20 s each),
        and a Mastodon reply queued after two X replies waited behind every one of them.
        Now the first X time-out defers the other X reply of the run (queued, no attempt
        counted, a truthful message, the same next attempt: X's items keep their order) and
        the Mastodon reply goes out in the same run."""
        _ticket, first = self.queue_x_reply("1990000000000006101")
        second_post = self.ingest(self.complaint("1990000000000006102"))
        self.open_wizard(second_post.ticket_id, "@user Sorry, we are on it.").action_send()
        second = second_post.ticket_id.social_reply_ids
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        masto_post = self.ingest(
            self.complaint("555000000000009121", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        self.open_wizard(masto_post.ticket_id, "@emily@fosstodon.org We are on it.").action_send()
        masto = masto_post.ticket_id.social_reply_ids
        self.assertLess(first.outbox_id.id, second.outbox_id.id)
        self.assertLess(second.outbox_id.id, masto.outbox_id.id, "X's replies are due first")
        self.net.add("POST", X_TWEETS, exc=requests.exceptions.ReadTimeout("timed out"))
        self.net.add("POST", MASTODON_STATUSES,
                     json_body=mastodon_status("555000000000009998", "@emily We are on it."))
        self.run_sender()
        x_calls = [p for p, _kw in self.net.requests if p.url.startswith(X_TWEETS)]
        self.assertEqual(len(x_calls), 1, "X is asked once in the run")
        self.assertEqual(masto.state, "sent", "Mastodon's reply does not wait behind X")
        # the reply X may have published: a person checks (never re-posted blindly)
        self.assertEqual((first.outbox_id.state, first.outbox_id.failure), ("failed", "unknown"))
        item = second.outbox_id
        self.assertEqual((item.state, item.attempts), ("queued", 0), "not attempted")
        self.assertGreater(item.next_attempt_at, fields.Datetime.now())
        self.assertIn("did not answer another request in time", item.error_message)
        self.assertIn("timed out", item.error_message)
        self.assertEqual(second.state, "queued")
        self.assertEqual(second.error_message, item.error_message, "the agent sees why")
        # X answers again: the deferred reply goes out at its next attempt
        self.net.routes.clear()
        self.net.add("POST", X_TWEETS, status=201, json_body={
            "data": {"id": "1990000000000006998", "text": "@user Sorry, we are on it.",
                     "edit_history_tweet_ids": ["1990000000000006998"]}})
        with freeze_time(item.next_attempt_at + dt.timedelta(seconds=1)):
            self.run_sender()
        self.assertEqual((item.state, item.attempts), ("sent", 1))
        self.assertEqual(second.state, "sent")
        self.assertFalse(second.error_message)

    def _to_loopback(self, server):
        """Requests to the networks go to ``server`` (its path kept): the real sockets."""

        def handler(session, prepared, /, **kwargs):
            prepared.url = server.url + urlsplit(prepared.url).path
            return _super_send(session, prepared, **kwargs)

        return patch.object(type(self), "_request_handler", handler)

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_a_reply_answered_by_a_drip_ends_by_the_write_deadline(self):
        """Probe (served product, workers): X answered the reply one byte every 19 s, so the
        per-read time-out never fired; the cron worker was killed at limit_time_real, the
        item stayed "sending" for the lease and then became "unknown". Now the write ends
        at its deadline (tweepy's session too) and the item says at once what happened."""
        ticket, reply = self.queue_x_reply("1990000000000006111")
        item = reply.outbox_id
        with DripServer("body", pace=0.2, duration=8) as server, self._to_loopback(server), \
                patch.object(outbox_model, "WRITE_DEADLINE", 1):
            started = time.monotonic()
            self.run_sender()
            took = time.monotonic() - started
            self.assertEqual(server.requests, 1)
        self.assertLess(took, 5, "the write ended by its deadline")
        self.assertEqual((item.state, item.failure), ("failed", "unknown"))
        self.assertIn("did not finish within 1s", item.error_message)
        self.assertIn("may have published it anyway", item.error_message)
        self.assertEqual(reply.state, "failed")
        self.assertFalse(ticket.social_first_reply_at)

    @mute_logger("odoo.addons.social_crm", "odoo.addons.social_crm_helpdesk", "tweepy")
    def test_a_sender_run_stops_claiming_after_its_budget_and_goes_on_at_once(self):
        """A run claims items for SEND_BUDGET seconds at most (one more write may take
        WRITE_DEADLINE): well below the cron worker's limit_time_real. The rest goes on in
        a fresh run, triggered at once. One sender thread: the Mastodon item, on another
        server than X's, would otherwise be claimed at once beside it, before the budget
        passed (see social_crm's test_outbox_parallel)."""
        _ticket, reply = self.queue_x_reply("1990000000000006121")
        author = self.make_author("emily@fosstodon.org", "emily@fosstodon.org", "Emily",
                                  network="mastodon")
        masto_post = self.ingest(
            self.complaint("555000000000009131", author=author, network="mastodon", lang="en",
                           text="@acme Your update bricked my smart plug. Fix this please."),
            source=self.mastodon_source,
        )
        self.open_wizard(masto_post.ticket_id, "@emily@fosstodon.org We are on it.").action_send()
        masto = masto_post.ticket_id.social_reply_ids
        cron = self.env.ref("social_crm.ir_cron_social_crm_outbox")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        with DripServer("headers", pace=0.2, duration=8) as server, self._to_loopback(server), \
                patch.object(outbox_model, "WRITE_DEADLINE", 1), \
                patch.object(outbox_model, "SEND_BUDGET", 0.5), \
                patch.object(outbox_model, "SEND_WORKERS", 1):
            self.run_sender()
        self.assertEqual(reply.outbox_id.failure, "unknown")
        self.assertIn("did not finish within 1s", reply.outbox_id.error_message)
        self.assertEqual((masto.outbox_id.state, masto.outbox_id.attempts), ("queued", 0),
                         "not claimed after the budget")
        now = fields.Datetime.now()
        fresh = Trigger.search([("cron_id", "=", cron.id), ("id", "not in", before.ids)])
        self.assertTrue(fresh.filtered(lambda t: t.call_at <= now), "a fresh run at once")
        self.net.add("POST", MASTODON_STATUSES,
                     json_body=mastodon_status("555000000000009997", "@emily We are on it."))
        self.run_sender()
        self.assertEqual(masto.state, "sent")
