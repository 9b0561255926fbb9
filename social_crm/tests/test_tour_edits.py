# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Edited and deleted posts on screen (Chromium), in English and in German: a CRM user finds
the edited posts of the inbox (the Edited filter), reads that a post was edited, when, and
what it said before; a Social CRM manager opens Deleted Posts from the Configuration menu;
a CRM user has neither the menu nor the records. The posts arrive as the X API v2 answers
(``x.parse_tweets``: an edit is a new tweet whose ``edit_history_tweet_ids`` starts with the
original) through ``_ingest_posts``; the deletion as an Account Activity delivery
(``tweet_delete_events``) processed as an intake event (``_ingest_deletions``)."""

import datetime as dt

from odoo.addons.social_crm.connectors import events as connector_events
from odoo.addons.social_crm.connectors import x
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

ORIGINAL = "Danke @acme_support, das Paket ist angekommen"
EDITED = "Paket angekommen, aber der Deckel ist kaputt. @acme_support ich will mein Geld zurück"
ORIGINAL_ID = "1885000000000000001"
VERSION_ID = "1885000000000000009"
DELETED_ID = "1885000000000000101"


def x_answer(tweet_id, text, history, minutes_ago, user=("2244994946", "erika_edit",
                                                             "Erika Edit")):
    """An X API v2 answer (mentions timeline / recent search) with one tweet of ``user``."""
    created = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    user_id, username, name = user
    return {
        "data": [{"id": tweet_id, "text": text, "author_id": user_id,
                  "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                  "conversation_id": history[0], "lang": "de",
                  "edit_history_tweet_ids": history,
                  "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2,
                                     "quote_count": 0}}],
        "includes": {"users": [{"id": user_id, "name": name, "username": username,
                                "public_metrics": {"followers_count": 310}}]},
        "meta": {"result_count": 1, "newest_id": tweet_id},
    }


@tagged("post_install", "-at_install")
class TestEditedAndDeletedTours(HttpCase):
    def setUp(self):
        super().setUp()
        self.source = self.env["social.crm.source"].create({
            "name": "Tour edits X", "network_id": self.env.ref("social_crm.network_x").id,
            "kind": "mentions", "account_id": "1440000000000000001", "bearer_token": "bt",
        })
        self.crm_user = new_test_user(
            self.env, login="tour_crm_user", name="Carla CRM",
            groups="base.group_user,social_crm.group_social_crm_user",
        )
        self.crm_manager = new_test_user(
            self.env, login="tour_crm_manager", name="Manfred Manager",
            groups="base.group_user,social_crm.group_social_crm_manager",
        )

    def language(self, code):
        lang = "de_DE" if code == "de" else "en_US"
        if code == "de":
            self.env["res.lang"]._activate_lang(lang)
            # the addons installed with social_crm add buttons and fields to its screens
            addons = self.env["ir.module.module"].search(
                [("name", "=like", "social_crm%"), ("state", "=", "installed")])
            self.env["ir.module.module"]._load_module_terms(addons.mapped("name"), [lang],
                                                            overwrite=True)
        (self.crm_user | self.crm_manager).lang = lang

    def ingest(self, body):
        result = self.env["social.crm.post"]._ingest_posts(x.parse_tweets(body), self.source)
        return self.env["social.crm.post"].browse(result.post_ids)

    def edited_post(self):
        # a post never edited, which the Edited filter leaves out
        self.ingest(x_answer("1885000000000000002", "@acme_support Wann kommt mein Paket?",
                             ["1885000000000000002"], 8,
                             user=("2244994947", "otto_original", "Otto Original")))
        post = self.ingest(x_answer(ORIGINAL_ID, ORIGINAL, [ORIGINAL_ID], 10))
        self.assertFalse(post.edited_at)
        edit = self.ingest(x_answer(VERSION_ID, EDITED, [ORIGINAL_ID, VERSION_ID], 4))
        self.assertEqual(edit, post)
        self.assertEqual(post.text, EDITED)
        self.assertEqual(post.previous_text, ORIGINAL)
        self.assertEqual(post.version_external_id, VERSION_ID)
        self.assertTrue(post.edited_at)
        return post

    def deleted_on_the_network(self):
        """A post stored, then its author deletes it: X delivers ``tweet_delete_events``."""
        post = self.ingest(x_answer(DELETED_ID, "@acme_support kurz mal getestet",
                                    [DELETED_ID], 30))
        self.assertTrue(post)
        stamp = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        body = {"for_user_id": "1440000000000000001", "tweet_delete_events": [
            {"status": {"id": DELETED_ID, "user_id": "2244994946"},
             "timestamp_ms": str(int(stamp.timestamp() * 1000))}]}
        Event = self.env["social.crm.event"]
        events = Event.browse(Event._store_events(
            self.source, connector_events.split_x_activity(body), "push"))
        events._process()
        self.assertEqual(events.mapped("state"), ["done"])
        self.assertFalse(post.exists())
        deleted = self.env["social.crm.post.deleted"].search([("external_id", "=", DELETED_ID)])
        self.assertEqual(len(deleted), 1)
        self.assertEqual(deleted.reason, "network")
        return deleted

    # --- an edited post -----------------------------------------------------------------------
    def edited_tour(self, code):
        self.language(code)
        self.edited_post()
        self.start_tour("/odoo/action-social_crm.social_crm_post_action",
                        f"social_crm_edited_post_tour_{code}", login="tour_crm_user")

    def test_edited_post_english(self):
        self.edited_tour("en")

    def test_edited_post_german(self):
        self.edited_tour("de")

    # --- Deleted Posts: the manager's, not the CRM user's --------------------------------------
    def deleted_posts_tour(self, code):
        self.language(code)
        deleted = self.deleted_on_the_network()
        self.start_tour("/odoo", f"social_crm_deleted_posts_manager_tour_{code}",
                        login="tour_crm_manager")
        self.start_tour("/odoo/action-social_crm.social_crm_post_action",
                        f"social_crm_deleted_posts_user_tour_{code}", login="tour_crm_user")
        # nor through the action's address or an RPC: the records are the managers' only
        with self.assertRaises(AccessError):
            deleted.with_user(self.crm_user).check_access("read")
        self.assertEqual(deleted.with_user(self.crm_manager).external_id, DELETED_ID)

    def test_deleted_posts_english(self):
        self.deleted_posts_tour("en")

    def test_deleted_posts_german(self):
        self.deleted_posts_tour("de")
