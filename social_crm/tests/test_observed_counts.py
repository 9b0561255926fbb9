# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Author counts from a webhook delivered late (retried) never overwrite counts observed
later: through the real path (X Account Activity deliveries as the API documents them,
stored as events, processed by ``social.crm.event._process``; a poll's answer after)."""

import datetime as dt

from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import TransactionCase, tagged

from .test_intake_webhook import x_activity

KAI = "1460000000000000999"


@tagged("post_install", "-at_install")
class TestObservedCounts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x_source = cls.env["social.crm.source"].create({
            "name": "X mentions (push)",
            "network_id": cls.env.ref("social_crm.network_x").id,
            "kind": "mentions",
            "account_id": "1440000000000000000",
            "intake_mode": "push",
            "api_secret": "consumer-secret",
        })

    def deliver(self, tweet_id, followers, minutes_ago, **user):
        """An Account Activity delivery: ``timestamp_ms`` is when the event happened; the
        user object carries the author's counts (and ``user``: name, description, verified)
        as of then."""
        body = x_activity(tweet_id, f"@acme_support still waiting ({tweet_id[-1]})")
        stamp = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
        tweet = body["tweet_create_events"][0]
        tweet["timestamp_ms"] = str(int(stamp.timestamp() * 1000))
        tweet["created_at"] = stamp.strftime("%a %b %d %H:%M:%S +0000 %Y")
        tweet["user"]["followers_count"] = followers
        tweet["user"].update(user)
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            self.x_source, connector_events.split_x_activity(body), "push"))
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"})
        return stamp.replace(tzinfo=None, microsecond=stamp.microsecond // 1000 * 1000)

    def identity(self):
        return self.env["social.crm.identity"].search(
            [("external_id", "=", KAI), ("network_id.code", "=", "x")])

    def test_late_webhook_does_not_overwrite_newer_counts(self):
        newer = self.deliver("1865000000000000002", 10500, minutes_ago=5)
        identity = self.identity()
        self.assertEqual(identity.followers_count, 10500)
        # the retry of an event of ten minutes ago arrives now: its counts are older
        self.deliver("1865000000000000001", 10400, minutes_ago=10)
        identity.invalidate_recordset()
        self.assertEqual(identity.followers_count, 10500)
        self.assertEqual(identity.counts_observed_at, newer)
        self.assertEqual(identity.metric_ids.followers_count, 10500)
        # its post is stored all the same
        self.assertEqual(len(identity.post_ids), 2)
        # a newer event, then a poll (read now) move the counts on
        self.deliver("1865000000000000003", 10600, minutes_ago=1)
        self.assertEqual(identity.followers_count, 10600)
        self.env["social.crm.post"]._ingest_posts([Post(
            network="x", external_id="1865000000000000004", text="@acme_support hello?",
            posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20),
            author=Author(network="x", external_id=KAI, handle="kaibrenner",
                          display_name="Kai Brenner", followers_count=10550),
        )], source=self.x_source)
        identity.invalidate_recordset()
        self.assertEqual(identity.followers_count, 10550)
        self.assertEqual(identity.metric_ids.followers_count, 10550)

    def test_counts_typed_by_hand_are_newer_than_a_late_webhook(self):
        self.deliver("1865000000000000002", 10500, minutes_ago=5)
        identity = self.identity()
        identity.write({"followers_count": 12000})  # a user read it on the profile just now
        self.deliver("1865000000000000001", 10400, minutes_ago=3)  # a retry, older
        identity.invalidate_recordset()
        self.assertEqual(identity.followers_count, 12000)
        # counts typed as of an earlier day give way to any newer observation
        identity.write({"followers_count": 9000,
                        "counts_as_of": dt.date.today() - dt.timedelta(days=3)})
        self.deliver("1865000000000000003", 10600, minutes_ago=2)
        identity.invalidate_recordset()
        self.assertEqual(identity.followers_count, 10600)

    def test_late_webhook_does_not_overwrite_newer_name_bio_and_badge(self):
        """The profile follows the counts' rule: a retried event of before the author's
        renaming (and new bio, and badge) does not bring the old ones back."""
        newer = self.deliver("1865000000000000002", 10500, minutes_ago=5,
                             name="Kai Brenner (Tests)", description="Neue Bio",
                             verified=True)
        identity = self.identity()
        self.assertEqual(identity.display_name_on_network, "Kai Brenner (Tests)")
        self.assertEqual(identity.profile_observed_at, newer)
        self.deliver("1865000000000000001", 10400, minutes_ago=10)  # the retry, older
        identity.invalidate_recordset()
        self.assertEqual(
            (identity.display_name_on_network, identity.bio, identity.verified,
             identity.profile_observed_at),
            ("Kai Brenner (Tests)", "Neue Bio", True, newer))
        self.assertEqual(len(identity.post_ids), 2)
        # a newer event moves them on
        self.deliver("1865000000000000003", 10600, minutes_ago=1, name="Kai B.",
                     description="Noch neuer", verified=False)
        identity.invalidate_recordset()
        self.assertEqual(
            (identity.display_name_on_network, identity.bio, identity.verified),
            ("Kai B.", "Noch neuer", False))
