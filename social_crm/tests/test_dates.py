# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dates in server-written text read as the web client shows date and datetime fields."""

import datetime as dt

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDates(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")

    def langs(self, tz):
        return (
            self.env["res.lang"].with_context(lang="en_US", tz=tz),
            self.env["res.lang"].with_context(lang="de_DE", tz=tz),
        )

    def test_one_format_per_kind(self):
        year = fields.Date.today().year
        english, german = self.langs("Europe/Berlin")
        # as the web client (Odoo 19, luxon DATE_MED / DATETIME_MED without seconds)
        self.assertEqual(english._social_format_date(dt.date(year, 1, 15)), "Jan 15")
        self.assertEqual(german._social_format_date(dt.date(year, 1, 15)), "15. Jan.")
        self.assertEqual(english._social_format_date(dt.date(2019, 1, 15)), "Jan 15, 2019")
        self.assertEqual(german._social_format_date(dt.date(2019, 1, 15)), "15. Jan. 2019")
        # datetimes are naive UTC, shown in the user's time zone, a 12 h clock in English
        when = dt.datetime(year, 1, 15, 2, 5)
        self.assertEqual(english._social_format_datetime(when), "Jan 15, 3:05 AM")
        self.assertEqual(german._social_format_datetime(when), "15. Jan., 03:05")
        self.assertEqual(
            english._social_format_datetime(dt.datetime(2019, 1, 15, 13, 5)),
            "Jan 15, 2019, 2:05 PM",
        )
        self.assertEqual(
            german._social_format_datetime(dt.datetime(2019, 1, 15, 13, 5)),
            "15. Jan. 2019, 14:05",
        )
        # a datetime given where a date is shown: the user's day, not UTC's
        english_ny, _german = self.langs("America/New_York")
        self.assertEqual(english_ny._social_format_date(dt.datetime(year, 1, 15, 2, 5)), "Jan 14")
        self.assertEqual(english._social_format_date(False), "")
        self.assertEqual(english._social_format_datetime(False), "")
