# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialCrmCase


@tagged("post_install", "-at_install")
class TestIdentity(SocialCrmCase):
    def _identity(self, **vals):
        values = {"partner_id": self.partner.id, "network_id": self.x.id}
        values.update(vals)
        return self.env["social.crm.identity"].create(values)

    def test_profile_url_computed_from_handle(self):
        identity = self._identity(handle="@petra_vogel")
        self.assertEqual(identity.handle, "petra_vogel", "the leading @ is dropped")
        self.assertEqual(identity.profile_url, "https://x.com/petra_vogel")
        mastodon = self._identity(network_id=self.mastodon.id, handle="petra@chaos.social")
        self.assertEqual(mastodon.profile_url, "https://chaos.social/@petra")
        bluesky = self._identity(network_id=self.bluesky.id, handle="petra.bsky.social")
        self.assertEqual(bluesky.profile_url, "https://bsky.app/profile/petra.bsky.social")
        identity.handle = "petra_v"
        self.assertEqual(identity.profile_url, "https://x.com/petra_v")

    def test_profile_url_by_hand_where_no_pattern(self):
        blog = self._identity(
            network_id=self.rss.id,
            handle="Petra Vogel",
            profile_url="https://blog.example.de/autorin/petra",
        )
        self.assertEqual(blog.profile_url, "https://blog.example.de/autorin/petra")

    def test_invalid_handle_message(self):
        with self.assertRaisesRegex(ValidationError, "not a valid X \\(Twitter\\) handle"):
            self._identity(handle="this handle is far too long!")
        with self.assertRaisesRegex(ValidationError, "jane@mastodon.social"):
            self._identity(network_id=self.mastodon.id, handle="no-instance")
        self.assertFalse(self.partner.social_identity_ids, "nothing half-saved")

    def test_invalid_url_message(self):
        with self.assertRaisesRegex(ValidationError, "not a valid profile URL"):
            self._identity(network_id=self.rss.id, profile_url="javascript:alert(1)")
        with self.assertRaisesRegex(ValidationError, "not a valid profile URL"):
            self._identity(network_id=self.rss.id, profile_url="blog dot example")
        self.assertFalse(self.partner.social_identity_ids)

    def test_needs_some_identifier(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self._identity(network_id=self.rss.id)

    def test_duplicate_names_the_other_contact(self):
        self._identity(handle="petra_vogel", external_id="42")
        other = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaisesRegex(
            ValidationError, "already belongs to the contact “Petra Vogel”"
        ):
            self.env["social.crm.identity"].create(
                {"partner_id": other.id, "network_id": self.x.id, "handle": "Petra_Vogel"}
            )
        with self.assertRaisesRegex(ValidationError, "Petra Vogel"):
            self.env["social.crm.identity"].create(
                {"partner_id": other.id, "network_id": self.x.id, "external_id": "42"}
            )
        self.assertFalse(other.social_identity_ids, "nothing half-saved")
        # the same handle on another network, or in another company, is fine
        self.env["social.crm.identity"].create(
            {"partner_id": other.id, "network_id": self.linkedin.id, "handle": "petra_vogel"}
        )
        self.env["social.crm.identity"].create(
            {
                "partner_id": other.id,
                "network_id": self.x.id,
                "handle": "petra_vogel",
                "company_id": self.other_company.id,
            }
        )

    def test_duplicate_in_one_batch(self):
        with self.assertRaisesRegex(
            ValidationError, "already belongs to the contact “Petra Vogel”"
        ):
            self.env["social.crm.identity"].create(
                [
                    {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "twin"},
                    {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "TWIN"},
                ]
            )
        # the database refuses it too, whatever path the values take
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["social.crm.identity"].with_context(social_crm_ingest=True).create(
                    [
                        {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "twin"},
                        {"partner_id": self.partner.id, "network_id": self.x.id, "handle": "TWIN"},
                    ]
                )

    def test_negative_counts_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._identity(handle="petra_vogel", followers_count=-1)

    def test_partner_counts_and_latest_posts(self):
        identity = self._identity(handle="petra_vogel", external_id="42")
        posts = self.env["social.crm.post"]._ingest_posts(
            [
                self.make_post(str(i), self.make_author("42", "petra_vogel"), minutes_ago=i)
                for i in range(12)
            ]
        )
        self.assertEqual(posts.created, 12)
        self.assertEqual(self.partner.social_identity_count, 1)
        self.assertEqual(self.partner.social_post_count, 12)
        latest = self.partner.social_latest_post_ids
        self.assertEqual(len(latest), 10, "the contact form shows the latest ten")
        self.assertEqual(latest[0].external_id, "0", "newest first")
        self.assertEqual(identity.post_count, 12)
        other = self.env["res.partner"].create({"name": "Other Poster"})
        self.env["social.crm.identity"].create(
            {
                "partner_id": other.id,
                "network_id": self.x.id,
                "handle": "other_p",
                "external_id": "43",
            }
        )
        self.env["social.crm.post"]._ingest_posts(
            [self.make_post("o1", self.make_author("43", "other_p"))]
        )
        both = (self.partner | other).with_context(prefetch_fields=False)
        both.invalidate_recordset()
        self.assertEqual(
            [len(p.social_latest_post_ids) for p in both],
            [10, 1],
            "computed for several contacts at once, each its own posts",
        )
        self.assertEqual(other.social_latest_post_ids.external_id, "o1")
        action = self.partner.action_view_social_posts()
        self.assertEqual(self.env["social.crm.post"].search_count(action["domain"]), 12)

    def test_merge_contacts_keeps_identities_and_posts(self):
        twin = self.env["res.partner"].create({"name": "Petra Vogel (2)"})
        self._identity(handle="petra_vogel", external_id="42")
        self.env["social.crm.identity"].create(
            {"partner_id": twin.id, "network_id": self.mastodon.id, "handle": "petra@chaos.social"}
        )
        self.env["social.crm.post"]._ingest_posts(
            [self.make_post("p1", self.make_author("42", "petra_vogel"))]
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner", active_ids=(self.partner | twin).ids)
            .create({})
        )
        wizard.write({"dst_partner_id": self.partner.id})
        wizard.action_merge()
        self.assertFalse(twin.exists())
        self.assertEqual(len(self.partner.social_identity_ids), 2)
        self.assertEqual(self.partner.social_post_count, 1)
