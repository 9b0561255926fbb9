# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import api, fields, models

#: networks that let a business answer only this long after the customer's last message
ANSWER_WINDOW_HOURS = {"facebook": 24, "instagram": 24, "whatsapp": 24}


class SocialCrmDmConversation(models.Model):
    """A private chat with a customer on one network, and the ticket it is handled in (its
    own ticket, or the public ticket that invited the customer to write privately)."""

    _name = "social.crm.dm.conversation"
    _description = "Social Private Conversation"
    _order = "last_inbound_at desc, id desc"
    _rec_name = "conversation_key"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    network_id = fields.Many2one(
        "social.crm.network", required=True, readonly=True, ondelete="restrict"
    )
    source_id = fields.Many2one(
        "social.crm.source", readonly=True, ondelete="set null", check_company=True
    )
    conversation_key = fields.Char(
        string="Conversation", required=True, readonly=True,
        help="The network's chat id (dm:<chat id>).",
    )
    identity_id = fields.Many2one(
        "social.crm.identity", string="Customer", readonly=True, ondelete="set null",
        check_company=True,
    )
    partner_id = fields.Many2one(related="identity_id.partner_id", string="Contact")
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index=True, ondelete="set null", check_company=True
    )
    last_post_id = fields.Many2one(
        "social.crm.post", string="Last Customer Message", readonly=True, ondelete="set null"
    )
    last_inbound_at = fields.Datetime(string="Last Customer Message On", readonly=True)
    window_closes_at = fields.Datetime(
        string="Answer Window Closes",
        compute="_compute_window",
        help="Meta and WhatsApp let a business answer within 24 hours of the customer's last "
        "message; Telegram has no such window.",
    )
    window_open = fields.Boolean(string="Can Answer", compute="_compute_window")

    _key_uniq = models.UniqueIndex(
        "(company_id, network_id, conversation_key)", "A private conversation is stored once."
    )

    @api.depends("last_inbound_at", "network_id")
    def _compute_window(self):
        now = fields.Datetime.now()
        for conversation in self:
            hours = ANSWER_WINDOW_HOURS.get(conversation.network_id.code or "")
            if hours and conversation.last_inbound_at:
                closes = conversation.last_inbound_at + dt.timedelta(hours=hours)
                conversation.window_closes_at = closes
                conversation.window_open = closes > now
            else:
                conversation.window_closes_at = False
                conversation.window_open = bool(conversation.last_post_id) or not hours

    def _window_time(self):
        """When the answer window closes, as whom reads the conversation's ticket reads it
        (see ``helpdesk.ticket._social_time``: the user's time zone, else, written by the
        product on its own, its agent's, team leader's or company's); "?" when it never does."""
        self.ensure_one()
        if not self.window_closes_at:
            return "?"
        if self.ticket_id:
            return self.ticket_id._social_time(self.window_closes_at)
        Lang = self.env["res.lang"]
        if not self.env.context.get("tz"):
            Lang = Lang.with_context(tz=Lang._social_reader_tz(company=self.company_id))
        return Lang._social_format_datetime(self.window_closes_at)

    def _window_problem(self):
        """Why no message can be sent in this conversation now, or False."""
        self.ensure_one()
        if self.window_open:
            return False
        if self.network_id.code == "whatsapp":
            return self.env._(
                "WhatsApp lets a business write freely only within 24 hours of the customer's "
                "last message (the window closed on %(time)s): now only an approved template "
                "message can be sent. Pick one under “Template”.",
                time=self._window_time(),
            )
        return self.env._(
            "%(network)s lets a business answer only within %(hours)s hours of the customer's "
            "last message (the window closed on %(time)s). Ask the customer to write again, "
            "or answer on another channel.",
            network=self.network_id.name,
            hours=ANSWER_WINDOW_HOURS.get(self.network_id.code or "", 24),
            time=self._window_time(),
        )
