"""Make ``social_crm.services`` importable as plain Python.

``social_crm/__init__.py`` imports the Odoo models, which only load under ``odoo.addons``.
The connectors never import ``odoo``: register a bare ``social_crm`` package (its
``__init__`` not run) so that ``import social_crm.connectors`` works without Odoo.
"""

import pathlib
import sys
import types

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]

if "social_crm" not in sys.modules:
    _package = types.ModuleType("social_crm")
    _package.__path__ = [str(ROOT / "social_crm")]
    _package.__file__ = str(ROOT / "social_crm" / "__init__.py")
    sys.modules["social_crm"] = _package
