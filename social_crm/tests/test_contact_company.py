# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Multi-company privacy of the contacts listening creates: a contact made for a source's
author is the source's company's (another company's users never read its name or imported
bio); a person writing to two companies gets a contact in each; a shared contact (without
company) a user made and linked stays matched by every company's listening. The upgrade
gives the contacts made before the company of their identities."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialCrmCase

PARTNER_LOG = "odoo.addons.social_crm.models.res_partner"


@tagged("post_install", "-at_install")
class TestListeningContactCompany(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Identity = cls.env["social.crm.identity"]
        cls.source_a = cls.env["social.crm.source"].create(
            {"name": "X search A", "network_id": cls.x.id, "kind": "search", "query": "acme"}
        )
        cls.source_b = cls.env["social.crm.source"].create(
            {"name": "X search B", "network_id": cls.x.id, "kind": "search", "query": "acme",
             "company_id": cls.other_company.id}
        )

    def _identity(self, ext, company):
        return self.Identity.sudo().search(
            [("external_id", "=", ext), ("company_id", "=", company.id)])

    def test_company_b_never_reads_company_a_s_critic(self):
        """Probe: company A's listening made a contact for its critic (name, bio as notes)
        without company: company B's agent found and read it (Contacts, search, JSON-RPC)."""
        critic = self.make_author("7301", "kritikerin", "Karla Kritisch", followers_count=900,
                                  bio="Ich teste Versandhändler. Privat: Lindenweg 4")
        self.Post._ingest_posts([self.make_post("cc1", critic, text="@acme unverschämt")],
                                self.source_a)
        contact = self._identity("7301", self.company).partner_id
        self.assertTrue(contact.social_origin)
        self.assertEqual(contact.company_id, self.company)
        # company A's users read it
        contact.with_user(self.user).check_access("read")
        self.assertEqual(contact.with_user(self.user).name, "Karla Kritisch")
        # company B's never: not by id, not by search
        as_b = contact.with_user(self.other_user)
        with self.assertRaises(AccessError):
            as_b.check_access("read")
        with self.assertRaises(AccessError):
            as_b.read(["name", "comment"])
        Partner_b = self.env["res.partner"].with_user(self.other_user)
        self.assertFalse(Partner_b.search([("name", "ilike", "Kritisch")]))
        self.assertFalse(Partner_b.search([("comment", "ilike", "Lindenweg")]))

    def test_a_person_writing_to_both_companies_gets_a_contact_in_each(self):
        author = self.make_author("7302", "beide", "Bea Beide", followers_count=40,
                                  bio="Kundin bei beiden")
        self.Post._ingest_posts([self.make_post("cc2", author)], self.source_a)
        self.Post._ingest_posts([self.make_post("cc3", author)], self.source_b)
        identity_a = self._identity("7302", self.company)
        identity_b = self._identity("7302", self.other_company)
        self.assertEqual(identity_a.partner_id.company_id, self.company)
        self.assertEqual(identity_b.partner_id.company_id, self.other_company)
        self.assertNotEqual(identity_a.partner_id, identity_b.partner_id)
        self.assertEqual(identity_b.partner_id.name, "Bea Beide")
        self.assertFalse(self.env["social.crm.match.suggestion"].sudo().search(
            [("author_external_id", "=", "7302")]), "a new contact, no suggestion")
        # each company reads its own contact, with its post, and not the other's
        Partner_b = self.env["res.partner"].with_user(self.other_user)
        self.assertEqual(Partner_b.search([("name", "=", "Bea Beide")]), identity_b.partner_id)
        posts_b = self.Post.with_user(self.other_user).search(
            [("partner_id", "=", identity_b.partner_id.id)])
        self.assertEqual(posts_b.mapped("external_id"), ["cc3"])
        # B's next post stays on B's contact
        self.Post._ingest_posts([self.make_post("cc4", author)], self.source_b)
        self.assertEqual(
            self.Post.sudo().search([("external_id", "=", "cc4")]).partner_id,
            identity_b.partner_id)

    def test_a_shared_contact_a_user_linked_stays_matched_by_both(self):
        """A user made a contact without company and linked company A's identity to it: B's
        listening of the same account links B's identity to it, as before."""
        shared = self.env["res.partner"].create({"name": "Gerd Geteilt"})
        self.assertFalse(shared.company_id)
        self.Identity.create({"partner_id": shared.id, "network_id": self.x.id,
                              "handle": "gerd_geteilt", "external_id": "7303"})
        author = self.make_author("7303", "gerd_geteilt", "Gerd G.")
        self.Post._ingest_posts([self.make_post("cc5", author)], self.source_a)
        result = self.Post._ingest_posts([self.make_post("cc6", author)], self.source_b)
        self.assertEqual(result.new_contacts, 0)
        self.assertEqual(self._identity("7303", self.other_company).partner_id, shared)
        self.assertFalse(shared.company_id)
        # B's user reads it and B's post on it
        self.assertEqual(
            self.Post.with_user(self.other_user).search([("partner_id", "=", shared.id)])
            .mapped("external_id"), ["cc6"])

    def test_a_shared_contact_is_still_suggested_to_both(self):
        """A shared contact (no company) is still a candidate for both companies' authors with
        a similar name; confirming in B links B's identity to it."""
        author = self.make_author("7304", "p_vogel", "Petra Vogel")
        self.Post._ingest_posts([self.make_post("cc7", author)], self.source_b)
        suggestion = self.env["social.crm.match.suggestion"].sudo().search(
            [("author_external_id", "=", "7304")])
        self.assertEqual(suggestion.partner_id, self.partner)
        self.assertEqual(suggestion.company_id, self.other_company)
        suggestion.with_user(self.other_user).action_confirm()
        self.assertEqual(self._identity("7304", self.other_company).partner_id, self.partner)

    def test_upgrade_gives_old_listening_contacts_their_company(self):
        """19.0.1.7.1: the contacts listening made without company (before) get the company
        of their identities when all are one company's; those of several companies stay
        shared and are named in the log; a user's contact without company stays shared."""
        Partner = self.env["res.partner"]
        only_a, only_b, both, by_user, erased = Partner.create([
            {"name": "Alt A", "social_origin": True},
            {"name": "Alt B", "social_origin": True},
            {"name": "Alt Beide", "social_origin": True},
            {"name": "Von Hand"},
            {"name": "Gelöscht", "social_origin": True},
        ])
        self.Identity.create([
            {"partner_id": only_a.id, "network_id": self.x.id, "external_id": "8001",
             "handle": "alt_a"},
            {"partner_id": only_b.id, "network_id": self.x.id, "external_id": "8003",
             "company_id": self.other_company.id, "handle": "alt_b"},
            {"partner_id": both.id, "network_id": self.x.id, "external_id": "8004",
             "handle": "alt_beide"},
            {"partner_id": both.id, "network_id": self.x.id, "external_id": "8004",
             "company_id": self.other_company.id, "handle": "alt_beide"},
            {"partner_id": by_user.id, "network_id": self.x.id, "external_id": "8005",
             "handle": "von_hand"},
        ])
        # a suggestion of B about A's contact keeps it shared (B's reviewer reads it)
        suggested = Partner.create({"name": "Alt Vorgeschlagen", "social_origin": True})
        self.Identity.create({"partner_id": suggested.id, "network_id": self.x.id,
                              "external_id": "8006", "handle": "alt_vorschlag"})
        self.env["social.crm.match.suggestion"].sudo().create({
            "company_id": self.other_company.id, "network_id": self.x.id,
            "author_external_id": "8106", "partner_id": suggested.id})
        with self.assertLogs(PARTNER_LOG, "WARNING") as logs:
            moved, shared = Partner._social_give_listening_contacts_their_company(batch=2)
        self.assertEqual(only_a.company_id, self.company)
        self.assertEqual(only_b.company_id, self.other_company)
        self.assertFalse(both.company_id)
        self.assertFalse(suggested.company_id)
        self.assertFalse(by_user.company_id, "a user's contact stays shared")
        self.assertFalse(erased.company_id, "no identity: left as it is")
        self.assertGreaterEqual(moved, 2)
        self.assertIn(both.id, shared)
        self.assertIn(suggested.id, shared)
        self.assertIn(str(both.id), "\n".join(logs.output))
        with self.assertRaises(AccessError):
            only_a.with_user(self.other_user).check_access("read")
        only_b.with_user(self.other_user).check_access("read")
        both.with_user(self.other_user).check_access("read")
        # run again (idempotent): nothing left to move
        with mute_logger(PARTNER_LOG):
            moved_again, _shared = Partner._social_give_listening_contacts_their_company()
        self.assertEqual(moved_again, 0)


    def test_upgrade_keeps_shared_a_contact_another_company_s_ticket_or_lead_uses(self):
        """The 19.0.1.7.1 upgrade counted identities, match suggestions and posts only: a
        contact listening made for company A, which company B's agent had given B's ticket
        (or B's salesperson B's lead) while it was shared, became A's: B's users no longer
        read the customer of their own ticket or lead. Such a contact stays shared (named
        in the log); one given a company before is shared again by the next upgrade step;
        A's own ticket does not keep a contact shared."""
        if "helpdesk.ticket" not in self.env or "crm.lead" not in self.env:
            self.skipTest("needs helpdesk_mgmt and crm")
        Partner = self.env["res.partner"]
        ticketed, led, own, given = Partner.create([
            {"name": "Alt Ticket", "social_origin": True},
            {"name": "Alt Lead", "social_origin": True},
            {"name": "Alt Eigenes", "social_origin": True},
            # given company A by 19.0.1.7.1 as it was
            {"name": "Alt Vergeben", "social_origin": True, "company_id": self.company.id},
        ])
        self.Identity.create([
            {"partner_id": partner.id, "network_id": self.x.id, "external_id": ext,
             "handle": f"alt_{ext}"}
            for partner, ext in ((ticketed, "8011"), (led, "8012"), (own, "8013"),
                                 (given, "8014"))
        ])
        Ticket = self.env["helpdesk.ticket"].sudo()
        Ticket.create([
            {"name": "B's ticket", "description": "x", "partner_id": ticketed.id,
             "company_id": self.other_company.id},
            {"name": "A's ticket", "description": "x", "partner_id": own.id,
             "company_id": self.company.id},
            {"name": "B's ticket", "description": "x", "partner_id": given.id,
             "company_id": self.other_company.id},
        ])
        self.env["crm.lead"].sudo().create({
            "name": "B's lead", "partner_id": led.id, "company_id": self.other_company.id})
        with self.assertLogs(PARTNER_LOG, "WARNING") as logs:
            _moved, shared = Partner._social_give_listening_contacts_their_company()
        self.assertFalse(ticketed.company_id)
        self.assertFalse(led.company_id)
        self.assertEqual(own.company_id, self.company)
        self.assertEqual(given.company_id, self.company, "not this step's")
        self.assertIn(ticketed.id, shared)
        self.assertIn(led.id, shared)
        self.assertIn("tickets or leads", "\n".join(logs.output))
        ticketed.with_user(self.other_user).check_access("read")
        led.with_user(self.other_user).check_access("read")
        # the next step: the contact given A before is shared again, A's own stays A's
        with self.assertLogs(PARTNER_LOG, "WARNING") as logs:
            again = Partner._social_share_listening_contacts_held_elsewhere()
        self.assertEqual(again, [given.id])
        self.assertFalse(given.company_id)
        self.assertEqual(own.company_id, self.company)
        self.assertIn(str(given.id), "\n".join(logs.output))
        given.with_user(self.other_user).check_access("read")
        self.assertEqual(Partner._social_share_listening_contacts_held_elsewhere(), [])

@tagged("post_install", "-at_install")
class TestMergeAcrossCompanies(SocialCrmCase):
    """Odoo 19's contact merge checks e-mails, parents and users, not companies: the
    administrator merged company A's critic (made by A's listening, with A's identity) into a
    company B contact, whose users then read A's critic, posts and identity."""

    _identity = TestListeningContactCompany._identity

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Post = cls.env["social.crm.post"]
        cls.Identity = cls.env["social.crm.identity"]
        cls.source_a = cls.env["social.crm.source"].create(
            {"name": "X search A", "network_id": cls.x.id, "kind": "search", "query": "acme"}
        )
        cls.source_b = cls.env["social.crm.source"].create(
            {"name": "X search B", "network_id": cls.x.id, "kind": "search", "query": "acme",
             "company_id": cls.other_company.id}
        )

    def merge(self, partners, dst):
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, partners.ids)], "dst_partner_id": dst.id})
        return wizard.action_merge()

    def test_a_company_a_critic_is_not_merged_into_a_company_b_contact(self):
        critic = self.make_author("7311", "kritiker_m", "Moritz Kritisch", followers_count=90)
        self.Post._ingest_posts([self.make_post("cm1", critic)], self.source_a)
        contact_a = self._identity("7311", self.company).partner_id
        contact_b = self.env["res.partner"].create(
            {"name": "Moritz Kritisch", "company_id": self.other_company.id})
        with self.assertRaisesRegex(UserError, "different companies"):
            self.merge(contact_a | contact_b, contact_b)
        self.assertTrue(contact_a.exists())
        self.assertEqual(self._identity("7311", self.company).partner_id, contact_a)
        # the same person's contact in each company (each with its identity): refused too
        both = self.make_author("7313", "beide_m", "Mia Beide", followers_count=40)
        self.Post._ingest_posts([self.make_post("cm4", both)], self.source_a)
        self.Post._ingest_posts([self.make_post("cm5", both)], self.source_b)
        mia_a = self._identity("7313", self.company).partner_id
        mia_b = self._identity("7313", self.other_company).partner_id
        self.assertTrue(mia_a and mia_b and mia_a != mia_b)
        with self.assertRaisesRegex(UserError, "different companies"):
            self.merge(mia_a | mia_b, mia_a)
        self.assertTrue(mia_b.exists())

    def test_contacts_of_one_company_still_merge(self):
        critic = self.make_author("7312", "kritiker_n", "Nora Kritisch", followers_count=90)
        self.Post._ingest_posts([self.make_post("cm3", critic)], self.source_a)
        contact_a = self._identity("7312", self.company).partner_id
        typed = self.env["res.partner"].create(
            {"name": "Nora Kritisch", "company_id": self.company.id})
        shared = self.env["res.partner"].create({"name": "Nora K."})  # no company
        self.merge(contact_a | typed | shared, typed)
        self.assertFalse(contact_a.exists())
        self.assertEqual(self._identity("7312", self.company).partner_id, typed)

    def test_the_refusal_reads_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["de_DE"])
        critic = self.make_author("7314", "kritiker_o", "Olga Kritisch", followers_count=90)
        self.Post._ingest_posts([self.make_post("cm6", critic)], self.source_a)
        contact_a = self._identity("7314", self.company).partner_id
        contact_b = self.env["res.partner"].create(
            {"name": "Olga K.", "company_id": self.other_company.id})
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(
            lang="de_DE").create({"partner_ids": [(6, 0, (contact_a | contact_b).ids)],
                                  "dst_partner_id": contact_b.id})
        with self.assertRaisesRegex(UserError, "Führen Sie nur Kontakte eines Unternehmens"):
            wizard.action_merge()


