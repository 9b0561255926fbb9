# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import datetime as dt

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..dispatch import Dispatcher
from .discuss_channel_member import ALERT_MEMBERS_KEY
from .helpdesk_ticket import _urgent_pii
from .res_users_schedule import SCHEDULE_FIELDS

#: the team's fields its alert channel's members follow (see _social_alert_follow_team)
ALERT_TEAM_FIELDS = frozenset({"user_ids", "user_id", "company_id", "social_alert_channel_id"})


def _split_member_hours(vals):
    """(``vals`` without the members' working hours, those updates): the hours of the team's
    members are set once the members are linked, so that a member added in the same save counts
    as the team's (a helpdesk manager may set the hours of their teams' members only)."""
    commands = vals.get("user_ids")
    if not isinstance(commands, (list, tuple)):
        return vals, []
    hours, rest = [], []
    for command in commands:
        if (isinstance(command, (list, tuple)) and command and command[0] == Command.UPDATE
                and command[2] and set(command[2]) <= SCHEDULE_FIELDS):
            hours.append(command)
        else:
            rest.append(command)
    return ({**vals, "user_ids": rest}, hours) if hours else (vals, [])


def _words(value):
    return [w.strip().casefold() for w in (value or "").split(",") if w.strip()]


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    social_auto_ticket = fields.Boolean(
        string="Tickets from Social Complaints",
        help="Complaints detected in social posts that match these rules become tickets of "
        "this team automatically. Teams are tried in their order; the first match wins.",
    )
    social_network_ids = fields.Many2many(
        "social.crm.network",
        string="Networks",
        help="Only posts of these networks. Empty: all networks.",
    )
    social_lang_codes = fields.Char(
        string="Languages",
        help="Comma-separated language codes, e.g. “de, en”. Empty: all languages.",
    )
    social_keywords_include = fields.Char(
        string="Keywords",
        help="Comma-separated words: only posts mentioning one of them. Empty: all posts.",
    )
    social_keywords_exclude = fields.Char(
        string="Excluded Keywords",
        help="Comma-separated words: posts mentioning one of them never match this team.",
    )
    social_min_confidence = fields.Float(
        string="Minimum Confidence",
        default=0.6,
        help="Complaint probability (0-1) a post needs for an automatic ticket.",
    )
    social_ticket_count = fields.Integer(
        string="Social Tickets", compute="_compute_social_ticket_count"
    )
    social_assign_mode = fields.Selection(
        [
            ("none", "No automatic assignment"),
            ("round_robin", "Round robin"),
            ("least_open", "Fewest open tickets"),
        ],
        string="Assign Social Tickets",
        default="least_open",
        required=True,
        help="Who gets the tickets opened automatically from social complaints: a member "
        "on duty, in turn or the one with the fewest open tickets. On duty: online in Odoo "
        "(the web client open, not away or do not disturb), else inside their working hours "
        "(tab Team Members, in the time zone given there) and "
        "not on leave, their own or their working time's (public holidays). When Odoo knows the "
        "presence of none of the members (nobody ever used the web client), every member "
        "without working hours counts as on duty. When no member is on duty, the team leader "
        "gets it if on duty; else the ticket stays unassigned, unless it must have an owner "
        "(a top influencer's complaint, bank or card data): then the member not on leave with "
        "the fewest open tickets gets it, else the team leader if not on leave, else a "
        "helpdesk manager of the ticket's company.",
    )
    social_alert_channel_id = fields.Many2one(
        "discuss.channel",
        string="Alert Channel",
        domain=[("channel_type", "=", "channel")],
        help="Discuss channel of the alerts (complaints of top influencers, posts with bank "
        "or card data, escalations). Created with the team's members at the first alert "
        "when empty. Its members follow the team's members and leader; who was added by "
        "hand stays as long as they may read the team's tickets.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        split = [_split_member_hours(vals) for vals in vals_list]
        teams = super().create([vals for vals, _hours in split])
        for team, (_vals, hours) in zip(teams, split, strict=True):
            team._social_set_member_hours(hours)
        teams._social_alert_follow_team({})
        return teams

    def write(self, vals):
        vals, hours = _split_member_hours(vals)
        before = None
        if ALERT_TEAM_FIELDS & set(vals):
            # sudo: the members the product put in the alert channel, whoever edits the team
            before = {
                team.id: (team.social_alert_channel_id, team.user_ids | team.user_id)
                for team in self.sudo()
            } if "company_id" not in vals else {}
        result = super().write(vals)
        self._social_set_member_hours(hours)
        if before is not None:
            self._social_alert_follow_team(before)
        return result

    def _social_alert_follow_team(self, before):
        """The alert channels of these teams follow their members and leader (see
        ``discuss.channel._social_alert_follow``): who joined the team since ``before``
        ({team id: (its alert channel, its members and leader)}) joins its channel, who left
        leaves it; a team missing from ``before`` (new, another channel, another company):
        all its members and its leader join."""
        joined, left = {}, {}
        # sudo: see write
        for team in self.sudo().filtered("social_alert_channel_id"):
            channel = team.social_alert_channel_id
            users = team.user_ids | team.user_id
            old_channel, old_users = before.get(team.id, (None, users.browse()))
            if old_channel != channel:
                old_users = users.browse()
            joined[channel.id] = joined.get(channel.id, users.browse()) | (users - old_users)
            left[channel.id] = left.get(channel.id, users.browse()) | (old_users - users)
        if joined:
            self.env["discuss.channel"].browse(list(joined))._social_alert_follow(joined, left)

    def _social_set_member_hours(self, commands):
        """Apply the members' working hours (``Command.update`` of ``user_ids``) as the current
        user, as the ORM applies such commands on users (res.users refuses sudo commands)."""
        Users = self.env["res.users"].sudo(False)
        for _op, user_id, values in commands:
            Users.browse(user_id).write(values)

    @api.constrains("social_min_confidence")
    def _check_social_min_confidence(self):
        for team in self:
            if not 0.0 <= team.social_min_confidence <= 1.0:
                raise ValidationError(
                    self.env._(
                        "The minimum confidence of “%(team)s” must lie between 0 and 1.",
                        team=team.display_name,
                    )
                )

    def _compute_social_ticket_count(self):
        groups = self.env["helpdesk.ticket"]._read_group(
            [("team_id", "in", self.ids), ("social_network_id", "!=", False)],
            ["team_id"],
            ["__count"],
        )
        counts = {team.id: count for team, count in groups}
        for team in self:
            team.social_ticket_count = counts.get(team.id, 0)

    def _social_rule_matches(self, post, automatic=True):
        """Whether ``post`` (already classified) passes this team's social media rules."""
        self.ensure_one()
        if self.company_id and self.company_id != post.company_id:
            return False
        # bank or card data in a public post needs the team whatever else the post says
        # (a post that is only a card number is no complaint, and has no language or keyword)
        urgent = post.has_sensitive_data and _urgent_pii(post.pii_kinds)
        if automatic:
            if not self.social_auto_ticket:
                return False
            if not urgent and (
                post.complaint_label != "complaint"
                or post.complaint_p < self.social_min_confidence
            ):
                return False
        if self.social_network_ids and post.network_id not in self.social_network_ids:
            return False
        text = (post.text or "").casefold()
        if urgent:
            return not any(word in text for word in _words(self.social_keywords_exclude))
        langs = _words(self.social_lang_codes)
        if langs:
            lang = (post.complaint_lang or post.lang or "").casefold()
            if not any(lang == code or lang.startswith(code + "-") for code in langs):
                return False
        if any(word in text for word in _words(self.social_keywords_exclude)):
            return False
        include = _words(self.social_keywords_include)
        return not include or any(word in text for word in include)

    @api.model
    def _social_candidate_teams(self, companies, automatic=True):
        """Teams with social media rules (automatic: with automatic tickets), in order."""
        domain = Domain("company_id", "in", [False, *companies.ids])
        if automatic:
            domain &= Domain("social_auto_ticket", "=", True)
        else:
            domain &= (
                Domain("social_auto_ticket", "=", True)
                | Domain("social_network_ids", "!=", False)
                | Domain("social_lang_codes", "!=", False)
                | Domain("social_keywords_include", "!=", False)
            )
        # sudo: routing considers every team of the company, whatever the ingesting user reads
        return self.sudo().search(domain)

    def _social_team_for(self, post, automatic=True):
        """The first of these teams whose rules ``post`` passes (or an empty recordset)."""
        for team in self:
            if team._social_rule_matches(post, automatic=automatic):
                return team
        return self.browse()

    # --- assignment, alerts, escalation --------------------------------------------------------
    def _social_presence(self, users):
        """(ids of ``users`` whose presence Odoo knows, ids of those online: not away or do
        not disturb, ids of those who set themselves away or do not disturb while connected:
        their word goes before their schedule), in one query."""
        # sudo: presence is read for assignment only (mail.presence is not readable by agents)
        presences = self.env["mail.presence"].sudo().search([("user_id", "in", users.ids)])
        known = set(presences.user_id.ids)
        online, unavailable = set(), set()
        for user in users.sudo():  # sudo: see above
            if user.id not in known:
                continue
            if user.im_status == "online":
                online.add(user.id)
            elif user.im_status != "offline" and user.manual_im_status in ("away", "busy"):
                unavailable.add(user.id)
        return known, online, unavailable

    def _social_schedules(self, users):
        """(ids of ``users`` with a working schedule, ids of those inside it now and not on
        leave). A schedule is the working time (``resource.calendar``, not flexible hours) of
        the user's resource (of the user's company first); now is read in the resource's time
        zone, leaves are the resource's own and those of its whole calendar (public
        holidays). One search of resources, then Odoo's work intervals once per calendar:
        the queries do not grow with the users."""
        # sudo: the schedules of the team's members, whatever the ingesting user may read
        resources = self.env["resource.resource"].sudo().search(
            [("user_id", "in", users.ids), ("calendar_id", "!=", False),
             ("calendar_id.flexible_hours", "=", False)],
            order="id",
        )
        by_user = {}
        for resource in resources:
            current = by_user.get(resource.user_id.id)
            if not current or (
                current.company_id != resource.user_id.company_id
                and resource.company_id == resource.user_id.company_id
            ):
                by_user[resource.user_id.id] = resource
        now = fields.Datetime.now().replace(tzinfo=dt.UTC)
        working = set()
        chosen = self.env["resource.resource"].sudo().union(*by_user.values())
        for calendar in chosen.calendar_id:
            group = chosen.filtered(lambda r, calendar=calendar: r.calendar_id == calendar)
            intervals = calendar._work_intervals_batch(
                now, now + dt.timedelta(minutes=1), resources=group
            )
            for resource in group:
                if any(start <= now < stop for start, stop, _ in intervals[resource.id]):
                    working.add(resource.user_id.id)
        return set(by_user), working

    def _social_on_leave(self, users):
        """Ids of ``users`` on leave now: a time off of their resource (the one that holds
        their working hours, see ``res.users._social_resources``) or of its whole working time
        or of every working time (public holidays). One search of resources, one of leaves;
        a user without a resource is never on leave."""
        resources = users._social_resources()
        if not resources:
            return set()
        now = fields.Datetime.now()
        calendars = {resource.calendar_id.id for resource in resources.values()}
        # sudo: the leaves of the team's members, whatever the ingesting user may read
        leaves = self.env["resource.calendar.leaves"].sudo().search_fetch(
            [("date_from", "<=", now), ("date_to", ">", now), ("time_type", "=", "leave"),
             "|", ("resource_id", "in", [r.id for r in resources.values()]),
             "&", ("resource_id", "=", False),
             ("calendar_id", "in", [False, *(c for c in calendars if c)])],
            ["resource_id", "calendar_id", "company_id"],
        )
        away = set()
        for uid, resource in resources.items():
            if any(
                leave.resource_id == resource
                or (not leave.resource_id
                    and leave.calendar_id in (resource.calendar_id, leave.calendar_id.browse())
                    and leave.company_id in (resource.company_id, leave.company_id.browse()))
                for leave in leaves
            ):
                away.add(uid)
        return away

    def _social_dispatchers(self, company=None):
        """{team: Dispatcher} for these teams: members and leaders, presence, schedules,
        open tickets and latest assignments read for all of them at once (a few queries per
        working calendar, not per user or team). ``company``: the members and leaders
        allowed in it only (a team without company serves several: the owner of a ticket
        must be able to open it)."""

        def owner(user):
            return user.active and not user.share and (
                not company or company in user.company_ids)

        # sudo: the team's members, whatever the ingesting user may read
        members = self.sudo().user_ids.filtered(owner)
        leaders = self.sudo().user_id.filtered(owner)
        known, online, unavailable = self._social_presence(members | leaders)
        scheduled, working = self._social_schedules(members | leaders)
        working -= unavailable
        on_leave = self._social_on_leave(members | leaders)
        # sudo: open tickets of every member count, also those the user cannot read
        Ticket = self.env["helpdesk.ticket"].sudo()
        open_counts = dict(
            Ticket._read_group(
                [("user_id", "in", members.ids), ("stage_id.closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        latest = {
            (team.id, user.id): when
            for team, user, when in Ticket._read_group(
                [("team_id", "in", self.ids), ("user_id", "in", members.ids)],
                ["team_id", "user_id"],
                ["assigned_date:max"],
            )
        }
        result = {}
        for team in self:
            team_members = team.sudo().user_ids & members  # sudo: see above
            leader = team.sudo().user_id & leaders  # sudo: see above
            ids = set(team_members.ids)
            result[team] = Dispatcher(
                team.social_assign_mode or "none",
                team_members.ids,
                # presence of the team's own members: known for none of them, it says nothing
                online=online & ids if known & ids else None,
                open_counts={user.id: count for user, count in open_counts.items()},
                last_assigned={
                    uid: latest.get((team.id, uid)) for uid in team_members.ids
                },
                working=working & ids,
                scheduled=scheduled & ids,
                # nobody on duty: the leader when on duty by the same rules (online, else
                # inside their schedule); else the ticket waits unassigned, as before
                fallback=leader.id if leader and leader.id in online | working else None,
                # a ticket that must have an owner when nobody is on duty (see
                # Dispatcher.pick_off_duty): a member not on leave, else the leader
                available=ids - on_leave,
                leader=leader.id or None,
                away=on_leave & (ids | set(leader.ids)),
            )
        return result

    def _social_fallback_owner(self, company, away=None):
        """Who owns the social tickets of this team when none of its members is active any
        more (all left): the team leader if still active, else a helpdesk manager of
        ``company`` (never OdooBot, never a portal user). Empty when there is nobody.
        ``away``: a ticket that must have an owner while every member is on leave: the ids
        known to be on leave (the leader's among them), skipped as long as a helpdesk manager
        of ``company`` is not on leave; else the leader on leave, else a manager on leave."""
        self.ensure_one()
        team = self.sudo()  # sudo: the team's leader and the managers, whoever ingested the post
        leader = team.user_id
        if not (leader.active and not leader.share
                and (not company or company in leader.company_ids)):
            leader = leader.browse()
        if leader and (away is None or leader.id not in away):
            return leader
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_manager", raise_if_not_found=False)
        if not group:
            return leader or self.env["res.users"]
        domain = [("all_group_ids", "in", group.ids), ("share", "=", False),
                  ("company_ids", "in", company.ids), ("id", "!=", SUPERUSER_ID)]
        if away is None:
            return self.env["res.users"].sudo().search(domain, order="id", limit=1)
        # sudo: see above; a few managers, read only when every member is on leave
        managers = self.env["res.users"].sudo().search(domain, order="id", limit=20)
        away = set(away) | self._social_on_leave(managers)
        present = managers.filtered(lambda user: user.id not in away)
        return present[:1] or leader or managers[:1]

    def _social_alert_channel(self):
        """The team's alert channel, created with its members and leader who may read it
        (active helpdesk users of the team's company) if missing."""
        self.ensure_one()
        team = self.sudo()  # sudo: the alert channel is the product's; agents cannot write the team
        if team.social_alert_channel_id:
            return team.social_alert_channel_id
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_user", raise_if_not_found=False)
        Channel = self.env["discuss.channel"].sudo()  # sudo: see above
        channel = Channel.with_context(**{ALERT_MEMBERS_KEY: True}).create(
            {
                "name": self.env._("Social alerts: %(team)s", team=team.name),
                "channel_type": "channel",
                "group_public_id": group.id if group else False,
                "description": self.env._(
                    "Complaints of top influencers, posts with bank or card data and "
                    "escalations of the team %(team)s.",
                    team=team.name,
                ),
            }
        )
        # the team's members and leader who may read it join (see write); the user whose
        # action made it (Odoo adds the creator of a channel: an admin polling by hand)
        # stays only as one of them; OdooBot (the jobs'), the author of the alerts, stays
        channel = channel.with_env(Channel.env)
        team.social_alert_channel_id = channel
        channel._social_alert_follow(left={channel.id: self.env.user})
        return channel

    def _social_alert_lang(self, company):
        """Language of the messages in this team's alert channel: the one most of its members
        (active internal users; OdooBot is not counted) read (one message for all of them),
        the company's (``company``) on a tie or without members."""
        self.ensure_one()
        company_lang = company._social_lang()
        # sudo: the channel and its members' language are the product's
        partners = self.sudo().social_alert_channel_id.channel_member_ids.partner_id
        users = partners.user_ids.filtered(lambda u: u.active and not u.share)
        counts = {}
        for user in users:
            lang = user.lang or company_lang
            counts[lang] = counts.get(lang, 0) + 1
        if not counts:
            return company_lang
        top = max(counts.values())
        leaders = [lang for lang, count in counts.items() if count == top]
        return company_lang if company_lang in leaders or len(leaders) > 1 else leaders[0]

    def _social_post_alert(self, body):
        """Post ``body`` (HTML) in the team's alert channel, as OdooBot."""
        self.ensure_one()
        channel = self._social_alert_channel()
        return channel.message_post(
            body=body,
            # the id by its cached xml id (env.ref reads the partner, once per alert)
            author_id=self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_social_time_off(self):
        """The time off that counts for the members' working hours: their own leaves and those
        of their working times (or of every working time: public holidays without one)."""
        self.ensure_one()
        users = self.user_ids | self.user_id
        resources = self.env["res.users"].browse(users.ids)._social_resources()
        resource_ids = [resource.id for resource in resources.values()]
        calendars = users.social_calendar_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "resource.action_resource_calendar_leave_tree"
        )
        action["domain"] = [
            "|", ("resource_id", "in", resource_ids),
            "&", ("resource_id", "=", False), ("calendar_id", "in", [False, *calendars.ids]),
        ]
        action["context"] = {
            "default_calendar_id": calendars.id if len(calendars) == 1 else False,
        }
        action["name"] = action["display_name"] = self.env._(
            "Time Off: %(team)s", team=self.display_name
        )
        return action

    def action_view_social_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm_helpdesk.helpdesk_ticket_action_social"
        )
        action["domain"] = [("team_id", "=", self.id), ("social_network_id", "!=", False)]
        action["context"] = {"default_team_id": self.id}
        return action

    def _retrieve_dashboard(self):
        """helpdesk_mgmt's dashboard tiles are named in English in every language (its
        German has no "Open Tickets"): ours where upstream's name was left in English, a
        translation upstream gives later is kept."""
        items = super()._retrieve_dashboard()
        ours = {
            "Open Tickets": self.env._("Open Tickets"),
            "Open Tickets without team": self.env._("Open Tickets without team"),
        }
        for item in items:
            if item.get("name") in ours:
                item["name"] = ours[item["name"]]
        return items
