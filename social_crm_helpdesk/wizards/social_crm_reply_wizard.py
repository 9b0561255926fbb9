# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..detection.reply_text import leftovers, reply_length, reply_limit


class SocialCrmReplyWizard(models.TransientModel):
    _name = "social.crm.reply.wizard"
    _description = "Reply on the Network"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        ondelete="cascade",
        help="Empty when answering from the Social Inbox: no ticket, no complaint label.",
    )
    post_id = fields.Many2one(
        "social.crm.post",
        string="In Reply To",
        compute="_compute_post_id",
        store=True,
        readonly=False,
        domain="[('ticket_id', '=', ticket_id)]",
    )
    network_name = fields.Char(related="post_id.network_id.name", string="Network")
    post_text = fields.Text(related="post_id.text", string="Customer's Post")
    author_handle = fields.Char(related="post_id.author_handle", string="Author")
    text = fields.Text(string="Reply")
    reply_id = fields.Many2one("social.crm.reply", string="Draft", readonly=True)
    error_message = fields.Text(readonly=True)
    partner_phone = fields.Char(related="ticket_id.partner_id.phone", string="Phone")
    company_id = fields.Many2one("res.company", compute="_compute_company_team")
    team_id = fields.Many2one("helpdesk.ticket.team", compute="_compute_company_team")
    lang = fields.Selection(
        [("de", "German"), ("en", "English")],
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
        help="Of the wordings offered; taken from the customer's post.",
    )
    wording_id = fields.Many2one(
        "social.crm.wording",
        domain="[('state', '=', 'approved'), ('company_id', '=', company_id), "
        "('lang', '=', lang), '|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
        help="An approved answer of the team; type to search its name or text.",
    )
    guideline_html = fields.Html(
        string="Guidelines", compute="_compute_guideline_html", sanitize=False
    )
    length_limit = fields.Integer(compute="_compute_length")
    length_used = fields.Integer(string="Length", compute="_compute_length")
    length_info = fields.Char(string="Characters", compute="_compute_length")
    length_over = fields.Boolean(compute="_compute_length")

    @api.depends("ticket_id")
    def _compute_post_id(self):
        for wizard in self:
            if not wizard.ticket_id:
                # answering a post of the Social Inbox: the post given
                wizard.post_id = wizard.post_id
                continue
            posts = wizard.ticket_id.social_post_ids.sorted(
                lambda p: (p.posted_at, p.id), reverse=True
            )
            customer = posts.filtered(
                lambda p, t=wizard.ticket_id: p.identity_id == t.social_identity_id
            )
            wizard.post_id = (customer or posts)[:1] or wizard.ticket_id.social_post_id

    @api.depends("ticket_id", "post_id")
    def _compute_company_team(self):
        for wizard in self:
            ticket = wizard.ticket_id
            company = ticket.company_id or wizard.post_id.company_id
            wizard.company_id = company
            wizard.team_id = ticket.team_id or company.social_helpdesk_team_id

    @api.depends("post_id")
    def _compute_lang(self):
        for wizard in self:
            # the network's language, else the one the detection found in the text (Meta's
            # webhooks and feeds give none)
            post = wizard.post_id
            lang = (post.lang or post.complaint_lang or "").lower()[:2]
            if lang not in ("de", "en"):
                ticket_lang = (wizard.ticket_id.partner_id.lang or "").lower()[:2]
                lang = ticket_lang if ticket_lang in ("de", "en") else "en"
            wizard.lang = lang

    @api.depends("team_id")
    def _compute_guideline_html(self):
        Guideline = self.env["social.crm.reply.guideline"]
        for wizard in self:
            lines = wizard.team_id and Guideline.search([("team_id", "=", wizard.team_id.id)])
            if not lines:
                wizard.guideline_html = False
                continue
            items = Markup("").join(Markup("<li>%s</li>") % line.name for line in lines)
            wizard.guideline_html = Markup(
                "<ul class='o_social_reply_guidelines mb-0'>%s</ul>"
            ) % items

    @api.depends("text", "post_id")
    def _compute_length(self):
        for wizard in self:
            # sudo: the source's reply limit; agents cannot read sources (credentials)
            post = wizard.post_id.sudo()
            code = post.network_id.code or ""
            limit = reply_limit(code, post.source_id.social_reply_max_chars or 0) or 0
            used = reply_length(wizard.text or "", code)
            wizard.length_limit = limit
            wizard.length_used = used
            wizard.length_over = bool(limit and used > limit)
            wizard.length_info = f"{used} / {limit}" if limit else str(used)

    @api.onchange("wording_id")
    def _onchange_wording_id(self):
        if self.wording_id and (self.ticket_id or self.post_id):
            # sudo: rendering a template needs template-editor rights; wordings are written
            # by managers, agents only pick them
            self.text = self.wording_id.sudo()._render_for(self.ticket_id, self.post_id)

    def _check_reply_text(self):
        """Refuse a text with a placeholder or a redacted value left, or too long."""
        self.ensure_one()
        left = leftovers(self.text)
        if left:
            raise UserError(
                self.env._(
                    "Replace these before sending: %(items)s",
                    items=", ".join(dict.fromkeys(left)),
                )
            )
        if self.length_over:
            raise UserError(
                self.env._(
                    "The reply is %(used)s characters long as %(network)s counts them; "
                    "the limit is %(limit)s.",
                    used=self.length_used,
                    network=self.network_name,
                    limit=self.length_limit,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_readable()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        if {"ticket_id", "post_id"} & set(vals):
            self._check_readable()
        return result

    def _check_readable(self):
        """The wizard shows the post's text and the customer's phone (related fields, read as
        superuser): only on a ticket and a post the user may read (over JSON-RPC a wizard can
        be created on any id). Not a constraint: those run as superuser."""
        for wizard in self:
            wizard.ticket_id.check_access("read")
            wizard.post_id.check_access("read")

    @api.constrains("ticket_id", "post_id")
    def _check_post_of_ticket(self):
        of_ticket = self.env["social.crm.reply"]._social_post_of_ticket
        for wizard in self:
            ticket, post = wizard.ticket_id, wizard.post_id
            if ticket and post and not of_ticket(ticket, post):
                raise ValidationError(
                    self.env._("You can only reply to the posts of this ticket's conversation.")
                )

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply on the Network"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_send(self):
        """Queue the reply: it is published on the network after the commit, the ticket shows
        when it is out (or why not). What can be known now (no reply API, no credentials)
        keeps the wizard open with the text and the reason."""
        self.ensure_one()
        if self.ticket_id:
            self.ticket_id.check_access("write")
        if not (self.text or "").strip():
            raise UserError(self.env._("Write the reply first."))
        if not self.post_id:
            raise UserError(self.env._("This ticket has no post to reply to."))
        self._check_reply_text()
        Reply = self.env["social.crm.reply"]
        if self.ticket_id:
            Reply._social_check_can_reply(self.ticket_id, self.post_id)
        else:
            Reply._social_check_can_reply_post(self.post_id)
        # the same text queued or sent to this post or conversation already
        Reply._social_check_not_duplicate(
            self.post_id, self.text, ticket=self.ticket_id, exclude=self.reply_id)
        # the draft of this ticket (or post) only (``reply_id`` could be written over RPC);
        # a reply whose post was deleted on the network meanwhile stays as it is (the record
        # of what was not sent, and why): a new reply answers the post chosen now
        # sudo: agents only read replies; the product writes them after the checks above
        reply = self.reply_id.sudo()
        if reply and reply.ticket_id == self.ticket_id and (
            self.ticket_id or reply.post_id == self.post_id
        ) and reply.state in ("draft", "failed", "cancelled") and not reply.post_deleted_at:
            reply.write({"text": self.text, "post_id": self.post_id.id})
        else:
            reply = Reply.sudo().create(  # sudo: see above
                {
                    "ticket_id": self.ticket_id.id or False,
                    "post_id": self.post_id.id,
                    "text": self.text,
                    "user_id": self.env.uid,
                }
            )
            self.reply_id = reply
        problem = reply._social_publish_problem()
        if problem:
            reply.write({"state": "failed", "error_message": problem})
            self.error_message = problem
            return self._action_reopen()
        reply._queue()
        self.error_message = False
        if self.env["social.crm.outbox"]._is_demo_post(self.post_id):
            title = self.env._("Demo")
            message = self.env._(
                "Recorded on the ticket, not sent: the post came from the replay source, "
                "there is no network behind it."
            ) if self.ticket_id else self.env._(
                "Recorded, not sent: the post came from the replay source, there is no "
                "network behind it."
            )
        else:
            title = self.env._("Queued")
            message = self.env._(
                "Your reply will be published on %(network)s in a few seconds. The ticket "
                "shows when it is out, or why not.",
                network=self.network_name,
            ) if self.ticket_id else self.env._(
                "Your reply will be published on %(network)s in a few seconds. The post's "
                "replies show when it is out, or why not.",
                network=self.network_name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_plan_call(self):
        """Call the customer instead: a call activity with the contact's phone in the note."""
        self.ensure_one()
        ticket = self.ticket_id
        if not ticket:
            raise UserError(self.env._("Planning a call needs a ticket."))
        ticket.check_access("write")
        partner = ticket.partner_id
        phone = partner.phone
        if phone:
            note = Markup("<p>%s</p>") % self.env._(
                "Call %(name)s at %(phone)s instead of answering publicly.",
                name=partner.name,
                phone=phone,
            )
        else:
            note = Markup("<p>%s</p>") % self.env._(
                "Call %(name)s instead of answering publicly (no phone number known yet).",
                name=partner.name or ticket.partner_name or "?",
            )
        if (self.text or "").strip():
            note += Markup("<p>%s</p><p>%s</p>") % (self.env._("Draft reply:"), self.text)
        ticket.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Call the customer"),
            note=note,
            # the ticket's agent, else its team leader, else who asks (never OdooBot)
            user_id=(ticket._social_activity_user() or self.env.user).id,
        )
        return {"type": "ir.actions.act_window_close"}
