# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from .helpdesk_ticket import _urgent_pii

#: context key: an agent converts posts to tickets (every post of a closed ticket reopens it)
AGENT_CONVERT_KEY = "social_crm_agent_convert"


def _needs_answer(post):
    """A later post that reopens its conversation's ticket: a complaint, or bank or card data
    in public."""
    return post.complaint_label == "complaint" or bool(
        post.has_sensitive_data and _urgent_pii(post.pii_kinds)
    )


class HelpdeskTicket(models.Model):
    """Later posts of a conversation whose ticket was closed, or whose team was archived: a
    new complaint reopens the closed ticket, and a ticket of an archived team moves to the
    team the rules choose now, so that the customer's new words reach someone."""

    _inherit = "helpdesk.ticket"

    @api.model
    def _social_add_posts_batch(self, follow_ups):
        result = super()._social_add_posts_batch(follow_ups)
        # sudo: follow-ups are handled by the product, whoever ingested them
        posts = self.env["social.crm.post"].sudo().browse(
            [post.id for ticket_posts in follow_ups.values() for post in ticket_posts]
        )
        if not posts:
            return result
        post_ids = {ticket.id: set(ticket_posts.ids) for ticket, ticket_posts in follow_ups.items()}
        # one recordset: the tickets' fields are read together (prefetch), not per ticket
        tickets = self.browse(list(post_ids)).sudo()  # sudo: see above
        company_posts = []  # the batch's posts of the company's own accounts, read once

        def own():
            if not company_posts:
                company_posts.append(posts._social_company_posts())
            return company_posts[0]

        self._social_wait_again(tickets, posts, post_ids, own)
        tickets = tickets.filtered(
            lambda t: t.stage_id.closed or not t.active
            or (t.team_id and not t.team_id.active) or (t.user_id and not t.user_id.active)
        )
        if not tickets:
            return result  # the usual case: open tickets of working teams, nothing to do
        own_posts = own()  # one look-up of the accounts for the batch
        todo = {}
        for ticket in tickets:
            ids = post_ids[ticket.id]
            customer = posts.filtered(lambda p, ids=ids: p.id in ids) - own_posts
            if not customer:
                continue
            if self.env.context.get(AGENT_CONVERT_KEY):
                complaints = customer  # an agent converts them: each needs an answer
            else:
                complaints = customer.filtered(_needs_answer)
            # the team archived, or the owner left (archived user): nobody would see it
            orphan = (ticket.team_id and not ticket.team_id.active) or (
                ticket.user_id and not ticket.user_id.active
            )
            if orphan or (complaints and (ticket.stage_id.closed or not ticket.active)):
                todo[ticket] = complaints or customer
        if todo:
            self.browse()._social_follow_up(todo)
        return result

    @api.model
    def _social_note_joined(self, joined):
        """``{ticket: posts}``: the author complained again in new posts (not in the ticket's
        conversation) while their ticket was open and recent, and the posts joined it instead
        of opening a second ticket. A note says so; the priority rises when a new post is
        worse than the ticket (the priority it would open a ticket with: the author's tier
        now, bank or card data)."""
        Partner = self.env["res.partner"]
        bodies = {}
        raised = {}  # priority -> ticket ids
        for ticket, posts in joined.items():
            ticket = ticket.sudo()  # sudo: product-written note and priority
            posts = posts.sudo().sorted(lambda p: (p.posted_at, p.id))
            if not ticket.exists() or ticket.stage_id.closed:
                continue
            worst = max(
                self._social_priority(
                    Partner._social_author_tier(post.partner_id, post.company_id)[0],
                    post.pii_kinds,
                )
                for post in posts
            )
            words = self.with_context(lang=ticket._social_reader_lang()).env
            first = posts[0]
            notes = [words._(
                "%(author)s complained again on %(network)s in a new post while this ticket "
                "is open: added to this ticket instead of opening another.",
                author=first.author_name or first.author_handle or "?",
                network=first.network_id.name,
            )]
            if int(worst or 0) > int(ticket.priority or 0):
                raised.setdefault(worst, []).append(ticket.id)
                notes.append(words._("Priority raised: the new post is more urgent."))
            bodies[ticket.id] = Markup("").join(Markup("<p>%s</p>") % n for n in notes)
        for priority, ids in raised.items():
            self.browse(ids).sudo().write({"priority": priority})  # sudo: see above
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id
            )
        return self.browse(list(bodies))

    @api.model
    def _social_wait_again(self, tickets, posts, post_ids, own):
        """Open tickets already answered whose customer complains again after the answer
        (or posts bank or card data): the ticket waits for an answer again, as a reopened one
        does (a new deadline by the tier, its own escalations, the owner told); the first-
        response figures stay those of the first complaint. ``post_ids``: {ticket id: ids of
        its new posts}; ``own()``: the batch's posts of the company's own accounts (read
        once per batch, only when an answered open ticket gets posts)."""
        answered = tickets.filtered(
            lambda t: t.active and not t.stage_id.closed and t.social_wait_reply_at
        )
        if not answered:
            return self.browse()
        own_posts = own()
        restarted = self.browse()
        bodies = {}
        for ticket in answered:
            ids = post_ids[ticket.id]
            later = (posts.filtered(lambda p, ids=ids: p.id in ids) - own_posts).filtered(
                lambda p, t=ticket: (when := self._social_complained_at(p))
                and when > t.social_wait_reply_at
            )
            if not self.env.context.get(AGENT_CONVERT_KEY):
                later = later.filtered(_needs_answer)
            if not later:
                continue
            post = later.sorted(lambda p: (self._social_complained_at(p), p.id))[0]
            vals = ticket._social_restart_wait_vals(post)
            if any(p.has_sensitive_data and _urgent_pii(p.pii_kinds) for p in later):
                vals["priority"] = "3"  # bank or card data: as on a new ticket
            ticket.write(vals)
            restarted |= ticket
            # in the language of whom reads the ticket (see _social_reader_lang), not the job's
            words = self.with_context(lang=ticket._social_reader_lang()).env
            bodies[ticket.id] = Markup("<p>%s</p>") % words._(
                "%(author)s wrote again on %(network)s after the answer: the ticket waits for "
                "an answer again: respond by %(time)s.",
                author=post.author_name or post.author_handle or "?",
                network=post.network_id.name,
                time=ticket.with_context(lang=words.lang)._social_time(
                    ticket.social_wait_deadline),
            )
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id
            )
        for ticket in restarted:
            ticket._social_notify(ticket.user_id or ticket.team_id.user_id, lambda t: (
                t.env._("Social ticket waits again: %(ticket)s", ticket=t.display_name),
                t.env._("The customer complained again after your answer."),
            ))
        return restarted

    @api.model
    def _social_complained_at(self, post):
        """Since when ``post`` says what it says: its date; for a post an edit routes
        (``social_crm_edit_route``: an edit made it a complaint, or added bank or card data)
        the edit's date when later, as for the ticket an edit opens (an earlier post of the
        conversation edited into a complaint after the answer is a complaint after it)."""
        if self.env.context.get("social_crm_edit_route") and post.edited_at:
            return max(post.posted_at or post.edited_at, post.edited_at)
        return post.posted_at

    def _social_restart_wait_vals(self, post):
        """The values of a new wait of this answered ticket for the complaint ``post`` (the
        first of the batch's new posts): the deadline computed as for a new ticket (by the
        ticket's tier, shortened by bank or card data: the ticket's, which include the new
        posts'), the escalations to come again."""
        self.ensure_one()
        urgent = self.has_sensitive_data and _urgent_pii(self.social_pii_kinds)
        minutes = self.company_id._social_response_minutes(self.social_is_influencer or urgent)
        since = self._social_complained_at(post) or fields.Datetime.now()
        return {
            **self._social_wait_vals(since, minutes),
            "social_escalated_half_at": False,
            "social_escalated_missed_at": False,
            "social_escalation": False,
            "social_reopen_count": self.social_reopen_count + 1,
        }

    @api.model
    def _social_follow_up(self, todo):
        """``{ticket: posts}``: move tickets of archived teams to a working team, reopen
        closed tickets with a new complaint; the chatter says why, the owner is told."""
        Team = self.env["helpdesk.ticket.team"]
        tickets = self.browse([t.id for t in todo]).sudo()  # sudo: product-written routing
        companies = tickets.company_id
        auto_teams = Team._social_candidate_teams(companies, automatic=True)
        rule_teams = Team._social_candidate_teams(companies, automatic=False)
        bodies = {}
        open_stages = {}  # team -> its first open stage (one search per team)
        reopened = self.browse()
        for ticket, posts in todo.items():
            ticket = ticket.sudo()  # sudo: see above
            post = posts.sorted(lambda p: (p.posted_at, p.id))[0]
            notes = []
            if ticket.team_id and not ticket.team_id.active:
                default = ticket.company_id.social_helpdesk_team_id
                team = (
                    auto_teams._social_team_for(post)
                    or rule_teams._social_team_for(post, automatic=False)
                    or (default if default.active else Team)
                )
                if team:
                    notes.append(lambda words, old=ticket.team_id.name, new=team.name: words._(
                        "Moved from the archived team %(old)s to %(new)s: the customer wrote "
                        "again.",
                        old=old,
                        new=new,
                    ))
                    ticket.write({"team_id": team.id})
            answer = self.env.context.get(AGENT_CONVERT_KEY) or _needs_answer(post)
            if answer and (ticket.stage_id.closed or not ticket.active):
                vals = {} if ticket.active else {"active": True}
                if any(p.has_sensitive_data and _urgent_pii(p.pii_kinds) for p in posts):
                    vals["priority"] = "3"  # bank or card data: as on an open ticket
                if ticket.social_wait_reply_at:
                    # answered before: the ticket waits again, as a new ticket would (a
                    # deadline by the tier, its own escalations); the first-response figures
                    # stay those of the first complaint. Not answered yet: the customer
                    # still waits for the first answer, on its (earlier) deadline.
                    vals.update(ticket._social_restart_wait_vals(post))
                if ticket.stage_id.closed:
                    if ticket.team_id not in open_stages:
                        open_stages[ticket.team_id] = ticket.team_id._get_applicable_stages(
                        ).filtered(lambda s: not s.closed)[:1]
                    stage = open_stages[ticket.team_id]
                    if stage:
                        vals["stage_id"] = stage.id
                if vals:
                    ticket.write(vals)
                if not ticket.stage_id.closed and ticket.active:
                    reopened |= ticket
                if ticket in reopened:
                    notes.append(lambda words, post=post: words._(
                        "Reopened: %(author)s complained again on %(network)s after the ticket "
                        "was closed.",
                        author=post.author_name or post.author_handle or "?",
                        network=post.network_id.name,
                    ))
                    if "social_wait_deadline" in vals:
                        notes.append(lambda words, ticket=ticket: words._(
                            "The ticket waits for an answer again: respond by %(time)s.",
                            time=ticket.with_context(lang=words.lang)._social_time(
                                ticket.social_wait_deadline),
                        ))
            owner = ticket.user_id
            if owner and (not owner.active or (
                    ticket.team_id.user_ids and owner not in ticket.team_id.user_ids)):
                ticket.user_id = False
            if notes:
                bodies[ticket.id] = notes
        # the notes in the language of whom reads the ticket (see _social_reader_lang): its
        # owner, the one it is being given to (known before the notes, given after them, as
        # at the ticket's creation), else its team's leader, else its company
        plan = tickets.filtered(lambda t: not t.stage_id.closed)._social_assign_plan()
        readers = {tid: owner for owner, ids in plan[0].items() for tid in ids}
        for ticket in self.browse(list(bodies)):
            words = self.with_context(lang=ticket._social_reader_lang(readers.get(ticket.id)))
            bodies[ticket.id] = Markup("").join(
                Markup("<p>%s</p>") % note(words.env) for note in bodies[ticket.id])
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id
            )
        off_duty = tickets.filtered(lambda t: not t.stage_id.closed)._social_assign(plan)
        # a closed ticket followed no change of its contact's tier: the reopened ones do now
        # (priority, the deadline of their wait, the alert of a new top influencer)
        alerted = {t.id: t.social_alerted_at for t in reopened}
        reopened._social_follow_tier()
        # a top influencer, or bank or card data, complaining again: the team is alerted
        # again (the first alert was about the first complaint), once
        again = reopened.sudo().filtered(
            lambda t: (t.social_tier == "top_influencer"
                       or any(_urgent_pii(p.pii_kinds) for p in todo.get(t, ())))
            and t.social_alerted_at == alerted[t.id]
        )
        if again:
            again.write({"social_alerted_at": False})
            again._social_alert(off_duty)
        for ticket in reopened:
            ticket._social_notify(ticket.user_id or ticket.team_id.user_id, lambda t: (
                t.env._("Social ticket reopened: %(ticket)s", ticket=t.display_name),
                t.env._("The customer complained again after the ticket was closed."),
            ))
        return True
