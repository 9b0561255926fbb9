# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mastodon conversations keyed by a bare local id (threads without federation URI) take the
instance they were read through (``social.crm.post._upgrade_local_conversation_keys``): two
instances' threads with one id were one conversation, and one ticket. An end script: it runs
once every addon is loaded, so that the helpdesk's tickets and the crisis watch's counts
follow the keys."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.crm.post"]._upgrade_local_conversation_keys()
