# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models, wizards


def post_init_hook(env):
    """Redact and classify the posts stored before this addon was installed."""
    env["social.crm.post"].with_context(active_test=False)._social_process_existing()
