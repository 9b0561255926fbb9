# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import itertools

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..connectors.base import Author

# the letters ``matching.fold`` folds, for the same folding inside SQL (ß → s: prefixes only)
ACCENTS = "äöüßàáâãåèéêëìíîïòóôõøùúûýÿçñ"
FOLDED = "aousaaaaaeeeeiiiiooooouuuyycn"


class SocialCrmMatchSuggestion(models.Model):
    """A network author who may be an existing contact: a user confirms or rejects it."""

    _name = "social.crm.match.suggestion"
    _description = "Social Author Match Suggestion"
    _order = "state, confidence desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    network_id = fields.Many2one("social.crm.network", required=True, ondelete="cascade")
    source_id = fields.Many2one("social.crm.source", ondelete="set null", check_company=True)
    author_external_id = fields.Char(string="Author ID on Network", required=True, index=True)
    author_handle = fields.Char()
    author_name = fields.Char()
    author_data = fields.Json(help="The author as the network described it.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Suggested Contact",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    confidence = fields.Float(digits=(3, 2), help="How alike the names are, 0 to 1.")
    reason = fields.Char()
    state = fields.Selection(
        [("pending", "To Review"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        index=True,
    )
    post_count = fields.Integer(compute="_compute_post_count")

    _author_partner_uniq = models.Constraint(
        "UNIQUE(company_id, network_id, author_external_id, partner_id)",
        "This match was already suggested.",
    )

    def write(self, vals):
        """Plain users review suggestions (confirm, reject); what was suggested, for which
        company and contact, is the product's (a forged author or contact would be linked on
        confirmation)."""
        if set(vals) - {"state"} and not (
            self.env.su or self.env.user.has_group("social_crm.group_social_crm_manager")
        ):
            raise AccessError(
                self.env._("Only a Social CRM manager can change what a match suggestion says.")
            )
        return super().write(vals)

    def _compute_post_count(self):
        counts = dict.fromkeys(self.ids, 0)
        if self.ids:
            groups = self.env["social.crm.post"]._read_group(
                [("author_external_id", "in", list(set(self.mapped("author_external_id"))))],
                ["company_id", "network_id", "author_external_id"],
                ["__count"],
            )
            by_author = {
                (company.id, network.id, author): count
                for company, network, author, count in groups
            }
            for suggestion in self:
                counts[suggestion.id] = by_author.get(
                    (
                        suggestion.company_id.id,
                        suggestion.network_id.id,
                        suggestion.author_external_id,
                    ),
                    0,
                )
        for suggestion in self:
            suggestion.post_count = counts.get(suggestion.id, 0)

    def _posts_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("network_id", "=", self.network_id.id),
            ("author_external_id", "=", self.author_external_id),
        ]

    @api.model
    def _ingest_suggest(self, unmatched, networks, company, source, matching):
        """Suggest contacts with a similar name for authors nobody knows (two queries).

        :return: set of author keys that got a suggestion (those are kept without contact
                 until a user decides)
        """
        tokens = {}
        for key, author in unmatched.items():
            words = matching.name_tokens(author.display_name)
            if len(words) >= 2:
                tokens[key] = words
        if not tokens:
            return set()
        # candidates share the first letters of two words with the author (as NameIndex
        # requires), compared on a lower-cased, accent-folded name
        patterns = set()
        for words in tokens.values():
            prefixes = sorted({word[:3] for word in words})[:3]
            if len(prefixes) == 1:
                patterns.add(f"%{prefixes[0]}%")
            for first, second in itertools.permutations(prefixes, 2):
                patterns.add(f"%{first}%{second}%")
        rows = self.env.execute_query(
            SQL(
                """SELECT id, name FROM res_partner
                    WHERE active AND NOT is_company
                      AND translate(lower(name), %s, %s) LIKE ANY(%s)
                      AND (company_id IS NULL OR company_id = %s)
                    LIMIT 20000""",
                ACCENTS,
                FOLDED,
                sorted(patterns),
                company.id,
            )
        )
        if not rows:
            return set()
        index = matching.NameIndex(rows)
        existing = {
            (s.network_id.id, s.author_external_id, s.partner_id.id)
            for s in self.search(
                [
                    ("company_id", "=", company.id),
                    ("author_external_id", "in", [ext for _code, ext in tokens]),
                ]
            )
        }
        vals_list, suggested = [], set()
        for key in tokens:
            author = unmatched[key]
            for partner_id, confidence in index.best(author.display_name, threshold=0.85):
                suggested.add(key)
                if (networks[key[0]].id, key[1], partner_id) in existing:
                    continue
                vals_list.append(
                    {
                        "company_id": company.id,
                        "network_id": networks[key[0]].id,
                        "source_id": source.id if source else False,
                        "author_external_id": key[1],
                        "author_handle": author.handle or False,
                        "author_name": author.display_name or False,
                        "author_data": {
                            "network": author.network,
                            "external_id": str(author.external_id),
                            "handle": author.handle,
                            "display_name": author.display_name,
                            "profile_url": author.profile_url,
                            "bio": author.bio,
                            "followers_count": author.followers_count,
                            "following_count": author.following_count,
                            "posts_count": author.posts_count,
                            "listed_count": author.listed_count,
                            "verified": author.verified,
                        },
                        "partner_id": partner_id,
                        "confidence": confidence,
                        "reason": self.env._("Similar name"),
                    }
                )
        if vals_list:
            self.create(vals_list)
        return suggested

    def action_confirm(self):
        """Link the author to the suggested contact: identity created, posts attached."""
        identity_model = self.env["social.crm.identity"]
        networks = self.env["social.crm.network"]._by_code()
        for suggestion in self:
            if suggestion.state != "pending":
                raise UserError(self.env._("This suggestion was already decided."))
            data = dict(suggestion.author_data or {})
            data.setdefault("network", suggestion.network_id.code)
            data.setdefault("external_id", suggestion.author_external_id)
            author = Author(**{k: v for k, v in data.items() if k in Author.__dataclass_fields__})
            identity = identity_model.search(
                [
                    ("company_id", "=", suggestion.company_id.id),
                    ("network_id", "=", suggestion.network_id.id),
                    ("external_id", "=", suggestion.author_external_id),
                ],
                limit=1,
            )
            if not identity:
                identity = identity_model.create(
                    identity_model._ingest_identity_vals(
                        author,
                        networks,
                        suggestion.company_id,
                        suggestion.partner_id.id,
                        fields.Datetime.now(),
                    )
                )
            self.env["social.crm.post"].search(
                suggestion._posts_domain() + [("identity_id", "=", False)]
            ).write({"identity_id": identity.id})
            siblings = self.search(
                [
                    ("company_id", "=", suggestion.company_id.id),
                    ("network_id", "=", suggestion.network_id.id),
                    ("author_external_id", "=", suggestion.author_external_id),
                    ("id", "!=", suggestion.id),
                    ("state", "=", "pending"),
                ]
            )
            siblings.write({"state": "rejected"})
            suggestion.state = "confirmed"
        return True

    def action_reject(self):
        for suggestion in self:
            if suggestion.state != "pending":
                raise UserError(self.env._("This suggestion was already decided."))
        self.write({"state": "rejected"})
        return True

    def action_view_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("social_crm.social_crm_post_action")
        action["domain"] = self._posts_domain()
        return action
