# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """The deletions on the network processed by 19.0.1.3.0 replaced only the last two
    versions of a post edited more than once: its earlier versions stayed in the ticket's
    edit notes (and in the note of a later post of the conversation). They are replaced now
    by the placeholder of the edit that follows them, as a deletion does since
    (``helpdesk.ticket._social_scrub_orphaned_versions``). The placeholders themselves keep
    their wording: a comment gone with its removed Facebook post that 19.0.1.3.0 marked
    "[deleted by its author on the network]" is not told apart from a comment its author
    deleted in the notes, so it is left as it reads."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    changed = env["helpdesk.ticket"]._social_scrub_orphaned_versions()
    _logger.info("social_crm_helpdesk: %s ticket messages lost the earlier versions of "
                 "posts deleted on the network", changed)
