# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""German names of helpdesk_mgmt's stages that its own translation lacks or gets wrong.

Odoo loads every module's ``de.po`` into the records after the module or the language is
installed (``_load_module_terms``); a ``.po`` of ours could carry helpdesk_mgmt's xml ids too,
but without overwriting an existing value, and which of two files wins depends on the order of
loading: upstream's "Warten auf" would stay. So the correction is applied after every load of
German terms, and only where the stage's German is missing, the English name or upstream's
wrong one: a name a user gave the stage is kept.

What upstream leaves without any German (menus such as "All Tickets", field labels such as
"Parent Team" and "Show in portal form", texts of the ticket and team forms) our ``de.po``
carries by helpdesk_mgmt's xml ids: Odoo loads them whatever the module of the xml id, and
without overwriting (the default) fills only what has no German yet, so a name a user gave is
kept and the order of loading does not matter. Only a load that overwrites on purpose
(language update with "overwrite existing terms") writes them again. The dashboard's tile
names are Python strings of helpdesk_mgmt (``_retrieve_dashboard``, see
``helpdesk_ticket_team.py``).
"""

from odoo import models
from odoo.tools import SQL

#: {xml id of a helpdesk_mgmt stage: (German name, upstream's German names it replaces)},
#: in the style of upstream's other stage names ("Neu", "In Arbeit", "Erledigt")
STAGE_GERMAN = {
    "helpdesk_mgmt.helpdesk_ticket_stage_rejected": ("Abgelehnt", ()),
    "helpdesk_mgmt.helpdesk_ticket_stage_awaiting": ("Wartend", ("Warten auf",)),
}


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    def _social_correct_german(self, langs):
        """Write the German names of :data:`STAGE_GERMAN` in ``langs`` where missing or wrong."""
        stages = {}
        for xmlid in STAGE_GERMAN:
            stage = self.env.ref(xmlid, raise_if_not_found=False)
            if stage and stage._name == self._name:
                stages[stage.id] = STAGE_GERMAN[xmlid]
        if not stages:
            return
        # the stored translations as they are (reading ``name`` falls back to English)
        self.flush_model(["name"])
        rows = self.env.execute_query(
            SQL("SELECT id, name FROM %s WHERE id IN %s", SQL.identifier(self._table),
                tuple(stages))
        )
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for stage_id, names in rows:
            german, wrong = stages[stage_id]
            names = names or {}
            for lang in set(langs) & installed:
                current = names.get(lang)
                if not current or current == names.get("en_US") or current in wrong:
                    # sudo: a correction of the product's data, whoever loads the language;
                    # only this language's name (a plain write in a database without English
                    # active would write the English name as well)
                    self.sudo().browse(stage_id).update_field_translations(
                        "name", {lang: german})
