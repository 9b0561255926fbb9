# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who can fetch a GDPR export over HTTP: the manager who made it, not everybody who can
read the contact (``/web/content``, ``ir.attachment`` by JSON-RPC)."""

import datetime as dt

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPrivacyExportAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="gdpr_manager",
            groups="base.group_user,base.group_partner_manager,"
            "social_crm.group_social_crm_manager",
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="gdpr_manager_2",
            groups="base.group_user,social_crm.group_social_crm_manager",
        )
        cls.salesperson = new_test_user(
            cls.env, login="gdpr_sales", groups="base.group_user,sales_team.group_sale_salesman"
        )
        # a contact as the ingestion makes them: no company (shared)
        cls.person = cls.env["res.partner"].create({"name": "Greta Gdpr"})
        identity = cls.env["social.crm.identity"].create(
            {"partner_id": cls.person.id, "network_id": cls.env.ref("social_crm.network_x").id,
             "handle": "greta", "external_id": "g-1"}
        )
        cls.env["social.crm.post"].create(
            {"network_id": identity.network_id.id, "external_id": "gp-1",
             "identity_id": identity.id, "partner_id": cls.person.id, "author_handle": "greta",
             "posted_at": dt.datetime(2026, 1, 2, 3, 4), "text": "Mein Router ist kaputt"}
        )

    def _get(self, login, url):
        self.authenticate(login, login)
        return self.url_open(url, allow_redirects=False)

    @mute_logger("odoo.http")
    def test_only_the_manager_who_exported_downloads_the_zip(self):
        """Before: the zip (posts, tickets, replies, score history) was attached to the
        contact, so every internal user who reads the contact (a salesperson, an agent, a user
        of another company for a shared contact) listed and downloaded it."""
        action = self.person.with_user(self.manager).action_social_export()
        url = action["url"]
        response = self._get("gdpr_manager", url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")
        for login in ("gdpr_sales", "gdpr_manager_2"):
            with self.subTest(login=login):
                response = self._get(login, url)
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(b"Router", response.content)
                found = self.make_jsonrpc_request(
                    "/web/dataset/call_kw/ir.attachment/search_read",
                    {"model": "ir.attachment", "method": "search_read",
                     "args": [[("name", "=like", "social-data-%")]],
                     "kwargs": {"fields": ["name"]}},
                )
                self.assertEqual(found, [])
                attachment_id = int(url.split("/")[3].split("?")[0])
                with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw/ir.attachment/read",
                        {"model": "ir.attachment", "method": "read",
                         "args": [[attachment_id], ["raw"]], "kwargs": {}},
                    )

    def test_deleting_contacts_deletes_their_exports(self):
        """Before: an export is attached to no record (found by its name at erasure), so
        deleting the contact (not erasing it) left its zip behind, named after a contact that
        no longer exists."""
        other = self.env["res.partner"].create({"name": "Karl Kept"})
        first = self.env["res.partner"].create({"name": "Gerd Gone"})
        self.env["social.crm.identity"].create(
            {"partner_id": first.id, "network_id": self.env.ref("social_crm.network_x").id,
             "handle": "gerd_gone", "external_id": "gg-1"}
        )
        second = self.env["res.partner"].create({"name": "Hanna Gone"})
        for partner in (first, second, other):
            partner.with_user(self.manager).action_social_export()
        Attachment = self.env["ir.attachment"]

        def exports(partner):
            return Attachment.search(
                [("res_model", "=", "res.partner"),
                 ("name", "=like", f"social-data-{partner.id}-%")]
            )

        gone = exports(first) | exports(second)
        self.assertEqual(len(gone), 2)
        kept = exports(other)
        self.assertEqual(len(kept), 1)
        # deleted by a user who may not read the exports (a salesperson with contact rights)
        deleter = new_test_user(
            self.env, login="gdpr_deleter",
            groups="base.group_user,base.group_partner_manager",
        )
        (first | second).with_user(deleter).unlink()
        self.assertFalse(gone.exists())
        self.assertTrue(kept.exists())

    def test_deleting_many_contacts_looks_their_exports_up_at_once(self):
        """The exports of the contacts deleted together are found in one search: deleting
        three contacts with exports takes as many queries as deleting one."""
        Partner = self.env["res.partner"]
        deleter = new_test_user(
            self.env, login="gdpr_deleter_many",
            groups="base.group_user,base.group_partner_manager",
        )

        def queries_to_delete(count):
            partners = Partner.create([{"name": f"Gone {count}.{i}"} for i in range(count)])
            for partner in partners:
                partner.with_user(self.manager).action_social_export()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners.with_user(deleter).unlink()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries_to_delete(1)  # warm the caches
        self.assertEqual(queries_to_delete(3), queries_to_delete(1))
