# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Social Customer Score of contacts: fields, computes, search and actions.

The contacts themselves are never written by a scoring run (see ``res_partner_score_run.py``
and ``social.crm.score.history._write_scores``): their score, tier and flag are read from
their current history row, through its record rules (and searched, sorted and grouped
through a join on it); so are the leads' (see ``crm.lead``).
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.social_crm.services.tiers import TIERS
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..scoring import PARTS, absolute_scores
from .social_crm_score_history import round_half_up

USER = "social_crm.group_social_crm_user"
#: contact fields read from the current history row: {field: history column}
CURRENT_FIELDS = {
    "social_score": "score",
    "social_score_tier": "tier",
    "is_social_influencer": "is_influencer",
    "social_score_company_id": "company_id",
}
PARTNER_SCORE_FIELDS = list(CURRENT_FIELDS)
#: contact fields computed from the history rows (invalidated after the SQL writes)
PARTNER_HISTORY_FIELDS = [
    *PARTNER_SCORE_FIELDS,
    "social_score_rank",
    "social_score_date",
    "social_score_previous",
    "social_score_previous_date",
    "social_score_delta",
    "social_score_weighted",
    "social_score_explanation",
]
#: those that can be sorted and grouped by (through a join on the current row)
SQL_FIELDS = ("social_score", "social_score_tier", "is_social_influencer")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # read from the contact's current history row (see social.crm.score.history): a scoring
    # run writes history rows only, never the contacts; searched, sorted and grouped through
    # a join on that row (see _field_to_sql)
    social_score = fields.Float(
        digits=(5, 0),
        compute="_compute_social_score",
        search="_search_social_score",
        groups="base.group_user",
        aggregator="avg",
        help="Social Customer Score, 0-100: the share of the company's other scored contacts "
        "this contact is more influential than (reach, engagement, news mentions, network "
        "position, professional weight).",
    )
    social_score_tier = fields.Selection(
        TIERS,
        string="Social Tier",
        compute="_compute_social_score",
        search="_search_social_score_tier",
        groups="base.group_user",
        help="Tier reached by the Social Score; thresholds are set per company in the "
        "settings. Empty: the contact is not scored (no social identity, or excluded).",
    )
    is_social_influencer = fields.Boolean(
        string="Influencer",
        compute="_compute_social_score",
        search="_search_is_social_influencer",
        groups="base.group_user",
        help="Top influencer or multiplier by the Social Score.",
    )
    # from the latest history rows
    social_score_rank = fields.Integer(
        string="Social Rank",
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="1 = the highest Social Score among the company's scored contacts.",
    )
    social_score_date = fields.Date(
        string="Social Score Since",
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_company_id = fields.Many2one(
        "res.company",
        string="Scored For",
        compute="_compute_social_score",
        search="_search_social_score_company_id",
        groups="base.group_user",
        help="The company among whose contacts the score was computed.",
    )
    social_score_excluded = fields.Boolean(
        string="Excluded from Social Scoring",
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="The contact objected to being profiled (GDPR Art. 21): no Social Score is "
        "computed and the score history is deleted.",
    )
    social_score_history_ids = fields.One2many(
        "social.crm.score.history",
        "partner_id",
        readonly=True,
        groups="base.group_user",
    )
    social_score_previous = fields.Float(
        string="Previous Social Score",
        digits=(5, 0),
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_previous_date = fields.Date(
        string="Previous Score Date",
        compute="_compute_social_score_trend",
        groups="base.group_user",
    )
    social_score_delta = fields.Float(
        string="Change",
        digits=(5, 0),
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="Change since the previous score (the history keeps a row per change).",
    )
    social_score_weighted = fields.Float(
        string="Weighted Sum of the Parts",
        digits=(5, 1),
        compute="_compute_social_score_trend",
        groups="base.group_user",
        help="The five parts times their weights (0-100); the Social Score is the percentile "
        "of this sum among the company's scored contacts.",
    )
    social_score_explanation = fields.Html(
        string="Why This Score",
        compute="_compute_social_score_explanation",
        sanitize=False,
        groups="base.group_user",
    )

    # --- the current score ------------------------------------------------------------------
    @api.model
    def _social_score_current_fields(self):
        return PARTNER_HISTORY_FIELDS

    @api.model
    def _social_score_current_query(self, domain=None):
        """Query of the current history rows the user may read: those the record rules of
        ``social.crm.score.history`` let through (a shared contact scored for another
        company has no score for this user), without the model's access rights (every
        internal user sees the score, tier and flag; see the README)."""
        History = self.env["social.crm.score.history"]
        condition = Domain("is_current", "=", True) & Domain(domain or Domain.TRUE)
        if not self.env.su:
            condition &= self.env["ir.rule"]._compute_domain(History._name, "read")
        # sudo: the user's record rules are already in ``condition`` (unless superuser)
        return History.sudo()._search(condition)

    @api.model
    def _social_score_current_rows(self, partner_ids):
        """{partner id: (score, tier, influencer flag, company id)} of the current rows of
        these contacts that the user may read (one query)."""
        if not partner_ids:
            return {}
        self.env["social.crm.score.history"].flush_model(
            ["partner_id", "is_current", *CURRENT_FIELDS.values()]
        )
        query = self._social_score_current_query(Domain("partner_id", "in", list(partner_ids)))
        columns = ("partner_id", *CURRENT_FIELDS.values())
        return {
            row[0]: row[1:]
            for row in self.env.execute_query(
                query.select(*(SQL.identifier(query.table, column) for column in columns))
            )
        }

    @api.model
    def _social_score_current_sql(self, alias, partner_column, column, query=None):
        """SQL of ``column`` of the current history row of the contact
        ``alias.partner_column`` (NULL if none the user may read): joined once per query
        when ``query`` is given, else a subquery. The rows are those of
        :meth:`_social_score_current_query`, a subquery PostgreSQL flattens into the join."""
        current_query = self._social_score_current_query()
        rows = SQL(
            "(%s)",
            current_query.select(
                SQL(", ").join(
                    SQL.identifier(current_query.table, name)
                    for name in ("partner_id", *CURRENT_FIELDS.values())
                )
            ),
        )
        partner = SQL.identifier(alias, partner_column)
        if query is None:
            return SQL(
                "(SELECT h.%s FROM %s AS h WHERE h.partner_id = %s)",
                SQL.identifier(column),
                rows,
                partner,
            )
        current = query.make_alias(alias, "social_score_current")
        query.add_join(
            "LEFT JOIN",
            current,
            rows,
            SQL("%s = %s", SQL.identifier(current, "partner_id"), partner),
        )
        return SQL.identifier(current, column)

    @api.model
    def _social_score_search_sql(self, column, operator, value):
        """(empty, SQL) for searching the current rows' ``column operator value``: the
        subquery of the contacts whose readable current row meets it, or (``empty`` True)
        of those whose row fails it when the empty value meets it (contacts without a row
        have no score, tier or flag: they meet what the empty value meets)."""
        condition = Domain(column, operator, value)
        empty = bool(self.env["social.crm.score.history"].new({}).filtered_domain(condition))
        query = self._social_score_current_query(~condition if empty else condition)
        return empty, query.select(SQL.identifier(query.table, "partner_id"))

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_social_score(self):
        # a contact being edited (onchange) is a new record whose origin holds the score
        rows = self._social_score_current_rows(
            [partner._origin.id for partner in self if partner._origin.id]
        )
        companies = self.env["res.company"]
        for partner in self:
            score, tier, flag, company = rows.get(partner._origin.id, (0.0, False, False, False))
            partner.social_score = score or 0.0
            partner.social_score_tier = tier or False
            partner.is_social_influencer = bool(flag)
            partner.social_score_company_id = companies.browse(company or [])

    def _social_score_search(self, fname, operator, value):
        """Domain of the contacts whose current score row meets ``fname operator value``."""
        empty, rows = self._social_score_search_sql(CURRENT_FIELDS[fname], operator, value)
        return Domain("id", "not in" if empty else "in", rows)

    def _search_social_score(self, operator, value):
        return self._social_score_search("social_score", operator, value)

    def _search_social_score_tier(self, operator, value):
        return self._social_score_search("social_score_tier", operator, value)

    def _search_is_social_influencer(self, operator, value):
        return self._social_score_search("is_social_influencer", operator, value)

    def _search_social_score_company_id(self, operator, value):
        return self._social_score_search("social_score_company_id", operator, value)

    def _field_to_sql(self, alias, field_expr, query=None):
        """Score, tier and flag are the columns of the current history row, joined once per
        query: contacts can be sorted and grouped by them."""
        if field_expr not in SQL_FIELDS:
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], "read")
        sql = self._social_score_current_sql(alias, "id", CURRENT_FIELDS[field_expr], query)
        # unscored contacts count 0, as everywhere else (not NULL: first in DESC order)
        return SQL("COALESCE(%s, 0)", sql) if field_expr == "social_score" else sql

    # --- display ---------------------------------------------------------------------------
    def _social_score_latest_history(self, count=2):
        """{partner id: [latest history rows, newest first]} (one query, access-checked)."""
        # a contact being edited (onchange) is a new record whose origin holds the rows
        ids = [partner._origin.id for partner in self if partner._origin.id]
        if not ids:
            return {}
        self.env["social.crm.score.history"].flush_model(["partner_id", "date", "is_current"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM (
                       SELECT id, row_number() OVER (
                                  PARTITION BY partner_id
                                  ORDER BY is_current IS TRUE DESC, date DESC, id DESC) AS n
                         FROM social_crm_score_history
                        WHERE partner_id = ANY(%s)) AS h
                    WHERE n <= %s""",
                ids,
                count,
            )
        )
        history = self.env["social.crm.score.history"].browse([row[0] for row in rows])
        result = defaultdict(list)
        rows = history._filtered_access("read")
        for row in rows.sorted(lambda h: (h.is_current, h.date, h.id), reverse=True):
            result[row.partner_id.id].append(row)
        return result

    @api.depends("social_score", "social_score_tier")
    def _compute_social_score_trend(self):
        latest = self._social_score_latest_history()
        for partner in self:
            rows = latest.get(partner._origin.id, []) if partner.social_score_tier else []
            partner.social_score_rank = rows[0].rank if rows else 0
            partner.social_score_date = rows[0].date if rows else False
            partner.social_score_weighted = rows[0].weighted_sum if rows else 0.0
            previous = rows[1] if len(rows) > 1 else None
            if previous and partner.social_score_tier:
                # whole numbers, as shown: 87.5 -> 100 reads 88 -> 100, a change of 12
                previous_score = round_half_up(previous.score)
                partner.social_score_previous = previous_score
                partner.social_score_previous_date = previous.date
                partner.social_score_delta = round_half_up(partner.social_score) - previous_score
            else:
                partner.social_score_previous = 0.0
                partner.social_score_previous_date = False
                partner.social_score_delta = 0.0

    @api.depends("social_score", "social_score_tier", "social_score_excluded")
    def _compute_social_score_explanation(self):
        latest = self._social_score_latest_history(count=1)
        for partner in self:
            rows = latest.get(partner._origin.id)
            if partner.social_score_excluded:
                partner.social_score_explanation = Markup("<p>%s</p>") % self.env._(
                    "This contact objected to being profiled: no Social Score is computed."
                )
            elif not rows or not partner.social_score_tier:
                partner.social_score_explanation = Markup("<p>%s</p>") % self.env._(
                    "Not scored yet: Social Scores are computed for contacts with at least "
                    "one social identity, every night or with the Recompute button."
                )
            else:
                partner.social_score_explanation = partner._social_score_explain(rows[0])

    def _social_score_number(self, value, digits=0):
        return formatLang(self.env, value or 0, digits=digits)

    def _social_score_part_sentence(self, part, row):
        """The plain numbers of one part, as a translated sentence."""
        n = self._social_score_number
        settings = row.settings or {}
        if part == "reach":
            if not row.identity_count:
                return self.env._("No social identity")
            if row.identity_count == 1:
                sentence = self.env._(
                    "%(followers)s followers on 1 identity", followers=n(row.followers)
                )
            else:
                sentence = self.env._(
                    "%(followers)s followers on %(count)s identities",
                    followers=n(row.followers),
                    count=row.identity_count,
                )
            # counts typed by hand or imported: say how old they are
            typed = self._social_score_identities(row).filtered(
                lambda identity: identity.origin == "manual"
            )
            dates = self._social_score_count_dates(typed)
            if dates:
                sentence += "; " + self.env._("counts typed or imported: %(dates)s", dates=dates)
            return sentence
        if part == "engagement":
            days = n(settings.get("window_days", 0))
            if not row.post_count:
                return self.env._("No post in the last %(days)s days", days=days)
            # one sentence per plural form (Odoo has no ngettext): "1 Beitrag", "2 Beiträge"
            if row.post_count == 1:
                return self.env._(
                    "%(reactions)s reactions on 1 post in the last %(days)s days",
                    reactions=n(row.reaction_count),
                    days=days,
                )
            return self.env._(
                "%(reactions)s reactions on %(posts)s posts in the last %(days)s days "
                "(%(per_post)s per post)",
                reactions=n(row.reaction_count),
                posts=n(row.post_count),
                days=days,
                per_post=n(row.reaction_count / row.post_count, 1),
            )
        if part == "mentions":
            return self._social_score_news_sentence(row)
        if part == "network":
            if not row.mentioned_by:
                return self.env._("Not mentioned or replied to by other contacts")
            if row.mentioned_by == 1:
                return self.env._(
                    "Mentioned or replied to by 1 other contact; network rank %(lift)s× that "
                    "of an unmentioned contact",
                    lift=n(row.network_lift + 1, 1),
                )
            return self.env._(
                "Mentioned or replied to by %(count)s other contacts; network rank "
                "%(lift)s× that of an unmentioned contact",
                count=n(row.mentioned_by),
                lift=n(row.network_lift + 1, 1),
            )
        return self._social_score_professional_sentence(row)

    def _social_score_identities(self, row, professional=False):
        """The contact's identities in the row's company (sudo: only counts and dates are
        shown), those on professional networks if ``professional``."""
        # sudo: only counts and dates of the identities are shown
        identities = self.sudo().social_identity_ids.filtered(
            lambda identity: identity.company_id == row.company_id
        )
        if professional:
            identities = identities.filtered(lambda identity: identity.network_id.is_professional)
        return identities

    def _social_score_count_dates(self, identities):
        """"LinkedIn: 1,200 as of 05/11/2026, ..." of these identities' followers (the date
        the counts were true: typed, imported or looked up), or "" when none is dated."""
        n = self._social_score_number
        return ", ".join(
            self.env._(
                "%(network)s: %(count)s as of %(date)s",
                network=identity.network_id.name,
                count=n(identity.followers_count),
                date=self.env["res.lang"]._social_format_date(identity.counts_as_of),
            )
            for identity in identities.sorted(lambda i: (i.network_id.name or "", i.id))
            if identity.counts_as_of
        )

    def _social_score_news_sentence(self, row):
        """The news mentions of the row: how many, on which portals, worth what."""
        n = self._social_score_number
        settings = row.settings or {}
        if not row.mention_count:
            return self.env._(
                "Not named in news or blog articles (own posts count under engagement)"
            )
        # sudo: the portals' names and counts only
        groups = (
            self.env["social.crm.news.mention"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "=", self._origin.id),
                    ("company_id", "=", row.company_id.id),
                    ("state", "=", "confirmed"),
                ],
                ["source_id"],
                ["__count"],
            )
        )
        groups = sorted(groups, key=lambda group: (-group[1], group[0].name or ""))
        portals = [
            f"{source.name or '?'} ×{count}" if count > 1 else (source.name or "?")
            for source, count in groups[:3]
        ]
        if len(groups) > 3:
            portals.append("…")
        values = {
            "count": n(row.mention_count),
            "portals": ", ".join(portals),
            "decayed": n(row.mentions_decayed, 1),
            "days": n(settings.get("half_life_days", 0)),
        }
        if row.mention_count == 1:
            return self.env._(
                "1 news mention (%(portals)s), worth %(decayed)s after portal reach and ageing "
                "(half-life %(days)s days)",
                **values,
            )
        return self.env._(
            "%(count)s news mentions (%(portals)s), worth %(decayed)s after portal reach and "
            "ageing (half-life %(days)s days)",
            **values,
        )

    def _social_score_professional_sentence(self, row):
        """The professional inputs of the row, each named: position and its seniority,
        employer (industry, size), professional profiles (with the date of their counts),
        posts there."""
        n = self._social_score_number
        settings = row.settings or {}
        partner = self._origin
        parts = []
        if partner.function:
            if row.professional_level:
                parts.append(
                    self.env._(
                        "Position “%(position)s”: seniority %(level)s of 3",
                        position=partner.function,
                        level=row.professional_level,
                    )
                )
            else:
                parts.append(
                    self.env._("Position “%(position)s”: not senior", position=partner.function)
                )
        if partner.parent_id and row.employer_size:
            employer = partner.parent_id
            if employer.industry_id:
                parts.append(
                    self.env._(
                        "employer %(employer)s (%(industry)s): %(size)s people",
                        employer=employer.name,
                        industry=employer.industry_id.name,
                        size=n(row.employer_size),
                    )
                )
            else:
                parts.append(
                    self.env._(
                        "employer %(employer)s: %(size)s people",
                        employer=employer.name,
                        size=n(row.employer_size),
                    )
                )
        if row.professional_identity_count:
            if row.professional_identity_count == 1:
                sentence = self.env._(
                    "%(followers)s followers/connections on 1 professional profile",
                    followers=n(row.professional_followers),
                )
            else:
                sentence = self.env._(
                    "%(followers)s followers/connections on %(count)s professional profiles",
                    followers=n(row.professional_followers),
                    count=row.professional_identity_count,
                )
            dates = self._social_score_count_dates(
                self._social_score_identities(row, professional=True)
            )
            parts.append(f"{sentence} ({dates})" if dates else sentence)
        if row.professional_post_count:
            days = n(settings.get("window_days", 0))
            if row.professional_post_count == 1:
                parts.append(
                    self.env._("1 post there in the last %(days)s days", days=days)
                )
            else:
                parts.append(
                    self.env._(
                        "%(posts)s posts there in the last %(days)s days",
                        posts=n(row.professional_post_count),
                        days=days,
                    )
                )
        if not parts:
            return self.env._(
                "No job position, employer or professional profile (LinkedIn, Xing) known"
            )
        return "; ".join(parts)

    def _social_score_explain(self, row):
        """HTML (the QWeb template ``social_score_explanation``): notes, a summary, and a
        table with one line per part: its numbers, points, weight and contribution."""
        self.ensure_one()
        n = self._social_score_number
        labels = self.env["res.company"]._social_score_part_labels()
        date = self.env["res.lang"]._social_format_date(row.date)
        contributions, weighted_sum = row._weighted_parts()
        absolute = self._social_score_absolute(row)
        capped = absolute is not None and row.score >= absolute and (row.score or weighted_sum)
        if capped:
            values = {
                "sum": n(weighted_sum, 1),
                "rank": n(row.rank),
                "population": n(row.population),
                "company": row.company_id.name,
                "score": n(round_half_up(row.score)),
                "followers": n(row.followers),
                "minimum": n(row.settings["min_population"]),
                "date": date,
            }
            if row.population == 1:
                summary = self.env._(
                    "Weighted sum of the parts %(sum)s of 100, the only scored contact of "
                    "%(company)s. Social Score %(score)s: what %(followers)s followers give on "
                    "the fixed scale while the company has fewer than %(minimum)s scored "
                    "contacts (since %(date)s).",
                    **values,
                )
            else:
                summary = self.env._(
                    "Weighted sum of the parts %(sum)s of 100, rank %(rank)s of the "
                    "%(population)s scored contacts of %(company)s. Social Score %(score)s: "
                    "what %(followers)s followers give on the fixed scale while the company "
                    "has fewer than %(minimum)s scored contacts (since %(date)s).",
                    **values,
                )
        elif row.score > 0:
            summary = self.env._(
                "Weighted sum of the parts %(sum)s of 100: more influential than %(score)s%% of "
                "the %(population)s other scored contacts of %(company)s (Social Score "
                "%(score)s, rank %(rank)s), since %(date)s.",
                sum=n(weighted_sum, 1),
                score=n(round_half_up(row.score)),
                population=n(max(row.population - 1, 0)),
                company=row.company_id.name,
                rank=n(row.rank),
                date=date,
            )
        else:
            summary = self.env._(
                "No social activity or audience known (since %(date)s).", date=date
            )
        weights = (row.settings or {}).get("weights", {})
        lines = [
            {
                "label": labels[part],
                "sentence": self._social_score_part_sentence(part, row),
                "points": n(round_half_up(row[f"{part}_points"])),
                "weight": f"{n(round_half_up(weights.get(part, 0.0) * 100))} %",
                "contribution": n(contributions[part], 1),
            }
            for part in PARTS
        ]
        return self.env["ir.qweb"]._render(
            "social_crm_scoring.social_score_explanation",
            {
                "notes": self._social_score_explain_notes(row),
                "summary": summary,
                "lines": lines,
                "weighted_sum": n(weighted_sum, 1),
                "weighted_label": self.env._(
                    "Weighted sum (its percentile is capped by the followers' fixed scale: "
                    "Social Score %(score)s)",
                    score=n(round_half_up(row.score)),
                )
                if capped
                else self.env._(
                    "Weighted sum (its percentile among the company's contacts is the Social "
                    "Score, %(score)s)",
                    score=n(round_half_up(row.score)),
                ),
            },
        )

    @api.model
    def _social_score_absolute(self, row):
        """What the followers of the history ``row`` give on the absolute scale its company
        used (see :func:`..scoring.absolute_scores`), or None when its score was a plain
        percentile (enough scored contacts, or a row of before that scale)."""
        settings = row.settings or {}
        anchors = settings.get("absolute_anchors")
        if not anchors or row.population >= (settings.get("min_population") or 0):
            return None
        return float(absolute_scores([row.followers or 0.0], [tuple(a) for a in anchors])[0])

    def _social_score_explain_notes(self, row):
        """[(css class, sentence)] said before the parts: a provisional score (and what the
        network sent), a tier reached by a follower floor rather than by the score."""
        self.ensure_one()
        n = self._social_score_number
        notes = []
        if row.is_provisional:
            # sudo: the note counts the identities' numbers, not shown to non-Social CRM users
            identities = self.sudo().social_identity_ids.filtered(
                lambda identity: identity.company_id == row.company_id
            )
            signals = []
            listed = sum(identities.mapped("listed_count"))
            if listed:
                signals.append(
                    self.env._("listed once") if listed == 1
                    else self.env._("listed %(count)s times", count=n(listed))
                )
            if any(identities.mapped("verified")):
                signals.append(self.env._("verified account"))
            sentence = self.env._(
                "Provisional score, computed when the first post arrived from what the network "
                "sent with it, against the other contacts' last computed scores; the next "
                "computation replaces it."
            )
            if signals:
                sentence += " " + self.env._(
                    "The network also says: %(signals)s.", signals=", ".join(signals)
                )
            notes.append(("alert alert-info py-1 o_social_score_provisional", sentence))
        absolute = self._social_score_absolute(row)
        if absolute is not None:
            scale = ", ".join(
                self.env._(
                    "%(followers)s followers: %(score)s",
                    followers=n(followers),
                    score=n(round_half_up(score)),
                )
                for followers, score in row.settings["absolute_anchors"]
            )
            values = {
                "company": row.company_id.name,
                "population": n(row.population),
                "minimum": n(row.settings["min_population"]),
                "scale": scale,
                "absolute": n(round_half_up(absolute)),
                "followers": n(row.followers),
            }
            if row.population == 1:
                sentence = self.env._(
                    "Few contacts to compare with: %(company)s has 1 scored contact, fewer "
                    "than %(minimum)s. Alone, a contact ranks at 100 %%, so a score is at most "
                    "what the followers give on a fixed scale (%(scale)s): here %(absolute)s "
                    "for %(followers)s followers.",
                    **values,
                )
            else:
                sentence = self.env._(
                    "Few contacts to compare with: %(company)s has %(population)s scored "
                    "contacts, fewer than %(minimum)s. Among so few the top contact ranks at "
                    "100 %%, so a score is at most what the followers give on a fixed scale "
                    "(%(scale)s): here %(absolute)s for %(followers)s followers.",
                    **values,
                )
            notes.append(("alert alert-warning py-1 o_social_score_absolute", sentence))
        tiers = (row.settings or {}).get("tiers") or {}
        min_score, min_followers = (tiers.get(row.tier) or [0, 0])[:2]
        if min_followers and row.score < min_score and row.followers >= min_followers:
            labels = dict(self._fields["social_score_tier"]._description_selection(self.env))
            notes.append(
                (
                    "fw-bold o_social_score_floor",
                    self.env._(
                        "%(tier)s by followers: %(followers)s followers reach the floor of "
                        "%(floor)s set in the Social CRM settings, whatever the score.",
                        tier=labels.get(row.tier, row.tier),
                        followers=n(row.followers),
                        floor=n(min_followers),
                    ),
                )
            )
        return notes

    # --- exclusion (objection to profiling) --------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        if vals.get("social_score_excluded"):
            self._social_score_clear(delete_history=True)
        elif "active" in vals:
            # archived: no longer scored (nor its leads flagged) at once, not the next night;
            # unarchived: scored at once, as on arrival of a post
            # sudo: the product's scores, whoever archives the contact
            if vals["active"]:
                self.env["res.partner"].sudo()._social_score_provisional_partners(self)
            else:
                self.sudo()._social_score_clear()
        return result

    def _social_score_clear(self, delete_history=False):
        """Forget the scores of these contacts (and their history on objection): their
        current row, if any, is no longer current (or deleted with the rest)."""
        # sudo: rows are written by the product only (users read them)
        history = self.env["social.crm.score.history"].sudo()
        if delete_history:
            history.search([("partner_id", "in", self.ids)]).unlink()
            return
        history.flush_model(["partner_id", "is_current"])
        rows = self.env.execute_query(
            SQL(
                """UPDATE social_crm_score_history SET is_current = FALSE
                    WHERE is_current AND partner_id = ANY(%s)
                RETURNING partner_id""",
                self.ids,
            )
        )
        if rows:
            history.invalidate_model(["is_current"])
            self._social_score_invalidate()
            self._social_score_changed([row[0] for row in rows])

    # --- actions ---------------------------------------------------------------------------
    def action_social_score_recompute(self):
        """Recompute the score of these contacts now (among their company's contacts)."""
        if not self.env.user.has_group(USER):
            raise AccessError(self.env._("Only Social CRM users can recompute Social Scores."))
        self.check_access("read")
        excluded = self.filtered("social_score_excluded")
        if excluded and excluded == self:
            raise UserError(
                self.env._(
                    "%(name)s is excluded from social scoring (objection to profiling).",
                    name=excluded[0].display_name,
                )
            )
        # sudo: the run reads the whole company's contacts (percentiles) and writes history rows
        (self - excluded).sudo()._social_score_recompute(only=self - excluded)
        return True

    def action_view_social_score_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm_scoring.social_crm_score_history_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        # a day without a score is left out, never drawn as 0 (the graph's default fill)
        action["context"] = {"search_default_groupby_date": 0, "fill_temporal": False}
        action["display_name"] = self.env._("Social Score of %(name)s", name=self.name)
        return action

    # --- tiers (hook of the base social_crm) ------------------------------------------------
    @api.model
    def _social_author_tier(self, partner, company, followers=0):
        """The author's tier by its contact's current Social Score for ``company``; an author
        without a contact, or whose contact is not scored for that company (a shared contact
        scored for another company, whose figures this company never reads), gets the tier
        the company's follower floors give to its reach there (its identities in that
        company). A contact that objected to profiling has none."""
        if partner:
            # sudo: which company the current row belongs to, whoever asks (compared only)
            scored = partner.sudo()
            if scored.social_score_company_id == company:
                return scored.social_score_tier or False, bool(scored.is_social_influencer)
            if scored.social_score_excluded:
                return False, False
            # the identities of the batch's contacts are read together (prefetch)
            followers = sum(
                identity.followers_count
                for identity in scored.social_identity_ids
                if identity.company_id == company
            )
        if followers:
            floor = company._social_score_settings().floor_tier(followers)
            if floor:
                return floor.code, floor.is_influencer
        return False, False
