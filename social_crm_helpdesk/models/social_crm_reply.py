# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

#: how long an answer already queued or sent keeps the same text from being queued again to
#: the same post or conversation (X refuses duplicate content with HTTP 403; on any network
#: the customer would read it twice). A day: the same approved wording answering a new
#: complaint of the conversation days later is an answer again
DUPLICATE_WINDOW = dt.timedelta(hours=24)


def same_text_key(text):
    """A reply's text as compared for duplicates: its words, whitespace normalised."""
    return " ".join((text or "").split())


class SocialCrmReply(models.Model):
    """A public answer of the company on a network, written on a ticket: the agent's side
    (text, author, state as the ticket shows it). The delivery itself is an item of
    ``social.crm.outbox`` (queued, retried, sent after the commit).

    The answer is the company's record: when the customer deletes the post it answered on
    the network, the reply stays (network, company, ticket, text, agent, the network's id
    and URL, when it was sent) without the post, and says when the post was deleted
    (``post_deleted_at``, ``post_external_id``); one still to send is cancelled, never sent
    (``_social_keep_for_deleted_posts``). A user's delete of the post in Odoo, and a privacy
    erasure, still take its replies with it."""

    _name = "social.crm.reply"
    _description = "Social Reply"
    _order = "create_date desc, id desc"
    _rec_name = "text"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        index=True,
        ondelete="cascade",
        readonly=True,
        help="Empty for an answer from the Social Inbox (a question, a praise): no ticket.",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, readonly=True
    )
    # empty only once the post was deleted on the network (the constraint below): a user's
    # delete in Odoo takes the replies with the post (cascade)
    post_id = fields.Many2one(
        "social.crm.post", string="In Reply To", ondelete="cascade", readonly=True, index=True
    )
    # what the reply keeps of the post it answered, also once the post is gone
    network_id = fields.Many2one(
        "social.crm.network", compute="_compute_post_kept", store=True, readonly=True
    )
    post_external_id = fields.Char(
        string="Answered Post ID", compute="_compute_post_kept", store=True, readonly=True,
        help="The id on the network of the post this reply answered.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_post_kept", store=True,
        readonly=True, index="btree_not_null",
        help="The contact of the post this reply answered (its privacy requests cover the "
        "reply).",
    )
    identity_id = fields.Many2one(
        "social.crm.identity", string="Customer's Identity", compute="_compute_post_kept",
        store=True, readonly=True, index="btree_not_null",
    )
    post_deleted_at = fields.Datetime(
        string="Answered Post Deleted", readonly=True, copy=False,
        help="When the customer deleted the post this reply answered on the network: the "
        "reply stays, the post is gone.",
    )
    text = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("demo", "Demo: Recorded, Not Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    error_message = fields.Text(string="Why", readonly=True)
    outbox_id = fields.Many2one("social.crm.outbox", readonly=True, copy=False)
    external_id = fields.Char(string="Reply ID on Network", readonly=True)
    url = fields.Char(string="URL", readonly=True)
    sent_at = fields.Datetime(string="Sent", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", default=lambda self: self.env.user, readonly=True
    )

    _post_or_deleted = models.Constraint(
        "CHECK (post_id IS NOT NULL OR post_deleted_at IS NOT NULL)",
        "A reply answers a post, unless that post was deleted on the network.",
    )

    @api.depends("ticket_id.company_id", "post_id.company_id")
    def _compute_company_id(self):
        for reply in self:
            # the post deleted on the network: an answer without ticket keeps its company
            reply.company_id = (
                reply.ticket_id.company_id or reply.post_id.company_id or reply.company_id
            )

    @api.depends("post_id.network_id", "post_id.external_id", "post_id.partner_id",
                 "post_id.identity_id")
    def _compute_post_kept(self):
        for reply in self:
            post = reply.post_id
            if not post:
                continue  # deleted on the network: the reply keeps what it had
            reply.network_id = post.network_id
            reply.post_external_id = post.external_id
            reply.partner_id = post.partner_id
            reply.identity_id = post.identity_id

    @api.model
    def _social_check_can_reply_post(self, post):
        """Raise unless the current user may answer ``post`` publicly without a ticket (from the
        Social Inbox): write access to the post, the post's company is one of the user's, and
        the publishing credentials belong to that company."""
        post.check_access("write")
        # sudo: the refusal names the post's company, which the user may not be allowed to read
        company = post.sudo().company_id
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot answer on behalf of %(company)s.", company=company.display_name
                )
            )
        # sudo: sources hold credentials, agents cannot read them
        source = post.sudo().source_id
        if source and source.company_id != company:
            raise AccessError(
                self.env._("The publishing account does not belong to the post's company.")
            )
        return True

    def _social_check_can_send(self):
        self.ensure_one()
        if not self.post_id:
            raise UserError(self.env._(
                "The post this reply answered was deleted on the network: it cannot be "
                "answered publicly any more. Write a direct message or call."))
        if self.ticket_id:
            return self._social_check_can_reply(self.ticket_id, self.post_id)
        return self._social_check_can_reply_post(self.post_id)

    @api.model
    def _social_post_of_ticket(self, ticket, post):
        """Whether ``post`` is one of ``ticket``'s posts (or of its conversation)."""
        # sudo: compares the conversation whatever the user may read; the callers check access
        ticket, post = ticket.sudo(), post.sudo()
        if not (ticket and post):
            return False
        if post == ticket.social_post_id or post.ticket_id == ticket:
            return True
        return bool(
            ticket.social_conversation_key
            and post.company_id == ticket.company_id
            and post.network_id == ticket.social_network_id
            and post._social_conversation_key() == ticket.social_conversation_key
        )

    @api.model
    def _social_check_can_reply(self, ticket, post):
        """Raise unless the current user may answer ``post`` publicly from ``ticket``: write
        access to the ticket, the post is one of the ticket's, the user may act for the post's
        company (an allowed company, and the post readable under the user's rules), and the
        publishing credentials belong to that company."""
        ticket.check_access("write")
        if not self._social_post_of_ticket(ticket, post):
            raise AccessError(
                self.env._("You can only reply to the posts of this ticket's conversation.")
            )
        # sudo: checked before the post's read access (and the refusal names its company)
        company = post.sudo().company_id
        if company not in self.env.user.company_ids or company != ticket.company_id:
            raise AccessError(
                self.env._(
                    "You cannot answer on behalf of %(company)s.", company=company.display_name
                )
            )
        post.with_env(self.env).check_access("read")
        # sudo: sources hold credentials, agents cannot read them
        source = post.sudo().source_id
        if source and source.company_id != company:
            raise AccessError(
                self.env._("The publishing account does not belong to the post's company.")
            )
        return True

    @api.model
    def _social_duplicate(self, post, text, ticket=None, exclude=None):
        """The reply queued (any age), or sent in the last :data:`DUPLICATE_WINDOW`, to
        ``post`` (or, with ``ticket``, to any post of the ticket) with the same text after
        whitespace normalisation, the newest; else an empty recordset. ``exclude``: the reply being
        sent (its own retry is no duplicate). One query."""
        key = same_text_key(text)
        if not key or not post:
            return self.browse()
        where = [("post_id", "=", post.id)]
        if ticket:
            where = ["|", ("post_id", "=", post.id), ("ticket_id", "=", ticket.id)]
        cutoff = fields.Datetime.now() - DUPLICATE_WINDOW
        # sudo: agents may not read every reply of the conversation; only its date is said
        replies = self.sudo().search_fetch([
            *where,
            # still to go out, whatever its age; out in the window (when the network took it:
            # a reply queued long ago may have gone out a minute ago), or recorded in it
            "|", ("state", "=", "queued"),
            "&", ("state", "in", ("sent", "demo")),
            "|", ("sent_at", ">=", cutoff),
            "&", ("sent_at", "=", False), ("create_date", ">=", cutoff),
            ("id", "not in", (exclude or self.browse()).ids),
        ], ["text", "state", "create_date", "sent_at"], order="create_date desc, id desc")
        return replies.filtered(lambda r: same_text_key(r.text) == key)[:1]

    @api.model
    def _social_check_not_duplicate(self, post, text, ticket=None, exclude=None):
        """Raise (translated) when the same text was already queued or sent to ``post`` or
        its ticket's conversation (:meth:`_social_duplicate`)."""
        earlier = self._social_duplicate(post, text, ticket=ticket, exclude=exclude)
        if not earlier:
            return True
        when = self.env["res.lang"]._social_format_datetime(
            earlier.sent_at or earlier.create_date)
        if earlier.state == "queued":
            raise UserError(self.env._(
                "The same reply is already queued for this conversation (since %(when)s): it "
                "is not queued twice (the network would refuse the duplicate, or the "
                "customer would read it twice). Change the text, or wait for the first one.",
                when=when))
        raise UserError(self.env._(
            "The same reply was already published in this conversation on %(when)s: it is "
            "not sent twice (the network would refuse the duplicate, or the customer would "
            "read it twice). Change the text if something new is to be said.", when=when))

    def _social_publish_problem(self):
        """Why this reply cannot be queued (no reply API, no credentials), or False."""
        self.ensure_one()
        return self.env["social.crm.outbox"]._publish_problem(self.post_id, "reply")

    def _queue(self):
        """Queue the reply in the outbox: it is published after the commit (see
        ``social.crm.outbox``); the ticket counts it as answered when it is really out."""
        Outbox = self.env["social.crm.outbox"]
        for reply in self:
            # sudo: agents cannot read the outbox; the reply's own item is the product's
            item = reply.sudo().outbox_id
            if item and item.post_id != reply.post_id:
                # the agent now answers another post of the conversation: the old item
                # must never go out as well
                if item.state in ("queued", "failed"):
                    item.write({"state": "cancelled", "next_attempt_at": False})
                item = item.browse()
            if item.state in ("queued", "sending"):
                # on its way already (e.g. a manager retried it in the outbox): never twice
                reply.sudo().write({"state": "queued", "error_message": False})
                continue
            if item.state in ("failed", "cancelled"):
                # sent again as the same item: a manager's Retry in the outbox list and the
                # agent's Retry on the ticket can then never publish the reply twice
                item.write({
                    "text": reply.text,
                    "account_id": self.env["social.crm.account"]._for_post(
                        reply.post_id.sudo()).id or False,
                })
                item._retry()
                reply.sudo().write({"state": "queued", "error_message": False})
                continue
            item = Outbox._queue(
                [
                    {
                        "action": "reply",
                        "post_id": reply.post_id.id,
                        "text": reply.text,
                        "res_model": reply._name,
                        "res_id": reply.id,
                        "user_id": reply.user_id.id,
                    }
                ]
            )
            # sudo: agents only read replies; the product writes them after the checks above
            reply.sudo().write({"outbox_id": item.id, "state": "queued", "error_message": False})
        return True

    @api.model
    def _social_keep_for_deleted_posts(self, posts, deleted_at):
        """The replies to ``posts``, which their authors deleted on the network (just before
        the posts are deleted): they stay without the post, dated (``post_deleted_at``).
        One still to send is never sent: the outbox cancelled what it held
        (``social.crm.outbox._cancel_for_deleted_posts``, the reply was told why); a draft is
        cancelled the same way; one the sender holds right now (its outbox item goes with
        the post) may have gone out or not: failed, check on the network. One read, one
        write per post (its date) and per state changed.

        :param deleted_at: {post id: when the author deleted it (naive UTC)}
        """
        # sudo: the product keeps the company's answers, whoever processes the deletion
        replies = self.sudo().search([("post_id", "in", posts.ids)])
        if not replies:
            return replies
        drafts = replies.filtered(lambda r: r.state == "draft")
        drafts.write({
            "state": "cancelled",
            "error_message": self.env._(
                "The post was deleted by its author on the network: a public reply is no "
                "longer possible; write a direct message or call."),
        })
        being_sent = replies.filtered(lambda r: r.state == "queued")
        for network, group in being_sent.grouped("network_id").items():
            group.write({
                "state": "failed",
                "error_message": self.env._(
                    "The post was deleted by its author on %(network)s while this reply was "
                    "being sent: it may have been published anyway. Check on %(network)s.",
                    network=network.name),
            })
        # the agent learns it where the agent works: a note on the ticket (as for a reply the
        # network refused), in the language of whom reads the ticket (its agent, else its
        # team's leader, else its company: helpdesk.ticket._social_reader_lang), not the
        # caller's; the reply's own reason stays the company's
        bodies = {}
        for reply in being_sent.filtered("ticket_id"):
            words = self.with_context(lang=reply.ticket_id._social_reader_lang()).env
            bodies[reply.ticket_id.id] = bodies.get(reply.ticket_id.id, Markup()) + Markup(
                "<p>%s</p><p class='text-muted small'>%s</p>") % (
                reply.text,
                words._("Reply on %(network)s not confirmed: %(reason)s",
                        network=reply.network_id.name, reason=words._(
                            "The post was deleted by its author on %(network)s while this "
                            "reply was being sent: it may have been published anyway. Check "
                            "on %(network)s.", network=reply.network_id.name)),
            )
        if bodies:
            # sudo: the product's note on tickets of any agent, whoever processes the deletion
            self.env["helpdesk.ticket"].sudo().browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id,
                message_type="notification",
            )
        now = fields.Datetime.now()
        for when, group in replies.grouped(
                lambda r: deleted_at.get(r.post_id.id) or now).items():
            group.write({"post_id": False, "post_deleted_at": when})
        return replies

    @api.model
    def _social_mark_deleted_answers(self, posts, deleted_at):
        """The company's replies sent from Odoo whose own post (the echo the network
        delivered back, stored as the company's answer) is among ``posts``, deleted on the
        network (the company deleted its answer in the network's own app): they stay
        ``sent`` (they were published, and answered the customer then: the ticket's first
        reaction stays), their reason (``error_message``, shown with the state) says the
        answer is no longer public, and since when. One read, one write per date.

        :param deleted_at: {post id: when it was deleted (naive UTC)}
        """
        # sudo: the product marks the company's answers, whoever processes the deletion
        posts = posts.sudo()
        ids = {i for i in posts.mapped("external_id") + posts.mapped("version_external_id")
               if i}
        if not ids:
            return self.browse()
        replies = self.sudo().search([
            ("company_id", "in", posts.company_id.ids),
            ("network_id", "in", posts.network_id.ids),
            ("state", "=", "sent"),
            ("external_id", "in", sorted(ids)),
        ])
        when_of = {}
        for post in posts:
            for ext in (post.external_id, post.version_external_id):
                if ext:
                    when_of[post.company_id.id, post.network_id.id, ext] = deleted_at.get(post.id)
        now = fields.Datetime.now()
        Lang = self.env["res.lang"]
        for (when, network), group in replies.grouped(lambda r: (
                when_of.get((r.company_id.id, r.network_id.id, r.external_id)) or now,
                r.network_id)).items():
            group.write({"error_message": self.env._(
                "Deleted on %(network)s on %(date)s: this answer is no longer public.",
                network=network.name, date=Lang._social_format_datetime(when))})
        return replies

    def action_retry(self):
        """Send a failed reply again (the agent checked the reason)."""
        for reply in self:
            reply._social_check_can_send()
            if reply.state not in ("failed", "cancelled"):
                continue
            # the same words went out meanwhile (the agent wrote them again in the wizard):
            # never published twice, as in the wizard
            self._social_check_not_duplicate(
                reply.post_id, reply.text, ticket=reply.ticket_id, exclude=reply)
            problem = reply._social_publish_problem()
            if problem:
                raise UserError(problem)
            reply._queue()
        return True

    def _social_outbox_update(self, item):
        """The outbox tells the result of the reply's item (sent, demo, retry, failed)."""
        self.ensure_one()
        if item != self.outbox_id:
            return
        if item.state in ("queued", "sending"):
            self.write({"state": "queued", "error_message": item.error_message or False})
            return
        if item.state in ("failed", "cancelled"):
            self.write({"state": item.state, "error_message": item.error_message or False})
            if not self.ticket_id:
                return
            self.ticket_id.message_post(
                body=Markup("<p>%s</p><p class='text-muted small'>%s</p>") % (
                    self.text,
                    self.env._(
                        "Reply on %(network)s not published: %(reason)s",
                        network=item.network_id.name,
                        reason=item.error_message or item.state,
                    ),
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
            return
        demo = item.state == "demo"
        self.write(
            {
                "state": item.state,
                "error_message": False,
                # a demo reply has no id, URL nor date on a network: it was sent nowhere
                "external_id": False if demo else item.external_id,
                "url": False if demo else item.url or False,
                "sent_at": False if demo else item.sent_at,
            }
        )
        ticket = self.ticket_id
        if not ticket:
            return
        note = (
            self.env._("Demo: recorded, not sent (no network behind the replay source).")
            + " " + self.env._("Not a public answer: the ticket still waits for one.")
            if demo
            else self.env._("Public reply on %(network)s", network=item.network_id.name)
        )
        body = Markup("<p>%s</p><p class='text-muted small'>%s") % (self.text, note)
        if item.url:
            body += Markup(" · <a href='%s' target='_blank' rel='noopener'>%s</a>") % (
                item.url,
                item.url,
            )
        body += Markup("</p>")
        ticket.message_post(
            body=body,
            author_id=self.user_id.partner_id.id or None,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if not demo:
            # a reply only recorded (demo) was published nowhere: it answers nobody, neither
            # the first public reply nor the reaction-time KPIs count it
            ticket._social_record_reaction(item.sent_at or fields.Datetime.now(), "odoo")
        # the agent who answered an unassigned ticket owns it (a demo reply too: the agent
        # handles the customer, whether the words went out or not)
        ticket._social_take_by_answer(self.user_id)
