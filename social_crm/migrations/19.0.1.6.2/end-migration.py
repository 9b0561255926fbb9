# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mastodon posts stored before 19.0.1.5.0 are keyed by their own id: where their thread's
federation URI is known they go over to it (``social.crm.post.
_upgrade_old_conversation_keys``). An end script: it runs once every addon is loaded, so
that the helpdesk's tickets and the crisis watch's counts follow the keys as they do when
a parent arrives after its replies; it needs the posts' instance (the post-migration)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.crm.post"]._upgrade_old_conversation_keys()
