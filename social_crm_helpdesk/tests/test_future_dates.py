# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts the network dates in the future (its clock ahead of ours, a feed in a wrong time
zone, a broken or hostile payload) through the real path (``_ingest_posts``, payloads as X
and Mastodon document them): stored as received, so that the ticket's deadline, the answer's
time, the KPIs and the lists count from the arrival; the network's value stays in the raw
payload."""

import datetime as dt

from freezegun import freeze_time

from odoo import fields
from odoo.addons.social_crm.connectors import mastodon, x
from odoo.addons.social_crm.services import ingest
from odoo.tests import tagged

from .common import ArrivalCase, social_list_order

HOST = "mastodon.example"
IBAN_TEXT = (
    "@acme Router kaputt und keiner antwortet! Erstattet endlich auf DE89 3704 0044 0532 "
    "0130 00, Frechheit!"
)
GRUMBLE = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
MINUTE = dt.timedelta(minutes=1)


def x_time(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def x_answer(*tweets):
    """An X API v2 answer (mentions timeline / recent search); ``tweets``: (id, author id,
    created_at as X writes it)."""
    return {
        "data": [
            {"id": tid, "text": IBAN_TEXT, "author_id": uid, "created_at": created,
             "conversation_id": tid, "lang": "de", "edit_history_tweet_ids": [tid],
             "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                "quote_count": 0}}
            for tid, uid, created in tweets
        ],
        "includes": {"users": [
            {"id": uid, "name": f"Kunde {uid}", "username": f"kunde_{uid}",
             "public_metrics": {"followers_count": 80}}
            for _tid, uid, _created in tweets
        ]},
        "meta": {"result_count": len(tweets), "newest_id": tweets[-1][0]},
    }


def mastodon_status(status_id, account_id, created, text=GRUMBLE, edited=None):
    """A Mastodon Status entity (``GET /api/v1/statuses/:id``, a timeline, a notification's
    status)."""
    stamp = "%Y-%m-%dT%H:%M:%S.000Z"
    return {
        "id": status_id, "created_at": created.strftime(stamp),
        "edited_at": edited.strftime(stamp) if edited else None,
        "visibility": "public", "language": "de", "spoiler_text": "",
        "uri": f"https://{HOST}/users/u{account_id}/statuses/{status_id}",
        "url": f"https://{HOST}/@u{account_id}/{status_id}",
        "content": f"<p>{text}</p>",
        "account": {"id": account_id, "username": f"u{account_id}", "acct": f"u{account_id}",
                    "display_name": f"Kunde {account_id}", "followers_count": 40,
                    "url": f"https://{HOST}/@u{account_id}"},
        "mentions": [{"id": "2", "username": "acme", "acct": "acme"}],
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
    }


@tagged("post_install", "-at_install")
class TestFutureDates(ArrivalCase):
    def setUp(self):
        super().setUp()
        # the arrival, in the past of the test's real clock (the answers below are recorded
        # after it and may not be in the future)
        self.t0 = fields.Datetime.now() - dt.timedelta(hours=2)

    def answer(self, ticket, when):
        wizard = self.env["social.crm.network.answer.wizard"].create(
            {"ticket_id": ticket.id, "answered_at": when})
        wizard.action_confirm()

    def test_x_posts_dated_an_hour_and_five_years_ahead_count_from_their_arrival(self):
        ahead = {"7001": self.t0 + dt.timedelta(hours=1),
                 "7002": dt.datetime(2031, 1, 1, 0, 0, 0)}
        body = x_answer(*((tid, f"9{tid}", x_time(when)) for tid, when in ahead.items()))
        with freeze_time(self.t0):
            posts = self.ingest(*x.parse_tweets(body))
        self.assertEqual(len(posts), 2)
        for post in posts:
            self.assertEqual(post.posted_at, self.t0, post.external_id)
            # the network's own date is kept in the raw payload
            raw = post.sudo().raw_payload
            self.assertEqual(raw["created_at"], x_time(ahead[post.external_id]))
            if post.external_id == "7001":
                # and said to be later than the arrival (a date more than a day ahead is
                # read as the time of reading by the connector already: FUTURE_SLACK)
                self.assertEqual(raw[ingest.REPORTED_POSTED_AT],
                                 ahead[post.external_id].isoformat() + "Z")
            ticket = post.ticket_id
            self.assertEqual(ticket.priority, "3")
            self.assertEqual(ticket.social_posted_at, self.t0)
            # 15 minutes from the arrival (before: from the network's future date)
            self.assertEqual(ticket.social_response_deadline, self.t0 + 15 * MINUTE)
        hour, years = (posts.filtered(lambda p, e=e: p.external_id == e).ticket_id
                       for e in ("7001", "7002"))
        # answered 10 minutes after the arrival (before: refused as "before the complaint")
        self.answer(hour, self.t0 + 10 * MINUTE)
        self.assertTrue(hour.social_deadline_met)
        # answered 20 minutes after the arrival: late (before: "met", 5 years early)
        self.answer(years, self.t0 + 20 * MINUTE)
        self.assertFalse(years.social_deadline_met)
        rows = self.env["social.crm.helpdesk.report"].search(
            [("ticket_id", "in", (hour | years).ids)])
        minutes = {row.ticket_id: row.reaction_minutes for row in rows}
        self.assertAlmostEqual(minutes[hour], 10.0)
        self.assertAlmostEqual(minutes[years], 20.0)

    def test_mastodon_list_order_and_later_edits_keep_the_arrival(self):
        """A status dated an hour ahead arrives first, an ordinary one 20 minutes later: the
        later one is the newer post and its ticket's deadline is the later one; edits of the
        skewed status keep its arrival as its date, and an edit dated right (the network's
        clock fixed) still applies after one dated ahead."""
        first = mastodon.parse_status(
            mastodon_status("114000000000000001", "71", self.t0 + dt.timedelta(hours=1)), HOST)
        with freeze_time(self.t0):
            skewed = self.ingest(first, source=self.mastodon_source)
        self.assertEqual(skewed.posted_at, self.t0)
        second = mastodon.parse_status(
            mastodon_status("114000000000000002", "72", self.t0 + 19 * MINUTE), HOST)
        with freeze_time(self.t0 + 20 * MINUTE):
            later = self.ingest(second, source=self.mastodon_source)
        self.assertEqual(later.posted_at, self.t0 + 19 * MINUTE)
        both = skewed | later
        self.assertEqual(self.Post.search([("id", "in", both.ids)]), later | skewed)
        self.assertEqual(skewed.ticket_id.priority, later.ticket_id.priority)
        tickets = self.Ticket.search([("id", "in", both.ticket_id.ids)],
                                     order=social_list_order(self.env))
        self.assertEqual(tickets.ids, [skewed.ticket_id.id, later.ticket_id.id])
        self.assertLess(skewed.ticket_id.social_response_deadline,
                        later.ticket_id.social_response_deadline)
        # an edit dated ahead too (the same clock), 30 minutes after the arrival
        edit = mastodon.parse_status(mastodon_status(
            "114000000000000001", "71", self.t0 + dt.timedelta(hours=1),
            text=f"{GRUMBLE} Immer noch nichts!",
            edited=self.t0 + dt.timedelta(hours=1, minutes=30),
        ), HOST)
        with freeze_time(self.t0 + 30 * MINUTE):
            self.ingest(edit, source=self.mastodon_source)
        self.assertIn("Immer noch nichts", skewed.text)
        self.assertEqual(skewed.posted_at, self.t0)
        self.assertEqual(skewed.edited_at, self.t0 + 30 * MINUTE)
        self.assertEqual(skewed.ticket_id.social_posted_at, self.t0)
        self.assertEqual(skewed.ticket_id.social_response_deadline,
                         later.ticket_id.social_response_deadline - 19 * MINUTE)
        # the network's clock fixed: its next edit, dated right, is newer than the one before
        fixed = mastodon.parse_status(mastodon_status(
            "114000000000000001", "71", self.t0 + 19 * MINUTE,
            text=f"{GRUMBLE} Jetzt reicht es!", edited=self.t0 + 39 * MINUTE,
        ), HOST)
        with freeze_time(self.t0 + 40 * MINUTE):
            self.ingest(fixed, source=self.mastodon_source)
        self.assertIn("Jetzt reicht es", skewed.text)
        self.assertEqual(skewed.edited_at, self.t0 + 39 * MINUTE)
        self.assertEqual(skewed.posted_at, self.t0)
