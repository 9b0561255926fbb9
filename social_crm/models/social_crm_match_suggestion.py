# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..connectors.base import Author
from ..services import ingest


class SocialCrmMatchSuggestion(models.Model):
    """A network author who may be an existing contact: a user confirms or rejects it."""

    _name = "social.crm.match.suggestion"
    _inherit = ["social.crm.ingest.mixin"]
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
    # a code, shown in the reader's language (a text would keep the language of whoever
    # ingested the post: English from the cron for a German reviewer)
    reason = fields.Selection(
        [
            (ingest.SIMILAR_NAME, "Similar name"),
            (ingest.EMAIL_IN_BIO, "E-mail address in the bio"),
        ],
        help="Why this contact is suggested: a name like the author's, or the contact's e-mail "
        "address in the author's bio.",
    )
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
    def _ingest_create(self, suggestions, company, source=None):
        """Create the suggestions of an ingestion plan (one query).

        :param suggestions: :class:`services.ingest.Suggestion` objects
        """
        networks = self.env["social.crm.network"]._by_code()
        vals_list = []
        for suggestion in suggestions:
            author = suggestion.author
            vals_list.append(
                {
                    "company_id": company.id,
                    "network_id": networks[author.network].id,
                    "source_id": source.id if source else False,
                    "author_external_id": author.external_id,
                    "author_handle": author.handle or False,
                    "author_name": author.display_name or False,
                    "author_data": {
                        field.name: getattr(author, field.name)
                        for field in dataclasses.fields(Author)
                    },
                    "partner_id": suggestion.partner_id,
                    "confidence": suggestion.confidence,
                    "reason": suggestion.reason,
                }
            )
        return self._ingest_upsert(vals_list=vals_list)

    def action_confirm(self):
        """Link the author to the suggested contact: identity created (or an identity without
        contact linked), posts attached, and what followed them (``_after_confirm``: tickets
        of the helpdesk addon); the contact's chatter says so, a toast confirms."""
        identity_model = self.env["social.crm.identity"]
        networks = self.env["social.crm.network"]._by_code()
        messages = []
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
            if identity and not identity.partner_id:
                identity.partner_id = suggestion.partner_id
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
            Post = self.env["social.crm.post"]
            Post.search(
                suggestion._posts_domain() + [("identity_id", "=", False)]
            ).write({"identity_id": identity.id})
            posts = Post.search(suggestion._posts_domain() + [("identity_id", "=", identity.id)])
            moved = suggestion._after_confirm(identity, posts)
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
            author = suggestion.author_handle and f"@{suggestion.author_handle}" or (
                suggestion.author_name or suggestion.author_external_id
            )
            sentences = [
                self.env._(
                    "%(user)s confirmed that %(author)s on %(network)s is this contact. "
                    "Posts moved here: %(posts)s.",
                    user=self.env.user.name,
                    author=author,
                    network=suggestion.network_id.name,
                    posts=len(posts),
                ),
                *moved,
            ]
            # sudo: the note is the product's record of the decision; the user may not write the
            # contact
            suggestion.partner_id.sudo().message_post(
                body=Markup("<p>%s</p>") % " ".join(sentences),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
            messages.append(
                self.env._(
                    "%(author)s is now linked to %(contact)s.",
                    author=author,
                    contact=suggestion.partner_id.display_name,
                )
                + " " + " ".join(sentences[1:] or [
                    self.env._("Posts moved to the contact: %(posts)s.", posts=len(posts))
                ])
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Match confirmed"),
                "message": " ".join(messages),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _after_confirm(self, identity, posts):
        """Hook: the author of this confirmed suggestion is now ``identity`` (linked to the
        suggested contact) and ``posts`` are theirs. Other addons move what belongs to the
        author (tickets...) and return sentences for the contact's chatter and the toast."""
        self.ensure_one()
        return []

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
