"""Make ``social_crm_scoring.scoring`` importable as plain Python.

The addon's ``__init__`` imports Odoo models, which only load under ``odoo.addons``. The
scoring maths never imports ``odoo``: register a bare ``social_crm_scoring`` package (its
``__init__`` not run) so that ``import social_crm_scoring.scoring`` works without Odoo.
"""

import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parents[2]

if "social_crm_scoring" not in sys.modules:
    _package = types.ModuleType("social_crm_scoring")
    _package.__path__ = [str(ROOT / "social_crm_scoring")]
    _package.__file__ = str(ROOT / "social_crm_scoring" / "__init__.py")
    sys.modules["social_crm_scoring"] = _package
