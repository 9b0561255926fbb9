# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""GDPR export/erase and retention of a customer with social tickets and a Social Score
(moved from social_crm_helpdesk: they need both addons)."""

import copy
import datetime as dt
import io
import json
import zipfile
from unittest.mock import patch

from odoo import fields
from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors import x as connector_x
from odoo.addons.social_crm.services import ingest
from odoo.addons.social_crm_helpdesk.tests.common import SocialHelpdeskCase
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_open

IBAN = "DE89 3704 0044 0532 0130 00"
CARD = "4111 1111 1111 1111"
GRAPH = "https://graph.facebook.com/v23.0"


@tagged("post_install", "-at_install")
class TestGdpr(SocialHelpdeskCase):
    def _person(self):
        partner = self.env["res.partner"].create({"name": "Erika Muster", "email": "e@ex.org"})
        identity = self.env["social.crm.identity"].create(
            {
                "partner_id": partner.id,
                "network_id": self.x.id,
                "handle": "erika",
                "external_id": "77001",
                "bio": "Radfahrerin",
            }
        )
        author = self.make_author("77001", "erika", "Erika Muster")
        post = self.ingest(self.complaint("g-1", author=author))
        self.assertEqual(post.identity_id, identity)
        ticket = post.ticket_id
        self.env["social.crm.reply"].create(
            {"ticket_id": ticket.id, "post_id": post.id, "text": "Sorry, Erika!"}
        )
        other = self.ingest(
            self.make_post("g-2", self.ina(), text="@erika kennt das auch",
                           mentioned_external_ids=["77001"], mentioned_handles=["erika"])
        )
        self.env["social.crm.mention"].sudo().create(
            {"post_id": other.id, "target_external_id": "77001",
             "target_identity_id": identity.id}
        )
        # the ingestion gave the author a provisional score of today: make it a plain row
        History = self.env["social.crm.score.history"].sudo()
        today = History.search([("partner_id", "=", partner.id),
                                ("date", "=", fields.Date.today())])
        if today:
            today.write({"score": 42.0})
        else:
            History.create(
                {"partner_id": partner.id, "company_id": self.company.id,
                 "date": fields.Date.today(), "score": 42.0}
            )
        self.env["social.crm.match.suggestion"].create(
            {"company_id": self.company.id, "network_id": self.x.id,
             "author_external_id": "77002", "partner_id": partner.id,
             "author_data": {"bio": "auch Erika"}}
        )
        return partner, identity, post, ticket

    def test_export(self):
        partner, _identity, _post, _ticket = self._person()
        action = partner.action_social_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        archive = zipfile.ZipFile(io.BytesIO(attachment.raw))
        names = set(archive.namelist())
        self.assertIn("social-data.json", names)
        self.assertTrue({"identities.csv", "posts.csv", "tickets.csv", "replies.csv",
                         "score_history.csv", "mentions.csv", "profiling.csv"} <= names, names)
        data = json.loads(archive.read("social-data.json"))
        self.assertFalse(data["profiling"][0]["objection_to_profiling_art_21"])
        self.assertEqual(data["identities"][0]["handle"], "erika")
        self.assertEqual(data["score_history"][0]["score"], 42.0)
        self.assertIn("Router", data["posts"][0]["text"])
        # the export says whether the person objected to profiling (Art. 21)
        partner.social_score_excluded = True
        data = partner._social_export_data()
        self.assertTrue(data["profiling"][0]["objection_to_profiling_art_21"])
        self.assertTrue(partner.message_ids.filtered(lambda m: "exported" in (m.body or "")))

    def test_erase_leaves_nothing(self):
        partner, identity, post, ticket = self._person()
        # the product's note of the author's tier on arrival names the person and the score
        self.assertIn("Erika Muster is now", " ".join(ticket.message_ids.mapped("body")))
        partner.action_social_export()
        partner.action_social_erase()
        # every stored many2one to the contact or its identity: nothing social is left
        kept = {"res.partner", "res.users", "helpdesk.ticket", "mail.message", "mail.followers",
                "mail.notification", "privacy.log", "ir.attachment"}
        for model_name in self.env:
            Model = self.env[model_name]
            if Model._transient or not Model._auto or model_name in kept:
                continue
            for name, field in Model._fields.items():
                if field.type != "many2one" or not field.store:
                    continue
                if field.comodel_name == "res.partner":
                    target = partner.id
                elif field.comodel_name == "social.crm.identity":
                    target = identity.id
                else:
                    continue
                count = Model.sudo().with_context(active_test=False).search_count(
                    [(name, "=", target)]
                )
                self.assertFalse(count, f"{model_name}.{name} still references the person")
        self.assertFalse(post.exists())
        self.assertFalse(identity.exists())
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("name", "=like", f"social-data-{partner.id}-%")]))
        self.assertTrue(ticket.exists(), "the ticket stays for the KPIs")
        self.assertNotIn("Router", ticket.description)
        self.assertNotIn("Router", ticket.name)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Router" in (m.body or "")))
        # nor the product's notes naming the person (the tier and score on arrival)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Erika" in (m.body or "")))
        log = partner.message_ids.filtered(lambda m: "erased" in (m.body or ""))
        self.assertTrue(log)
        self.assertNotIn("Router", log[0].body)
        self.assertIn("posts: 1", log[0].body)

    def test_a_retried_reply_records_no_mention_of_an_erased_person(self):
        """Probe: Otto's reply to Frieda failed (a received event) or was kept by the
        ingestion (quarantine) before her erasure; retried after it, his post was stored
        with her network id among its mentioned accounts (X's ``in_reply_to_user_id``,
        kept in the event; the kept item's ``mentioned_external_ids``) and the scoring
        recorded a mention row to her account. Retried now, Otto's posts are stored
        without a mention of her, and no identity of hers comes back. X Account Activity
        deliveries (fixture)."""
        Event = self.env["social.crm.event"]
        Quarantine = self.env["social.crm.quarantine"]
        Mention = self.env["social.crm.mention"]
        her_id = "1460000000000000931"
        with file_open("social_crm/tests/data/x_account_activity_erased_person.json") as data:
            deliveries = json.load(data)
        now = dt.datetime.now(dt.UTC)
        for minutes, name in enumerate(("complaint", "reply_naming_her")):
            tweet = deliveries[name]["tweet_create_events"][0]
            when = now - dt.timedelta(minutes=30 - minutes)
            tweet["created_at"] = when.strftime("%a %b %d %H:%M:%S +0000 %Y")
            tweet["timestamp_ms"] = str(int(when.timestamp() * 1000))

        def store(delivery):
            return Event.browse(Event._store_events(
                self.x_source, connector_events.split_x_activity(delivery), "push"))

        store(deliveries["complaint"])._process()
        partner = self.env["social.crm.post"].search(
            [("external_id", "=", "1990000000000093101")]).partner_id
        self.assertEqual(partner.name, "Frieda Fremd")
        otto = store(deliveries["reply_naming_her"])
        with patch.object(type(self.env["social.crm.post"]), "_ingest_posts",
                          side_effect=RuntimeError("could not obtain lock")), \
                mute_logger("odoo.addons.social_crm.models.social_crm_event"):
            for _attempt in range(5):
                otto._process()
        self.assertEqual(otto.state, "failed")
        kept_delivery = copy.deepcopy(deliveries["reply_naming_her"])
        kept_delivery["tweet_create_events"][0].update(
            id=1990000000000093106, id_str="1990000000000093106")
        [kept_post] = connector_x.parse_activity(kept_delivery)
        self.assertIn(her_id, kept_post.mentioned_external_ids)
        kept = Quarantine._ingest_quarantine(
            [ingest.Refused(kept_post, ingest.STORAGE, "could not obtain lock")],
            self.company, source=self.x_source)

        partner.action_social_erase()

        otto.action_retry()
        otto._process()
        kept.action_retry()
        self.assertEqual((otto.state, kept.state), ("done", "stored"))
        posts = self.env["social.crm.post"].search(
            [("external_id", "in", ("1990000000000093103", "1990000000000093106"))])
        self.assertEqual(posts.mapped("author_handle"), ["otto_anders", "otto_anders"])
        for post in posts:
            self.assertNotIn(her_id, (post.mentioned_external_ids or "").split(),
                             post.external_id)
        self.env.flush_all()
        self.assertFalse(Mention.sudo().search([("target_external_id", "=", her_id)]))
        self.assertTrue(Mention.sudo().search([("post_id", "in", posts.ids)]),
                        "his mention of the company's account stays")
        self.assertFalse(self.env["social.crm.identity"].with_context(
            active_test=False).search([("external_id", "=", her_id)]))

    def test_erase_note_is_worded_in_the_users_language(self):
        """The note the erasure leaves on the contact names what was removed in the reader's
        words: before, a German manager read "score history: 1, ticket texts: 1, posts: 2,
        identities: 1" (the counts' keys) inside the German sentence."""
        partner, _identity, _post, _ticket = self._person()
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_scoring", "social_crm_helpdesk"], ["de_DE"],
            overwrite=True)
        partner.with_context(lang="de_DE").action_social_erase()
        body = partner.message_ids.filtered(lambda m: "DSGVO" in (m.body or ""))[:1].body
        self.assertTrue(body, "the note is written in German")
        for words in ("Beiträge: 1", "Identitäten: 1", "Tickettexte: 1", "Antworten: 1"):
            self.assertIn(words, body)
        for key in ("posts", "identities", "ticket texts", "replies", "score history"):
            self.assertNotIn(f"{key}:", body)

    def test_erase_from_the_contact_needs_a_manager(self):
        partner, identity, _post, _ticket = self._person()
        with self.assertRaises(AccessError):
            partner.with_user(self.agent).action_social_erase()
        with self.assertRaises(AccessError):
            partner.with_user(self.agent).action_social_export()
        wizard = (
            self.env["social.crm.privacy.wizard"]
            .with_context(active_model="res.partner", active_ids=partner.ids)
            .create({})
        )
        self.assertEqual(wizard.partner_ids, partner)
        self.assertEqual((wizard.identity_count, wizard.post_count), (1, 1))
        wizard.action_erase()
        self.assertFalse(identity.exists())

    def _other_company_manager(self):
        """A Social CRM manager of the other company only, in its RPC environment (its
        allowed companies in the context, as the web client sends them)."""
        user = new_test_user(
            self.env,
            login="gdpr_other_manager",
            groups="base.group_user,base.group_partner_manager,"
            "social_crm.group_social_crm_manager",
            company_id=self.other_company.id,
            company_ids=[(6, 0, self.other_company.ids)],
        )
        return user, {"allowed_company_ids": self.other_company.ids}

    def _other_company_data(self, partner):
        """What the other company holds about the same (shared) contact."""
        identity = self.env["social.crm.identity"].create(
            {"partner_id": partner.id, "company_id": self.other_company.id,
             "network_id": self.mastodon.id, "handle": "erika@other.social",
             "external_id": "b-77001"}
        )
        history = self.env["social.crm.score.history"].sudo().create(
            {"partner_id": partner.id, "company_id": self.other_company.id,
             "date": fields.Date.today() - dt.timedelta(days=1), "score": 7.0}
        )
        return identity, history

    def test_export_by_another_company_covers_only_its_data(self):
        """Before: a manager of company B only exported everything company A holds about a
        contact both share (A's posts, tickets, replies, score history and current score),
        which the record rules keep from B's users."""
        partner, _identity, _post, _ticket = self._person()
        self._other_company_data(partner)
        user, context = self._other_company_manager()
        shared = partner.with_user(user).with_context(**context)
        action = shared.action_social_export()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        archive = zipfile.ZipFile(io.BytesIO(self.env["ir.attachment"].browse(attachment_id).raw))
        data = json.loads(archive.read("social-data.json"))
        self.assertEqual([i["handle"] for i in data["identities"]], ["erika@other.social"])
        self.assertEqual([row["score"] for row in data["score_history"]], [7.0])
        for section in ("posts", "tickets", "replies", "mentions", "match_suggestions"):
            self.assertEqual(data[section], [], section)
        self.assertNotEqual(data["profiling"][0]["current_score"], 42.0)
        self.assertNotIn("Router", json.dumps(data))
        # the superuser's (OCA anonymisation) and company A's exports still cover A's data
        self.assertIn("Router", json.dumps(partner._social_export_data()))

    def test_erase_by_another_company_leaves_the_other_data(self):
        """Before: a manager of company B only erased company A's posts, identities, ticket
        texts, replies and score history of a shared contact."""
        partner, identity, post, ticket = self._person()
        identity_b, history_b = self._other_company_data(partner)
        history_a = self.env["social.crm.score.history"].sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        user, context = self._other_company_manager()
        partner.with_user(user).with_context(**context).action_social_erase()
        self.assertFalse(identity_b.exists())
        self.assertFalse(history_b.exists())
        self.assertTrue(identity.exists())
        self.assertTrue(post.exists())
        self.assertTrue(history_a.exists())
        self.assertIn("Router", ticket.description)
        self.assertTrue(ticket.social_reply_ids)

    def test_privacy_lookup_finds_social_rows(self):
        partner, identity, _post, _ticket = self._person()
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": partner.name, "email": partner.email}
        )
        wizard.action_lookup()
        found = {(line.res_model, line.res_id) for line in wizard.line_ids}
        self.assertIn(("social.crm.identity", identity.id), found)
        self.assertIn("social.crm.post", {model for model, _id in found})
        self.assertIn("social.crm.reply", {model for model, _id in found})
        self.assertIn("social.crm.score.history", {model for model, _id in found})
        wizard.action_social_erase()
        self.assertFalse(identity.exists())