@tagged("post_install", "-at_install")
class TestDemoContactsCompany(SocialCrmCase):
    """The demo's listened contacts (with the demo's identities, or matched by the replayed
    authors' names) were demo records without company: a second company's users read the
    demo company's critics and influencers (name, e-mail, phone)."""

    def test_the_demo_s_listened_contacts_are_the_demo_company_s(self):
        if not self.env["ir.module.module"].search_count(
                [("name", "=", "social_crm"), ("demo", "=", True)]):
            self.skipTest("installed without demo data")
        identities = self.env["social.crm.identity"].sudo().with_context(
            active_test=False).search([("partner_id", "!=", False)])
        demo = identities.filtered(lambda i: i.get_external_id().get(i.id, "").split(".")[
            -1].startswith("identity_demo_"))
        self.assertTrue(demo)
        for identity in demo:
            self.assertEqual(identity.partner_id.company_id, identity.company_id,
                             identity.partner_id.name)
        # the replayed authors the demo matches by name (Tom Krause, Emily Brooks)
        names = self.env.ref("social_crm.partner_demo_tom") | self.env.ref(
            "social_crm.partner_demo_emily")
        contacts = demo.partner_id | names
        self.assertEqual(contacts.company_id, self.env.ref("base.main_company"))
        self.assertFalse(self.env["res.partner"].with_user(self.other_user).search(
            [("id", "in", contacts.ids)]))
