# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

#: posts below this certainty (complaint probability between 35 % and 65 %) are "unsure": the
#: product asks agents to decide them first (their labels teach the company model the most)
UNSURE_CERTAINTY = 0.3


class SocialCrmPost(models.Model):
    """The posts the complaint detection is least sure of, for agents to decide first."""

    _inherit = "social.crm.post"

    complaint_certainty = fields.Float(
        string="Certainty", digits=(3, 2), compute="_compute_complaint_certainty", store=True,
        index=True,
        help="How sure the complaint detection is (0 = a coin toss, 1 = sure either way). "
        "Agents' decisions on the least sure posts teach it the most.",
    )
    complaint_decision_ids = fields.One2many(
        "social.crm.complaint.label", "post_id", string="Complaint Decisions", readonly=True
    )

    @api.depends("complaint_decision_ids.is_complaint")
    def _compute_complaint_decision(self):
        """The decision follows the post's label (it changed within the same transaction
        when an agent decided in the review list)."""
        return super()._compute_complaint_decision()

    @api.depends("complaint_p", "complaint_label")
    def _compute_complaint_certainty(self):
        for post in self:
            if post.complaint_label:
                post.complaint_certainty = round(abs(post.complaint_p - 0.5) * 2, 4)
            else:  # never classified (no text): nothing to decide
                post.complaint_certainty = 1.0

    @api.model
    def _social_unsure_domain(self):
        """Posts to review: unsure, undecided by an agent, without a ticket."""
        return [
            ("complaint_certainty", "<", UNSURE_CERTAINTY),
            ("complaint_decision_ids", "=", False),
            ("ticket_id", "=", False),
        ]

    def action_review_complaint(self):
        """One click in the review list: the agent confirms a complaint. The decision is kept
        as a label and a ticket opened (like *Convert to Ticket*), and the agent stays in the
        list for the next post."""
        self.check_access("write")
        if not self:
            return False
        self.env["helpdesk.ticket"].check_access("create")
        self.env["social.crm.complaint.label"]._record_decisions(self, True)
        tickets = self._social_route(automatic=False) | self.ticket_id
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Complaint"),
                "message": self.env._(
                    "Noted: a ticket is opened, and the complaint detection learns from your "
                    "decision."
                ) if len(tickets) == 1 else self.env._(
                    "Noted: %(count)s tickets are opened, and the complaint detection learns "
                    "from your decision.",
                    count=len(tickets),
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
