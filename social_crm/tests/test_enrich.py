# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import json
import pathlib
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..connectors import base as connector_base
from .common import FakeNetwork, SocialCrmCase

PAYLOADS = pathlib.Path(__file__).resolve().parents[2] / "tests/connectors/payloads/lookup"
BEARER = "AAAA-test-bearer-token"
USERS = "https://api.twitter.com/2/users"


def payload(name):
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


@tagged("post_install", "-at_install")
class TestEnrich(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["social.crm.source"].create({
            "name": "X search", "network_id": cls.x.id, "kind": "search", "query": "acme",
            "bearer_token": BEARER, "active": True,
        })
        cls.Identity = cls.env["social.crm.identity"]
        cls.Metric = cls.env["social.crm.identity.metric"]
        cls.others = cls.env["res.partner"].create([{"name": f"P{i}"} for i in range(4)])

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def _identity(self, partner, **vals):
        return self.Identity.create(dict(partner_id=partner.id, network_id=self.x.id, **vals))

    def _run_cron(self, **kwargs):
        """Run the enrichment job; return its ``_commit_progress`` calls as
        ``(processed, remaining)``."""
        commits = []
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: (
                commits.append((processed, remaining)) or 60.0),
        ):
            self.Identity._cron_enrich_due(**kwargs)
        return commits

    def _only_due(self, identities):
        self.Identity.search([("id", "not in", identities.ids)]).write(
            {"next_lookup_at": fields.Datetime.now() + dt.timedelta(days=1)})

    def _answer_every_id(self):
        """The X API as a function: every user asked for exists (``GET /2/users?ids=``),
        with counts derived from its id."""

        def handler(session, prepared, /, **kwargs):
            self.net.requests.append((prepared, kwargs))
            ids = parse_qs(urlsplit(prepared.url).query)["ids"][0].split(",")
            body = {"data": [{
                "id": i, "name": f"User {i}", "username": f"u{i}",
                "public_metrics": {"followers_count": int(i) % 997, "following_count": 1,
                                   "tweet_count": 3, "listed_count": 0},
            } for i in ids]}
            response = requests.Response()
            response.status_code = 200
            response.url = prepared.url
            response.request = prepared
            response.headers["Content-Type"] = "application/json; charset=utf-8"
            response._content = json.dumps(body).encode()
            return response

        self.startPatcher(patch.object(type(self), "_request_handler", handler))

    def test_button_looks_up_writes_counts_history_and_marks_gone(self):
        devs = self._identity(self.partner, external_id="2244994945")
        gone = self._identity(self.others[0], external_id="1234567890", followers_count=77)
        banned = self._identity(self.others[1], external_id="4455667788")
        self.assertEqual(devs.lookup_state, "pending")
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        action = self.partner.with_user(self.user).action_social_enrich()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(devs.followers_count, 570842)
        self.assertEqual(devs.posts_count, 14052)
        self.assertEqual(devs.handle, "XDevelopers")
        self.assertEqual(devs.lookup_state, "ok")
        # the day as the user who looked it up sees it
        self.assertEqual(devs.counts_as_of, fields.Date.context_today(devs.with_user(self.user)))
        self.assertGreater(devs.next_lookup_at, fields.Datetime.now() + dt.timedelta(days=6))
        metric = self.Metric.search([("identity_id", "=", devs.id)])
        self.assertEqual(len(metric), 1)
        self.assertEqual(metric.followers_count, 570842)
        # only the partner's own identity was asked
        self.assertEqual(len(self.net.requests), 1)
        self.assertIn("ids=2244994945", self.net.requests[0][0].url)
        self.assertEqual(self.net.requests[0][1].get("timeout"), 20)
        self.assertEqual(self.net.requests[0][0].headers["Authorization"], f"Bearer {BEARER}")
        # the others, through the list action on identities
        (gone | banned).action_enrich()
        self.assertEqual(gone.lookup_state, "missing")
        self.assertTrue(gone.exists(), "kept, not deleted")
        self.assertEqual(gone.followers_count, 77, "the last known count stays")
        self.assertEqual(banned.lookup_state, "suspended")
        self.assertIn("suspended", banned.lookup_message)

    def test_cron_commits_per_batch_and_stops_on_rate_limit(self):
        identities = self.Identity.create([
            {"partner_id": self.others[i % 4].id, "network_id": self.x.id,
             "external_id": str(9000 + i)} for i in range(150)
        ])
        self.Identity.search([("id", "not in", identities.ids)]).write(
            {"next_lookup_at": fields.Datetime.now() + dt.timedelta(days=1)})
        first = {"data": [{"id": "9000", "name": "A", "username": "a9000",
                           "public_metrics": {"followers_count": 5, "following_count": 1,
                                              "tweet_count": 2, "listed_count": 0}}]}
        reset = int((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)).timestamp())
        self.net.add("GET", USERS, json_body=first)
        self.net.add("GET", USERS, status=429, json_body={"title": "Too Many Requests"},
                     headers={"x-rate-limit-reset": str(reset)})
        commits = self._run_cron()
        self.assertEqual(
            commits, [(0, 150), (100, None), (50, 0)],
            "all due announced, one commit per answer stored, the postponed ones settled",
        )
        done, waiting = identities[:100], identities[100:]
        self.assertEqual(identities[0].followers_count, 5)
        self.assertEqual(set(done.mapped("lookup_state")), {"ok", "missing"})
        self.assertEqual(set(waiting.mapped("lookup_state")), {"pending"})
        resume = dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None)
        self.assertEqual(set(waiting.mapped("next_lookup_at")), {resume})
        self.assertFalse(self.Identity.search(self.Identity._enrich_due_domain()) & waiting,
                         "not due before the reset")
        self.assertEqual(len(self.net.requests), 2, "nothing asked after the 429")

    def test_cron_announces_everything_due_so_odoo_runs_it_again(self):
        identities = self.Identity.create([
            {"partner_id": self.others[i % 4].id, "network_id": self.x.id,
             "external_id": str(7000 + i)} for i in range(5)
        ])
        self._only_due(identities)
        self._answer_every_id()
        commits = self._run_cron(limit=3)
        self.assertEqual(commits, [(0, 5), (3, None), (0, 2)],
                         "5 due, 3 done in this run, 2 left: the job runs again at once")
        self.assertEqual(identities[:3].mapped("lookup_state"), ["ok"] * 3)
        self.assertEqual(identities[3:].mapped("lookup_state"), ["pending"] * 2)
        commits = self._run_cron(limit=3)
        self.assertEqual(commits, [(0, 2), (2, None), (0, 0)], "all done: fully done")
        self.assertEqual(set(identities.mapped("lookup_state")), {"ok"})

    def test_rate_limit_pauses_the_networks_other_due_identities(self):
        identities = self.Identity.create([
            {"partner_id": self.others[i % 4].id, "network_id": self.x.id,
             "external_id": str(8000 + i)} for i in range(3)
        ])
        self._only_due(identities)
        reset = int((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)).timestamp())
        self.net.add("GET", USERS, status=429, json_body={"title": "Too Many Requests"},
                     headers={"x-rate-limit-reset": str(reset)})
        commits = self._run_cron(limit=1)
        self.assertEqual(commits, [(0, 3), (1, 0)],
                         "the network waits for its reset: nothing is due any more")
        resume = dt.datetime.fromtimestamp(reset, dt.UTC).replace(tzinfo=None)
        self.assertEqual(set(identities.mapped("next_lookup_at")), {resume})
        self.assertEqual(set(identities.mapped("lookup_state")), {"pending"})
        self.assertIn("rate limited", identities[2].lookup_message)
        self.assertEqual(len(self.net.requests), 1, "asked once, not once per run")

    def test_learnt_handle_brings_its_url_and_keeps_typed_urls(self):
        devs = self._identity(self.partner, external_id="2244994945")
        x = self._identity(self.others[0], external_id="783214", handle="X")
        x.profile_url = "https://x.com/X?lang=de"
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        (devs | x).action_enrich()
        self.assertEqual(devs.handle, "XDevelopers")
        self.assertEqual(devs.profile_url, "https://x.com/XDevelopers")
        self.assertEqual(x.profile_url, "https://x.com/X?lang=de",
                         "a profile URL typed by hand stays when the handle did not change")
        self.assertEqual(x.display_name_on_network, "X")
        self.assertTrue(x.verified)

    def test_answer_that_cannot_be_stored_keeps_the_others(self):
        typed = self._identity(self.others[0], handle="XDevelopers")
        devs = self._identity(self.partner, external_id="2244994945")
        x = self._identity(self.others[1], external_id="783214")
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        with mute_logger("odoo.sql_db"):
            action = (devs | x).action_enrich()
        self.assertEqual(x.lookup_state, "ok", "the other answer of the batch is kept")
        self.assertEqual(x.followers_count, 69000000)
        self.assertEqual(devs.lookup_state, "error")
        self.assertIn("could not be stored", devs.lookup_message)
        self.assertFalse(devs.handle)
        self.assertEqual(typed.handle, "XDevelopers")
        self.assertIn("1 found", action["params"]["message"])
        self.assertIn("1 failed", action["params"]["message"])

    def test_history_row_of_the_day_is_updated_not_duplicated(self):
        """A look-up writes today's count row with the identity's contact and company; an
        identity counted today already (by the ingestion, or an earlier look-up) keeps one
        row of the day, with the new counts."""
        self._answer_every_id()
        counted, fresh = self.Identity.create([
            {"partner_id": self.others[0].id, "network_id": self.x.id, "external_id": "700001",
             "origin": "listening"},
            {"partner_id": self.others[1].id, "network_id": self.x.id, "external_id": "700002",
             "origin": "listening"},
        ])
        today = fields.Date.context_today(counted)
        earlier = self.Metric.create({"identity_id": counted.id, "date": today,
                                      "followers_count": 3, "listed_count": 9})
        self.assertEqual(earlier.partner_id, self.others[0], "precomputed on create")
        (counted | fresh)._enrich()
        rows = self.Metric.search([("identity_id", "in", (counted | fresh).ids)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.filtered(lambda r: r.identity_id == counted), earlier)
        self.assertEqual(earlier.followers_count, 700001 % 997)
        self.assertEqual(earlier.listed_count, 0)
        new = rows - earlier
        self.assertEqual(new.date, today)
        self.assertEqual(new.partner_id, self.others[1])
        self.assertEqual(new.company_id, fresh.company_id)
        self.assertEqual(new.followers_count, 700002 % 997)
        self.assertEqual(new.create_uid, self.env.user)
        self.assertEqual(fresh.metric_ids, new)

    def test_queries_per_answer_do_not_grow(self):
        self._answer_every_id()
        identities = self.Identity.create([
            {"partner_id": self.others[i % 4].id, "network_id": self.x.id,
             "external_id": str(600_000 + i)} for i in range(500)
        ])
        self.env.flush_all()
        self.env.invalidate_all()
        counts = []

        def commit(processed):
            counts.append(self.env.cr.sql_log_count)
            return 60.0

        summary = identities._enrich(commit=commit)
        self.assertEqual(summary["found"], 500)
        self.assertEqual(len(self.Metric.search([("identity_id", "in", identities.ids)])), 500)
        self.assertEqual(identities[499].followers_count, 600_499 % 997)
        # after the first answer (which reads what the batches share), each answer of 100
        # users costs the same queries: reading, one update, history rows, savepoint
        per_answer = [counts[i + 1] - counts[i] for i in range(len(counts) - 1)]
        self.assertEqual(len(set(per_answer)), 1, per_answer)
        self.assertLessEqual(per_answer[0], 10, per_answer)

    def test_missing_credentials_are_not_configured_until_saved(self):
        """No credentials for X on the company: no failure of the network but a set-up not
        done (its own state, a sentence of the product), not asked again by the job until a
        source or account of X with credentials is saved; then looked up."""
        source = self.env["social.crm.source"].search([("network_id", "=", self.x.id)])
        source.write({"bearer_token": False})
        identity = self._identity(self.partner, external_id="2244994945")
        self._only_due(identity)
        with mute_logger("odoo.addons.social_crm.models.social_crm_identity_enrich"):
            action = identity.action_enrich()
        self.assertIn("0 failed", action["params"]["message"], "not a failure")
        self.assertIn("1 not configured", action["params"]["message"], "counted once")
        self.assertEqual(identity.lookup_state, "unconfigured")
        self.assertIn("no credentials for X (Twitter) on", identity.lookup_message)
        self.assertIn(self.env.company.name, identity.lookup_message)
        self.assertFalse(self.net.requests)
        self.assertFalse(self.Identity.search(self.Identity._enrich_due_domain()),
                         "the job does not ask again and again")
        self._run_cron()
        self.assertEqual(identity.lookup_state, "unconfigured")
        # credentials saved: due again, and looked up by the job
        source.write({"bearer_token": BEARER})
        self.assertEqual(identity.lookup_state, "pending")
        self.assertFalse(identity.lookup_message)
        self.assertEqual(self.Identity.search(self.Identity._enrich_due_domain()), identity)
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        self._run_cron()
        self.assertEqual(identity.lookup_state, "ok")
        self.assertEqual(identity.followers_count, 570842)

    def test_nothing_asked_is_not_announced_as_looked_up(self):
        """*Look up social profiles* on a demo contact asks no network: the notification says
        that nothing was looked up (not a green “Profiles looked up”); the same when the
        company has no credentials for the network."""
        demo = self.env.ref("social_crm.partner_demo_sophie").social_identity_ids
        self.assertTrue(demo)
        action = demo.action_enrich()
        self.assertFalse(self.net.requests)
        self.assertEqual(action["params"]["title"], "No profile looked up")
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn(f"Demo data, not looked up on the network: {len(demo)}.",
                      action["params"]["message"])
        self.env["social.crm.source"].search([]).write({"bearer_token": False})
        identity = self._identity(self.partner, handle="jane_doe")
        with mute_logger("odoo.addons.social_crm.models.social_crm_identity_enrich"):
            action = identity.action_enrich()
        self.assertFalse(self.net.requests)
        self.assertEqual(action["params"]["title"], "No profile looked up")
        self.assertEqual(action["params"]["type"], "warning")
        # a look-up that asked the network keeps its title
        self.env["social.crm.source"].search([]).write({"bearer_token": BEARER})
        asked = self._identity(self.others[0], external_id="783214")
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        action = asked.action_enrich()
        self.assertEqual(action["params"]["title"], "Profiles looked up")
        self.assertEqual(action["params"]["type"], "success")

    def test_missing_credentials_in_the_companys_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.company.partner_id.lang = "de_DE"
        self.env["social.crm.source"].search([]).write({"bearer_token": False})
        identity = self._identity(self.partner, handle="jane_doe")
        with mute_logger("odoo.addons.social_crm.models.social_crm_identity_enrich"):
            identity.action_enrich()
        self.assertIn("Nicht eingerichtet", identity.lookup_message)
        self.assertNotIn("bearer_token", identity.lookup_message)

    def test_accounts_not_found_in_words_of_the_product(self):
        """Gone and suspended accounts read as the product words them, in the company's
        language, not as the connector's English reason."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        self.env.company.partner_id.lang = "de_DE"
        gone = self._identity(self.others[0], external_id="1234567890")
        banned = self._identity(self.others[1], external_id="4455667788")
        self.net.add("GET", USERS, json_body=payload("x_users.json"))
        (gone | banned).action_enrich()
        self.assertEqual(gone.lookup_state, "missing")
        self.assertIn("kennt dieses Konto nicht (mehr)", gone.lookup_message)
        self.assertEqual(banned.lookup_state, "suspended")
        self.assertIn("hat dieses Konto gesperrt", banned.lookup_message)

    def test_arrival_without_credentials_is_not_configured(self):
        """A Facebook page comment arrives (webhook: the author without counts) and the
        company has no page token: the author's identity says so at once, and the
        enrichment job does not ask a day later, and the next, for nothing."""
        facebook = self.env.ref("social_crm.network_facebook")
        identity = self.Identity.create({"partner_id": self.partner.id,
                                         "network_id": facebook.id,
                                         "external_id": "100000000004242"})
        author = connector_base.Author(network="facebook", external_id="100000000004242",
                                       display_name="Technik Kritik")
        post = connector_base.Post(network="facebook", external_id="102030405060_9101",
                                   text="Frechheit, nie wieder ACME!",
                                   posted_at=dt.datetime.now(dt.UTC), author=author)
        with mute_logger("odoo.addons.social_crm.models.social_crm_identity_enrich"):
            posts, arrival = self.Identity._arrival_lookup([post], self.env.company)
            self.Identity._arrival_lookup_store(arrival, self.env.company)
        self.assertEqual(posts, [post])
        self.assertFalse(self.net.requests)
        self.assertEqual(identity.lookup_state, "unconfigured")
        self.assertIn("no credentials for Facebook", identity.lookup_message)
        self.assertNotIn(identity, self.Identity.search(self.Identity._enrich_due_domain()))
        # a page token saved on the company's publishing account: due again
        self.env["social.crm.account"].create({
            "name": "ACME page", "network_id": facebook.id, "handle": "acme",
            "access_token": "EAAB-page-token"})
        self.assertEqual(identity.lookup_state, "pending")
        self.assertIn(identity, self.Identity.search(self.Identity._enrich_due_domain()))

    def test_revoked_token_stays_a_failure_in_words_of_the_product(self):
        identity = self._identity(self.partner, external_id="2244994945")
        self.net.add("GET", USERS, status=401, json_body={
            "title": "Unauthorized", "type": "about:blank", "status": 401,
            "detail": "Unauthorized"})
        with mute_logger("odoo.addons.social_crm.models.social_crm_identity_enrich"):
            action = identity.action_enrich()
        self.assertIn("1 failed", action["params"]["message"])
        self.assertEqual(identity.lookup_state, "error")
        self.assertEqual(identity.lookup_message,
                         "X (Twitter) refused the credentials (wrong, expired or revoked): "
                         "asked again in a day. (HTTP 401)")
        self.assertGreater(identity.next_lookup_at, fields.Datetime.now() + dt.timedelta(hours=23))

    def test_mastodon_and_bluesky_need_no_credentials(self):
        masto = self.Identity.create({"partner_id": self.partner.id,
                                      "network_id": self.mastodon.id,
                                      "handle": "jane@example.social"})
        sky = self.Identity.create({"partner_id": self.others[0].id,
                                    "network_id": self.bluesky.id,
                                    "handle": "alice.bsky.social"})
        self.net.add("GET", "https://example.social/api/v1/accounts/lookup",
                     json_body=payload("mastodon_account.json"))
        self.net.add("GET", "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles",
                     json_body=payload("bluesky_profiles.json"))
        (masto | sky).action_enrich()
        self.assertEqual(masto.followers_count, 1520)
        self.assertEqual(masto.external_id, "jane@example.social")
        self.assertEqual(sky.followers_count, 4210)
        self.assertEqual(sky.external_id, "did:plc:ewvi7nxzyoun6zhxrhs64oiz")

    def test_import_profile_urls_as_handles(self):
        result = self.Identity.load(
            ["partner_id/.id", "network_id/.id", "handle"],
            [
                [str(self.partner.id), str(self.x.id), "https://x.com/petra_vogel"],
                [str(self.others[0].id), str(self.mastodon.id), "https://example.social/@jane"],
                [str(self.others[1].id), str(self.linkedin.id),
                 "https://www.linkedin.com/in/petra-vogel-42/"],
            ],
        )
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"],
                         result["messages"])
        imported = self.Identity.browse(result["ids"])
        self.assertEqual(imported.mapped("handle"),
                         ["petra_vogel", "jane@example.social", "petra-vogel-42"])
        self.assertEqual(imported[0].profile_url, "https://x.com/petra_vogel")
        self.assertEqual(set(imported.mapped("lookup_state")), {"pending"})
        self.assertTrue(self.Identity.search(self.Identity._enrich_due_domain()) & imported[:2],
                        "due for the enrichment job")

    def test_counts_typed_by_hand_are_dated(self):
        identity = self.Identity.create({"partner_id": self.partner.id,
                                         "network_id": self.linkedin.id,
                                         "handle": "petra-vogel-42", "followers_count": 900,
                                         "counts_as_of": "2026-01-15"})
        metric = self.Metric.search([("identity_id", "=", identity.id)])
        self.assertEqual(metric.date, fields.Date.to_date("2026-01-15"))
        self.assertEqual(metric.followers_count, 900)
        identity.write({"followers_count": 950})
        self.assertEqual(identity.counts_as_of, fields.Date.context_today(identity))
        self.assertEqual(len(self.Metric.search([("identity_id", "=", identity.id)])), 2)


CONNECTIONS = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On,Followers
Petra,Vogel,https://www.linkedin.com/in/petra-vogel-42,PETRA.VOGEL@example.de,Bäckerei Vogel,\
Geschäftsführerin,12 Mar 2024,2.300
Jürgen,Müller,https://www.linkedin.com/in/juergen-mueller,,Müller & Söhne,Einkauf,01 Feb 2023,
Hans,Meier,https://www.linkedin.com/in/hans-meier,,ACME,CTO,01 Feb 2023,
Eva,Neu,https://www.linkedin.com/in/eva-neu,,ACME,CEO,01 Feb 2023,500+
"""


@tagged("post_install", "-at_install")
class TestProfileImport(SocialCrmCase):
    def _wizard(self, **vals):
        import base64

        vals = {"network_id": self.linkedin.id, "counted_on": "2026-11-01",
                "file": base64.b64encode(CONNECTIONS.encode()), "filename": "Connections.csv",
                **vals}
        return self.env["social.crm.profile.import"].with_user(self.manager).create(vals)

    def test_linkedin_connections_match_date_and_namesakes(self):
        juergen = self.env["res.partner"].create({"name": "Jürgen Müller"})
        self.env["res.partner"].create([{"name": "Hans Meier"}, {"name": "Hans Meier"}])
        wizard = self._wizard()
        wizard.action_import()
        identity = self.partner.social_identity_ids.filtered(
            lambda i: i.network_id == self.linkedin)
        self.assertEqual(identity.handle, "petra-vogel-42")
        self.assertEqual(identity.followers_count, 2300)
        self.assertEqual(str(identity.counts_as_of), "2026-11-01")
        metric = self.env["social.crm.identity.metric"].search([("identity_id", "=", identity.id)])
        self.assertEqual(str(metric.date), "2026-11-01")
        self.assertEqual(self.partner.function, "Geschäftsführerin")
        self.assertEqual(juergen.social_identity_ids.handle, "juergen-mueller")
        self.assertIn("1 matched by e-mail", wizard.result)
        self.assertIn("Hans Meier: several contacts have this name", wizard.result)
        self.assertIn("Eva Neu: no contact matches.", wizard.result)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Eva Neu")]))
        # a second export later refreshes the count, dated anew, on the same identity
        again = self._wizard(counted_on="2026-12-01", create_contacts=True)
        again.action_import()
        self.assertEqual(identity.followers_count, 2300)
        self.assertEqual(str(identity.counts_as_of), "2026-12-01")
        self.assertIn("1 by profile", again.result)
        eva = self.env["res.partner"].search([("name", "=", "Eva Neu")])
        self.assertEqual(eva.function, "CEO")
        self.assertEqual(eva.social_identity_ids.followers_count, 500)

    def test_user_without_contact_rights_keeps_contacts_unchanged(self):
        wizard = self._wizard()
        wizard.with_user(self.user).action_import()
        self.assertFalse(self.partner.function)
        self.assertEqual(self.partner.social_identity_ids.handle, "petra-vogel-42")
        self.assertIn("1 job position was not filled in", wizard.result)

    def test_unreadable_file_says_why(self):
        import base64

        from odoo.exceptions import UserError

        wizard = self.env["social.crm.profile.import"].create({
            "network_id": self.linkedin.id, "file": base64.b64encode(b"x;y\n1;2\n")})
        with self.assertRaisesRegex(UserError, "First Name"):
            wizard.action_import()


@tagged("post_install", "-at_install")
class TestNewsMentions(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create({
            "name": "Kölner Stadtanzeiger", "network_id": cls.rss.id, "kind": "feed",
            "query": "https://news.example/feed.xml", "news_match_contacts": True,
            "news_reach": 3.0,
        })
        bakery = cls.env["res.partner"].create({"name": "Bäckerei Vogel GmbH",
                                                "is_company": True})
        cls.partner.write({"parent_id": bakery.id, "city": "Köln"})
        cls.namesakes = cls.env["res.partner"].create([
            {"name": "Jürgen Müller", "city": "Düsseldorf"},
            {"name": "Jürgen Müller", "city": "Bonn"},
        ])

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def _article(self, ext, text, **kw):
        journalist = self.make_author(f"news.example:{ext}-author", name="Karl Reporter",
                                      network="rss")
        post = self.make_post(ext, author=journalist, network="rss", text=text,
                              url=f"https://news.example/{ext}", **kw)
        self.env["social.crm.post"]._ingest_posts([post], source=self.source)
        return self.env["social.crm.post"].search([("external_id", "=", ext)])

    def test_person_named_gets_the_mention_not_the_journalist(self):
        article = self._article(
            "a1", "Neue Filiale in Köln\n\nDie Bäckerei Vogel eröffnet ihre dritte Filiale. "
            "Inhaberin Petra Vogel freut sich. Auch Juergen Mueller aus Düsseldorf kam.")
        mention = self.partner.social_news_mention_ids
        self.assertEqual(len(mention), 1)
        self.assertEqual(mention.title, "Neue Filiale in Köln")
        self.assertEqual(mention.url, "https://news.example/a1")
        self.assertEqual(mention.source_id, self.source)
        self.assertEqual(mention.reach, 3.0)
        self.assertEqual(mention.state, "confirmed")
        self.assertNotEqual(article.partner_id, self.partner, "the journalist is the author")
        self.assertFalse(self.env["social.crm.news.mention"].search(
            [("partner_id", "=", article.partner_id.id)]))
        juergen = self.env["social.crm.news.mention"].search(
            [("partner_id", "in", self.namesakes.ids)])
        self.assertEqual(juergen.filtered(lambda m: m.state == "confirmed").partner_id,
                         self.namesakes[0])
        uncertain = juergen.filtered(lambda m: m.state == "to_review")
        self.assertEqual(uncertain.partner_id, self.namesakes[1])
        uncertain.with_user(self.user).action_reject()
        self.assertEqual(uncertain.state, "rejected")
        export = self.partner._social_export_data()
        self.assertEqual(export["news_mentions"][0]["title"], "Neue Filiale in Köln")
        counts = self.partner._social_erase()
        self.assertEqual(counts["news mentions"], 1)
        self.assertFalse(self.env["social.crm.news.mention"].search(
            [("partner_id", "=", self.partner.id)]))

    def test_teaser_reads_the_article_page(self):
        self.source.news_fetch_article = True
        self.net.add("GET", "https://news.example/a2", body=(
            "<html><head><script>var x='Petra Vogel';</script></head><body><nav>Menü</nav>"
            "<article><h1>Handwerk</h1><p>Petra Vogel (Bäckerei Vogel) sprach.</p></article>"
            "</body></html>"), headers={"Content-Type": "text/html; charset=utf-8"})
        self._article("a2", "Handwerk\n\nEine Bäckerin sprach …")
        self.assertEqual(self.partner.social_news_mention_ids.state, "confirmed")
        self.assertEqual(self.net.requests[0][1].get("timeout"), 10)

    def test_unreachable_article_page_keeps_the_teaser(self):
        self.source.news_fetch_article = True
        self.net.add("GET", "https://news.example/a3", exc=requests.ConnectTimeout())
        with mute_logger("odoo.addons.social_crm.models.social_crm_post_news"):
            article = self._article("a3", "Kurz\n\nPetra Vogel aus Köln.")
        self.assertTrue(article)
        self.assertEqual(len(self.net.requests), 1, "the page was asked for")
        self.assertEqual(self.partner.social_news_mention_ids.post_id, article)
