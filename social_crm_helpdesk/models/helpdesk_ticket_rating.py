# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's own rating of a social ticket (OCA ``helpdesk_mgmt_rating``, Odoo's
``rating.rating``): the link to Odoo's rating page goes out by a reply on the network (the
wording placeholder ``{{ rating_link }}``, offered once the ticket is closed) or by the e-mail of
the closing stage; the KPIs count satisfied ÷ rated, beside the share of closed tickets rated."""

from odoo import api, fields, models
from odoo.addons.rating.models.rating_data import (
    RATING_HAPPY_VALUE,
    RATING_LIMIT_OK,
    RATING_LIMIT_SATISFIED,
)

SATISFACTION = [("positive", "Satisfied"), ("neutral", "Neutral"), ("negative", "Dissatisfied")]


def satisfaction_of(value):
    """The satisfaction of a rating value (1..5), ``False`` when unrated (0)."""
    if not value:
        return False
    if value >= RATING_LIMIT_SATISFIED:
        return "positive"
    if value >= RATING_LIMIT_OK:
        return "neutral"
    return "negative"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    social_satisfaction = fields.Selection(
        SATISFACTION,
        string="Customer Satisfaction",
        compute="_compute_social_satisfaction",
        help="The customer's last rating on Odoo's rating page (or, before customer ratings, "
        "the rating an agent typed: see the rating's origin). Empty: not rated.",
        groups="base.group_user",
    )

    @api.depends("rating_last_value")
    def _compute_social_satisfaction(self):
        for ticket in self:
            ticket.social_satisfaction = satisfaction_of(ticket.rating_last_value)

    def _social_rating_link(self):
        """The link to Odoo's rating page of this ticket, or ``""`` while the ticket is open
        or when it is not to be rated. Opening the link records nothing (the customer chooses
        and submits on the page): link previews of the networks cannot rate."""
        self.ensure_one()
        if not self.stage_id.closed or self.rating_status == "no_rate":
            return ""
        token = self._rating_get_access_token()
        return f"{self.get_base_url()}/rate/{token}/{RATING_HAPPY_VALUE}"


class RatingRating(models.Model):
    _inherit = "rating.rating"

    social_origin = fields.Selection(
        [("customer", "Customer"), ("agent", "Typed by an Agent (Before Customer Ratings)")],
        string="Origin",
        default="customer",
        required=True,
        readonly=True,
        help="Ratings migrated from the former agent-typed field keep the origin “agent”.",
    )
