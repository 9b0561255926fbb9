# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

USER = "social_crm.group_social_crm_user"
LATEST_POSTS = 10


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_identity_ids = fields.One2many(
        "social.crm.identity", "partner_id", string="Social Identities", groups=USER
    )
    social_post_ids = fields.One2many(
        "social.crm.post", "partner_id", string="Social Posts", groups=USER
    )
    social_latest_post_ids = fields.Many2many(
        "social.crm.post",
        string="Latest Posts",
        compute="_compute_social_latest_post_ids",
        groups=USER,
    )
    social_identity_count = fields.Integer(
        compute="_compute_social_counts", string="Identities", groups=USER
    )
    social_post_count = fields.Integer(
        compute="_compute_social_counts", string="Social Posts Count", groups=USER
    )
    social_origin = fields.Boolean(
        string="From Social Media",
        help="Created automatically from a social media author.",
        groups=USER,
    )

    def _compute_social_counts(self):
        ids = [pid for pid in self.ids if pid]
        identity_counts = dict(
            self.env["social.crm.identity"]._read_group(
                [("partner_id", "in", ids)], ["partner_id"], ["__count"]
            )
        )
        post_counts = dict(
            self.env["social.crm.post"]._read_group(
                [("partner_id", "in", ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.social_identity_count = identity_counts.get(partner, 0)
            partner.social_post_count = post_counts.get(partner, 0)

    @api.depends("social_post_ids")
    def _compute_social_latest_post_ids(self):
        """The ten newest posts of each contact, for all contacts in one query."""
        post_model = self.env["social.crm.post"]
        ids = [pid for pid in self.ids if pid]
        latest = {}
        if ids:
            # the user's access rules apply: search the allowed posts, rank them in SQL
            query = post_model._search([("partner_id", "in", ids)])
            rows = self.env.execute_query(
                SQL(
                    """SELECT partner_id, id FROM (
                           SELECT p.partner_id, p.id, row_number() OVER (
                                      PARTITION BY p.partner_id
                                      ORDER BY p.posted_at DESC, p.id DESC) AS rank
                             FROM social_crm_post p
                            WHERE p.id IN %s) AS ranked
                        WHERE rank <= %s
                        ORDER BY partner_id, rank""",
                    query.subselect(),
                    LATEST_POSTS,
                )
            )
            for partner_id, post_id in rows:
                latest.setdefault(partner_id, []).append(post_id)
        for partner in self:
            partner.social_latest_post_ids = post_model.browse(latest.get(partner.id, []))

    def action_view_social_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_post_action_timeline"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["display_name"] = self.env._("Social history of %(name)s", name=self.name)
        return action

    def action_view_social_identities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_identity_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
