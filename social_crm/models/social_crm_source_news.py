# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    news_match_contacts = fields.Boolean(
        string="Find Contacts in Articles",
        help="News and blog feeds: the articles are searched for the full names of known "
        "contacts; a match becomes a news mention of the person named (not of the author).",
    )
    news_fetch_article = fields.Boolean(
        string="Read the Article Page",
        help="When an entry of the feed carries only a teaser, read the article page too "
        "(10 seconds and 2 MB at most).",
    )
    news_reach = fields.Float(
        string="Portal Reach",
        default=1.0,
        help="Weight of a mention on this portal in the score's news part (1: an ordinary "
        "portal; 5: a national newspaper).",
    )
