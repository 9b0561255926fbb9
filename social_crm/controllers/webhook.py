# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhook of push sources: ``/social_crm/webhook/<token>``.

GET answers the network's handshake (Meta ``hub.challenge``, X CRC); POST checks the
signature of the raw body before anything else, stores the items as ``social.crm.event`` in
the request's short transaction and answers at once; a cron triggered on commit processes them.
"""

import logging
import re

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..models.social_crm_source_intake import MAX_BODY

_logger = logging.getLogger(__name__)
#: what the access log must not keep of a webhook request: the token in its address (the key
#: to the source) and Meta's verify token in the handshake's query
_SECRETS_IN_ACCESS_LOG = re.compile(
    r"(/social_crm/webhook/)[^/?\s\"]+|(hub\.verify_token=)[^&\s\"]+")


class WebhookAccessLogFilter(logging.Filter):
    """Strikes the webhook token and the verify token from the lines of the access log (the
    ``werkzeug`` logger writes every request's address and query)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left alone
            return True
        if "/social_crm/webhook/" in message:
            record.msg = _SECRETS_IN_ACCESS_LOG.sub(
                lambda m: f"{m.group(1) or m.group(2)}***", message)
            record.args = ()
        return True


_access_log = logging.getLogger("werkzeug")
if not any(isinstance(f, WebhookAccessLogFilter) for f in _access_log.filters):
    _access_log.addFilter(WebhookAccessLogFilter())


class SocialCrmWebhook(http.Controller):
    @http.route(
        "/social_crm/webhook/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def social_crm_webhook(self, token, **_params):
        httprequest = request.httprequest
        # sudo: a public route (auth none): the token in the URL finds the source; every _webhook_*
        # method runs on this sudo'ed source, nothing is trusted before its signature check
        source = request.env["social.crm.source"].sudo()._webhook_source(token)
        if not source:
            return self._answer(404, "text/plain", "Unknown webhook")
        if httprequest.method == "GET":
            return self._answer(*source._webhook_handshake(httprequest.args))
        mimetype = httprequest.mimetype
        if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
            # Meta, X and Telegram send JSON; a form's body is read by Odoo's form parser before
            # this route (it would be missing here, and taken for a bad signature). Without a
            # content type the body is intact: its signature decides.
            source._intake_refused(request.env._("the content type is not JSON"),
                                   detail=f"content type {mimetype[:80]!r}")
            return self._answer(415, "text/plain", "Unsupported content type: send JSON")
        if (httprequest.content_length or 0) > MAX_BODY:
            source._intake_refused(request.env._("body over the size limit"))
            return self._answer(413, "text/plain", "Payload too large")
        httprequest.max_content_length = MAX_BODY  # also bounds a body sent in chunks
        try:
            # cached: Odoo runs the request again after a concurrent update (the same delivery
            # stored by two workers at once), and the stream can be read only once
            body = httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            body = None
        if body is None or len(body) > MAX_BODY:
            source._intake_refused(request.env._("body over the size limit"))
            return self._answer(413, "text/plain", "Payload too large")
        return self._answer(*source._webhook_receive(body, httprequest.headers))

    @staticmethod
    def _answer(status, content_type, body):
        return request.make_response(
            body,
            headers=[("Content-Type", f"{content_type}; charset=utf-8")],
            status=status,
        )
