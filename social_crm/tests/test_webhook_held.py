# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Items of a push source whose *Our Account ID* differs from the id the network sends (a
mistyped id, a page name kept from before the routing): kept in quarantine, named on the
form, and stored by “Use this account ID”, when nothing says they could be another
company's; dropped as before when the app is shared with another company or the company has
several push sources of the network."""

import json
import logging

from odoo.addons.social_crm.connectors import signatures
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_intake_webhook import APP_SECRET, CONSUMER_SECRET, PAGE_ID, meta_comment, x_activity

INTAKE_LOG = "odoo.addons.social_crm.models.social_crm_source_intake"
X_USER = "1440000000000000000"
PAGE_B = "202030405060"


def comment_on(page, number, message="Paket kaputt"):
    """A Meta feed change for a comment on ``page``'s post (``entry[].id``: the page)."""
    payload = meta_comment(comment_id=f"{page}_{number}", message=message)
    entry = payload["entry"][0]
    entry["id"] = page
    value = entry["changes"][0]["value"]
    value["post"]["id"] = value["post_id"] = value["parent_id"] = f"{page}_777"
    return payload


class HeldCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Gamma Shop GmbH"})
        cls.env.user.company_ids |= cls.company
        Source = cls.env["social.crm.source"].with_company(cls.company)
        cls.page = Source.create({
            "name": "Gamma page (push)", "company_id": cls.company.id,
            "network_id": cls.env.ref("social_crm.network_facebook").id, "kind": "page",
            # one digit too many: the page's id is PAGE_ID
            "account_id": PAGE_ID + "0", "intake_mode": "push", "app_secret": APP_SECRET,
        })
        cls.x_source = Source.create({
            "name": "Gamma X (push)", "company_id": cls.company.id,
            "network_id": cls.env.ref("social_crm.network_x").id, "kind": "mentions",
            # the username, not the user id X sends (for_user_id)
            "account_id": "gamma_support", "intake_mode": "push",
            "api_secret": CONSUMER_SECRET,
        })
        cls.Event = cls.env["social.crm.event"]
        cls.Post = cls.env["social.crm.post"].with_context(active_test=False)

    def _deliver_meta(self, payload, source=None):
        body = json.dumps(payload).encode()
        with mute_logger(INTAKE_LOG):
            response = self.url_open(
                f"/social_crm/webhook/{(source or self.page).webhook_token}", data=body,
                headers={"Content-Type": "application/json",
                         "X-Hub-Signature-256": signatures.meta_signature(APP_SECRET, body)})
        self.assertEqual((response.status_code, response.text), (200, "OK"))

    def _deliver_x(self, payload, source=None):
        body = json.dumps(payload).encode()
        with mute_logger(INTAKE_LOG):
            response = self.url_open(
                f"/social_crm/webhook/{(source or self.x_source).webhook_token}", data=body,
                headers={"Content-Type": "application/json",
                         "x-twitter-webhooks-signature":
                             signatures.x_signature(CONSUMER_SECRET, body)})
        self.assertEqual((response.status_code, response.text), (200, "OK"))

    def _events(self, source):
        return self.Event.search([("source_id", "=", source.id)])

    def _process_new(self, source):
        """What the cron "Process received events" does with the source's new events."""
        self.Event.search([("source_id", "=", source.id), ("state", "=", "new")])._process()


