# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..services.cleaning import clean_text


def normalise_handle(handle):
    """Strip blanks and the leading @ users like to type; None stays None."""
    if not handle:
        return handle
    handle = handle.strip()
    return handle[1:] if handle.startswith("@") else handle


class SocialCrmIdentity(models.Model):
    _name = "social.crm.identity"
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
    verified = fields.Boolean()
    bio = fields.Text()
    last_synced_at = fields.Datetime(string="Last Synced", readonly=True)
    origin = fields.Selection(
        [("manual", "Entered by hand"), ("listening", "Found by listening")],
        default="manual",
        required=True,
        readonly=True,
    )
    post_ids = fields.One2many("social.crm.post", "identity_id", string="Posts")
    post_count = fields.Integer(compute="_compute_post_count")
    metric_ids = fields.One2many(
        "social.crm.identity.metric", "identity_id", string="Count History"
    )

    _network_external_id_company_uniq = models.UniqueIndex(
        "(company_id, network_id, external_id) WHERE external_id IS NOT NULL",
        "This network account is already linked to a contact.",
    )
    _network_handle_company_uniq = models.UniqueIndex(
        "(company_id, network_id, lower(handle)) WHERE handle IS NOT NULL",
        "This handle is already linked to a contact.",
    )
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
        if {"handle", "external_id", "profile_url", "network_id"} & set(vals):
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
        return super().write(vals)

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

    def action_view_posts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("social_crm.social_crm_post_action")
        action["domain"] = [("identity_id", "=", self.id)]
        action["context"] = {"default_identity_id": self.id}
        return action

    # --- ingestion -------------------------------------------------------------------------
    @api.model
    def _ingest_authors(self, authors, company, source=None, result=None, now=None):
        """Upsert the authors of a batch.

        :return: {(network code, external id): (identity id, partner id)}

        Resolution order for an author not yet linked: an identity of a contact with the same
        handle or profile URL; a contact whose website is the profile URL; a contact whose
        e-mail address appears in the bio. Then a fuzzy name match, only as a suggestion for a
        user to confirm; otherwise, per source, a new contact or no contact at all.
        A fixed number of queries per batch.
        """
        from ..services import matching

        now = now or fields.Datetime.now()
        networks = self.env["social.crm.network"]._by_code()
        unique = {}
        for author in authors:
            if author and author.external_id and author.network in networks:
                unique[(author.network, str(author.external_id))] = author
        if not unique:
            return {}
        network_ids = [networks[code].id for code, _ext in unique]
        ext_ids = [ext for _code, ext in unique]

        # 1. identities already linked to these accounts (one query)
        rows = self.env.execute_query(
            SQL(
                """SELECT i.network_id, i.external_id, i.id, i.partner_id
                     FROM social_crm_identity i
                     JOIN unnest(%s::int[], %s::varchar[]) AS k(network_id, external_id)
                       ON i.network_id = k.network_id AND i.external_id = k.external_id
                    WHERE i.company_id = %s""",
                network_ids,
                ext_ids,
                company.id,
            )
        )
        by_network_id = {network.id: code for code, network in networks.items()}
        found = {(by_network_id[nid], ext): (iid, pid) for nid, ext, iid, pid in rows}
        missing = {key: author for key, author in unique.items() if key not in found}

        links = {}  # existing identity id -> author (to receive the external id)
        new_identity_vals = []
        if missing:
            links, partner_for = self._ingest_match_existing(missing, networks, company, matching)
            for key, author in missing.items():
                if key in partner_for:
                    new_identity_vals.append(
                        self._ingest_identity_vals(author, networks, company, partner_for[key], now)
                    )
            linked_keys = {(a.network, str(a.external_id)) for a, _pid in links.values()}
            unmatched = {
                key: author
                for key, author in missing.items()
                if key not in partner_for and key not in linked_keys
            }
            if unmatched:
                suggested = self.env["social.crm.match.suggestion"]._ingest_suggest(
                    unmatched, networks, company, source, matching
                )
                if result is not None:
                    result.suggestions += len(suggested)
                policy = source.unknown_author_policy if source else "create_contact"
                to_create = [
                    (key, author) for key, author in unmatched.items() if key not in suggested
                ]
                if policy == "create_contact" and to_create:
                    partners = (
                        self.env["res.partner"]
                        .with_context(
                            mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
                        )
                        .create(
                            [self._ingest_partner_vals(author, company) for _k, author in to_create]
                        )
                    )
                    if result is not None:
                        result.new_contacts += len(partners)
                    for (_key, author), partner in zip(to_create, partners, strict=True):
                        new_identity_vals.append(
                            self._ingest_identity_vals(author, networks, company, partner.id, now)
                        )

        # 2. link identities entered by hand (handle/URL match) to the network account
        if links:
            self._ingest_link(links)
            for identity_id, (author, partner_id) in links.items():
                found[(author.network, str(author.external_id))] = (identity_id, partner_id)
            if result is not None:
                result.linked_identities += len(links)

        # 3. refresh the counts of every known identity in one statement, keep the history
        if found:
            self._ingest_refresh({key: ids[0] for key, ids in found.items()}, unique, now)
        # 4. new identities in one create (their history row comes from the same refresh path)
        if new_identity_vals:
            created = self.with_context(social_crm_ingest=True).create(new_identity_vals)
            if result is not None:
                result.new_identities += len(created)
            new_keys = {}
            for vals, identity_id in zip(new_identity_vals, created.ids, strict=True):
                key = (by_network_id[vals["network_id"]], vals["external_id"])
                new_keys[key] = identity_id
                found[key] = (identity_id, vals["partner_id"])
            self._ingest_history(new_keys, unique, now)
        return found

    def _ingest_link(self, links):
        """Give identities entered by hand their network id, in one statement.

        :param links: {identity id: (author, partner id)}
        """
        self.env.flush_all()
        ids = list(links)
        ext_ids = [str(links[iid][0].external_id) for iid in ids]
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_identity AS i
                      SET external_id = v.ext, write_date = now() AT TIME ZONE 'UTC',
                          write_uid = %s
                     FROM unnest(%s::int[], %s::varchar[]) AS v(id, ext)
                    WHERE i.id = v.id AND i.external_id IS NULL""",
                self.env.uid,
                ids,
                ext_ids,
            )
        )
        self.invalidate_model(["external_id"])

    def _ingest_match_existing(self, missing, networks, company, matching):
        """Match unlinked authors to identities entered by hand or to contacts.

        :return: ({identity id: (author, partner id)} to link, {author key: partner id} to
                 create an identity for)
        """
        handles = sorted({a.handle.lower() for a in missing.values() if a.handle})
        urls = {
            key: matching.normalise_url(author.profile_url)
            for key, author in missing.items()
            if author.profile_url
        }
        network_ids = sorted({networks[code].id for code, _ext in missing})
        # identities entered by hand that carry no network id yet, or whose handle is reused
        rows = self.env.execute_query(
            SQL(
                """SELECT id, network_id, lower(handle), profile_url, external_id, partner_id
                     FROM social_crm_identity
                    WHERE company_id = %s AND network_id = ANY(%s)
                      AND (external_id IS NULL OR lower(handle) = ANY(%s))""",
                company.id,
                network_ids,
                handles,
            )
        )
        by_handle, by_url, stale = {}, {}, []
        partner_of = {}
        for iid, nid, handle, url, ext, pid in rows:
            partner_of[iid] = pid
            if ext:
                stale.append((iid, nid, handle))
                continue
            if handle:
                by_handle[(nid, handle)] = iid
            if url:
                by_url[(nid, matching.normalise_url(url))] = iid
        links, partner_for = {}, {}
        taken = set()
        for key, author in missing.items():
            nid = networks[key[0]].id
            iid = None
            if author.handle:
                iid = by_handle.get((nid, author.handle.lower()))
            if not iid and key in urls:
                iid = by_url.get((nid, urls[key]))
            if iid and iid not in taken:
                taken.add(iid)
                links[iid] = (author, partner_of[iid])
        # a handle now used by another account: the stored one is stale, free it
        linked_keys = {(a.network, str(a.external_id)) for a, _pid in links.values()}
        new_handles = {
            (networks[key[0]].id, author.handle.lower())
            for key, author in missing.items()
            if author.handle and key not in linked_keys
        }
        stale_ids = [iid for iid, nid, handle in stale if (nid, handle) in new_handles]
        if stale_ids:
            self.browse(stale_ids).write({"handle": False})

        rest = {key: a for key, a in missing.items() if key not in linked_keys}
        # contacts whose website is the profile URL (one query)
        wanted_urls = sorted({urls[key] for key in rest if key in urls})
        if wanted_urls:
            rows = self.env.execute_query(
                SQL(
                    """SELECT id, site
                         FROM (SELECT id, active, company_id,
                                      rtrim(regexp_replace(lower(website),
                                                           '^https?://(www\\.)?', ''), '/') AS site
                                 FROM res_partner
                                WHERE website IS NOT NULL) AS p
                        WHERE active AND site = ANY(%s)
                          AND (company_id IS NULL OR company_id = %s)""",
                    wanted_urls,
                    company.id,
                )
            )
            partner_by_url = {url: pid for pid, url in rows}
            for key in rest:
                if key in urls and urls[key] in partner_by_url:
                    partner_for[key] = partner_by_url[urls[key]]
        # contacts whose e-mail address is in the bio (one query)
        emails_by_key = {
            key: matching.emails_in_text(author.bio)
            for key, author in rest.items()
            if key not in partner_for and author.bio
        }
        all_emails = sorted({e for emails in emails_by_key.values() for e in emails})
        if all_emails:
            partners = (
                self.env["res.partner"]
                .with_context(active_test=True)
                .search_fetch(
                    [
                        ("email_normalized", "in", all_emails),
                        ("company_id", "in", [False, company.id]),
                    ],
                    ["email_normalized"],
                    order="id",
                )
            )
            partner_by_email = {}
            for partner in partners:
                partner_by_email.setdefault(partner.email_normalized, partner.id)
            for key, emails in emails_by_key.items():
                for email in emails:
                    if email in partner_by_email:
                        partner_for[key] = partner_by_email[email]
                        break
        return links, partner_for

    @api.model
    def _ingest_identity_vals(self, author, networks, company, partner_id, now):
        return {
            "partner_id": partner_id,
            "company_id": company.id,
            "network_id": networks[author.network].id,
            "external_id": str(author.external_id),
            "handle": clean_text(author.handle) or False,
            "display_name_on_network": clean_text(author.display_name) or False,
            "profile_url": author.profile_url or False,
            "followers_count": _count(author.followers_count),
            "following_count": _count(author.following_count),
            "posts_count": _count(author.posts_count),
            "listed_count": _count(author.listed_count),
            "verified": bool(author.verified),
            "bio": clean_text(author.bio) or False,
            "last_synced_at": now,
            "origin": "listening",
        }

    @api.model
    def _ingest_partner_vals(self, author, company):
        name = clean_text(author.display_name or "").strip() or (
            f"@{author.handle}" if author.handle else str(author.external_id)
        )
        return {
            "name": name[:128],
            "social_origin": True,
            "company_id": False,
            "comment": clean_text(author.bio) or False,
        }

    def _ingest_refresh(self, known, authors, now):
        """One UPDATE for the counts and profile of known identities, then their history."""
        self.env.flush_all()
        ids, followers, following, posts, listed, verified, names, bios = ([] for _ in range(8))
        for key, identity_id in known.items():
            author = authors[key]
            ids.append(identity_id)
            followers.append(_nullable_count(author.followers_count))
            following.append(_nullable_count(author.following_count))
            posts.append(_nullable_count(author.posts_count))
            listed.append(_nullable_count(author.listed_count))
            verified.append(bool(author.verified))
            names.append(clean_text(author.display_name) or None)
            bios.append(clean_text(author.bio) or None)
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_identity AS i
                      SET followers_count = COALESCE(v.followers, i.followers_count),
                          following_count = COALESCE(v.following, i.following_count),
                          posts_count = COALESCE(v.posts, i.posts_count),
                          listed_count = COALESCE(v.listed, i.listed_count),
                          verified = v.verified,
                          display_name_on_network = COALESCE(v.name, i.display_name_on_network),
                          bio = COALESCE(v.bio, i.bio),
                          last_synced_at = %s,
                          write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[],
                                 %s::bool[], %s::varchar[], %s::text[])
                          AS v(id, followers, following, posts, listed, verified, name, bio)
                    WHERE i.id = v.id""",
                now,
                self.env.uid,
                ids,
                followers,
                following,
                posts,
                listed,
                verified,
                names,
                bios,
            )
        )
        self.invalidate_model(
            [
                "followers_count",
                "following_count",
                "posts_count",
                "listed_count",
                "verified",
                "display_name_on_network",
                "bio",
                "last_synced_at",
            ]
        )
        self._ingest_history(known, authors, now)

    def _ingest_history(self, known, authors, now):
        """Upsert today's row of each identity's count history (one statement)."""
        ids, followers, following, posts, listed = [], [], [], [], []
        for key, identity_id in known.items():
            author = authors.get(key)
            if author is None or author.followers_count is None:
                continue
            ids.append(identity_id)
            followers.append(_count(author.followers_count))
            following.append(_count(author.following_count))
            posts.append(_count(author.posts_count))
            listed.append(_count(author.listed_count))
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO social_crm_identity_metric
                        (identity_id, partner_id, company_id, date, followers_count,
                         following_count, posts_count, listed_count,
                         create_uid, create_date, write_uid, write_date)
                   SELECT v.id, i.partner_id, i.company_id, %s, v.followers, v.following,
                          v.posts, v.listed, %s, now() AT TIME ZONE 'UTC', %s,
                          now() AT TIME ZONE 'UTC'
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[])
                          AS v(id, followers, following, posts, listed)
                     JOIN social_crm_identity i ON i.id = v.id
                   ON CONFLICT (identity_id, date) DO UPDATE
                      SET followers_count = EXCLUDED.followers_count,
                          following_count = EXCLUDED.following_count,
                          posts_count = EXCLUDED.posts_count,
                          listed_count = EXCLUDED.listed_count,
                          write_date = EXCLUDED.write_date""",
                fields.Date.to_date(now),
                self.env.uid,
                self.env.uid,
                ids,
                followers,
                following,
                posts,
                listed,
            )
        )
        self.env["social.crm.identity.metric"].invalidate_model()


def _count(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _nullable_count(value):
    return None if value is None else _count(value)
