# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from markupsafe import Markup

from odoo import api, models
from odoo.addons.social_crm_helpdesk.models.helpdesk_ticket import _urgent_pii
from odoo.addons.social_crm_helpdesk.models.res_company import by_company_lang
from odoo.addons.social_crm_helpdesk.models.social_crm_post import COMPANY_LANG_KEY


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
        them, mostly from the nightly scoring job): they are written in the language of the
        ticket's company, whoever triggered the change."""
        # sudo: a scoring run (cron, another agent's recompute) updates every agent's tickets
        tickets = self.sudo().filtered(
            lambda t: t.social_network_id and not t.stage_id.closed
            and (t.partner_id or t.social_post_id)
        )
        if not self.env.context.get(COMPANY_LANG_KEY):
            changed = self.browse()
            for lang, group in by_company_lang(tickets):
                changed |= group.with_context(
                    lang=lang, **{COMPANY_LANG_KEY: True}
                )._social_follow_tier()
            return changed.with_env(self.env)
        labels = dict(self._fields["social_tier"]._description_selection(self.env))
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        changed = self.browse()
        bodies = {}
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
            notes = []
            expected = self._social_priority(ticket.social_tier, ticket.social_pii_kinds)
            priority = self._social_priority(tier, ticket.social_pii_kinds)
            if ticket.priority == expected and priority != ticket.priority:
                vals["priority"] = priority
                notes.append(
                    self.env._("priority %(priority)s", priority=priorities.get(priority))
                )
            if not ticket.social_first_reply_at and ticket.social_posted_at:
                urgent = ticket.has_sensitive_data and _urgent_pii(ticket.social_pii_kinds)
                minutes = ticket.company_id._social_response_minutes(influencer or urgent)
                deadline = ticket.social_posted_at + dt.timedelta(minutes=minutes)
                if deadline != ticket.social_response_deadline:
                    vals["social_response_deadline"] = deadline
                    vals["social_escalate_at"] = (
                        ticket.social_posted_at + dt.timedelta(minutes=minutes) / 2
                    )
                    notes.append(
                        self.env._("respond by %(time)s", time=ticket._social_time(deadline))
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
                    notes.append(self.env._(
                        "respond by %(time)s",
                        time=ticket._social_time(wait["social_wait_deadline"]),
                    ))
            old_tier = ticket.social_tier
            ticket.write(vals)
            if partner and (not tier or partner.social_score_company_id == ticket.company_id):
                sentence = self.env._(
                    "%(name)s is now %(tier)s (was %(old)s), by the %(kind)s Social Score "
                    "%(score)s.",
                    name=partner.display_name,
                    tier=labels.get(tier) or self.env._("not scored"),
                    old=labels.get(old_tier) or self.env._("not scored"),
                    kind=self.env._("provisional")
                    if partner.id in provisional
                    else self.env._("latest"),
                    score=round(partner.social_score),
                )
            else:
                # a tier by the floors (not scored for this company): no other company's
                # score in its chatter
                sentence = self.env._(
                    "%(name)s is now %(tier)s (was %(old)s), by the follower floors of "
                    "%(company)s.",
                    name=partner.display_name or ticket.partner_name,
                    tier=labels.get(tier) or self.env._("not scored"),
                    old=labels.get(old_tier) or self.env._("not scored"),
                    company=ticket.company_id.name,
                )
            if notes:
                sentence += " " + self.env._(
                    "The ticket follows: %(changes)s.", changes=", ".join(notes)
                )
            bodies[ticket.id] = Markup("<p>%s</p>") % sentence
            changed |= ticket
        if bodies:
            self.browse(list(bodies))._message_log_batch(
                bodies, author_id=self.env.ref("base.partner_root").id
            )
        if changed:
            # a ticket still nobody takes keeps the note of its opening (not a second one)
            off_duty = changed._social_assign(quiet=True)
            changed.filtered(lambda t: t._social_needs_alert())._social_alert(off_duty)
        return changed
