# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Mastodon complaint read through two instances (a status's ``id`` is local to each
instance, its ``uri`` the same everywhere): one post, one ticket."""

import datetime as dt

from odoo import fields
from odoo.addons.social_crm.connectors import mastodon
from odoo.addons.social_crm.tests.test_mastodon_federation import ALICE_URI, status
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.social_crm_incident import _crisis_cache_clear
from .common import SocialHelpdeskCase


@tagged("post_install", "-at_install")
class TestMastodonFederationTickets(SocialHelpdeskCase):
    def test_a_complaint_read_through_two_instances_makes_one_ticket(self):
        other = self.env["social.crm.source"].create(
            {"name": "#acme on mastodon.social", "network_id": self.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://mastodon.social"})
        text = "@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"
        first = self.ingest(mastodon.parse_status(
            status("113400000000000001", ALICE_URI, "alice@mastodon.social", text=text),
            "mastodon.social"), source=other)
        self.assertTrue(first.ticket_id)
        again = self.ingest(mastodon.parse_status(
            status("113400000000000999", ALICE_URI, "alice@mastodon.social", text=text),
            "mastodon.example"), source=self.mastodon_source)
        self.assertEqual(again, first, "the stored post")
        self.assertEqual(self.Post.search_count([("network_uri", "=", ALICE_URI)]), 1)
        self.assertEqual(
            self.Ticket.search_count([("social_post_id", "=", first.id)]), 1, "one ticket")

    def test_two_complaints_sharing_a_local_id_and_a_reply_of_one(self):
        """Two instances gave one id to two complaints: two tickets. A reply read through
        acme.social answers acme.social's status of that id: it goes to that ticket, not to
        the other instance's status of the same id."""
        same_id = "113400000000000005"
        social = self.env["social.crm.source"].create(
            {"name": "#acme on mastodon.social", "network_id": self.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://mastodon.social"})
        alice = self.ingest(mastodon.parse_status(status(
            same_id, ALICE_URI, "alice@mastodon.social",
            text="@acme Mein Router ist seit Montag kaputt und keiner antwortet. Frechheit!"),
            "mastodon.social"), source=social)
        bob_uri = f"https://mastodon.example/users/bob/statuses/{same_id}"
        bob = self.ingest(mastodon.parse_status(status(
            same_id, bob_uri, "bob@mastodon.example",
            text="@acme Rechnung doppelt abgebucht, das ist eine Frechheit! Geld zurück!"),
            "mastodon.example"), source=self.mastodon_source)
        self.assertTrue(alice.ticket_id and bob.ticket_id)
        self.assertNotEqual(alice.ticket_id, bob.ticket_id, "two statuses, two tickets")
        answer = self.ingest(mastodon.parse_status(dict(status(
            "113400000000000042", "https://mastodon.example/users/bob/statuses/42",
            "bob@mastodon.example",
            text="@acme Immer noch keine Antwort, das Geld fehlt weiterhin!"),
            in_reply_to_id=same_id), "mastodon.example"), source=self.mastodon_source)
        self.assertEqual(answer.ticket_id, bob.ticket_id)
        self.assertEqual(bob.ticket_id.social_conversation_key, bob_uri)
        self.assertNotIn(answer, alice.ticket_id.social_post_ids)


@tagged("post_install", "-at_install")
class TestMastodonReplyBeforeParent(SocialHelpdeskCase):
    """A reply read before the status it answers (Mastodon gives only ``in_reply_to_id``)
    opened its own ticket; when the parent arrives through the same instance, the reply's
    conversation joins the parent's and its ticket follows, never lost."""

    HOST = "mastodon.example"
    URI = "https://mastodon.example/users/%s/statuses/%s"

    def toot(self, sid, user, text, in_reply_to=None):
        body = status(sid, self.URI % (user, sid), f"{user}@{self.HOST}", text=text)
        body["in_reply_to_id"] = in_reply_to
        body["in_reply_to_account_id"] = "109999" if in_reply_to else None
        return self.ingest(mastodon.parse_status(body, self.HOST), source=self.mastodon_source)

    def test_the_reply_s_ticket_takes_the_conversation_of_its_parent(self):
        answer = self.toot("113400000000000051", "carl",
                           "@acme Geht mir genauso, seit einer Woche kein Internet. Frechheit!",
                           in_reply_to="113400000000000050")
        ticket = answer.ticket_id
        self.assertTrue(ticket)
        self.assertEqual(ticket.social_conversation_key, self.URI % ("carl", "113400000000000051"))
        parent = self.toot("113400000000000050", "bob",
                           "@acme Mein Router ist seit Montag kaputt und keiner antwortet!")
        self.assertEqual(answer.conversation_external_id, parent.conversation_external_id)
        self.assertEqual(ticket.social_conversation_key, self.URI % ("bob", "113400000000000050"))
        self.assertEqual(parent.ticket_id, ticket, "the parent goes to the conversation's ticket")
        self.assertEqual(self.Ticket.search_count(
            [("social_post_ids", "in", (answer | parent).ids)]), 1, "one ticket")
        later = self.toot("113400000000000052", "dana",
                          "@acme Bei mir auch, Kundenservice antwortet nicht. Frechheit!",
                          in_reply_to="113400000000000050")
        self.assertEqual(later.ticket_id, ticket)

    def test_a_reply_to_the_answer_sent_from_odoo_joins_the_ticket_s_conversation(self):
        """Served probe (Mastodon mentions, polled): the agent answered from Odoo (status
        113500000000000900 on the company's instance), the customer answered that status; the
        company's answer is no stored post, so the customer's reply started a conversation of
        its own (joined to the open ticket only as "a new post of the author"). Closed in the
        meantime, the ticket stayed closed and another customer replying under the answer
        got a ticket of their own. The answer the outbox sent is the parent: its post's
        conversation."""
        self.env["social.crm.account"].create({
            "name": "ACME on mastodon.example", "network_id": self.mastodon.id,
            "handle": "acme", "base_url": "https://mastodon.example",
            "access_token": "masto-token"})
        first = self.toot("113500000000000001", "alice",
                          "@acme Mein Router ist seit Montag kaputt und keiner antwortet. "
                          "Frechheit!")
        ticket = first.ticket_id
        self.assertTrue(ticket)
        action = ticket.with_user(self.agent).action_social_reply()
        wizard = self.env["social.crm.reply.wizard"].with_user(self.agent).browse(
            action["res_id"])
        wizard.text = "@alice@mastodon.example Das tut uns leid, wir melden uns per DM."
        wizard.action_send()
        answer = status("113500000000000900", self.URI % ("acme", "113500000000000900"),
                        "acme@mastodon.example", text=wizard.text)
        self.net.add("POST", "https://mastodon.example/api/v1/statuses", json_body=answer)
        self.run_sender()
        self.assertEqual(ticket.social_reply_ids.external_id, "113500000000000900")
        ticket.with_user(self.agent).stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertTrue(ticket.closed)
        again = self.toot("113500000000000002", "alice",
                          "@acme Eine DM kam nie an. Immer noch kaputt, eine Frechheit!",
                          in_reply_to="113500000000000900")
        self.assertEqual(again.conversation_external_id, first.conversation_external_id)
        self.assertEqual(again.ticket_id, ticket)
        self.assertFalse(ticket.closed, "reopened by the customer's reply to the answer")
        other = self.toot("113500000000000003", "bob",
                          "@acme Bei mir genauso, seit einer Woche kein Internet. Frechheit!",
                          in_reply_to="113500000000000900")
        self.assertEqual(other.ticket_id, ticket, "a reply under the answer: the same thread")

    def test_two_tickets_of_one_conversation_the_reply_s_is_marked_duplicate(self):
        root = self.toot("113400000000000050", "bob",
                         "@acme Mein Router ist seit Montag kaputt und keiner antwortet!")
        answer = self.toot("113400000000000052", "carl",
                           "@acme Geht mir genauso, seit einer Woche kein Internet. Frechheit!",
                           in_reply_to="113400000000000051")
        self.assertTrue(root.ticket_id and answer.ticket_id)
        self.assertNotEqual(root.ticket_id, answer.ticket_id)
        agent_ticket = answer.ticket_id
        agent_ticket.write({"user_id": self.env.user.id})
        middle = self.toot("113400000000000051", "dana", "@acme wir warten alle",
                           in_reply_to="113400000000000050")
        self.assertEqual(middle.conversation_external_id, root.conversation_external_id)
        self.assertEqual(answer.conversation_external_id, root.conversation_external_id)
        self.assertTrue(agent_ticket.exists() and agent_ticket.active, "not lost")
        self.assertEqual(agent_ticket.duplicate_id, root.ticket_id)
        self.assertEqual(agent_ticket.user_id, self.env.user, "still the agent's")
        self.assertEqual(answer.ticket_id, agent_ticket, "its post stays")
        self.assertIn(root.ticket_id.number,
                      "".join(agent_ticket.message_ids.mapped("body")))
        self.assertIn(agent_ticket.number,
                      "".join(root.ticket_id.message_ids.mapped("body")))
        self.assertEqual(middle.ticket_id, root.ticket_id)


@tagged("post_install", "-at_install")
class TestMastodonJoinCounts(SocialHelpdeskCase):
    """What is keyed by conversation follows the posts that join one after the fact: the
    crisis watch's counts (replies read before the status they answer), tickets and counts
    of the threads stored before 19.0.1.5.0 (the upgrade to 19.0.1.6.2)."""

    HOST = "mastodon.example"
    URI = "https://mastodon.example/users/%s/statuses/%s"
    ANGRY = "@acme Bei mir auch! Seit Tagen kaputt, keiner antwortet. Frechheit, ich kündige!"

    def setUp(self):
        super().setUp()
        _crisis_cache_clear()  # the baselines are cached per hour and worker

    def toot(self, sid, user, text, in_reply_to=None, minutes_ago=5):
        body = status(sid, self.URI % (user, sid), f"{user}@{self.HOST}", text=text)
        when = fields.Datetime.now() - dt.timedelta(minutes=minutes_ago)
        body.update(created_at=when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    in_reply_to_id=in_reply_to,
                    in_reply_to_account_id="109999" if in_reply_to else None)
        return mastodon.parse_status(body, self.HOST)

    def buckets(self, key):
        rows = self.env["social.crm.crisis.bucket"].search([
            ("company_id", "=", self.company.id), ("kind", "=", "conversation"),
            ("key", "=", f"mastodon:{key}")])
        return sum(rows.mapped("post_count")), sum(rows.mapped("complaint_count"))

    def test_replies_read_before_their_status_bring_their_counts_along(self):
        """Ten angry replies arrive before the status they answer (a mentions poll before
        the hashtag's): each starts its own conversation and is counted there. When the
        status arrives they join its conversation, and so do their counts: a pile-on."""
        parent = "113400000000000050"
        replies = [self.toot(str(113400000000000100 + i), f"user{i}", self.ANGRY,
                             in_reply_to=parent, minutes_ago=10 - i % 5) for i in range(10)]
        self.Post._ingest_posts(replies, self.mastodon_source)
        first = self.URI % ("user0", "113400000000000100")
        self.assertEqual(self.buckets(first), (1, 1), "its own conversation, for now")
        self.assertFalse(self.env["social.crm.incident"].search([
            ("key", "like", "mastodon:%")]))
        # an incident the team opened on the first reply's conversation (by hand here)
        opened = self.env["social.crm.incident"].create({
            "name": f"Pile-on in conversation mastodon:{first}", "kind": "pile_on",
            "key": f"mastodon:{first}", "company_id": self.company.id})
        self.Post._ingest_posts([self.toot(
            parent, "bob", "@acme Mein Router ist seit Montag kaputt!", minutes_ago=30)],
            self.mastodon_source)
        root = self.URI % ("bob", parent)
        self.assertEqual(self.buckets(first), (0, 0), "moved")
        self.assertEqual(self.buckets(root), (10, 10))
        incident = self.env["social.crm.incident"].search([("key", "=", f"mastodon:{root}")])
        self.assertEqual(incident, opened, "the open incident followed: no second one")
        self.assertEqual(incident.name, f"Pile-on in conversation mastodon:{root}")
        self.assertEqual(incident.kind, "pile_on")
        self.assertEqual(incident.observed_count, 10)

    def test_upgrade_moves_old_tickets_and_counts_to_the_thread_s_uri(self):
        """A database of before 19.0.1.5.0: bob's complaint and carl's complaint answering
        it each had their ticket, keyed by their ids. The upgrade keys the thread by bob's
        federation URI: bob's ticket takes it, carl's is marked its duplicate, the counts
        of carl's key go to the thread's; a complaint answering carl now goes to bob's
        ticket."""
        parent, answer = "113400000000000050", "113400000000000051"
        root = self.URI % ("bob", parent)
        carl = self.Post.browse(self.Post._ingest_posts([self.toot(
            answer, "carl", self.ANGRY, in_reply_to=parent, minutes_ago=20)],
            self.mastodon_source).post_ids)
        # bob's status stored apart (another instance: no join), then made what an old
        # database holds: read through mastodon.example, no conversation, each ticket keyed
        # by its post's id, the counts of carl's reply under its id
        other = self.env["social.crm.source"].create(
            {"name": "#acme on other.example", "network_id": self.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://other.example"})
        bob = self.Post.browse(self.Post._ingest_posts([self.toot(
            parent, "bob", "@acme Mein Router ist seit Montag kaputt und keiner antwortet. "
            "Frechheit!", minutes_ago=30)], other).post_ids)
        self.assertTrue(bob.ticket_id and carl.ticket_id)
        self.assertNotEqual(bob.ticket_id, carl.ticket_id)
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE social_crm_post SET conversation_external_id = NULL, source_id = %s,
                      instance = %s
                WHERE id IN %s""",
            self.mastodon_source.id, "https://mastodon.example", (bob.id, carl.id)))
        for ticket, key in ((bob.ticket_id, parent), (carl.ticket_id, answer)):
            self.env.cr.execute(SQL(
                "UPDATE helpdesk_ticket SET social_conversation_key = %s WHERE id = %s",
                key, ticket.id))
        self.env.cr.execute(SQL(
            """UPDATE social_crm_crisis_bucket SET key = %s
                WHERE company_id = %s AND kind = 'conversation' AND key = %s""",
            f"mastodon:{answer}", self.company.id,
            f"mastodon:{self.URI % ('carl', answer)}"))
        self.env.invalidate_all()
        self.assertEqual(self.buckets(answer), (1, 1))
        self.assertEqual(self.Post._upgrade_old_conversation_keys(), 2)
        self.assertEqual((bob | carl).mapped("conversation_external_id"), [root, root])
        self.assertEqual(bob.ticket_id.social_conversation_key, root)
        self.assertEqual(carl.ticket_id.duplicate_id, bob.ticket_id)
        self.assertEqual(self.buckets(answer), (0, 0))
        self.assertEqual(self.buckets(root), (1, 1))
        later = self.Post.browse(self.Post._ingest_posts([self.toot(
            "113400000000000052", "dana", self.ANGRY, in_reply_to=answer, minutes_ago=1)],
            self.mastodon_source).post_ids)
        self.assertEqual(later.conversation_external_id, root)
        self.assertEqual(later.ticket_id, bob.ticket_id)


@tagged("post_install", "-at_install")
class TestXWebhookReplies(SocialHelpdeskCase):
    """X's Account Activity webhook gives v1.1 tweets without ``conversation_id``: another
    customer's complaint answering a complaint goes to that complaint's ticket, as it does
    when read through the v2 API, also when it arrives first."""

    def tweet(self, tweet_id, user_id, screen_name, text, in_reply_to=None):
        from odoo.addons.social_crm.connectors import x
        from odoo.addons.social_crm.tests.test_x_webhook_threads import delivery, v1_tweet

        body = delivery(v1_tweet(tweet_id, text, in_reply_to, user_id=user_id,
                                 screen_name=screen_name))
        posts = x.parse_activity(body)
        self.ingest(*posts)
        return self.Post.search([("external_id", "=", tweet_id)])

    def test_a_reply_goes_to_its_parent_s_ticket(self):
        root = self.tweet("1865000000000000101", "1460000000000000101", "bob_b",
                          "@acme_support my router has been broken since Monday, no answer!")
        reply = self.tweet("1865000000000000102", "1460000000000000102", "carl_c",
                           "@acme_support same here, no internet for a week. Terrible service!",
                           in_reply_to="1865000000000000101")
        self.assertTrue(root.ticket_id)
        self.assertEqual(reply.conversation_external_id, root.external_id)
        self.assertEqual(reply.ticket_id, root.ticket_id)

    def test_a_reply_read_first_joins_its_parent_s_ticket_when_it_arrives(self):
        reply = self.tweet("1865000000000000112", "1460000000000000112", "carl_c",
                           "@acme_support same here, no internet for a week. Terrible service!",
                           in_reply_to="1865000000000000111")
        ticket = reply.ticket_id
        self.assertTrue(ticket)
        root = self.tweet("1865000000000000111", "1460000000000000111", "bob_b",
                          "@acme_support my router has been broken since Monday, no answer!")
        self.assertEqual(reply.conversation_external_id, root.external_id)
        self.assertEqual(root.ticket_id, ticket, "the parent goes to the conversation's ticket")
        self.assertEqual(self.Ticket.search_count(
            [("social_post_ids", "in", (root | reply).ids)]), 1, "one ticket")


@tagged("post_install", "-at_install")
class TestMastodonLocalKeys(SocialHelpdeskCase):
    """Threads without federation URI (OStatus-era statuses: a ``tag:`` URI, no ActivityPub
    id) are keyed by their top status's id, which is local to the instance that showed it:
    the key carries the instance, so two instances' threads with one id are two tickets."""

    SAME_ID = "1234567"
    ANGRY = "@acme Rechnung doppelt abgebucht, das ist eine Frechheit! Geld zurück!"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.social = cls.env["social.crm.source"].create(
            {"name": "#acme on mastodon.social", "network_id": cls.mastodon.id,
             "kind": "hashtag", "query": "acme", "base_url": "https://mastodon.social"})

    def toot(self, sid, acct, source, text=ANGRY, in_reply_to=None):
        host = acct.split("@")[1]
        body = dict(status(sid, f"tag:{host},2017-04-05:objectId={sid}:objectType=Status",
                           acct, text=text), in_reply_to_id=in_reply_to,
                    in_reply_to_account_id="109999" if in_reply_to else None)
        return self.ingest(mastodon.parse_status(body, host), source=source)

    def test_two_instances_threads_sharing_a_local_id_are_two_tickets(self):
        alice = self.toot(self.SAME_ID, "alice@mastodon.social", self.social)
        bob = self.toot(self.SAME_ID, "bob@mastodon.example", self.mastodon_source)
        self.assertTrue(alice.ticket_id and bob.ticket_id)
        self.assertNotEqual(alice.ticket_id, bob.ticket_id, "two threads, two tickets")
        self.assertEqual(bob.ticket_id.social_conversation_key,
                         f"{self.SAME_ID}@mastodon.example")
        # a reply read through each instance goes to its own instance's thread
        carl = self.toot("1234599", "carl@mastodon.example", self.mastodon_source,
                         text="@acme Bei mir auch, doppelt abgebucht! Frechheit!",
                         in_reply_to=self.SAME_ID)
        dora = self.toot("1234600", "dora@mastodon.social", self.social,
                         text="@acme Bei mir auch, doppelt abgebucht! Frechheit!",
                         in_reply_to=self.SAME_ID)
        self.assertEqual(carl.ticket_id, bob.ticket_id)
        self.assertEqual(dora.ticket_id, alice.ticket_id)

    def test_upgrade_gives_the_old_keys_their_instance(self):
        """A database of before 19.0.1.7.1: the thread keyed by the bare id (posts and
        ticket). The upgrade, in batches, gives the key its instance; a later reply joins
        the ticket; a thread with a federation URI is left alone."""
        bob = self.toot(self.SAME_ID, "bob@mastodon.example", self.mastodon_source)
        carl = self.toot("1234599", "carl@mastodon.example", self.mastodon_source,
                         text="@acme Bei mir auch, doppelt abgebucht! Frechheit!",
                         in_reply_to=self.SAME_ID)
        alice = self.ingest(mastodon.parse_status(status(
            "113400000000000001", ALICE_URI, "alice@mastodon.social", text=self.ANGRY),
            "mastodon.social"), source=self.social)
        self.assertEqual(carl.ticket_id, bob.ticket_id)
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE social_crm_post SET conversation_external_id = NULL WHERE id = %s",
            bob.id))
        self.env.cr.execute(SQL(
            "UPDATE social_crm_post SET conversation_external_id = %s WHERE id = %s",
            self.SAME_ID, carl.id))
        self.env.cr.execute(SQL(
            "UPDATE helpdesk_ticket SET social_conversation_key = %s WHERE id = %s",
            self.SAME_ID, bob.ticket_id.id))
        self.env.invalidate_all()
        self.assertEqual(self.Post._upgrade_local_conversation_keys(batch_size=1), 2)
        key = f"{self.SAME_ID}@mastodon.example"
        self.assertEqual((bob | carl).mapped("conversation_external_id"), [key, key])
        self.assertEqual(bob.ticket_id.social_conversation_key, key)
        self.assertEqual(alice.conversation_external_id, ALICE_URI)
        # a later reply of the thread joins its ticket
        later = self.toot("1234601", "dana@mastodon.example", self.mastodon_source,
                          text="@acme Immer noch doppelt abgebucht! Frechheit!",
                          in_reply_to=self.SAME_ID)
        self.assertEqual(later.ticket_id, bob.ticket_id)
        self.assertEqual(self.Post._upgrade_local_conversation_keys(), 0, "once")
