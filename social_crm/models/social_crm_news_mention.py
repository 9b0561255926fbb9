# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmNewsMention(models.Model):
    """A known contact named in a news or blog article (not the article's author: the person
    named gets the credit, not the journalist), or one of the company's brands (a mention of
    the company's own contact, ``brand`` says which)."""

    _name = "social.crm.news.mention"
    _description = "Contact Named in a News Article"
    _order = "published_at desc, id desc"
    _rec_name = "title"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade"
    )
    post_id = fields.Many2one(
        "social.crm.post", string="Article", required=True, index=True, ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="post_id.company_id", store=True, index=True)
    source_id = fields.Many2one(related="post_id.source_id", store=True, string="Portal")
    published_at = fields.Datetime(related="post_id.posted_at", store=True, string="Published")
    title = fields.Char(readonly=True)
    url = fields.Char(string="Link", readonly=True)
    reach = fields.Float(
        readonly=True, help="The portal's reach (a setting of its source) when it was found."
    )
    state = fields.Selection(
        [("confirmed", "Confirmed"), ("to_review", "To Review"), ("rejected", "Rejected")],
        default="to_review",
        required=True,
        index=True,
        help="Uncertain matches (a name without the contact's company or city nearby, or "
        "borne by several contacts) wait for a person to confirm them.",
    )
    reason = fields.Char(readonly=True)
    brand = fields.Char(
        readonly=True,
        help="The company's brand(s) named in the article (set in the Social CRM settings); "
        "the mention is then the company's.",
    )
    snippet = fields.Text(string="Excerpt", readonly=True)

    _post_partner_uniq = models.UniqueIndex(
        "(post_id, partner_id)", "This contact is already linked to this article."
    )

    def action_confirm(self):
        self.write({"state": "confirmed"})

    def action_reject(self):
        self.write({"state": "rejected"})

    @api.model
    def _ingest_articles(self, posts, texts=None):
        """Find the company's contacts named in ``posts`` (articles of news sources) and
        record one mention per contact and article: a fixed number of queries per batch.
        ``texts``: {post id: full text} where the article page was read."""
        from ..services import news_match

        if not posts:
            return self.browse()
        company = posts.company_id[:1]
        partners = (
            self.env["res.partner"]
            # sudo: an article may name any contact of the company, not only those the user reads
            .sudo()
            .search_fetch(
                [
                    ("is_company", "=", False),
                    ("name", "like", " "),
                    ("company_id", "in", [company.id, False]),
                ],
                ["name", "parent_id", "company_name", "city"],
            )
        )
        people = [
            news_match.Person(p.id, p.name, p.parent_id.name or p.company_name, p.city)
            for p in partners
        ]
        brands = news_match.brand_names(company.social_brand_names)
        vals_list = []
        for post in posts:
            text = (texts or {}).get(post.id) or post.text
            title = (post.text or "").split("\n", 1)[0][:500]
            found = news_match.find_brands(text or "", brands) if brands else []
            if found and company.partner_id != post.partner_id:
                vals_list.append(
                    {
                        "partner_id": company.partner_id.id,
                        "post_id": post.id,
                        "title": title,
                        "url": post.url,
                        "reach": post.source_id.news_reach,
                        "brand": ", ".join(match.brand for match in found)[:500],
                        "state": "confirmed"
                        if any(match.certain for match in found)
                        else "to_review",
                        "reason": "; ".join(match.reason for match in found)[:500],
                        "snippet": found[0].snippet[:2000],
                    }
                )
            for match in news_match.find_people(text or "", people):
                if match.partner_id == post.partner_id.id:
                    continue  # the author writing about themself earns no news mention
                vals_list.append(
                    {
                        "partner_id": match.partner_id,
                        "post_id": post.id,
                        "title": title,
                        "url": post.url,
                        "reach": post.source_id.news_reach,
                        "state": "confirmed" if match.certain else "to_review",
                        "reason": match.reason[:500],
                        "snippet": match.snippet[:2000],
                    }
                )
        # sudo: mentions are written by the product only
        return self.sudo().create(vals_list) if vals_list else self.browse()