@tagged("post_install", "-at_install")
class TestWebhookHeldAccount(HeldCase):

    def test_items_for_a_mistyped_account_are_kept_and_stored_by_use_this_account_id(self):
        """Probe: the company's one Facebook push source had a mistyped Our Account ID; every
        comment on its page was dropped (the form said "refused"), lost for good. Now they
        are kept, the form names the page id Meta sent, and “Use this account ID” stores
        them."""
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9701", message="Kaputt!"))
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9702", message="Wo bleibt es?"))
        # Meta retries a delivery: kept once
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9702", message="Wo bleibt es?"))
        events = self._events(self.page)
        self.assertEqual(len(events), 2, "kept, not dropped")
        self.assertEqual(set(events.mapped("state")), {"quarantined"})
        self.assertEqual(set(events.mapped("held_account")), {PAGE_ID})
        self.assertEqual(events.company_id, self.company)
        self.assertIn(f"account {PAGE_ID}", events[0].error)
        self.page.invalidate_recordset()
        self.assertEqual((self.page.held_account_id, self.page.held_event_count), (PAGE_ID, 2))
        self.assertFalse(self.page.refused_count, "nothing refused: kept")
        self.assertFalse(self.page.event_failed_count, "said by its own message")
        self._process_new(self.page)
        self.assertFalse(self.Post.search([("source_id", "=", self.page.id)]),
                         "not stored before the manager says it is the source's account")

        action = self.page.action_use_held_account()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.page.account_id, PAGE_ID)
        self.assertEqual(set(events.mapped("state")), {"new"})
        self._process_new(self.page)
        self.assertEqual(set(events.mapped("state")), {"done"})
        posts = self.Post.search([("source_id", "=", self.page.id)])
        self.assertEqual(sorted(posts.mapped("external_id")),
                         [f"{PAGE_ID}_9701", f"{PAGE_ID}_9702"])
        self.assertEqual(posts.company_id, self.company)
        self.page.invalidate_recordset()
        self.assertEqual((self.page.held_account_id, self.page.held_event_count), (False, 0))
        # the next delivery is the source's own
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9703"))
        self.assertEqual(self._events(self.page).filtered(
            lambda e: e.state == "new").mapped("held_account"), [False])

    def test_an_x_user_id_never_entered_keeps_the_mentions(self):
        """X: Our Account ID holds the username, X sends the user id (``for_user_id``)."""
        self._deliver_x(x_activity("1865000000000000901"))
        event = self._events(self.x_source)
        self.assertEqual((event.state, event.held_account), ("quarantined", X_USER))
        self.x_source.action_use_held_account()
        self.assertEqual(self.x_source.account_id, X_USER)
        self._process_new(self.x_source)
        self.assertEqual(event.state, "done")
        self.assertTrue(self.Post.search([("external_id", "=", "1865000000000000901"),
                                          ("company_id", "=", self.company.id)]))

    def test_use_this_account_id_refuses_an_account_another_source_has(self):
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9711"))
        self.assertEqual(self._events(self.page).held_account, PAGE_ID)
        other = self.env["res.company"].create({"name": "Delta AG"})
        self.env["social.crm.source"].with_company(other).create({
            "name": "Delta page (other app)", "company_id": other.id,
            "network_id": self.page.network_id.id, "kind": "page", "account_id": PAGE_ID,
            "intake_mode": "push", "app_secret": "another-app"})
        with self.assertRaises(UserError):
            self.page.action_use_held_account()
        self.assertEqual(self.page.account_id, PAGE_ID + "0")
        self.assertEqual(self._events(self.page).state, "quarantined")

    def test_an_app_shared_with_another_company_still_drops(self):
        """Another company's source uses the same app (even archived): the item may be that
        company's page, so it is neither kept here nor stored with that company's source
        (whose account is not the one sent either)."""
        other = self.env["res.company"].create({"name": "Delta AG"})
        delta = self.env["social.crm.source"].with_company(other).create({
            "name": "Delta page", "company_id": other.id,
            "network_id": self.page.network_id.id, "kind": "page",
            "account_id": "303030303030", "intake_mode": "push", "app_secret": APP_SECRET,
            "active": False})
        with self.assertLogs(INTAKE_LOG, logging.INFO) as logs:
            body = json.dumps(meta_comment(comment_id=f"{PAGE_ID}_9721")).encode()
            self.url_open(f"/social_crm/webhook/{self.page.webhook_token}", data=body,
                          headers={"Content-Type": "application/json",
                                   "X-Hub-Signature-256":
                                       signatures.meta_signature(APP_SECRET, body)})
        self.assertTrue(any(f"for account {PAGE_ID} dropped" in line for line in logs.output))
        self.assertFalse(self._events(self.page))
        self.assertFalse(self._events(delta))
        self.page.invalidate_recordset()
        self.assertEqual(self.page.refused_count, 1)
        self.assertFalse(self.page.held_event_count)

    def test_a_second_push_source_of_the_company_still_drops(self):
        """Two pages of the company: the item may be the other's (its id mistyped too); the
        button could not say which source it is."""
        self.env["social.crm.source"].with_company(self.company).create({
            "name": "Gamma second page", "company_id": self.company.id,
            "network_id": self.page.network_id.id, "kind": "page",
            "account_id": "404040404040", "intake_mode": "push", "app_secret": APP_SECRET})
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9731"))
        self.assertFalse(self._events(self.page))
        self.page.invalidate_recordset()
        self.assertEqual(self.page.refused_count, 1)

    def test_an_account_of_the_app_on_another_network_still_drops(self):
        """The company's Instagram account on the same Meta app, delivered at the page's
        address: not the page's mistyped id (the button would make the page take it)."""
        self.env["social.crm.source"].with_company(self.company).create({
            "name": "Gamma Instagram", "company_id": self.company.id,
            "network_id": self.env.ref("social_crm.network_instagram").id, "kind": "page",
            "account_id": PAGE_ID, "intake_mode": "push", "app_secret": APP_SECRET})
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9741"))
        self.assertFalse(self._events(self.page))
        self.page.invalidate_recordset()
        self.assertEqual(self.page.refused_count, 1)


