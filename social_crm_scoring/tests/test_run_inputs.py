# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scoring run's bulk reads and writes give what the plain ORM reading gives: job
positions, employer sizes and B2B accounts read with the inputs (one binary COPY), and the
history rows written by binary COPY (the numbers of the score table, rounded as shown), and
the reads on a second connection sharing the transaction's snapshot."""

import logging
from unittest.mock import patch

import numpy
from psycopg2.pool import PoolError

from odoo.tests import tagged

from ..models import res_partner_score_run as run
from ..models.res_partner_score_run import _snapshot_reader
from ..scoring import PARTS, compute_score_table
from ..scoring.professional import seniority
from .common import ScoringCase


@tagged("post_install", "-at_install")
class TestScoringRunInputs(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Account = cls.env["social.crm.account.score"]
        cls.acme = cls.make_contact("Acme Bikes AG", [(cls.linkedin, "ext-acme-li", 5000)])
        cls.acme.is_company = True
        cls.closed = cls.Partner.create(
            {"name": "Closed GmbH", "is_company": True, "company_id": cls.score_company.id}
        )
        cls.Partner.create(
            [{"name": f"Staff {index}", "parent_id": cls.acme.id} for index in range(4)]
            + [{"name": "Former Staff", "parent_id": cls.acme.id, "active": False}]
        )
        cls.star.write({"parent_id": cls.acme.id, "function": "Geschäftsführerin"})
        cls.fan.write({"parent_id": cls.acme.id, "function": "  "})
        cls.pro.write({"function": "Head of Sales"})
        cls.quiet.write({"parent_id": cls.closed.id, "function": "Software Developer"})
        cls.closed.active = False

    def read_inputs(self):
        settings = self.score_company._social_score_settings(self.now)
        return self.Partner._social_score_read_inputs(self.score_company, settings, self.now)

    def test_people_read_with_the_inputs(self):
        ids, columns, _edges = self.read_inputs()
        self.assertEqual(
            ids, sorted((self.star | self.pro | self.fan | self.quiet | self.acme).ids)
        )
        members = self.Account._social_account_members(ids)
        for position, partner in enumerate(self.Partner.browse(ids)):
            with self.subTest(partner=partner.name):
                self.assertEqual(
                    columns["professional_level"][position], seniority(partner.function)[0]
                )
                staff = (
                    self.Partner.search_count([("parent_id", "=", partner.parent_id.id)])
                    if partner.parent_id
                    else 0
                )
                self.assertEqual(columns["employer_size"][position], staff)
                commercial = partner.commercial_partner_id
                account = commercial.id if commercial.is_company and commercial.active else 0
                self.assertEqual(columns["account"][position], account)
                self.assertEqual(members.get(partner.id, 0), account)
        star = ids.index(self.star.id)
        self.assertEqual(columns["professional_level"][star], 3)
        # Acme's staff: the two scored people and four others, not the archived one
        self.assertEqual(columns["employer_size"][star], 6)
        # an archived company is no account
        self.assertEqual(columns["account"][ids.index(self.quiet.id)], 0)
        self.assertEqual(columns["account"][ids.index(self.acme.id)], self.acme.id)

    def test_account_rows_same_with_accounts_read_by_the_run(self):
        ids, columns, edges = self.read_inputs()
        settings = self.score_company._social_score_settings(self.now)
        table = compute_score_table(ids, columns, edges, settings)
        fields = [
            "partner_id",
            "score",
            "people_points",
            "influencer_points",
            "corporate_points",
            "strongest_partner_id",
            "people_count",
            "influencer_count",
        ]
        domain = [("company_id", "=", self.score_company.id)]
        self.Account._social_account_run(self.score_company, table, self.now)
        read_here = self.Account.search_read(domain, fields, order="partner_id")
        self.Account._social_account_run(
            self.score_company, table, self.now, accounts=columns["account"]
        )
        self.env.invalidate_all()
        given = self.Account.search_read(domain, fields, order="partner_id")
        self.assertTrue(read_here)
        self.assertEqual(
            [{k: v for k, v in row.items() if k != "id"} for row in given],
            [{k: v for k, v in row.items() if k != "id"} for row in read_here],
        )

    def test_written_rows_are_the_table(self):
        """Every number of a written history row is the score table's, rounded as the
        form shows it (2 decimals, counts whole)."""
        ids, columns, edges = self.read_inputs()
        settings = self.score_company._social_score_settings(self.now)
        table = compute_score_table(ids, columns, edges, settings)
        self.Partner._social_score_recompute(companies=self.score_company, now=self.now)
        self.env.invalidate_all()
        rows = self.env["social.crm.score.history"].search(
            [("partner_id", "in", ids), ("is_current", "=", True)]
        )
        self.assertEqual(len(rows), len(ids))
        by_partner = {row.partner_id.id: row for row in rows}
        for position, partner_id in enumerate(ids):
            row = by_partner[partner_id]
            with self.subTest(partner=row.partner_id.name):
                self.assertEqual(row.score, float(table.score[position]))
                self.assertEqual(row.tier, table.tier[position])
                self.assertEqual(row.is_influencer, bool(table.is_influencer[position]))
                self.assertEqual(row.rank, int(table.rank[position]))
                self.assertEqual(row.population, len(ids))
                for part in PARTS:
                    value = float(table.normalised[part][position]) * 100
                    self.assertEqual(row[f"{part}_points"], float("%.2f" % value))
                self.assertEqual(
                    row.followers, float("%.2f" % table.columns["followers"][position])
                )
                self.assertEqual(row.network_lift, float("%.2f" % table.network.lift[position]))
                self.assertEqual(row.mentioned_by, int(table.network.in_count[position]))
                self.assertEqual(row.identity_count, int(table.columns["identities"][position]))
                self.assertEqual(
                    row.professional_level, int(table.columns["professional_level"][position])
                )
                self.assertEqual(row.employer_size, int(table.columns["employer_size"][position]))
                self.assertFalse(row.is_provisional)

    def test_second_connection_reads_the_same(self):
        """A run in a transaction that has written nothing yet (the nightly cron's) reads
        the post sums, the edges and the current rows on a second connection sharing its
        snapshot, beside its own reads: the same numbers as read alone. A transaction that
        has written reads alone (a second connection would not see its changes)."""
        self.env.flush_all()
        with _snapshot_reader(self.env.cr) as reader:
            self.assertIsNone(reader)
        cr = self.registry.cursor()  # the committed demo data, nothing written
        try:
            # no connection left: everything is read on the run's own
            with (
                patch.object(run.sql_db, "db_connect", side_effect=PoolError("full")),
                self.assertLogs(run.__name__, logging.INFO) as logs,
                _snapshot_reader(cr) as reader,
            ):
                self.assertIsNone(reader)
            self.assertIn("no second database connection", logs.output[0])
            env = self.env(cr=cr)
            company = env.ref("base.main_company")
            settings = company._social_score_settings(self.now)
            Partner, History = env["res.partner"], env["social.crm.score.history"]
            alone = Partner._social_score_read_inputs(company, settings, self.now)
            current = History._current_scores(company, parts=True)
            with _snapshot_reader(cr) as reader:
                self.assertIsNotNone(reader)
                beside = Partner._social_score_read_inputs(
                    company, settings, self.now, reader=reader
                )
                current_beside = reader(*History._current_scores_query(company, parts=True))
                current_beside = current_beside.result()
            self.assertTrue(alone[0])
            self.assertTrue(len(alone[2]))
            self.assertEqual(beside[0], alone[0])
            self.assertEqual(sorted(beside[1]), sorted(alone[1]))
            for name, column in alone[1].items():
                self.assertTrue(numpy.array_equal(beside[1][name], column), name)
            self.assertTrue(numpy.array_equal(beside[2], alone[2]))
            self.assertEqual(len(current_beside), len(current))
            for got, expected in zip(current_beside, current, strict=True):
                self.assertTrue(numpy.array_equal(got, expected))
        finally:
            cr.rollback()
            cr.close()
