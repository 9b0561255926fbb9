# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from markupsafe import Markup

from odoo import api, models
from odoo.addons.social_crm_helpdesk.models.helpdesk_ticket import _urgent_pii


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _social_helpdesk_scoring_demo(self):
        """Demo: the open social tickets take their contact's tier now (as the post-init hook
        does after the demo data), then the demo team answers its top priority as the
        helpdesk's demo does (``social.crm.source._social_helpdesk_demo_answer_waiting``)."""
        self.search(
            [("social_network_id", "!=", False), ("stage_id.closed", "=", False)]
        )._social_follow_tier()
        self.env["social.crm.source"]._social_helpdesk_demo_answer_waiting()
        return True

    def _social_follow_tier(self):
        """Priority, deadline and flags of these open social tickets follow their contact's
        current tier (provisional or nightly score); the chatter says why. A ticket without
        contact (its author has no identity: a match waiting for review, a source that
        creates no contacts) follows the tier the company's follower floors give to the
        followers the network reported for its author. A priority an
        agent changed by hand is kept. A ticket whose contact became a top influencer is
        assigned and alerted like a new one. The notes are the product's own (OdooBot writes
        them, mostly from the nightly scoring job): they are written in the language of whom
        reads the ticket, as the product's other notes on it (``_social_reader_lang``: its
        agent, the one it is being given to, else its team's leader, else its company),
        whoever triggered the change."""
        # sudo: a scoring run (cron, another agent's recompute) updates every agent's tickets
        tickets = self.sudo().filtered(
            lambda t: t.social_network_id and not t.stage_id.closed
            and (t.partner_id or t.social_post_id)
        )
        changed = self.browse()
        changes = {}  # ticket id -> what its note says, written once its reader is known
        provisional = tickets.partner_id._social_score_provisional_ids()
        for ticket in tickets:
            partner = ticket.partner_id
            # the tier for the ticket's company (a shared contact scored for another company
            # is ranked there by its followers there, never by the other company's score)
            post = ticket.social_post_id
            tier, influencer = self.env["res.partner"]._social_author_tier(
                partner, ticket.company_id,
                0 if partner or post.identity_id else post.author_followers_count,
            )
            if tier == ticket.social_tier and influencer == ticket.social_is_influencer:
                continue
            vals = {"social_tier": tier, "social_is_influencer": influencer}
            change = {"tier": tier, "old": ticket.social_tier, "priority": None,
                      "deadline": None}
            expected = self._social_priority(ticket.social_tier, ticket.social_pii_kinds)
            priority = self._social_priority(tier, ticket.social_pii_kinds)
            if ticket.priority == expected and priority != ticket.priority:
                vals["priority"] = change["priority"] = priority
            if not ticket.social_first_reply_at and ticket.social_posted_at:
                urgent = ticket.has_sensitive_data and _urgent_pii(ticket.social_pii_kinds)
                minutes = ticket.company_id._social_response_minutes(influencer or urgent)
                deadline = ticket.social_posted_at + dt.timedelta(minutes=minutes)
                if deadline != ticket.social_response_deadline:
                    vals["social_response_deadline"] = change["deadline"] = deadline
                    vals["social_escalate_at"] = (
                        ticket.social_posted_at + dt.timedelta(minutes=minutes) / 2
                    )
            elif (
                ticket.social_wait_since
                and ticket.social_wait_deadline
                and not ticket.social_wait_reply_at
            ):
                # reopened after an answer, waiting again: the new wait follows the tier
                since = ticket.social_wait_since
                urgent = ticket.has_sensitive_data and _urgent_pii(ticket.social_pii_kinds)
                minutes = ticket.company_id._social_response_minutes(influencer or urgent)
                wait = self._social_wait_vals(since, minutes)
                if wait["social_wait_deadline"] != ticket.social_wait_deadline:
                    vals.update(
                        social_wait_deadline=wait["social_wait_deadline"],
                        social_wait_escalate_at=wait["social_wait_escalate_at"],
                    )
                    change["deadline"] = wait["social_wait_deadline"]
            ticket.write(vals)
            # scored for this company: its score; else a tier by the floors (no other
            # company's score in its chatter)
            change["score"] = partner and (
                not tier or partner.social_score_company_id == ticket.company_id)
            changes[ticket.id] = change
            changed |= ticket
        if not changed:
            return changed
        # who the team's rule gives each ticket to, known before its note (written in the
        # language of whom reads it); the assignment itself comes after the notes, as before
        plan = changed._social_assign_plan()
        readers = {tid: owner for owner, ids in plan[0].items() for tid in ids}
        bodies = {
            ticket.id: ticket._social_tier_note(
                changes[ticket.id], readers.get(ticket.id), ticket.partner_id.id in provisional)
            for ticket in changed
        }
        self.browse(list(bodies))._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id
        )
        # a ticket still nobody takes keeps the note of its opening (not a second one)
        off_duty = changed._social_assign(plan, quiet=True)
        changed.filtered(lambda t: t._social_needs_alert())._social_alert(off_duty)
        return changed.with_env(self.env)

    def _social_tier_note(self, change, reader=None, provisional=False):
        """The note of :meth:`_social_follow_tier` on this ticket (HTML) in the language and
        time zone of whom reads it (``reader``: the user it is being given to, see
        ``_social_reader_lang``): ``change`` holds the new and the former tier, the priority
        and the deadline that follow (None when kept), whether the contact's score of the
        ticket's company ranked it (else the company's follower floors)."""
        self.ensure_one()
        ticket = self.with_context(lang=self._social_reader_lang(reader))
        if reader:
            ticket = ticket.with_context(
                tz=self.env["res.lang"]._social_reader_tz(reader, self.company_id))
        words = ticket.env
        labels = dict(self._fields["social_tier"]._description_selection(words))
        partner = ticket.partner_id
        notes = []
        if change["priority"]:
            priorities = dict(self._fields["priority"]._description_selection(words))
            notes.append(words._(
                "priority %(priority)s", priority=priorities.get(change["priority"])))
        if change["deadline"]:
            notes.append(words._(
                "respond by %(time)s", time=ticket._social_time(change["deadline"])))
        tier = labels.get(change["tier"]) or words._("not scored")
        old = labels.get(change["old"]) or words._("not scored")
        if change["score"]:
            sentence = words._(
                "%(name)s is now %(tier)s (was %(old)s), by the %(kind)s Social Score "
                "%(score)s.",
                name=partner.display_name,
                tier=tier,
                old=old,
                kind=words._("provisional") if provisional else words._("latest"),
                score=round(partner.social_score),
            )
        else:
            sentence = words._(
                "%(name)s is now %(tier)s (was %(old)s), by the follower floors of "
                "%(company)s.",
                name=partner.display_name or ticket.partner_name,
                tier=tier,
                old=old,
                company=ticket.company_id.name,
            )
        if notes:
            sentence += " " + words._(
                "The ticket follows: %(changes)s.", changes=", ".join(notes)
            )
        return Markup("<p>%s</p>") % sentence
