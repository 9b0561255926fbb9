# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmComplaintLabel(models.Model):
    """An agent's decision on a post: a complaint (converted to a ticket) or not.

    The company's complaint classifier is retrained from these labels by a cron (see
    ``social.crm.complaint.model``), triggered when a decision is recorded.
    """

    _name = "social.crm.complaint.label"
    _description = "Complaint Label"
    _order = "date desc, id desc"
    _rec_name = "text"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    text = fields.Text(required=True, help="The post's text, with personal data removed.")
    is_complaint = fields.Boolean(string="Complaint")
    lang = fields.Char(string="Language")
    post_id = fields.Many2one("social.crm.post", index="btree_not_null",
                              ondelete="set null", check_company=True)
    network_id = fields.Many2one(related="post_id.network_id")
    user_id = fields.Many2one(
        "res.users", string="Decided By", default=lambda self: self.env.user, index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    detected_label = fields.Char(
        string="Detected As", help="What the classifier said before the agent decided."
    )

    _post_uniq = models.Constraint(
        "UNIQUE(post_id)", "A post has one label: the latest decision replaces the earlier."
    )

    @api.model
    def _record_decisions(self, posts, is_complaint):
        """Keep (or update) one label per post for the agent's decision.

        Labels come from decisions only: users may read them, never create or write them
        (issue 18), so the decision is written here with sudo, after the caller checked the
        agent's access to the posts."""
        posts = posts.sudo()  # sudo: the label keeps the post's text and company as stored
        existing = self.sudo().search([("post_id", "in", posts.ids)])  # sudo: see above
        by_post = {label.post_id.id: label for label in existing}
        now = fields.Datetime.now()
        changed = existing.filtered(lambda label: label.is_complaint != is_complaint)
        if changed:
            changed.write({"is_complaint": is_complaint, "user_id": self.env.uid, "date": now})
        vals_list = [
            {
                "company_id": post.company_id.id,
                "text": post.text or "",
                "is_complaint": is_complaint,
                "lang": post.complaint_lang or post.lang or False,
                "post_id": post.id,
                "user_id": self.env.uid,
                "date": now,
                "detected_label": post.complaint_label or False,
            }
            for post in posts
            if post.id not in by_post and (post.text or "").strip()
        ]
        labels = existing | self.sudo().create(vals_list)  # sudo: see above
        if changed or vals_list:
            self.env["social.crm.complaint.model"]._trigger_training()
        return labels
