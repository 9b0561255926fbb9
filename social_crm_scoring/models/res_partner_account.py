# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""B2B accounts on contacts: the account score of a company contact, the key account, and
what its people and leads show of it ("works at X, key account").

The account rows are written by the scoring run (see ``social.crm.account.score``) and
raised during the day when their people are scored on arrival or linked to them; these
fields read them through their record rules, in one query per batch of contacts.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..scoring import ACCOUNT_PARTS, ACCOUNT_WEIGHTS

#: contact fields computed from the account rows (invalidated after a run)
ACCOUNT_FIELDS = [
    "social_account_score",
    "social_is_key_account",
    "social_account_note",
    "social_account_explanation",
    "social_account_revenue",
    "social_account_influencer_ids",
    "social_reach",
]

#: contact fields whose change moves a contact in or out of an account
MEMBERSHIP_FIELDS = frozenset(("parent_id", "is_company", "active"))


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_key_account_manual = fields.Boolean(
        string="Key Account (by hand)",
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="Treat this company as a key account whatever its account score or revenue.",
    )
    social_account_score = fields.Float(
        string="Account Score",
        digits=(5, 0),
        compute="_compute_social_account",
        groups="base.group_user",
        help="Account score of the company (0-100), from its people's Social Scores (the "
        "strongest person, how many are influencers) and its own corporate identities. "
        "A person shows the score of the company they work at.",
    )
    social_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_social_account",
        search="_search_social_is_key_account",
        groups="base.group_user",
        help="The company (of this person) is a key account: ticked by hand, or its account "
        "score or the expected revenue of its open opportunities reaches the thresholds "
        "of the Social CRM settings.",
    )
    social_account_revenue = fields.Monetary(
        string="Open Expected Revenue",
        compute="_compute_social_account",
        currency_field="social_account_currency_id",
        groups="base.group_user",
        help="Expected revenue of the open opportunities of the company and its people, in "
        "the current company's currency (other currencies at today's rate).",
    )
    social_account_currency_id = fields.Many2one(
        "res.currency", compute="_compute_social_account_currency", groups="base.group_user"
    )
    social_account_note = fields.Char(
        string="Company Account",
        compute="_compute_social_account",
        groups="base.group_user",
    )
    social_account_explanation = fields.Html(
        string="Why This Account Score",
        compute="_compute_social_account",
        sanitize=False,
        groups="base.group_user",
    )
    social_account_influencer_ids = fields.Many2many(
        "res.partner",
        string="Influencers at the Company",
        compute="_compute_social_account",
        groups="base.group_user",
        help="The company's people who are influencers by their Social Score.",
    )

    social_reach = fields.Integer(
        string="Network Reach",
        compute="_compute_social_reach",
        groups="base.group_user",
        help="Followers on all the contact's social identities, as counted by the latest "
        "Social Score.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_social_reach(self):
        ids = [partner._origin.id for partner in self if partner._origin.id]
        reach = {}
        if ids:
            self.env["social.crm.score.history"].flush_model(["partner_id", "followers"])
            query = self._social_score_current_query(Domain("partner_id", "in", ids))
            reach = dict(
                self.env.execute_query(
                    query.select(
                        SQL.identifier(query.table, "partner_id"),
                        SQL.identifier(query.table, "followers"),
                    )
                )
            )
        for partner in self:
            partner.social_reach = int(reach.get(partner._origin.id) or 0)

    # --- reading the account rows -----------------------------------------------------------
    @api.model
    def _social_account_rows(self, account_ids):
        """{company contact id: its account row the user may read}: the row of the current
        company first (a company scored by several companies); one query."""
        if not account_ids:
            return {}
        rows = self.env["social.crm.account.score"].search(
            [("partner_id", "in", list(account_ids))]
        )
        current = self.env.company.id
        result = {}
        for row in rows.sorted(lambda r: r.company_id.id != current):
            result.setdefault(row.partner_id.id, row)
        return result

    @api.model
    def _social_account_convert(self, amounts):
        """{account id: amount in the current company's currency} of ``amounts``
        ({(account id, currency): amount}): each sum converted at the current company's
        rate of today (``res.currency._convert``); the rates are read once per currency,
        not per lead."""
        company = self.env.company
        target = company.currency_id
        today = fields.Date.context_today(self)
        result = {}
        for (account_id, currency), amount in amounts.items():
            result[account_id] = result.get(account_id, 0.0) + currency._convert(
                amount, target, company, today
            )
        return result

    @api.model
    def _social_account_revenues(self, account_ids):
        """{company contact id: expected revenue of its open opportunities and its people's}
        (``account_ids`` None: of every customer) in the companies the user works in
        (counted without the CRM access rights: an agent sees how much, not which), in the
        currency of the current company (the one whose threshold it is compared with): each
        lead's revenue is in its company's currency (a lead without company: the current
        company's, as the CRM shows it), converted at today's rate; one query, and the
        rates once per currency."""
        if account_ids is not None and not account_ids:
            return {}
        domain = (
            Domain("type", "=", "opportunity")
            & Domain("won_status", "=", "pending")
            & Domain("partner_id", "!=", False)
            & Domain("company_id", "in", [False, *self.env.companies.ids])
        )
        if account_ids is not None:
            domain &= Domain("partner_id.commercial_partner_id", "in", list(account_ids))
        groups = (
            self.env["crm.lead"]
            .sudo()  # sudo: revenue figures of leads the user may not read (sums only)
            ._read_group(
                domain,
                ["partner_id", "company_id"],
                ["expected_revenue:sum"],
            )
        )
        amounts = defaultdict(float)
        current = self.env.company.currency_id
        for partner, company, revenue in groups:
            key = (partner.commercial_partner_id.id, company.currency_id or current)
            amounts[key] += revenue or 0.0
        return self._social_account_convert(amounts)

    @api.model
    def _social_is_key(self, row, revenue, manual):
        """Whether an account is key: ticked by hand, or its account score reaches the
        threshold of the company that scored it, or its open revenue that of the current
        company; a threshold 0 is not used."""
        if manual:
            return True
        min_score = row.company_id.social_key_account_min_score if row else 0.0
        if min_score and row.score >= min_score:
            return True
        min_revenue = self.env.company.social_key_account_min_revenue
        return bool(min_revenue and revenue >= min_revenue)

    @api.depends_context("uid", "allowed_company_ids", "lang")
    @api.depends("commercial_partner_id", "is_company", "social_key_account_manual")
    def _compute_social_account(self):
        accounts = self.commercial_partner_id.filtered("is_company")
        rows = self._social_account_rows(accounts._origin.ids)
        revenues = self._social_account_revenues(accounts._origin.ids)
        influencers = self.browse()
        if accounts:
            influencers = self.search(
                [
                    ("commercial_partner_id", "in", accounts._origin.ids),
                    ("is_company", "=", False),
                    ("is_social_influencer", "=", True),
                ]
            )
        for partner in self:
            account = partner.commercial_partner_id
            if not account.is_company:
                partner.update(
                    {
                        "social_account_score": 0.0,
                        "social_is_key_account": False,
                        "social_account_revenue": 0.0,
                        "social_account_note": False,
                        "social_account_explanation": False,
                        "social_account_influencer_ids": False,
                    }
                )
                continue
            key_id = account._origin.id
            row = rows.get(key_id)
            revenue = revenues.get(key_id, 0.0)
            is_key = self._social_is_key(row, revenue, account.social_key_account_manual)
            partner.social_account_score = row.score if row else 0.0
            partner.social_is_key_account = is_key
            partner.social_account_revenue = revenue
            partner.social_account_note = partner._social_account_sentence(
                account, row, revenue, is_key
            )
            partner.social_account_explanation = (
                account._social_account_explain(row) if row and partner.is_company else False
            )
            partner.social_account_influencer_ids = influencers.filtered(
                lambda p, key_id=key_id: p.commercial_partner_id.id == key_id
            )

    @api.depends_context("allowed_company_ids")
    def _compute_social_account_currency(self):
        for partner in self:
            partner.social_account_currency_id = self.env.company.currency_id

    def _search_social_is_key_account(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = (True in value) == (operator == "in")
        # each account's row the user may read that its badge shows (the current company's
        # first, see _social_account_rows), at or above the threshold of its company
        Account = self.env["social.crm.account.score"]
        Account.flush_model(["partner_id", "company_id", "score"])
        self.env["res.company"].flush_model(["social_key_account_min_score"])
        query = Account._search([])
        key_ids = {
            partner_id
            for partner_id, is_key in self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (a.partner_id) a.partner_id,
                              c.social_key_account_min_score > 0
                              AND a.score >= c.social_key_account_min_score
                         FROM social_crm_account_score AS a
                         JOIN res_company AS c ON c.id = a.company_id
                        WHERE a.id IN %s
                     ORDER BY a.partner_id, a.company_id != %s, a.score DESC, a.id""",
                    query.subselect(),
                    self.env.company.id,
                )
            )
            if is_key
        }
        min_revenue = self.env.company.social_key_account_min_revenue
        if min_revenue:
            revenues = self._social_account_revenues(None)
            key_ids |= {pid for pid, revenue in revenues.items() if revenue >= min_revenue}
        keys = Domain("social_key_account_manual", "=", True) | Domain("id", "in", list(key_ids))
        accounts = self.with_context(active_test=False).search(
            Domain("is_company", "=", True) & keys
        )
        domain = Domain("commercial_partner_id", "in", accounts.ids)
        return domain if wanted else ~domain

    # --- sentences ---------------------------------------------------------------------------
    def _social_account_money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.env.company.currency_id)

    def _social_account_sentence(self, account, row, revenue, is_key):
        """ "Works at Acme, key account (account score 78), expected revenue €48,000.00" for a
        person; the same without "works at" for the company itself; False when nothing is
        known of the account."""
        self.ensure_one()
        if not row and not is_key and not revenue:
            return False
        parts = []
        if self._origin.id != account._origin.id:
            parts.append(self.env._("works at %(account)s", account=account.name))
        if is_key:
            parts.append(self.env._("key account"))
        if row:
            parts.append(
                self.env._(
                    "account score %(score)s",
                    score=formatLang(self.env, row.score, digits=0),
                )
            )
        if revenue:
            parts.append(
                self.env._(
                    "expected revenue %(revenue)s",
                    revenue=self._social_account_money(revenue),
                )
            )
        sentence = ", ".join(parts)
        return sentence[:1].upper() + sentence[1:]

    def _social_account_part_sentence(self, part, row):
        n = formatLang
        if part == "people":
            if not row.strongest_partner_id:
                return self.env._("No scored person works here")
            if row.people_count == 1:
                return self.env._(
                    "%(name)s is the only scored person (Social Score %(score)s)",
                    name=row.strongest_partner_id.name,
                    score=n(self.env, row.people_points, digits=0),
                )
            return self.env._(
                "%(name)s has the highest Social Score (%(score)s) of the %(count)s scored people",
                name=row.strongest_partner_id.name,
                score=n(self.env, row.people_points, digits=0),
                count=n(self.env, row.people_count, digits=0),
            )
        if part == "influencers":
            if not row.influencer_count:
                return self.env._("No influencer among its people")
            if row.influencer_count == 1:
                return self.env._("1 influencer among its people")
            return self.env._(
                "%(count)s influencers among its people (each one more counts half as "
                "much as the one before)",
                count=n(self.env, row.influencer_count, digits=0),
            )
        if not row.corporate_points:
            return self.env._("No scored corporate identity")
        return self.env._(
            "The company's own Social Score from its corporate identities: %(score)s",
            score=n(self.env, row.corporate_points, digits=0),
        )

    def _social_account_explain(self, row):
        """HTML: a summary and a table with one line per part of the account score."""
        self.ensure_one()
        labels = {
            "people": self.env._("Strongest person"),
            "influencers": self.env._("Influencers"),
            "corporate": self.env._("Corporate identities"),
        }
        points = {
            "people": row.people_points,
            "influencers": row.influencer_points,
            "corporate": row.corporate_points,
        }
        lines = [
            {
                "label": labels[part],
                "sentence": self._social_account_part_sentence(part, row),
                "points": formatLang(self.env, points[part], digits=0),
                "weight": f"{formatLang(self.env, ACCOUNT_WEIGHTS[part] * 100, digits=0)} %",
                "contribution": formatLang(
                    self.env, ACCOUNT_WEIGHTS[part] * points[part], digits=1
                ),
            }
            for part in ACCOUNT_PARTS
        ]
        summary = self.env._(
            "Account score %(score)s of 100 for %(company)s, since %(date)s: the weighted sum "
            "of the parts below.",
            score=formatLang(self.env, row.score, digits=0),
            company=row.company_id.name,
            date=self.env["res.lang"]._social_format_date(row.date),
        )
        return self.env["ir.qweb"]._render(
            "social_crm_scoring.social_account_explanation",
            {
                "summary": summary,
                "lines": lines,
                "score": formatLang(self.env, row.score, digits=1),
                "total_label": self.env._("Account score"),
            },
        )

    # --- the people of a company contact change ---------------------------------------------
    def write(self, vals):
        if not MEMBERSHIP_FIELDS.intersection(vals):
            return super().write(vals)
        # sudo: which account each contact belonged to, whoever edits it
        partners = self.sudo()
        before = {partner.id: partner.commercial_partner_id.id for partner in partners}
        Account = self.env["social.crm.account.score"].sudo()
        revenues = accounts = None
        if "parent_id" in vals or "is_company" in vals:
            # their open opportunities follow them: the revenue of the accounts they leave
            # and join, in the companies with a revenue threshold
            accounts = set(before.values()) | set(self.ids)
            if vals.get("parent_id"):
                accounts.add(partners.browse(vals["parent_id"]).commercial_partner_id.id)
            revenues = Account._social_account_revenue_snapshot(accounts)
        result = super().write(vals)
        moved = partners
        if "active" not in vals and "is_company" not in vals:
            # (a company made a person, or a person a company, keeps its commercial partner:
            # it stops or starts being an account itself)
            moved = moved.filtered(lambda p: p.commercial_partner_id.id != before[p.id])
        if moved:
            # sudo: the product's account rows, whoever links, moves or archives the person
            moved._social_account_follow_membership([before[partner.id] for partner in moved])
        if revenues:
            accounts |= set(partners.commercial_partner_id.ids)
            Account._social_account_notify_revenue(revenues, accounts)
        return result

    def unlink(self):
        # sudo: which account each deleted contact belonged to, whoever deletes it
        accounts = self.sudo().commercial_partner_id.ids
        result = super().unlink()
        self.env["social.crm.account.score"].sudo()._social_account_refresh(
            set(accounts) - set(self.ids)
        )
        return result

    def _social_account_follow_membership(self, previous_account_ids=()):
        """These contacts joined, left or moved between company contacts (or were archived,
        unarchived, made companies or persons): the accounts they left and those they
        joined are scored again at once, up and down (see
        ``social.crm.account.score._social_account_refresh``): one refresh for the whole
        batch of contacts."""
        accounts = set(previous_account_ids) | set(self.commercial_partner_id.ids)
        self.env["social.crm.account.score"]._social_account_refresh(accounts)

    # --- invalidation and objection ------------------------------------------------------------
    @api.model
    def _social_account_invalidate(self):
        self.invalidate_model(ACCOUNT_FIELDS)
        self.env["crm.lead"]._social_account_invalidate()

    def _social_score_clear(self, delete_history=False):
        """An objection to profiling also drops the account rows that name the contact as
        their strongest person (the next run scores those accounts without them)."""
        result = super()._social_score_clear(delete_history=delete_history)
        if delete_history:
            # sudo: account rows are written by the product only
            self.env["social.crm.account.score"].sudo().search(
                [("strongest_partner_id", "in", self.ids)]
            ).unlink()
            self._social_account_invalidate()
        return result