@tagged("post_install", "-at_install")
class TestRetention(SocialHelpdeskCase):
    def test_retention_in_batches(self):
        old = fields.Datetime.now() - dt.timedelta(days=100)
        Post = self.Post.sudo()
        posts = Post.create([
            {"network_id": self.x.id, "external_id": f"old-{i}", "text": "alt",
             "posted_at": old, "raw_payload": {"id": i}}
            for i in range(5)
        ])
        fresh = Post.create({"network_id": self.x.id, "external_id": "fresh", "text": "neu",
                             "posted_at": fields.Datetime.now(), "raw_payload": {"id": 9}})
        ticketed = self.ingest(self.complaint("old-ticket", minutes_ago=100 * 24 * 60))
        self.env["social.crm.score.history"].sudo().create([
            {"partner_id": self.partner.id, "company_id": self.company.id,
             "date": fields.Date.today() - dt.timedelta(days=200 + i), "score": 1.0}
            for i in range(3)
        ])
        self.company.write({"social_retention_raw_days": 30, "social_retention_post_days": 90,
                            "social_retention_history_months": 3})
        commits = []
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress",
            lambda cron, processed=0, remaining=None, deactivate=False: (
                commits.append(processed) or 60.0),
        ), mute_logger("odoo.addons.social_crm.models.res_company"):
            self.env["res.company"]._cron_social_retention(batch=2)
        self.assertFalse(posts.exists())
        self.assertTrue(fresh.exists())
        self.assertTrue(fresh.raw_payload)
        self.assertTrue(ticketed.exists(), "posts with a ticket are kept")
        self.assertFalse(ticketed.sudo().raw_payload)
        self.assertFalse(self.env["social.crm.score.history"].sudo().search(
            [("partner_id", "=", self.partner.id)]))
        self.assertGreaterEqual(len(commits), 5, "one commit per batch")
        self.assertIn("posts: 5", self.company.social_retention_report)
        self.assertIn("score history: 3", self.company.social_retention_report)
        # the job ran as OdooBot in the company's language (English): a German manager
        # still reads the report in German (the counts are stored, the words are not)
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["social_crm", "social_crm_scoring"], ["de_DE"], overwrite=True
        )
        self.env.invalidate_all()
        german = self.company.with_context(lang="de_DE").social_retention_report
        self.assertIn("Beiträge: 5", german)
        self.assertIn("Score-Verlauf: 3", german)
        self.assertNotIn("posts", german)
        self.company.social_retention_post_days = 0
        self.company.social_retention_raw_days = 0
        self.company.social_retention_history_months = 0
        self.env["res.company"]._cron_social_retention()
        self.env.invalidate_all()
        self.assertIn("nichts zu löschen",
                      self.company.with_context(lang="de_DE").social_retention_report)
