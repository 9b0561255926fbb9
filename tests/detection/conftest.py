"""Make the plain-Python `detection` package importable without Odoo.

`social_crm_helpdesk/__init__.py` (an Odoo addon) may import Odoo models, so the tests load
`detection` from the addon folder as a top-level package instead.
"""

import os
import sys

ADDON = os.path.join(os.path.dirname(__file__), "..", "..", "social_crm_helpdesk")
sys.path.insert(0, os.path.abspath(ADDON))
