# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from ..services.tiers import DEFAULT_TIER

_logger = logging.getLogger(__name__)

USER = "social_crm.group_social_crm_user"
LATEST_POSTS = 10

# the letters ``matching.fold`` folds, for the same folding inside SQL (ß → s: prefixes only)
ACCENTS = "äöüßàáâãåèéêëìíîïòóôõøùúûýÿçñ"
FOLDED = "aousaaaaaeeeeiiiiooooouuuyycn"


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

    @api.model
    def _social_author_tier(self, partner, company, followers=0):
        """Hook: ``(tier code or False, is influencer)`` of a post's author, from its contact
        ``partner`` (may be empty) or, without one, from its ``followers`` on the network.

        Without ``social_crm_scoring`` nothing ranks authors: every author is regular.
        ``social_crm_scoring`` answers from the Social Score and the follower floors.
        """
        return DEFAULT_TIER, False

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

    @api.model
    def _social_ingest_candidates(self, lookups, company, snapshot):
        """The contacts authors unknown to listening may be, for ``services/ingest.plan``
        (three queries at most): by web site, by e-mail address (both never a user's contact:
        anyone may name an address or a site on a profile), by similar name.
        """
        company_ids = [False, company.id]
        if lookups.urls:
            # raw SQL for a read: the ORM cannot compare a normalised form of the web site
            rows = self.env.execute_query(
                SQL(
                    """SELECT id, site
                         FROM (SELECT p.id, p.active, p.company_id,
                                      rtrim(regexp_replace(lower(p.website),
                                                           '^https?://(www\\.)?', ''), '/') AS site
                                 FROM res_partner p
                                WHERE p.website IS NOT NULL
                                  AND NOT EXISTS (SELECT 1 FROM res_users u
                                                   WHERE u.partner_id = p.id)) AS p
                        WHERE active AND site = ANY(%s)
                          AND (company_id IS NULL OR company_id = %s)
                        ORDER BY id""",
                    lookups.urls,
                    company.id,
                )
            )
            by_url = {}
            for partner_id, site in rows:
                by_url.setdefault(site, partner_id)
            snapshot.partners_by_website = by_url
        if lookups.emails:
            partners = (
                # sudo: matching looks at every contact of the company, not only those the ingesting
                # user may read
                self.sudo()
                .with_context(active_test=False)  # archived users' contacts are users' too
                .search_fetch(
                    [
                        ("email_normalized", "in", lookups.emails),
                        ("active", "=", True),
                        ("company_id", "in", company_ids),
                        ("user_ids", "=", False),
                    ],
                    ["email_normalized"],
                    order="id",
                )
            )
            by_email = {}
            for partner in partners:
                by_email.setdefault(partner.email_normalized, partner.id)
            snapshot.partners_by_email = by_email
        if lookups.name_patterns:
            # raw SQL for a read: accent folding (translate) has no ORM operator
            snapshot.name_candidates = self.env.execute_query(
                SQL(
                    """SELECT id, name FROM res_partner
                        WHERE active AND NOT is_company
                          AND translate(lower(name), %s, %s) LIKE ANY(%s)
                          AND (company_id IS NULL OR company_id = %s)
                        LIMIT 20000""",
                    ACCENTS,
                    FOLDED,
                    lookups.name_patterns,
                    company.id,
                )
            )
        return snapshot

    def action_view_social_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_post_action_timeline"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["display_name"] = self.env._("Social history of %(name)s", name=self.name)
        return action

    def action_view_follower_history(self):
        """The contact's followers per day and network (the last count carried over days
        without one)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_follower_history_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["display_name"] = self.env._("Followers of %(name)s", name=self.name)
        return action

    def action_view_social_identities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_identity_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _social_listening_holders_sql(self, partner):
        """SQL of the companies whose other records point at the contact ``partner`` (an SQL
        expression of its id): the tickets (helpdesk) and leads (CRM) of every company, read
        from their tables where they exist (an upgrade of social_crm runs before the addons
        that know them). A contact such a record of another company points at stays shared:
        given a company, that company's contact would be hidden from the other company's
        users on their own ticket or lead (and a lead refuses a contact of another company
        on its next save)."""
        parts = []
        for table in ("helpdesk_ticket", "crm_lead"):
            if column_exists(self.env.cr, table, "partner_id") and column_exists(
                    self.env.cr, table, "company_id"):
                parts.append(SQL(
                    "SELECT r.company_id FROM %s r WHERE r.partner_id = %s "
                    "AND r.company_id IS NOT NULL", SQL.identifier(table), partner))
        return parts

    def _social_give_listening_contacts_their_company(self, batch=5000):
        """Upgrade to 19.0.1.7.1: listening created its contacts without company, so every
        company's users read the name and imported bio of whom another company listened to.
        A contact listening made (``social_origin``) without company, that is no user's, gets
        the company of its identities, match suggestions and posts when they are all one
        company's; one of several companies' stays shared and is named in the log, as the
        contacts without any (erased) stay as they are. In batches of ``batch`` contacts by
        id: one read and one update each, no ORM loop.

        :return: (number of contacts given a company, ids of those left shared)
        """
        moved, shared, last_id = 0, [], 0
        # the companies of the contact's tickets and leads count too (they keep it shared
        # when they are another company's), not to make a company of a contact without
        # social data (erased: left as it is)
        holders = SQL("").join(
            SQL(" UNION %s", part) for part in self._social_listening_holders_sql(SQL("p.id")))
        while True:
            rows = self.env.execute_query(
                SQL(
                    """SELECT p.id,
                              (SELECT array_agg(DISTINCT c.company_id) FROM (
                                   SELECT i.company_id FROM social_crm_identity i
                                    WHERE i.partner_id = p.id
                                   UNION
                                   SELECT s.company_id FROM social_crm_match_suggestion s
                                    WHERE s.partner_id = p.id
                                   UNION
                                   SELECT o.company_id FROM social_crm_post o
                                    WHERE o.partner_id = p.id) AS c),
                              (SELECT array_agg(DISTINCT h.company_id) FROM (
                                   SELECT NULL::int AS company_id %s) AS h
                                WHERE h.company_id IS NOT NULL)
                         FROM res_partner p
                        WHERE p.social_origin AND p.company_id IS NULL AND p.id > %s
                          AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                     ORDER BY p.id
                        LIMIT %s""",
                    holders,
                    last_id,
                    batch,
                )
            )
            if not rows:
                break
            last_id = rows[-1][0]
            rows = [(pid, set(companies or ()) | set(held or ()) if companies else None)
                    for pid, companies, held in rows]
            own = [(pid, next(iter(companies))) for pid, companies in rows
                   if companies and len(companies) == 1]
            shared += [pid for pid, companies in rows if companies and len(companies) > 1]
            if own:
                self.env.execute_query(
                    SQL(
                        """UPDATE res_partner p
                              SET company_id = o.company_id
                             FROM unnest(%s::int[], %s::int[]) AS o(id, company_id)
                            WHERE p.id = o.id""",
                        [pid for pid, _c in own],
                        [company_id for _p, company_id in own],
                    )
                )
                moved += len(own)
        self.invalidate_model(["company_id"])
        _logger.info("Social CRM: %s contact(s) made by listening now belong to the company "
                     "of their identities", moved)
        if shared:
            _logger.warning(
                "Social CRM: %s contact(s) made by listening stay shared (no company): their "
                "identities, match suggestions, posts, tickets or leads are of several "
                "companies, whose users all read them; a manager may split them. Contact "
                "ids: %s",
                len(shared), ", ".join(map(str, shared)))
        return moved, shared

    def _social_share_listening_contacts_held_elsewhere(self):
        """Upgrade after 19.0.1.7.1 (which gave the contacts listening made before the company
        of their identities, match suggestions and posts only): a contact listening made
        (``social_origin``, no user's) whose tickets or leads are of another company than
        the one it was given is shared again (no company), so that the other company's
        users read the customer of their own ticket or lead again (as before 19.0.1.7.1),
        named in the log (a manager may split it). One statement.

        :return: ids of the contacts shared again
        """
        holders = self._social_listening_holders_sql(SQL("p.id"))
        if not holders:
            return []
        rows = self.env.execute_query(
            SQL(
                """UPDATE res_partner p SET company_id = NULL
                    WHERE p.social_origin AND p.company_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                      AND EXISTS (SELECT 1 FROM (%s) AS h
                                   WHERE h.company_id != p.company_id)
                RETURNING p.id""",
                SQL(" UNION ").join(holders),
            )
        )
        ids = sorted(row[0] for row in rows)
        self.invalidate_model(["company_id"])
        if ids:
            _logger.warning(
                "Social CRM: %s contact(s) made by listening are shared again (no company): "
                "tickets or leads of another company than theirs point at them, whose users "
                "read them again; a manager may split them. Contact ids: %s",
                len(ids), ", ".join(map(str, ids)))
        return ids
