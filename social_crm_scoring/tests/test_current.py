# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contacts' scores are their current history rows: searched, sorted and grouped in SQL."""

import datetime as dt

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestCurrentScore(ScoringCase):
    def setUp(self):
        super().setUp()
        self.recompute()
        self.contacts = self.star | self.pro | self.fan | self.quiet | self.ghost

    def current_rows(self, partners):
        return self.env["social.crm.score.history"].search(
            [("partner_id", "in", partners.ids), ("is_current", "=", True)]
        )

    def search(self, domain, order=None):
        return self.Partner.search([("id", "in", self.contacts.ids), *domain], order=order)

    def test_one_current_row_per_scored_contact(self):
        rows = self.current_rows(self.contacts)
        self.assertEqual(rows.partner_id, self.star | self.pro | self.fan | self.quiet)
        self.assertEqual(rows.filtered(lambda r: r.partner_id == self.star).score, 100)
        # a new day with a changed score: a new current row, the old one stays as history
        self.make_post(self.quiet, "quiet-boost", likes=50000, hours=1)
        self.recompute(now=self.now + dt.timedelta(days=1))
        history = self.history(self.quiet)
        self.assertEqual(len(history), 2)
        self.assertEqual(history.mapped("is_current"), [True, False])
        self.assertEqual(self.quiet.social_score, history[0].score)

    def test_search_by_score_tier_and_flag(self):
        self.assertEqual(self.search([("is_social_influencer", "=", True)]), self.star)
        self.assertEqual(
            self.search([("is_social_influencer", "=", False)]),
            self.pro | self.fan | self.quiet | self.ghost,
        )
        self.assertEqual(self.search([("social_score_tier", "=", False)]), self.ghost)
        self.assertEqual(
            self.search([("social_score_tier", "in", ["top_influencer", "multiplier"])]),
            self.contacts.filtered(
                lambda p: p.social_score_tier in ("top_influencer", "multiplier")
            ),
        )
        self.assertEqual(
            self.search([("social_score", ">=", 50)]),
            self.contacts.filtered(lambda p: p.social_score >= 50),
        )
        self.assertIn(self.ghost, self.search([("social_score", "<", 1)]))
        self.assertEqual(
            self.search([("social_score_company_id", "=", self.score_company.id)]),
            self.contacts - self.ghost,
        )

    def test_sort_and_group(self):
        ordered = self.search([("social_score_tier", "!=", False)], order="social_score desc, id")
        scores = ordered.mapped("social_score")
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual(ordered[0], self.star)
        groups = self.Partner.formatted_read_group(
            [("id", "in", self.contacts.ids)],
            ["social_score_tier"],
            ["__count", "social_score:avg"],
        )
        counts = {group["social_score_tier"]: group["__count"] for group in groups}
        self.assertEqual(counts.get("top_influencer"), 1)
        self.assertEqual(counts.get(False), 1)  # the ghost
        self.assertEqual(sum(counts.values()), 5)
        description = self.Partner.fields_get(
            ["social_score", "social_score_tier"], ["sortable", "groupable"]
        )
        self.assertTrue(description["social_score"]["sortable"])
        self.assertTrue(description["social_score_tier"]["groupable"])

    def test_deleted_current_row_unscores_the_contact_and_its_leads(self):
        lead = self.env["crm.lead"].create(
            {"name": "Star deal", "partner_id": self.star.id, "company_id": self.score_company.id}
        )
        self.assertEqual(lead.social_score_tier, "top_influencer")
        self.current_rows(self.star).unlink()
        self.assertFalse(self.star.social_score_tier)
        self.assertFalse(self.star.is_social_influencer)
        self.assertFalse(lead.social_score_tier)
        # the next run scores it again, though its score did not change
        self.recompute()
        self.assertEqual(self.star.social_score_tier, "top_influencer")
        self.assertEqual(lead.social_score_tier, "top_influencer")

    def test_lead_follows_its_contact(self):
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "partner_id": self.ghost.id, "company_id": self.score_company.id}
        )
        self.assertFalse(lead.social_score_tier)
        lead.partner_id = self.star
        self.assertEqual(lead.social_score_tier, "top_influencer")
        self.assertTrue(lead.is_social_influencer)

    def test_contact_being_edited_keeps_its_score(self):
        edited = self.Partner.new({"name": "Stella S."}, origin=self.star)
        self.assertEqual(edited.social_score_tier, "top_influencer")
        self.assertEqual(edited.social_score, 100)
        self.assertIn("more influential than", str(edited.social_score_explanation))
        self.assertFalse(self.Partner.new({"name": "Nobody"}).social_score_tier)

    def test_unscored_contacts_sort_and_average_as_zero(self):
        ordered = self.search([], order="social_score desc, id")
        self.assertEqual(ordered[0], self.star)
        self.assertEqual(ordered[-1], self.ghost)  # no score: 0, not NULL first
        scores = ordered.mapped("social_score")
        self.assertEqual(scores, sorted(scores, reverse=True))
        groups = self.Partner.formatted_read_group(
            [("id", "in", self.contacts.ids)], [], ["social_score:avg"]
        )
        self.assertAlmostEqual(
            groups[0]["social_score:avg"], sum(self.contacts.mapped("social_score")) / 5
        )

    def test_merge_keeps_one_current_score(self):
        star_lead = self.env["crm.lead"].create(
            {"name": "Star deal", "partner_id": self.star.id, "company_id": self.score_company.id}
        )
        wizard = self.env["base.partner.merge.automatic.wizard"]
        wizard._merge((self.fan | self.star).ids, dst_partner=self.fan, extra_checks=False)
        self.env.invalidate_all()
        self.assertFalse(self.star.exists())
        rows = self.history(self.fan)
        # both were scored the same day: the merge keeps one row per contact and day
        self.assertEqual(len(rows.filtered("is_current")), 1)
        self.assertEqual(self.fan.social_score_tier, "regular")  # the kept contact's score
        self.assertEqual(star_lead.partner_id, self.fan)
        self.assertEqual(star_lead.social_score_tier, "regular")

    def test_lead_loses_the_copy_when_its_contact_is_deleted(self):
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "partner_id": self.quiet.id, "company_id": self.score_company.id}
        )
        self.assertTrue(lead.social_score_tier)
        self.quiet.unlink()
        self.assertFalse(lead.partner_id)
        self.assertFalse(lead.social_score_tier)

    def test_lead_has_no_copy_to_go_stale(self):
        # the lead reads its customer's current row (a join, no stored copy): whatever
        # changes the row (SQL elsewhere, a merge, a full run) shows on the lead at once
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "partner_id": self.star.id, "company_id": self.score_company.id}
        )
        self.assertEqual(lead.social_score_tier, "top_influencer")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE social_crm_score_history SET tier = 'regular' WHERE is_current"
            " AND partner_id = %s",
            [self.star.id],
        )
        self.env.invalidate_all()
        self.assertEqual(lead.social_score_tier, "regular")
        self.recompute()
        self.assertEqual(lead.social_score_tier, "top_influencer")

    def test_current_rows_read_once_with_parts(self):
        """The full run reads the current rows once: scores, rank, population and parts."""
        History = self.env["social.crm.score.history"]
        combined = History._current_scores(self.score_company, parts=True)
        scores = History._current_scores(self.score_company)
        parts = History._current_parts(self.score_company)
        self.assertEqual(len(combined), len(scores) + len(parts) - 1)
        for column, expected in zip(combined, (*scores, *parts[1:]), strict=True):
            self.assertEqual(column.tolist(), expected.tolist())
        self.assertEqual(
            sorted(combined[0].tolist()), (self.star | self.pro | self.fan | self.quiet).ids
        )

    def test_history_pages_keep_room_for_the_nightly_refresh(self):
        """The history table leaves room in its pages: the nightly in-place refresh of the
        unchanged scores then updates rows without rewriting the indexes."""
        History = self.env["social.crm.score.history"]
        self.env.cr.execute(
            SQL("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", History._table)
        )
        self.assertIn("fillfactor=50", self.env.cr.fetchone()[0] or [])
