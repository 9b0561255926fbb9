# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posts stored in the wrong company before the webhook routing (19.0.1.6.0 and older).

Before each item of a delivery went to the push source of the account it names
(``social.crm.source._webhook_route``), every item delivered at a source's address was stored
with that source: a comment on company B's page, delivered at company A's address (one Meta
app, one X app for both), became company A's post, with A's contact, identity and ticket.

They are found through the stored deliveries (``social.crm.event``: the item's payload names
its account, Meta ``entry[].id``, X ``for_user_id``, WhatsApp ``metadata.phone_number_id``;
the post's own payload often does not): a post of source S whose delivery names an account
that is not S's but that of a push source of exactly one other company.

They are flagged, not moved: the post has grown links in its company (the author's identity
and contact, a ticket its agents may have answered, replies, scores) that cannot follow it
into another company (the company checks forbid a post of B with A's identity or ticket),
and rebuilding them in B while deleting A's work would destroy a record a person made. The
company's managers get the list (Social Inbox, filter *Stored for Another Company's
Account*; a note on the source) and decide.
"""

import json
import logging
from collections import defaultdict

from odoo import api, fields, models

from ..connectors.base import ConnectorError
from ..connectors.events import RawEvent

_logger = logging.getLogger(__name__)

BATCH = 1000


class SocialCrmPost(models.Model):
    _inherit = "social.crm.post"

    misplaced_account = fields.Char(
        string="Addressed to Account",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Stored before the webhook routing: the network delivered this item for this "
        "account, which is another company's push source's, not this post's source's.",
    )
    misplaced_company = fields.Char(
        string="Account of Company",
        readonly=True,
        copy=False,
        help="The company whose push source has that account (its name when it was found).",
    )

    def _product_written_fields(self):
        return super()._product_written_fields() | {"misplaced_account", "misplaced_company"}

    @api.model
    def _flag_misplaced_by_routing(self):
        """Flag the posts stored for another company's account (see the module); return
        them. Sources with flagged posts get a note in their chatter, the log a warning.
        Running it again flags nothing twice."""
        # sudo: every company's push sources and deliveries (a migration, a manager's check)
        Source = self.env["social.crm.source"].sudo().with_context(active_test=False)
        Event = self.env["social.crm.event"].sudo()
        sources = Source.search([("intake_mode", "=", "push")], order="id")
        if len(sources.company_id) < 2:
            return self.browse()  # one company's push sources: nothing went astray
        owners = defaultdict(set)  # (network id, account) -> companies of its push sources
        company_names = {}
        for source in sources:
            company_names[source.company_id.id] = source.company_id.name
            for account in source._webhook_accounts():
                owners[(source.network_id.id, account)].add(source.company_id.id)
        flagged = self.browse()
        for source in sources:
            own = source._webhook_accounts()
            wanted = {}  # post external id -> (account, company id)
            host = source._intake_host()
            last_id = 0
            while True:
                events = Event.search_fetch(
                    [("source_id", "=", source.id), ("channel", "=", "push"),
                     ("state", "=", "done"), ("id", ">", last_id)],
                    ["kind", "delivery_key", "payload"], order="id", limit=BATCH)
                if not events:
                    break
                last_id = events[-1].id
                for event in events:
                    try:
                        payload = json.loads(event.payload or "{}")
                        if not isinstance(payload, dict):
                            continue
                        account = source._webhook_event_account(
                            RawEvent(event.kind, event.delivery_key, payload))
                        if account is None or account in own:
                            continue
                        companies = owners.get((source.network_id.id, account), set())
                        if len(companies) != 1 or source.company_id.id in companies:
                            continue  # no company's, this company's, or several companies'
                        posts = Event._posts_of_event(event.kind, payload, host)
                    except (ValueError, ConnectorError):
                        continue  # an unreadable delivery names nothing for sure
                    for post in posts:
                        if post.external_id:
                            wanted[str(post.external_id)] = (account, next(iter(companies)))
            if not wanted:
                continue
            posts = self.sudo().search_fetch(
                [("source_id", "=", source.id), ("company_id", "=", source.company_id.id),
                 ("external_id", "in", sorted(wanted)), ("misplaced_account", "=", False)],
                ["external_id"])
            groups = defaultdict(list)
            for post in posts:
                groups[wanted[post.external_id]].append(post.id)
            for (account, company_id), ids in groups.items():
                self.sudo().browse(ids).write({
                    "misplaced_account": account,
                    "misplaced_company": company_names.get(company_id) or str(company_id),
                })
            if posts:
                flagged |= posts
                _logger.warning(
                    "Social CRM: source %s (%s): %s post(s) stored before the webhook routing "
                    "for accounts of another company (%s): flagged, not moved (Social Inbox, "
                    "filter \"Stored for Another Company's Account\")", source.id, source.name,
                    len(posts), ", ".join(sorted({a for a, _c in groups})))
                source._message_log(body=source.env._(
                    "%(count)s post(s) of this source were stored before the webhook routing "
                    "although the network addressed them to account %(accounts)s of another "
                    "company's push source. They are flagged, not moved (their contact, "
                    "identity and ticket belong to this company): Social Inbox, filter "
                    "“Stored for Another Company's Account”.",
                    count=len(posts), accounts=", ".join(sorted({a for a, _c in groups}))))
        return flagged.with_env(self.env)
