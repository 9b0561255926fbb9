# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mastodon posts stored before 19.0.1.5.0 have no federation URI (``network_uri``): it is
taken from the stored status (``raw_payload``, the Status entity the connector read: its
``uri``), as ingestion takes it (``services.ingest.federation_uri``).

One status read through two instances before 19.0.1.5.0 may have been stored twice (two
local ids, one URI): the unique index on the URI allows it on one row only. The oldest row
gets it (the other keeps its id, without URI), as does a row already holding the URI (stored
since 19.0.1.5.0); no row is deleted, the rows left without URI are logged."""

import logging

_logger = logging.getLogger(__name__)

NETWORK = "mastodon"
MAX_URI = 2048  # as ``services.ingest.federation_uri``


def migrate(cr, version):
    cr.execute("SELECT to_regclass('social_crm_post')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """
        WITH candidate AS (
            SELECT p.id, p.company_id, p.network_id, p.raw_payload ->> 'uri' AS uri
              FROM social_crm_post p
              JOIN social_crm_network n ON n.id = p.network_id
             WHERE n.code = %(network)s
               AND p.network_uri IS NULL
               AND jsonb_typeof(p.raw_payload) = 'object'
               AND (starts_with(p.raw_payload ->> 'uri', 'https://')
                    OR starts_with(p.raw_payload ->> 'uri', 'http://'))
               AND length(p.raw_payload ->> 'uri') <= %(max_uri)s
        ), ranked AS (
            SELECT c.id, c.uri,
                   first_value(c.id) OVER same_uri AS first_id,
                   (SELECT s.id FROM social_crm_post s
                     WHERE s.company_id = c.company_id AND s.network_id = c.network_id
                       AND s.network_uri = c.uri) AS holder_id
              FROM candidate c
            WINDOW same_uri AS (PARTITION BY c.company_id, c.network_id, c.uri ORDER BY c.id)
        ), updated AS (
            UPDATE social_crm_post p
               SET network_uri = r.uri
              FROM ranked r
             WHERE p.id = r.id AND r.id = r.first_id AND r.holder_id IS NULL
         RETURNING p.id
        )
        SELECT (SELECT count(*) FROM updated),
               COALESCE((SELECT array_agg(ARRAY[r.id, COALESCE(r.holder_id, r.first_id)]
                                          ORDER BY r.id)
                           FROM ranked r
                          WHERE r.holder_id IS NOT NULL OR r.id <> r.first_id), '{}')
        """,
        {"network": NETWORK, "max_uri": MAX_URI},
    )
    count, collided = cr.fetchone()
    _logger.info("Social CRM: federation URI of %s Mastodon post(s) taken from their payload",
                 count)
    for post_id, kept_id in collided:
        _logger.warning(
            "Social CRM: Mastodon post %s is the status of post %s read through another "
            "instance (same federation URI): it is kept without the URI (the unique index "
            "allows it on one post)", post_id, kept_id)
