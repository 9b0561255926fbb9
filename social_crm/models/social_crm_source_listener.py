# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Saved means in effect for the stream listener (``odoo social_crm_listen``).

When a stream source is created, deleted, or one of the settings the listener reads it with
changes (archived, another mode, token, instance, hashtag, query...), a PostgreSQL ``NOTIFY``
on :data:`LISTENER_CHANNEL` (payload: the database name) goes out once the transaction is
committed; a running listener holds a ``LISTEN`` on that channel and looks at the sources at
once (its rescan every minute stays as the safety net). The listener's own writes (cursor,
heartbeat, errors) notify nothing.
"""

import logging

import psycopg2

from odoo import api, models, sql_db

_logger = logging.getLogger(__name__)

#: the channel the listeners LISTEN on (cli/social_crm_listen.py)
LISTENER_CHANNEL = "social_crm_listener"
#: what the listener chooses its sources by and opens their streams with
LISTENER_FIELDS = frozenset({
    "active", "intake_mode", "network_id", "kind", "query", "keywords", "base_url",
    "account_id", "access_token", "bearer_token", "replay_pace_seconds", "company_id",
    "credentials_refused_at",  # a refused source rests; saved credentials resume it
})
_HOOK = "social_crm.listener_notify"


def notify_listeners(dbname):
    """``NOTIFY`` the stream listeners of ``dbname`` (after a commit: in a transaction of its
    own). A failure is logged: the listeners look again at their next rescan."""
    try:
        with sql_db.db_connect(dbname).cursor() as cr:
            cr.execute("SELECT pg_notify(%s, %s)", (LISTENER_CHANNEL, dbname))
    except psycopg2.Error:
        _logger.warning("Social CRM: the stream listeners could not be told that the sources "
                        "changed (they look again within a minute)", exc_info=True)


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    @api.model_create_multi
    def create(self, vals_list):
        sources = super().create(vals_list)
        sources._listener_notify_after_commit(sources._listener_streamed())
        return sources

    def write(self, vals):
        if not LISTENER_FIELDS & set(vals):
            return super().write(vals)
        before = self._listener_streamed()
        # registered before the write: it runs before slower hooks (X rule deletions)
        self._listener_notify_after_commit(before)
        result = super().write(vals)
        if not before:
            self._listener_notify_after_commit(self._listener_streamed())
        return result

    def unlink(self):
        self._listener_notify_after_commit(self._listener_streamed())
        return super().unlink()

    def _listener_streamed(self):
        """Whether one of these sources is read by the listener (active, stream mode)."""
        return any(s.active and s.intake_mode == "stream" for s in self)

    def _listener_notify_after_commit(self, send):
        """One ``NOTIFY`` per transaction, after its commit, if ``send`` was ever true in it
        (the hook is registered at the first call, so that it runs early)."""
        postcommit = self.env.cr.postcommit
        if _HOOK not in postcommit.data:
            postcommit.data[_HOOK] = False
            dbname = self.env.cr.dbname

            @postcommit.add
            def notify():
                if postcommit.data.get(_HOOK):
                    notify_listeners(dbname)

        postcommit.data[_HOOK] = postcommit.data[_HOOK] or bool(send)
