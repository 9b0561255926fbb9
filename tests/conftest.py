"""Make the addons' plain-Python packages importable without Odoo.

Each addon's ``__init__`` imports its Odoo models, which only load under ``odoo.addons``. The
connectors, services, scoring maths and detection never import ``odoo``: register bare
``social_crm`` and ``social_crm_scoring`` packages (their ``__init__`` not run) so that
``import social_crm.connectors`` or ``import social_crm_scoring.scoring`` works in pytest.
"""

import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]

for _name in ("social_crm", "social_crm_scoring"):
    if _name not in sys.modules:
        _package = types.ModuleType(_name)
        _package.__path__ = [str(ROOT / _name)]
        _package.__file__ = str(ROOT / _name / "__init__.py")
        sys.modules[_name] = _package
