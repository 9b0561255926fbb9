# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts their authors deleted on the network (``social.crm.post._ingest_deletions`` calls
``_ingest_before_network_delete``, then deletes the posts as a user's delete does).

The ticket stays for the statistics (its dates and figures are its own fields), but the
deleted words leave it: the title and description of the post that opened it, and every copy
in its chatter (the post's note, both versions of an edit, the previews of a decision),
replaced by a placeholder (``detection/scrub.py``); a note says the author deleted the post
on the network, and when (or that the network removed it, and why, where it said: its host
took it down, X reports the author's account suspended, private or deactivated). When no
post of the ticket is left, nothing can be answered publicly any more: the response clock
stops as after a privacy erasure (``helpdesk.ticket._social_stop_clocks``); a ticket with
other posts keeps waiting. Replies
still queued are cancelled by ``social_crm`` (the outbox) before this runs; the company's
replies to the posts stay, without them (``social.crm.reply._social_keep_for_deleted_posts``):
the answer is the company's record, and still public on the network.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain

from ..detection.scrub import earlier_versions, orphaned_versions, scrub_html
from .res_company import by_company_lang

#: chatter messages that may copy a customer's post
COPY_TYPES = ("comment", "email", "email_outgoing", "notification")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _social_customer_posts_left(self, authors):
        """Whether ``authors`` ``[(identity, contact)]`` of the posts this ticket keeps include
        its customer (its identity or contact; anyone for a ticket of an unknown author):
        others' posts in the conversation do not keep the customer's complaint waiting."""
        self.ensure_one()
        if not (self.social_identity_id or self.partner_id):
            return bool(authors)
        return any(
            (identity and identity == self.social_identity_id)
            or (partner and partner == self.partner_id)
            for identity, partner in authors
        )

    @api.model
    def _social_scrub_orphaned_versions(self):
        """The versions of deleted posts left in tickets' chatter by the deletions processed
        before ``detection.scrub.earlier_versions`` existed (19.0.1.3.0: of a post edited
        more than once, only its last two versions were replaced): found through the
        product's edit notes (``detection.scrub.orphaned_versions``), replaced by the
        placeholder of the edit that follows them, in every message of the ticket. Run by
        the migration to 19.0.1.5.0; the placeholders are read in every installed language
        (notes are written in the company's). Two searches; one write per message changed.
        Returns the number of messages changed."""
        placeholders = set()
        for code, _name in self.env["res.lang"].get_installed():
            env = self.with_context(lang=code).env
            placeholders |= {
                env._("[deleted by its author on the network]"),
                env._("[deleted on the network with the post it commented on]"),
                env._("[removed on the network]"),
            }
        # sudo: the product's own notes, whoever runs the update
        Message = self.env["mail.message"].sudo()
        notes = Message.search(
            Domain("model", "=", "helpdesk.ticket")
            & Domain("author_id", "=", self.env.ref("base.partner_root").id)
            & Domain("body", "ilike", "<blockquote")
            & Domain.OR(Domain("body", "ilike", p) for p in sorted(placeholders))
        )
        found = {}
        for res_id, group in notes.grouped("res_id").items():
            orphans = orphaned_versions([m.body for m in group], placeholders)
            if orphans:
                found[res_id] = orphans
        if not found:
            return 0
        changed = 0
        messages = Message.search([
            ("model", "=", "helpdesk.ticket"),
            ("res_id", "in", list(found)),
            ("message_type", "in", COPY_TYPES),
        ])
        for message in messages:
            body = message.body
            for placeholder, texts in found[message.res_id].items():
                body = scrub_html(body, texts, placeholder) or body
            if body != message.body:
                message.write({"body": Markup(body)})
                changed += 1
        return changed


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _ingest_before_network_delete(self, deleted_at):
        result = super()._ingest_before_network_delete(deleted_at)
        # written in the company's language (the contacts' notes); what is written on a
        # ticket (notes, title, description) in the language of whom reads it
        # (_social_forget_on_tickets)
        for lang, group in by_company_lang(self):
            group = group.with_context(lang=lang)
            # the company's answers stay, without the post (the outbox cancelled what waited)
            group.env["social.crm.reply"]._social_keep_for_deleted_posts(group, deleted_at)
            # the company's answers sent from Odoo and deleted on the network say so
            group.env["social.crm.reply"]._social_mark_deleted_answers(group, deleted_at)
            group._social_forget_on_tickets(deleted_at)
            gone_with = group._social_deleted_with()
            removed = group._social_removed() - gone_with
            by_author = group - gone_with - removed
            by_author._social_scrub_contact_notes(by_author._social_deleted_placeholder())
            removed._social_scrub_contact_notes(removed._social_deleted_placeholder())
            gone_with._social_scrub_contact_notes(gone_with._social_deleted_placeholder())
        return result

    def _ingest_after_restore(self):
        """A note on the ticket of each post back after its author's account was restored
        (the ingestion routed it: its conversation's ticket), in the language of whom reads
        the ticket; one batch of notes."""
        result = super()._ingest_after_restore()
        # sudo: the product notes on any agent's ticket
        posts = self.sudo().filtered("ticket_id")
        posts._social_restore_openers()
        bodies = {}
        for ticket, group in posts.grouped("ticket_id").items():
            target = ticket.duplicate_id or ticket
            reader = group.with_context(lang=target._social_reader_lang()).env
            for post in group.sorted(lambda p: (p.posted_at, p.id)):
                author = (post.author_name or (post.author_handle and f"@{post.author_handle}")
                          or reader._("Unknown author"))
                bodies[target.id] = bodies.get(target.id, Markup()) + Markup(
                    "<p>%s</p>") % reader._(
                    "%(network)s no longer reports the account of %(author)s suspended, "
                    "private or deactivated: the post of %(date)s that it removed is back "
                    "(its text: Social Media tab). Check whether it still needs an answer.",
                    network=post.network_id.name, author=author,
                    date=target.with_env(reader)._social_time(post.posted_at),
                )
        if bodies:
            self.env["helpdesk.ticket"].sudo().browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id,
                message_type="comment")
        return result

    def _social_restore_openers(self):
        """These posts (sudo), back after their author's account was restored, open their
        tickets again where the ticket lost its opening post: the earliest of them by the
        ticket's customer (see ``helpdesk.ticket._social_customer_posts_left``), when no
        post of that customer left on the ticket is older (a later post coming back does not
        replace an opener its author deleted). The ticket takes the post again
        (``social_post_id``), with the title and description a ticket opened by it would have
        (the generated words in the language of whom reads the ticket) in place of the
        placeholder written at the removal. Two queries, one write per ticket."""
        tickets = self.ticket_id.filtered(lambda t: not t.social_post_id)
        if not tickets:
            return
        others = self.search(
            Domain("ticket_id", "in", tickets.ids) & Domain("id", "not in", self.ids)
        ).grouped("ticket_id")
        Ticket = self.env["helpdesk.ticket"]
        for ticket, group in self.filtered(lambda p: p.ticket_id in tickets).grouped(
                "ticket_id").items():
            theirs = group.filtered(
                lambda p, t=ticket: t._social_customer_posts_left([(p.identity_id, p.partner_id)]))
            opener = theirs.sorted(lambda p: (p.posted_at or fields.Datetime.now(), p.id))[:1]
            if not opener:
                continue
            older = others.get(ticket, self.browse()).filtered(
                lambda p, t=ticket, o=opener: p.posted_at and o.posted_at
                and p.posted_at < o.posted_at
                and t._social_customer_posts_left([(p.identity_id, p.partner_id)]))
            if older:
                continue
            reader = Ticket.with_context(lang=ticket._social_reader_lang())
            ticket.with_context(social_crm_pii_done=True, mail_notrack=True).write(
                {"social_post_id": opener.id})
            ticket._social_replace_content({
                "name": reader._social_ticket_title(opener),
                "description": reader._social_ticket_description(opener),
            })

    def _social_removed(self):
        """These posts the network removed for another reason than their authors' deletion
        (``social_crm_removed_why`` of ``_ingest_deletions``: taken down by the host, the
        author's account suspended, made private or deactivated)."""
        removed = self.env.context.get("social_crm_removed_why") or {}
        return self.filtered(lambda p: removed.get(p.id) not in (None, "", "author"))

    def _social_removed_why(self):
        """Why the network removed these posts (:meth:`_social_removed`), in the words of
        the Deleted Posts' field, translated; "" when they do not say one same thing."""
        removed = self.env.context.get("social_crm_removed_why") or {}
        whys = {removed.get(p.id) for p in self}
        if len(whys) != 1:
            return ""
        field = self.env["social.crm.post.deleted"]._fields["network_reason"]
        return dict(field._description_selection(self.env)).get(whys.pop()) or ""

    def _social_deleted_with(self):
        """These posts that went with the post they answer (Facebook: the comments of a
        removed post, ``social_crm_deleted_with`` of ``_ingest_deletions``): their authors
        did not delete them."""
        deleted_with = self.env.context.get("social_crm_deleted_with") or {}
        return self.filtered(lambda p: p.id in deleted_with)

    def _social_deleted_placeholder(self):
        """What replaces the copies of these deleted posts' words (all deleted by their
        authors, or all gone with the post they answer: see ``_social_deleted_with``)."""
        if self and self == self._social_deleted_with():
            return self.env._("[deleted on the network with the post it commented on]")
        if self and self == self._social_removed():
            return self.env._("[removed on the network]")
        return self.env._("[deleted by its author on the network]")

    def _social_scrub_contact_notes(self, placeholder):
        """The copies of these posts' words in their contacts' chatter (the previews of an
        agent's decision on a post without ticket) are replaced by ``placeholder``; the rest
        of each note (who decided, when) stays. A fixed number of queries, one write per
        message changed."""
        # sudo: the product cleans the notes of any contact, whoever deletes or erases
        posts = self.sudo().filtered("partner_id")
        if not posts:
            return True
        texts = {}
        for post in posts:
            texts.setdefault(post.partner_id.id, set()).update(
                t for t in (post.text, post.previous_text, post.text_preview) if t)
        messages = self.env["mail.message"].sudo().search([
            ("model", "=", "res.partner"),
            ("res_id", "in", list(texts)),
            ("message_type", "in", COPY_TYPES),
        ])
        for message in messages:
            body = scrub_html(message.body, texts[message.res_id], placeholder)
            if body is not None:
                message.write({"body": Markup(body)})
        return True

    def _social_forget_on_tickets(self, deleted_at):
        """The deleted posts' words leave their tickets; a note; the clock stops when nothing
        of the customer is left to answer. A fixed number of queries, one write per ticket
        and per message changed."""
        # sudo: the product cleans tickets of any agent, whoever processes the deletion
        posts = self.sudo()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        openers = Ticket.search([("social_post_id", "in", posts.ids)])
        tickets = posts.ticket_id | openers
        if not tickets:
            return True
        # the posts each ticket keeps, by author (one query)
        kept = {}
        for ticket, identity, partner in self.env["social.crm.post"].sudo()._read_group(
            [("ticket_id", "in", tickets.ids), ("id", "not in", posts.ids)],
            ["ticket_id", "identity_id", "partner_id"],
        ):
            kept.setdefault(ticket, []).append((identity, partner))
        # a ticket marked as a duplicate: its conversation goes on in the original's chatter
        scrubbed = tickets | tickets.duplicate_id
        messages = self.env["mail.message"].sudo().search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", scrubbed.ids),
                ("message_type", "in", COPY_TYPES),
            ]
        ).grouped("res_id")
        # the comments gone with the post they answer (Facebook) and the posts their
        # authors deleted: each copy says which
        gone_with = posts._social_deleted_with()
        removed = posts._social_removed() - gone_with
        root = self.env.ref("base.partner_root")  # the author of the product's notes
        bodies = {}
        stop = Ticket
        for ticket in tickets:
            gone = posts.filtered(lambda p, t=ticket: p.ticket_id == t or t.social_post_id == p)
            # the note, the placeholders in the chatter and, when its opening post is gone, the
            # ticket's title and description: in the language of whom reads the ticket (its
            # agent, else its team's leader, else the company: see
            # helpdesk.ticket._social_reader_lang)
            reader = posts.with_context(lang=ticket._social_reader_lang()).env
            # a post edited more than once: its older versions are in the edit notes
            notes = [
                m.body for target in ticket | ticket.duplicate_id
                for m in messages.get(target.id, ()) if m.author_id == root
            ]
            replaced = [
                (earlier_versions(notes, {t for p in group
                                          for t in (p.text, p.previous_text, p.text_preview)
                                          if t}),
                 group.with_env(reader)._social_deleted_placeholder())
                for group in (gone - gone_with - removed, gone & removed, gone & gone_with)
                if group
            ]
            for target in ticket | ticket.duplicate_id:
                for message in messages.get(target.id, ()):
                    body = message.body
                    for texts, placeholder in replaced:
                        body = scrub_html(body, texts, placeholder) or body
                    if body != message.body:
                        message.write({"body": Markup(body)})
            when = max(deleted_at.get(p.id) or fields.Datetime.now() for p in gone)
            title, sentence = gone.with_env(reader)._social_deleted_sentence(ticket, when)
            if ticket.social_post_id & gone:
                ticket._social_replace_content(
                    {"name": title, "description": Markup("<p>%s</p>") % sentence}
                )
            waiting = not ticket.social_wait_reply_at and not ticket.stage_id.closed
            if ticket._social_customer_posts_left(kept.get(ticket, ())):
                if waiting and ticket.social_wait_deadline:
                    sentence += " " + reader._(
                        "The ticket keeps waiting for an answer to the customer's other posts."
                    )
            else:
                stop |= ticket
                if waiting and ticket.social_wait_deadline:
                    sentence += " " + reader._(
                        "No post of the customer is left to answer publicly: the response "
                        "clock stopped (no escalation). Answer by direct message or phone, "
                        "or close the ticket."
                    )
            # a duplicate's note goes to its original, where the agents work (as an edit's)
            target = ticket.duplicate_id or ticket
            bodies[target.id] = bodies.get(target.id, Markup()) + Markup("<p>%s</p>") % sentence
        stop._social_stop_clocks()
        Ticket.browse(list(bodies))._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id, message_type="comment"
        )
        return True

    def _social_deleted_sentence(self, ticket, when):
        """(title, sentence) saying that these posts of ``ticket`` are gone from the network
        on ``when`` (their authors deleted them, they went with the post they answered, or
        the network removed them), in the language of the environment."""
        gone_with = self._social_deleted_with()
        removed = self._social_removed() - gone_with
        first = self.sorted(lambda p: (p.posted_at, p.id))[:1]
        author = (
            first.author_name
            or (first.author_handle and f"@{first.author_handle}")
            or self.env._("Unknown author")
        )
        date = ticket.with_env(self.env)._social_time(when)
        if self == gone_with:
            # comments gone with the post they answer (Facebook): their authors did not
            # delete them
            sentence = self.env._(
                "The post that %(author)s commented on was deleted on %(network)s "
                "(%(date)s), and its comments with it: their text is removed from the "
                "ticket.",
                author=author,
                network=first.network_id.name,
                date=date,
            )
            return self.env._("%(author)s: comment deleted with its post", author=author), sentence
        if self == removed:
            # the network removed it (its host took it down, X reports the author's
            # account suspended, private or deactivated): the author did not delete it
            words = {"author": author, "network": first.network_id.name, "date": date,
                     "why": self._social_removed_why()}
            sentence = self.env._(
                "%(network)s removed the post of %(author)s (%(date)s): %(why)s. Its text "
                "is removed from the ticket.", **words,
            ) if words["why"] else self.env._(
                "%(network)s removed the post of %(author)s (%(date)s): its text is "
                "removed from the ticket.", **words,
            )
            return self.env._("%(author)s: post removed on the network", author=author), sentence
        sentence = self.env._(
            "%(author)s deleted the post on %(network)s (%(date)s): its text is "
            "removed from the ticket.",
            author=author,
            network=first.network_id.name,
            date=date,
        )
        return self.env._("%(author)s: post deleted by its author", author=author), sentence
