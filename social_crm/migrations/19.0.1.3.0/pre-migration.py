# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A match suggestion's reason was stored as a text in the language of whoever ingested the
post; it is now a code shown in the reader's language."""

REASONS = {
    "Similar name": "name",
    "Ähnlicher Name": "name",
    "E-mail address in the bio": "email",
    "E-Mail-Adresse in der Bio": "email",
}


def migrate(cr, version):
    cr.execute("SELECT to_regclass('social_crm_match_suggestion')")
    if not cr.fetchone()[0]:
        return
    for text, code in REASONS.items():
        cr.execute(
            "UPDATE social_crm_match_suggestion SET reason = %s WHERE reason = %s", (code, text)
        )
    cr.execute(
        "UPDATE social_crm_match_suggestion SET reason = NULL WHERE reason NOT IN %s",
        (tuple(set(REASONS.values())),),
    )
