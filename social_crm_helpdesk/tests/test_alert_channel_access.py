# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A team's alert channel (customers' names, reach, bank data found, links to tickets) is read
by the helpdesk users of the team's company, never by those of another company."""

from markupsafe import Markup

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAlertChannelAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env.ref("social_crm_helpdesk.helpdesk_team_social_demo")
        cls.channel = cls.team._social_alert_channel()
        cls.team._social_post_alert(Markup("<p>Influencer Iris Probe complains, reach 99,999</p>"))
        other_company = cls.env["res.company"].create({"name": "Alert Probe GmbH"})
        cls.other_agent = new_test_user(
            cls.env, login="alert_other_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        cls.agent = new_test_user(
            cls.env, login="alert_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.team.company_id.id, company_ids=[(6, 0, cls.team.company_id.ids)],
        )

    def _search(self, login, model, domain):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/search_read",
            {"model": model, "method": "search_read", "args": [domain],
             "kwargs": {"fields": ["id"]}},
        )

    def test_other_company_reads_no_alert(self):
        """Before: a helpdesk user of another company found the channel and read its alerts
        (the channel was open to every helpdesk user)."""
        messages = [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id),
                    ("body", "ilike", "Iris Probe")]
        self.assertFalse(self._search("alert_other_agent", "discuss.channel",
                                      [("id", "=", self.channel.id)]))
        self.assertFalse(self._search("alert_other_agent", "mail.message", messages))
        # the team's company's helpdesk users still read it
        self.assertTrue(self._search("alert_agent", "discuss.channel",
                                     [("id", "=", self.channel.id)]))
        self.assertTrue(self._search("alert_agent", "mail.message", messages))
