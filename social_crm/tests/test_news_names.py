# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SocialCrmCase


@tagged("post_install", "-at_install")
class TestNewsNames(SocialCrmCase):
    """Names and brands found in articles of a news source, through ingestion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create({
            "name": "heise.de", "network_id": cls.rss.id, "kind": "feed",
            "query": "https://heise.example/feed.xml", "news_match_contacts": True,
        })
        bakery = cls.env["res.partner"].create({"name": "Bäckerei Vogel GmbH",
                                                "is_company": True})
        cls.partner.write({"parent_id": bakery.id, "city": "Köln"})
        cls.mueller = cls.env["res.partner"].create(
            {"name": "Dr. Jürgen Müller", "city": "Düsseldorf"}
        )
        cls.env.company.social_brand_names = "Vogel Brot\nKölner Korn, Apple"

    def _article(self, ext, text):
        journalist = self.make_author(f"heise.example:{ext}-author", name="Karl Reporter",
                                      network="rss")
        post = self.make_post(ext, author=journalist, network="rss", text=text,
                              url=f"https://heise.example/{ext}")
        self.env["social.crm.post"]._ingest_posts([post], source=self.source)
        article = self.env["social.crm.post"].search([("external_id", "=", ext)])
        return self.env["social.crm.news.mention"].search([("post_id", "=", article.id)])

    def test_titles_umlauts_and_words_inside_words(self):
        mentions = self._article(
            "n1", "Handwerk in NRW\n\nProf. Dr. Petra Vogel (Köln) und Juergen Mueller aus "
            "Duesseldorf sprachen.")
        self.assertEqual(
            {(m.partner_id, m.state) for m in mentions},
            {(self.partner, "confirmed"), (self.mueller, "confirmed")},
        )
        mentions = self._article(
            "n2", "Vogelsang\n\nPetra Vogelsang aus Köln und Jürgen Müllerhaus in Düsseldorf.")
        self.assertFalse(mentions, "a name inside another word names nobody")
        mentions = self._article("n3", "Kurz\n\nJürgen Müller gewann.")
        self.assertEqual(mentions.partner_id, self.mueller)
        self.assertEqual(mentions.state, "to_review", "no city or company nearby")

    def test_brands_become_mentions_of_the_company(self):
        company_partner = self.env.company.partner_id
        mention = self._article(
            "b1", "Test\n\nDas neue Vogel Brot schmeckt; Koelner Korn auch. Vogel Brotzeit.")
        self.assertEqual(mention.partner_id, company_partner)
        self.assertEqual(mention.brand, "Vogel Brot, Kölner Korn")
        self.assertEqual(mention.state, "confirmed", "written as in the settings")
        self.assertEqual(mention.source_id, self.source)
        self.assertIn(mention, company_partner.social_news_mention_ids)
        mention = self._article("b2", "Obst\n\nEin apple am Tag.")
        self.assertEqual(mention.brand, "Apple")
        self.assertEqual(mention.state, "to_review", "a common word may be meant")
        self.assertIn("common word", mention.reason)
        self.assertFalse(self._article("b3", "Brotzeit\n\nVogel Brotzeit in Bonn."))

    def test_brand_setting(self):
        settings = self.env["res.config.settings"].create({"social_brand_names": "ACME"})
        settings.execute()
        self.assertEqual(self.env.company.social_brand_names, "ACME")
