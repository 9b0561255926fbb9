# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Accounts the same minute, edge sequences: a company contact made a person (and back), two
customer companies merged by Odoo's merge wizard."""

from odoo.tests import tagged

from . import test_account_membership as membership
from .test_account_day import AccountDayCase


@tagged("post_install", "-at_install")
class TestAccountProbe(AccountDayCase):
    ella_becomes_key = membership.TestAccountMembership.ella_becomes_key

    def test_company_made_a_person_and_back(self):
        """Velo's contact is made a person on the form (the company box unticked): it is no
        account any more, at once, as at night; ticked again, it is scored again."""
        self.ella_becomes_key()
        self.assertTrue(self.row(self.velo))
        self.velo.with_user(self.seller).write({"is_company": False})
        self.env.invalidate_all()
        self.assertFalse(self.row(self.velo))
        self.assertFalse(self.ella.social_is_key_account)
        self.assertFalse(self.lead.social_is_key_account)
        self.velo.with_user(self.seller).write({"is_company": True})
        self.env.invalidate_all()
        self.assertEqual(self.row(self.velo).strongest_partner_id, self.ella)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1, "key again the same day: no news")

    def test_company_created_with_her_as_contact_and_new_people_imported(self):
        """A salesperson creates the company Ella moved to, with her in its contacts tab (a
        one2many command inside the create): Velo loses her and the new company is scored
        with her at once; 500 new people imported under Velo in one create (unscored) change
        no score and cost no query per person."""
        before = self.ella_becomes_key()
        rad = self.Partner.with_user(self.seller).create(
            {"name": "Rad Neu GmbH", "is_company": True, "company_id": self.score_company.id,
             "child_ids": [(4, self.ella.id)]}
        )
        self.env.invalidate_all()
        self.assertEqual(self.ella.parent_id, rad)
        self.assertEqual(self.row(rad).strongest_partner_id, self.ella)
        self.assertTrue(rad.social_is_key_account)
        row = self.row(self.velo)
        self.assertLessEqual(row.score, before)
        self.assertEqual(row.people_count, 0 if not row.strongest_partner_id else 1)
        self.assertFalse(self.lead.social_is_key_account)
        vals = [{"name": f"Import {i}", "parent_id": self.velo.id,
                 "company_id": self.score_company.id} for i in range(500)]
        velo_row = (row.score, row.people_count)
        self.env.flush_all()
        queries = self.env.cr.sql_log_count
        self.Partner.create(vals)
        self.env.flush_all()
        self.assertLess(self.env.cr.sql_log_count - queries, 500)
        self.env.invalidate_all()
        row = self.row(self.velo)
        self.assertEqual((row.score, row.people_count), velo_row)

    def test_two_customer_companies_merged_people_follow(self):
        """Velo (Ella, key by score) is merged into its duplicate Rad AG (kept): Velo's row
        goes, Rad AG is scored with Ella at once and its salesperson is told; Velo's lead
        is Rad AG's now and shows the key account."""
        self.ella_becomes_key()
        rad = self.Partner.create(
            {"name": "Rad AG", "is_company": True, "company_id": self.score_company.id}
        )
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (self.velo | rad).ids)], "dst_partner_id": rad.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(self.velo.exists())
        self.assertEqual(self.ella.commercial_partner_id, rad)
        self.assertEqual(self.row(rad).strongest_partner_id, self.ella)
        self.assertFalse(self.Account.search([("partner_id", "=", self.velo.id)]))
        self.assertEqual(self.lead.partner_id, rad)
        self.assertTrue(self.lead.social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1, "key before and after: one to-do")


