# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

TIERS = [
    ("top_influencer", "Top influencer"),
    ("multiplier", "Multiplier"),
    ("regular", "Regular"),
]


class SocialCrmScoreHistory(models.Model):
    """The Social Customer Score of a contact from one day on, with its parts and their inputs.

    Written in bulk by the scoring run: a row when the score, tier or influencer flag of the
    contact changes (at most one per contact and day, the day's last run wins), so the
    history stays small however many contacts are scored every night. The row of the
    contact's current score is flagged ``is_current`` (at most one per contact): the
    contact's score, tier and flag are read from it (nothing is written on the contact
    itself, a table with a dozen indexes that users keep busy), the contact form explains
    the score from it and shows the trend against the row before. A contact that is no
    longer scored keeps its rows, none current. Numbers are float8 (no ``digits``: numeric
    costs several times more to write); the views round them.
    """

    _name = "social.crm.score.history"
    _description = "Social Customer Score History"
    _order = "date desc, id desc"
    # written only by the scoring run (in bulk): no create/write user and date columns,
    # whose foreign keys cost more than the rest of the row
    _log_access = False
    _rec_name = "date"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    score = fields.Float(readonly=True, aggregator="avg")
    tier = fields.Selection(TIERS, readonly=True)
    is_influencer = fields.Boolean(string="Influencer", readonly=True)
    rank = fields.Integer(readonly=True, aggregator="min", help="1 = the highest score.")
    population = fields.Integer(
        string="Scored Contacts",
        readonly=True,
        aggregator="max",
        help="How many contacts of the company were scored together.",
    )
    # parts on a 0-100 scale (normalised among the company's contacts)
    reach_points = fields.Float(string="Reach", readonly=True, aggregator="avg")
    engagement_points = fields.Float(string="Engagement", readonly=True, aggregator="avg")
    mentions_points = fields.Float(string="Brand Mentions", readonly=True, aggregator="avg")
    network_points = fields.Float(string="Network Position", readonly=True, aggregator="avg")
    professional_points = fields.Float(
        string="Professional Weight", readonly=True, aggregator="avg"
    )
    # the numbers the parts came from
    followers = fields.Float(readonly=True, aggregator="sum")
    identity_count = fields.Integer(string="Identities", readonly=True)
    post_count = fields.Integer(string="Posts in Window", readonly=True)
    reaction_count = fields.Float(string="Reactions in Window", readonly=True, aggregator="sum")
    mention_count = fields.Integer(string="Brand Mentions Count", readonly=True)
    mentions_decayed = fields.Float(string="Brand Mentions After Ageing", readonly=True)
    mentioned_by = fields.Integer(
        readonly=True,
        help="Other scored contacts that mention or reply to this contact.",
    )
    network_lift = fields.Float(
        readonly=True,
        help="How much higher the PageRank is than that of a contact nobody mentions "
        "(0 = not mentioned).",
    )
    professional_followers = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Followers or connections on professional networks (LinkedIn, Xing).",
    )
    professional_identity_count = fields.Integer(string="Professional Profiles", readonly=True)
    settings = fields.Json(
        readonly=True, help="Weights (shares of 1), window and half-life used on that day."
    )
    is_current = fields.Boolean(
        string="Current",
        readonly=True,
        help="The contact's current score (the latest row, unless the contact is no longer "
        "scored).",
    )

    is_provisional = fields.Boolean(
        string="Provisional",
        readonly=True,
        help="Computed on arrival of the contact's first post, from what the network sent "
        "with it, against the company's scores of the last run; the next run replaces it.",
    )

    _partner_date_uniq = models.Constraint(
        "UNIQUE(partner_id, date)", "A contact has one score per day."
    )
    _company_date_idx = models.Index("(company_id, date)")
    _current_partner_uniq = models.UniqueIndex("(partner_id) WHERE is_current")
    _current_company_idx = models.Index("(company_id) WHERE is_current")

    def unlink(self):
        """Deleting a contact's current row leaves the contact unscored (leads follow)."""
        current = self.filtered("is_current").partner_id.ids
        result = super().unlink()
        if current:
            partners = self.env["res.partner"]
            partners._social_score_sync_leads(current)
            partners.invalidate_model(partners._social_score_current_fields())
        return result
