# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models, wizard
from .hooks import post_init_hook