@tagged("post_install", "-at_install")
class TestAccountProbeRevenue(AccountDayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.score_company.write(
            {"social_key_account_min_score": 0, "social_key_account_min_revenue": 50000}
        )
        cls.lead.expected_revenue = 10000
        cls.rad_customer("probe_rad_seller", "Rad AG: fleet")
        cls.rad_lead.expected_revenue = 45000

    def test_two_companies_merged_revenue_reaches_threshold(self):
        """Rad AG turns out to be Velo's duplicate: merged into Velo by the merge wizard, its
        45,000 opportunity is Velo's now: Velo (10,000 before) is key by revenue the same
        minute and the salespeople of its open leads are told once."""
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, (self.velo | self.rad).ids)], "dst_partner_id": self.velo.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(self.rad.exists())
        self.assertEqual(self.rad_lead.partner_id, self.velo)
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        self.assertEqual(len(self.todos(self.rad_lead)), 1)
        self.assertIn("55,000", str(self.todos(self.lead).note))

    # --- opportunities from the CRM's other paths ---------------------------------------------
    def test_mail_gateway_lead_with_alias_revenue(self):
        """An e-mail from Ella opens an opportunity through the mail gateway (an alias whose
        defaults give 45,000): Velo is key by revenue at once; the new lead, without
        salesperson, gets no to-do; the existing lead's salesperson gets one."""
        lead = self.Lead.message_new(
            {"subject": "Angebot Wartung", "from": "ella@velo.example",
             "email_from": "ella@velo.example", "author_id": self.ella.id,
             "body": "<p>Bitte um Angebot</p>", "to": "sales@example.org"},
            custom_values={"type": "opportunity", "expected_revenue": 45000,
                           "company_id": self.score_company.id},
        )
        self.env.invalidate_all()
        self.assertEqual(lead.partner_id, self.ella)
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        self.assertFalse(self.todos(lead).filtered(
            lambda a: a.summary == "Customer became a key account"))

    def test_lead_converted_to_opportunity_then_revalued(self):
        """A lead of 45,000 for Ella does not count; converted to an opportunity by the
        conversion wizard it does, at once (one to-do); the salesperson re-values it twice:
        no second to-do."""
        lead = self.Lead.create(
            {"name": "Velo: Anfrage", "type": "lead", "partner_id": self.ella.id,
             "expected_revenue": 45000, "user_id": self.rad_seller.id,
             "company_id": self.score_company.id}
        )
        self.env.invalidate_all()
        self.assertFalse(self.lead.with_user(self.seller).social_is_key_account)
        self.assertFalse(self.todos(self.lead))
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
            .create({"name": "convert", "action": "exist", "partner_id": self.ella.id})
        )
        wizard.action_apply()
        self.env.invalidate_all()
        self.assertEqual(lead.type, "opportunity")
        self.assertTrue(self.lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(self.lead)), 1)
        lead.with_user(self.rad_seller).write({"expected_revenue": 46000})
        lead.with_user(self.rad_seller).write({"expected_revenue": 47000})
        self.assertEqual(len(self.todos(self.lead)), 1)
        self.assertEqual(len(self.todos(lead).filtered(
            lambda a: a.summary == "Customer became a key account")), 1)

    def test_lead_without_company_or_partner(self):
        """An opportunity without company (of a customer shared by the companies) counts in
        every company, as the badge reads it; one without customer changes nothing."""
        self.Lead.create({"name": "no customer", "type": "opportunity",
                          "expected_revenue": 90000, "company_id": False})
        self.assertFalse(self.todos(self.lead))
        tandem = self.Partner.create({"name": "Tandem KG", "is_company": True})
        kai = self.Partner.create({"name": "Kai Kauf", "parent_id": tandem.id})
        tandem_lead = self.Lead.create(
            {"name": "Tandem: parts", "type": "opportunity", "partner_id": tandem.id,
             "user_id": self.seller.id, "company_id": self.score_company.id,
             "expected_revenue": 10000}
        )
        no_company = self.Lead.create(
            {"name": "Tandem, no company", "type": "opportunity", "partner_id": kai.id,
             "expected_revenue": 45000, "company_id": False}
        )
        self.env.invalidate_all()
        self.assertFalse(no_company.company_id)
        self.assertTrue(tandem_lead.with_user(self.seller).social_is_key_account)
        self.assertEqual(len(self.todos(tandem_lead)), 1)
        self.assertFalse(self.todos(self.lead))
        # written without company (moved out of its company): counted in every company
        no_company.write({"expected_revenue": 0})
        tandem_lead.activity_ids.unlink()
        other = self.Lead.create(
            {"name": "Tandem: more parts", "type": "opportunity", "partner_id": kai.id,
             "expected_revenue": 45000, "company_id": self.score_company.id}
        )
        self.assertEqual(len(self.todos(tandem_lead)), 1)
        self.assertEqual(len(self.todos(other)), 0, "no salesperson: nobody to tell")
        other.write({"expected_revenue": 0})
        tandem_lead.activity_ids.unlink()
        (other | no_company).write({"expected_revenue": 45000})
        self.assertEqual(len(self.todos(tandem_lead)), 1, "a batch with a lead without company")
