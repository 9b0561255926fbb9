"""Connector tests import their helpers (``connector_helpers``) from this folder."""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
