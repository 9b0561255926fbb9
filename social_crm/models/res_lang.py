# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dates in server-written text as Odoo's web client shows date and datetime fields.

Odoo 19's lists and forms render a date as ``Dec 3`` (German ``3. Dez.``) and a datetime as
``Dec 3, 3:37 AM`` (German ``3. Dez., 03:37``), with the year only when it is not the current one,
in the user's time zone (``toLocaleDateString`` / ``toLocaleDateTimeString`` of
``web/core/l10n/dates.js``, i.e. the CLDR medium formats without seconds). Badges, explanations,
chatter notes and activities written by the server use the same two forms, so a user reads one
format everywhere.
"""

import datetime as dt

import babel.dates

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse, get_lang


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _social_locale(self):
        return babel_locale_parse(get_lang(self.env).code)

    @api.model
    def _social_date_part(self, value, locale):
        this_year = fields.Date.context_today(self).year
        skeleton = "MMMd" if value.year == this_year else "yMMMd"
        return babel.dates.format_skeleton(skeleton, value, locale=locale)

    @api.model
    def _social_format_date(self, value):
        """A date as the web client shows a date field: ``Dec 3`` / ``3. Dez.``
        (``Dec 3, 2025`` when not this year). A naive datetime (UTC) is first put in the
        user's time zone."""
        if not value:
            return ""
        if isinstance(value, dt.datetime):
            value = fields.Datetime.context_timestamp(self, value).date()
        return self._social_date_part(value, self._social_locale())

    @api.model
    def _social_format_datetime(self, value):
        """A naive UTC datetime as the web client shows a datetime field, in the user's time
        zone and without seconds: ``Dec 3, 3:37 AM`` / ``3. Dez., 03:37``."""
        if not value:
            return ""
        locale = self._social_locale()
        local = fields.Datetime.context_timestamp(self, value)
        date = self._social_date_part(local.date(), locale)
        time = babel.dates.format_time(local, "short", locale=locale)
        pattern = str(locale.datetime_formats.get("medium") or "{1} {0}")
        return pattern.replace("{1}", date).replace("{0}", time)

    @api.model
    def _social_reader_tz(self, user=None, company=None):
        """The time zone of whom reads what the product writes on its own (a scheduled job,
        the stream listener, a webhook: they run as OdooBot, whose time zone is nobody's):
        ``user``'s, else ``company``'s (its partner's), else the current one."""
        # sudo: the reader's and the company's time zone, whoever writes
        return (
            (user and user.sudo().tz)
            or (company and company.sudo().partner_id.tz)
            or self.env.context.get("tz")
            or self.env.user.tz
            or "UTC"
        )

    @api.model
    def _social_today(self, user=None, company=None, now=None):
        """The day of ``now`` (naive UTC, default: now) where ``user`` lives (see
        :meth:`_social_reader_tz`): the due date of a to-do the product gives them, which
        they read as today, not as yesterday after midnight UTC."""
        tz = self._social_reader_tz(user, company)
        return fields.Date.context_today(self.with_context(tz=tz), now)

    @api.model
    def _social_company_tz(self, company):
        """The time zone of ``company``'s day: its partner's, else that of its first internal
        user who has one (the administrator who set it up, usually), else UTC. Never the
        current user's: the dated rows the product writes for the company (count history,
        scores, conversion dates) are cut at one midnight whoever writes them (a job as
        OdooBot, a webhook, a user abroad)."""
        # sudo: the company's partner and users, whoever writes
        company = company.sudo()
        if company.partner_id.tz:
            return company.partner_id.tz
        first = self.env["res.users"].sudo().search_fetch(
            [("company_id", "=", company.id), ("share", "=", False), ("tz", "!=", False)],
            ["tz"], order="id", limit=1,
        )
        return first.tz or "UTC"

    @api.model
    def _social_company_today(self, company, now=None):
        """The day of ``now`` (naive UTC, default: now) in ``company``'s time zone (see
        :meth:`_social_company_tz`): the date of the rows the product writes for it."""
        return fields.Date.context_today(
            self.with_context(tz=self._social_company_tz(company)), now)
