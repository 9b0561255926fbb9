# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, models
from odoo.tools.misc import formatLang

from .social_crm_score_history import round_half_up


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    @api.model_create_multi
    def create(self, vals_list):
        posts = super().create(vals_list)
        self.env["social.crm.mention"]._sync_posts(posts.filtered("mentioned_external_ids"))
        return posts

    def write(self, vals):
        result = super().write(vals)
        if {"mentioned_external_ids", "company_id", "network_id"} & set(vals):
            self.env["social.crm.mention"]._sync_posts(self)
        return result

    def _ingest_after_create(self, records, posts):
        result = super()._ingest_after_create(records, posts)
        # influence known on arrival: new authors get a provisional score before anything
        # (tickets, alerts) reads their tier; sudo: whoever ingested, the product scores
        self.env["res.partner"].sudo()._social_score_provisional(records)
        self._social_score_notify_influencers(records)
        return result

    def _social_score_notify_influencers(self, records):
        """One to-do for the salesperson of each influencer who posted in this batch.

        Posts are grouped by contact: a batch of ten posts by the same influencer gives one
        activity listing the ten posts, not ten activities.
        """
        by_partner = {}
        for post in records.sudo():  # sudo: the salesperson is told whoever ingested the posts
            partner = post.partner_id
            if (
                partner
                and partner.is_social_influencer
                # the company the contact is scored for (no other company's score quoted)
                and partner.social_score_company_id == post.company_id
                and not partner.social_score_excluded
                and partner.user_id
                and partner.user_id.active
            ):
                by_partner.setdefault(partner, []).append(post)
        if not by_partner:
            return
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        Lang = self.env["res.lang"]
        vals_list = []
        for partner, partner_posts in by_partner.items():
            user = partner.user_id
            env = self.with_context(lang=user.lang).env
            tier = dict(partner._fields["social_score_tier"]._description_selection(env)).get(
                partner.social_score_tier, ""
            )
            items = Markup("").join(
                Markup('<li><a href="/odoo/social.crm.post/%s">%s</a>%s: %s</li>')
                % (
                    post.id,
                    post.display_name,
                    Markup(' (<a href="%s" target="_blank">%s</a>)') % (post.url, env._("open"))
                    if post.url
                    else "",
                    post.text_preview or "",
                )
                for post in partner_posts
            )
            note = Markup("<p>%s</p><ul>%s</ul>") % (
                env._(
                    "%(name)s (%(tier)s, Social Score %(score)s) posted about the company:",
                    name=partner.display_name,
                    tier=tier,
                    score=formatLang(env, round_half_up(partner.social_score), digits=0),
                ),
                items,
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": todo.id if todo else False,
                    "user_id": user.id,
                    "summary": env._("Influencer posted about us"),
                    "note": note,
                    # the salesperson's day, not the ingesting job's (res.lang._social_today)
                    "date_deadline": Lang._social_today(user, partner_posts[0].company_id),
                }
            )
        # sudo: activities for the salespeople, created whoever ingested the posts
        self.env["mail.activity"].sudo().create(vals_list)
