# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.social_crm import connectors
from odoo.fields import Domain

from ..detection import render_reason
from .res_company import by_company_lang

_logger = logging.getLogger(__name__)

COMPLAINT_LABELS = [
    ("complaint", "Complaint"),
    ("question", "Question"),
    ("praise", "Praise"),
    ("other", "Other"),
]
PROCESS_BATCH = 1000
#: context key: the routing runs in the language of the posts' company already
COMPANY_LANG_KEY = "social_crm_company_lang"
TICKET_BATCH_PARAM = "social_crm_helpdesk.ticket_batch_limit"
TICKET_BATCH_DEFAULT = 200
# complaints of one author in new conversations this close to the opening of the author's
# open ticket go to that ticket (a burst of posts: one ticket, one owner, one alert)
BURST = dt.timedelta(minutes=10)
# ... and later ones as long as the ticket is open and the author's last post on it is this
# recent (the same critic an hour later: the ticket they wait on, not a second one)
JOIN_WINDOW = dt.timedelta(hours=24)
# what detection and moderation write: plain users may read, not change, these
DETECTION_FIELDS = frozenset({
    "complaint_label", "complaint_confidence", "complaint_p", "complaint_reasons",
    "complaint_lang", "has_sensitive_data", "pii_kinds", "social_hidden",
    "social_route_pending",
})


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    state = fields.Selection(
        selection_add=[("ticket", "Ticket")], ondelete={"ticket": "set default"}
    )
    complaint_label = fields.Selection(
        COMPLAINT_LABELS, string="Detected As", readonly=True, index=True, copy=False
    )
    complaint_confidence = fields.Float(string="Confidence", digits=(3, 2), readonly=True)
    complaint_p = fields.Float(
        string="Complaint Probability", digits=(3, 2), readonly=True,
        help="How likely the post is a complaint (0-1), by the rules and the company's labels.",
    )
    complaint_reason_codes = fields.Json(
        string="Reason Codes", readonly=True, copy=False,
        help="Why the post was detected as it was: [code, snippet] pairs, shown translated.",
    )
    complaint_reasons = fields.Text(string="Why", compute="_compute_complaint_reasons")
    complaint_lang = fields.Char(string="Detected Language", readonly=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null", check_company=True,
    )
    social_route_pending = fields.Boolean(
        string="Ticket Pending", readonly=True, copy=False,
        help="Left for the next run: more complaints arrived at once than tickets are opened "
        "per batch.",
    )
    has_sensitive_data = fields.Boolean(
        string="Sensitive Data Removed", readonly=True, copy=False,
        help="Personal data was found in the post and removed before it was stored.",
    )
    pii_kinds = fields.Char(string="Removed Data Kinds", readonly=True, copy=False)
    social_hidden = fields.Boolean(string="Hidden on the Network", readonly=True, copy=False)
    complaint_decision = fields.Selection(
        [("complaint", "Complaint"), ("not_complaint", "Not a complaint")],
        string="Agent Decision", compute="_compute_complaint_decision",
    )
    can_hide_on_network = fields.Boolean(compute="_compute_can_hide_on_network")

    _route_pending_idx = models.Index("(id) WHERE social_route_pending")

    def _product_written_fields(self):
        return super()._product_written_fields() | DETECTION_FIELDS

    def _compute_complaint_decision(self):
        labels = self.env["social.crm.complaint.label"].search([("post_id", "in", self.ids)])
        decided = {label.post_id.id: label.is_complaint for label in labels}
        for post in self:
            if post.id in decided:
                post.complaint_decision = "complaint" if decided[post.id] else "not_complaint"
            else:
                post.complaint_decision = False

    @api.depends("complaint_reason_codes")
    @api.depends_context("lang")
    def _compute_complaint_reasons(self):
        phrases = self._social_reason_labels()
        for post in self:
            lines = []
            for item in post.complaint_reason_codes or []:
                if isinstance(item, (list, tuple)) and item:
                    code = str(item[0])
                    snippet = str(item[1]) if len(item) > 1 and item[1] else ""
                    lines.append(render_reason(code, snippet, phrases))
            post.complaint_reasons = "\n".join(line for line in lines if line) or False

    @api.model
    def _social_reason_labels(self):
        """Reason code of the classifier -> text in the user's language."""
        return {
            "failure": self.env._("reports a failure"),
            "implicit": self.env._("states facts of a failure"),
            "rhetorical": self.env._("rhetorical question"),
            "problem": self.env._("mentions a problem"),
            "negative": self.env._("expresses frustration"),
            "demand": self.env._("demands action"),
            "blame": self.env._("blames"),
            "churn": self.env._("leaves or threatens to leave"),
            "sarcasm": self.env._("sarcasm"),
            "irony": self.env._("irony"),
            "negated_positive": self.env._("negated positive"),
            "waiting": self.env._("waiting time"),
            "question": self.env._("asks a question"),
            "question_mark": self.env._("asks a question: question mark"),
            "praise": self.env._("praise or thanks"),
            "service": self.env._("about an order or service"),
            "explain": self.env._("demands an explanation"),
            "expectation": self.env._("broken expectation"),
            "regret": self.env._("regrets"),
            "negation": self.env._("negation"),
            "possessive": self.env._("about their own order/account"),
            "past": self.env._("describes what happened"),
            "persistence": self.env._("time reference (still/again)"),
            "money": self.env._("mentions money"),
            "intensity": self.env._("intensity"),
            "reassurance": self.env._("says it is resolved / no problem"),
            "resolved": self.env._("problem already solved"),
            "elsewhere": self.env._("aimed at someone else"),
            "news": self.env._("news or advert"),
            "self_blame": self.env._("blames themselves"),
            "praise_next_to_complaint": self.env._("sarcasm: praise word next to a complaint"),
            "wording": self.env._("wording typical of complaints"),
            "wording_not": self.env._("wording typical of posts that are no complaints"),
            "to_support": self.env._("written to a customer-service account"),
            "tone_negative": self.env._("negative tone"),
            "tone_positive": self.env._("positive tone"),
            "agents": self.env._("learned from agents"),
            "no_cues": self.env._("no complaint, question or praise cues"),
        }

    @api.depends("network_id")
    def _compute_can_hide_on_network(self):
        for post in self:
            post.can_hide_on_network = connectors.can_hide(post.network_id.code or "")

    @api.model
    def _social_pii_kind_labels(self):
        return {
            "email": self.env._("e-mail address"),
            "iban": self.env._("IBAN"),
            "card": self.env._("card number"),
            "tax_id": self.env._("tax ID"),
            "id_card": self.env._("ID card number"),
            "vat": self.env._("VAT ID"),
            "phone": self.env._("phone number"),
        }

    def _social_conversation_key(self):
        self.ensure_one()
        return self.conversation_external_id or self.external_id

    # --- redaction and classification ------------------------------------------------------
    # Redaction runs in create/write for every path (social.crm.pii.mixin, see
    # social_crm_post_privacy.py); classification right after it, on the redacted text.
    @api.model
    def _social_prepare_vals(self, vals, model=None):
        """Redact and classify ``vals`` in place (posts stored before installation)."""
        self._social_pii_redact(vals)
        return self._social_classify_vals(vals, model)

    def _ingest_after_create(self, records, posts):
        records = super()._ingest_after_create(records, posts)
        # authors not linked to a contact (a match suggestion waits, or the source creates
        # no contacts) have no score: their tickets use the follower floors on what the
        # network sent, so a loud stranger is never handled as a regular customer
        followers = {
            (post.network, str(post.external_id)): post.author.followers_count
            for post in posts
            if post.author and post.author.followers_count
        }
        unlinked = {
            record.id: followers[key]
            for record in records.filtered(lambda r: not r.identity_id)
            if (key := (record.network_id.code, record.external_id)) in followers
        }
        records.with_context(social_unlinked_followers=unlinked)._social_route(automatic=True)
        return records

    def _after_author_counts_looked_up(self):
        """The followers of these posts' authors (without identity) were just looked up: the
        open tickets of the posts count them in their reach and follow the tier they give."""
        result = super()._after_author_counts_looked_up()
        # sudo: the product ranks any agent's tickets
        tickets = self.sudo().ticket_id.filtered(lambda t: not t.stage_id.closed)
        if tickets:
            tickets._social_update_reach()
            tickets._social_follow_tier()
        return result

    # --- routing to tickets ----------------------------------------------------------------
    def _social_existing_tickets(self):
        """{(company id, network id, conversation key): ticket} for these posts: the ticket
        of the conversation, else the ticket a stored post of the conversation went to (a
        conversation that joined its author's open ticket, see :meth:`_social_burst_tickets`).
        Two queries at most."""
        keys = {post._social_conversation_key() for post in self}
        if not keys:
            return {}
        # sudo: a conversation's ticket may be another agent's (helpdesk "own tickets" rule)
        tickets = self.env["helpdesk.ticket"].sudo().with_context(active_test=False).search(
            [
                ("social_conversation_key", "in", list(keys)),
                ("social_network_id", "in", self.network_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        # a ticket marked as a duplicate (helpdesk_mgmt): its conversation goes on in the
        # original ticket
        found = {
            (t.company_id.id, t.social_network_id.id, t.social_conversation_key): (
                t.duplicate_id or t
            )
            for t in tickets
        }
        missing = keys - {key for _company, _network, key in found}
        if missing:
            # sudo: see above
            stored = self.sudo().with_context(active_test=False).search_fetch(
                Domain("ticket_id", "!=", False)
                & Domain("network_id", "in", self.network_id.ids)
                & Domain("company_id", "in", self.company_id.ids)
                & (Domain("conversation_external_id", "in", sorted(missing))
                   | (Domain("conversation_external_id", "=", False)
                      & Domain("external_id", "in", sorted(missing)))),
                ["conversation_external_id", "external_id", "ticket_id", "network_id",
                 "company_id"],
                order="posted_at, id",
            )
            for post in stored:
                key = (post.company_id.id, post.network_id.id, post._social_conversation_key())
                ticket = post.ticket_id
                found.setdefault(key, ticket.duplicate_id or ticket)
        return found

    def _social_burst_tickets(self):
        """{(company id, network id, identity id): (ticket, its first post's date, the
        author's last post on it)}: the open ticket of each of these posts' authors that the
        author's new complaints join instead of opening another (a burst within
        :data:`BURST` of its opening, or a post within :data:`JOIN_WINDOW` of the author's
        last one on it; the most recent when several). Two queries."""
        identities = self.identity_id
        if not identities:
            return {}
        dates = self.mapped("posted_at")
        # sudo: an author's ticket may be another agent's (helpdesk "own tickets" rule)
        tickets = self.env["helpdesk.ticket"].sudo().search(
            [
                ("social_identity_id", "in", identities.ids),
                ("closed", "=", False),
                ("social_posted_at", "<=", max(dates) + BURST),
                ("company_id", "in", self.company_id.ids),
            ],
        )
        if not tickets:
            return {}
        # sudo: the author's posts on those tickets, whoever ingests
        last = {
            (ticket.id, identity.id): when
            for ticket, identity, when in self.env["social.crm.post"].sudo()._read_group(
                [("ticket_id", "in", tickets.ids), ("identity_id", "in", identities.ids)],
                ["ticket_id", "identity_id"],
                ["posted_at:max"],
            )
        }
        result = {}
        for ticket in tickets:
            # the ticket's author's own last post on it (not another author's reply)
            known = [when for when in (last.get((ticket.id, ticket.social_identity_id.id)),
                                       ticket.social_posted_at) if when]
            if not known:
                continue
            last_at = max(known)
            opened_at = ticket.social_posted_at or last_at
            if last_at < min(dates) - JOIN_WINDOW:
                continue
            author = (ticket.company_id.id, ticket.social_network_id.id,
                      ticket.social_identity_id.id)
            if author not in result or (last_at, ticket.id) > (
                    result[author][2], result[author][0].id):
                result[author] = (ticket.duplicate_id or ticket, opened_at, last_at)
        return result

    def _social_route(self, automatic=True, team=None):
        """Posts to tickets: a post of a conversation that has a ticket goes to its chatter;
        other posts open one ticket per conversation (automatic: complaints that pass a team's
        rules; by hand: every post, with the first matching team or ``team``).

        Returns the tickets touched.
        """
        posts = self.filtered(lambda p: not p.ticket_id).sorted(lambda p: (p.posted_at, p.id))
        if not posts:
            return self.env["helpdesk.ticket"]
        if automatic and not self.env.context.get(COMPANY_LANG_KEY):
            # tickets the product opens on its own are written in their company's language
            tickets = self.env["helpdesk.ticket"]
            for lang, group in by_company_lang(posts):
                tickets |= group.with_context(
                    lang=lang, **{COMPANY_LANG_KEY: True}
                )._social_route(automatic=True, team=team)
            return tickets.with_env(self.env)
        Ticket = self.env["helpdesk.ticket"]
        existing = posts._social_existing_tickets()
        teams = self.env["helpdesk.ticket.team"]._social_candidate_teams(
            posts.company_id, automatic=automatic
        )
        follow_ups = {}  # ticket -> posts
        openers = {}  # key -> (post, team)
        later = {}  # key -> posts of a conversation opened in this batch
        joined = {}  # ticket -> posts of new conversations that joined the author's ticket
        # an author's complaints in new conversations while their ticket is open and recent:
        # that ticket (automatic only; an agent converting a post by hand gets the ticket
        # asked for)
        bursts = posts._social_burst_tickets() if automatic else {}
        for post in posts:
            key = (post.company_id.id, post.network_id.id, post._social_conversation_key())
            if key in existing:
                follow_ups.setdefault(existing[key], []).append(post)
            elif key in openers:
                later.setdefault(key, []).append(post)
            else:
                chosen = teams._social_team_for(post, automatic=automatic)
                if not chosen and not automatic:
                    chosen = team or post.company_id.social_helpdesk_team_id
                author = (post.company_id.id, post.network_id.id, post.identity_id.id)
                burst, opened_at, last_at = bursts.get(author) or (None, None, None)
                if chosen and burst and (
                        opened_at - BURST <= post.posted_at <= last_at + JOIN_WINDOW):
                    if isinstance(burst, tuple):  # opened by this batch's post
                        later.setdefault(burst, []).append(post)
                    else:
                        follow_ups.setdefault(burst, []).append(post)
                        joined.setdefault(burst, []).append(post)
                        existing[key] = burst
                    bursts[author] = (burst, opened_at, max(last_at, post.posted_at))
                elif chosen or not automatic:
                    openers[key] = (post, chosen)
                    if automatic and post.identity_id:
                        bursts[author] = (key, post.posted_at, post.posted_at)
        if openers and automatic:
            openers = self._social_defer_openers(openers, later)
        if openers:
            items = list(openers.values())
            if automatic:
                # sudo: automatic tickets are opened by the product, whoever ingested the posts
                Ticket = Ticket.sudo()
            created = Ticket._social_create_from_posts(items, automatic=automatic)
            for ticket, key in zip(created, openers, strict=True):
                existing[key] = ticket
                if key in later:
                    follow_ups.setdefault(ticket, []).extend(later[key])
            Ticket |= created
        if follow_ups:
            self.env["helpdesk.ticket"]._social_add_posts_batch(
                {ticket: self.browse([p.id for p in ps]) for ticket, ps in follow_ups.items()}
            )
            for ticket in follow_ups:
                Ticket |= ticket
        if joined:
            self.env["helpdesk.ticket"]._social_note_joined(
                {ticket: self.browse([p.id for p in ps]) for ticket, ps in joined.items()}
            )
        return Ticket

    @api.model
    def _social_ticket_batch_limit(self):
        # sudo: system parameters are readable by administrators only
        value = self.env["ir.config_parameter"].sudo().get_param(TICKET_BATCH_PARAM)
        try:
            return max(int(value), 1) if value else TICKET_BATCH_DEFAULT
        except ValueError:
            return TICKET_BATCH_DEFAULT

    @api.model
    def _social_defer_openers(self, openers, later):
        """At most the batch limit of new tickets at once (system parameter
        ``social_crm_helpdesk.ticket_batch_limit``, 200 by default): the posts of the other
        conversations are marked and routed by the next run of the cron."""
        limit = self._social_ticket_batch_limit()
        if len(openers) <= limit:
            return openers
        keys = list(openers)
        deferred = self.browse(
            [openers[key][0].id for key in keys[limit:]]
            + [post.id for key in keys[limit:] for post in later.pop(key, [])]
        )
        # sudo: a product-written flag; the ingesting user may only read posts
        deferred.sudo().write({"social_route_pending": True})
        _logger.info(
            "Social CRM: %s complaint posts left for the next run (at most %s tickets are "
            "opened at once)", len(deferred), limit,
        )
        cron = self.env.ref(
            "social_crm_helpdesk.ir_cron_social_route_pending", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()  # sudo: only administrators may schedule crons
        return {key: openers[key] for key in keys[:limit]}

    @api.model
    def _cron_social_route_pending(self):
        """Open the tickets left over by :meth:`_social_defer_openers`, a batch at a time."""
        cron = self.env["ir.cron"]
        limit = self._social_ticket_batch_limit()
        Post = self.sudo()  # sudo: the cron's user is bound by company rules; route every company
        while True:
            posts = Post.search([("social_route_pending", "=", True)], order="id", limit=limit)
            if not posts:
                return True
            posts.write({"social_route_pending": False})
            posts._social_route(automatic=True)
            if not cron._commit_progress(len(posts), remaining=Post.search_count(
                    [("social_route_pending", "=", True)])):
                return True

    # --- agent decisions -------------------------------------------------------------------
    def action_convert_to_ticket(self):
        """Open tickets from these posts (one per conversation) and keep the decision."""
        self.check_access("write")
        if not self:
            return False
        self.env["helpdesk.ticket"].check_access("create")
        self.env["social.crm.complaint.label"]._record_decisions(self, True)
        already = self.ticket_id
        # sudo: whether the posts' tickets are closed, whoever's they are
        closed = self.sudo().filtered(
            lambda p: p.ticket_id and (p.ticket_id.stage_id.closed or not p.ticket_id.active)
        )
        if closed:
            # the agent asks for a ticket for these posts: their closed ticket opens again
            todo = {}
            for post in closed:
                todo[post.ticket_id] = todo.get(post.ticket_id, post.browse()) | post
            self.env["helpdesk.ticket"].with_context(
                social_crm_agent_convert=True
            )._social_follow_up(todo)
        tickets = self.with_context(
            social_crm_agent_convert=True
        )._social_route(automatic=False).with_env(self.env) | already
        if len(tickets) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "helpdesk.ticket",
                "res_id": tickets.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tickets"),
            "res_model": "helpdesk.ticket",
            "domain": [("id", "in", tickets.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }

    def action_not_complaint(self):
        """The agent says these posts are no complaints: keep the label, mark them reviewed;
        a note on their tickets (else their contacts) says who decided, a toast confirms."""
        self.check_access("write")
        self.env["social.crm.complaint.label"]._record_decisions(self, False)
        self.filtered(lambda p: p.state == "new").write({"state": "reviewed"})
        notes = {}
        # sudo: the note goes to the post's ticket or contact, which the user may not write
        for post in self.sudo():
            target = post.ticket_id or post.partner_id
            if target:
                notes.setdefault(target, []).append(post)
        for target, posts in notes.items():
            sentence = self.env._(
                "%(user)s marked the post of %(author)s on %(network)s as not a complaint: "
                "the decision trains the complaint detection.",
                user=self.env.user.name,
                author=posts[0].author_name or posts[0].author_handle or "?",
                network=posts[0].network_id.name,
            )
            # sudo: the note is the product's record of the decision (the user may not
            # write the contact): posted as the product, signed by the user
            target.sudo().message_post(
                body=Markup("<p>%s</p><p class='text-muted small'>%s</p>")
                % (sentence, " · ".join((p.text_preview or "") for p in posts)),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
        return self._social_decision_toast(
            self.env._("Not a complaint"),
            self.env._(
                "Noted: the post is marked as reviewed, and the complaint detection "
                "learns from your decision."
            ) if len(self) == 1 else self.env._(
                "Noted: %(count)s posts are marked as reviewed, and the complaint "
                "detection learns from your decision.",
                count=len(self),
            ),
        )

    @api.model
    def _social_decision_toast(self, title, message):
        """The client action of an agent's decision on posts: a success toast, then the list
        reloads (the decided posts leave it) and the agent goes on with the next one."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_hide_on_network(self):
        self.ensure_one()
        self.check_access("write")
        return self._social_hide()

    def _social_hide(self, ticket=None):
        """Queue hiding this post on its network (Facebook comment, X reply): it happens after
        the commit; the ticket's chatter says how it went. A notification says what now."""
        self.ensure_one()
        post = self.sudo()  # sudo: the post's source (credentials) decides; agents cannot read it
        Outbox = self.env["social.crm.outbox"]

        def notify(message, kind, title=None):
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": title or self.env._("Hide on the network"),
                    "message": message,
                    "type": kind,
                    "sticky": kind == "danger",
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }

        problem = Outbox._publish_problem(post, "hide")
        if problem:
            kind = "warning" if not connectors.can_hide(post.network_id.code or "") else "danger"
            return notify(problem, kind)
        # sudo: agents have no access to the outbox (it carries the network credentials' use)
        pending = Outbox.sudo().search_count(
            [("post_id", "=", post.id), ("action", "=", "hide"),
             ("state", "in", ("queued", "sending"))]
        )
        if not pending:
            Outbox._queue(
                [{"action": "hide", "post_id": post.id, "res_model": post._name,
                  "res_id": post.id}]
            )
        if Outbox._is_demo_post(post):
            return notify(
                self.env._(
                    "Demo: recorded, not sent (no network behind the replay source)."
                ),
                "info",
                self.env._("Demo"),
            )
        return notify(
            self.env._(
                "Queued: the post will be hidden on %(network)s in a few seconds.",
                network=post.network_id.name,
            ),
            "info",
        )

    def _social_outbox_update(self, item):
        """The outbox tells how hiding this post went: a note on its ticket."""
        self.ensure_one()
        if item.action != "hide" or item.state in ("queued", "sending"):
            return
        user = item.user_id.name or self.env._("Social CRM")
        if item.state == "sent":
            self.social_hidden = True
            message = self.env._(
                "The customer's post was hidden on %(network)s by %(user)s.",
                network=item.network_id.name,
                user=user,
            )
        elif item.state == "demo":
            message = self.env._(
                "Demo: hiding the post on %(network)s was recorded, not sent (no network "
                "behind the replay source).",
                network=item.network_id.name,
            )
        elif item.state == "failed":
            message = self.env._(
                "The post could not be hidden: %(error)s", error=item.error_message or ""
            )
        else:
            return
        if self.ticket_id:
            self.ticket_id.message_post(
                body=Markup("<p>%s</p>") % message,
                message_type="comment" if item.state != "failed" else "notification",
                subtype_xmlid="mail.mt_note",
            )

    # --- posts stored before installation ------------------------------------------------------
    @api.model
    def _social_process_existing(self):
        """Redact and classify the posts without a detected label, in batches."""
        last_id = 0
        while True:
            # sudo: runs once on installation, for every company's posts
            posts = self.sudo().search(
                Domain("complaint_label", "=", False) & Domain("id", ">", last_id),
                order="id",
                limit=PROCESS_BATCH,
            )
            if not posts:
                break
            last_id = posts[-1].id
            models_by_company = posts.company_id._social_complaint_models()
            for post in posts:
                vals = {
                    "text": post.text or "",
                    "lang": post.lang,
                    "raw_payload": post.raw_payload,
                }
                post._social_prepare_vals(vals, models_by_company.get(post.company_id.id))
                if not vals.get("has_sensitive_data"):
                    vals.pop("text")
                    vals.pop("raw_payload")
                vals.pop("lang")
                post.with_context(social_crm_pii_done=True).write(vals)
            self.env.flush_all()
            self.env.invalidate_all()
        return True
