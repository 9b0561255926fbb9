# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mention/reply rows the network part reads, kept up to date as data changes."""

import datetime as dt

from odoo.addons.social_crm.connectors.base import Author, Post
from odoo.tests import tagged

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestMentions(ScoringCase):
    def rows(self, posts=None):
        self.env.flush_all()
        self.env.invalidate_all()
        domain = [("company_id", "=", self.score_company.id)]
        if posts is not None:
            domain.append(("post_id", "in", posts.ids))
        return {
            (row.post_id.external_id, row.target_external_id): (
                row.source_partner_id,
                row.target_identity_id,
                row.target_partner_id,
            )
            for row in self.env["social.crm.mention"].search(domain)
        }

    def star_identity(self):
        return self.star.social_identity_ids

    def test_posts_of_the_set_up_have_their_rows(self):
        rows = self.rows()
        star = self.star_identity()
        self.assertEqual(
            rows,
            {
                ("fan-1", "ext-star"): (self.fan, star, self.star),
                ("fan-2", "ext-star"): (self.fan, star, self.star),
                # the pro posts on LinkedIn: "ext-star" is not the star's X account there
                ("pro-1", "ext-star"): (self.pro, star.browse(), self.Partner),
            },
        )

    def test_unknown_account_is_kept_and_resolved_when_it_appears(self):
        post = self.make_post(self.fan, "fan-new", mentions="ext-newbie ext-newbie  ext-star")
        rows = self.rows(post)
        # one row per mentioned account (duplicates and empty parts dropped)
        self.assertEqual(set(rows), {("fan-new", "ext-newbie"), ("fan-new", "ext-star")})
        self.assertEqual(
            rows[("fan-new", "ext-newbie")],
            (self.fan, self.env["social.crm.identity"], self.Partner),
        )
        newbie = self.make_contact("Nina Newbie", [(self.x, "ext-newbie", 50)])
        self.assertEqual(
            self.rows(post)[("fan-new", "ext-newbie")],
            (self.fan, newbie.social_identity_ids, newbie),
        )

    def test_account_of_another_network_or_company_is_not_used(self):
        self.make_contact("Mona Mastodon", [(self.mastodon, "ext-elsewhere", 5)])
        self.make_contact("Olga Other", [(self.x, "ext-elsewhere", 5)], company=self.other_company)
        post = self.make_post(self.fan, "fan-else", mentions="ext-elsewhere")
        self.assertFalse(self.rows(post)[("fan-else", "ext-elsewhere")][1])

    def test_identity_entered_by_hand_resolved_when_ingestion_links_it(self):
        identity = self.env["social.crm.identity"].create(
            {
                "partner_id": self.quiet.id,
                "company_id": self.score_company.id,
                "network_id": self.x.id,
                "handle": "quentin_on_x",
                "origin": "manual",
            }
        )
        post = self.make_post(self.fan, "fan-q", mentions="x-4711")
        self.assertFalse(self.rows(post)[("fan-q", "x-4711")][1])
        author = Author(network="x", external_id="x-4711", handle="quentin_on_x")
        self.env["social.crm.post"].with_company(self.score_company)._ingest_posts(
            [
                Post(
                    network="x",
                    external_id="q-own-1",
                    text="Hallo @acme",
                    posted_at=dt.datetime.now(dt.UTC),
                    author=author,
                )
            ]
        )
        self.assertEqual(identity.external_id, "x-4711")
        self.assertEqual(self.rows(post)[("fan-q", "x-4711")], (self.fan, identity, self.quiet))

    def test_ingested_post_gets_its_rows(self):
        author = Author(network="x", external_id="ext-fan", handle="fiona")
        result = (
            self.env["social.crm.post"]
            .with_company(self.score_company)
            ._ingest_posts(
                [
                    Post(
                        network="x",
                        external_id="fan-ingested",
                        text="@stella @unknown Hallo @acme",
                        posted_at=dt.datetime.now(dt.UTC),
                        author=author,
                        mentioned_external_ids=("ext-star", "ext-unknown"),
                    )
                ]
            )
        )
        post = self.env["social.crm.post"].browse(result.post_ids)
        rows = self.rows(post)
        self.assertEqual(rows[("fan-ingested", "ext-star")][2], self.star)
        self.assertFalse(rows[("fan-ingested", "ext-unknown")][2])

    def test_contacts_follow_their_identities_and_posts(self):
        star_identity = self.star_identity()
        other = self.Partner.create(
            {"name": "Stella's Agency", "company_id": self.score_company.id}
        )
        star_identity.partner_id = other
        fan_identity = self.fan.social_identity_ids
        fan_identity.partner_id = self.quiet
        rows = self.rows()
        self.assertEqual(rows[("fan-1", "ext-star")], (self.quiet, star_identity, other))
        self.assertEqual(rows[("fan-2", "ext-star")], (self.quiet, star_identity, other))

    def test_account_change_and_deletion(self):
        star_identity = self.star_identity()
        star_identity.external_id = "ext-star-new"
        self.assertFalse(self.rows()[("fan-1", "ext-star")][1])
        star_identity.external_id = "ext-star"
        self.assertEqual(self.rows()[("fan-1", "ext-star")][2], self.star)
        star_identity.unlink()
        self.assertEqual(
            self.rows()[("fan-1", "ext-star")],
            (self.fan, self.env["social.crm.identity"], self.Partner),
        )

    def test_rewritten_mentions_and_deleted_posts(self):
        post = self.env["social.crm.post"].search([("external_id", "=", "fan-1")])
        post.mentioned_external_ids = "ext-pro-li ext-fan"
        # a self-mention is kept (the score ignores it), the pro is on LinkedIn, not X
        self.assertEqual(
            {key: value[2] for key, value in self.rows(post).items()},
            {("fan-1", "ext-fan"): self.fan, ("fan-1", "ext-pro-li"): self.Partner},
        )
        post.unlink()
        self.assertFalse(self.rows(post))

    def test_rebuild_gives_the_same_rows(self):
        self.make_post(self.fan, "fan-more", mentions="ext-quiet ext-star ext-nobody")
        before = self.rows()
        self.env["social.crm.mention"]._rebuild()
        self.assertEqual(self.rows(), before)

    def test_network_part_reads_the_rows(self):
        self.recompute()
        before = self.history(self.star)[:1].mentioned_by
        self.assertEqual(before, 1)  # the fan (the pro mentions "ext-star" on LinkedIn)
        newbie = self.make_contact("Nina Newbie", [(self.x, "ext-newbie", 50)])
        self.make_post(newbie, "newbie-1", mentions="ext-star")
        self.Partner._social_score_recompute(only=self.star)  # writes the day's numbers
        self.env.invalidate_all()
        self.assertEqual(self.history(self.star)[:1].mentioned_by, 2)

    def test_users_read_rows_of_their_companies_only(self):
        Mention = self.env["social.crm.mention"]
        self.assertTrue(Mention.with_user(self.user).search_count([]))
        self.assertFalse(Mention.with_user(self.other_user).search_count([]))
        self.assertFalse(Mention.with_user(self.user).has_access("write"))
        self.assertFalse(Mention.with_user(self.plain_user).has_access("read"))

    def test_post_moved_to_another_network_is_resolved_again(self):
        post = self.env["social.crm.post"].search([("external_id", "=", "pro-1")])
        self.assertFalse(self.rows(post)[("pro-1", "ext-star")][2])  # LinkedIn
        post.network_id = self.x
        self.assertEqual(self.rows(post)[("pro-1", "ext-star")][2], self.star)
