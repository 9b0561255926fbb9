# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The account score of B2B customers (company contacts), written by the scoring run.

Each company's scoring run (``res.partner._social_score_run_company``) hands its person
scores to :meth:`SocialCrmAccountScore._social_account_run`, which reads which scored
contact belongs to which company contact (one query), computes the accounts with
:func:`..scoring.compute_account_table` and replaces the company's account rows (one delete,
one insert from arrays), whatever the number of accounts.
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..scoring import compute_account_table
from .social_crm_score_history import _array

_logger = logging.getLogger(__name__)

try:  # an external dependency of this module (see the manifest)
    import numpy
except ImportError:  # pragma: no cover
    _logger.debug("numpy is not installed: account scores cannot be computed.")


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
                    """INSERT INTO social_crm_account_score
                           (partner_id, company_id, date, score, people_points,
                            influencer_points, corporate_points, strongest_partner_id,
                            people_count, influencer_count,
                            create_uid, write_uid, create_date, write_date)
                       SELECT a.partner, %(company)s, %(date)s, a.score, a.people,
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
                    date=fields.Date.to_date(now),
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
            )
        self.invalidate_model()
        self.env["res.partner"]._social_account_invalidate()
        return int(keep.sum())
