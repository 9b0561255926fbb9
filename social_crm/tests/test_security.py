# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.social_crm.connectors.events import RawEvent
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SocialCrmCase


@tagged("post_install", "-at_install")
class TestSecurity(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.identity = cls.env["social.crm.identity"].create(
            {
                "partner_id": cls.partner.id,
                "network_id": cls.x.id,
                "handle": "petra_vogel",
                "external_id": "42",
            }
        )
        cls.env["social.crm.post"]._ingest_posts(
            [cls.make_post(cls, "p1", cls.make_author(cls, "42", "petra_vogel"), raw={"id": "p1"})]
        )
        cls.post = cls.env["social.crm.post"].search([("external_id", "=", "p1")])
        cls.source = cls.env["social.crm.source"].create(
            {
                "name": "Mastodon tag",
                "network_id": cls.mastodon.id,
                "kind": "hashtag",
                "query": "acme",
                "base_url": "https://mastodon.example",
                "access_token": "s3cret",
            }
        )
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Other Co Contact", "company_id": cls.other_company.id}
        )
        cls.other_identity = (
            cls.env["social.crm.identity"]
            .with_company(cls.other_company)
            .create(
                {
                    "partner_id": cls.other_partner.id,
                    "network_id": cls.x.id,
                    "handle": "other_co",
                    "company_id": cls.other_company.id,
                }
            )
        )

    def test_user_reads_and_edits_identities_and_posts(self):
        env = self.env(user=self.user)
        self.assertEqual(env["social.crm.identity"].browse(self.identity.id).handle, "petra_vogel")
        env["social.crm.post"].browse(self.post.id).action_mark_reviewed()
        self.assertEqual(self.post.state, "reviewed")
        env["social.crm.identity"].create(
            {
                "partner_id": self.partner.id,
                "network_id": self.mastodon.id,
                "handle": "petra@chaos.social",
            }
        )
        with self.assertRaises(AccessError):
            env["social.crm.post"].browse(self.post.id).unlink()

    def test_credentials_and_raw_payload_for_managers_only(self):
        user_source = self.env(user=self.user)["social.crm.source"].browse(self.source.id)
        self.assertEqual(user_source.name, "Mastodon tag")
        with self.assertRaises(AccessError):
            self.assertIsNotNone(user_source.access_token)
        with self.assertRaises(AccessError):
            post = self.env(user=self.user)["social.crm.post"].browse(self.post.id)
            self.assertIsNotNone(post.raw_payload)
        with self.assertRaises(AccessError):
            user_source.write({"query": "other"})
        manager_source = self.env(user=self.manager)["social.crm.source"].browse(self.source.id)
        self.assertEqual(manager_source.access_token, "s3cret")
        self.assertEqual(
            self.env(user=self.manager)["social.crm.post"].browse(self.post.id).raw_payload,
            {"id": "p1"},
        )

    def test_portal_and_plain_users_see_nothing(self):
        for user in (self.portal, self.plain_user):
            env = self.env(user=user)
            for model in (
                "social.crm.identity",
                "social.crm.post",
                "social.crm.source",
                "social.crm.match.suggestion",
                "social.crm.identity.metric",
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} on {model}"):
                    env[model].search([])
            with self.assertRaises(AccessError):
                self.assertIsNotNone(env["res.partner"].browse(self.partner.id).social_identity_ids)

    def test_other_company_is_invisible(self):
        env = self.env(user=self.user)
        self.assertNotIn(self.other_identity, env["social.crm.identity"].search([]))
        other_env = self.env(user=self.other_user)
        self.assertEqual(other_env["social.crm.identity"].search([]), self.other_identity)
        self.assertFalse(other_env["social.crm.post"].search([]))
        self.assertFalse(other_env["social.crm.source"].search([]))

    def test_networks_read_only_for_users(self):
        env = self.env(user=self.user)
        self.assertTrue(env["social.crm.network"].search([]))
        with self.assertRaises(AccessError):
            env["social.crm.network"].browse(self.x.id).write({"name": "Twitter"})

    def test_a_manager_retries_quarantined_events_a_user_cannot(self):
        Event = self.env["social.crm.event"]
        [event_id] = Event._store_events(
            self.source, [RawEvent("meta", "retry-test", {"entry": "x"})], "webhook",
            state="quarantined", error="entry is not a list",
        )
        event = Event.browse(event_id)
        with self.assertRaises(AccessError):
            event.with_user(self.user).action_retry()
        event.with_user(self.manager).action_retry()
        self.assertEqual((event.state, event.attempts, event.error), ("new", 0, False))
        with self.assertRaises(AccessError):  # another company's manager
            event.with_user(self.other_user).action_retry()
