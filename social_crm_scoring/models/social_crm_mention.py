# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mention/reply edges of the network part, kept up to date as posts come in.

A post's ``mentioned_external_ids`` (the accounts it mentions or replies to, as the
connectors store them) become one row per post and mentioned account when the post is
stored, resolved to the company's social identity of that account when there is one, or
when one appears later (a new author, an identity entered by hand that gets its network
id). The nightly score then reads these rows (author contact, mentioned contact, date)
instead of splitting and joining the mentions of a million posts.
"""

from odoo import api, fields, models
from odoo.tools import SQL


class SocialCrmMention(models.Model):
    _name = "social.crm.mention"
    _description = "Social Mention or Reply"
    _log_access = False
    _order = "posted_at desc, id desc"
    _rec_name = "target_external_id"
    _check_company_auto = True

    post_id = fields.Many2one(
        "social.crm.post", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="post_id.company_id", store=True)
    network_id = fields.Many2one(related="post_id.network_id", store=True)
    posted_at = fields.Datetime(related="post_id.posted_at", store=True)
    source_partner_id = fields.Many2one(
        related="post_id.partner_id", store=True, string="Author Contact", index="btree_not_null"
    )
    target_external_id = fields.Char(string="Mentioned Account ID", required=True, readonly=True)
    target_identity_id = fields.Many2one(
        "social.crm.identity",
        string="Mentioned Identity",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    target_partner_id = fields.Many2one(
        related="target_identity_id.partner_id",
        store=True,
        string="Mentioned Contact",
        index="btree_not_null",
    )

    _account_idx = models.Index("(company_id, network_id, target_external_id)")

    @api.model
    def _sync_posts(self, posts):
        """(Re)build the rows of ``posts`` from their mentioned accounts, in two statements."""
        if not posts:
            return
        self.env["social.crm.post"].flush_model(
            ["mentioned_external_ids", "company_id", "network_id", "posted_at", "partner_id"]
        )
        self.env["social.crm.identity"].flush_model(
            ["company_id", "network_id", "external_id", "partner_id"]
        )
        self.env.cr.execute(
            SQL("DELETE FROM social_crm_mention WHERE post_id = ANY(%s)", posts.ids)
        )
        self._insert_rows(SQL("p.id = ANY(%s)", posts.ids))

    @api.model
    def _rebuild(self):
        """Rebuild every row from the posts (module installation, repair)."""
        self.env["social.crm.post"].flush_model()
        self.env["social.crm.identity"].flush_model()
        self.env.cr.execute(SQL("DELETE FROM social_crm_mention"))
        self._insert_rows(SQL("TRUE"))
        self.env.cr.execute(SQL("ANALYZE social_crm_mention"))

    def _insert_rows(self, condition):
        self.env.cr.execute(
            SQL(
                """INSERT INTO social_crm_mention
                          (post_id, company_id, network_id, posted_at, source_partner_id,
                           target_external_id, target_identity_id, target_partner_id)
                   SELECT DISTINCT ON (p.id, m.external_id)
                          p.id, p.company_id, p.network_id, p.posted_at, p.partner_id,
                          m.external_id, i.id, i.partner_id
                     FROM social_crm_post AS p
               CROSS JOIN LATERAL unnest(string_to_array(p.mentioned_external_ids, ' '))
                          AS m(external_id)
                LEFT JOIN social_crm_identity AS i
                       ON i.company_id = p.company_id AND i.network_id = p.network_id
                      AND i.external_id = m.external_id
                    WHERE %s AND p.mentioned_external_ids IS NOT NULL
                      AND m.external_id != ''
                 ORDER BY p.id, m.external_id""",
                condition,
            )
        )
        self.invalidate_model()

    @api.model
    def _resolve_identities(self, identities):
        """Point the rows at ``identities`` (new, or whose account changed): rows of their
        accounts get them, rows that pointed at them for another account lose them."""
        if not identities:
            return
        self.env["social.crm.identity"].flush_model(
            ["company_id", "network_id", "external_id", "partner_id"]
        )
        self.flush_model()
        ids = identities.ids
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_mention AS m
                      SET target_identity_id = NULL, target_partner_id = NULL
                     FROM social_crm_identity AS i
                    WHERE m.target_identity_id = i.id AND i.id = ANY(%s)
                      AND (m.company_id, m.network_id, m.target_external_id)
                          IS DISTINCT FROM (i.company_id, i.network_id, i.external_id)""",
                ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_mention AS m
                      SET target_identity_id = i.id, target_partner_id = i.partner_id
                     FROM social_crm_identity AS i
                    WHERE i.id = ANY(%s) AND i.external_id IS NOT NULL
                      AND m.company_id = i.company_id AND m.network_id = i.network_id
                      AND m.target_external_id = i.external_id
                      AND (m.target_identity_id, m.target_partner_id)
                          IS DISTINCT FROM (i.id, i.partner_id)""",
                ids,
            )
        )
        self.invalidate_model(["target_identity_id", "target_partner_id"])
