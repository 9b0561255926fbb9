# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    """19.0.1.5.0: a reply outlives the post it answered when the post's author deletes it
    on the network (``social.crm.reply.post_id`` may be empty then, and only then: the check
    constraint ``post_id IS NOT NULL OR post_deleted_at IS NOT NULL``; the ORM drops the
    column's NOT NULL and adds the constraint at the update). The reply keeps what it needs
    of the post in its own columns: filled here from the posts in one statement, instead of
    the ORM computing them reply by reply. ``network_id`` (a stored related field before, a
    stored computed one now) keeps its column and values. Replies of posts deleted before
    this version went with their posts: nothing to bring back."""
    if not version:
        return
    new = [
        ("post_external_id", "varchar"),
        ("partner_id", "int4"),
        ("identity_id", "int4"),
        ("post_deleted_at", "timestamp"),
    ]
    for name, kind in new:
        if not column_exists(cr, "social_crm_reply", name):
            create_column(cr, "social_crm_reply", name, kind)
    cr.execute(
        SQL(
            """UPDATE social_crm_reply r
                  SET post_external_id = p.external_id,
                      partner_id = p.partner_id,
                      identity_id = p.identity_id
                 FROM social_crm_post p
                WHERE p.id = r.post_id"""
        )
    )
