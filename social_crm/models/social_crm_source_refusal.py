# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A source whose credentials the network refuses (HTTP 401/403: a revoked token, wrong keys)
rests until they change: asking again with the same credentials gets the same refusal, every
two minutes, with a warning in the log each time.

On a refusal (a poll, a stream's connect) the source is marked (``credentials_refused_at``):
the poll cron and the re-check job pass it by, the stream listener stops reading it; the form
says why and what to do; the company's Social CRM managers get one to-do activity on the
source (the assignment notifies them), the chatter a note, and the log one warning (the
caller's, with the network's words). Saving a
credential of the source (or an archived source made active), or the form's *Try Again*,
resumes it at once: its next poll is due now, the listener is told (the field is one of
``LISTENER_FIELDS``), the activities are removed. A successful poll (*Fetch now*) resumes it
too. Other errors (rate limits, time-outs, server errors) keep their own retries.
"""

import logging

from odoo import api, fields, models

from .social_crm_credentials_mixin import CREDENTIAL_FIELDS

_logger = logging.getLogger(__name__)

MANAGER = "social_crm.group_social_crm_manager"


class SocialCrmSource(models.Model):
    _name = "social.crm.source"
    _inherit = ["social.crm.source", "mail.thread", "mail.activity.mixin"]

    credentials_refused_at = fields.Datetime(
        string="Credentials Refused",
        readonly=True,
        copy=False,
        help="When the network refused the source's credentials: the source is not asked "
        "again until its credentials are saved again or “Try Again” is clicked.",
    )

    def write(self, vals):
        resume = self.browse()
        if "credentials_refused_at" not in vals and (
            set(CREDENTIAL_FIELDS) & set(vals) or vals.get("active")
        ):
            resume = self.filtered("credentials_refused_at")
        result = super().write(vals)
        if resume:
            resume._credentials_resume("credentials saved")
        return result

    def _credentials_refused(self, message):
        """The network refused the credentials of these sources (``message``: the product's
        words for the form): they rest until their credentials change. Said once per change:
        a source already resting only gets the new words."""
        now = fields.Datetime.now()
        new = self.filtered(lambda s: not s.credentials_refused_at)
        (self - new).write({"last_error": message, "last_error_at": now})
        if not new:
            return
        new.write({"credentials_refused_at": now, "last_error": message, "last_error_at": now})
        for source in new:
            # sudo: the note is the source's history, whoever ran the poll
            source.sudo()._message_log(body=message)
            # the caller warned with the network's words
            _logger.info(
                "Social CRM: source %s (%s): resting until its credentials are saved again "
                "(or Try Again); managers told", source.id, source.name)
        new._credentials_tell_managers()

    def _credentials_tell_managers(self):
        """One to-do activity per Social CRM manager of the source's company (sudo: the poll
        runs as anyone), in the manager's language."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        managers = self.env.ref(MANAGER).sudo().all_user_ids.filtered(
            lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)
        model_id = self.env["ir.model"]._get_id(self._name)
        activities = []
        for source in self:
            for user in managers.filtered(lambda u, s=source: s.company_id in u.company_ids):
                env = source.with_context(lang=user.lang or self.env.lang).env
                activities.append({
                    "res_model_id": model_id,
                    "res_id": source.id,
                    "user_id": user.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": env._("Renew the credentials of “%(name)s”",
                                     name=source.with_env(env).name),
                    "note": env._(
                        "The network refuses the credentials of this source, so it is not "
                        "asked again. Enter new credentials (a new access token or keys) and "
                        "save, or click “Try Again” once the network's app is fixed."),
                    "automated": True,
                })
        if activities:
            # the assignment notifies each manager once (inbox or e-mail, as each chose)
            self.env["mail.activity"].sudo().create(activities)

    def _credentials_resume(self, why):
        """Ask these resting sources again at once (their next poll due now, the stream
        listener told by the write), their refusal activities removed."""
        resting = self.filtered("credentials_refused_at")
        if not resting:
            return
        resting.write({"credentials_refused_at": False, "next_poll_at": False})
        for source in resting:
            _logger.info("Social CRM: source %s (%s): %s, asked again", source.id,
                         source.name, why)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        # sudo: the activities of every manager, whoever saved the credentials
        self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name),
            ("res_id", "in", resting.ids),
            ("automated", "=", True),
            ("activity_type_id", "=", todo.id if todo else False),
        ]).unlink()
        cron = self.env.ref("social_crm.ir_cron_social_crm_poll", raise_if_not_found=False)
        if cron and any(s.intake_mode == "poll" for s in resting):
            cron.sudo()._trigger()

    def action_credentials_retry(self):
        """The form's “Try Again”: ask the network again with the saved credentials."""
        self.check_access("write")
        # sudo: the source's state and its managers' activities
        self.sudo()._credentials_resume("Try Again clicked")
        return True

    @api.model
    def _listener_sources(self, ids=None):
        return super()._listener_sources(ids).filtered(lambda s: not s.credentials_refused_at)