@tagged("post_install", "-at_install")
class TestWebhookEmptyAccountSharedApp(HeldCase):
    """A push source with an empty Our Account ID takes the items of its app that no other
    source takes: right for a company alone on its app, but with another company's source
    on the same app it stored that company's comments (of a page it has no source for, or
    whose source is archived or mistyped) in this company."""

    def _delta(self, account=PAGE_B, **vals):
        other = self.env["res.company"].create({"name": "Delta AG"})
        return self.env["social.crm.source"].with_company(other).create({
            "name": "Delta page", "company_id": other.id,
            "network_id": self.page.network_id.id, "kind": "page", "account_id": account,
            "intake_mode": "push", "app_secret": APP_SECRET, **vals})

    def test_alone_on_its_app_an_empty_account_id_still_takes_the_items(self):
        self.page.account_id = False
        self._deliver_meta(comment_on("505050505050", 9751))
        event = self._events(self.page)
        self.assertEqual((event.state, event.held_account), ("new", False))
        self._process_new(self.page)
        self.assertEqual(self.Post.search([("external_id", "=", "505050505050_9751")]).company_id,
                         self.company)

    def test_another_company_s_items_are_kept_not_stored_here(self):
        """Probe: company Gamma's page source saved with an empty Our Account ID (alone on
        the app then); company Delta joins the app with its page. A comment on another
        page of Delta's (no source yet), delivered at Gamma's address, became Gamma's post
        (its contact, its ticket). Now it is kept in quarantine on Gamma's source, never
        stored; Delta's configured page still gets its own."""
        self.page.account_id = False
        delta = self._delta()
        self._deliver_meta(comment_on("505050505050", 9752, "Delta: Rechnung falsch"))
        self._deliver_meta(comment_on(PAGE_B, 9753, "Delta: Paket kaputt"))
        event = self._events(self.page)
        self.assertEqual((event.state, event.held_account), ("quarantined", "505050505050"))
        self.assertIn("Our Account ID (-)", event.error)
        self.assertEqual((len(self._events(delta)), self._events(delta).company_id),
                         (1, delta.company_id))
        self._process_new(self.page)
        self._process_new(delta)
        self.assertFalse(self.Post.search([("external_id", "=", "505050505050_9752")]),
                         "not stored in Gamma (nor anywhere) before a manager says whose")
        self.assertEqual(self.Post.search([("external_id", "=", f"{PAGE_B}_9753")]).company_id,
                         delta.company_id)
        self.page.invalidate_recordset()
        self.assertEqual((self.page.held_account_id, self.page.held_event_count),
                         ("505050505050", 1))

    def test_items_kept_on_a_shared_app_are_marked_without_naming_the_other_source(self):
        """Items kept on an app another company's push source has carried nothing that said
        they may be that company's: a manager took them with “Use this account ID” as a
        mistyped id of their own. Now each is marked (list, form, filter), its message says
        so, and neither names the other company's source nor the company."""
        self.page.account_id = False
        delta = self._delta(name="Delta Kundenseite")
        self._deliver_meta(comment_on("505050505050", 9756, "Delta: Rechnung falsch"))
        event = self._events(self.page)
        self.assertEqual((event.state, event.held_shared_app), ("quarantined", True))
        self.assertIn("another company uses the same app", event.error)
        for name in (delta.name, delta.company_id.name, PAGE_B):
            self.assertNotIn(name, event.error)
        manager = new_test_user(
            self.env, login="gamma_held_manager",
            groups="base.group_user,social_crm.group_social_crm_manager",
            company_id=self.company.id, company_ids=[(6, 0, self.company.ids)])
        Event = self.Event.with_user(manager).with_company(self.company)
        self.assertEqual(Event.search([("held_shared_app", "=", True)]), event)
        self.assertTrue(Event.browse(event.id).held_shared_app)
        views = Event.get_views([(False, "list"), (False, "form"), (False, "search")])["views"]
        self.assertIn('name="held_shared_app"', views["list"]["arch"])
        self.assertIn('name="held_shared_app_alert"', views["form"]["arch"])
        self.assertIn('name="filter_held_shared_app"', views["search"]["arch"])
        # processed again (the manager took the account): no longer marked
        event.action_retry()
        self.assertFalse(event.held_shared_app)

    def test_the_source_form_says_kept_items_may_be_another_company_s(self):
        """The source's “Kept in quarantine” alert offered “Use this account ID” without
        saying that the items may be another company's (only the Received Events did): it
        says so now, with how many, never naming the other company or its source."""
        self.page.account_id = False
        delta = self._delta(name="Delta Kundenseite")
        self._deliver_meta(comment_on("505050505050", 9759, "Delta: Rechnung falsch"))
        self._deliver_meta(comment_on("505050505050", 9760, "Delta: Paket kaputt"))
        self.page.invalidate_recordset()
        self.assertEqual((self.page.held_event_count, self.page.held_shared_count), (2, 2))
        form = self.env["social.crm.source"].get_views([(False, "form")])["views"]["form"]
        arch = form["arch"]
        self.assertIn('name="held_shared_app_note"', arch)
        note = arch[arch.index('name="held_shared_app_note"'):]
        note = note[:note.index("</p>")]
        self.assertIn("another company", note)
        for name in (delta.name, delta.company_id.name, PAGE_B):
            self.assertNotIn(name, note)
        # alone on its app: the items kept are not said to be another company's
        self._deliver_x(x_activity("1865000000000000903"))
        self.x_source.invalidate_recordset()
        self.assertEqual(self.x_source.held_event_count, 1)
        self.assertEqual(self.x_source.held_shared_count, 0)

    def test_upgrade_marks_the_items_kept_before_on_a_shared_app(self):
        """19.0.1.7.1: items kept before the marker existed, on an app another company's
        source has, are marked; those of a company alone on its app are not."""
        self.page.account_id = False
        self._delta()
        self._deliver_meta(comment_on("505050505050", 9758))
        self._deliver_x(x_activity("1865000000000000902"))
        shared, alone = self._events(self.page), self._events(self.x_source)
        (shared | alone).write({"held_shared_app": False})  # as stored before
        self.assertEqual(self.Event._mark_held_on_shared_apps(), 1)
        self.assertEqual((shared.held_shared_app, alone.held_shared_app), (True, False))
        self.assertEqual(self.Event._mark_held_on_shared_apps(), 0)

    def test_items_kept_for_a_company_alone_on_its_app_are_not_marked(self):
        self._deliver_meta(meta_comment(comment_id=f"{PAGE_ID}_9757"))
        event = self._events(self.page)
        self.assertEqual((event.state, event.held_shared_app), ("quarantined", False))
        self.assertNotIn("another company", event.error)

    def test_an_archived_source_of_another_company_on_the_app_also_keeps_them(self):
        self.page.account_id = False
        self._delta(active=False)
        self._deliver_meta(comment_on(PAGE_B, 9754))
        self.assertEqual(self._events(self.page).state, "quarantined")
        self.assertTrue(self._events(self.page).held_shared_app)

    def test_an_empty_account_id_is_refused_on_save_when_the_app_is_shared(self):
        delta = self._delta()
        with self.assertRaisesRegex(ValidationError, "Our Account ID is required"):
            self.page.account_id = False
        with self.assertRaises(ValidationError):
            delta.account_id = " "
        # a page id given as the query is an account id
        self.page.write({"account_id": False, "query": PAGE_ID})
        # archived: receives nothing; made active again without an id: refused
        self.page.write({"active": False, "query": False})
        with self.assertRaises(ValidationError):
            self.page.active = True
        # another app: Gamma alone on it
        self.page.write({"active": True, "app_secret": "gamma-own-app"})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["social.crm.source"].with_company(self.company).create({
                "name": "Gamma page 2", "company_id": self.company.id,
                "network_id": self.page.network_id.id, "kind": "page",
                "intake_mode": "push", "app_secret": APP_SECRET})
        # X: the consumer secret is the app
        self.env["social.crm.source"].with_company(delta.company_id).create({
            "name": "Delta X", "company_id": delta.company_id.id,
            "network_id": self.x_source.network_id.id, "kind": "mentions",
            "account_id": "1550000000000000000", "intake_mode": "push",
            "api_secret": CONSUMER_SECRET})
        with self.assertRaises(ValidationError):
            self.x_source.account_id = False
