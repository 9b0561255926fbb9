# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The headline case through every real-time path: a stranger with 10,000 followers attacks
the brand. The product knows at once who that is (identity, counts, provisional score), puts
the ticket on top of the team's list with an owner who is an agent of the team (never
OdooBot), alerts the team's channel and the owner, and the agent's answer goes out through
the outbox; the reaction-time KPIs are filled. Payloads as the networks document them; HTTP
mocked at the boundary only (``FakeNetwork``)."""

import datetime as dt
import json
from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors import x_stream
from odoo.addons.social_crm_helpdesk.tests.common import ArrivalCase, social_list_order
from odoo.tests import tagged

BSKY_PROFILES = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles"
X_TWEETS = "https://api.twitter.com/2/tweets"
GERMAN = ("@acme.de Euer Router ist seit Montag kaputt und der Support antwortet nicht. "
          "Frechheit, nie wieder ACME!")
STRANGER_DID = "did:plc:stranger10k0000000000001"


def jetstream_post(number, text, did=STRANGER_DID, created=None):
    """A Jetstream commit creating a post, as Jetstream documents it (no author counts)."""
    created = created or dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    return json.dumps({
        "did": did,
        "time_us": int(created.timestamp() * 1_000_000) + number,
        "kind": "commit",
        "commit": {
            "rev": f"3lrev{number}", "operation": "create", "collection": "app.bsky.feed.post",
            "rkey": f"3khead{number:04d}",
            "record": {"$type": "app.bsky.feed.post",
                       "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                       "langs": ["de"], "text": text},
            "cid": f"bafyreiheadcid{number}",
        },
    })


def bsky_profile(did=STRANGER_DID, followers=10000):
    """An ``app.bsky.actor.defs#profileViewDetailed`` as getProfiles returns it."""
    return {"did": did, "handle": "kritiker.bsky.social", "displayName": "Karl Kritiker",
            "description": "Technik-Blogger", "followersCount": followers, "followsCount": 180,
            "postsCount": 5400, "indexedAt": "2026-01-01T00:00:00.000Z",
            "createdAt": "2023-05-01T00:00:00.000Z"}


