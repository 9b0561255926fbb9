# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contacts made by listening without company get the company of their identities where
they are all one company's; those of several companies stay shared and are named in the log
(``res.partner._social_give_listening_contacts_their_company``). Items kept in quarantine
on a webhook app another company's push source also has are marked as possibly that
company's (``social.crm.event._mark_held_on_shared_apps``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._social_give_listening_contacts_their_company()
    env["social.crm.event"]._mark_held_on_shared_apps()
