# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Edited posts (``social.crm.post._ingest_prepare_edit_vals`` / ``_ingest_after_edit``): the
new version goes through what a new post goes through. Its text (and payload, and the text it
replaces) is redacted before it is stored, then classified again; an edit that makes a post a
complaint opens or joins a ticket as a new complaint would; an edit that adds bank or card
data flags the post's ticket (top priority, alert) and hides the post where the company wants
it; a post with a ticket gets a note with both versions. The ticket the post opened follows
the new version (its description's post text, its title while it is the automatic one). An
edit never closes or deletes a ticket: one that no longer reads as a complaint only says so
in the note. An edit that makes a post of a ticket a complaint (or adds bank or card data) is
a new complaint of its conversation since the edit: the ticket waits again when it was
answered before the edit, and reopens when it was closed.
The new version is classified by the hook of new posts (``_social_pii_created_vals``, with
the language model's second opinion where the company uses one)."""

from markupsafe import Markup

from odoo import models

from ..detection.pii import PAYMENT_KINDS
from ..detection.scrub import relink_html, scrub_html
from .res_company import by_company_lang


def _kinds(value):
    return set((value or "").split(",")) - {""}


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    def _ingest_edit_previous_fields(self):
        return super()._ingest_edit_previous_fields() | {"complaint_label", "pii_kinds", "url"}

    def _ingest_prepare_edit_vals(self, vals_list, posts):
        vals_list = super()._ingest_prepare_edit_vals(vals_list, posts)
        # redaction first, with each post's own handles and company (what ``write`` does),
        # read at once for the batch (the redaction reads them post by post)
        self.fetch(["company_id", "author_handle", "mentioned_handles", "pii_kinds"])
        for post, vals in zip(self, vals_list, strict=True):
            post._social_pii_redact(vals)
        # then the verdict on the redacted text, by the hook of new posts (one batch)
        todo = [
            dict(vals, company_id=post.company_id.id)
            for post, vals in zip(self, vals_list, strict=True)
        ]
        self._social_pii_created_vals(todo)
        for vals, classified in zip(vals_list, todo, strict=True):
            classified.pop("company_id")
            vals.update(classified)
        return vals_list

    def _ingest_after_edit(self, posts, previous):
        result = super()._ingest_after_edit(posts, previous)
        ticketed = self.filtered("ticket_id")

        def payment_added(post):
            added = _kinds(post.pii_kinds) - _kinds(previous[post.id]["pii_kinds"])
            return bool(added & set(PAYMENT_KINDS))

        def routable(post):
            if payment_added(post):
                return True
            if post.complaint_label != "complaint":
                return False
            # a complaint an agent said was none stays so while the edit leaves it a complaint
            return (previous[post.id]["complaint_label"] != "complaint"
                    or post.complaint_decision != "not_complaint")

        # a complaint (or bank or card data) after the edit is routed as a new post would be:
        # a ticket opened when the team's rules take the new text, or joined in its
        # conversation; the customer waits since the edit (``social_crm_edit_route``: see
        # ``helpdesk.ticket._social_ticket_vals``)
        (self - ticketed).filtered(routable).with_context(
            social_crm_edit_route=True,
            social_unlinked_followers={
                post.id: version.author.followers_count
                for post, version in zip(self, posts, strict=True)
                if not post.identity_id and version.author and version.author.followers_count
            },
        )._social_route(automatic=True)
        def needs_answer_now(post):
            # the edit made it a complaint (or added bank or card data): a new complaint of
            # the ticket's conversation, as of the edit (a complaint edited is not a new one)
            return payment_added(post) or (
                post.complaint_label == "complaint"
                and previous[post.id]["complaint_label"] != "complaint")

        # the notes are written in the company's language, as the product's notes are
        for lang, group in by_company_lang(ticketed):
            group = group.with_context(lang=lang)
            group._social_follow_edits(previous)
            group._social_note_edits(previous)
            group.filtered(needs_answer_now)._social_edit_waits_again()
        # bank or card data the edit added: hidden where the company wants it (once the
        # ticket exists, which gets the outcome)
        self.filtered(payment_added)._social_pii_auto_hide()
        return result

    def _social_edit_waits_again(self):
        """These posts of tickets were just edited into a complaint (or got bank or card
        data), as a new complaint of their conversation since the edit: an answered open
        ticket waits again when the edit came after the answer
        (``helpdesk.ticket._social_wait_again``), a closed one reopens and one of an
        archived team moves to a working team (``helpdesk.ticket._social_follow_up``). After
        the notes, so that the deadline
        counts the bank or card data the edit added."""
        if not self:
            return True
        posts = self.sudo()  # sudo: the product's follow-up, whoever ingested the edit
        post_ids = {}
        for post in posts:
            ticket = post.ticket_id.duplicate_id or post.ticket_id
            post_ids.setdefault(ticket.id, set()).add(post.id)
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(social_crm_edit_route=True)
        tickets = Ticket.browse(list(post_ids))
        Ticket._social_wait_again(tickets, posts, post_ids, posts._social_company_posts)
        # closed ones reopen; open ones of an archived team move to a team that works, as
        # when the customer writes again in their conversation
        follow = tickets.filtered(
            lambda t: t.stage_id.closed or not t.active or (t.team_id and not t.team_id.active))
        own = follow and posts._social_company_posts()
        todo = {
            ticket: customer
            for ticket in follow
            if (customer := posts.filtered(
                lambda p, ids=post_ids[ticket.id]: p.id in ids) - own)
        }
        if todo:
            Ticket._social_follow_up(todo)
        return True

    def _social_follow_edits(self, previous):
        """The tickets these edited posts opened show the current version: the post's text
        block of the description is replaced (what the agents added stays; a description
        that no longer holds the text before the edit is left alone), and the title too
        while it is the automatic one of the version before (author and preview, as
        ``helpdesk.ticket._social_ticket_title`` builds it): a title an agent wrote stays.
        The copies of the old title (to-dos, notifications, channel alerts) follow
        (``helpdesk.ticket._social_replace_old_names``, once for the batch). The
        description's link to the post follows the post's own ``url``: an X edit is a new
        tweet with its own URL, the one X shows the current text at (the original's URL
        shows the old text under a banner pointing to the new version). The text is
        the stored one, redacted already; a ticket that only gathered the post as a later
        one keeps its description (it came from the post that opened it). One search, one
        write per ticket changed."""
        # sudo: the product rewrites the ticket, whoever ingested the edit
        posts = self.sudo().filtered(
            lambda p: (p.text or "") != (previous[p.id]["text"] or "")
            or (p.url or "") != (previous[p.id]["url"] or ""))
        if not posts:
            return True
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        tickets = Ticket.search([("social_post_id", "in", posts.ids)])
        old_names = {ticket.id: ticket.display_name for ticket in tickets}
        renamed = Ticket
        for ticket in tickets:
            post = ticket.social_post_id
            before = previous[post.id]["text"] or ""
            vals = {}
            text_changed = before != (post.text or "")
            description = ticket.description
            if before.strip() and text_changed:
                description = scrub_html(description, {before}, post.text or "") or description
            description = relink_html(
                description, previous[post.id]["url"], post.url) or description
            if description != ticket.description:
                vals["description"] = Markup(description)
            if text_changed and ticket.name == Ticket._social_ticket_title(post, before):
                vals["name"] = Ticket._social_ticket_title(post)
                renamed |= ticket
            if vals:
                # the stored text is redacted already; the note keeps both versions (no
                # tracking message of the old title)
                ticket.with_context(social_crm_pii_done=True, mail_notrack=True).write(vals)
        # the old titles' copies, for the whole batch at once
        renamed._social_replace_old_names(old_names)
        return True

    def _social_note_edits(self, previous):
        """A note on the tickets of these edited posts: both versions (redacted, escaped);
        bank or card data the edit added flags the ticket as a new post's would; a post
        that no longer reads as a complaint leaves the ticket as it is (the note says so)."""
        Ticket = self.env["helpdesk.ticket"]
        bodies, added = {}, {}
        # sudo: the note goes to the post's ticket, whoever ingested the edit
        for post in self.sudo():
            ticket = post.ticket_id.duplicate_id or post.ticket_id
            before = previous[post.id]
            new_kinds = _kinds(post.pii_kinds) - _kinds(before["pii_kinds"])
            if new_kinds:
                added.setdefault(ticket, set()).update(new_kinds)
            if (post.text or "") == (before["text"] or ""):
                continue  # media or a poll edited, not the text: nothing to tell
            author = post.author_name or (post.author_handle and f"@{post.author_handle}") or "?"
            # in the language of whom reads the ticket (helpdesk.ticket._social_reader_lang)
            words = self.with_context(lang=ticket._social_reader_lang()).env
            body = Markup("<p>%s</p><blockquote>%s</blockquote><p class='text-muted small'>%s"
                          "</p><blockquote>%s</blockquote>") % (
                words._(
                    "%(author)s edited the post on %(network)s:",
                    author=author, network=post.network_id.name,
                ),
                post.text or "",
                words._("Before the edit:"),
                before["text"] or "",
            )
            if before["complaint_label"] == "complaint" and post.complaint_label != "complaint":
                body += Markup("<p>%s</p>") % words._(
                    "The edited post no longer reads as a complaint. The ticket is left as it "
                    "is: close it once the customer's matter is settled."
                )
            bodies[ticket.id] = bodies.get(ticket.id, Markup()) + body
        if bodies:
            # sudo: the product's notes and flags on tickets the ingesting user may not write
            Ticket.sudo().browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id, message_type="comment"
            )
        if added:
            Ticket.sudo()._social_flag_pii(added)
        return True
