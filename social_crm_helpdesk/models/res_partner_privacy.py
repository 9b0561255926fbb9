# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import models
from odoo.addons.social_crm.services import erasure
from odoo.fields import Domain
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _social_tickets(self, identities=None, posts=None):
        """The social tickets of these contacts (by contact, identity or post)."""
        identities = self._social_identities() if identities is None else identities
        posts = self._social_posts(identities) if posts is None else posts
        domain = Domain("partner_id", "in", self.ids)
        if identities:
            domain |= Domain("social_identity_id", "in", identities.ids)
        if posts:
            domain |= Domain("social_post_id", "in", posts.ids) | Domain(
                "id", "in", posts.ticket_id.ids
            )
        domain &= Domain("social_network_id", "!=", False) & self._social_privacy_scope()
        # sudo: the privacy request covers every ticket of the contact in the user's companies
        # (caller checks the right)
        return self.env["helpdesk.ticket"].sudo().with_context(active_test=False).search(domain)

    def _social_replies(self, tickets, identities):
        """The replies answering these contacts: on their tickets, or to their posts (also
        those kept after the post was deleted on the network, by the post's contact and
        identity they keep)."""
        domain = Domain("ticket_id", "in", tickets.ids) | Domain("partner_id", "in", self.ids)
        if identities:
            domain |= Domain("identity_id", "in", identities.ids)
        # sudo: replies are written by the product; the privacy request covers them all (in the
        # user's companies)
        return self.env["social.crm.reply"].sudo().search(domain & self._social_privacy_scope())

    def _social_privacy_lookup_sql(self):
        return super()._social_privacy_lookup_sql() + [
            (
                "social.crm.reply",
                # the replies whose own contact (``partner_id``) is the person are listed
                # by Odoo's lookup itself (once)
                SQL(
                    "ticket_id IN (SELECT id FROM helpdesk_ticket "
                    "WHERE partner_id IN (SELECT id FROM indirect_references)) "
                    "AND (partner_id IS NULL "
                    "OR partner_id NOT IN (SELECT id FROM indirect_references))"
                ),
            ),
        ]

    def _social_export_data(self):
        data = super()._social_export_data()
        identities = self._social_identities()
        tickets = self._social_tickets(identities)
        replies = self._social_replies(tickets, identities)
        data["tickets"] = [
            {
                "number": ticket.number if "number" in ticket._fields else ticket.id,
                "title": ticket.name,
                "description": ticket.description and str(ticket.description),
                "stage": ticket.stage_id.name,
                "opened": ticket.create_date and ticket.create_date.isoformat(),
                "closed": ticket.closed_date and ticket.closed_date.isoformat(),
                "network": ticket.social_network_id.name,
            }
            for ticket in tickets
        ]
        data["replies"] = [
            {
                "network": reply.network_id.name,
                "text": reply.text,
                "state": reply.state,
                "sent_at": reply.sent_at and reply.sent_at.isoformat(),
            }
            for reply in replies
        ]
        return data

    def _social_erase_labels(self):
        return dict(
            super()._social_erase_labels(),
            **{
                "ticket texts": self.env._("ticket texts"),
                "replies": self.env._("replies"),
                "ticket messages": self.env._("ticket messages"),
                "other tickets naming the person": self.env._(
                    "other people's tickets naming the person (their title and description)"),
                "complaint labels": self.env._(
                    "the agents' decisions on the person's posts (complaint labels)"),
                "answers naming the person": self.env._(
                    "answers to other people naming the person"),
                "labels naming the person": self.env._(
                    "other people's complaint labels naming the person"),
                "messages naming the person": self.env._(
                    "notes and alerts naming the person (in other tickets and the alert "
                    "channels)"),
            },
        )

    def _social_erase_names_in_texts(self, person, own_tickets):
        """The person's handles, names and quoted words replaced by "[erased]"
        (:func:`~odoo.addons.social_crm.services.erasure.redact_text`) in the texts the
        product wrote from other people's items, in the user's companies: the titles and
        descriptions of the social tickets that are not the person's (``own_tickets`` are
        emptied apart), the messages of the social tickets (the product's notes, the
        agents' notes and answers), of the teams' alert channels and of other contacts (the
        previews of their posts in the notes of an agent's decision), and where the old
        titles were copied (to-dos, alerts); the answers to other people as recorded
        (replies, outbox) and their complaint labels. One search per
        model, one write per record changed. Return {what: count}."""
        needles = self._social_erased_needles(person)
        if not needles:
            return {}
        names = Domain.OR(Domain("name", "ilike", n) | Domain("description", "ilike", n)
                          for n in needles)
        # sudo: the erasure covers every social ticket of the user's companies
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        tickets = Ticket.search(
            names & Domain("social_network_id", "!=", False)
            & Domain("id", "not in", own_tickets.ids) & self._social_privacy_scope())
        old_names = {ticket.id: ticket.display_name for ticket in tickets}
        for ticket in tickets:
            vals = {}
            for name in ("name", "description"):
                text, changed = erasure.redact_text(
                    ticket[name] and str(ticket[name]), person)
                if changed:
                    vals[name] = Markup(text) if name == "description" else text
            if vals:
                ticket.with_context(social_crm_pii_done=True, mail_notrack=True).write(vals)
        # the old titles where they were copied (to-dos, record names, the alerts' links)
        tickets._social_replace_old_names(old_names)
        # sudo: the messages of other users' tickets and of the alert channels
        messages = self.env["mail.message"].sudo().search(
            Domain("model", "in", ("helpdesk.ticket", "discuss.channel", "res.partner"))
            & Domain.OR(Domain("body", "ilike", n) for n in needles))
        ticket_ids = messages.filtered(lambda m: m.model == "helpdesk.ticket").mapped("res_id")
        channel_ids = messages.filtered(lambda m: m.model == "discuss.channel").mapped("res_id")
        # other contacts' notes (the previews of their posts an agent decided on); the
        # person's own contact keeps its name (the erasure keeps the contact)
        partner_ids = set(messages.filtered(lambda m: m.model == "res.partner").mapped(
            "res_id")) - set(self.ids)
        # sudo: contacts of the user's companies and shared ones, whatever the user reads
        contacts = set(self.sudo().with_context(active_test=False).search(
            Domain("id", "in", list(partner_ids))
            & (self._social_privacy_scope() | Domain("company_id", "=", False))).ids)
        covered = set(Ticket.search(
            Domain("id", "in", ticket_ids) & Domain("social_network_id", "!=", False)
            & self._social_privacy_scope()).ids)
        # sudo: the teams' alert channels, whoever erases (teams of the user's companies)
        teams = self.env["helpdesk.ticket.team"].sudo().with_context(active_test=False).search(
            Domain("social_alert_channel_id", "in", channel_ids)
            & (self._social_privacy_scope() | Domain("company_id", "=", False)))
        alert_channels = set(teams.social_alert_channel_id.ids)
        changed_messages = self.env["mail.message"]
        for message in messages:
            if message.res_id not in {"helpdesk.ticket": covered, "res.partner": contacts,
                                      "discuss.channel": alert_channels}[message.model]:
                continue
            body, changed = erasure.redact_text(message.body and str(message.body), person)
            if changed:
                message.write({"body": Markup(body)})
                changed_messages |= message
        # the company's answers to other people naming the person, as recorded (those
        # still to send are the agents' work in progress: left as they are)
        answers = 0
        done = ("sent", "demo", "failed", "cancelled")
        for model in ("social.crm.reply", "social.crm.outbox"):
            # sudo: product records of every team in the user's companies
            records = self.env[model].sudo().search(
                Domain("state", "in", done) & self._social_privacy_scope()
                & Domain.OR(Domain("text", "ilike", n) for n in needles))
            for record in records:
                text, changed = erasure.redact_text(record.text, person)
                if changed:
                    record.write({"text": text})
                    answers += model == "social.crm.reply"
        # other people's complaint labels (the classifier's training texts) naming her
        labels = self.env["social.crm.complaint.label"].sudo().search(  # sudo: see above
            self._social_privacy_scope()
            & Domain.OR(Domain("text", "ilike", n) for n in needles))
        for label in labels:
            text, changed = erasure.redact_text(label.text, person)
            if changed:
                label.with_context(social_crm_pii_done=True).write({"text": text})
        return {
            "other tickets naming the person": len(tickets),
            "messages naming the person": len(changed_messages),
            "answers naming the person": answers,
            "labels naming the person": len(labels),
        }

    def _social_erase(self):
        """Tickets stay for the reaction-time statistics, without any text of the person:
        title and description replaced, replies and the chatter's messages deleted."""
        identities = self._social_identities()
        posts = self._social_posts(identities)
        tickets = self._social_tickets(identities, posts)
        # every reply of the contact's tickets and to the contact's posts (the posts' own
        # go with them, those kept after a deletion on the network would not)
        replies = self._social_replies(tickets, identities)
        # sudo: erasure covers every message of the contact's tickets
        messages = self.env["mail.message"].sudo().search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "in", ("comment", "email", "email_outgoing")),
            ]
        )
        # and the product's notes naming the person (the scoring's tier and score on
        # arrival: "<name> is now Top influencer ..."); its other notes name nobody
        names = {name for partner in self for name in (partner.name, partner.display_name)
                 if name and len(name.strip()) > 2}
        if tickets and names:
            messages |= self.env["mail.message"].sudo().search(  # sudo: see above
                Domain("model", "=", "helpdesk.ticket")
                & Domain("res_id", "in", tickets.ids)
                & Domain("message_type", "=", "notification")
                & Domain("author_id", "=", self.env.ref("base.partner_root").id)
                & Domain.OR(Domain("body", "ilike", name) for name in sorted(names))
            )
        counts = {
            "ticket texts": len(tickets),
            "replies": len(replies),
            "ticket messages": len(messages),
        }
        # the agents' decisions on the person's posts keep the post's text to train the
        # classifier (the label loses its post when the post goes): they go with the posts
        # sudo: labels are product records (users only read them)
        labels = self.env["social.crm.complaint.label"].sudo().search(
            Domain("post_id", "in", posts.ids)) if posts else self.env[
            "social.crm.complaint.label"]
        counts["complaint labels"] = len(labels)
        labels.unlink()
        replies.unlink()
        messages.unlink()
        # the previews of the person's posts in the contact's chatter (an agent's decision
        # on a post without ticket) go with the posts
        posts.with_context(lang=self.env.lang)._social_scrub_contact_notes(
            self.env._("Erased on the customer's request (GDPR Art. 17)."))
        # the posts go: nothing is left to answer publicly, the response clock stops (no
        # escalation, no overdue ticket); an answered ticket keeps its figures
        tickets._social_stop_clocks()
        for ticket in tickets:
            ticket._social_replace_content(
                {
                    "name": self.env._("Social ticket (content erased)"),
                    "description": Markup("<p>%s</p>")
                    % self.env._("Erased on the customer's request (GDPR Art. 17)."),
                    "partner_name": False,
                    "partner_email": False,
                }
            )
            ticket.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "The customer's social data was erased on request by %(user)s; the ticket is "
                    "kept for the statistics.",
                    user=self.env.user.name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        # then other people's tickets, the notes and the alerts naming the person keep
        # their words with hers replaced ("[erased]"); after her tickets' titles are
        # replaced in the alerts (which quote them whole)
        person = self._social_erased_person(identities, posts)
        counts.update(self._social_erase_names_in_texts(person, tickets))
        counts.update(super()._social_erase())
        return counts
