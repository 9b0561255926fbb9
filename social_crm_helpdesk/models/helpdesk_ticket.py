# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import logging
from collections import Counter

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.rating.models import rating_data
from odoo.addons.social_crm.models.social_crm_ingest_mixin import (
    race_expected,
    stored_concurrently,
)
from odoo.addons.social_crm.services.cleaning import line_safe
from odoo.addons.social_crm.services.tiers import TIERS, tier_priority
from odoo.exceptions import ConcurrencyError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, float_round
from odoo.tools.misc import formatLang

from ..dispatch import escalation_due
from .discuss_channel_member import ALERT_MEMBERS_KEY
from .helpdesk_ticket_guard import product_env
from .res_company import by_company_lang

_logger = logging.getLogger(__name__)

#: one ticket per conversation (``_social_conversation_uniq``): a violation is the ticket of
#: the same conversation opened by another transaction after this one began (two complaints
#: of one thread stored by two workers at once), never bad data
CONVERSATION_KEY = frozenset({"helpdesk_ticket_social_conversation_uniq"})

#: removed data kinds found by a checksum (IBAN mod 97, card Luhn): top priority and an alert
URGENT_PII_KINDS = {"iban", "card"}
#: tickets escalated per batch of the escalation cron (committed per batch)
ESCALATION_BATCH = 100
#: tickets of one team escalated at once that get a message each in the team's channel (and a
#: notification each to the leader); more make one message that counts them (a pile-on)
ESCALATION_ALERTS = 5
ESCALATION_STEPS = [("half", "Half the time gone"), ("missed", "Deadline missed")]


def _urgent_pii(kinds):
    return bool(URGENT_PII_KINDS & set((kinds or "").split(",")))
DEADLINE_STATES = [
    ("pending", "Waiting for a first answer"),
    ("overdue", "Overdue"),
    ("met", "Answered in time"),
    ("late", "Answered late"),
]


# the social fields say how the company profiles the customer (tier, influencer, deadline,
# detection): internal users only, never portal customers (RPC included)
INTERNAL = "base.group_user"


