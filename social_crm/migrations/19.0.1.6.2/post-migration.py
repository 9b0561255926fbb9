# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mastodon posts keep the instance they were read through (``social_crm_post.instance``,
new in 19.0.1.6.2): a status id is that instance's. The posts stored before get it from
their source's instance URL, normalised as ingestion does (``connectors.mastodon.
instance_url``, lower case): one parameterised UPDATE per Mastodon source.

A post whose source was deleted has no instance URL to take it from. Where its stored
status was written by an account of the instance that showed it (Mastodon's ``acct`` is the
bare user name for the instance's own accounts, ``user@domain`` for others), that account's
profile URL names the instance: its origin is taken (one UPDATE). Others stay without
instance: no id read through an instance matches them (as before)."""

import logging

from odoo.addons.social_crm.connectors import mastodon
from odoo.addons.social_crm.connectors.base import ConnectorError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(SQL("SELECT id FROM social_crm_network WHERE code = %s", mastodon.NETWORK))
    row = cr.fetchone()
    if not row:
        return
    network_id = row[0]
    cr.execute(SQL(
        """SELECT id, base_url FROM social_crm_source
            WHERE network_id = %s AND base_url IS NOT NULL AND base_url != ''
            ORDER BY id""",
        network_id,
    ))
    count = 0
    for source_id, base_url in cr.fetchall():
        try:
            instance = mastodon.instance_url(base_url).lower()
        except ConnectorError:
            continue
        cr.execute(SQL(
            """UPDATE social_crm_post SET instance = %s
                WHERE source_id = %s AND network_id = %s AND instance IS NULL""",
            instance, source_id, network_id,
        ))
        count += cr.rowcount
    cr.execute(SQL(
        r"""UPDATE social_crm_post
               SET instance = lower(substring(raw_payload -> 'account' ->> 'url'
                                              FROM '^(https?://[^/?#@\s]+)/'))
             WHERE network_id = %s AND source_id IS NULL AND instance IS NULL
               AND jsonb_typeof(raw_payload) = 'object'
               AND jsonb_typeof(raw_payload -> 'account') = 'object'
               AND raw_payload -> 'account' ->> 'acct' NOT LIKE %s
               AND substring(raw_payload -> 'account' ->> 'url'
                             FROM '^(https?://[^/?#@\s]+)/') IS NOT NULL""",
        network_id, "%@%",
    ))
    orphans = cr.rowcount
    cr.execute(SQL(
        "SELECT count(*) FROM social_crm_post WHERE network_id = %s AND instance IS NULL",
        network_id,
    ))
    left = cr.fetchone()[0]
    _logger.info("Social CRM: instance of %s Mastodon post(s) taken from their source, of %s "
                 "without source from their author's profile; %s left without (no instance "
                 "URL known)", count, orphans, left)
