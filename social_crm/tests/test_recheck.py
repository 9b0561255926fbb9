# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Re-check of polling sources' posts through the job (``_cron_recheck_due``), the networks
mocked at the HTTP boundary with their documented answers: an edit goes through the edit
path of ``_ingest_posts``, a deletion through ``_ingest_deletions``; a fault deletes nothing,
is logged and shown on the source; the posts never re-checked go first."""

import copy
import datetime as dt
import json
import pathlib
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests

from odoo import fields
from odoo.tests import tagged

from ..connectors import bluesky, mastodon, x
from .common import FakeNetwork, SocialCrmCase

PAYLOADS = pathlib.Path(__file__).resolve().parents[2] / "tests/connectors/payloads"
MASTO = "https://mastodon.example"
GET_POSTS = "https://public.api.bsky.app/xrpc/app.bsky.feed.getPosts"
GET_PROFILES = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles"
X_TWEETS = "https://api.twitter.com/2/tweets"
LOGGER = "odoo.addons.social_crm.models.social_crm_post_recheck"


def payload(name):
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def fresh(hours=1):
    """An ISO time ``hours`` ago (the re-check reads only posts of the last days)."""
    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    return when.isoformat().replace("+00:00", "Z")


@tagged("post_install", "-at_install")
class TestRecheck(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.company.social_recheck_days = 3
        Source = cls.env["social.crm.source"]
        # the demo's sources must not take part
        Source.search([]).write({"active": False})
        cls.masto_source = Source.create({
            "name": "Mastodon mentions", "network_id": cls.mastodon.id, "kind": "mentions",
            "base_url": MASTO, "access_token": "masto-token",
        })
        cls.bsky_source = Source.create({
            "name": "Bluesky search", "network_id": cls.bluesky.id, "kind": "search",
            "query": "acme",
        })
        cls.x_source = Source.create({
            "name": "X search", "network_id": cls.x.id, "kind": "search", "query": "acme",
            "bearer_token": "bearer-test",
        })

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    # --- helpers ------------------------------------------------------------------------------
    def run_cron(self, **kwargs):
        commits = []
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: (
                commits.append((processed, remaining)) or 60.0),
        ):
            self.Post._cron_recheck_due(**kwargs)
        self.env.invalidate_all()
        return commits

    def status(self, status_id="113500000000000777", text=None, edited=None, hours=1, **kw):
        status = copy.deepcopy(payload("recheck/mastodon_statuses.json")[0])
        # another status has another federation URI (the URI names the status, not its id)
        status.update(id=status_id, created_at=fresh(hours), edited_at=edited,
                      uri=f"https://mastodon.example/users/kim/statuses/{status_id}",
                      url=f"https://mastodon.example/@kim/{status_id}")
        status.update(kw)
        if text:
            status["content"] = f"<p>{text}</p>"
        return status

    def store_status(self, **kw):
        post = mastodon.parse_status(self.status(**kw), "mastodon.example")
        result = self.Post._ingest_posts([post], self.masto_source)
        return self.Post.browse(result.post_ids)

    def record_not_found(self, did, uri, pds="https://morel.us-east.host.bsky.network",
                         repo_status=None):
        """``did``'s DID document (plc.directory) naming ``pds``, which has no record
        ``uri`` (``com.atproto.repo.getRecord``: 400 RecordNotFound) and says how it hosts
        the account (``com.atproto.sync.getRepoStatus``: ``repo_status``, by default an
        active repository)."""
        self.net.add("GET", f"https://plc.directory/{did}", json_body={
            "@context": ["https://www.w3.org/ns/did/v1"], "id": did,
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": pds}]})
        self.net.add("GET", f"{pds}/xrpc/com.atproto.repo.getRecord", status=400, json_body={
            "error": "RecordNotFound", "message": f"Could not locate record: {uri}"})
        self.net.add("GET", f"{pds}/xrpc/com.atproto.sync.getRepoStatus", json_body=(
            repo_status or {"did": did, "active": True, "rev": "3lbkkzzhr5q2k"}))

    def bsky_views(self):
        views = copy.deepcopy(payload("bluesky/search_page1.json")["posts"][:2])
        for view in views:
            view["record"]["createdAt"] = view["indexedAt"] = fresh()
        return views

    def store_bsky(self):
        posts = [bluesky.parse_post(v, {}) for v in self.bsky_views()]
        result = self.Post._ingest_posts(posts, self.bsky_source)
        return self.Post.browse(result.post_ids)

    # --- which posts ----------------------------------------------------------------------------
    def test_x_is_off_by_default_the_others_on(self):
        self.assertFalse(self.x_source.recheck_posts)
        self.assertTrue(self.masto_source.recheck_posts)
        self.assertTrue(self.bsky_source.recheck_posts)

    def test_due_posts(self):
        young = self.store_status(text="Router kaputt")
        old = self.store_status(status_id="113500000000000001", text="alt", hours=24 * 5)
        Post = self.Post
        due = Post.search(Post._recheck_due_domain())
        self.assertIn(young, due)
        self.assertNotIn(old, due)
        young.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(minutes=20)
        self.assertNotIn(young, Post.search(Post._recheck_due_domain()))
        young.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.assertIn(young, Post.search(Post._recheck_due_domain()))
        self.masto_source.intake_mode = "stream"  # a stream sees edits and deletions itself
        self.assertNotIn(young, Post.search(Post._recheck_due_domain()))
        self.masto_source.intake_mode = "poll"
        self.company.social_recheck_days = 0  # off
        self.assertNotIn(young, Post.search(Post._recheck_due_domain()))

    def test_never_rechecked_goes_first(self):
        posts = [self.store_status(status_id=f"11350000000000078{i}", text=f"Post {i}")
                 for i in range(3)]
        long_ago = fields.Datetime.now() - dt.timedelta(hours=5)
        posts[0].sudo().rechecked_at = long_ago
        posts[1].sudo().rechecked_at = long_ago - dt.timedelta(hours=1)
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            status_id=posts[2].external_id, text="Post 2")])
        commits = self.run_cron(limit=1)
        asked = parse_qs(urlsplit(self.net.requests[0][0].url).query)["id[]"]
        self.assertEqual(asked, [posts[2].external_id])
        self.assertTrue(posts[2].rechecked_at)
        self.assertEqual(commits[0], (0, 3))  # everything due is the remaining count
        # then the longest unchecked
        self.net.routes.clear()
        self.net.requests.clear()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            status_id=posts[1].external_id, text="Post 1")])
        self.run_cron(limit=1)
        asked = parse_qs(urlsplit(self.net.requests[0][0].url).query)["id[]"]
        self.assertEqual(asked, [posts[1].external_id])

    # --- edits and deletions --------------------------------------------------------------------
    def test_mastodon_edit_goes_through_the_edit_path(self):
        post = self.store_status(text="Router kaputt")
        edited = fresh(0.5)
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            text="Router kaputt, seit drei Tagen!", edited=edited)])
        self.run_cron()
        self.assertEqual(post.text, "Router kaputt, seit drei Tagen!")
        self.assertEqual(post.previous_text, "Router kaputt")
        self.assertTrue(post.edited_at)
        self.assertTrue(post.rechecked_at)
        self.assertEqual(post.like_count, 3)  # the counts follow as at a poll
        # asked again later with the same version: nothing changes
        post.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.run_cron()
        self.assertEqual(post.previous_text, "Router kaputt")

    def test_mastodon_deletion_is_a_network_delete(self):
        kept = self.store_status(text="bleibt")
        gone = self.store_status(status_id="113500000000000778", text="weg")
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(text="bleibt")])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000778", status=404,
                     json_body={"error": "Record not found"})
        # its author's account is there (not suspended), has not blocked the company's
        # account: the status was deleted
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup",
                     json_body=self.status()["account"])
        self.net.add("GET", f"{MASTO}/api/v1/accounts/relationships",
                     json_body=[self.relationship(self.status()["account"]["id"])])
        self.run_cron()
        self.assertFalse(gone.exists())
        self.assertTrue(kept.exists())
        self.assertTrue(self.env["social.crm.post.deleted"].sudo().search_count([
            ("external_id", "=", "113500000000000778"), ("network_id", "=", self.mastodon.id)]))
        # a poll bringing it again does not store it again
        again = mastodon.parse_status(self.status(status_id="113500000000000778"),
                                      "mastodon.example")
        self.assertFalse(self.Post._ingest_posts([again], self.masto_source).created)

    def test_mastodon_deletion_on_one_instance_keeps_the_other_s_status_of_that_id(self):
        """Two instances gave one id to two statuses: the one that answers 404 for its
        status deletes the post read through it, not the other instance's."""
        other_url = "https://other.example"
        other = self.env["social.crm.source"].create({
            "name": "Mastodon mentions (other instance)", "network_id": self.mastodon.id,
            "kind": "mentions", "base_url": other_url, "access_token": "other-token",
        })
        ours = self.store_status(text="Router kaputt")
        theirs = self.Post.browse(self.Post._ingest_posts([mastodon.parse_status(
            self.status(text="Rechnung doppelt", uri=f"{other_url}/users/kim/statuses/1",
                        url=f"{other_url}/@kim/1"), "other.example")], other).post_ids)
        self.assertEqual(ours.external_id, theirs.external_id)
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            text="Router kaputt")])
        self.net.add("GET", f"{other_url}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{other_url}/api/v1/statuses/113500000000000777", status=404,
                     json_body={"error": "Record not found"})
        account = self.status()["account"]
        self.net.add("GET", f"{other_url}/api/v1/accounts/lookup", json_body=account)
        self.net.add("GET", f"{other_url}/api/v1/accounts/relationships",
                     json_body=[self.relationship(account["id"])])
        self.run_cron()
        self.assertFalse(theirs.exists())
        self.assertTrue(ours.exists(), "mastodon.example's status of that id is another one")
        self.assertTrue(ours.rechecked_at)

    def test_a_source_moved_to_another_instance_rechecks_only_that_instance_s_posts(self):
        """The source read its posts on mastodon.example; its instance URL now names another
        instance, where the posts' ids name other statuses (or none): the posts read before
        are not asked there (a 404 would delete them), those read since are."""
        before = self.store_status(text="Router kaputt")
        other_url = "https://other.example"
        self.masto_source.base_url = other_url
        since = self.Post.browse(self.Post._ingest_posts([mastodon.parse_status(
            self.status(status_id="113500000000000900", text="Rechnung doppelt",
                        uri=f"{other_url}/users/kim/statuses/900", url=f"{other_url}/@kim/900"),
            "other.example")], self.masto_source).post_ids)
        self.assertEqual((before.instance, since.instance), (MASTO, other_url))
        due = self.Post.search(self.Post._recheck_due_domain())
        self.assertNotIn(before, due)
        self.assertIn(since, due)
        self.net.add("GET", f"{other_url}/api/v1/statuses", json_body=[self.status(
            status_id="113500000000000900", text="Rechnung doppelt",
            uri=f"{other_url}/users/kim/statuses/900", url=f"{other_url}/@kim/900")])
        self.net.add("GET", f"{other_url}/api/v1/statuses/113500000000000777", status=404,
                     json_body={"error": "Record not found"})
        self.run_cron()
        self.assertTrue(before.exists())
        self.assertFalse(before.rechecked_at, "not asked")
        self.assertTrue(since.rechecked_at)

    def test_a_status_deleted_on_another_instance_s_stream_goes_with_the_recheck(self):
        """alice's status lives on other.example (id 555 there) and was read through
        mastodon.example (its id there: 113500000000000900). other.example's stream
        announces the deletion of 555: no post here has that id of that instance (which
        status it was cannot be asked any more), the post stays; the re-check through
        mastodon.example finds its status gone and deletes it."""
        other_url = "https://other.example"
        other = self.env["social.crm.source"].create({
            "name": "Mastodon mentions (other instance)", "network_id": self.mastodon.id,
            "kind": "mentions", "base_url": other_url, "access_token": "other-token",
            "intake_mode": "stream",
        })
        account = dict(self.status()["account"], acct="alice@other.example",
                       username="alice", url=f"{other_url}/@alice")
        alice = self.store_status(status_id="113500000000000900", text="Router kaputt",
                                  uri=f"{other_url}/users/alice/statuses/555",
                                  url=f"{other_url}/@alice/555", account=account)
        self.Post._ingest_deletions([mastodon.parse_stream_delete("555")], other)
        self.assertTrue(alice.exists())
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000900", status=404,
                     json_body={"error": "Record not found"})
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup", json_body=account)
        self.net.add("GET", f"{MASTO}/api/v1/accounts/relationships",
                     json_body=[self.relationship(account["id"])])
        # and her own instance (asked by the id in the status's URI) no longer has it
        self.net.add("GET", f"{other_url}/api/v1/statuses/555", status=404,
                     json_body={"error": "Record not found"})
        self.run_cron()
        self.assertFalse(alice.exists())

    def test_suspended_mastodon_author_keeps_his_posts(self):
        """An instance hides a suspended account's statuses (404) and shows them again when
        the suspension is lifted: the post stays."""
        post = self.store_status(status_id="113500000000000778", text="Router kaputt")
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000778", status=404,
                     json_body={"error": "Record not found"})
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup",
                     json_body=dict(self.status()["account"], suspended=True))
        self.run_cron()
        self.assertTrue(post.exists() and post.rechecked_at)
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", "113500000000000778")]))
        asked = [prepared.url for prepared, _kw in self.net.requests]
        self.assertIn("acct=kim%40mastodon.example", asked[-1])

    def test_followers_only_status_of_an_author_who_blocked_us_is_not_deleted(self):
        """Mastodon answers 404 "does not exist or is private" for a followers-only status
        (or a limited one) to an account its author blocked, and to anonymous readers: the
        author exists, is not suspended, and the status is still there. The relationship
        says ``blocked_by``: no answer, the post and its ticket stay."""
        post = self.store_status(status_id="113500000000000779", text="Router kaputt",
                                 visibility="private")
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000779", status=404,
                     json_body={"error": "Record not found"})
        account = self.status()["account"]
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup", json_body=account)
        self.net.add("GET", f"{MASTO}/api/v1/accounts/relationships",
                     json_body=[self.relationship(account["id"], blocked_by=True)])
        self.run_cron()
        self.assertTrue(post.exists() and post.rechecked_at)
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", "113500000000000779")]))
        asked = [prepared.url for prepared, _kw in self.net.requests]
        self.assertIn(f"id%5B%5D={account['id']}", asked[-1])

    # --- why a kept post is not shown: its author suspended, or a block -------------------------
    def german_label(self, post):
        """The German words of ``post``'s visibility, as a German manager reads them."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"], overwrite=True)
        env = self.env(context=dict(self.env.context, lang="de_DE"))
        labels = dict(post._fields["network_visibility"]._description_selection(env))
        return labels[post.network_visibility]

    def shown_again(self, post):
        """An hour later the instance shows the status again."""
        self.net.routes.clear()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            status_id=post.external_id, text="Router kaputt")])
        post.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.run_cron()

    def test_suspended_author_is_the_visible_reason_and_goes_with_the_suspension(self):
        """Probe (German manager): a post kept because its author's account is suspended
        said nothing on the post (empty visibility, not in "Not Shown by the Network"): the
        user could not tell why it no longer shows on the network. It says so now, in
        German, and the mark goes when the suspension is lifted."""
        post = self.store_status(status_id="113500000000000778", text="Router kaputt")
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000778", status=404,
                     json_body={"error": "Record not found"})
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup",
                     json_body=dict(self.status()["account"], suspended=True))
        self.run_cron()
        self.assertEqual(post.network_visibility, "suspended")
        self.assertIn(post, self.Post.search([("network_visibility", "!=", False)]))
        self.assertEqual(self.german_label(post),
                         "Mit dem gesperrten Konto des Autors ausgeblendet (nicht gelöscht)")
        self.shown_again(post)
        self.assertFalse(post.network_visibility)

    def test_blocks_between_the_author_and_the_company_are_the_visible_reason(self):
        """The author blocked the company's account (``blocked_by``; or the status is shown
        to anonymous readers only), or that account blocks the author's domain
        (``domain_blocking``): each says so on the post, until the network shows it again."""
        account = self.status()["account"]
        cases = (
            ("blocked", {"blocked_by": True},
             "Der Autor hat Ihr Konto blockiert (nicht gelöscht)"),
            ("domain_blocked", {"domain_blocking": True},
             "Ihr Konto blockiert die Domain des Autors (nicht gelöscht)"),
        )
        for number, (state, flags, german) in enumerate(cases):
            with self.subTest(state=state):
                status_id = f"11350000000000079{number}"
                post = self.store_status(status_id=status_id, text="Router kaputt",
                                         visibility="private")
                self.net.routes.clear()
                self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
                self.net.add("GET", f"{MASTO}/api/v1/statuses/{status_id}", status=404,
                             json_body={"error": "Record not found"})
                self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup", json_body=account)
                self.net.add("GET", f"{MASTO}/api/v1/accounts/relationships",
                             json_body=[self.relationship(account["id"], **flags)])
                self.run_cron()
                self.assertTrue(post.exists())
                self.assertEqual(post.network_visibility, state)
                self.assertEqual(self.german_label(post), german)
                self.shown_again(post)
                self.assertFalse(post.network_visibility)
        # a public status 404 to the company's account but shown to anybody: blocked by its
        # author
        post = self.store_status(status_id="113500000000000799", text="Router kaputt")
        self.net.routes.clear()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000799", status=404,
                     json_body={"error": "Record not found"})
        self.net.add("GET", f"{MASTO}/api/v1/statuses/113500000000000799",
                     json_body=self.status(status_id="113500000000000799"))
        self.run_cron()
        self.assertEqual(post.network_visibility, "blocked")
        anonymous = self.net.requests[-1][0]
        self.assertNotIn("Authorization", anonymous.headers)

    def test_deactivated_bluesky_author_is_the_visible_reason(self):
        alice, bob = self.store_bsky()
        self.net.add("GET", GET_POSTS, json_body={"posts": [self.bsky_views()[0]]})
        self.net.add("GET", GET_PROFILES, json_body={"profiles": []})
        self.run_cron()
        self.assertEqual(bob.network_visibility, "suspended")
        self.assertFalse(alice.network_visibility)
        # the account is back: so is the post, and the mark goes
        self.net.routes.clear()
        self.net.add("GET", GET_POSTS, json_body={"posts": self.bsky_views()})
        bob.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.run_cron()
        self.assertFalse(bob.network_visibility)

    # --- defederation: the source's instance no longer shows the author's instance ----------
    REMOTE = "https://remote.example"
    REMOTE_ID = "110200000000000042"

    def remote_status(self, status_id="113500000000000900", **kw):
        """A status of lena@remote.example as the source's instance (``status_id``) or her
        own instance (``REMOTE_ID``, her account local there) answers it."""
        status = self.status(status_id=status_id, text="Router kaputt, seit Tagen", **kw)
        local = status_id == self.REMOTE_ID
        status.update(
            uri=f"{self.REMOTE}/users/lena/statuses/{self.REMOTE_ID}",
            url=f"{self.REMOTE}/@lena/{self.REMOTE_ID}",
            account=dict(status["account"], id="1" if local else "109000000000000001",
                         username="lena", acct="lena" if local else "lena@remote.example",
                         url=f"{self.REMOTE}/@lena"),
        )
        return status

    def defederated(self, status_id="113500000000000900"):
        """The source's instance suspends remote.example: the status and its author are
        404 there, with the token and without."""
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[])
        self.net.add("GET", f"{MASTO}/api/v1/statuses/{status_id}", status=404,
                     json_body={"error": "Record not found"})
        self.net.add("GET", f"{MASTO}/api/v1/accounts/lookup", status=404,
                     json_body={"error": "Record not found"})

    def store_remote(self):
        post = mastodon.parse_status(self.remote_status(), "mastodon.example")
        return self.Post.browse(self.Post._ingest_posts([post], self.masto_source).post_ids)

    def assert_kept(self, post, visibility):
        self.assertTrue(post.exists() and post.rechecked_at)
        self.assertEqual(post.network_visibility, visibility)
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", post.external_id)]))
        self.assertFalse(self.masto_source.last_error)  # not the source's fault

    def test_defederated_instance_keeps_the_post_shown_as_not_visible(self):
        """The company's instance suspends (or limits) the author's instance: the status and
        the account are 404 there, though nothing was deleted. Her own instance, asked
        anonymously for the id of the stored url, shows it: the post stays, marked "not
        visible from your instance"; when the instance shows it again, the mark goes."""
        post = self.store_remote()
        self.assertEqual(post.author_external_id, "lena@remote.example")
        self.defederated()
        self.net.add("GET", f"{self.REMOTE}/api/v1/statuses/{self.REMOTE_ID}",
                     json_body=self.remote_status(self.REMOTE_ID))
        self.run_cron()
        self.assert_kept(post, "hidden")
        remote = [prepared for prepared, _kw in self.net.requests
                  if prepared.url.startswith(self.REMOTE)]
        self.assertEqual([r.url for r in remote],
                         [f"{self.REMOTE}/api/v1/statuses/{self.REMOTE_ID}"])
        self.assertNotIn("Authorization", remote[0].headers)
        label = dict(post._fields["network_visibility"]._description_selection(self.env))
        self.assertEqual(label["hidden"],
                         "Not visible from your instance (instance blocked or limited)")
        self.assertIn(post, self.Post.search([("network_visibility", "!=", False)]))
        # the instances federate again: shown, the mark goes
        self.net.routes.clear()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[
            self.remote_status()])
        post.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        self.run_cron()
        self.assertFalse(post.network_visibility)

    def test_defederated_status_deleted_on_its_own_instance_is_deleted(self):
        post = self.store_remote()
        self.defederated()
        self.net.add("GET", f"{self.REMOTE}/api/v1/statuses/{self.REMOTE_ID}", status=404,
                     json_body={"error": "Record not found"})
        self.run_cron()
        self.assertFalse(post.exists())
        self.assertTrue(self.env["social.crm.post.deleted"].sudo().search_count([
            ("external_id", "=", "113500000000000900")]))

    def test_author_instance_down_keeps_the_post_as_unknown(self):
        """The author's own instance times out, fails (5xx) or answers only signed requests
        (401): the post stays, "unknown", and is asked again in an hour."""
        post = self.store_remote()
        for answer in ({"exc": requests.ConnectTimeout("slow")},
                       {"status": 502, "body": "<html>Bad Gateway</html>"},
                       {"status": 401, "json_body": {"error": "Request not signed"}}):
            with self.subTest(answer=answer):
                self.net.routes.clear()
                self.defederated()
                self.net.add("GET", f"{self.REMOTE}/api/v1/statuses/{self.REMOTE_ID}", **answer)
                post.sudo().rechecked_at = False
                self.run_cron()
                self.assert_kept(post, "unknown")

    def test_bluesky_post_taken_down_by_moderation_is_kept(self):
        """The AppView leaves out a post its moderation took down, its author still served;
        the author's PDS still holds the record: not deleted, "moderated"."""
        alice, bob = self.store_bsky()
        views = self.bsky_views()
        did = views[1]["author"]["did"]
        self.net.add("GET", GET_POSTS, json_body={"posts": [views[0]]})
        self.net.add("GET", GET_PROFILES, json_body={"profiles": [views[1]["author"]]})
        self.net.add("GET", f"https://plc.directory/{did}", json_body={
            "@context": ["https://www.w3.org/ns/did/v1"], "id": did,
            "alsoKnownAs": [f"at://{views[1]['author']['handle']}"],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": "https://morel.us-east.host.bsky.network"}]})
        self.net.add("GET", "https://morel.us-east.host.bsky.network/xrpc/"
                     "com.atproto.repo.getRecord", json_body={
                         "uri": bob.external_id, "cid": views[1]["cid"],
                         "value": views[1]["record"]})
        self.run_cron()
        self.assertTrue(alice.exists() and bob.exists())
        self.assertEqual(bob.network_visibility, "moderated")
        self.assertFalse(alice.network_visibility)
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", bob.external_id)]))

    @staticmethod
    def relationship(account_id, **flags):
        """A Mastodon Relationship entity of the source's account with ``account_id``."""
        return {"id": str(account_id), "following": False, "showing_reblogs": False,
                "notifying": False, "languages": None, "followed_by": False,
                "blocking": False, "blocked_by": False, "muting": False,
                "muting_notifications": False, "requested": False, "requested_by": False,
                "domain_blocking": False, "endorsed": False, "note": "", **flags}

    def test_bluesky_deletion_and_edit_by_cid(self):
        alice, bob = self.store_bsky()
        views = self.bsky_views()
        edit = views[0]
        edit["cid"] = "bafyreinewversion"
        edit["record"]["text"] = "your app crashes on login, every time"
        self.net.add("GET", GET_POSTS, json_body={"posts": [edit]})  # bob's is absent
        # bob's account is still there, and his PDS has no such record: his post was deleted
        self.net.add("GET", GET_PROFILES, json_body={"profiles": [views[1]["author"]]})
        self.record_not_found(views[1]["author"]["did"], bob.external_id)
        self.run_cron()
        self.assertFalse(bob.exists())
        self.assertEqual(alice.text, "your app crashes on login, every time")
        self.assertTrue(alice.edited_at and alice.previous_text)
        # the same version again: no edit (its CID is stored with the payload)
        alice.sudo().rechecked_at = fields.Datetime.now() - dt.timedelta(hours=2)
        edited_at = alice.edited_at
        self.run_cron()
        self.assertEqual(alice.edited_at, edited_at)

    def deleted_row(self, post_external_id):
        return self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", post_external_id)])

    def test_bluesky_take_down_by_the_host_is_told_from_a_deletion(self):
        """A PDS that took the author's account down answers ``RecordNotFound`` as for a
        deleted record; its ``getRepoStatus`` says ``takendown``: the post goes (the
        host removed it), and the Deleted Post says the host took it down, where a post
        of an active repository was deleted by its author."""
        alice, bob = self.store_bsky()
        views = self.bsky_views()
        self.net.add("GET", GET_POSTS, json_body={"posts": []})
        # both authors still served by the AppView (it has not caught up with the PDS)
        self.net.add("GET", GET_PROFILES, json_body={
            "profiles": [views[0]["author"], views[1]["author"]]})
        self.record_not_found(views[0]["author"]["did"], alice.external_id,
                              pds="https://alice-pds.example.com")
        self.record_not_found(views[1]["author"]["did"], bob.external_id,
                              pds="https://bob-pds.example.com", repo_status={
                                  "did": views[1]["author"]["did"], "active": False,
                                  "status": "takendown"})
        alice_uri, bob_uri = alice.external_id, bob.external_id
        self.run_cron()
        self.assertFalse(alice.exists() or bob.exists())
        self.assertEqual(self.deleted_row(alice_uri).network_reason, "author")
        self.assertEqual(self.deleted_row(bob_uri).network_reason, "taken_down")
        self.assertEqual(self.deleted_row(bob_uri).reason, "network")

    def test_bluesky_suspended_at_the_host_keeps_the_post(self):
        """A PDS that suspended (or the author deactivated) the account: it may come back,
        the post is kept as hidden with its account; one that cannot say (no
        ``getRepoStatus``): deleted as before, without a reason."""
        alice, bob = self.store_bsky()
        views = self.bsky_views()
        self.net.add("GET", GET_POSTS, json_body={"posts": []})
        self.net.add("GET", GET_PROFILES, json_body={
            "profiles": [views[0]["author"], views[1]["author"]]})
        self.record_not_found(views[0]["author"]["did"], alice.external_id,
                              pds="https://alice-pds.example.com", repo_status={
                                  "did": views[0]["author"]["did"], "active": False,
                                  "status": "suspended"})
        self.record_not_found(views[1]["author"]["did"], bob.external_id,
                              pds="https://bob-pds.example.com")
        self.net.routes[("GET", "bob-pds.example.com/xrpc/com.atproto.sync.getRepoStatus")] = [
            (501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, {},
             None, None)]
        bob_uri = bob.external_id
        self.run_cron()
        self.assertTrue(alice.exists())
        self.assertEqual(alice.network_visibility, "suspended")
        self.assertFalse(bob.exists())
        self.assertTrue(self.deleted_row(bob_uri))
        self.assertFalse(self.deleted_row(bob_uri).network_reason)

    def test_deactivated_bluesky_author_keeps_his_posts(self):
        """An AppView strips a deactivated or taken-down account from its answers, its
        profile too: the account may come back, so its absent post is kept."""
        alice, bob = self.store_bsky()
        self.net.add("GET", GET_POSTS, json_body={"posts": [self.bsky_views()[0]]})
        self.net.add("GET", GET_PROFILES, json_body={"profiles": []})
        self.run_cron()
        self.assertTrue(alice.exists() and bob.exists())
        self.assertTrue(bob.rechecked_at)  # asked again in an hour
        self.assertFalse(self.env["social.crm.post.deleted"].sudo().search(
            [("external_id", "=", bob.external_id)]))

    def test_unchanged_bluesky_post_is_not_edited(self):
        alice, bob = self.store_bsky()
        self.net.add("GET", GET_POSTS, json_body={"posts": self.bsky_views()})
        self.run_cron()
        self.assertFalse(alice.edited_at or bob.edited_at)
        self.assertTrue(alice.rechecked_at and bob.rechecked_at)

    def test_x_when_switched_on(self):
        answer = payload("recheck/x_tweets.json")
        for tweet in answer["data"]:
            tweet["created_at"] = fresh()
        stored = x.parse_tweets({**answer, "errors": []})
        deleted = x.parse_tweets({"data": [dict(answer["data"][0], id="1795000000000000003",
                                                 edit_history_tweet_ids=[
                                                     "1795000000000000003"])],
                                  "includes": answer["includes"]})
        protected = x.parse_tweets({"data": [dict(answer["data"][0], id="1795000000000000004",
                                                   edit_history_tweet_ids=[
                                                       "1795000000000000004"])],
                                    "includes": answer["includes"]})
        result = self.Post._ingest_posts(stored + deleted + protected, self.x_source)
        posts = self.Post.browse(result.post_ids)
        self.run_cron()
        self.assertFalse(self.net.requests)  # off by default: X bills every read
        self.x_source.recheck_posts = True
        latest = payload("recheck/x_tweets_latest.json")
        latest["data"][0]["created_at"] = fresh(0.5)
        self.net.add("GET", X_TWEETS, json_body=answer)
        self.net.add("GET", X_TWEETS, json_body=latest)
        self.run_cron()
        by_ext = {p.external_id: p for p in posts.exists()}
        self.assertNotIn("1795000000000000003", by_ext)  # resource-not-found: deleted
        self.assertIn("1795000000000000004", by_ext)  # Authorization Error: stays
        edited = by_ext["1795000000000000002"]
        self.assertEqual(edited.version_external_id, "1795000000000000009")
        # the latest version's text (its card number redacted when the helpdesk is installed)
        self.assertIn("Erstattung? Karte", edited.text)
        self.assertEqual(edited.previous_text, "@acme Wo bleibt meine Erstattung?")

    def test_queries_do_not_grow_with_the_posts(self):
        """One request batch of 4 or of 24 posts (a quarter edited, a quarter deleted): the same
        number of queries (batch reads and writes, no query per post)."""

        def run(count, prefix):
            views = []
            for number in range(count):
                view = copy.deepcopy(self.bsky_views()[number % 2])
                view["uri"] = f"at://did:plc:{prefix}{number:03d}/app.bsky.feed.post/3k{number}"
                view["author"] = dict(view["author"], did=f"did:plc:{prefix}{number:03d}",
                                      handle=f"{prefix}{number}.bsky.social")
                views.append(view)
            stored = [bluesky.parse_post(v, {}) for v in views]
            self.Post._ingest_posts(stored, self.bsky_source)
            self.Post.search([("source_id", "=", self.bsky_source.id)]).sudo().write(
                {"rechecked_at": fields.Datetime.now()})  # only this round is due
            Post = self.Post.sudo()
            posts = Post.search([("external_id", "in", [v["uri"] for v in views])])
            posts.write({"rechecked_at": False})
            answer = []
            for number, view in enumerate(views):
                if number % 4 == 3:
                    continue  # deleted
                if number % 2:
                    view["cid"] = f"bafynew{number}"
                    view["record"] = dict(view["record"], text=f"edited {number}")
                answer.append(view)
            self.net.routes.clear()
            self.net.add("GET", GET_POSTS, json_body={"posts": answer})
            self.net.add("GET", GET_PROFILES, json_body={"profiles": [
                v["author"] for n, v in enumerate(views) if n % 4 == 3]})
            for number, view in enumerate(views):
                if number % 4 == 3:
                    self.record_not_found(view["author"]["did"], view["uri"])
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.run_cron()
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            self.assertEqual(len(posts.exists()), count - count // 4)
            self.assertEqual(len(posts.exists().filtered("edited_at")), count // 4)
            return queries

        small, large = run(4, "s"), run(24, "l")
        self.assertLessEqual(large, small + 2, (small, large))

    # --- faults ---------------------------------------------------------------------------------
    def assert_fault_deletes_nothing(self, posts, source, words):
        with self.assertLogs(LOGGER, level="WARNING") as logs:
            self.run_cron()
        self.assertTrue(all(p.exists() for p in posts))
        self.assertIn("nothing deleted", logs.output[0])
        self.assertIn(words, logs.output[0])
        self.assertIn(words, source.last_error)
        self.assertTrue(source.last_error.startswith("Re-check of posts failed"))
        self.assertTrue(all(p.rechecked_at for p in posts))  # asked again in an hour

    def test_server_error_deletes_nothing(self):
        posts = self.store_bsky()
        self.net.add("GET", GET_POSTS, status=502, json_body={"error": "BadGateway"})
        self.assert_fault_deletes_nothing(posts, self.bsky_source, "502")

    def test_rate_limit_deletes_nothing(self):
        posts = self.store_bsky()
        self.net.add("GET", GET_POSTS, status=429, json_body={
            "error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={"ratelimit-reset": str(int(dt.datetime.now(dt.UTC).timestamp()) + 300)})
        self.assert_fault_deletes_nothing(posts, self.bsky_source, "rate limited")

    def test_timeout_deletes_nothing(self):
        posts = self.store_bsky()
        self.net.add("GET", GET_POSTS, exc=requests.ConnectTimeout("slow"))
        self.assert_fault_deletes_nothing(posts, self.bsky_source, "timed out")

    def test_malformed_answer_deletes_nothing(self):
        posts = self.store_bsky()
        self.net.add("GET", GET_POSTS, json_body={"feed": []})
        self.assert_fault_deletes_nothing(posts, self.bsky_source, "no 'posts' list")

    def test_revoked_token_deletes_nothing(self):
        post = self.store_status(text="Router kaputt")
        self.net.add("GET", f"{MASTO}/api/v1/statuses", status=401,
                     json_body={"error": "The access token was revoked"})
        self.assert_fault_deletes_nothing(post, self.masto_source, "revoked")

    def test_late_x_webhook_after_a_recheck_keeps_the_fresh_counts(self):
        """A tweet polled, re-checked (fresh counts: likes and followers read now), then the
        Account Activity delivery of its creation retried late (its counts as of then): the
        post's and the author's counts stay the re-check's."""
        from ..connectors import events as connector_events
        from .test_intake_webhook import x_activity

        self.x_source.recheck_posts = True
        push = self.env["social.crm.source"].create({
            "name": "X mentions (push)", "network_id": self.x.id, "kind": "mentions",
            "account_id": "1440000000000000000", "intake_mode": "push",
            "api_secret": "consumer-secret",
        })
        created = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
        tweet_id = "1865000000000000001"
        user = {"id": "1460000000000000999", "name": "Kai Brenner", "username": "kaibrenner",
                "public_metrics": {"followers_count": 10400, "following_count": 300,
                                   "tweet_count": 5400, "listed_count": 12}}

        def v2(likes, followers):
            return {
                "data": [{"id": tweet_id, "text": "@acme_support my order never came",
                          "author_id": user["id"], "conversation_id": tweet_id, "lang": "en",
                          "created_at": created.isoformat().replace("+00:00", "Z"),
                          "edit_history_tweet_ids": [tweet_id],
                          "public_metrics": {"retweet_count": 0, "reply_count": 1,
                                             "like_count": likes, "quote_count": 0}}],
                "includes": {"users": [dict(user, public_metrics=dict(
                    user["public_metrics"], followers_count=followers))]},
            }

        posts = x.parse_tweets(v2(0, 10400))
        post = self.Post.browse(self.Post._ingest_posts(posts, self.x_source).post_ids)
        self.net.add("GET", X_TWEETS, json_body=v2(12, 10600))
        self.run_cron()
        self.assertEqual(post.like_count, 12)
        identity = post.identity_id
        self.assertEqual(identity.followers_count, 10600)
        # the creation event, retried: its counts are those of two hours ago
        body = x_activity(tweet_id)
        event = body["tweet_create_events"][0]
        event["timestamp_ms"] = str(int(created.timestamp() * 1000))
        event["created_at"] = created.strftime("%a %b %d %H:%M:%S +0000 %Y")
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            push, connector_events.split_x_activity(body), "push"))
        events._process()
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.env.invalidate_all()
        self.assertEqual(identity.followers_count, 10600)
        self.assertEqual(post.like_count, 12, "a late delivery's counts are older")
        self.assertEqual(post.reply_count, 1)
        self.assertEqual(post.engagement_count, 13)

    def test_one_source_revoked_the_others_proceed(self):
        """Two companies, three sources in one run: the Mastodon token of one company was
        revoked (401), the other company's Mastodon source and the Bluesky one proceed."""
        other = self.env["res.company"].create({"name": "Other Listener GmbH"})
        other.social_recheck_days = 3
        theirs_source = self.env["social.crm.source"].create({
            "name": "Mastodon (other)", "network_id": self.mastodon.id, "kind": "mentions",
            "base_url": "https://other.example", "access_token": "other-token",
            "company_id": other.id,
        })
        ours = self.store_status(text="Router kaputt")
        theirs = self.Post.browse(self.Post._ingest_posts(
            [mastodon.parse_status(self.status(text="Router kaputt"), "other.example")],
            theirs_source).post_ids)
        bsky = self.store_bsky()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", status=401,
                     json_body={"error": "The access token was revoked"})
        self.net.add("GET", "https://other.example/api/v1/statuses", json_body=[self.status(
            text="Router kaputt, seit drei Tagen!", edited=fresh(0.2))])
        self.net.add("GET", GET_POSTS, json_body={"posts": self.bsky_views()})
        with self.assertLogs(LOGGER, level="WARNING"):
            self.run_cron()
        self.assertTrue(ours.exists())
        self.assertEqual(ours.text, "Router kaputt")
        self.assertIn("revoked", self.masto_source.last_error)
        self.assertEqual(theirs.text, "Router kaputt, seit drei Tagen!")
        self.assertFalse(theirs_source.last_error)
        self.assertTrue(all(p.exists() and p.rechecked_at for p in bsky))
        self.assertFalse(self.bsky_source.last_error)

    def test_source_archived_while_the_job_runs_is_asked_no_more(self):
        """A manager archives the Bluesky source while the job re-checks the Mastodon one
        (committed between the batches): the Bluesky posts are not asked."""
        masto = self.store_status(text="Router kaputt")
        bsky = self.store_bsky()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[self.status(
            text="Router kaputt")])
        calls = []

        def commit_progress(cron, processed=0, remaining=None, deactivate=False):
            calls.append(processed)
            if len(calls) == 2:  # after the first request batch: the manager's archive
                self.bsky_source.with_user(self.env.ref("base.user_admin")).active = False
            return 60.0

        with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress):
            self.Post._cron_recheck_due()
        self.env.invalidate_all()
        self.assertTrue(masto.rechecked_at)
        self.assertEqual([r[0].url.split("?")[0] for r in self.net.requests],
                         [f"{MASTO}/api/v1/statuses"])
        self.assertFalse(any(p.rechecked_at for p in bsky))

    def test_a_failure_storing_one_post_holds_back_neither_its_batch_nor_the_others(self):
        """Ingestion fails (not the network: a bug on one hostile post) for one post of a
        Mastodon batch: that post is left as it was, logged, shown on the source and asked
        again in an hour; its batch's other posts and the Bluesky source's are re-checked,
        and the next run does not start again with it."""
        from ..services import ingest

        hostile = self.store_status(text="Router kaputt")
        fine = self.store_status(status_id="113500000000000778", text="Drucker kaputt")
        bsky = self.store_bsky()
        self.net.add("GET", f"{MASTO}/api/v1/statuses", json_body=[
            self.status(text="Router kaputt, seit drei Tagen!", edited=fresh(0.5)),
            self.status(status_id=fine.external_id, text="Drucker kaputt, seit Montag!",
                        edited=fresh(0.5)),
        ])
        self.net.add("GET", GET_POSTS, json_body={"posts": self.bsky_views()})
        edit_vals = ingest.edit_vals

        def broken(post, now):
            if post.external_id == hostile.external_id:
                raise ValueError("unexpected value in the edit")
            return edit_vals(post, now)

        with patch.object(ingest, "edit_vals", broken), \
                self.assertLogs(LOGGER, level="WARNING") as logs:
            self.run_cron()
        self.assertEqual(hostile.text, "Router kaputt")
        self.assertTrue(hostile.rechecked_at)
        self.assertEqual(fine.text, "Drucker kaputt, seit Montag!")
        self.assertTrue(fine.rechecked_at)
        self.assertTrue(all(p.exists() and p.rechecked_at for p in bsky))
        self.assertFalse(self.bsky_source.last_error)
        log = "\n".join(logs.output)
        self.assertIn(str(self.masto_source.id), log)
        self.assertIn(hostile.external_id, log)
        self.assertIn("unexpected value in the edit", log)
        self.assertNotIn("masto-token", log)
        error = self.masto_source.last_error
        self.assertIn(hostile.external_id, error)
        self.assertIn("ValueError: unexpected value in the edit", error)
        self.assertNotIn(fine.external_id, error)
        self.assertTrue(self.masto_source.last_error_at)
        # the next run finds nothing due: the job moved past it
        self.net.requests.clear()
        self.run_cron()
        self.assertFalse(self.net.requests)
