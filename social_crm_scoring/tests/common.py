# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A company of its own with scored contacts, so demo data never shifts the percentiles."""

import datetime as dt

from odoo import fields
from odoo.addons.social_crm.tests.common import SocialCrmCase


class ScoringCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        # percentiles only, however few the contacts (the follower floors and the absolute
        # scale of small populations are tested on their own)
        cls.score_company = cls.env["res.company"].create(
            {
                "name": "Scoring Test AG",
                "social_score_top_followers": 0,
                "social_score_multiplier_followers": 0,
                "social_score_min_population": 0,
            }
        )
        cls.env.user.company_ids |= cls.score_company
        for user in (cls.user, cls.manager, cls.plain_user):
            user.company_ids |= cls.score_company
        cls.xing = cls.env.ref("social_crm.network_xing")
        cls.now = fields.Datetime.now()
        # star: many followers, busy, mentioned by the others; pro: professional profile;
        # fan: mentions the star; quiet: one small identity; ghost: no identity at all
        cls.star = cls.make_contact("Stella Star", [(cls.x, "ext-star", 250000)])
        cls.pro = cls.make_contact(
            "Paul Profi", [(cls.linkedin, "ext-pro-li", 9000), (cls.xing, "ext-pro-xing", 1200)]
        )
        cls.fan = cls.make_contact("Fiona Fan", [(cls.x, "ext-fan", 800)])
        cls.quiet = cls.make_contact("Quentin Quiet", [(cls.mastodon, "ext-quiet", 15)])
        cls.ghost = cls.Partner.create({"name": "Gustav Ghost", "company_id": cls.score_company.id})
        cls.make_post(cls.star, "star-1", likes=900, reposts=200, hours=3)
        cls.make_post(cls.star, "star-2", likes=1500, reposts=300, hours=30)
        cls.make_post(cls.star, "star-old", likes=10, hours=24 * 200)
        cls.make_post(cls.fan, "fan-1", likes=3, mentions="ext-star", hours=5)
        # a reply: the connectors add the replied-to account to the mentioned ones
        cls.make_post(cls.fan, "fan-2", likes=1, reply_to="star-1", mentions="ext-star", hours=2)
        cls.make_post(cls.pro, "pro-1", likes=40, mentions="ext-star", hours=50)

    @classmethod
    def make_contact(cls, name, identities, company=None):
        company = company or cls.score_company
        partner = cls.Partner.create({"name": name, "company_id": company.id})
        cls.env["social.crm.identity"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "network_id": network.id,
                    "external_id": external_id,
                    "followers_count": followers,
                    "origin": "listening",
                }
                for network, external_id, followers in identities
            ]
        )
        return partner

    @classmethod
    def make_post(cls, partner, ext, likes=0, reposts=0, hours=1, mentions=None, reply_to=None):
        identity = partner.social_identity_ids[:1]
        return cls.env["social.crm.post"].create(
            {
                "network_id": identity.network_id.id,
                "identity_id": identity.id,
                "company_id": identity.company_id.id,
                "external_id": ext,
                "text": f"Post {ext} about ACME",
                "posted_at": cls.now - dt.timedelta(hours=hours),
                "like_count": likes,
                "repost_count": reposts,
                "mentioned_external_ids": mentions or False,
                "in_reply_to_external_id": reply_to or False,
            }
        )

    def recompute(self, now=None):
        counts = self.Partner._social_score_recompute(companies=self.score_company, now=now)
        self.env.invalidate_all()
        return counts

    def history(self, partner):
        return self.env["social.crm.score.history"].search([("partner_id", "=", partner.id)])
