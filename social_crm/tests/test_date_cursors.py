# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A source whose cursor is a date (an RSS feed here), polled through ``source._poll()``
with the real connector and ingestion: an entry dated ahead of the poll (a feed in a wrong
time zone) moves the cursor to the poll's own time only, so an entry published after that
poll is stored at the next one instead of being skipped until the future date passes."""

import datetime as dt
import email.utils
import json
from unittest.mock import patch

from odoo.addons.social_crm.connectors import http as connector_http
from odoo.tests import tagged

from .common import FakeNetwork, SocialCrmCase

FEED = "https://blog.example.org/feed.xml"


def rss(*items):
    """An RSS 2.0 document of ``(guid, title, date)`` items (``pubDate`` as RFC 822)."""
    entries = "".join(
        f'<item><title>{title}</title><link>https://blog.example.org/p/{guid}</link>'
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{email.utils.format_datetime(when)}</pubDate>"
        f"<description>{title}</description></item>"
        for guid, title, when in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            '<title>Blog</title><link>https://blog.example.org/</link>'
            f"<description>d</description>{entries}</channel></rss>")


@tagged("post_install", "-at_install")
class TestDateCursors(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social.crm.source"].create(
            {"name": "Blog", "network_id": cls.rss.id, "kind": "feed", "query": FEED})
        cls.Post = cls.env["social.crm.post"]

    def setUp(self):
        super().setUp()
        self.net = FakeNetwork()
        self.startPatcher(patch.object(type(self), "_request_handler", self.net.handler))

    def poll(self, at, *items):
        """Poll the feed at ``at`` (the connector's clock), the feed holding ``items``."""
        self.net.routes.clear()
        self.net.add("GET", FEED, body=rss(*items),
                     headers={"Content-Type": "application/rss+xml; charset=utf-8"})
        with patch.object(connector_http, "now_utc", lambda: at):
            result = self.source._poll()
        self.assertFalse(self.source.last_error)
        return result

    def test_an_entry_published_after_one_dated_ahead_is_not_skipped(self):
        t0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
        ahead = t0 + dt.timedelta(hours=12)  # a feed writing local time as UTC
        older = ("old", "ACME router review", t0 - dt.timedelta(hours=3))
        wrong = ("tz", "ACME support never answers", ahead)
        self.poll(t0, wrong, older)
        first_cursor = json.loads(self.source.cursor)["published"]
        # ten minutes later: an entry published five minutes after the first poll
        t1 = t0 + dt.timedelta(minutes=10)
        later = ("new", "ACME outage again", t0 + dt.timedelta(minutes=5))
        result = self.poll(t1, later, wrong, older)
        self.assertEqual(result.created, 1)
        posts = self.Post.search([("source_id", "=", self.source.id)])
        self.assertEqual(sorted(posts.mapped("external_id")),
                         ["blog.example.org:new", "blog.example.org:old", "blog.example.org:tz"],
                         "the entry dated ahead came again and is stored once")
        self.assertEqual(first_cursor, t0.isoformat(), "the cursor stops at the poll's time")
        self.assertEqual(json.loads(self.source.cursor)["published"], t1.isoformat())
