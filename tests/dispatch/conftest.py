"""Make the plain-Python `dispatch` package of social_crm_helpdesk importable without Odoo."""

import os
import sys

ADDON = os.path.join(os.path.dirname(__file__), "..", "..", "social_crm_helpdesk")
sys.path.insert(0, os.path.abspath(ADDON))
