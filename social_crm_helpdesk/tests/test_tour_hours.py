# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user, tagged

from .common import SocialTourCase


@tagged("post_install", "-at_install")
class TestHoursTour(SocialTourCase):
    def test_member_hours_tour(self):
        """A helpdesk manager without Settings rights sets the working hours of a member
        without a resource on the team form: the resource is created with them."""
        env = self.env
        manager = new_test_user(
            env, login="sh_hours_lead", name="Hanna Lead", tz="Europe/Berlin",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )
        member = new_test_user(env, login="sh_hours_bert", name="Bert Shift",
                               groups="base.group_user,helpdesk_mgmt.group_helpdesk_user")
        calendar = env["resource.calendar"].create(
            {"name": "Late shift Tour", "tz": "Europe/Berlin", "company_id": env.company.id}
        )
        env["resource.calendar.leaves"].create({
            "name": "Tour Holiday", "calendar_id": calendar.id, "company_id": env.company.id,
            "date_from": "2026-12-24 23:00:00", "date_to": "2026-12-25 22:59:59",
        })
        team = self.tour_team("Hours Tour Team", user_id=manager.id)
        team.user_ids = [(4, member.id)]
        self.assertFalse(member.resource_ids)
        self.start_tour(f"/odoo/helpdesk.ticket.team/{team.id}",
                        "social_crm_helpdesk_member_hours_tour", login="sh_hours_lead")
        resource = env["resource.resource"].search([("user_id", "=", member.id)])
        self.assertRecordValues(resource, [{"calendar_id": calendar.id, "tz": "Europe/Lisbon",
                                            "company_id": member.company_id.id}])
