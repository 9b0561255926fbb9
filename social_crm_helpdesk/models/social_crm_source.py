# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SocialCrmSource(models.Model):
    _inherit = "social.crm.source"

    social_reply_max_chars = fields.Integer(
        string="Reply Length Limit",
        help="Mastodon: the instance's own limit of a post (its "
        "configuration.statuses.max_characters); 0 means the network's default "
        "(X 280, Bluesky 300, Mastodon 500).",
    )

    @api.model
    def _social_helpdesk_demo_replay(self, max_polls=20):
        """Demo: route the complaints stored before this module (the demo posts), then poll
        the replayed demo traffic to its end, so that every demo complaint is treated alike:
        a ticket opens with the first complaint of its conversation (a replayed follow-up of
        a demo post joins the ticket of that post instead of opening one of its own)."""
        Post = self.env["social.crm.post"]
        # the demo posts stored before this module are classified by its post-init hook,
        # which runs after the demo data: classify them now (the hook then finds none)
        Post._social_process_existing()
        self._social_helpdesk_demo_route_waiting()
        source = self.env.ref("social_crm.source_demo_replay", raise_if_not_found=False)
        if source:
            for _poll in range(max_polls):
                if not source._poll().created:
                    break
        self._social_helpdesk_demo_route_waiting()
        return True

    @api.model
    def _social_helpdesk_demo_route_waiting(self):
        Post = self.env["social.crm.post"]
        waiting = Post.search(
            [("complaint_label", "=", "complaint"), ("ticket_id", "=", False)], order="posted_at"
        )
        if waiting:
            waiting._social_route(automatic=True)
        return True
