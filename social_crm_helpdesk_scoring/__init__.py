# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models


def post_init_hook(env):
    """The open social tickets opened before the glue (the helpdesk ran without scoring, or
    before the scoring addon was installed) take their contact's Social Score tier now."""
    env["helpdesk.ticket"].search(
        [("social_network_id", "!=", False), ("stage_id.closed", "=", False)]
    )._social_follow_tier()
