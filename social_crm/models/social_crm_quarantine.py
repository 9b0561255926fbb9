# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..connectors.base import InvalidItemError
from ..services import erasure, ingest

_logger = logging.getLogger(__name__)

MANAGER = "social_crm.group_social_crm_manager"


class SocialCrmQuarantine(models.Model):
    """An item a network sent that could not be stored: kept here with the reason, so that the
    rest of its page is stored and the source moves on. A manager may retry it."""

    _name = "social.crm.quarantine"
    _description = "Quarantined Social Item"
    _order = "quarantined_at desc, id desc"
    _rec_name = "external_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda s: s.env.company
    )
    source_id = fields.Many2one("social.crm.source", index=True, ondelete="set null", readonly=True)
    network_id = fields.Many2one("social.crm.network", ondelete="cascade", readonly=True)
    external_id = fields.Char(string="Item ID", readonly=True, help="As the network sent it.")
    reason = fields.Selection(
        [
            (ingest.NO_ID, "The item has no id"),
            (ingest.BAD_ID, "The item's id is not text"),
            (ingest.ID_TOO_LONG, "The item's id is too long"),
            (ingest.AUTHOR_ID_TOO_LONG, "The author's id or handle is too long"),
            (ingest.BAD_TEXT, "The item's text is not text"),
            (ingest.STORAGE, "The database refused the item"),
            (ingest.REJECTED, "The connector could not read the item"),
        ],
        required=True,
        readonly=True,
    )
    detail = fields.Char(readonly=True)
    quarantined_at = fields.Datetime(
        string="Quarantined", required=True, readonly=True, default=fields.Datetime.now
    )
    state = fields.Selection(
        [("quarantined", "Quarantined"), ("stored", "Stored")],
        default="quarantined",
        required=True,
        readonly=True,
        index=True,
    )
    retry_count = fields.Integer(string="Retries", readonly=True)
    post_id = fields.Many2one("social.crm.post", string="Stored Post", readonly=True)
    item_data = fields.Json(
        string="Item", readonly=True, groups=MANAGER, help="The item as the connector read it."
    )
    raw_payload = fields.Json(readonly=True, groups=MANAGER, copy=False)

    @api.model
    def _ingest_quarantine(self, refused, company, source=None, result=None):
        """Keep the refused items of a batch (one query to find earlier rows of the same items,
        one to create, at most one to refresh)."""
        networks = self.env["social.crm.network"]._by_code()
        # sudo: the quarantine is manager-only; ingestion by any user keeps refused items there
        model = self.sudo()
        ext_ids = {ingest.text(r.post.external_id, 256) for r in refused} - {None}
        earlier = {}
        if ext_ids:
            for row in model.search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "quarantined"),
                    ("external_id", "in", sorted(ext_ids)),
                ],
                ["network_id", "external_id"],
            ):
                earlier[(row.network_id.id, row.external_id)] = row
        vals_list, again = [], model.browse()
        for item in refused:
            code = item.post.network
            network = networks.get(code) if isinstance(code, str) else None
            external_id = ingest.text(item.post.external_id, 256)
            vals = {
                "reason": item.reason,
                "detail": (item.detail or "")[:500] or False,
                "quarantined_at": fields.Datetime.now(),
                "item_data": ingest.post_to_data(item.post),
                "raw_payload": ingest.raw_payload(getattr(item.post, "raw", None)) or False,
            }
            row = earlier.get((network.id if network else False, external_id))
            if row and external_id:
                row.write(vals)
                again |= row
                continue
            vals.update(
                company_id=company.id,
                source_id=source.id if source else False,
                network_id=network.id if network else False,
                external_id=external_id or False,
            )
            vals_list.append(vals)
        records = model.create(vals_list) | again
        _logger.info(
            "Social CRM: %s item(s) quarantined (%s)",
            len(records),
            ", ".join(sorted({item.reason for item in refused})),
        )
        if result is not None:
            result.quarantined += len(records)
            result.quarantine_ids.extend(records.ids)
        return records

    @api.model
    def _ingest_rejected(self, rejected, company, source=None, result=None):
        """Keep the items a connector set aside while reading an answer (``Page.rejected``:
        no id, a value it cannot read, past the per-answer cap), with the connector's reason,
        so that the cursor may move past them and nothing is lost."""
        # a Rejected item may have no id: a Post cannot be built of it, it is kept as it is
        refused = [ingest.Refused(item, ingest.REJECTED, item.reason) for item in rejected]
        return self._ingest_quarantine(refused, company, source=source, result=result)

    @api.model
    def _erase_person(self, person, scope=Domain.TRUE):
        """A privacy erasure of ``person`` (:class:`~..services.erasure.Person`) in the kept
        items (``scope``: a domain on ``company_id``): the person's own items go, remembered
        as erased (a later poll of them is refused); the other people's items that name the
        person keep neither their profile, handle, name nor texts
        (:func:`~..services.erasure.scrub`) and stay retryable. One query finds the rows.

        :return: (items deleted, items changed)
        """
        needles = sorted(person.ids | person.handles)
        if not needles:
            return self.browse(), self.browse()
        self.flush_model(["item_data", "raw_payload"])
        patterns = ["%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    for n in needles]
        rows = self.env.execute_query(SQL(
            """SELECT id FROM social_crm_quarantine
                WHERE item_data::text ILIKE ANY(%(patterns)s)
                   OR raw_payload::text ILIKE ANY(%(patterns)s)""",
            patterns=patterns))
        # sudo: the quarantine is manager-only; the erasure covers it (the caller checks)
        items = self.sudo().search(Domain("id", "in", [r[0] for r in rows]) & scope)
        theirs, changed, erased_keys = self.browse(), self.browse(), {}
        for item in items:
            data = item.item_data or {}
            author = data.get("author") if isinstance(data, dict) else None
            if erasure.written_by(data, person) or isinstance(author, dict) and (
                    str(author.get("external_id") or "") in person.ids
                    or person.is_their_text(author.get("handle") or "")):
                theirs |= item
                if item.network_id and item.external_id:
                    erased_keys[(item.company_id.id, item.network_id.id, item.external_id,
                                 "")] = item
                continue
            vals = {}
            for name in ("item_data", "raw_payload"):
                scrubbed, modified = erasure.scrub(item[name], person)
                if modified:
                    vals[name] = scrubbed
            if vals:
                item.write(vals)
                changed |= item
        if erased_keys:
            self.env["social.crm.post.deleted"]._remember_keys(erased_keys, reason="erasure")
        theirs.unlink()
        return theirs, changed

    def _retry_message(self, stored):
        """The Retry toast: how many of the retried items were stored, singular or plural."""
        count = len(self)
        if count == 1:
            return (
                self.env._("The item is stored.") if stored
                else self.env._("The item could not be stored; it stays in quarantine.")
            )
        if stored == count:
            return self.env._("All %(count)s items stored.", count=count)
        if not stored:
            return self.env._(
                "None of the %(count)s items could be stored; they stay in quarantine.",
                count=count,
            )
        if stored == 1:
            return self.env._(
                "1 of %(count)s items stored; the others stay in quarantine.", count=count
            )
        return self.env._(
            "%(stored)s of %(count)s items stored; the others stay in quarantine.",
            stored=stored,
            count=count,
        )

    def action_retry(self):
        """Try to store the items again (after a fix); what is still refused stays here."""
        self.check_access("write")
        if any(item.reason == ingest.REJECTED for item in self):
            raise UserError(
                self.env._(
                    "The connector could not read this item, so it cannot be stored as it is: "
                    "it stays here with the reason. The network still has it; a later poll "
                    "reads it again once the connector can."
                )
            )
        # sudo: the retried item is stored as by ingestion, whatever the manager's teams
        Post = self.env["social.crm.post"].sudo()
        stored = 0
        # sudo: the item's source holds credentials (read by the connectors)
        for item in self.sudo():
            if item.state != "quarantined":
                raise UserError(self.env._("This item was already stored."))
            try:
                post = ingest.post_from_data(item.item_data or {}, item.raw_payload)
            except InvalidItemError:  # still no id (or no date...): it stays, as it is
                item.retry_count += 1
                continue
            result = Post.with_company(item.company_id)._ingest_posts(
                [post], source=item.source_id or None
            )
            new = self.sudo().browse(result.quarantine_ids) - item  # sudo: see above
            if result.quarantined:
                refused = new[:1] or item
                item.write(
                    {
                        "reason": refused.reason,
                        "detail": refused.detail,
                        "retry_count": item.retry_count + 1,
                    }
                )
                new.unlink()
            else:
                item.write(
                    {
                        "state": "stored",
                        "retry_count": item.retry_count + 1,
                        "post_id": result.post_ids[0] if result.post_ids else False,
                    }
                )
                stored += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Retried"),
                "message": self._retry_message(stored),
                "type": "success" if stored == len(self) else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
