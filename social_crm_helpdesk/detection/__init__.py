"""Plain-Python detection helpers for Social CRM helpdesk (no Odoo import).

- complaints: classify(text, lang=None, model=None) -> Verdict; classify_many(...);
  AdaptiveModel learned from agents' "convert to ticket" / "not a complaint" decisions.
- pii: find_pii(text) -> [Match]; redact(text, matches=None) -> str; redact_report(text).
"""

from .adaptive import AdaptiveModel
from .complaints import LABELS, REASON_CODES, Verdict, classify, classify_many, render_reason

__all__ = ["AdaptiveModel", "LABELS", "REASON_CODES", "Verdict", "classify", "classify_many",
           "render_reason"]
