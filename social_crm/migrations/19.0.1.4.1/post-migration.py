# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""GDPR exports were attached to the contact, readable by whoever reads the contact: they are
detached (an attachment without record is readable by its creator and administrators only);
the erasure finds them by name."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_attachment SET res_id = NULL
            WHERE res_model = 'res.partner' AND res_id IS NOT NULL AND res_field IS NULL
              AND name ~ '^social-data-[0-9]+-.*\\.zip$'"""
    )
