# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Import of LinkedIn / Xing contact exports: profiles, job positions and counts, dated."""

import base64

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..services import contacts_export


class SocialCrmProfileImport(models.TransientModel):
    _name = "social.crm.profile.import"
    _description = "Import of a Professional Network's Contacts Export"

    network_id = fields.Many2one(
        "social.crm.network",
        required=True,
        domain=[("is_professional", "=", True)],
        default=lambda self: self.env.ref("social_crm.network_linkedin", raise_if_not_found=False),
    )
    file = fields.Binary(string="Export File", required=True)
    filename = fields.Char()
    counted_on = fields.Date(
        string="Counts as of",
        required=True,
        default=fields.Date.context_today,
        help="The day the export was made: the counts in it are dated to this day.",
    )
    update_job_position = fields.Boolean(
        default=True, help="Fill in the job position of contacts that have none."
    )
    create_contacts = fields.Boolean(
        string="Create Unknown People",
        help="Create a contact for each person of the file no contact matches. Off: they are "
        "only listed.",
    )
    result = fields.Text(readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")

    def _import_summary(self, rows, summary):
        """What the import did, one translated part per count, singular or plural."""
        email, profile, name = summary["email"], summary["profile"], summary["name"]
        created, identities = summary["created"], summary["identities"]
        counts = summary["counts"]
        read = (
            self.env._("1 person read") if rows == 1
            else self.env._("%(count)s people read", count=rows)
        )
        matched = self.env._(
            "%(email)s matched by e-mail, %(profile)s by profile, %(name)s by name",
            email=email,
            profile=profile,
            name=name,
        )
        parts = [
            self.env._("1 new contact") if created == 1
            else self.env._("%(count)s new contacts", count=created),
            self.env._("1 identity created") if identities == 1
            else self.env._("%(count)s identities created", count=identities),
            self.env._("1 count recorded as of %(date)s", date=self._counted_on_text())
            if counts == 1
            else self.env._(
                "%(count)s counts recorded as of %(date)s",
                count=counts,
                date=self._counted_on_text(),
            ),
        ]
        return self.env._(
            "%(read)s: %(matched)s; %(parts)s.",
            read=read,
            matched=matched,
            parts=", ".join(parts),
        )

    def _counted_on_text(self):
        return self.env["res.lang"]._social_format_date(self.counted_on)

    def action_import(self):
        self.ensure_one()
        self.env["social.crm.identity"].check_access("create")
        network = self.network_id
        try:
            rows, problems = contacts_export.read_export(
                base64.b64decode(self.file or b""), network.profile_url_pattern or "", network.code
            )
        except ValueError as error:
            raise UserError(
                self.env._("This file cannot be read as a contacts export: %(reason)s",
                           reason=str(error))
            ) from error
        summary = self._import_rows(rows)
        lines = [self._import_summary(len(rows), summary)]
        if summary["positions_skipped"] == 1:
            lines.append(self.env._(
                "1 job position was not filled in: you may not edit contacts."))
        elif summary["positions_skipped"]:
            lines.append(self.env._(
                "%(count)s job positions were not filled in: you may not edit contacts.",
                count=summary["positions_skipped"]))
        for line, reason in problems + summary["skipped"]:
            lines.append(self.env._("Line %(line)s: %(reason)s", line=line, reason=reason))
        self.write({"result": "\n".join(lines), "state": "done"})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _match(self, rows, network, company):
        """{line: (partner, how)}: by e-mail, then by an identity's profile on the network,
        then by the exact name when exactly one contact bears it (namesakes stay unmatched).
        Three queries whatever the file's size."""
        Partner = self.env["res.partner"]
        emails = sorted({r.email for r in rows if r.email})
        by_email = {}
        for partner in Partner.search([("email_normalized", "in", emails)]) if emails else ():
            by_email.setdefault(partner.email_normalized, partner)
        handles = sorted({r.handle.lower() for r in rows if r.handle})
        by_handle = {}
        if handles:
            for identity in self.env["social.crm.identity"].search(
                [("network_id", "=", network.id), ("company_id", "=", company.id),
                 ("handle", "in", sorted({r.handle for r in rows if r.handle}))]
            ):
                by_handle[(identity.handle or "").lower()] = identity
        names = sorted({r.name for r in rows})
        by_name = {}
        for partner in Partner.search([("name", "in", names)]) if names else ():
            by_name.setdefault(partner.name, []).append(partner)
        matched = {}
        for row in rows:
            identity = by_handle.get((row.handle or "").lower())
            if row.email and row.email in by_email:
                matched[row.line] = (by_email[row.email], "email", identity)
            elif identity:
                matched[row.line] = (identity.partner_id, "profile", identity)
            elif len(by_name.get(row.name, [])) == 1:
                matched[row.line] = (by_name[row.name][0], "name", None)
        return matched, by_name

    def _import_rows(self, rows):
        network, company = self.network_id, self.env.company
        summary = dict.fromkeys(("email", "profile", "name", "created", "identities", "counts"),
                                0)
        summary["positions_skipped"] = 0
        summary["skipped"] = []
        matched, by_name = self._match(rows, network, company)
        Identity = self.env["social.crm.identity"]
        may_edit = self.env["res.partner"].has_access("write")
        new_partners = []
        for row in rows:
            if row.line in matched:
                continue
            if len(by_name.get(row.name, [])) > 1:
                summary["skipped"].append((row.line, self.env._(
                    "%(name)s: several contacts have this name; add the e-mail or the "
                    "profile to one of them.", name=row.name)))
            elif self.create_contacts:
                new_partners.append(row)
            else:
                summary["skipped"].append((row.line, self.env._(
                    "%(name)s: no contact matches.", name=row.name)))
        if new_partners:
            partners = self.env["res.partner"].create([
                {"name": row.name, "email": row.email or False, "function": row.position or False}
                for row in new_partners
            ])
            for row, partner in zip(new_partners, partners, strict=True):
                matched[row.line] = (partner, "created", None)
        for row in rows:
            if row.line not in matched:
                continue
            partner, how, identity = matched[row.line]
            summary[how] += 1
            if self.update_job_position and row.position and not partner.function:
                if may_edit:
                    partner.function = row.position
                else:
                    summary["positions_skipped"] += 1
            if not identity:
                identity = Identity.search(
                    [("partner_id", "=", partner.id), ("network_id", "=", network.id)], limit=1
                )
            vals = {}
            if row.followers is not None:
                vals.update(followers_count=row.followers, counts_as_of=self.counted_on)
            if identity:
                if vals:
                    identity.write(vals)
                    summary["counts"] += 1
                continue
            if not row.handle and not row.profile_url:
                continue
            message = network._check_handle(row.handle) if row.handle else None
            taken = row.handle and Identity.search_count(
                Domain("network_id", "=", network.id) & Domain("company_id", "=", company.id)
                & Domain("handle", "=ilike", row.handle)
            )
            if message or taken:
                summary["skipped"].append((row.line, message or self.env._(
                    "%(name)s: the profile %(handle)s already belongs to another contact.",
                    name=row.name, handle=row.handle)))
                continue
            Identity.create(dict(
                vals, partner_id=partner.id, network_id=network.id, company_id=company.id,
                handle=row.handle or False,
                profile_url=row.profile_url if not row.handle else False,
            ))
            summary["identities"] += 1
            summary["counts"] += bool(vals)
        return summary