def social_notify_by_lang(record, users, texts):
    """A sticky web client notification (bus) about ``record`` (one, with a ``company_id``)
    for each of ``users`` (active internal ones), in their language (else the company's):
    ``texts(record)`` gives (title, message) with ``record`` in a recipient's language; one
    call and one bus send per language, not per user."""
    users = users.filtered(lambda u: u.active and not u.share)
    if not users:
        return
    company_lang = record.company_id._social_lang()
    # sudo: the recipients' language, whoever runs the job
    by_lang = users.sudo().grouped(lambda u: u.lang or company_lang)
    for lang, group in by_lang.items():
        title, message = texts(record.with_context(lang=lang))
        group.with_env(users.env)._bus_send(
            "simple_notification",
            {"title": title, "message": message, "sticky": True, "type": "warning"},
        )


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_post_id = fields.Many2one(
        "social.crm.post",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The post this ticket was opened from.",
        groups=INTERNAL,
    )
    social_post_ids = fields.One2many(
        "social.crm.post", "ticket_id", string="Social Posts", readonly=True,
        groups=INTERNAL,
    )
    social_post_count = fields.Integer(
        string="Posts", compute="_compute_social_post_count", groups=INTERNAL
    )
    social_network_id = fields.Many2one(
        "social.crm.network", string="Network", readonly=True, copy=False, index="btree_not_null",
        groups=INTERNAL,
    )
    social_network_code = fields.Char(related="social_network_id.code", groups=INTERNAL)
    social_conversation_key = fields.Char(
        string="Conversation", readonly=True, copy=False,
        help="The network's conversation id: later posts of it are added to this ticket.",
        groups=INTERNAL,
    )
    social_identity_id = fields.Many2one(
        "social.crm.identity", readonly=True, copy=False,
        groups=INTERNAL,
    )
    social_tier = fields.Selection(
        TIERS, readonly=True, copy=False,
        help="The author's Social Score tier when the ticket was opened.",
        groups=INTERNAL,
    )
    social_is_influencer = fields.Boolean(
        string="Influencer", readonly=True, copy=False, groups=INTERNAL
    )
    social_author_followers = fields.Integer(
        string="Author's Followers",
        compute="_compute_social_author_followers",
        groups=INTERNAL,
        help="Followers of the author of the post that opened the ticket, as the network last "
        "reported them: the social identity's count, or the count sent with the post for an "
        "author without identity.",
    )
    social_posted_at = fields.Datetime(
        string="Posted On", readonly=True, copy=False, groups=INTERNAL
    )
    social_detected_at = fields.Datetime(
        string="Detected On", readonly=True, copy=False,
        help="When the post was stored by the listening.",
        groups=INTERNAL,
    )
    social_ticket_at = fields.Datetime(
        string="Ticket Opened On", readonly=True, copy=False, groups=INTERNAL
    )
    social_response_deadline = fields.Datetime(
        string="Respond By", readonly=True, copy=False, index="btree_not_null",
        groups=INTERNAL,
    )
    social_first_reply_at = fields.Datetime(
        string="First Public Reply", readonly=True, copy=False,
        groups=INTERNAL,
    )
    social_waiting_deadline = fields.Datetime(
        string="Deadline While Waiting",
        compute="_compute_social_waiting_deadline",
        store=True,
        index="btree_not_null",
        groups=INTERNAL,
        help="The response deadline of an open ticket still waiting for its first public "
        "reply (empty once answered or closed): within a priority, the social ticket list "
        "is sorted by it, the overdue first.",
    )
    social_queue_rank = fields.Integer(
        string="Queue Rank",
        compute="_compute_social_queue_rank",
        store=True,
        groups=INTERNAL,
        help="Where the ticket stands in the social ticket list: a ticket waiting for its "
        "first public reply ranks by its priority (1 to 4, the highest on top; an "
        "influencer's complaint and one with bank or card data have the highest), one "
        "answered or closed ranks 0. Within a rank the list is sorted by deadline, the "
        "overdue first.",
    )
    social_deadline_met = fields.Boolean(readonly=True, copy=False, groups=INTERNAL)
    # the current wait: the first complaint's (the fields above, the first-response KPIs),
    # or, once the customer complained again after an answer and the ticket was reopened,
    # the new complaint's (see helpdesk_ticket_followup.py). Computed from the first wait's
    # fields (so existing tickets get them when the addon is updated, no migration), then
    # written by the product when a reopened ticket waits again and when it is answered.
    # readonly=False is for the ORM, not for users: Odoo protects only non-readonly computed
    # fields from being recomputed while they are written (a write of the first wait's
    # fields and the current wait's together keeps the latter). Users never write them: the
    # form shows them read-only and helpdesk_ticket_guard.py refuses writes (RPC included).
    social_wait_since = fields.Datetime(
        string="Waiting Since",
        compute="_compute_social_wait",
        store=True,
        readonly=False,
        copy=False,
        groups=INTERNAL,
        help="When the customer's complaint that waits for an answer was posted: the first "
        "one, or the one that reopened the ticket after it was answered.",
    )
    social_wait_deadline = fields.Datetime(
        string="Current Deadline",
        compute="_compute_social_wait",
        store=True,
        readonly=False,
        copy=False,
        index="btree_not_null",
        groups=INTERNAL,
        help="The response deadline of the current wait: the first complaint's, or the new "
        "one of a complaint that reopened the ticket after it was answered (computed the "
        "same way, by the author's tier).",
    )
    social_wait_escalate_at = fields.Datetime(
        string="Current Half Time",
        compute="_compute_social_wait",
        store=True,
        readonly=False,
        copy=False,
        groups=INTERNAL,
        help="Half the time from the waiting complaint to the current deadline.",
    )
    social_wait_reply_at = fields.Datetime(
        string="Current Reply",
        compute="_compute_social_wait",
        store=True,
        readonly=False,
        copy=False,
        groups=INTERNAL,
        help="The public reply (or call) that ended the current wait; empty while waiting.",
    )
    social_wait_met = fields.Boolean(
        string="Current Reply in Time",
        compute="_compute_social_wait",
        store=True,
        readonly=False,
        copy=False,
        groups=INTERNAL,
    )
    social_reopen_count = fields.Integer(
        string="Waits Again",
        readonly=True,
        copy=False,
        default=0,
        groups=INTERNAL,
        help="How often the customer complained again after the ticket was answered (open "
        "or closed): each time the ticket waits again, with a new deadline and its own "
        "escalations. The first-response figures stay those of the first complaint.",
    )
    social_deadline_state = fields.Selection(
        DEADLINE_STATES,
        string="Response Deadline",
        compute="_compute_social_deadline",
        search="_search_social_deadline_state",
        groups=INTERNAL,
    )
    social_deadline_label = fields.Char(
        string="Response", compute="_compute_social_deadline",
        groups=INTERNAL,
    )
    has_sensitive_data = fields.Boolean(
        string="Sensitive Data Removed", readonly=True, copy=False,
        help="Personal data (bank, card, phone numbers...) was removed from the posts.",
        groups=INTERNAL,
    )
    social_pii_kinds = fields.Char(
        string="Removed Data Kinds", readonly=True, copy=False, groups=INTERNAL
    )
    social_pii_summary = fields.Char(
        string="Removed Data", compute="_compute_social_pii_summary",
        groups=INTERNAL,
    )
    social_reply_ids = fields.One2many(
        "social.crm.reply", "ticket_id", string="Replies", groups=INTERNAL
    )
    social_handoff_ids = fields.One2many(
        "social.crm.ticket.handoff", "ticket_id", string="Hand-offs",
        groups=INTERNAL,
    )
    social_can_reply = fields.Boolean(compute="_compute_social_can", groups=INTERNAL)
    social_can_hide = fields.Boolean(compute="_compute_social_can", groups=INTERNAL)
    social_hidden = fields.Boolean(
        related="social_post_id.social_hidden", string="Hidden on the Network",
        groups=INTERNAL,
    )
    social_url = fields.Char(related="social_post_id.url", string="Post URL", groups=INTERNAL)
    social_reach = fields.Integer(
        string="Reach",
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="Followers of the authors of the conversation's posts (each author counted "
        "once, as the networks last reported): replies by others raise it.",
    )
    social_escalate_at = fields.Datetime(
        string="Escalate At",
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="Half the time from the post to the response deadline.",
    )
    social_escalated_half_at = fields.Datetime(
        string="Escalated (Half Time)", readonly=True, copy=False, groups=INTERNAL
    )
    social_escalated_missed_at = fields.Datetime(
        string="Escalated (Deadline Missed)", readonly=True, copy=False, groups=INTERNAL
    )
    social_escalation = fields.Selection(
        ESCALATION_STEPS,
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="The latest escalation to the team leader: when half the time to the first "
        "response had passed without a public reply, then when the deadline was missed.",
    )
    social_alerted_at = fields.Datetime(
        string="Alert Sent",
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="When the team's alert channel was told about this ticket (complaint of a top "
        "influencer, or bank or card data in the post).",
    )
    social_owner = fields.Char(
        string="Owner",
        compute="_compute_social_owner",
        groups=INTERNAL,
        help="The assigned agent, or “Unassigned” when nobody was on duty.",
    )

    _social_conversation_uniq = models.UniqueIndex(
        "(company_id, social_network_id, social_conversation_key) "
        "WHERE social_conversation_key IS NOT NULL",
        "A conversation on a network has one ticket.",
    )

    # --- helpdesk_mgmt's defaults and computes, per batch instead of per ticket -------------
    @api.depends("team_id")
    def _compute_stage_id(self):
        """helpdesk_mgmt's, with the applicable stages read once per team of the batch (a
        write of the owner recomputes the stage of every ticket written)."""
        applicable = {}
        for ticket in self:
            team = ticket.team_id
            if team not in applicable:
                applicable[team] = team._get_applicable_stages()
            if ticket.stage_id not in applicable[team]:
                ticket.stage_id = applicable[team][:1]

    def _creation_subtype(self):
        """helpdesk_mgmt's subtype of the creation message, by its cached xml id
        (``env.ref`` asks the database whether it exists, once per ticket created)."""
        return self.env["mail.message.subtype"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("helpdesk_mgmt.hlp_tck_created")
        )

    @api.depends("rating_ids.rating")
    def _compute_percentage(self):
        """helpdesk_mgmt_rating's share of great ratings, with the ratings of the batch
        read at once (``rating_get_grades`` reads them ticket by ticket)."""
        stored = [ticket for ticket in self if ticket.id and isinstance(ticket.id, int)]
        if len(stored) != len(self) or len(self) < 2:
            return super()._compute_percentage()
        grades = {ticket.id: dict.fromkeys(("great", "okay", "bad"), 0) for ticket in self}
        rows = self.env["rating.rating"]._read_group(
            self._rating_domain() & Domain("rating", ">=", 1), ["res_id", "rating"], ["__count"]
        )
        for res_id, rating, count in rows:
            grade = rating_data._rating_to_grade(float_round(rating, precision_digits=1))
            grades[res_id][grade] += count
        for ticket in self:
            activity = grades[ticket.id]
            total = sum(activity.values())
            ticket.positive_rate_percentage = activity["great"] * 100 / total if total else -1

    # --- computes --------------------------------------------------------------------------
    def _compute_social_post_count(self):
        groups = self.env["social.crm.post"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
        )
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.social_post_count = counts.get(ticket.id, 0)

    @api.depends(
        "social_posted_at", "social_response_deadline", "social_escalate_at",
        "social_first_reply_at", "social_deadline_met",
    )
    def _compute_social_wait(self):
        """The current wait is the first complaint's until a reopening restarts it (which
        writes these fields; the first wait's fields never change once it is answered)."""
        for ticket in self:
            ticket.social_wait_since = ticket.social_posted_at
            ticket.social_wait_deadline = ticket.social_response_deadline
            ticket.social_wait_escalate_at = ticket.social_escalate_at
            ticket.social_wait_reply_at = ticket.social_first_reply_at
            ticket.social_wait_met = ticket.social_deadline_met

    @api.model
    def _social_wait_vals(self, since, minutes):
        """The values of a wait starting at ``since`` with ``minutes`` to answer."""
        deadline = since + dt.timedelta(minutes=minutes)
        return {
            "social_wait_since": since,
            "social_wait_deadline": deadline,
            "social_wait_escalate_at": since + dt.timedelta(minutes=minutes) / 2,
            "social_wait_reply_at": False,
            "social_wait_met": False,
        }

    @api.depends("social_wait_deadline", "social_wait_reply_at", "stage_id.closed")
    def _compute_social_waiting_deadline(self):
        for ticket in self:
            waiting = not ticket.social_wait_reply_at and not ticket.stage_id.closed
            ticket.social_waiting_deadline = waiting and ticket.social_wait_deadline

    @api.depends("social_waiting_deadline", "priority")
    def _compute_social_queue_rank(self):
        """Waiting tickets by priority above the answered ones: a top influencer's fresh
        complaint goes above a regular customer's that is overdue since yesterday (that one
        stays first among its peers, red, in the Response Overdue filter and escalated)."""
        for ticket in self:
            ticket.social_queue_rank = (
                1 + int(ticket.priority or 0) if ticket.social_waiting_deadline else 0
            )

    def _social_time(self, value):
        """A deadline as the user reads it, as the web client shows a datetime field in the
        user's language and time zone: ``Dec 3, 3:37 AM`` / ``3. Dez., 03:37``. Written by
        the product on its own (a scheduled job, the stream listener, a webhook: no time zone
        in the context), in the time zone of whom reads the ticket: its agent, else its
        team's leader, else its company (see ``res.lang._social_reader_tz``)."""
        lang = self.env["res.lang"]
        if not self.env.context.get("tz"):
            ticket = self[:1].sudo()  # sudo: the agent's and leader's time zone, whoever writes
            lang = lang.with_context(tz=lang._social_reader_tz(
                ticket.user_id or ticket.team_id.user_id, ticket.company_id))
        return lang._social_format_datetime(value)

    @api.depends(
        "social_wait_deadline", "social_wait_reply_at", "social_wait_since",
        "social_is_influencer", "closed",
    )
    @api.depends_context("tz", "lang")
    def _compute_social_deadline(self):
        """The state of the current wait (see ``social_wait_since``)."""
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.social_wait_deadline
            if not deadline:
                ticket.social_deadline_state = False
                ticket.social_deadline_label = False
                continue
            who = self.env._("Influencer") if ticket.social_is_influencer else False
            replied = ticket.social_wait_reply_at
            if replied:
                state = "met" if replied <= deadline else "late"
                minutes = max(int((replied - (ticket.social_wait_since or replied))
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
        parts = {  # of the current wait (see social_wait_since)
            "pending": Domain("social_wait_reply_at", "=", False)
            & Domain("social_wait_deadline", ">=", now),
            "overdue": Domain("social_wait_reply_at", "=", False)
            & Domain("social_wait_deadline", "<", now),
            "met": Domain("social_wait_reply_at", "!=", False)
            & Domain("social_wait_deadline", "!=", False)
            & Domain("social_wait_met", "=", True),
            "late": Domain("social_wait_reply_at", "!=", False)
            & Domain("social_wait_deadline", "!=", False)
            & Domain("social_wait_met", "=", False),
        }
        return Domain.OR(parts[v] for v in values if v in parts) if values else Domain.FALSE

    @api.depends("user_id")
    @api.depends_context("lang")
    def _compute_social_owner(self):
        for ticket in self:
            ticket.social_owner = ticket.user_id.name or self.env._("Unassigned")

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
        # no contact yet: the tier of what the network sent (followers), if anything ranks it
        followers = (self.env.context.get("social_unlinked_followers") or {}).get(post.id)
        if not followers and not post.identity_id:
            followers = post.author_followers_count
        tier, influencer = self.env["res.partner"]._social_author_tier(
            partner, post.company_id, followers or 0
        )
        posted = post.posted_at or now
        detected = post.create_date or now
        if self.env.context.get("social_crm_edit_route") and post.edited_at:
            # a complaint (or card number) that an edit made, seen days later by the re-check:
            # the customer waits since the edit, the product saw it now
            posted, detected = max(posted, post.edited_at), now
        urgent = post.has_sensitive_data and _urgent_pii(post.pii_kinds)
        minutes = post.company_id._social_response_minutes(influencer or urgent)
        # the id by its cached xml id: ``env.ref`` would ask the database for each post
        channel_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "social_crm_helpdesk.helpdesk_ticket_channel_social", raise_if_not_found=False
        )
        return {
            "name": self._social_ticket_title(post),
            "description": self._social_ticket_description(post),
            "partner_id": partner.id or False,
            "partner_name": partner.name or self._social_ticket_author(post),
            "partner_email": partner.email or False,
            "team_id": team.id or False,
            "company_id": (team.company_id or post.company_id).id,
            "channel_id": channel_id or False,
            "priority": self._social_priority(tier, post.pii_kinds),
            "social_post_id": post.id,
            "social_network_id": post.network_id.id,
            "social_conversation_key": post._social_conversation_key(),
            "social_identity_id": post.identity_id.id or False,
            "social_tier": tier,
            "social_is_influencer": influencer,
            "social_posted_at": posted,
            "social_detected_at": detected,
            "social_ticket_at": now,
            "social_response_deadline": posted + dt.timedelta(minutes=minutes),
            "social_escalate_at": posted + dt.timedelta(minutes=minutes) / 2,
            "has_sensitive_data": post.has_sensitive_data,
            "social_pii_kinds": post.pii_kinds or False,
        }

    @api.model
    def _social_ticket_author(self, post):
        return (
            post.author_name
            or (post.author_handle and f"@{post.author_handle}")
            or self.env._("Unknown author")
        )

    @api.model
    def _social_ticket_title(self, post, text=None):
        """The automatic title of a ticket opened by ``post``: its author and a preview of
        its text (``text``: of another version of the post, e.g. the one before an edit)."""
        # no bidi override of the name or the text turns the rest of the title
        author = line_safe(self._social_ticket_author(post))
        preview = " ".join(line_safe((post.text if text is None else text) or "").split())
        if len(preview) > 70:
            preview = preview[:69] + "…"
        return f"{author}: {preview}" if preview else author

    @api.model
    def _social_ticket_description(self, post):
        """The description of a ticket opened by ``post``: its text, network and author, a
        link to it (an edit of the post replaces its text block and the link, see
        ``social.crm.post._social_follow_edits``).

        The link reads its address, in no language: the description is written once, when
        the ticket opens, and read by agents and by the customer in the portal, each in their
        own language (the ticket form says "Open on the Network" in the reader's). Tickets
        opened before keep their link's words, in the language they were written in."""
        description = Markup("<p>%s</p>") % (post.text or "")
        meta = [
            self.env._("%(network)s, %(author)s", network=post.network_id.name,
                       author=self._social_ticket_author(post))
        ]
        # no detection figures here: the portal shows the description to the customer
        description += Markup("<p class='text-muted'>%s</p>") % " · ".join(meta)
        if post.url:
            description += Markup("<p><a href='%s' target='_blank' rel='noopener'>%s</a></p>") % (
                post.url, post.url,
            )
        return description

    @api.model
    def _social_priority(self, tier, pii_kinds=None):
        """Priority of a social ticket: by the author's tier; top with bank or card data."""
        if _urgent_pii(pii_kinds):
            return "3"
        return tier_priority(tier)

    @api.model
    def _social_create_from_posts(self, items, automatic=True):
        """Open one ticket per ``(post, team)`` of ``items`` (one post per conversation).

        Links the posts, tells the agents which kinds of personal data were removed (without
        the values), computes the reach. ``automatic`` (opened by the listening, not by an
        agent): assigned by the team's rule, never to the user running the job (OdooBot),
        and the team is alerted of complaints of top influencers and of bank or card data.
        Returns the tickets in the order of ``items``.
        """
        if not items:
            return self.browse()
        now = fields.Datetime.now()
        vals_list = [self._social_ticket_vals(post, team, now) for post, team in items]
        if automatic:
            for vals in vals_list:
                # helpdesk_mgmt's "auto assign" would give the ticket to the job's user
                vals["user_id"] = False
        self._social_batch_defaults(vals_list)
        creator = product_env(self)
        # mail.thread's create posts the creation message ticket by ticket (a dozen queries
        # each): the same messages, for the batch, by _social_log_creation
        log = not (self.env.context.get("tracking_disable")
                   or self.env.context.get("mail_create_nolog"))
        try:
            with race_expected(CONVERSATION_KEY):
                tickets = creator.with_context(mail_create_nolog=True).create(vals_list)
        except psycopg2.errors.UniqueViolation as error:
            if not stored_concurrently(error, CONVERSATION_KEY):
                raise
            # its snapshot cannot see that ticket: a new transaction finds it and adds the
            # posts to it (Odoo runs a request again; ingestion stores the posts again)
            raise ConcurrencyError(
                "a ticket of the same conversation was opened at the same time by another "
                "worker: the posts join it in a new transaction"
            ) from error
        # who the team's rule gives each ticket to, known before the first notes: they are
        # written in the language of whom reads the ticket (see _social_reader_lang); the
        # assignment itself comes after them, as before
        plan = tickets.with_env(self.env)._social_assign_plan() if automatic else ({}, {}, set())
        readers = {tid: owner for owner, ids in plan[0].items() for tid in ids}
        tickets = tickets.with_env(creator.env)
        if log:
            tickets._social_log_creation(readers)
        tickets = tickets.with_env(self.env)
        for ticket, (post, _team) in zip(tickets, items, strict=True):
            # sudo: a product-written link; the user opening the ticket may only read posts
            post.sudo().write({"ticket_id": ticket.id, "state": "ticket"})
        flagged = tickets.filtered("has_sensitive_data")
        if flagged:
            flagged._social_log_pii({t.id: t.social_pii_kinds for t in flagged}, readers)
        tickets._social_update_reach(opening=True)
        if automatic:
            off_duty = tickets._social_assign(plan)
            tickets.filtered(lambda t: t._social_needs_alert())._social_alert(off_duty)
        return tickets

    @api.model
    def _social_batch_defaults(self, vals_list):
        """Set in ``vals_list`` what helpdesk_mgmt's ``create`` computes ticket by ticket
        (one stage search and one sequence search and ``nextval`` per ticket), in a few
        queries for the batch, with the same result: the first applicable stage of each
        team, and the ticket numbers of each company's ``helpdesk.ticket.sequence``, drawn
        in the order of ``vals_list``. Values already given are kept."""
        Team = self.env["helpdesk.ticket.team"]
        stages = {}
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                team_id = vals["team_id"]
                if team_id not in stages:
                    stages[team_id] = Team.browse(team_id)._get_applicable_stages()[:1].id
                vals["stage_id"] = stages[team_id]
        sequences = {}  # company id -> its ticket sequence (companies may share one)
        todo = {}  # sequence -> the values to number, in the order of vals_list
        for vals in vals_list:
            company_id = vals.get("company_id")
            if vals.get("number", "/") != "/" or not company_id:
                continue
            if company_id not in sequences:
                sequences[company_id] = self._social_ticket_sequence(company_id)
            todo.setdefault(sequences[company_id], []).append(vals)
        for sequence, group in todo.items():
            for vals, number in zip(group, sequence._social_next_numbers(len(group)), strict=True):
                vals["number"] = number
        return vals_list

    def _social_log_creation(self, readers=None):
        """The creation message mail.thread's ``create`` posts on each of these tickets
        (helpdesk_mgmt's subtype, the user as author), in a few queries for the batch where
        ``message_post`` would notify nobody (no follower of the subtype yet), by
        ``message_post`` elsewhere (see ``_social_post_chatter``); in the language of whom
        reads the ticket (:meth:`_social_reader_lang`; ``readers``: {ticket id: the user it
        is being given to})."""
        if not self:
            return
        readers = readers or {}
        messages = {
            ticket.id: ticket.with_context(
                lang=ticket._social_reader_lang(readers.get(ticket.id))
            )._creation_message()
            for ticket in self
        }
        subtype = self._creation_subtype()
        if not subtype:  # as mail.thread: a logged note
            self._message_log_batch(bodies=messages)
            return
        author_id = self.env.user.partner_id.id
        self._social_post_chatter(
            [
                (ticket, author_id, Markup('<div summary="o_mail_notification"><p>%s</p></div>')
                 % messages[ticket.id])
                for ticket in self
            ],
            message_type="notification",
            subtype_id=subtype.id,
        )

    @api.model
    def _social_ticket_sequence(self, company_id):
        """The sequence helpdesk_mgmt's ``_prepare_ticket_number`` draws the numbers of
        ``company_id``'s tickets from (``ir.sequence.next_by_code`` in the company); an
        empty recordset when there is none (the tickets are numbered "/")."""
        Sequence = self.env["ir.sequence"].with_company(company_id)
        Sequence.browse().check_access("read")
        return Sequence.search(
            [("code", "=", "helpdesk.ticket.sequence"), ("company_id", "in", [company_id, False])],
            order="company_id",
        )[:1]

    @api.depends(
        "social_identity_id.followers_count", "social_post_id.author_followers_count"
    )
    def _compute_social_author_followers(self):
        # sudo: the figure every agent of the ticket sees; identities and posts are read in
        # one batch through the prefetch
        for ticket, sudo_ticket in zip(self, self.sudo(), strict=True):
            ticket.social_author_followers = max(
                sudo_ticket.social_identity_id.followers_count
                or sudo_ticket.social_post_id.author_followers_count
                or 0,
                0,
            )

    # --- reach, tiers, assignment, alerts, escalation ------------------------------------------
    def _social_update_reach(self, opening=False):
        """Reach = followers of the distinct authors of each ticket's posts (one query): an
        author's identity's count, or, for an author without identity (a match waiting for
        review, a source that creates no contacts), the count the network last reported
        with its posts (``author_followers_count``), each author once. The company's own
        accounts (its answers in the network's app) reach nobody new: left out.
        ``opening``: the tickets were just opened, by a customer's post (the company's never
        opens one): no look-up of the company's posts."""
        if not self:
            return
        # the company's own posts, as ``social.crm.post._social_company_posts`` tells them (its
        # accounts' and its listening sources' ids, its accounts' handles), in the same query
        own = SQL("FALSE") if opening else SQL(
            """EXISTS (SELECT 1 FROM social_crm_source AS s
                        WHERE s.company_id = p.company_id AND s.network_id = p.network_id
                          AND s.account_id = p.author_external_id)
               OR EXISTS (SELECT 1 FROM social_crm_account AS a
                           WHERE a.company_id = p.company_id AND a.network_id = p.network_id
                             AND (a.account_id = p.author_external_id
                                  OR LOWER(LTRIM(TRIM(a.handle), '@'))
                                     = LOWER(LTRIM(TRIM(p.author_handle), '@'))))""")
        self.env["social.crm.post"].flush_model(
            ["ticket_id", "identity_id", "network_id", "author_external_id",
             "author_followers_count", "posted_at", "company_id", "author_handle"]
        )
        self.env["social.crm.identity"].flush_model(["followers_count"])
        if not opening:
            for model in ("social.crm.source", "social.crm.account"):
                self.env[model].flush_model(["company_id", "network_id", "account_id"])
            self.env["social.crm.account"].flush_model(["handle"])
        rows = self.env.execute_query(
            SQL(
                """SELECT r.ticket_id, COALESCE(SUM(r.followers), 0)
                     FROM (SELECT d.ticket_id, GREATEST(i.followers_count, 0) AS followers
                             FROM (SELECT DISTINCT ticket_id, identity_id
                                     FROM social_crm_post AS p
                                    WHERE ticket_id = ANY(%(ids)s)
                                      AND NOT (%(own)s)
                                      AND identity_id IS NOT NULL) AS d
                             JOIN social_crm_identity AS i ON i.id = d.identity_id
                           UNION ALL
                           SELECT p.ticket_id,
                                  GREATEST((ARRAY_AGG(p.author_followers_count
                                                      ORDER BY p.posted_at DESC, p.id DESC)
                                            FILTER (WHERE p.author_followers_count > 0))[1], 0)
                             FROM social_crm_post AS p
                            WHERE p.ticket_id = ANY(%(ids)s) AND p.identity_id IS NULL
                              AND NOT (%(own)s)
                              AND p.author_external_id IS NOT NULL
                         GROUP BY p.ticket_id, p.network_id, p.author_external_id) AS r
                 GROUP BY r.ticket_id""",
                ids=self.ids,
                own=own,
            )
        )
        reach = dict(rows)
        # sudo: the reach is the product's figure, also on tickets of other agents
        for ticket in self.sudo():
            value = int(reach.get(ticket.id, 0))
            if ticket.social_reach != value:
                ticket.social_reach = value

    def _social_needs_alert(self):
        self.ensure_one()
        return not self.social_alerted_at and (
            self.social_tier == "top_influencer"
            or (self.has_sensitive_data and _urgent_pii(self.social_pii_kinds))
        )

    def _social_follow_tier(self):
        """Hook: these open social tickets follow their contact's Social Score tier
        (social_crm_helpdesk_scoring). Without the scoring addon every author is regular:
        nothing to follow. Returns the tickets changed."""
        return self.browse()

    def _social_reader_lang(self, user=None):
        """Language of the product's internal notes on this ticket (who it was assigned to,
        the customer's later posts, sensitive data removed): the team reads them, so the
        language of its agent (``user``: the one it is being given to), else of its team's
        leader, else of its company (:meth:`res.company._social_lang`). A message to the
        customer is written in the customer's language instead (helpdesk_mgmt's mail
        templates: ``lang`` is the partner's)."""
        self.ensure_one()
        # sudo: the agent's and leader's language, whoever ingests
        ticket = self.sudo()
        reader = user or ticket.user_id or ticket.team_id.user_id
        return reader.sudo().lang or ticket.company_id._social_lang()

    def _social_needs_owner(self):
        """Whether this ticket must have an owner even when nobody of its team is on duty: the
        tickets the team is alerted of (a top influencer's complaint, bank or card data in
        public). A regular complaint at night waits in the list for whoever is on duty next."""
        self.ensure_one()
        return self.social_tier == "top_influencer" or (
            self.has_sensitive_data and _urgent_pii(self.social_pii_kinds)
        )

    def _social_assign(self, plan=None, quiet=False):
        """Assign these unassigned tickets by their team's rule (see
        ``helpdesk.ticket.team.social_assign_mode``); a note says who and why, or why not.
        ``plan``: the :meth:`_social_assign_plan` of these tickets, made before (the notes
        written before the assignment know their reader). ``quiet``: no note on the tickets
        left unassigned (asked again: their first note still says why). Returns the ids of
        the tickets assigned although nobody was on duty (their alert says so)."""
        owners, bodies, off_duty = plan if plan is not None else self._social_assign_plan()
        if quiet:
            given = {tid for ids in owners.values() for tid in ids}
            bodies = {tid: body for tid, body in bodies.items() if tid in given}
        # sudo: the product assigns and notes tickets of the whole team
        tickets = self.sudo()
        for owner, ids in owners.items():
            tickets.browse(ids).write({"user_id": owner.id})
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id
            )
        return off_duty

    def _social_assign_plan(self, must_own=()):
        """(owners, notes, off duty) of :meth:`_social_assign` for these tickets, nothing
        written: ``{res.users: ticket ids}`` of the unassigned tickets the team's rule gives,
        ``{ticket id: note}`` saying who and why, or why not (in the owner's language), and
        the ids of the tickets given although nobody was on duty. Nobody on duty: a ticket
        that must have an owner (``_social_needs_owner``, or its id in ``must_own``) goes to
        a member not on leave, else to the leader (``Dispatcher.pick_off_duty``)."""
        # sudo: assignment by the team's rule reads members and tickets of the whole team
        tickets = self.sudo().filtered(lambda t: t.team_id and not t.user_id)
        off_duty = set()
        if not tickets:
            return {}, {}, off_duty
        # per company: the owner of a ticket of a team shared by companies must be allowed
        # in the ticket's company
        dispatchers = {
            (team, company): dispatcher
            for company in tickets.company_id
            for team, dispatcher in tickets.filtered(
                lambda t, c=company: t.company_id == c
            ).team_id._social_dispatchers(company).items()
        }
        fallback = {}  # (team, company) -> owner when every member of the team left
        bodies = {}
        owners = {}  # res.users -> ticket ids: written once per owner, not once per ticket
        for ticket in tickets.sorted(lambda t: (-int(t.priority or 0), t.id)):
            dispatcher = dispatchers[ticket.team_id, ticket.company_id]
            if not dispatcher.members:
                # every member left (archived): the leader, else a helpdesk manager owns it
                key = (ticket.team_id, ticket.company_id)
                if key not in fallback:
                    fallback[key] = ticket.team_id._social_fallback_owner(ticket.company_id)
                owner = fallback[key]
                if owner:
                    owners.setdefault(owner, []).append(ticket.id)
                    words = self.with_context(lang=ticket._social_reader_lang(owner)).env
                    bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                        "Assigned automatically to %(user)s: %(team)s has no active member.",
                        user=owner.name,
                        team=ticket.team_id.name,
                    )
                    continue
            if dispatcher.mode == "none":
                continue
            user_id = dispatcher.pick()
            if not user_id and (ticket.id in must_own or ticket._social_needs_owner()):
                user_id = dispatcher.pick_off_duty()
                if user_id:
                    off_duty.add(ticket.id)
                else:
                    # every member on leave and no leader who may take it (none, archived,
                    # on leave, not in the ticket's company): a helpdesk manager of the
                    # company not on leave, else the leader on leave, else a manager on leave
                    key = (ticket.team_id, ticket.company_id, "away")
                    if key not in fallback:
                        fallback[key] = ticket.team_id._social_fallback_owner(
                            ticket.company_id, away=dispatcher.away)
                    owner = fallback[key]
                    if owner and owner.id == dispatcher.leader:
                        # the leader on leave, no helpdesk manager present: still someone
                        user_id = dispatcher.pick_leader()
                        off_duty.add(ticket.id)
                    elif owner:
                        owners.setdefault(owner, []).append(ticket.id)
                        off_duty.add(ticket.id)
                        words = self.with_context(lang=ticket._social_reader_lang(owner)).env
                        bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                            "Assigned automatically to %(user)s, helpdesk manager of "
                            "%(company)s: this ticket must have an owner, and no member or "
                            "leader of %(team)s can take it (on leave, or not in %(company)s).",
                            user=owner.name,
                            company=ticket.company_id.name,
                            team=ticket.team_id.name,
                        )
                        continue
            team_name = ticket.team_id.name
            user = self.env["res.users"].browse(user_id)
            # the note in the language of whom reads it (see _social_reader_lang)
            words = self.with_context(lang=ticket._social_reader_lang(user)).env
            if user_id:
                owners.setdefault(user, []).append(ticket.id)
                why = dispatcher.why(user_id)
                if why == "online":
                    why = words._(
                        "Assigned automatically to %(user)s, on duty in %(team)s.",
                        user=user.name,
                        team=team_name,
                    )
                elif why == "working_hours":
                    why = words._(
                        "Assigned automatically to %(user)s, within their working hours in "
                        "%(team)s.",
                        user=user.name,
                        team=team_name,
                    )
                elif why == "fallback":
                    why = words._(
                        "Assigned automatically to %(user)s, leader of %(team)s: no member is "
                        "online or within their working hours.",
                        user=user.name,
                        team=team_name,
                    )
                elif why in ("off_duty", "leader_off_duty"):
                    nobody = (
                        words._("no member is online or within their working hours")
                        if dispatcher.scheduled
                        else words._("no member is online")
                    )
                    why = words._(
                        "Assigned automatically to %(user)s although %(nobody)s: this ticket "
                        "must have an owner. %(user)s has the fewest open tickets of the "
                        "members of %(team)s not on leave.",
                        user=user.name, nobody=nobody, team=team_name,
                    ) if why == "off_duty" else words._(
                        "Assigned automatically to %(user)s, leader of %(team)s, although "
                        "%(nobody)s: this ticket must have an owner, and every member is on "
                        "leave.",
                        user=user.name, nobody=nobody, team=team_name,
                    )
                elif dispatcher.scheduled:
                    why = words._(
                        "Assigned automatically to %(user)s: Odoo does not know who of "
                        "%(team)s is online, and %(user)s has no working hours, so counts as "
                        "on duty.",
                        user=user.name,
                        team=team_name,
                    )
                else:
                    why = words._(
                        "Assigned automatically to %(user)s: Odoo does not know who of "
                        "%(team)s is online, so every member counts as on duty.",
                        user=user.name,
                        team=team_name,
                    )
            elif dispatcher.scheduled:
                why = words._(
                    "Not assigned: no member of %(team)s is online or within their working "
                    "hours. The ticket waits in the list as “Unassigned”.",
                    team=team_name,
                )
            else:
                why = words._(
                    "Not assigned: no member of %(team)s is online. The ticket waits in the "
                    "list as “Unassigned”.",
                    team=team_name,
                )
            bodies[ticket.id] = Markup("<p>%s</p>") % why
        return owners, bodies, off_duty

    def _social_alert_reason(self):
        self.ensure_one()
        if self.has_sensitive_data and _urgent_pii(self.social_pii_kinds):
            return self.env._(
                "Bank or card data in a public post (%(kinds)s): hide it on the network as "
                "fast as possible.",
                kinds=self.social_pii_summary,
            )
        return self.env._(
            "Complaint of a top influencer (%(reach)s followers reached).",
            reach=formatLang(self.env, self.social_reach, digits=0),
        )

    def _social_alert_body(self, off_duty=()):
        """The alert of this ticket for its team's channel (HTML), in the environment's
        language."""
        self.ensure_one()
        words = self.env
        owner = self.user_id.name or words._("Unassigned")
        return Markup("<p><b>%s</b> %s</p><p>%s · %s · %s</p>") % (
            words._("Alert:"),
            self._get_html_link(),
            self._social_alert_reason(),
            words._("Owner: %(owner)s (assigned to them although nobody was on duty)",
                    owner=owner)
            if self.id in off_duty and self.user_id
            else words._("Owner: %(owner)s", owner=owner),
            words._("respond by %(time)s", time=self._social_time(self.social_wait_deadline))
            if self.social_wait_deadline
            else "",
        )

    def _social_alert(self, off_duty=()):
        """Tell the team at once: a message in its alert channel with a link to the ticket
        (in the language most of the channel's members read, see
        :meth:`helpdesk.ticket.team._social_alert_lang`), a web client notification to the
        assignee (or the team leader) in their own language. ``off_duty``: ids of the tickets
        assigned although nobody was on duty (the alert says so)."""
        now = fields.Datetime.now()
        # sudo: the alert goes to the team's channel and users, whoever ingested the post
        for ticket in self.sudo():
            team = ticket.team_id
            # the alert reaches someone active: the owner, else the team leader, else who
            # owns the team's tickets when all its members left (see _social_fallback_owner)
            recipient = (ticket.user_id | team.user_id).filtered(
                lambda u: u.active and not u.share
            )[:1]
            if not recipient and team:
                recipient = team._social_fallback_owner(ticket.company_id)
            if team:
                channel = team._social_alert_channel()
                # the recipient reads the alert in the channel when allowed to (never a user
                # of another company: see discuss.channel._social_alert_allowed)
                members = channel.channel_member_ids.partner_id
                reader = recipient.filtered(lambda u, members=members: u.partner_id not in members)
                reader = reader and channel._social_alert_allowed(reader)
                if reader:
                    channel.with_context(**{ALERT_MEMBERS_KEY: True})._add_members(
                        users=reader, post_joined_message=False)
                body = ticket.with_context(
                    lang=team._social_alert_lang(ticket.company_id)
                )._social_alert_body(off_duty)
                team._social_post_alert(body)
            ticket.social_alerted_at = now
            ticket._social_notify(recipient, lambda t: (
                t.env._("Social alert: %(ticket)s", ticket=t.display_name),
                t._social_alert_reason(),
            ))

    def _social_notify(self, users, texts):
        """A sticky web client notification (bus) for each of ``users``, in their language:
        ``texts(ticket)`` gives (title, message) with ``ticket`` (this one) in a recipient's
        language; one call and one bus send per language, not per user."""
        self.ensure_one()
        social_notify_by_lang(self, users, texts)

    def _social_activity_user(self):
        """Who gets the activities of this ticket: its agent, else the team leader (never
        the user running a scheduled job)."""
        self.ensure_one()
        # sudo: the agent and leader of a ticket the caller (a cron) may not read
        ticket = self.sudo()
        users = (ticket.user_id | ticket.team_id.user_id).filtered(
            lambda u: u.active and not u.share
        )
        if users:
            return users[:1].with_env(self.env)
        # both left (archived): who owns the team's tickets now (leader, else a manager)
        if ticket.team_id:
            return ticket.team_id._social_fallback_owner(ticket.company_id).with_env(self.env)
        return self.env["res.users"]

    def _social_log_pii(self, kinds_by_ticket, readers=None):
        """A note per ticket naming the kinds of removed data, never the values (``readers``:
        {ticket id: the user it is being given to}, see :meth:`_social_reader_lang`)."""
        labels = {}  # language -> {kind: its name}
        bodies = {}
        readers = readers or {}
        for ticket in self.browse(list(kinds_by_ticket)):
            kinds = kinds_by_ticket[ticket.id]
            # in the language of whom reads the ticket (see _social_reader_lang)
            words = self.with_context(
                lang=ticket._social_reader_lang(readers.get(ticket.id))).env
            if words.lang not in labels:
                labels[words.lang] = words["social.crm.post"]._social_pii_kind_labels()
            names = ", ".join(
                labels[words.lang].get(k, k) for k in (kinds or "").split(",") if k)
            bodies[ticket.id] = Markup("<p>%s</p>") % words._(
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
        return self.browse()._social_add_posts_batch({self: posts})

    @api.model
    def _social_add_posts_batch(self, follow_ups):
        """``{ticket: posts}``: add the later posts of each ticket's conversation to its
        chatter (plain text, escaped), flag the sensitive data they had, update the reach.
        The same as :meth:`_social_add_posts` per ticket, in queries that grow neither with
        the tickets' history nor (but for one write per ticket) with the batch."""
        ordered = {}
        for ticket, posts in follow_ups.items():
            ticket = self.browse(ticket.id)
            # sudo: follow-up posts are linked by the product, whoever ingested them
            posts = posts.sudo().sorted(lambda p: (p.posted_at, p.id))
            posts.write({"ticket_id": ticket.id, "state": "ticket"})
            ordered[ticket] = ordered.get(ticket, posts.browse()) | posts
        if not ordered:
            return True
        tickets = self.browse([t.id for t in ordered])
        root = self.env.ref("base.partner_root").id
        entries = []
        for ticket, posts in ordered.items():
            # the network's name and link in the language of whom reads the ticket
            words = self.with_context(lang=ticket._social_reader_lang())
            for post in posts:
                entries.append((ticket, post.partner_id.id or root, words._social_post_body(post)))
        tickets._social_post_chatter(entries)
        self._social_flag_pii({
            ticket: {
                kind
                for post in posts.filtered("has_sensitive_data")
                for kind in (post.pii_kinds or "").split(",")
                if kind
            }
            for ticket, posts in ordered.items()
        })
        tickets._social_update_reach()
        return True

    @api.model
    def _social_flag_pii(self, kinds_by_ticket):
        """``{ticket: kinds}``: personal data of ``kinds`` was removed from a post of each
        ticket (a follow-up, an edit): flag the ticket, top priority for bank or card data
        (open tickets), a note naming the kinds, the alert."""
        found = {}  # ticket id -> kinds of removed data in its new posts
        for ticket, new_kinds in kinds_by_ticket.items():
            if not new_kinds:
                continue
            kinds = sorted(new_kinds | set((ticket.social_pii_kinds or "").split(",")) - {""})
            vals = {"has_sensitive_data": True, "social_pii_kinds": ",".join(kinds)}
            if _urgent_pii(",".join(new_kinds)) and not ticket.stage_id.closed:
                vals["priority"] = "3"
            # sudo: the PII flags are product-written on a ticket the ingesting user may not write
            ticket.sudo().write(vals)
            found[ticket.id] = ",".join(sorted(new_kinds))
        if found:
            flagged = self.browse(list(found))
            flagged._social_log_pii(found)
            # bank or card data on an open ticket nobody owns: it gets an owner as a new top
            # ticket does (the team's rule, else a member not on leave, else the leader), the
            # note and the alert say so
            owned = flagged.sudo().filtered(  # sudo: the product's assignment
                lambda t: _urgent_pii(found[t.id]) and not t.user_id and t.active
                and not t.stage_id.closed
            )
            off_duty = owned._social_assign() if owned else set()
            flagged.filtered(lambda t: t._social_needs_alert())._social_alert(off_duty)
        return True

    @api.model
    def _social_post_body(self, post):
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
        return body + Markup("</p>")

    @api.model
    def _social_escalation_domain(self, now):
        # the current wait: the first complaint's, or the one of a reopening complaint
        waiting = (
            Domain("social_network_id", "!=", False)
            & Domain("social_wait_reply_at", "=", False)
            & Domain("stage_id.closed", "=", False)
        )
        return waiting & (
            (
                Domain("social_escalated_half_at", "=", False)
                & Domain("social_escalated_missed_at", "=", False)
                & Domain("social_wait_escalate_at", "<=", now)
            )
            | (
                Domain("social_escalated_missed_at", "=", False)
                & Domain("social_wait_deadline", "<=", now)
            )
        )

    @api.model
    def _cron_social_escalate(self):
        """Scheduled action (every minute): escalate the tickets whose half time or deadline
        passed without a reply, a batch at a time, committed per batch."""
        now = fields.Datetime.now()
        domain = self._social_escalation_domain(now)
        ir_cron = self.env["ir.cron"]
        # sudo: the escalation cron looks at every company's tickets
        ir_cron._commit_progress(remaining=self.sudo().search_count(domain))
        last_id = 0
        while True:
            tickets = self.sudo().search(  # sudo: see above
                domain & Domain("id", ">", last_id), limit=ESCALATION_BATCH, order="id"
            )
            if not tickets:
                break
            last_id = tickets[-1].id
            for lang, group in by_company_lang(tickets):  # the notes in the company's language
                group.with_context(lang=lang)._social_escalate(now)
            if ir_cron._commit_progress(len(tickets)) <= 0:
                break

    def _social_escalate(self, now=None):
        """Escalate these tickets once per step: a to-do for the team leader (else the
        agent), a message in the team's alert channel, the list shows the step."""
        now = now or fields.Datetime.now()
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        activities = []
        # the channel's messages and the leaders' notifications, grouped: many tickets
        # escalated at once (a pile-on) make one message, not one each
        alerts, notices = {}, {}
        # sudo: escalation writes product fields and activities on any agent's ticket
        for ticket in self.sudo():
            done = {
                step
                for step, field in (
                    ("half", "social_escalated_half_at"),
                    ("missed", "social_escalated_missed_at"),
                )
                if ticket[field]
            }
            step = escalation_due(
                ticket.social_wait_since,
                ticket.social_wait_deadline,
                now,
                ticket.social_wait_reply_at,
                done,
            )
            if not step:  # no post date: nothing to measure; leave the cron's list
                if ticket.social_wait_escalate_at and ticket.social_wait_escalate_at <= now:
                    ticket.social_escalated_half_at = ticket.social_escalated_half_at or now
                if ticket.social_wait_deadline and ticket.social_wait_deadline <= now:
                    ticket.social_escalated_missed_at = now
                continue
            ticket.write({f"social_escalated_{step}_at": now, "social_escalation": step})

            def texts(t, step=step):
                """(summary, sentence) of this step, in the language of ``t``'s env."""
                words = t.env
                if step == "half":
                    summary = words._("Social ticket: half the response time is gone")
                else:
                    summary = words._("Social ticket: response deadline missed")
                return summary, words._(
                    "%(ticket)s has no public reply yet; respond by %(time)s. Owner: %(owner)s.",
                    ticket=t.display_name,
                    time=t._social_time(t.social_wait_deadline),
                    owner=t.user_id.name or words._("Unassigned"),
                )

            leader = ticket._social_activity_user()
            if ticket.team_id.user_id.active:
                leader = ticket.team_id.user_id
            if leader:
                # the leader's to-do in the leader's language
                summary, sentence = texts(ticket.with_context(
                    lang=leader.sudo().lang or ticket.company_id._social_lang()))
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": ticket.id,
                        "activity_type_id": todo.id if todo else False,
                        "user_id": leader.id,
                        "summary": summary,
                        "note": Markup("<p>%s</p>") % sentence,
                        # the leader's day, not OdooBot's (after midnight in Berlin, UTC
                        # is still yesterday: the to-do would be overdue at once)
                        "date_deadline": self.env["res.lang"]._social_today(
                            leader, ticket.company_id, now),
                    }
                )
            alerts.setdefault((ticket.team_id, step), []).append((ticket, texts))
            notices.setdefault((leader, step), []).append((ticket, texts))
        if activities:
            per_user = Counter(vals["user_id"] for vals in activities)
            Activity = self.env["mail.activity"].sudo()  # sudo: the leader's, by the product
            # a to-do each, but no e-mail each when a leader gets many at once (a pile-on):
            # the channel's message and the notification count them (see below)
            for quiet in (False, True):
                batch = [vals for vals in activities
                         if (per_user[vals["user_id"]] > ESCALATION_ALERTS) == quiet]
                if batch:
                    Activity.with_context(mail_activity_quick_update=quiet).create(batch)
        for (team, step), items in alerts.items():
            if not team:
                continue
            # the channel's message in the language most of its members read
            lang = team._social_alert_lang(items[0][0].company_id)
            if len(items) <= ESCALATION_ALERTS:
                for ticket, texts in items:
                    summary, sentence = texts(ticket.with_context(lang=lang))
                    team._social_post_alert(
                        Markup("<p><b>%s</b> %s</p><p>%s</p>")
                        % (summary + ":", ticket._get_html_link(), sentence)
                    )
            else:
                team._social_post_alert(
                    self.with_context(lang=lang)._social_escalation_digest(step, items, html=True))
        for (leader, step), items in notices.items():
            if not leader:
                continue
            if len(items) <= ESCALATION_ALERTS:
                for ticket, texts in items:
                    ticket._social_notify(leader, texts)
            else:
                items[0][0]._social_notify(
                    leader,
                    lambda t, step=step, items=items: t._social_escalation_digest(
                        step, items, html=False),
                )
        return True

    def _social_escalation_digest(self, step, items, html):
        """One message for many tickets escalated at once (a pile-on): how many, the earliest
        deadline, the first tickets and a link to the list, instead of one message each
        (``items``: [(ticket, texts)] sorted by ticket id), in the language of this
        recordset's environment. ``html``: the body of
        the channel's message, else (title, text) of a web client notification."""
        tickets = self.browse([ticket.id for ticket, _texts in items]).sudo()
        deadlines = [t.social_wait_deadline for t in tickets if t.social_wait_deadline]
        if step == "half":
            title = self.env._(
                "%(count)s social tickets: half the response time is gone", count=len(tickets))
        else:
            title = self.env._(
                "%(count)s social tickets: response deadline missed", count=len(tickets))
        text = self.env._(
            "None of them has a public reply yet (earliest deadline: %(time)s).",
            time=tickets[:1]._social_time(min(deadlines)) if deadlines else "?",
        )
        if not html:
            return title, text
        shown = tickets[:ESCALATION_ALERTS]
        links = Markup(", ").join(ticket._get_html_link() for ticket in shown)
        more = self.env._("and %(count)s more", count=len(tickets) - len(shown))
        url = "/odoo/action-social_crm_helpdesk.helpdesk_ticket_action_social"
        return Markup("<p><b>%s</b> %s</p><p>%s %s</p><p><a href='%s'>%s</a></p>") % (
            title + ":", text, links, more, url, self.env._("Open the social tickets"))

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
            # sudo: hand-offs are the product's KPI rows; agents only read them
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
        # sudo: the author may answer on a ticket whose network field he cannot read
        if message.message_type == "comment" and self.sudo().filtered("social_network_id"):
            users = message.author_id.user_ids.filtered(lambda u: not u.share)
            if users:
                self._social_answered(users[0], message.date or fields.Datetime.now())
        return result

    def _social_answered(self, user, when):
        """Close the open hand-offs of these tickets answered by ``user`` (a member of the
        receiving team, or anyone when that team has no members)."""
        # sudo: hand-offs are the product's KPI rows; agents only read them
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
        # the post that opened the ticket may be gone (deleted by its author) while later
        # posts of the conversation are still there: the wizard answers the latest
        if not (self.social_post_id or self.social_post_ids):
            # sudo: whether the ticket came from a network, which every agent may know
            if self.sudo().social_network_id:
                raise UserError(self.env._(
                    "The customer's post is no longer stored (erased on the customer's request, "
                    "or deleted): there is nothing to answer publicly. Call the customer or "
                    "write by e-mail."
                ))
            raise UserError(self.env._("This ticket was not opened from a social post."))
        wizard = self.env["social.crm.reply.wizard"].create({"ticket_id": self.id})
        return wizard._action_reopen()

    def action_social_hide(self):
        self.ensure_one()
        self.check_access("write")
        self.env["social.crm.reply"]._social_check_can_reply(self, self.social_post_id)
        return self.social_post_id._social_hide(ticket=self)

    def action_social_call(self):
        """Call the customer: a call activity for the ticket's agent (else its team leader,
        else who asks) with the contact's phone, and a note in the chatter."""
        self.ensure_one()
        self.check_access("write")
        partner = self.partner_id
        name = partner.name or self.partner_name or self.env._("the customer")
        phone = partner.phone
        if phone:
            sentence = self.env._("Call %(name)s at %(phone)s.", name=name, phone=phone)
        else:
            sentence = self.env._(
                "Call %(name)s (no phone number known yet: look it up, or ask for it in a "
                "direct message).",
                name=name,
            )
        user = self._social_activity_user() or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Call the customer"),
            note=Markup("<p>%s</p>") % sentence,
            user_id=user.id,
        )
        self.message_post(
            body=Markup("<p>%s</p>") % self.env._(
                "Call planned for %(user)s: %(sentence)s", user=user.name, sentence=sentence
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Call planned"),
                "message": self.env._(
                    "A call activity is planned for %(user)s.", user=user.name
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_social_not_complaint(self):
        """The agent says the ticket's posts are no complaint: the posts are marked (the
        detection learns), the chatter says so; the ticket stays for the agent to close."""
        self.ensure_one()
        self.check_access("write")
        posts = self.social_post_ids or self.social_post_id
        if not posts:
            raise UserError(self.env._("This ticket was not opened from a social post."))
        # sudo: the agent who may write the ticket decides for its posts, which a helpdesk
        # agent without the Social CRM rights only reads; sudo keeps the user, whose decision,
        # note and label it stays
        posts.with_env(self.env).sudo().action_not_complaint()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Not a complaint"),
                "message": self.env._(
                    "Noted on the ticket: its posts are no complaint, and the complaint "
                    "detection learns from your decision. Close the ticket when nothing else "
                    "is needed."
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_social_open_network(self):
        """Open the customer's post on its network, to answer there."""
        self.ensure_one()
        url = self.social_url
        if not url:
            raise UserError(
                self.env._("The network gave no address for this post: answer there by hand.")
            )
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}

    def action_view_social_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("social_crm.social_crm_post_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action
