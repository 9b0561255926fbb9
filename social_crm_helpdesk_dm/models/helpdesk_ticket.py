# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.social_crm_helpdesk.models.social_crm_reply import same_text_key
from odoo.exceptions import UserError

INTERNAL = "base.group_user"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_dm_conversation_ids = fields.One2many(
        "social.crm.dm.conversation", "ticket_id", string="Private Conversations",
        readonly=True, groups=INTERNAL,
    )
    social_dm_message_ids = fields.One2many(
        "social.crm.dm.message", "ticket_id", string="Private Messages", readonly=True,
        groups=INTERNAL,
    )
    social_dm_linked = fields.Boolean(
        string="Private Chat", compute="_compute_social_dm", store=True, groups=INTERNAL,
        help="The customer writes privately on this ticket.",
    )
    social_dm_window_note = fields.Char(
        string="Answer Window", compute="_compute_social_dm_window", groups=INTERNAL
    )
    social_dm_invited_at = fields.Datetime(
        string="Invited to a Private Chat", readonly=True, copy=False, groups=INTERNAL,
        index="btree_not_null",  # every new private chat looks for an invitation
        help="A public answer asked the customer to write privately: their first private "
        "message (from the same identity or contact) joins this ticket.",
    )

    @api.model
    def _social_product_fields(self):
        # whether the customer writes privately, and when a public answer invited them: facts
        # the product records (an agent who "invites" by hand would make the customer's next
        # private chat join this ticket)
        return super()._social_product_fields() | {"social_dm_linked", "social_dm_invited_at"}

    @api.depends("social_dm_conversation_ids")
    def _compute_social_dm(self):
        for ticket in self:
            ticket.social_dm_linked = bool(ticket.social_dm_conversation_ids)

    @api.depends("social_dm_conversation_ids.last_inbound_at")
    @api.depends_context("lang", "tz")
    def _compute_social_dm_window(self):
        for ticket in self:
            conversation = ticket.social_dm_conversation_ids[:1]
            if not conversation:
                ticket.social_dm_window_note = False
            elif not conversation.window_closes_at:
                ticket.social_dm_window_note = self.env._(
                    "%(network)s: you can answer at any time.",
                    network=conversation.network_id.name,
                )
            elif conversation.window_open:
                ticket.social_dm_window_note = self.env._(
                    "%(network)s: answer by %(time)s (24 hours after the customer's last "
                    "message).",
                    network=conversation.network_id.name,
                    time=ticket._social_time(conversation.window_closes_at),
                )
            else:
                ticket.social_dm_window_note = conversation._window_problem()

    def _dm_note_linked(self):
        """A note on tickets a private conversation was just linked to, in the language of
        whom reads the ticket (``_social_reader_lang``), not the webhook's or job's user's."""
        # sudo: the product's note on tickets the ingesting user may not write
        for ticket in self.sudo():
            words = self.with_context(lang=ticket._social_reader_lang()).env
            ticket.message_post(
                body=Markup("<p>%s</p>") % words._(
                    "The customer wrote privately: the private conversation is linked to this "
                    "ticket. Answer with “Private Message”."
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

    # --- actions ---------------------------------------------------------------------------
    def action_social_dm_send(self):
        """Open the dialog to answer the customer privately."""
        self.ensure_one()
        self.check_access("write")
        # sudo: conversations are product rows; agents reach them through the ticket (checked above)
        conversation = self.sudo().social_dm_conversation_ids[:1]
        if not conversation:
            raise UserError(self.env._("The customer has not written privately on this ticket."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Private Message"),
            "res_model": "social.crm.dm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_conversation_id": conversation.id,
            },
        }

    def action_social_move_private(self):
        """Answer the public post with the company's approved "move to a private channel"
        wording (queued in the outbox like any reply) and wait for the customer's private
        message, which then joins this ticket."""
        self.ensure_one()
        Reply = self.env["social.crm.reply"]
        post = self.social_post_id
        if not post:
            raise UserError(self.env._("This ticket was not opened from a social post."))
        Reply._social_check_can_reply(self, post)
        wording = self._dm_invitation_wording()
        if not wording:
            raise UserError(
                self.env._(
                    "No approved wording of the category “Move to a Private Channel” for this "
                    "team: a manager adds one under Social CRM → Configuration → Wordings."
                )
            )
        if self.social_dm_invited_at:
            raise UserError(self.env._(
                "The customer was already invited to write privately (%(when)s): their first "
                "private message joins this ticket.",
                when=self._social_time(self.social_dm_invited_at)))
        problem = self.env["social.crm.outbox"]._publish_problem(post, "reply")
        if problem:
            raise UserError(problem)
        # sudo: rendering a template needs template-editor rights
        text = wording.sudo()._render_for(self, post)
        # the same invitation written by hand in the reply wizard (before it was recorded)
        Reply._social_check_not_duplicate(post, text, ticket=self)
        # sudo: agents only read replies; the product writes them after the checks above
        reply = Reply.sudo().create(
            {
                "ticket_id": self.id,
                "post_id": post.id,
                "text": text,
                "user_id": self.env.uid,
            }
        )
        reply._queue()
        self._social_dm_invited()
        if self.env["social.crm.outbox"]._is_demo_post(post):
            title = self.env._("Demo")
            message = self.env._(
                "The invitation is recorded on the ticket, not sent: the post came from the "
                "replay source, there is no network behind it."
            )
        else:
            title = self.env._("Invitation queued")
            message = self.env._(
                "The invitation to write privately will be published on %(network)s in a few "
                "seconds; the customer's first private message joins this ticket.",
                network=post.network_id.name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _social_dm_invited(self):
        """Record that a public answer invited the customer to write privately (the date,
        a note): Move to Private is no longer offered."""
        self.ensure_one()
        # sudo: a product-written date on the ticket (write access checked by the caller)
        self.sudo().social_dm_invited_at = fields.Datetime.now()
        self.message_post(
            body=Markup("<p>%s</p>") % self.env._(
                "Invited the customer to write privately: their first private message joins "
                "this ticket."
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def _social_dm_is_invitation(self, text, wording=None):
        """Whether a public answer of this ticket invites the customer to write privately:
        written from a wording of the category “Move to a Private Channel”, or the text of
        the team's invitation wording (whitespace aside)."""
        self.ensure_one()
        if wording and wording.category == "private_channel":
            return True
        invitation = self._dm_invitation_wording()
        if not invitation or not self.social_post_id:
            return False
        # sudo: rendering a template needs template-editor rights
        rendered = invitation.sudo()._render_for(self, self.social_post_id)
        return same_text_key(rendered) == same_text_key(text)

    def _dm_invitation_wording(self):
        self.ensure_one()
        post = self.social_post_id
        # the network's language, else the one the detection found (Meta gives none)
        lang = (post.lang or post.complaint_lang or self.partner_id.lang or "en")[:2]
        wordings = self.env["social.crm.wording"].search(
            [
                ("category", "=", "private_channel"),
                ("state", "=", "approved"),
                ("company_id", "=", self.company_id.id),
                "|", ("team_ids", "=", False), ("team_ids", "in", self.team_id.ids),
            ]
        )
        return wordings.filtered(lambda w: w.lang == lang)[:1] or wordings[:1]
