# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.rendering_tools import parse_inline_template

PLACEHOLDERS = ("first_name", "handle", "ticket_ref", "agent_first_name", "rating_link")


class SocialCrmWording(models.Model):
    """An agreed public answer ("Wording"): per company and team, German or English, with
    placeholders ``{{ first_name }}``, ``{{ handle }}``, ``{{ ticket_ref }}`` and
    ``{{ agent_first_name }}``, and ``{{ rating_link }}`` (the link to Odoo's rating page, known
    only once the ticket is closed). It is rendered with Odoo's own template machinery
    (``mail.render.mixin._render_field``, engine ``inline_template``, the one of
    ``mail.template``); the placeholders are plain variables given to the renderer, and the
    text may hold no other expression (checked on save), so agents and social managers need no
    template-editor rights."""

    _name = "social.crm.wording"
    _description = "Social Reply Wording"
    _inherit = ["mail.render.mixin"]
    _order = "sequence, name, id"
    _unrestricted_rendering = True
    _rec_names_search = ["name", "body"]

    name = fields.Char(required=True, translate=False)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    body = fields.Text(
        string="Text",
        required=True,
        render_engine="inline_template",
        help="Placeholders: {{ first_name }}, {{ handle }}, {{ ticket_ref }}, "
        "{{ agent_first_name }}, {{ rating_link }} (closed tickets only).",
    )
    lang = fields.Selection(
        [("de", "German"), ("en", "English")], string="Language", required=True, default="en"
    )
    category = fields.Selection(
        [
            ("apology", "Apology"),
            ("thanks", "Thanks"),
            ("question", "Answer to a Question"),
            ("private_channel", "Move to a Private Channel"),
            ("status", "Status Update"),
            ("closing", "Closing"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Empty: every team of the company may use it.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        help="Only approved wordings are offered to the agents; managers approve them.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True)

    _name_body_search = models.Index("(company_id, lang, state)")

    @api.depends()
    def _compute_render_model(self):
        self.render_model = "helpdesk.ticket"

    @api.constrains("body")
    def _check_placeholders(self):
        for wording in self:
            for _literal, expression, _default in parse_inline_template(wording.body or ""):
                if expression and expression not in PLACEHOLDERS:
                    raise ValidationError(
                        self.env._(
                            "Unknown placeholder {{ %(expression)s }} in wording "
                            "“%(name)s”. Use only: %(allowed)s.",
                            expression=expression,
                            name=wording.name,
                            allowed=", ".join("{{ %s }}" % p for p in PLACEHOLDERS),
                        )
                    )

    def _check_access_right_dynamic_template(self):
        # the body may hold only the plain variables of PLACEHOLDERS (see _check_placeholders),
        # nothing that needs the template-editor group
        return True

    def _is_manager(self):
        user = self.env.user
        return self.env.su or user.has_group("social_crm.group_social_crm_manager") or (
            user.has_group("helpdesk_mgmt.group_helpdesk_manager")
        )

    def write(self, vals):
        if ("body" in vals or "lang" in vals) and "state" not in vals:
            # a changed text must be approved again
            vals = dict(vals, state="draft", approved_by_id=False)
        return super().write(vals)

    def action_approve(self):
        if not self._is_manager():
            raise AccessError(self.env._("Only managers approve wordings."))
        self.check_access("write")
        # sudo: approval fields are written by the product after the manager check above
        self.sudo().write({"state": "approved", "approved_by_id": self.env.uid})
        return True

    def action_reset_draft(self):
        self.check_access("write")
        self.write({"state": "draft", "approved_by_id": False})
        return True

    @api.model
    def _placeholder_values(self, ticket, post=None):
        """The placeholders' values for ``ticket`` (and the post answered); a value unknown
        stays as its placeholder, so the reply cannot go out before the agent fills it in."""
        # sudo: the customer's name and the ticket's fields, whatever the rules show the agent
        ticket = ticket.sudo()
        post = (post or ticket.social_post_id).sudo()  # sudo: see above
        if ticket:
            name = ticket.partner_id.name or ticket.partner_name
        else:
            name = post.identity_id.partner_id.name or post.author_name
        name = (name or "").strip()
        handle = (post.author_handle or "").strip().lstrip("@")
        agent = (self.env.user.name or "").strip()
        values = {
            "first_name": name.split()[0] if name else "",
            "handle": "@" + handle if handle else "",
            "ticket_ref": ticket.number if ticket.number and ticket.number != "/" else "",
            "agent_first_name": agent.split()[0] if agent else "",
            # the rating page of a closed ticket; open: stays a placeholder (cannot be sent)
            "rating_link": ticket._social_rating_link() if ticket else "",
        }
        return {key: value or "{{ %s }}" % key for key, value in values.items()}

    def _render_for(self, ticket, post=None):
        """The wording's text for ``ticket`` (or, without a ticket, for ``post``), placeholders
        replaced."""
        self.ensure_one()
        values = self._placeholder_values(ticket, post)
        if ticket:
            return self._render_field("body", ticket.ids, add_context=values)[ticket.id]
        # a post of the Social Inbox, no ticket: the same engine on the post
        return self._render_template(
            self.body, post._name, post.ids, engine="inline_template", add_context=values
        )[post.id]

