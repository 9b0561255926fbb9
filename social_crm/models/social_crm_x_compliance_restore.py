# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tweets X's compliance job removed because their author's account was suspended, made
private (protected) or deactivated come back when the account is restored.

X reports such tweets as long as the account stays so; once it is restored (a suspension
lifted, the account public or reactivated again) the tweets are public again, and a demanding
user expects them back in the inbox and on their ticket. So each job asks X once more for the
Deleted Posts removed so in the last :data:`~.social_crm_x_compliance_job.COMPLIANCE_DAYS`
days (their ids uploaded with the stored tweets: no read cost), at most
:data:`RESTORE_ASK` of them, the newest first. An id the job's results no longer name is
looked up (``GET /2/tweets?ids=``, the re-check's connector: billed reads, so at most
:data:`RESTORE_LOOKUP` ids, one request, per job; the others wait for the next day's job):
a tweet X returns loses its Deleted Post and comes back through the normal ingestion
(``_ingest_posts``: its conversation's ticket takes it), then :meth:`social.crm.post.
_ingest_after_restore` (helpdesk: a note on the ticket). A tweet X does not return (deleted
meanwhile, still not visible) stays removed. Tweets their authors deleted never come back."""

import dataclasses
import logging

from odoo import api, fields, models
from odoo.fields import Command, Domain

from ..connectors import base as connector_base
from ..connectors import recheck

_logger = logging.getLogger(__name__)

#: the reasons of a removal that an account's restoration undoes
RESTORABLE = ("suspended", "protected", "deactivated")
#: Deleted Posts asked again per job (uploaded: no read cost)
RESTORE_ASK = 1_000
#: ids no longer reported looked up per job (billed reads: one request of X's 100 ids)
RESTORE_LOOKUP = 100


class SocialCrmXComplianceJob(models.Model):
    _inherit = "social.crm.x.compliance.job"

    restore_asked_ids = fields.Many2many(
        "social.crm.post.deleted", "social_crm_x_compliance_job_deleted_rel", "job_id",
        "deleted_id", string="Removed Posts Asked Again", readonly=True,
        help="The posts removed because their author's account was suspended, made private "
        "or deactivated that this job asked X about once more: those X no longer reports "
        "come back.")
    restored_count = fields.Integer(
        string="Posts Restored", readonly=True,
        help="Posts back because X no longer reports their author's account suspended, "
        "private or deactivated.")

    @api.model
    def _removed_to_ask(self, source, since):
        """The Deleted Posts of ``source``'s company that X removed for their author's
        account since ``since`` (the newest :data:`RESTORE_ASK`)."""
        x = self.env["social.crm.network"]._by_code().get("x")
        if not x:
            return self.env["social.crm.post.deleted"]
        # sudo: the cron asks for every company's removed posts
        return self.env["social.crm.post.deleted"].sudo().search(
            Domain("company_id", "=", source.company_id.id) & Domain("network_id", "=", x.id)
            & Domain("reason", "=", "network")
            & Domain("network_reason", "in", RESTORABLE)
            & Domain("create_date", ">=", since),
            order="create_date desc, id desc", limit=RESTORE_ASK,
        )

    @api.model
    def _submit_values(self, source, since):
        """The ids to upload besides the stored tweets, and the job's values for them."""
        asked = self._removed_to_ask(source, since)
        return asked.mapped("external_id"), {"restore_asked_ids": [Command.set(asked.ids)]}

    def _restore(self, results):
        """The posts this job asked about again that its ``results`` no longer name come
        back (see the module); returns how many."""
        self.ensure_one()
        still = {action.tweet_id for action in results.actions}
        back = self.restore_asked_ids.filtered(
            lambda row: row.external_id not in still and row.network_reason in RESTORABLE
            and (row.external_id or "").isdigit())
        if not back:
            return 0
        back = back.sorted(lambda row: (row.create_date, row.id), reverse=True)
        ids = back[:RESTORE_LOOKUP].mapped("external_id")
        source = self.source_id
        config = source._connector_config()
        try:
            answers = self._call(source, config, lambda credentials: list(recheck.recheck(
                "x", ids, dataclasses.replace(config, credentials=credentials))))
        except connector_base.ConnectorError as exc:
            # the removed posts stay so (their Deleted Posts kept): asked again by the next job
            _logger.warning("Social CRM: source %s (%s): X compliance job %s: %s removed "
                            "post(s) X no longer reports could not be looked up (they stay "
                            "removed; the next job asks X about them again): %s", source.id,
                            source.name, self.external_id, len(ids), exc)
            return 0
        posts = [post for answer in answers for post in answer.posts]
        found = {post.external_id for post in posts}
        if not found:
            return 0
        # their Deleted Posts go: the normal ingestion stores them again
        back.filtered(lambda row: row.external_id in found).unlink()
        Post = self.env["social.crm.post"].sudo()
        restored = Post.browse(Post._ingest_posts(posts, source).post_ids)
        restored._ingest_after_restore()
        _logger.info("Social CRM: source %s (%s): X compliance job %s: %s post(s) back (their "
                     "authors' accounts restored)", source.id, source.name, self.external_id,
                     len(restored))
        return len(restored)
