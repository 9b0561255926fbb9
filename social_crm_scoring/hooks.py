# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Build the mention/reply edges of the posts stored before the installation."""
    env["social.crm.mention"]._rebuild()