@tagged("post_install", "-at_install")
class TestHeadline(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.social_network_ids = [(4, cls.bluesky.id)]
        cls.bsky_source = cls.env["social.crm.source"].create({
            "name": "Bluesky ACME (Jetstream)", "network_id": cls.bluesky.id, "kind": "search",
            "query": "acme", "base_url": "wss://jetstream2.us-east.bsky.network/subscribe",
        })

    # --- helpers -------------------------------------------------------------------------------
    def deliver(self, source, raw_events, channel="stream"):
        """Store events as the listener or the webhook route does, then run the processing
        job as the cron does (its commits not done)."""
        Event = self.env["social.crm.event"]
        if channel == "stream":
            events = Event.browse(source._listener_store(raw_events))
        else:
            events = Event.browse(Event._store_events(source, raw_events, channel))
        self.assertTrue(events)
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"})
        return events

    @staticmethod
    def jetstream(message):
        """The listener's reading of a Jetstream message for a source listening for "acme"."""
        return connector_events.jetstream_message(message, (), ("acme",))

    def run_enrich(self):
        """Run the enrichment job as the cron does (its commits not done)."""
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: 60.0,
        ):
            self.env["social.crm.identity"]._cron_enrich_due()

    def older_regular_ticket(self):
        """A regular customer's complaint of 30 minutes ago: its deadline (60 minutes) is
        30 minutes away, the influencer's (15 minutes) comes first."""
        post = self.ingest(self.complaint("regular-old", minutes_ago=30))
        self.assertEqual(post.ticket_id.priority, "1")
        return post.ticket_id

    def social_list(self):
        """The team's tickets in the order of the Social Tickets list (its view's)."""
        return self.Ticket.search(
            [("team_id", "=", self.team.id)], order=social_list_order(self.env)
        )

    def assert_headline_ticket(self, post, older):
        identity = post.identity_id
        self.assertTrue(identity.partner_id)
        self.assertEqual(identity.followers_count, 10000)
        row = post.partner_id.social_score_history_ids.filtered("is_current")
        self.assertTrue(row.is_provisional, "scored at arrival, not at night")
        self.assertEqual(row.tier, "top_influencer")
        ticket = post.ticket_id
        self.assertTrue(ticket)
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(ticket.social_response_deadline,
                         ticket.social_posted_at + dt.timedelta(minutes=15))
        self.assertEqual(self.social_list()[:2], ticket | older, "on top of the team's list")
        self.assertEqual(self.social_list()[0], ticket, "first of the team's list")
        self.assertIn(ticket.user_id, self.team.user_ids | self.team.user_id)
        self.assertTrue(ticket.user_id.active)
        self.assertNotEqual(ticket.user_id, self.odoobot)
        self.assertTrue(ticket.social_alerted_at)
        self.assertIn(f'data-oe-id="{ticket.id}"', " ".join(self.channel_messages().mapped("body")))
        # the owner's web client pops the alert up
        notes = self.env["bus.bus"].sudo().search([("message", "like", "Social alert")])
        self.assertIn(
            f'"res.partner",{ticket.user_id.partner_id.id}]', " ".join(notes.mapped("channel")))
        return ticket

    # --- on top of a backlog: an overdue regular complaint of yesterday ----------------------
    def test_influencer_on_top_of_an_overdue_backlog(self):
        """The team did not answer a regular customer yesterday (overdue for a day) and has
        another regular complaint with 30 minutes left; a top influencer complains now (15
        minutes to answer). The list puts the influencer's ticket first, then the regular ones
        by deadline (the overdue first), then the answered ones; a ticket whose priority
        an agent raises goes up with it."""
        self.online(self.bert)
        overdue = self.ingest(self.complaint("regular-yesterday", minutes_ago=24 * 60)).ticket_id
        self.assertEqual(overdue.priority, "1")
        self.assertEqual(overdue.social_deadline_state, "overdue")
        older = self.older_regular_ticket()
        answered = self.ingest(self.complaint("regular-answered", minutes_ago=10)).ticket_id
        answered.sudo().social_first_reply_at = fields.Datetime.now()
        self.assertFalse(answered.social_waiting_deadline)
        post = self.ingest(self.complaint("influencer-now", author=self.ina(), minutes_ago=1))
        ticket = post.ticket_id
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(self.social_list(), ticket | overdue | older | answered)
        self.assertEqual(list(self.social_list()), [ticket, overdue, older, answered])
        # the lead raises the waiting regular complaint: it goes up with its priority
        older.priority = "2"
        self.assertEqual(list(self.social_list()), [ticket, older, overdue, answered])
        # once answered, the influencer's ticket leaves the top
        ticket.sudo().social_first_reply_at = fields.Datetime.now()
        self.assertEqual(list(self.social_list())[:2], [older, overdue])

    # --- Bluesky Jetstream: no counts in the stream, the profile look-up at arrival ------------
    def test_bluesky_jetstream_stranger_known_at_arrival(self):
        self.online(self.bert)
        older = self.older_regular_ticket()
        self.net.add("GET", BSKY_PROFILES, json_body={"profiles": [bsky_profile()]})
        self.deliver(self.bsky_source, [self.jetstream(jetstream_post(1, GERMAN))])
        post = self.Post.search([("source_id", "=", self.bsky_source.id)])
        self.assertEqual(len(post), 1)
        self.assertEqual(post.lang, "de")
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.bert)
        self.assertEqual(post.identity_id.lookup_state, "ok")
        self.assertEqual(post.identity_id.handle, "kritiker.bsky.social")
        # the owner answers from the ticket; the outbox posts it on the company's PDS
        self.env["social.crm.account"].create({
            "name": "ACME on Bluesky", "network_id": self.bluesky.id,
            "handle": "acme.bsky.social", "company_id": self.company.id,
            "access_token": "abcd-efgh-ijkl-mnop"})
        pds = "https://bsky.social/xrpc"
        self.net.add("POST", f"{pds}/com.atproto.server.createSession", json_body={
            "accessJwt": "jwt-access", "refreshJwt": "jwt-refresh",
            "handle": "acme.bsky.social", "did": "did:plc:acmecompany0000000000000"})
        self.net.add("GET", f"{pds}/app.bsky.feed.getPosts", json_body={"posts": [{
            "uri": post.external_id, "cid": "bafyreiheadcid1",
            "author": {"did": STRANGER_DID, "handle": "kritiker.bsky.social"},
            "record": {"$type": "app.bsky.feed.post", "text": GERMAN,
                       "createdAt": "2026-12-03T09:12:00.000Z"},
            "indexedAt": "2026-12-03T09:12:01.000Z"}]})
        self.net.add("POST", f"{pds}/com.atproto.repo.createRecord", json_body={
            "uri": "at://did:plc:acmecompany0000000000000/app.bsky.feed.post/3lreply",
            "cid": "bafyreireply", "validationStatus": "valid"})
        self.reply(ticket, "@kritiker.bsky.social Das tut uns leid, wir melden uns.")
        create = json.loads(self.net.requests[-1][0].body)
        self.assertEqual(create["record"]["reply"]["parent"],
                         {"uri": post.external_id, "cid": "bafyreiheadcid1"})
        self.assert_answered(ticket)

    def test_bluesky_lookup_rate_limited_at_arrival_then_retried(self):
        """The AppView answers 429 at arrival: the ticket is still made, owned and listed (as
        a regular customer's); the enrichment job, at the reset, fills the counts and the
        ticket is raised to the top then, with its alert."""
        self.online(self.bert)
        older = self.older_regular_ticket()
        reset = int((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).timestamp())
        self.net.add("GET", BSKY_PROFILES, status=429, json_body={"error": "RateLimitExceeded"},
                     headers={"ratelimit-reset": str(reset)})
        self.net.add("GET", BSKY_PROFILES, json_body={"profiles": [bsky_profile()]})
        self.deliver(self.bsky_source, [self.jetstream(jetstream_post(2, GERMAN))])
        post = self.Post.search([("source_id", "=", self.bsky_source.id)])
        ticket = post.ticket_id
        self.assertTrue(ticket, "the look-up failed, the ticket is made all the same")
        self.assertIn(ticket.user_id, self.team.user_ids)
        self.assertEqual(ticket.priority, "1", "ranked as a regular customer until known")
        identity = post.identity_id
        self.assertFalse(identity.followers_count)
        reset_at = dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None)
        self.assertEqual(identity.next_lookup_at, reset_at, "asked again at the reset")
        cron = self.env.ref("social_crm.ir_cron_social_crm_enrich")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search(
            [("cron_id", "=", cron.id), ("call_at", "=", reset_at)]), "the job runs then")
        # the enrichment job at the reset (the demo's identities were looked up just before)
        Identity = self.env["social.crm.identity"].sudo()
        Identity.search([("id", "!=", identity.id)]).next_lookup_at = (
            fields.Datetime.now() + dt.timedelta(days=1))
        identity.sudo().next_lookup_at = fields.Datetime.now() - dt.timedelta(seconds=1)
        self.run_enrich()
        self.assertEqual(identity.followers_count, 10000)
        self.assert_headline_ticket(post, older)

    def test_bluesky_author_without_contact_known_at_arrival(self):
        """The source keeps unknown authors' posts without creating contacts (no identity):
        the look-up at arrival gives the follower floors their number, the ticket is a top
        influencer's at once."""
        self.bsky_source.unknown_author_policy = "keep_post"
        self.online(self.bert)
        older = self.older_regular_ticket()
        self.net.add("GET", BSKY_PROFILES, json_body={"profiles": [bsky_profile()]})
        self.deliver(self.bsky_source, [self.jetstream(jetstream_post(3, GERMAN))])
        post = self.Post.search([("source_id", "=", self.bsky_source.id)])
        self.assertFalse(post.partner_id)
        ticket = post.ticket_id
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(self.social_list()[:2], ticket | older, "on top of the team's list")
        self.assertEqual(ticket.user_id, self.bert)
        self.assertTrue(ticket.social_alerted_at)

    def test_bluesky_author_without_contact_lookup_retried(self):
        """The source keeps unknown authors' posts without creating contacts (no identity)
        and the AppView answers 429 at arrival: the ticket is a regular customer's until
        known; the enrichment job asks again at the reset and the ticket is raised to the
        top then, counted, owned and alerted."""
        self.bsky_source.unknown_author_policy = "keep_post"
        self.online(self.bert)
        older = self.older_regular_ticket()
        reset = int((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).timestamp())
        self.net.add("GET", BSKY_PROFILES, status=429, json_body={"error": "RateLimitExceeded"},
                     headers={"ratelimit-reset": str(reset)})
        self.net.add("GET", BSKY_PROFILES, json_body={"profiles": [bsky_profile()]})
        self.deliver(self.bsky_source, [self.jetstream(jetstream_post(4, GERMAN))])
        post = self.Post.search([("source_id", "=", self.bsky_source.id)])
        self.assertFalse(post.identity_id)
        ticket = post.ticket_id
        self.assertEqual(ticket.priority, "1", "ranked as a regular customer until known")
        self.assertFalse(ticket.social_alerted_at)
        reset_at = dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None)
        self.assertEqual(post.author_lookup_at, reset_at, "asked again at the reset")
        cron = self.env.ref("social_crm.ir_cron_social_crm_enrich")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search(
            [("cron_id", "=", cron.id), ("call_at", "=", reset_at)]), "the job runs then")
        # the enrichment job at the reset (the demo's identities were looked up just before)
        self.env["social.crm.identity"].sudo().search([]).next_lookup_at = (
            fields.Datetime.now() + dt.timedelta(days=1))
        post.sudo().author_lookup_at = fields.Datetime.now() - dt.timedelta(seconds=1)
        self.run_enrich()
        self.assertEqual(post.author_followers_count, 10000)
        self.assertFalse(post.author_lookup_at, "asked once")
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(ticket.social_response_deadline,
                         ticket.social_posted_at + dt.timedelta(minutes=15))
        self.assertEqual(ticket.social_reach, 10000)
        self.assertEqual(self.social_list()[:2], ticket | older, "on top of the team's list")
        self.assertEqual(ticket.user_id, self.bert)
        self.assertTrue(ticket.social_alerted_at)
        self.assertIn("10,000 followers reached", " ".join(
            self.channel_messages().mapped("body")))
        # the job does not ask again
        self.run_enrich()
        self.assertEqual(len([r for r in self.net.requests
                              if r[0].url.startswith(BSKY_PROFILES)]), 2)

    # --- a match waiting for review: no identity, the counts the network reported ----------
    def poll_emma(self, status_id, minutes_ago, reply_to=None):
        """Emma Brooks (27,400 followers) posts under #acme; the hashtag source polls."""
        source = self.env["social.crm.source"].search([("name", "=", "#acme test")]) \
            or self.env["social.crm.source"].create({
                "name": "#acme test", "network_id": self.mastodon.id, "kind": "hashtag",
                "query": "acme", "base_url": "https://mastodon.example",
                "access_token": "masto-token"})
        account = dict(mastodon_account("emma@fosstodon.org", followers=27400),
                       display_name="Emma Brooks")
        status = mastodon_status(status_id, account,
                                 dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago),
                                 "Your update bricked my smart plug. Three support tickets, "
                                 "zero answers. Fix this! #acme")
        status["language"] = "en"
        if reply_to:
            status["in_reply_to_id"] = reply_to
        # this poll's page only (the FakeNetwork repeats its last answer)
        self.net.routes.pop(("GET", "mastodon.example/api/v1/timelines/tag/acme"), None)
        self.net.add("GET", "https://mastodon.example/api/v1/timelines/tag/acme",
                     json_body=[status])
        source._poll()
        return self.Post.search([("external_id", "=", status_id)])

    def emma_waiting_for_review(self):
        self.online(self.bert)
        older = self.older_regular_ticket()
        contact = self.env["res.partner"].create(
            {"name": "Emma Brookes", "email": "emma.brookes@example.com"})
        post = self.poll_emma("113500000000000201", 2)
        suggestion = self.env["social.crm.match.suggestion"].search(
            [("author_external_id", "=", "emma@fosstodon.org")])
        self.assertEqual((suggestion.partner_id, suggestion.state), (contact, "pending"))
        self.assertFalse(post.identity_id, "no identity while the match waits")
        ticket = post.ticket_id
        self.assertFalse(ticket.partner_id)
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(ticket.social_reach, 27400, "the followers the network reported")
        self.assertEqual(ticket.social_response_deadline,
                         ticket.social_posted_at + dt.timedelta(minutes=15))
        self.assertEqual(self.social_list()[:2], ticket | older, "on top of the team's list")
        self.assertEqual(ticket.user_id, self.bert)
        self.assertTrue(ticket.social_alerted_at)
        self.assertIn("27,400 followers reached", " ".join(
            self.channel_messages().mapped("body")))
        return suggestion, ticket

    def test_author_waiting_for_review_ranked_then_confirmed(self):
        suggestion, ticket = self.emma_waiting_for_review()
        suggestion.action_confirm()
        identity = ticket.social_post_id.identity_id
        self.assertEqual(identity.followers_count, 27400)
        self.assertEqual(ticket.partner_id, suggestion.partner_id, "the identity takes over")
        self.assertEqual(ticket.social_reach, 27400, "counted once, by the identity now")
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(suggestion.partner_id.social_score_tier, "top_influencer")
        self.assertEqual(len(self.channel_messages()), 1, "one alert")

    def test_author_waiting_for_review_ranked_then_rejected(self):
        suggestion, ticket = self.emma_waiting_for_review()
        suggestion.action_reject()
        # unlinked until the author's next post: the figures the network reported stay
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.social_reach, 27400)
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        # her next post: a contact of her own (the source creates contacts), her earlier
        # post goes with it, the ticket follows; she is counted once
        reply = self.poll_emma("113500000000000202", 1, reply_to="113500000000000201")
        self.assertTrue(reply.partner_id)
        self.assertNotEqual(reply.partner_id, suggestion.partner_id)
        self.assertEqual(ticket.social_post_id.identity_id, reply.identity_id)
        self.assertEqual(ticket.partner_id, reply.partner_id)
        self.assertEqual(reply.ticket_id, ticket)
        self.assertEqual(ticket.social_reach, 27400)
        self.assertEqual((ticket.social_tier, ticket.priority), ("top_influencer", "3"))
        self.assertEqual(len(self.channel_messages()), 1, "one alert")

    def test_demo_author_waiting_for_review(self):
        """The demo's Emily Brooks (27,400 followers; her match with Emily Brookes waits for
        review): her ticket, opened before the scoring addon was installed, is a top
        influencer's with her reach; Tom Krause's (1,830) a multiplier's."""
        if not self.env["ir.module.module"].search_count(
            [("name", "=", "social_crm_helpdesk"), ("demo", "=", True)]
        ):
            self.skipTest("installed without demo data")
        emily = self.Post.search([("external_id", "=", "111000000000009101")]).ticket_id
        self.assertEqual((emily.social_tier, emily.priority, emily.social_reach),
                         ("top_influencer", "3", 27400))
        self.assertTrue(emily.social_alerted_at)
        self.assertTrue(emily.user_id)
        tom = self.Post.search([("external_id", "=", "1862000000000000001")]).ticket_id
        self.assertEqual((tom.social_tier, tom.priority, tom.social_reach),
                         ("multiplier", "2", 1830))

    # --- X Account Activity webhook: counts in the payload; three tweets within a minute ------
    def x_delivery(self, tweet_id, text, seconds_ago, followers=10000):
        """An Account Activity delivery of a tweet mentioning us (a v1.1 Tweet object)."""
        created = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
        return {"for_user_id": "1440000000000000000", "tweet_create_events": [{
            "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id": int(tweet_id), "id_str": tweet_id, "text": text,
            "in_reply_to_status_id_str": None, "in_reply_to_user_id_str": None,
            "user": {"id": 1460000000000010000, "id_str": "1460000000000010000",
                     "name": "Karla Kritik", "screen_name": "karla_kritik",
                     "followers_count": followers, "friends_count": 250, "listed_count": 80,
                     "statuses_count": 12000, "verified": False,
                     "description": "Tech-Journalistin"},
            "entities": {"user_mentions": [{"screen_name": "acme_de",
                                            "id_str": "1440000000000000000"}]},
            "favorite_count": 0, "retweet_count": 0, "reply_count": 0, "quote_count": 0,
            "lang": "de"}]}

    def test_x_webhook_stranger_three_tweets_in_a_minute(self):
        self.online(self.cleo)
        older = self.older_regular_ticket()
        split = connector_events.split_x_activity
        self.deliver(self.x_source, split(self.x_delivery(
            "1990000000000100001", GERMAN, 50)), channel="push")
        post = self.Post.search([("external_id", "=", "1990000000000100001")])
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.cleo)
        self.assertEqual(post.lang, "de")
        # two more tweets (new conversations) within the minute, processed in one batch
        self.deliver(self.x_source, [
            *split(self.x_delivery("1990000000000100002", "@acme_de Hallo?! Immer noch "
                                   "keine Antwort, euer Support ist eine Katastrophe!", 30)),
            *split(self.x_delivery("1990000000000100003", "@acme_de Ich warte seit einer "
                                   "Woche auf mein Geld, Frechheit!", 10)),
        ], channel="push")
        posts = self.Post.search([("external_id", "=like", "19900000000001000%")])
        self.assertEqual(len(posts), 3)
        self.assertEqual(posts.ticket_id, ticket, "one ticket, not three")
        self.assertEqual(ticket.social_post_count, 3)
        self.assertEqual(len(self.channel_messages()), 1, "one alert")
        # the owner answers from the ticket; the outbox delivers it to X
        self.net.add("POST", X_TWEETS, status=201, json_body={"data": {
            "id": "1990000000000100999", "text": "@karla_kritik Das tut uns leid!",
            "edit_history_tweet_ids": ["1990000000000100999"]}})
        self.reply(ticket, "@karla_kritik Das tut uns leid! Wir melden uns per DM.")
        prepared, _kwargs = self.net.requests[-1]
        self.assertEqual(json.loads(prepared.body)["reply"]["in_reply_to_tweet_id"],
                         "1990000000000100003")
        self.assert_answered(ticket)

    # --- X filtered stream: counts in the line's includes; the rule set when saved -----------
    def x_stream_line(self, tweet_id, text, seconds_ago, tag, followers=10000):
        """One line of the filtered stream as X documents it (``data``, ``includes``,
        ``matching_rules``)."""
        created = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
        return json.dumps({
            "data": {
                "id": tweet_id, "text": text, "author_id": "1460000000000020000",
                "conversation_id": tweet_id, "lang": "de",
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "edit_history_tweet_ids": [tweet_id],
                "entities": {"mentions": [{"start": 0, "end": 8, "username": "acme_de",
                                           "id": "1440000000000000000"}]},
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                   "quote_count": 0, "bookmark_count": 0,
                                   "impression_count": 0}},
            "includes": {"users": [{
                "id": "1460000000000020000", "name": "Stefan Streit",
                "username": "stefan_streit", "description": "Tech-Podcaster",
                "verified": False,
                "public_metrics": {"followers_count": followers, "following_count": 310,
                                   "tweet_count": 8800, "listed_count": 64}}]},
            "matching_rules": [{"id": "1865000000000000001", "tag": tag}],
        }, separators=(",", ":"))

    def test_x_filtered_stream_stranger_known_at_arrival(self):
        self.online(self.cleo)
        older = self.older_regular_ticket()
        # saving the source validates its rule with X (dry run)
        self.net.add("GET", x_stream.RULES_URL, json_body={"meta": {
            "sent": "2026-12-04T09:00:00.000Z", "result_count": 0}})
        self.net.add("POST", x_stream.RULES_URL, json_body={
            "data": [{"value": "@acme_de", "tag": "t", "id": "1865000000000000001"}],
            "meta": {"sent": "2026-12-04T09:00:01.000Z",
                     "summary": {"created": 1, "not_created": 0, "valid": 1, "invalid": 0}}})
        source = self.env["social.crm.source"].create({
            "name": "X @acme_de (stream)", "network_id": self.x.id, "kind": "mentions",
            "query": "@acme_de", "bearer_token": "bearer-test", "intake_mode": "stream"})
        self.assertIn("dry_run=true", self.net.requests[-1][0].url)
        tag = source._listener_spec()["tag"]
        event = x_stream.message_event(
            self.x_stream_line("1990000000000300001", GERMAN.replace("@acme.de", "@acme_de"),
                               20, tag), tag)
        self.deliver(source, [event])
        post = self.Post.search([("external_id", "=", "1990000000000300001")])
        self.assertEqual(post.source_id, source)
        self.assertEqual(post.identity_id.handle, "stefan_streit")
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.cleo)
        # the same tweet again (a second listener, a reconnect): stored once
        again = x_stream.message_event(
            self.x_stream_line("1990000000000300001", GERMAN, 20, tag), tag)
        self.assertFalse(source._listener_store([again]))
        self.assertEqual(len(self.channel_messages()), 1, "one alert")

    # --- helpers of the answer ------------------------------------------------------------------
    def reply(self, ticket, text):
        owner = ticket.user_id
        action = ticket.with_user(owner).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(owner).browse(action["res_id"])
        wizard.text = text
        wizard.action_send()
        self.assertFalse(self.net.requests[-1:] and self.net.requests[-1][0].method == "POST",
                         "nothing goes out inside the agent's transaction")
        self.run_sender()
        self.assertEqual(ticket.social_reply_ids.state, "sent")
        self.assertEqual(ticket.social_reply_ids.user_id, owner)

    def assert_answered(self, ticket):
        self.assertTrue(ticket.social_first_reply_at)
        self.assertLessEqual(ticket.social_first_reply_at, ticket.social_response_deadline)
        self.assertTrue(ticket.social_deadline_met)
        self.assertEqual(ticket.social_deadline_state, "met")
        self.assertFalse(ticket.social_waiting_deadline, "no longer waiting")

    # --- Meta webhook: a page with 10,000 followers comments; no counts in the payload --------
    def test_meta_webhook_page_comment_known_at_arrival(self):
        self.online(self.agent)
        older = self.older_regular_ticket()
        page_id = "100000000004242"
        self.net.add("GET", f"https://graph.facebook.com/v23.0/{page_id}", json_body={
            "id": page_id, "name": "Technik Kritik", "username": "technikkritik",
            "link": "https://www.facebook.com/technikkritik", "followers_count": 10000,
            "fan_count": 9800})
        now = int(dt.datetime.now(dt.UTC).timestamp())
        value = {
            "from": {"id": page_id, "name": "Technik Kritik"},
            "post": {"id": "102030405060_777", "status_type": "added_photos",
                     "is_published": True},
            "message": GERMAN.replace("@acme.de ", ""), "post_id": "102030405060_777",
            "comment_id": "102030405060_9101", "created_time": now - 20,
            "item": "comment", "parent_id": "102030405060_777", "verb": "add",
        }
        payload = {"object": "page", "entry": [{"id": "102030405060", "time": now - 10,
                                                "changes": [{"field": "feed", "value": value}]}]}
        self.deliver(self.facebook_source, connector_events.split_meta(payload), channel="push")
        post = self.Post.search([("external_id", "=", "102030405060_9101")])
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(post.identity_id.lookup_state, "ok")
        self.assertEqual(post.identity_id.handle, "technikkritik")
        self.net.add("POST", "https://graph.facebook.com/v23.0/102030405060_9101/comments",
                     json_body={"id": "102030405060_9199"})
        self.reply(ticket, "Das tut uns leid, wir melden uns per Nachricht.")
        self.assertEqual(ticket.social_reply_ids.external_id, "102030405060_9199")
        self.assert_answered(ticket)

    # --- Mastodon streaming: a mention notification of the user stream ------------------------
    def test_mastodon_stream_mention_notification(self):
        self.online(self.bert)
        older = self.older_regular_ticket()
        now = dt.datetime.now(dt.UTC)
        account = mastodon_account("kritiker@chaos.social", followers=10000)
        status = mastodon_status("113500000000000001", account, now - dt.timedelta(seconds=40),
                                 "@acme " + GERMAN.replace("@acme.de ", ""))
        message = json.dumps({"stream": ["user"], "event": "notification", "payload": json.dumps({
            "id": "88001", "type": "mention", "created_at": status["created_at"],
            "account": account, "status": status})})
        self.deliver(self.mastodon_source, [connector_events.mastodon_message(message)])
        post = self.Post.search([("external_id", "=", "113500000000000001")])
        self.assertEqual(post.identity_id.handle, "kritiker@chaos.social")
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.bert)
        self.net.add("POST", "https://mastodon.example/api/v1/statuses", json_body=mastodon_status(
            "113500000000000999", mastodon_account("acme"), now, "@kritiker@chaos.social Sorry!"))
        self.reply(ticket, "@kritiker@chaos.social Das tut uns leid, wir kümmern uns.")
        prepared, _kwargs = self.net.requests[-1]
        self.assertEqual(json.loads(prepared.body)["in_reply_to_id"], "113500000000000001")
        self.assert_answered(ticket)

    # --- polling: a Mastodon hashtag source (counts in the page) ------------------------------
    def test_polled_hashtag_stranger(self):
        """The team's agents all left (archived): the ticket goes to the team leader, still
        active, never to OdooBot."""
        (self.agent | self.bert | self.cleo).action_archive()
        older = self.older_regular_ticket()
        source = self.env["social.crm.source"].create({
            "name": "#acme (Mastodon)", "network_id": self.mastodon.id, "kind": "hashtag",
            "query": "acme", "base_url": "https://mastodon.example",
            "access_token": "masto-token"})
        now = dt.datetime.now(dt.UTC)
        account = mastodon_account("laut@troet.cafe", followers=10000)
        self.net.add("GET", "https://mastodon.example/api/v1/timelines/tag/acme", json_body=[
            mastodon_status("113500000000000101", account, now - dt.timedelta(minutes=2),
                            GERMAN.replace("@acme.de ", "") + " #acme")])
        source._poll()
        post = self.Post.search([("external_id", "=", "113500000000000101")])
        ticket = self.assert_headline_ticket(post, older)
        self.assertEqual(ticket.user_id, self.leader)
        self.assertIn(self.leader, self.team.user_id | self.team.user_ids)


def mastodon_account(acct, followers=10):
    """A Mastodon Account entity."""
    user, _at, host = acct.partition("@")
    return {"id": str(abs(hash(acct)) % 10**9), "username": user, "acct": acct,
            "display_name": user.title(), "locked": False, "bot": False,
            "created_at": "2022-11-02T00:00:00.000Z", "note": "<p>Technik</p>",
            "url": f"https://{host or 'mastodon.example'}/@{user}", "followers_count": followers,
            "following_count": 120, "statuses_count": 4000, "emojis": [], "fields": []}


def mastodon_status(status_id, account, created, text):
    """A Mastodon Status entity (public)."""
    return {"id": status_id, "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": "de",
            "uri": f"https://chaos.social/users/x/statuses/{status_id}",
            "url": f"https://chaos.social/@x/{status_id}", "replies_count": 0,
            "reblogs_count": 0, "favourites_count": 0, "content": f"<p>{text}</p>",
            "reblog": None, "account": account, "media_attachments": [],
            "mentions": [{"id": "1", "username": "acme", "acct": "acme",
                          "url": "https://mastodon.example/@acme"}],
            "tags": [], "emojis": [], "card": None, "poll": None, "edited_at": None}
