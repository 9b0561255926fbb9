# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SocialCrmIngestMixin(models.AbstractModel):
    """The one bulk-upsert helper ingestion applies its plans with (posts, identities, count
    history): plain ORM, so computes, constraints, tracking and ``write_date`` behave as
    everywhere else."""

    _name = "social.crm.ingest.mixin"
    _description = "Social CRM Bulk Upsert"

    @api.model
    def _ingest_upsert(self, vals_list=(), updates=()):
        """Write ``updates`` ([(id, vals)]) and create ``vals_list``; return the new records.

        A fixed number of queries whatever the batch size: records that receive the same
        values are written together; records written with different values are flushed by
        the ORM as one ``UPDATE … FROM (VALUES …)`` per set of columns (``_write_multi``), and
        the new records are inserted by one ``create``.
        """
        if updates:
            groups = {}
            for record_id, vals in updates:
                if not vals:
                    continue
                try:
                    key = tuple(sorted(vals.items()))
                    hash(key)
                except TypeError:  # unhashable values (JSON): a group of its own
                    key = ("id", record_id)
                groups.setdefault(key, (vals, []))[1].append(record_id)
            prefetch = [rid for _vals, ids in groups.values() for rid in ids]
            for vals, ids in groups.values():
                self.browse(ids).with_prefetch(prefetch).write(vals)
        if vals_list:
            return self.create(list(vals_list))
        return self.browse()
