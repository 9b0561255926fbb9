# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The account score of B2B customers (company contacts), written by the scoring run.

Each company's scoring run (``res.partner._social_score_run_company``) hands its person
scores to :meth:`SocialCrmAccountScore._social_account_run`, which reads which scored
contact belongs to which company contact (one query), computes the accounts with
:func:`..scoring.compute_account_table` and replaces the company's account rows (one delete,
one insert from arrays), whatever the number of accounts. During the day, the accounts of
the contacts scored on arrival of a post follow at once, only upwards
(:meth:`SocialCrmAccountScore._social_account_raise`: one read, one upsert); the accounts
whose people change (a person linked, unlinked, moved, archived, merged) follow at once up
and down (:meth:`SocialCrmAccountScore._social_account_refresh`); and the salespeople of
the open leads of an account that became key are told.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..scoring import compute_account_table
from .social_crm_score_history import _array

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: account scores cannot be computed.")


#: the columns of an account row (see :meth:`SocialCrmAccountScore._social_account_rows_sql`)
ROW_COLUMNS = (
    "partner_id",
    "company_id",
    "date",
    "score",
    "people_points",
    "influencer_points",
    "corporate_points",
    "strongest_partner_id",
    "people_count",
    "influencer_count",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


class SocialCrmAccountScore(models.Model):
    _name = "social.crm.account.score"
    _description = "Social CRM Account Score"
    _order = "score desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The company contact scored as an account.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(readonly=True, required=True)
    score = fields.Float(string="Account Score", digits=(5, 0), readonly=True)
    people_points = fields.Float(
        string="Strongest Person Points",
        digits=(5, 1),
        readonly=True,
        help="The highest Social Score among the account's people.",
    )
    influencer_points = fields.Float(
        digits=(5, 1),
        readonly=True,
        help="100 × (1 − 0.5 ^ number of influencers among the account's people).",
    )
    corporate_points = fields.Float(
        string="Corporate Identity Points",
        digits=(5, 1),
        readonly=True,
        help="The company's own Social Score, from its corporate social identities.",
    )
    strongest_partner_id = fields.Many2one(
        "res.partner", string="Strongest Person", readonly=True, ondelete="set null"
    )
    people_count = fields.Integer(string="Scored People", readonly=True)
    influencer_count = fields.Integer(readonly=True)

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)",
        "An account has one account score per company.",
    )

    @api.model
    def _social_account_members(self, partner_ids):
        """{scored contact id: its company contact id}: the commercial partner when that is
        an active company (the company contact itself maps to itself); one query."""
        if not partner_ids:
            return {}
        self.env["res.partner"].flush_model(["commercial_partner_id", "is_company", "active"])
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id, p.commercial_partner_id
                     FROM res_partner AS p
                     JOIN res_partner AS c ON c.id = p.commercial_partner_id
                    WHERE p.id = ANY(%s::int[]) AND c.is_company AND c.active""",
                _array(partner_ids),
            )
        )
        return dict(rows)

    @api.model
    def _social_account_run(self, company, table, now, only=None, accounts=None):
        """Score the accounts of ``company`` from its scoring run's ``table`` (a
        ScoreTable) and replace their rows (``only``: just the accounts of these contacts).
        ``accounts``: the account of each contact of the table (aligned; 0 for none) if
        the run read them with its inputs (see
        ``res.partner._social_score_read_professional``), else read here (see
        :meth:`_social_account_members`). Returns the number of accounts written."""
        partner_ids = table.partner_ids
        if accounts is None:
            partner_ids = [int(pid) for pid in partner_ids]
            members = self._social_account_members(partner_ids)
            accounts = [members.get(pid, 0) for pid in partner_ids]
        accounts = compute_account_table(partner_ids, table.score, table.is_influencer, accounts)
        keep = numpy.ones(len(accounts), bool)
        delete = SQL("company_id = %s", company.id)
        if only is not None:
            wanted = only.commercial_partner_id.ids
            keep = numpy.isin(accounts.account_ids, numpy.array(wanted, numpy.int64))
            delete = SQL("%s AND partner_id = ANY(%s)", delete, wanted)
        self.flush_model()
        # the rows are the product's own (users read them): replaced in two statements
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM social_crm_account_score WHERE %s", delete))
        if keep.any():
            cr.execute(
                SQL(
                    "INSERT INTO social_crm_account_score (%s) %s",
                    SQL(", ").join(map(SQL.identifier, ROW_COLUMNS)),
                    self._social_account_rows_sql(company, accounts, keep, now),
                )
            )
        self.invalidate_model()
        self.env["res.partner"]._social_account_invalidate()
        return int(keep.sum())

    @api.model
    def _social_account_rows_sql(self, company, accounts, keep, now):
        """SELECT of the rows of :data:`ROW_COLUMNS` of the accounts of the AccountTable
        ``accounts`` where ``keep`` (a boolean array) holds (one statement, arrays)."""
        return SQL(
            """SELECT a.partner, %(company)s, %(date)s, a.score, a.people,
                      a.influencers, a.corporate, NULLIF(a.strongest, 0),
                      a.people_count, a.influencer_count,
                      %(uid)s, %(uid)s, %(now)s, %(now)s
                 FROM unnest(%(partners)s::int[], %(scores)s::float8[],
                             %(people)s::float8[], %(influencers)s::float8[],
                             %(corporate)s::float8[], %(strongest)s::int[],
                             %(people_counts)s::int[], %(influencer_counts)s::int[])
                   AS a(partner, score, people, influencers, corporate, strongest,
                        people_count, influencer_count)""",
            company=company.id,
            # the company's day, as the contacts' scores (res.lang._social_company_today)
            date=self.env["res.lang"]._social_company_today(company, now),
            uid=self.env.uid,
            now=fields.Datetime.now(),
            partners=_array(accounts.account_ids[keep].tolist()),
            scores=_array(accounts.score[keep].tolist()),
            people=_array(accounts.people_points[keep].tolist()),
            influencers=_array(accounts.influencer_points[keep].tolist()),
            corporate=_array(accounts.corporate_points[keep].tolist()),
            strongest=_array(accounts.strongest_partner_ids[keep].tolist()),
            people_counts=_array(accounts.people_count[keep].tolist()),
            influencer_counts=_array(accounts.influencer_count[keep].tolist()),
        )

    # --- during the day: only upwards, but for a change of membership ---------------------------
    @api.model
    def _social_account_raise(self, company, partner_ids, now=None):
        """The accounts of these contacts (just scored for ``company`` on arrival of a post)
        follow at once: scored again from the current Social Scores of their people in
        ``company`` (never another company's), and their rows replaced only where the
        account score rises (as tiers: up during the day, down only by the nightly run, so
        that nothing flips back and forth). Two queries whatever the number of accounts.
        Returns ``{account id: (previous score or None, new score)}`` of the rows written."""
        if not partner_ids:
            return {}
        now = now or fields.Datetime.now()
        self._social_account_flush()
        # the people of these contacts' accounts scored for this company (and the accounts
        # themselves: their corporate score), as the nightly run counts them
        members = self.env.execute_query(
            SQL(
                """WITH account AS MATERIALIZED (
                        SELECT DISTINCT c.id
                          FROM res_partner AS p
                          JOIN res_partner AS c ON c.id = p.commercial_partner_id
                         WHERE p.id = ANY(%(ids)s::int[]) AND c.is_company AND c.active)
                   %(members)s""",
                ids=_array(partner_ids),
                members=self._social_account_members_sql(SQL("h.company_id = %s", company.id)),
            )
        )
        if not members:
            return {}
        result = self._social_account_upsert(company, members, now)
        if result:
            self._social_account_notify_key(company, result)
        return result

    @api.model
    def _social_account_refresh(self, account_ids, now=None):
        """The people of these company contacts changed (a person linked, unlinked or moved
        to another company, archived or unarchived, deleted or merged; a company archived or
        no longer a company): their accounts are scored again at once from the current
        Social Scores of the people they have now, in every company that scores them or
        has a row of them, up *and down* (a fact of membership, not a noisy score), and the
        rows of those left without a scored person deleted, as the nightly run (the full
        truth) would. Fixed queries per scoring company, whatever the number of contacts.
        Returns ``{company id: {account id: (previous score or None, new score)}}`` of the
        rows written (not of those deleted)."""
        account_ids = sorted({int(account_id) for account_id in account_ids if account_id})
        if not account_ids:
            return {}
        now = now or fields.Datetime.now()
        self._social_account_flush()
        ids = _array(account_ids)
        members = self.env.execute_query(
            SQL(
                """WITH account AS MATERIALIZED (
                        SELECT c.id FROM res_partner AS c
                         WHERE c.id = ANY(%(ids)s::int[]) AND c.is_company AND c.active)
                   %(members)s""",
                ids=ids,
                members=self._social_account_members_sql(SQL("TRUE"), company=True),
            )
        )
        by_company = {}
        for company_id, *member in members:
            by_company.setdefault(company_id, []).append(member)
        # the companies that hold a row of these accounts without scoring their people now
        for (company_id,) in self.env.execute_query(
            SQL(
                """SELECT DISTINCT company_id FROM social_crm_account_score
                    WHERE partner_id = ANY(%s::int[])""",
                ids,
            )
        ):
            by_company.setdefault(company_id, [])
        result = {}
        Company = self.env["res.company"].sudo()
        for company_id, company_members in sorted(by_company.items()):
            company = Company.browse(company_id)
            written = {}
            if company_members:
                written = self._social_account_upsert(company, company_members, now, lower=True)
            # the accounts left without a scored person (or no longer accounts) have no row
            self.env.cr.execute(
                SQL(
                    """DELETE FROM social_crm_account_score
                        WHERE company_id = %s AND partner_id = ANY(%s::int[])
                          AND partner_id != ALL(%s::int[])""",
                    company_id,
                    ids,
                    _array(sorted({member[1] for member in company_members})),
                )
            )
            result[company_id] = written
            raised = {
                account_id: (previous, score)
                for account_id, (previous, score) in written.items()
                if previous is None or score > previous
            }
            if raised:
                self._social_account_notify_key(company, raised)
        self.invalidate_model()
        self.env["res.partner"]._social_account_invalidate()
        return result

    @api.model
    def _social_account_flush(self):
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "is_company", "active", "social_score_excluded"]
        )
        self.env["social.crm.score.history"].flush_model(
            ["partner_id", "company_id", "is_current", "score", "is_influencer"]
        )
        self.flush_model()

    @api.model
    def _social_account_members_sql(self, where, company=False):
        """SELECT of (person id, account id, current score, influencer flag) of the active,
        not excluded people (and the company contacts themselves) of the accounts of a CTE
        ``account(id)``, with a current score row where ``where`` holds (led by its
        ``company_id`` if ``company``)."""
        return SQL(
            """SELECT %(company)s m.id, m.commercial_partner_id, h.score, h.is_influencer IS TRUE
                 FROM account
                 JOIN res_partner AS m ON m.commercial_partner_id = account.id
                 JOIN social_crm_score_history AS h ON h.partner_id = m.id AND h.is_current
                WHERE m.active AND m.social_score_excluded IS NOT TRUE AND %(where)s
             ORDER BY %(company)s m.id""",
            company=SQL("h.company_id,") if company else SQL(""),
            where=where,
        )

    @api.model
    def _social_account_upsert(self, company, members, now, lower=False):
        """Score the accounts of ``members`` ((person id, account id, score, influencer
        flag) of ``company``) and write their rows of ``company``: only where the score rises
        (``lower``: wherever a figure changed). One statement. Returns ``{account id:
        (previous score or None, new score)}`` of the rows written."""
        ids, account_ids, scores, flags = zip(*members, strict=True)
        accounts = compute_account_table(
            ids, [min(max(score or 0.0, 0.0), 100.0) for score in scores], flags, account_ids
        )
        keep = numpy.ones(len(accounts), bool)
        names = SQL(", ").join(map(SQL.identifier, ROW_COLUMNS))
        figures = [
            name
            for name in ROW_COLUMNS
            if name not in ("partner_id", "company_id", "create_uid", "create_date")
        ]
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in figures
        )
        if lower:
            compared = [name for name in figures if name not in ("date", "write_uid", "write_date")]
            when = SQL(
                "(%s) IS DISTINCT FROM (%s)",
                SQL(", ").join(SQL.identifier("acc", name) for name in compared),
                SQL(", ").join(SQL.identifier("excluded", name) for name in compared),
            )
        else:
            when = SQL("acc.score < EXCLUDED.score")
        # the previous scores are read in the statement's snapshot (before its upsert)
        written = self.env.execute_query(
            SQL(
                """WITH previous AS (
                        SELECT partner_id, score FROM social_crm_account_score
                         WHERE company_id = %(company)s AND partner_id = ANY(%(accounts)s::int[])),
                   written AS (
                        INSERT INTO social_crm_account_score AS acc (%(names)s) %(rows)s
                        ON CONFLICT (partner_id, company_id) DO UPDATE SET %(updates)s
                         WHERE %(when)s
                     RETURNING acc.partner_id, acc.score)
                   SELECT written.partner_id, previous.score, written.score
                     FROM written LEFT JOIN previous USING (partner_id)""",
                company=company.id,
                accounts=_array(accounts.account_ids.tolist()),
                names=names,
                rows=self._social_account_rows_sql(company, accounts, keep, now),
                updates=updates,
                when=when,
            )
        )
        if written:
            self.invalidate_model()
            self.env["res.partner"]._social_account_invalidate()
        return {account_id: (previous, score) for account_id, previous, score in written}

    @api.model
    def _social_account_notify_key(self, company, raised):
        """One to-do for the salesperson of each open lead of an account that the day's
        rise (``raised``: see :meth:`_social_account_raise`) made a key account of
        ``company`` by its account score (not one already key by hand or by the revenue
        of its open opportunities): as a person who turns out an influencer on arrival,
        the customer's new weight is told to whoever sells to it. Only the leads of
        ``company`` (another company's leads never quote its score)."""
        threshold = company.social_key_account_min_score
        if not threshold:
            return
        new_key = [
            account_id
            for account_id, (previous, score) in raised.items()
            if score >= threshold and (previous is None or previous < threshold)
        ]
        if not new_key:
            return
        # sudo: the salespeople are told whoever's post raised the account
        Partner = self.env["res.partner"].sudo().with_context(allowed_company_ids=company.ids)
        accounts = Partner.browse(new_key).filtered(lambda a: not a.social_key_account_manual)
        min_revenue = company.social_key_account_min_revenue
        if min_revenue and accounts:
            revenues = Partner._social_account_revenues(accounts.ids)
            accounts = accounts.filtered(lambda a: revenues.get(a.id, 0.0) < min_revenue)
        if not accounts:
            return
        rows = {
            row.partner_id.id: row
            for row in self.sudo().search(
                [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)]
            )
        }

        def note(env, account):
            row = rows[account.id]
            sentence = env._(
                "%(account)s became a key account: its account score rose to %(score)s "
                "(key from %(threshold)s).",
                account=account.name,
                score=formatLang(env, row.score, digits=0),
                threshold=formatLang(env, threshold, digits=0),
            )
            strongest = ""
            if row.strongest_partner_id:
                strongest = env._(
                    "Strongest person: %(name)s (Social Score %(score)s).",
                    name=row.strongest_partner_id.name,
                    score=formatLang(env, row.people_points, digits=0),
                )
            return Markup("<p>%s %s</p>") % (sentence, strongest)

        self._social_account_todos(company, accounts, note)

    @api.model
    def _social_account_todos(self, company, accounts, note):
        """One to-do "Customer became a key account" for the salesperson of each open lead
        of ``company`` whose customer belongs to ``accounts`` (company contacts), in the
        salesperson's language (``note(env, account)``: its HTML text), unless the lead
        already has that open to-do for its salesperson (an account key again the same
        day, before the to-do was done, is no news). A fixed number of queries."""
        leads = (
            self.env["crm.lead"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", accounts.ids),
                    ("company_id", "=", company.id),
                    ("won_status", "=", "pending"),
                    ("user_id.active", "=", True),
                ]
            )
        )
        if not leads:
            return
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        # sudo: whether the salespeople have that to-do already, whoever changed the account
        pending = {
            (activity.res_id, activity.user_id.id, activity.summary)
            for activity in self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", leads.ids),
                    ("activity_type_id", "=", todo.id if todo else False),
                ]
            )
        }
        Lang = self.env["res.lang"]
        vals_list = []
        for lead in leads:
            account = lead.partner_id.commercial_partner_id
            env = self.with_context(lang=lead.user_id.lang).env
            summary = env._("Customer became a key account")
            if (lead.id, lead.user_id.id, summary) in pending:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": todo.id if todo else False,
                    "user_id": lead.user_id.id,
                    "summary": summary,
                    "note": note(env, account),
                    # the salesperson's day, not the scoring run's (res.lang._social_today)
                    "date_deadline": Lang._social_today(lead.user_id, lead.company_id),
                }
            )
        # sudo: activities for the salespeople, created whoever changed the account
        self.env["mail.activity"].sudo().create(vals_list)

    # --- key accounts by revenue during the day -----------------------------------------------
    @api.model
    def _social_account_revenue_snapshot(self, account_ids, companies=None):
        """{company id: {account id: expected revenue of its open opportunities counted
        in that company}} of these company contacts, for each of ``companies`` (default:
        all) with a revenue threshold; one query per such company."""
        account_ids = sorted({int(account_id) for account_id in account_ids if account_id})
        if not account_ids:
            return {}
        # sudo: every company's threshold and revenues, whoever changed the opportunity
        domain = [("social_key_account_min_revenue", ">", 0)]
        if companies is not None:
            domain.append(("id", "in", companies.ids))
        Partner = self.env["res.partner"].sudo()
        return {
            company.id: Partner.with_context(
                allowed_company_ids=company.ids
            )._social_account_revenues(account_ids)
            for company in self.env["res.company"].sudo().search(domain)
        }

    @api.model
    def _social_account_notify_revenue(self, before, account_ids, companies=None):
        """These company contacts' open opportunities changed (one created, won, lost,
        restored, its expected revenue or customer changed): ``before`` is their
        :meth:`_social_account_revenue_snapshot` from before the change. The salespeople of
        the open leads of each account whose revenue just reached a company's threshold
        get the to-do of a new key account (not for an account already key by hand or by
        its account score in that company), as for a rise of the account score."""
        after = self._social_account_revenue_snapshot(account_ids, companies)
        # the badges read the revenue live: drop what the transaction computed before
        self.env["res.partner"]._social_account_invalidate()
        Company = self.env["res.company"].sudo()
        for company_id, revenues in after.items():
            company = Company.browse(company_id)
            threshold = company.social_key_account_min_revenue
            previous = before.get(company_id, {})
            new_key = [
                account_id
                for account_id, revenue in revenues.items()
                if revenue >= threshold and previous.get(account_id, 0.0) < threshold
            ]
            if not new_key:
                continue
            # sudo: the salespeople are told whoever changed the opportunity
            accounts = (
                self.env["res.partner"]
                .sudo()
                .browse(new_key)
                .filtered(lambda a: a.is_company and a.active and not a.social_key_account_manual)
            )
            min_score = company.social_key_account_min_score
            if min_score and accounts:
                accounts -= (
                    self.sudo()
                    .search(
                        [
                            ("partner_id", "in", accounts.ids),
                            ("company_id", "=", company.id),
                            ("score", ">=", min_score),
                        ]
                    )
                    .partner_id
                )
            if not accounts:
                continue

            def note(env, account, company=company, revenues=revenues, threshold=threshold):
                money = company.currency_id
                return Markup("<p>%s</p>") % env._(
                    "%(account)s became a key account: the expected revenue of its open "
                    "opportunities rose to %(revenue)s (key from %(threshold)s).",
                    account=account.name,
                    revenue=formatLang(env, revenues[account.id], currency_obj=money),
                    threshold=formatLang(env, threshold, currency_obj=money),
                )

            self._social_account_todos(company, accounts, note)
