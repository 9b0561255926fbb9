# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _social_next_numbers(self, count):
        """``count`` numbers of this sequence, as ``count`` calls of ``_next`` would draw
        them, in ascending order: one ``nextval`` query for all of them for a standard
        sequence without date ranges (a PostgreSQL sequence, not transactional: the batch
        draws what one call per number would), one ``_next`` per number otherwise (a no-gap
        sequence locks its row for each number). Empty sequence: "/" (helpdesk_mgmt's number
        of a ticket without sequence)."""
        if not self or count <= 0:
            return ["/"] * max(count, 0)
        self.ensure_one()
        if self.implementation != "standard" or self.use_date_range:
            return [self._next() or "/" for _i in range(count)]
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{self.id:03d}",
                count,
            )
        )
        return [self.get_next_char(number) or "/" for number in sorted(row[0] for row in rows)]
