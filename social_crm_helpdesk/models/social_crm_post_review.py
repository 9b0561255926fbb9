# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

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

    def _auto_init(self):
        self._social_fill_certainty()
        return super()._auto_init()

    @api.model
    def _social_fill_certainty(self):
        """On an update of the addon (posts were classified before), create and fill the new
        stored certainty in one SQL statement instead of computing it post by post (the same
        formula as the compute). Nothing to do on install or once the column exists."""
        cr = self.env.cr
        if column_exists(cr, "social_crm_post", "complaint_certainty") or not all(
            column_exists(cr, "social_crm_post", column)
            for column in ("complaint_p", "complaint_label")
        ):
            return False
        create_column(cr, "social_crm_post", "complaint_certainty", "numeric")
        cr.execute(SQL(
            """UPDATE social_crm_post
                  SET complaint_certainty = CASE WHEN complaint_label IS NULL THEN 1.0
                      ELSE round(abs(coalesce(complaint_p, 0.0) - 0.5) * 2, 4) END"""
        ))
        return True

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
        return self._social_decision_toast(
            self.env._("Complaint"),
            self.env._(
                "Noted: a ticket is opened, and the complaint detection learns from your "
                "decision."
            ) if len(tickets) == 1 else self.env._(
                "Noted: %(count)s tickets are opened, and the complaint detection learns "
                "from your decision.",
                count=len(tickets),
            ),
        )
