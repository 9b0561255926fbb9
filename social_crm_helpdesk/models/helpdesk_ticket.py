# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.social_crm_scoring.models.social_crm_score_history import TIERS
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_datetime

from .helpdesk_ticket_guard import product_env

_logger = logging.getLogger(__name__)

#: ticket priority by the author's Social Score tier
TIER_PRIORITY = {"top_influencer": "3", "multiplier": "2", "regular": "1"}
DEADLINE_STATES = [
    ("pending", "Waiting for a first answer"),
    ("overdue", "Overdue"),
    ("met", "Answered in time"),
    ("late", "Answered late"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_post_id = fields.Many2one(
        "social.crm.post",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The post this ticket was opened from.",
    )
    social_post_ids = fields.One2many(
        "social.crm.post", "ticket_id", string="Social Posts", readonly=True
    )
    social_post_count = fields.Integer(string="Posts", compute="_compute_social_post_count")
    social_network_id = fields.Many2one(
        "social.crm.network", string="Network", readonly=True, copy=False, index="btree_not_null"
    )
    social_network_code = fields.Char(related="social_network_id.code")
    social_conversation_key = fields.Char(
        string="Conversation", readonly=True, copy=False,
        help="The network's conversation id: later posts of it are added to this ticket.",
    )
    social_identity_id = fields.Many2one(
        "social.crm.identity", readonly=True, copy=False
    )
    social_tier = fields.Selection(
        TIERS, readonly=True, copy=False,
        help="The author's Social Score tier when the ticket was opened.",
    )
    social_is_influencer = fields.Boolean(string="Influencer", readonly=True, copy=False)
    social_posted_at = fields.Datetime(string="Posted On", readonly=True, copy=False)
    social_detected_at = fields.Datetime(
        string="Detected On", readonly=True, copy=False,
        help="When the post was stored by the listening.",
    )
    social_ticket_at = fields.Datetime(string="Ticket Opened On", readonly=True, copy=False)
    social_response_deadline = fields.Datetime(
        string="Respond By", readonly=True, copy=False, index="btree_not_null"
    )
    social_first_reply_at = fields.Datetime(
        string="First Public Reply", readonly=True, copy=False
    )
    social_deadline_met = fields.Boolean(readonly=True, copy=False)
    social_deadline_state = fields.Selection(
        DEADLINE_STATES,
        string="Response Deadline",
        compute="_compute_social_deadline",
        search="_search_social_deadline_state",
    )
    social_deadline_label = fields.Char(
        string="Response", compute="_compute_social_deadline"
    )
    has_sensitive_data = fields.Boolean(
        string="Sensitive Data Removed", readonly=True, copy=False,
        help="Personal data (bank, card, phone numbers...) was removed from the posts.",
    )
    social_pii_kinds = fields.Char(string="Removed Data Kinds", readonly=True, copy=False)
    social_pii_summary = fields.Char(
        string="Removed Data", compute="_compute_social_pii_summary"
    )
    social_rating = fields.Selection(
        [("positive", "Satisfied"), ("neutral", "Neutral"), ("negative", "Dissatisfied")],
        string="Customer Rating",
        tracking=True,
        copy=False,
        help="How the customer rated the handling of the complaint (helpdesk_mgmt has no "
        "rating of its own): the share of closed social tickets rated satisfied is a KPI.",
    )
    social_reply_ids = fields.One2many("social.crm.reply", "ticket_id", string="Replies")
    social_handoff_ids = fields.One2many(
        "social.crm.ticket.handoff", "ticket_id", string="Hand-offs"
    )
    social_can_reply = fields.Boolean(compute="_compute_social_can")
    social_can_hide = fields.Boolean(compute="_compute_social_can")
    social_hidden = fields.Boolean(
        related="social_post_id.social_hidden", string="Hidden on the Network"
    )
    social_url = fields.Char(related="social_post_id.url", string="Post URL")

    _social_conversation_uniq = models.UniqueIndex(
        "(company_id, social_network_id, social_conversation_key) "
        "WHERE social_conversation_key IS NOT NULL",
        "A conversation on a network has one ticket.",
    )

    # --- computes --------------------------------------------------------------------------
    def _compute_social_post_count(self):
        groups = self.env["social.crm.post"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
        )
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.social_post_count = counts.get(ticket.id, 0)

    def _social_time(self, value):
        """A deadline as the user reads it: the time today, else date and time."""
        local = fields.Datetime.context_timestamp(self, value)
        today = fields.Datetime.context_timestamp(self, fields.Datetime.now()).date()
        if local.date() == today:
            return format_datetime(self.env, value, dt_format="HH:mm")
        return format_datetime(self.env, value, dt_format="short")

    @api.depends(
        "social_response_deadline", "social_first_reply_at", "social_is_influencer", "closed"
    )
    @api.depends_context("tz", "lang")
    def _compute_social_deadline(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.social_response_deadline
            if not deadline:
                ticket.social_deadline_state = False
                ticket.social_deadline_label = False
                continue
            who = self.env._("Influencer") if ticket.social_is_influencer else False
            replied = ticket.social_first_reply_at
            if replied:
                state = "met" if replied <= deadline else "late"
                minutes = max(int((replied - (ticket.social_posted_at or replied))
                                  .total_seconds() // 60), 0)
                text = self.env._("answered in %(minutes)s min", minutes=minutes)
            elif deadline < now:
                state = "overdue"
                text = self.env._("overdue since %(time)s", time=ticket._social_time(deadline))
            else:
                state = "pending"
                text = self.env._("respond by %(time)s", time=ticket._social_time(deadline))
            ticket.social_deadline_state = state
            ticket.social_deadline_label = f"{who} · {text}" if who else text[:1].upper() + text[1:]

    def _search_social_deadline_state(self, operator, value):
        if operator not in ("in", "="):
            return NotImplemented
        values = [value] if isinstance(value, str) else list(value)
        now = fields.Datetime.now()
        parts = {
            "pending": Domain("social_first_reply_at", "=", False)
            & Domain("social_response_deadline", ">=", now),
            "overdue": Domain("social_first_reply_at", "=", False)
            & Domain("social_response_deadline", "<", now),
            "met": Domain("social_first_reply_at", "!=", False)
            & Domain("social_deadline_met", "=", True),
            "late": Domain("social_first_reply_at", "!=", False)
            & Domain("social_deadline_met", "=", False),
        }
        return Domain.OR(parts[v] for v in values if v in parts) if values else Domain.FALSE

    @api.depends("social_pii_kinds")
    @api.depends_context("lang")
    def _compute_social_pii_summary(self):
        labels = self.env["social.crm.post"]._social_pii_kind_labels()
        for ticket in self:
            kinds = [k for k in (ticket.social_pii_kinds or "").split(",") if k]
            ticket.social_pii_summary = ", ".join(labels.get(k, k) for k in kinds) or False

    @api.depends("social_network_id", "social_post_id")
    def _compute_social_can(self):
        from odoo.addons.social_crm import connectors

        for ticket in self:
            code = ticket.social_network_id.code
            ticket.social_can_reply = bool(code and connectors.can_reply(code))
            ticket.social_can_hide = bool(
                code and connectors.can_hide(code) and ticket.social_post_id
            )

    # --- creation from posts ---------------------------------------------------------------
    @api.model
    def _social_ticket_vals(self, post, team, now):
        partner = post.partner_id
        influencer = bool(partner.is_social_influencer)
        tier = partner.social_score_tier or False
        posted = post.posted_at or now
        minutes = post.company_id._social_response_minutes(influencer)
        author = (
            post.author_name
            or (post.author_handle and f"@{post.author_handle}")
            or self.env._("Unknown author")
        )
        preview = " ".join((post.text or "").split())
        if len(preview) > 70:
            preview = preview[:69] + "…"
        description = Markup("<p>%s</p>") % (post.text or "")
        meta = [
            self.env._("%(network)s, %(author)s", network=post.network_id.name, author=author)
        ]
        if post.complaint_label:
            meta.append(
                self.env._(
                    "detected as complaint with %(percent)s %% probability",
                    percent=round((post.complaint_p or 0.0) * 100),
                )
            )
        description += Markup("<p class='text-muted'>%s</p>") % " · ".join(meta)
        if post.url:
            description += Markup("<p><a href='%s' target='_blank' rel='noopener'>%s</a></p>") % (
                post.url,
                self.env._("Open the post on the network"),
            )
        channel = self.env.ref(
            "social_crm_helpdesk.helpdesk_ticket_channel_social", raise_if_not_found=False
        )
        return {
            "name": f"{author}: {preview}" if preview else author,
            "description": description,
            "partner_id": partner.id or False,
            "partner_name": partner.name or author,
            "partner_email": partner.email or False,
            "team_id": team.id or False,
            "company_id": (team.company_id or post.company_id).id,
            "channel_id": channel.id if channel else False,
            "priority": TIER_PRIORITY.get(tier, "1"),
            "social_post_id": post.id,
            "social_network_id": post.network_id.id,
            "social_conversation_key": post._social_conversation_key(),
            "social_identity_id": post.identity_id.id or False,
            "social_tier": tier,
            "social_is_influencer": influencer,
            "social_posted_at": posted,
            "social_detected_at": post.create_date or now,
            "social_ticket_at": now,
            "social_response_deadline": posted + dt.timedelta(minutes=minutes),
            "has_sensitive_data": post.has_sensitive_data,
            "social_pii_kinds": post.pii_kinds or False,
        }

    @api.model
    def _social_create_from_posts(self, items):
        """Open one ticket per ``(post, team)`` of ``items`` (one post per conversation).

        Links the posts, tells the agents which kinds of personal data were removed (without
        the values). Returns the tickets in the order of ``items``.
        """
        if not items:
            return self.browse()
        now = fields.Datetime.now()
        tickets = product_env(self).create(
            [self._social_ticket_vals(post, team, now) for post, team in items]
        ).with_env(self.env)
        for ticket, (post, _team) in zip(tickets, items, strict=True):
            post.sudo().write({"ticket_id": ticket.id, "state": "ticket"})
        flagged = tickets.filtered("has_sensitive_data")
        if flagged:
            flagged._social_log_pii({t.id: t.social_pii_kinds for t in flagged})
        return tickets

    def _social_log_pii(self, kinds_by_ticket):
        """A note per ticket naming the kinds of removed data, never the values."""
        labels = self.env["social.crm.post"]._social_pii_kind_labels()
        bodies = {}
        for ticket_id, kinds in kinds_by_ticket.items():
            names = ", ".join(labels.get(k, k) for k in (kinds or "").split(",") if k)
            bodies[ticket_id] = Markup("<p>%s</p>") % self.env._(
                "Sensitive data removed from the customer's post: %(kinds)s. The values were "
                "not stored; check whether to hide the post on the network.",
                kinds=names,
            )
        self.browse(list(bodies))._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id, message_type="comment"
        )

    def _social_add_posts(self, posts):
        """Add later posts of the ticket's conversation to its chatter (plain text, escaped)."""
        self.ensure_one()
        posts = posts.sudo().sorted(lambda p: (p.posted_at, p.id))
        posts.write({"ticket_id": self.id, "state": "ticket"})
        new_kinds = set()
        for post in posts:
            author = post.author_name or (post.author_handle and f"@{post.author_handle}") or "?"
            body = Markup("<p>%s</p><p class='text-muted small'>%s") % (
                post.text or "",
                self.env._("%(network)s, %(author)s", network=post.network_id.name, author=author),
            )
            if post.url:
                body += Markup(" · <a href='%s' target='_blank' rel='noopener'>%s</a>") % (
                    post.url,
                    self.env._("on the network"),
                )
            body += Markup("</p>")
            self.sudo().message_post(
                body=body,
                author_id=post.partner_id.id or self.env.ref("base.partner_root").id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            if post.has_sensitive_data:
                new_kinds.update(k for k in (post.pii_kinds or "").split(",") if k)
        if new_kinds:
            kinds = sorted(new_kinds | set((self.social_pii_kinds or "").split(",")) - {""})
            self.sudo().write({"has_sensitive_data": True, "social_pii_kinds": ",".join(kinds)})
            self._social_log_pii({self.id: ",".join(sorted(new_kinds))})
        return True

    # --- hand-offs ---------------------------------------------------------------------------
    def write(self, vals):
        handoffs = []
        if "team_id" in vals:
            new_team = vals.get("team_id") or False
            for ticket in self:
                if ticket.social_network_id and ticket.team_id and ticket.team_id.id != new_team:
                    handoffs.append((ticket, ticket.team_id.id, new_team))
        result = super().write(vals)
        if handoffs:
            now = fields.Datetime.now()
            self.env["social.crm.ticket.handoff"].sudo().create(
                [
                    {
                        "ticket_id": ticket.id,
                        "company_id": ticket.company_id.id,
                        "from_team_id": from_team,
                        "to_team_id": to_team,
                        "date": now,
                        "user_id": self.env.uid,
                    }
                    for ticket, from_team, to_team in handoffs
                ]
            )
        return result

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if message.message_type == "comment" and self.filtered("social_network_id"):
            users = message.author_id.user_ids.filtered(lambda u: not u.share)
            if users:
                self._social_answered(users[0], message.date or fields.Datetime.now())
        return result

    def _social_answered(self, user, when):
        """Close the open hand-offs of these tickets answered by ``user`` (a member of the
        receiving team, or anyone when that team has no members)."""
        open_handoffs = self.env["social.crm.ticket.handoff"].sudo().search(
            [("ticket_id", "in", self.ids), ("answer_date", "=", False), ("date", "<=", when)]
        )
        answered = open_handoffs.filtered(
            lambda h: not h.to_team_id.user_ids or user in h.to_team_id.user_ids
        )
        if answered:
            answered.write({"answer_date": when, "answer_user_id": user.id})

    # --- actions ---------------------------------------------------------------------------
    def action_social_reply(self):
        self.ensure_one()
        if not self.social_post_id:
            raise UserError(self.env._("This ticket was not opened from a social post."))
        wizard = self.env["social.crm.reply.wizard"].create({"ticket_id": self.id})
        return wizard._action_reopen()

    def action_social_hide(self):
        self.ensure_one()
        self.check_access("write")
        self.env["social.crm.reply"]._social_check_can_reply(self, self.social_post_id)
        return self.social_post_id._social_hide(ticket=self)

    def action_view_social_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("social_crm.social_crm_post_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action
