# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a logged-in user can reach through ``/web/dataset/call_kw`` on the settings model.

A button method is callable over JSON-RPC on an empty recordset by any user, whatever the
settings screen shows: the method itself must check the caller's rights before it ``sudo()``s.
"""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSettingsRpcAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("social_crm_scoring.ir_cron_social_score")
        cls.portal = new_test_user(cls.env, login="sc_rpc_portal", groups="base.group_portal")
        cls.salesperson = new_test_user(
            cls.env, login="sc_rpc_sales", groups="base.group_user,sales_team.group_sale_salesman"
        )
        cls.social_user = new_test_user(
            cls.env,
            login="sc_rpc_social",
            groups="base.group_user,social_crm.group_social_crm_user",
        )
        cls.settings_user = new_test_user(
            cls.env,
            login="sc_rpc_settings",
            groups="base.group_user,base.group_system,social_crm.group_social_crm_manager",
        )

    def _call(self, login, method):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/res.config.settings/{method}",
            {"model": "res.config.settings", "method": method, "args": [[]], "kwargs": {}},
        )

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    @mute_logger("odoo.http")
    def test_only_settings_users_queue_the_recompute_of_every_score(self):
        """Before: a portal user, a salesperson or a Social CRM user queued the recomputation
        of every company's scores (a run over all contacts) by JSON-RPC."""
        before = self._triggers()
        for login in ("sc_rpc_portal", "sc_rpc_sales", "sc_rpc_social"):
            with self.subTest(login=login), self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._call(login, "action_social_score_recompute")
        self.assertEqual(self._triggers(), before)
        result = self._call("sc_rpc_settings", "action_social_score_recompute")
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(self._triggers(), before + 1)
