# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

from ..connectors import base as connector_base
from ..connectors import news

_logger = logging.getLogger(__name__)

TEASER = 600  # characters: an entry shorter than this is read as a teaser


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model
    def _ingest_after_create(self, records, posts):
        records = super()._ingest_after_create(records, posts)
        articles = records.filtered(lambda p: p.source_id.news_match_contacts)
        if articles:
            texts = {}
            for post in articles.filtered(
                lambda p: p.source_id.news_fetch_article and p.url and len(p.text or "") < TEASER
            ):
                try:
                    texts[post.id] = f"{post.text}\n\n{news.fetch_article_text(post.url)}"
                except connector_base.ConnectorError as error:
                    _logger.info("Social CRM: article %s not read, its teaser is used: %s",
                                 post.url, error)
            self.env["social.crm.news.mention"]._ingest_articles(articles, texts)
        return records
