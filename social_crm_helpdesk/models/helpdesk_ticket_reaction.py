# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError

from .helpdesk_ticket import INTERNAL
from .helpdesk_ticket_guard import _PRODUCT, PRODUCT_KEY


def _account_label(post):
    """The company's account that wrote ``post``, as the notes name it: its handle with "@",
    else its name as it is (a Facebook page without username, a failed profile look-up: no
    "@" before a name), else "?"."""
    handle = (post.author_handle or "").lstrip("@")
    return f"@{handle}" if handle else (post.author_name or "?")

REACTION_FIELDS = frozenset({"social_first_reply_channel"})


class HelpdeskTicket(models.Model):
    """The company's first reaction, wherever it happened: a reply sent from Odoo (published:
    a reply only recorded for the demo is none), a reply the team wrote in the network's own
    app (the company's own account's post in the conversation, or an agent's record of it
    with the time of the answer: *Answered in the Network's App*), or a completed call
    activity. Each sets the first response (once), and so stops the deadline, with its
    channel."""

    _inherit = "helpdesk.ticket"

    social_first_reply_channel = fields.Selection(
        [
            ("odoo", "Reply from Odoo"),
            ("network_app", "Reply in the Network's App"),
            ("network_app_recorded", "Reply in the Network's App, Recorded by an Agent"),
            ("phone", "Phone Call"),
        ],
        string="First Reaction By",
        readonly=True,
        copy=False,
        groups=INTERNAL,
    )

    def _social_check_product_fields(self, vals, creating=False):
        super()._social_check_product_fields(vals, creating=creating)
        if self.env.su or self.env.context.get(PRODUCT_KEY) is _PRODUCT:
            return
        if any(vals[name] or not creating for name in REACTION_FIELDS.intersection(vals)):
            raise AccessError(
                self.env._(
                    "These fields of a social ticket are recorded by Social CRM and cannot be "
                    "changed by hand: %(fields)s.",
                    fields=self._fields["social_first_reply_channel"]._description_string(
                        self.env
                    ),
                )
            )

    def _social_record_reaction(self, when, channel):
        """The first reaction on these social tickets (the first-response KPIs, once), and
        the reaction that ends the current wait of a ticket reopened after an answer (see
        ``social_wait_since``); the later ones change nothing."""
        # sudo: the first-reaction KPI is written by the product, whoever reacted
        for ticket in self.sudo():
            if not ticket.social_network_id:
                continue
            if not ticket.social_first_reply_at:
                deadline = ticket.social_response_deadline
                ticket.write(  # the current wait is the first one: it follows
                    {
                        "social_first_reply_at": when,
                        "social_first_reply_channel": channel,
                        "social_deadline_met": bool(deadline and when <= deadline),
                    }
                )
            elif not ticket.social_wait_reply_at:
                deadline = ticket.social_wait_deadline
                ticket.write(
                    {
                        "social_wait_reply_at": when,
                        "social_wait_met": bool(deadline and when <= deadline),
                    }
                )

    def action_social_answered_in_app(self):
        """*Answered in the Network's App*: the agent answered the customer in the network's
        own app (or site) and records it here, with the time of the answer."""
        self.ensure_one()
        self.check_access("write")
        wizard = self.env["social.crm.network.answer.wizard"].create({"ticket_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answered in the Network's App"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _social_record_network_answer(self, when, user, link=False, note=False):
        """``user`` answered the current wait of this ticket in the network's own app at
        ``when`` (naive UTC): a note in the chatter by that user (what, when, that nothing was
        sent from Odoo) and the reaction (channel ``network_app_recorded``)."""
        self.ensure_one()
        ticket = self.sudo()  # sudo: the product's note and KPI, after the caller's checks
        text = self.env._(
            "Answered on %(network)s in the network's own app at %(time)s (recorded by "
            "%(user)s: nothing was sent from Odoo).",
            network=ticket.social_network_id.name,
            time=ticket._social_time(when),
            user=user.name,
        )
        body = Markup("<p class='text-muted small'>%s") % text
        if link:
            body += Markup(" <a href='%s' target='_blank' rel='noopener'>%s</a>") % (link, link)
        body += Markup("</p>")
        if note:
            body = Markup("<p>%s</p>") % note + body
        ticket.message_post(
            body=body,
            author_id=user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        ticket._social_record_reaction(when, "network_app_recorded")
        ticket._social_take_by_answer(user)
        return True

    def _social_take_by_answer(self, user):
        """``user`` answered the customer of these social tickets: those without an owner
        become theirs (a note says why). An owner already there keeps the ticket; OdooBot, a
        portal user or an archived user never takes one."""
        user = user.sudo()  # sudo: whether the user is internal, whoever answered
        if not user or not user.active or user.share or user.id == SUPERUSER_ID:
            return self.browse()
        # sudo: the product's assignment, after the caller's checks
        tickets = self.sudo().filtered(lambda t: t.social_network_id and not t.user_id)
        if not tickets:
            return tickets
        tickets.write({"user_id": user.id})
        bodies = {
            ticket.id: Markup("<p>%s</p>") % self.with_context(
                lang=ticket._social_reader_lang(user)
            ).env._(
                "Assigned to %(user)s, who answered the customer while the ticket had no "
                "owner.",
                user=user.name,
            )
            for ticket in tickets
        }
        tickets._message_log_batch(bodies, author_id=self.env.ref("base.partner_root").id)
        return tickets

    @api.model
    def _social_add_posts_batch(self, follow_ups):
        result = super()._social_add_posts_batch(follow_ups)
        # sudo: the company's accounts decide, and agents cannot read accounts
        posts = self.env["social.crm.post"].sudo().browse(
            [post.id for ticket_posts in follow_ups.values() for post in ticket_posts]
        )
        own = posts._social_company_posts()  # one look-up of the accounts for the batch
        if own:
            # a reply sent from Odoo that the network delivers back (X's Account Activity
            # sends the account's own tweets) was recorded when it was sent: no answer in
            # the network's app (one query for the batch)
            # sudo: the replies of these tickets, whoever ingested the posts
            sent = self.env["social.crm.reply"].sudo().search_fetch(
                [("ticket_id", "in", [t.id for t in follow_ups]),
                 ("external_id", "in", own.mapped("external_id"))],
                ["ticket_id", "external_id"],
            )
            echoes = {(reply.ticket_id.id, reply.external_id) for reply in sent}
            own = own.filtered(lambda p: (p.ticket_id.id, p.external_id) not in echoes)
        # sudo: the tickets' post dates, whoever ingested the answer (read in one query): the
        # waiting complaint's (the first, or the one that reopened the ticket after an answer)
        posted = {
            ticket.id: ticket.social_wait_since or ticket.social_posted_at
            for ticket in self.browse([t.id for t in follow_ups]).sudo()
        } if own else {}
        answered = {}  # ticket id -> the handle of the account that answered
        for ticket, ticket_posts in follow_ups.items():
            ticket_own = own & ticket_posts
            since = posted.get(ticket.id)
            if since:
                # a post of the company written before the complaint (the post that started
                # the thread, fetched by a later page) answers nothing
                ticket_own = ticket_own.filtered(
                    lambda p, since=since: not p.posted_at or p.posted_at >= since
                )
            if not ticket_own:
                continue
            first = ticket_own.sorted(lambda p: (p.posted_at, p.id))[0]
            ticket = self.browse(ticket.id)
            # in the language of whom reads the ticket (see _social_reader_lang), not the job's
            words = self.with_context(lang=ticket._social_reader_lang()).env
            ticket.sudo().message_post(  # sudo: the product's note, whoever ingested the answer
                body=Markup("<p class='text-muted small'>%s</p>") % words._(
                    "Answered by the company's account %(account)s in the network's own app.",
                    account=_account_label(first),
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
            ticket._social_record_reaction(first.posted_at or fields.Datetime.now(), "network_app")
            answered[ticket.id] = _account_label(first)
        if answered:
            self.browse(list(answered))._social_assign_answered_in_app(answered)
        return result

    def _social_assign_answered_in_app(self, handles):
        """The company's account answered these tickets in the network's own app (``handles``:
        {ticket id: the account as :func:`_account_label` names it}): Odoo does not know who
        of the team wrote it, and the customer's next words need someone. An open ticket
        without owner gets one as a new top ticket does (the team's rule: who is on duty,
        else a member not on leave with the fewest open tickets, else the leader; a team that
        never assigns keeps it unassigned); the note says that the answer came from the
        network's app."""
        # sudo: the product's assignment and note, whoever ingested the answer
        tickets = self.sudo().filtered(
            lambda t: t.team_id and not t.user_id and not t.stage_id.closed and t.active
        )
        if not tickets:
            return self.browse()
        owners, bodies, off_duty = tickets._social_assign_plan(must_own=set(tickets.ids))
        readers = {tid: owner for owner, ids in owners.items() for tid in ids}
        # a ticket nobody could take (the team never assigns, nobody at all): no note again
        bodies = {tid: body for tid, body in bodies.items() if tid in readers}
        for ticket in tickets.filtered(lambda t: t.id in readers):
            words = self.with_context(lang=ticket._social_reader_lang(readers[ticket.id])).env
            bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                "The company's account %(account)s answered the customer in the network's own "
                "app: Odoo does not know who of the team wrote it, so the ticket gets an owner "
                "for what the customer writes next.",
                account=handles.get(ticket.id, "?"),
            ) + bodies.get(ticket.id, Markup())
        tickets._social_assign((owners, bodies, off_duty))
        return tickets.filtered("user_id")
