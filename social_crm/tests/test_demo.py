# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo is truthful offline and online: the identities and posts of the demo files and
the authors a replay source plays back exist on no network. No job asks a network about
them (enrichment, look-up on arrival, author look-up, re-check) and nothing written about
them is sent; their Social page says "Demo data: not looked up on the network" instead of a
failure. What a user adds to the demo database is looked up as usual."""

import json
import pathlib
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase

PAYLOADS = pathlib.Path(__file__).resolve().parents[2] / "tests/connectors/payloads/lookup"
MASTODON_LOOKUP = "https://example.social/api/v1/accounts/lookup"
BLUESKY_PROFILES = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles"


@tagged("post_install", "-at_install")
class TestDemoOffline(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Identity = cls.env["social.crm.identity"]
        cls.Post = cls.env["social.crm.post"]

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"].search_count(
            [("name", "=", "social_crm"), ("demo", "=", True)]
        ):
            self.skipTest("installed without demo data")
        # the machine is offline: any request the test did not plan fails it
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))
        self.lena_mastodon = self.env.ref("social_crm.identity_demo_lena_mastodon")
        self.sophie_bluesky = self.env.ref("social_crm.identity_demo_sophie_bluesky")
        self.lena_x = self.env.ref("social_crm.identity_demo_lena_x")
        self.demo = self.lena_mastodon | self.sophie_bluesky | self.lena_x

    def run_enrichment(self):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda *a, **k: 60.0):
            self.Identity._cron_enrich_due()

    def requested(self):
        return [prepared.url for prepared, _kwargs in self.net.requests]

    def test_demo_identities_say_so_and_are_never_looked_up(self):
        """The demo's Mastodon, Bluesky and X identities are demo data from the start (on
        the contact's Social page); the enrichment job asks no network about them, also in
        a database made before they were marked (state "not looked up yet"); a Mastodon
        identity a user adds to the demo database is looked up as usual."""
        self.assertEqual(set(self.demo.mapped("lookup_state")), {"demo"})
        self.assertFalse(self.demo.filtered_domain(self.Identity._enrich_due_domain()))
        # a database made before: the demo identities wait for their first look-up
        self.demo.write({"lookup_state": "pending", "next_lookup_at": False})
        real = self.Identity.create({"partner_id": self.partner.id,
                                     "network_id": self.mastodon.id,
                                     "handle": "jane@example.social"})
        self.net.add("GET", MASTODON_LOOKUP, json_body=json.loads(
            (PAYLOADS / "mastodon_account.json").read_text(encoding="utf-8")))
        self.run_enrichment()
        self.assertEqual(len(self.requested()), 1, "only the user's identity is asked about")
        self.assertTrue(self.requested()[0].startswith(MASTODON_LOOKUP))
        self.assertIn("jane", self.requested()[0])
        self.assertEqual(real.lookup_state, "ok")
        self.assertEqual(real.followers_count, 1520)
        self.assertEqual(set(self.demo.mapped("lookup_state")), {"demo"})
        self.assertFalse(any(self.demo.mapped("lookup_message")))
        self.assertEqual(self.lena_mastodon.followers_count, 9300, "the demo's counts stay")

    def test_look_up_now_on_a_demo_contact_says_demo_data(self):
        """*Look up social profiles* on Lena (demo): no request, no failure; the
        notification says the demo data is not looked up, in the user's language (and,
        nothing having been looked up, not a green “Profiles looked up”)."""
        lena = self.env.ref("social_crm.partner_demo_lena")
        action = lena.action_social_enrich()
        self.assertFalse(self.net.requests)
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(action["params"]["title"], "No profile looked up")
        self.assertIn("Demo data, not looked up on the network:", action["params"]["message"])
        self.assertIn("0 failed", action["params"]["message"])
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"],
                                                        overwrite=True)
        german = dict(self.Identity.with_context(lang="de_DE").fields_get(
            ["lookup_state"])["lookup_state"]["selection"])
        self.assertEqual(german["demo"], "Demodaten: nicht im Netzwerk abgefragt")
        action = lena.with_context(lang="de_DE").action_social_enrich()
        self.assertIn("Demodaten, nicht im Netzwerk abgefragt:", action["params"]["message"])
        self.assertEqual(action["params"]["title"], "Kein Profil abgefragt")

    def test_replayed_authors_are_demo_data(self):
        """A replay source plays a Bluesky post back whose author comes without counts (as
        Jetstream gives them): no look-up on arrival, the new identity is demo data, and
        the enrichment job leaves it alone."""
        source = self.env["social.crm.source"].create({
            "name": "Replay (offline demo)",
            "network_id": self.env.ref("social_crm.network_replay").id,
            "kind": "replay",
            "query": "social_crm/tests/data/replay_demo_author_without_counts.jsonl",
            "unknown_author_policy": "create_contact",
        })
        result = source._poll()
        self.assertEqual(result.created, 1, source.last_error)
        self.assertFalse(self.net.requests, "no look-up on arrival")
        identity = self.Identity.search([("external_id", "=", "did:plc:demooffline00000001")])
        self.assertEqual(identity.lookup_state, "demo")
        self.run_enrichment()
        self.assertFalse(self.net.requests)
        self.assertEqual(identity.lookup_state, "demo")

    def test_demo_posts_are_not_looked_up_or_rechecked(self):
        """Demo posts: an author look-up left due (a database made before) is dropped
        without a request; the re-check job never takes a demo post, even with a Mastodon
        source that re-checks in the demo's company."""
        post = self.env.ref("social_crm.post_demo_lena_3")
        post.sudo().write({"identity_id": False, "author_external_id": "lena@chaos.social",
                           "author_lookup_at": fields.Datetime.now()})
        self.Post._enrich_authors_due()
        self.assertFalse(self.net.requests)
        self.assertFalse(post.author_lookup_at)
        self.env.company.social_recheck_days = 7
        self.env["social.crm.source"].create({
            "name": "Mastodon #acme", "network_id": self.mastodon.id, "kind": "hashtag",
            "query": "acme", "base_url": "https://mastodon.example", "recheck_posts": True,
        })
        demo_posts = self.Post.search([])._social_demo_posts()
        self.assertIn(post, demo_posts)
        self.assertFalse(demo_posts.filtered_domain(self.Post._recheck_due_domain()))

    def test_reply_to_a_demo_post_is_recorded_not_sent(self):
        """The company has a real Mastodon publishing account; a reply to Lena's demo
        Mastodon post is recorded, never sent (her post exists on no network), and never
        says "sent"."""
        self.env["social.crm.account"].create({
            "name": "Acme on Mastodon", "network_id": self.mastodon.id,
            "base_url": "https://mastodon.example", "access_token": "brand-token",
        })
        post = self.env.ref("social_crm.post_demo_lena_3")
        Outbox = self.env["social.crm.outbox"]
        self.assertFalse(Outbox._publish_problem(post))
        item = Outbox._queue([{"action": "reply", "post_id": post.id, "text": "Danke, Lena!"}])
        with patch.object(type(self.env["ir.cron"]), "_commit_progress",
                          lambda *a, **k: 60.0):
            Outbox._cron_send()
        self.assertFalse(self.net.requests, "nothing goes out")
        self.assertEqual(item.state, "demo")
        self.assertIn("not sent", item.error_message)
