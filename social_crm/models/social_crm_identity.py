# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlparse

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..services import ingest

#: identity fields a known author refreshes (read to write only what changed)
REFRESHED_FIELDS = (*ingest.COUNT_FIELDS, "counts_observed_at", "verified",
                    "display_name_on_network", "bio", "profile_observed_at", "handle")


def _plain_note(text):
    """An author's bio for the contact's notes: the plain text it is, escaped (no markup of
    the author's and no links made of it), line breaks kept."""
    if not text:
        return False
    lines = Markup("<br>").join(escape(line) for line in text.splitlines())
    return Markup("<p>%s</p>") % lines


def normalise_handle(handle):
    """Strip blanks and the leading @ users like to type; None stays None."""
    if not handle:
        return handle
    handle = handle.strip()
    return handle[1:] if handle.startswith("@") else handle


class SocialCrmIdentity(models.Model):
    _name = "social.crm.identity"
    _inherit = ["social.crm.ingest.mixin", "social.crm.demo.mixin"]
    _description = "Social Identity"
    _order = "network_id, handle, id"
    _rec_names_search = ["handle", "display_name_on_network", "external_id"]
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    network_id = fields.Many2one(
        "social.crm.network", required=True, index=True, ondelete="restrict"
    )
    network_code = fields.Char(related="network_id.code")
    network_icon = fields.Char(related="network_id.icon")
    external_id = fields.Char(
        string="Network User ID",
        index=True,
        copy=False,
        help="The network's stable id of this account; filled in by listening.",
    )
    handle = fields.Char(copy=False, help="User name on the network, without the leading @.")
    display_name_on_network = fields.Char(string="Name on Network")
    profile_url = fields.Char(
        string="Profile URL",
        compute="_compute_profile_url",
        store=True,
        readonly=False,
        help="Computed from the handle where the network has a URL pattern; else enter it.",
    )
    followers_count = fields.Integer(string="Followers")
    following_count = fields.Integer(string="Following")
    posts_count = fields.Integer(string="Posts on Network")
    listed_count = fields.Integer(string="Listed")
    counts_observed_at = fields.Datetime(
        string="Counts Observed", readonly=True, copy=False,
        help="When the network's counts above were true: the time of the webhook or stream "
        "event that brought them, or of the poll or look-up. Older observations arriving "
        "late do not overwrite them.",
    )
    verified = fields.Boolean()
    bio = fields.Text()
    profile_observed_at = fields.Datetime(
        string="Profile Observed", readonly=True, copy=False,
        help="When the network's name, bio and verified flag above were true: the time of "
        "the webhook or stream event that brought them, or of the poll or look-up. Older "
        "observations arriving late do not overwrite them.",
    )
    last_synced_at = fields.Datetime(string="Last Synced", readonly=True)
    origin = fields.Selection(
        [("manual", "Entered by hand"), ("listening", "Found by listening")],
        default="manual",
        required=True,
        readonly=True,
    )
    post_ids = fields.One2many("social.crm.post", "identity_id", string="Posts")
    post_count = fields.Integer(compute="_compute_post_count")
    # the count history is Social CRM's (its model is read by Social CRM users only): a
    # helpdesk agent reads the identities of the tickets' customers, and a client reading
    # every field (the form, an export) would stop at it
    metric_ids = fields.One2many(
        "social.crm.identity.metric", "identity_id", string="Count History",
        groups="social_crm.group_social_crm_user",
    )

    _network_external_id_company_uniq = models.UniqueIndex(
        "(company_id, network_id, external_id) WHERE external_id IS NOT NULL",
        "This network account is already linked to a contact.",
    )
    _network_handle_company_uniq = models.UniqueIndex(
        "(company_id, network_id, lower(handle)) WHERE handle IS NOT NULL",
        "This handle is already linked to a contact.",
    )
    # a contact's identities in one company (scoring's inputs and arrival score, the
    # resolution of shared contacts): both in the index, whatever the statistics say
    _partner_company_idx = models.Index("(partner_id, company_id)")
    _handle_or_id = models.Constraint(
        "CHECK(handle IS NOT NULL OR external_id IS NOT NULL OR profile_url IS NOT NULL)",
        "A social identity needs a handle, a network user id or a profile URL.",
    )

    @api.depends("network_id.profile_url_pattern", "handle")
    def _compute_profile_url(self):
        for identity in self:
            handle = normalise_handle(identity.handle)
            if identity.network_id.profile_url_pattern and handle:
                identity.profile_url = identity.network_id._profile_url(handle)
            elif not identity.profile_url:
                identity.profile_url = False

    def _compute_post_count(self):
        counts = dict(
            self.env["social.crm.post"]._read_group(
                [("identity_id", "in", self.ids)], ["identity_id"], ["__count"]
            )
        )
        for identity in self:
            identity.post_count = counts.get(identity, 0)

    @api.depends("network_id", "handle", "display_name_on_network", "external_id")
    def _compute_display_name(self):
        for identity in self:
            label = (
                f"@{identity.handle}"
                if identity.handle
                else identity.display_name_on_network or identity.external_id or ""
            )
            identity.display_name = f"{identity.network_id.name or ''}: {label}".strip(": ")

    # --- validation ------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_vals(vals)
        if not self.env.context.get("social_crm_ingest"):
            self._precheck(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "company_id" in vals and not (
            self.env.su or self.env.user.has_group("social_crm.group_social_crm_manager")
        ):
            raise AccessError(
                self.env._("Only a Social CRM manager can move a social identity to another "
                           "company.")
            )
        self._normalise_vals(vals)
        checked = {"handle", "external_id", "profile_url", "network_id"} & set(vals)
        if checked and not self.env.context.get("social_crm_ingest"):
            self._precheck(
                [
                    {
                        "network_id": vals.get("network_id", identity.network_id.id),
                        "company_id": vals.get("company_id", identity.company_id.id),
                        "handle": vals.get("handle", identity.handle),
                        "external_id": vals.get("external_id", identity.external_id),
                        "profile_url": vals.get("profile_url"),
                        "origin": identity.origin,
                        "_id": identity.id,
                    }
                    for identity in self
                ]
            )
        old_partners = (
            {identity.id: identity.partner_id for identity in self} if "partner_id" in vals else {}
        )
        result = super().write(vals)
        if old_partners:
            changed = self.filtered(lambda i: i.partner_id != old_partners[i.id])
            if changed:
                changed._after_partner_change({i.id: old_partners[i.id] for i in changed})
        return result

    @api.model
    def _normalise_vals(self, vals):
        if vals.get("handle"):
            vals["handle"] = normalise_handle(vals["handle"])
        if vals.get("profile_url"):
            vals["profile_url"] = vals["profile_url"].strip()

    @api.model
    def _precheck(self, vals_list):
        """Refuse bad handles, URLs and duplicates before anything is written, with a message
        that says what is wrong (and which contact already has the account)."""
        networks = self.env["social.crm.network"].browse(
            {vals["network_id"] for vals in vals_list if vals.get("network_id")}
        )
        network_by_id = {network.id: network for network in networks}
        for vals in vals_list:
            network = network_by_id.get(vals.get("network_id"))
            if network and vals.get("handle") and vals.get("origin", "manual") != "listening":
                message = network._check_handle(vals["handle"])
                if message:
                    raise ValidationError(message)
            if vals.get("profile_url"):
                self._check_url(vals["profile_url"])
        self._check_duplicates(
            [
                (
                    vals.get("_id"),
                    vals.get("network_id"),
                    vals.get("company_id") or self.env.company.id,
                    vals.get("handle"),
                    vals.get("external_id"),
                    vals.get("partner_id"),
                )
                for vals in vals_list
                if vals.get("network_id")
            ]
        )

    @api.model
    def _check_url(self, url):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in parsed.netloc:
            raise ValidationError(
                self.env._(
                    "“%(url)s” is not a valid profile URL: it must start with https:// "
                    "(or http://) and name a web site.",
                    url=url,
                )
            )

    @api.constrains("handle", "network_id")
    def _check_handle(self):
        for identity in self.filtered("handle"):
            if identity.origin == "listening":
                continue  # what a network says its handle is, is the truth
            message = identity.network_id._check_handle(identity.handle)
            if message:
                raise ValidationError(message)

    @api.constrains("profile_url")
    def _check_profile_url(self):
        for identity in self.filtered("profile_url"):
            self._check_url(identity.profile_url)

    @api.constrains("followers_count", "following_count", "posts_count", "listed_count")
    def _check_counts(self):
        for identity in self:
            counts = (
                identity.followers_count,
                identity.following_count,
                identity.posts_count,
                identity.listed_count,
            )
            if any(count < 0 for count in counts):
                raise ValidationError(self.env._("Follower and post counts cannot be negative."))

    @api.constrains("network_id", "external_id", "handle", "company_id")
    def _check_unique_account(self):
        """The unique indexes are the safety net; this says which contact has the account."""
        if self.env.context.get("social_crm_ingest"):
            return  # ingestion matched these accounts itself, in batch
        self._check_duplicates(
            [
                (i.id, i.network_id.id, i.company_id.id, i.handle, i.external_id, i.partner_id.id)
                for i in self
            ]
        )

    @api.model
    def _check_duplicates(self, rows):
        """rows: (own id or None, network id, company id, handle, external id, partner id)."""
        domains = []
        for _id, network_id, company_id, handle, external_id, _partner in rows:
            base = Domain("network_id", "=", network_id) & Domain("company_id", "=", company_id)
            if external_id:
                domains.append(base & Domain("external_id", "=", external_id))
            if handle:
                domains.append(base & Domain("handle", "=ilike", handle))
        if not domains:
            return
        own_ids = [row[0] for row in rows if row[0]]
        partners = self.env["res.partner"].browse({row[5] for row in rows if row[5]})
        partner_names = {partner.id: partner.display_name for partner in partners}
        others = (
            # sudo: a duplicate may belong to a contact the user cannot read; the refusal must see
            # it
            self.sudo()
            .with_context(active_test=False)
            .search(Domain.OR(domains) & Domain("id", "not in", own_ids))
        )
        seen = {}
        for own_id, network_id, company_id, handle, external_id, partner_id in rows:
            candidates = [
                (
                    o.network_id.id,
                    o.company_id.id,
                    (o.handle or "").lower(),
                    o.external_id,
                    o.partner_id.display_name,
                )
                for o in others
            ] + [value for key, value in seen.items() if key != own_id]
            for o_network, o_company, o_handle, o_ext, o_partner in candidates:
                if (o_network, o_company) != (network_id, company_id):
                    continue
                same_id = external_id and o_ext == external_id
                same_handle = handle and o_handle == handle.lower()
                if same_id or same_handle:
                    network = self.env["social.crm.network"].browse(network_id)
                    raise ValidationError(
                        self.env._(
                            "The %(network)s account %(account)s already belongs to the "
                            "contact “%(partner)s”.",
                            network=network.name,
                            account=f"@{handle}" if same_handle else external_id,
                            partner=o_partner or self.env._("(this form)"),
                        )
                    )
            seen[own_id or object()] = (
                network_id,
                company_id,
                (handle or "").lower(),
                external_id,
                partner_names.get(partner_id),
            )

    # --- actions ---------------------------------------------------------------------------
    def action_open_profile(self):
        self.ensure_one()
        if not self.profile_url:
            raise ValidationError(self.env._("This identity has no profile URL."))
        return {"type": "ir.actions.act_url", "url": self.profile_url, "target": "new"}

    def action_view_follower_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_follower_history_action"
        )
        action["domain"] = [("identity_id", "=", self.id)]
        action["display_name"] = self.env._("Followers of %(name)s", name=self.display_name)
        return action

    def action_view_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("social_crm.social_crm_post_action")
        action["domain"] = [("identity_id", "=", self.id)]
        action["context"] = {"default_identity_id": self.id}
        return action

    # --- ingestion: read what exists, apply the plan of ``services/ingest.py`` ----------------
    @api.model
    def _ingest_snapshot(self, batch, company, snapshot):
        """Fill ``snapshot`` with what the database knows of the batch's authors.

        At most six queries, whatever the batch size: known identities; for authors not known
        yet, identities entered by hand, contacts by web site, contacts by e-mail, contacts with
        a similar name, pending suggestions; then today's count history rows.
        """
        network_ids = snapshot.network_ids
        code_of = {nid: code for code, nid in network_ids.items()}
        if not batch.authors:
            return snapshot
        identities = (
            # sudo: ingestion matches every identity of the company, whatever the user may read
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("network_id", "in", sorted({network_ids[c] for c, _e in batch.authors})),
                    ("external_id", "in", sorted({e for _c, e in batch.authors})),
                ],
                ["network_id", "external_id", "partner_id", *REFRESHED_FIELDS],
            )
        )
        known = {}
        for identity in identities:
            key = (code_of.get(identity.network_id.id), identity.external_id)
            if key in batch.authors:
                values = {name: identity[name] for name in REFRESHED_FIELDS}
                known[key] = ingest.KnownIdentity(identity.id, identity.partner_id.id, values)
        snapshot.identities = known
        lookups = batch.lookups(known)
        if lookups.author_ids or lookups.handles:
            snapshot.manual = self._ingest_manual_identities(lookups, network_ids, company)
        # whose handle moves: known identities renamed in the batch, identities holding a
        # handle an author of the batch uses (none in most batches: no query then)
        moving = [k.id for key, k in known.items()
                  if ingest.renamed_handle(batch.authors[key], k.values)]
        moving += [m.id for m in snapshot.manual if m.external_id and m.handle]
        if moving:
            # sudo: ingestion compares with every post of the company
            groups = self.env["social.crm.post"].sudo()._read_group(
                [("identity_id", "in", moving)], ["identity_id"], ["posted_at:max"]
            )
            snapshot.last_post_at = {identity.id: last for identity, last in groups}
        if lookups.author_ids:
            snapshot.partners_by_account = self._ingest_partners_by_account(
                lookups, network_ids, company
            )
            self.env["res.partner"]._social_ingest_candidates(lookups, company, snapshot)
            suggestions = (
                self.env["social.crm.match.suggestion"]
                .sudo()  # sudo: ingestion keeps suggestions up to date (users cannot create)
                .search_fetch(
                    [
                        ("company_id", "=", company.id),
                        ("author_external_id", "in", lookups.author_ids),
                    ],
                    ["network_id", "author_external_id", "partner_id", "state"],
                )
            )
            snapshot.suggested = {
                (code_of.get(s.network_id.id), s.author_external_id, s.partner_id.id)
                for s in suggestions
            }
            snapshot.decided = {
                (code_of.get(s.network_id.id), s.author_external_id, s.partner_id.id)
                for s in suggestions
                if s.state != "pending"
            }
        identity_ids = [k.id for k in known.values()] + [m.id for m in snapshot.manual]
        if identity_ids:
            # the company's day, as the rows are written (see below: read once per batch)
            snapshot.metrics_date = self.env["res.lang"]._social_company_today(company)
            metrics = (
                self.env["social.crm.identity.metric"]
                .sudo()  # sudo: metrics are written by the product only
                .search_fetch(
                    [
                        ("identity_id", "in", identity_ids),
                        ("date", "=", snapshot.metrics_date),
                    ],
                    ["identity_id", *ingest.COUNT_FIELDS],
                )
            )
            snapshot.metrics_today = {
                m.identity_id.id: (m.id, {name: m[name] for name in ingest.COUNT_FIELDS})
                for m in metrics
            }
        return snapshot

    @api.model
    def _ingest_partners_by_account(self, lookups, network_ids, company):
        """{(network code, author id): contact} of the batch's unknown authors whose account
        another company's listening already linked to a contact this company may see (shared
        or its own, active): one query. The contacts listening creates are their source's
        company's (never seen here): a person writing to two companies gets a contact in each,
        unless a user linked an identity to a shared contact (without company), used here."""
        code_of = {nid: code for code, nid in network_ids.items()}
        # raw SQL for a read (other companies' identities, whatever the user may read): one
        # indexed query, without the ORM's per-id domain work on a batch's author ids
        rows = self.env.execute_query(
            SQL(
                # the identities by their (indexed) network id first: the planner, with
                # statistics of tables that grew in this transaction, would scan contacts
                """WITH i AS MATERIALIZED (
                        SELECT id, network_id, external_id, partner_id
                          FROM social_crm_identity
                         WHERE external_id = ANY(%s) AND network_id = ANY(%s)
                           AND company_id != %s)
                   SELECT i.network_id, i.external_id, i.partner_id
                     FROM i JOIN res_partner p ON p.id = i.partner_id
                    WHERE p.active AND (p.company_id IS NULL OR p.company_id = %s)
                 ORDER BY i.id""",
                lookups.author_ids,
                [network_ids[code] for code in lookups.networks if code in network_ids],
                company.id,
                company.id,
            )
        )
        found = {}
        for network_id, external_id, partner_id in rows:
            found.setdefault((code_of.get(network_id), external_id), partner_id)
        return found

    @api.model
    def _ingest_manual_identities(self, lookups, network_ids, company):
        """Identities of this company on the batch's networks without a network id (entered by
        hand), or whose handle an unknown author uses now (one query)."""
        # raw SQL for a read: the ORM has no case-insensitive ``in`` for the handle list
        rows = self.env.execute_query(
            SQL(
                """SELECT id, network_id, lower(handle), profile_url, external_id, partner_id
                     FROM social_crm_identity
                    WHERE company_id = %s AND network_id = ANY(%s)
                      AND (external_id IS NULL OR lower(handle) = ANY(%s))""",
                company.id,
                [network_ids[code] for code in lookups.networks if code in network_ids],
                lookups.handles,
            )
        )
        code_of = {nid: code for code, nid in network_ids.items()}
        return [
            ingest.ManualIdentity(iid, code_of.get(nid), handle, url, ext, pid)
            for iid, nid, handle, url, ext, pid in rows
        ]

    @api.model
    def _ingest_apply_authors(self, plan, company, source=None, result=None):
        """Apply the author part of ``plan``: release stale handles, link identities entered by
        hand, refresh known identities, create contacts, identities, suggestions and today's
        count history. A fixed number of queries per batch.

        :return: {author key: (identity id, partner id)}
        """
        identities = dict(plan.identities)
        ingest_self = self.with_context(social_crm_ingest=True)
        if plan.handles_to_release:
            ingest_self.browse(plan.handles_to_release).write({"handle": False})
            # flushed now: the new owners' identities are INSERTed below, and the unique index
            # on the handle is checked against the rows, not against the ORM's pending writes
            ingest_self.flush_model(["handle"])
        if plan.identity_updates:
            updates = [
                (iid, dict(vals, bio=self._ingest_store_bio(vals["bio"], vals.get("handle"))))
                if vals.get("bio")
                else (iid, vals)
                for iid, vals in plan.identity_updates
            ]
            ingest_self._ingest_upsert(updates=updates)
        if plan.identity_links:
            linked = self.browse([iid for iid, _author in plan.identity_links])
            linked._ingest_after_link([author for _iid, author in plan.identity_links])
            # the author's earlier posts, stored without a contact (a source that keeps the
            # posts of unknown authors) before a user entered the identity: they follow it
            self._ingest_adopt_earlier_posts(
                {
                    key: identities[key]
                    for key in {(a.network, a.external_id) for _iid, a in plan.identity_links}
                    if key in identities
                },
                company,
            )
            if result is not None:
                result.linked_identities += len(plan.identity_links)
        if plan.suggestions:
            self.env["social.crm.match.suggestion"]._ingest_create(
                plan.suggestions, company, source
            )
        if result is not None:
            result.suggestions += len(plan.suggested_keys)
        partner_of = {}
        if plan.contacts_to_create:
            partners = (
                self.env["res.partner"]
                .with_context(
                    mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
                )
                .create(
                    [
                        {
                            "name": contact.name,
                            "social_origin": True,
                            # the source's company's: another company's users never read
                            # whom this company listened to (a shared contact is a user's
                            # choice, see ``_ingest_partners_by_account``)
                            "company_id": company.id,
                            "comment": _plain_note(
                                self._ingest_store_bio(
                                    contact.note, plan.authors[contact.author_key].handle
                                )
                            ),
                        }
                        for contact in plan.contacts_to_create
                    ]
                )
            )
            partner_of = {
                contact.author_key: partner.id
                for contact, partner in zip(plan.contacts_to_create, partners, strict=True)
            }
            if result is not None:
                result.new_contacts += len(partners)
        if plan.identities_to_create:
            # authors of replayed traffic are demo data: never looked up on their network
            demo = {"lookup_state": "demo"} if self._social_demo_source(source) else {}
            vals_list = [
                dict(
                    new.vals,
                    company_id=company.id,
                    partner_id=new.partner_id or partner_of[new.author_key],
                    **demo,
                )
                for new in plan.identities_to_create
            ]
            vals_list = self._ingest_prepare_author_vals(
                vals_list, [plan.authors[new.author_key] for new in plan.identities_to_create]
            )
            created = ingest_self._ingest_upsert(vals_list=vals_list)
            for new, identity in zip(plan.identities_to_create, created, strict=True):
                identities[new.author_key] = (identity.id, identity.partner_id.id)
            if plan.earlier_posts_of:
                self._ingest_adopt_earlier_posts(
                    {key: identities[key] for key in plan.earlier_posts_of}, company
                )
            if result is not None:
                result.new_identities += len(created)
        if plan.metrics:
            # sudo: metrics are written by the product only
            Metric = self.env["social.crm.identity.metric"].sudo()
            # the company's day, not the ingesting job's (OdooBot's, UTC without demo data):
            # a count at 00:30 in Berlin is the new day's row
            today = plan.metrics_date or self.env["res.lang"]._social_company_today(company)
            Metric._ingest_upsert(
                vals_list=[
                    dict(vals, identity_id=identities[key][0], date=today)
                    for key, metric_id, vals in plan.metrics
                    if metric_id is None and key in identities
                ],
                updates=[(metric_id, vals) for _key, metric_id, vals in plan.metrics if metric_id],
            )
        return identities

    @api.model
    def _ingest_adopt_earlier_posts(self, identities, company):
        """Give the new (or just linked) ``identities`` ({author key: (identity id, partner
        id)}) the earlier posts of their authors that have no identity (one query, one write
        per identity)."""
        if not identities:
            return
        networks = self.env["social.crm.network"]._by_code()
        # sudo: the product attaches its own posts, whoever ingests
        posts = self.env["social.crm.post"].sudo().search_fetch(
            [
                ("company_id", "=", company.id),
                ("identity_id", "=", False),
                ("network_id", "in", sorted({networks[code].id for code, _e in identities})),
                ("author_external_id", "in", sorted({ext for _c, ext in identities})),
            ],
            ["network_id", "author_external_id"],
        )
        by_identity = {}
        for post in posts:
            found = identities.get((post.network_id.code, post.author_external_id))
            if found:
                by_identity.setdefault(found, []).append(post.id)
        for (identity_id, partner_id), post_ids in by_identity.items():
            posts.browse(post_ids).write({"identity_id": identity_id, "partner_id": partner_id})
        if by_identity:
            adopted = self.browse(sorted({identity_id for identity_id, _p in by_identity}))
            adopted._after_partner_change(
                {identity.id: self.env["res.partner"] for identity in adopted}
            )

    # --- declared hooks: other addons extend these (and only these) -----------------------
    @api.model
    def _ingest_prepare_author_vals(self, vals_list, authors):
        """Hook: adapt the values of the identities listening creates for new authors.

        :param vals_list: list of dicts, one per new identity, in the order of ``authors``
        :param authors: the cleaned connector :class:`Author` objects
        :return: the list of values to create
        """
        return vals_list

    @api.model
    def _ingest_store_bio(self, bio, handle=None):
        """Hook: an author's bio as listening may store it (refreshed identities, the notes
        of a new contact; new identities go through ``create``). Privacy addons redact here;
        matching has seen the bio as written."""
        return bio

    def _after_partner_change(self, old_partners):
        """Hook: the posts of these identities now belong to their contact (``partner_id``):
        a user linked the identity to another contact, or listening gave an author's earlier
        contact-less posts to its new identity. ``old_partners``: {identity id: the contact
        the posts belonged to before (empty: none)}. Other addons move what follows the
        author (the helpdesk: its open tickets)."""
        return self

    def _ingest_after_link(self, authors):
        """Hook: called once per batch with the identities entered by hand that listening just
        linked to their network account (they got their network id), ``authors`` in the same
        order. (Identities created for new authors go through ``create``.)"""
        return self

    @api.model
    def _ingest_identity_vals(self, author, networks, company, partner_id, now):
        """Values of an identity for ``author`` (e.g. when a user confirms a suggestion)."""
        clean, _reason = ingest.clean_author(author)
        vals = ingest.identity_vals(clean or author, networks[author.network].id, now)
        vals.update(partner_id=partner_id, company_id=company.id)
        return vals
