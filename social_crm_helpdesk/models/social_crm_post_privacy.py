# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, models
from odoo.addons.social_crm import connectors

from ..detection import classify
from ..detection.pii import PAYMENT_KINDS


def handle_forms(*values):
    """Every way a handle of these space-separated fields appears in a text."""
    forms = set()
    for value in values:
        for handle in (value or "").split():
            handle = handle.strip().lstrip("@").lower()
            if handle:
                forms.add(handle)
    return forms


class SocialCrmPost(models.Model):
    _name = "social.crm.post"
    _inherit = ["social.crm.post", "social.crm.pii.mixin"]

    _social_pii_fields = ("text", "previous_text")
    _social_pii_json_fields = ("raw_payload",)

    def _social_pii_keep(self, vals):
        author = vals["author_handle"] if "author_handle" in vals else self[:1].author_handle
        mentioned = (
            vals["mentioned_handles"]
            if "mentioned_handles" in vals
            else self[:1].mentioned_handles
        )
        return handle_forms(author, mentioned)

    @api.model
    def _social_handle_forms(self, *values):
        return handle_forms(*values)

    def _social_pii_found(self, vals, kinds):
        known = set((self[:1].pii_kinds or "").split(",")) - {""} if self else set()
        vals["has_sensitive_data"] = True
        vals["pii_kinds"] = ",".join(sorted(known | set(kinds)))

    @api.model
    def _social_pii_created_vals(self, vals_list):
        """Classify the redacted text of new posts (ingestion, import, RPC alike)."""
        todo = [vals for vals in vals_list if "complaint_label" not in vals]
        if not todo:
            return
        company_ids = {vals.get("company_id") or self.env.company.id for vals in todo}
        models_by_company = self.env["res.company"].browse(company_ids)._social_complaint_models()
        for vals in todo:
            self._social_classify_vals(
                vals, models_by_company.get(vals.get("company_id") or self.env.company.id)
            )

    @api.model
    def _social_classify_vals(self, vals, model=None):
        verdict = classify(vals.get("text") or "", lang=vals.get("lang") or None, model=model)
        vals.update(
            complaint_label=verdict.label,
            complaint_confidence=verdict.confidence,
            complaint_p=verdict.p_complaint,
            complaint_reason_codes=[list(code) for code in verdict.codes] or False,
            complaint_lang=verdict.lang or False,
        )
        return vals

    # --- hiding bank and card data on the network --------------------------------------------
    def _ingest_after_create(self, records, posts):
        records = super()._ingest_after_create(records, posts)
        records._social_pii_auto_hide()
        return records

    def _social_pii_auto_hide(self):
        """Hide posts with bank or card data at once when their company wants it; the ticket
        gets the outcome, or what to do where the network offers no hiding."""
        todo = self.filtered(
            lambda p: p.has_sensitive_data
            and p.company_id.social_pii_auto_hide
            and set((p.pii_kinds or "").split(",")) & set(PAYMENT_KINDS)
            and not p.social_hidden
        )
        for post in todo:
            ticket = post.ticket_id
            network = post.network_id.name
            code = post.network_id.code or ""
            if connectors.can_hide(code):
                outcome = post._social_hide(ticket=ticket) or {}
                params = outcome.get("params") or {}
                if params.get("type") in ("success", "info") or not ticket:
                    continue  # hidden, or queued: the outcome is noted on the ticket then
                body = self.env._(
                    "Bank or card data in the customer's post: hiding it on %(network)s "
                    "automatically did not work (%(reason)s). Hide it by hand or ask the author "
                    "to delete it.",
                    network=network,
                    reason=params.get("message") or "?",
                )
            elif not ticket:
                continue
            elif code == "mastodon":
                body = self.env._(
                    "Bank or card data in the customer's post: Mastodon lets no company hide "
                    "other people's posts. Report the post to the moderators of its instance "
                    "(Report, category 'other': personal data) and ask the author to delete it."
                )
            else:
                body = self.env._(
                    "Bank or card data in the customer's post: %(network)s offers no way to hide "
                    "it. Ask the author to delete the post and, if needed, report it to the "
                    "network.",
                    network=network,
                )
            # sudo: the product's note on the ticket, whoever ingested the post
            ticket.sudo().message_post(
                body=Markup("<p>%s</p>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True
