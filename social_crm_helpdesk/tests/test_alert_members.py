# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The members of a team's alert channel follow the team: who joins the team (or becomes its
leader) joins the channel at once, who leaves it leaves the channel, and who may no longer
read the team's tickets (archived, no helpdesk group, not in the team's company) leaves it
whoever added them. Who a person added by hand stays while still allowed. The channel reads
customers' names, reach and bank data found: never a user of another company."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import ArrivalCase

GROUPS = "base.group_user,helpdesk_mgmt.group_helpdesk_user,social_crm.group_social_crm_user"


@tagged("post_install", "-at_install")
class TestAlertMembers(ArrivalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dora = new_test_user(cls.env, login="sh_dora", name="Dora Agent", groups=GROUPS)
        cls.stranger = new_test_user(
            cls.env, login="sh_stranger", name="Otto Other", groups=GROUPS,
            company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)],
        )

    def members(self):
        channel = self.team.social_alert_channel_id
        self.assertTrue(channel, "the first alert created the team's channel")
        channel.invalidate_recordset()
        return channel.sudo().channel_member_ids.partner_id

    def alert(self, ext="members-1"):
        ticket = self.critic_post(ext=ext).ticket_id
        self.assertTrue(ticket.social_alerted_at)
        return ticket

    def test_a_member_who_joins_the_team_joins_its_channel(self):
        """Before: Dora joined the team after the first alert and never saw one (she joined
        the channel only when she owned an alerted ticket)."""
        self.alert()
        self.assertNotIn(self.dora.partner_id, self.members())
        self.team.write({"user_ids": [Command.link(self.dora.id)]})
        self.assertIn(self.dora.partner_id, self.members())
        # a new leader as well
        lead = new_test_user(self.env, login="sh_lead2", name="Leo Lead", groups=GROUPS)
        self.team.write({"user_id": lead.id})
        self.assertIn(lead.partner_id, self.members())

    def test_a_member_who_leaves_the_team_leaves_its_channel(self):
        """Before: Cleo left the team and kept reading the alerts about its customers."""
        self.alert()
        self.assertIn(self.cleo.partner_id, self.members())
        self.team.write({"user_ids": [Command.unlink(self.cleo.id)]})
        self.assertNotIn(self.cleo.partner_id, self.members())
        # the old leader too, when another one takes over
        self.team.write({"user_id": self.dora.id})
        members = self.members()
        self.assertNotIn(self.leader.partner_id, members)
        self.assertIn(self.dora.partner_id, members)
        self.assertIn(self.bert.partner_id, members)
        # a later alert adds nobody who left
        self.alert("members-2")
        self.assertNotIn(self.cleo.partner_id, self.members())

    def test_who_was_added_by_hand_stays(self):
        """A supervisor invited by hand (not of the team) and a member who was in the channel
        by hand before joining the team stay while they may read the tickets."""
        self.alert()
        channel = self.team.social_alert_channel_id
        channel.with_user(self.bert).add_members(partner_ids=self.dora.partner_id.ids)
        self.assertIn(self.dora.partner_id, self.members())
        self.team.write({"user_ids": [Command.link(self.dora.id)]})
        self.team.write({"user_ids": [Command.unlink(self.dora.id), Command.unlink(self.cleo.id)]})
        members = self.members()
        self.assertIn(self.dora.partner_id, members, "added by hand: kept")
        self.assertNotIn(self.cleo.partner_id, members, "added by the product: removed")
        # but not once she may no longer read the helpdesk
        self.dora.write({"group_ids": [Command.unlink(
            self.env.ref("helpdesk_mgmt.group_helpdesk_user").id)]})
        self.assertNotIn(self.dora.partner_id, self.members())

    def test_who_loses_the_helpdesk_or_the_company_leaves_the_channel(self):
        """Before: Bert, moved to another company, and Cleo, no longer a helpdesk user, still
        read the alerts (a member reads the channel whatever their company or groups)."""
        self.alert()
        members = self.members()
        self.assertIn(self.bert.partner_id, members)
        self.assertIn(self.cleo.partner_id, members)
        self.bert.write({"company_ids": [Command.set(self.other_company.ids)],
                         "company_id": self.other_company.id})
        self.cleo.write({"group_ids": [Command.unlink(
            self.env.ref("helpdesk_mgmt.group_helpdesk_user").id)]})
        self.agent.action_archive()
        members = self.members()
        self.assertNotIn(self.bert.partner_id, members)
        self.assertNotIn(self.cleo.partner_id, members)
        self.assertNotIn(self.agent.partner_id, members)
        self.assertIn(self.leader.partner_id, members)
        # back in the company: back in the channel (still a member of the team)
        self.bert.write({"company_ids": [Command.link(self.company.id)]})
        self.assertIn(self.bert.partner_id, self.members())

    def test_never_a_user_of_another_company(self):
        """Before: a team member of another company was made a member of the channel."""
        self.team.write({"user_ids": [Command.link(self.stranger.id)]})
        self.alert()
        self.assertNotIn(self.stranger.partner_id, self.members())
        self.assertIn(self.bert.partner_id, self.members())
        self.team.write({"user_ids": [Command.unlink(self.stranger.id)]})
        self.team.write({"user_ids": [Command.link(self.stranger.id)]})
        self.assertNotIn(self.stranger.partner_id, self.members())

    def test_the_user_who_ingests_does_not_join(self):
        """Before: the user whose action opened the channel (the job's, an admin polling by
        hand) was made a member of it (Odoo adds the creator of a channel)."""
        admin = self.env.ref("base.user_admin")
        self.team.write({"user_ids": [Command.unlink(admin.id)]})
        post = self.complaint("members-admin", author=self.make_author(
            "critic-admin", "critic_admin", "Carl Critic", followers_count=10000,
            listed_count=120, verified=True))
        self.Post.with_user(admin)._ingest_posts([post], self.x_source)
        members = self.members()
        self.assertNotIn(admin.partner_id, members)
        self.assertEqual(members, (self.team.user_ids | self.leader).partner_id)

    def test_members_follow_in_a_fixed_number_of_queries(self):
        """Adding and removing members of the team: the channel follows in queries that do
        not grow with the members."""
        self.alert()
        few = [new_test_user(self.env, login=f"sh_few{i}", groups=GROUPS) for i in range(2)]
        many = [new_test_user(self.env, login=f"sh_many{i}", groups=GROUPS) for i in range(8)]

        def count(users):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.team.write({"user_ids": [Command.link(u.id) for u in users]})
            self.team.write({"user_ids": [Command.unlink(u.id) for u in users]})
            return self.env.cr.sql_log_count - before

        count(few)  # warm the caches
        small, big = count(few), count(many)
        # adding a member: Odoo's _add_members creates one row per member and sends each
        # their bus notification; no query per member beyond those
        self.assertLessEqual(big - small, 3 * (len(many) - len(few)), (small, big))
        self.assertFalse({*few, *many} & set(self.members().user_ids))
