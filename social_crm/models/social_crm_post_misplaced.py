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
Account*; a note on the source) and decide. *Deliver to Its Company* gives the stored
delivery to the push source of its account, as the webhook does today: the other company
gets the post through its own intake (its contact, identity, ticket), the copy here stays
flagged for this company's managers to keep or delete.
"""

import json
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..connectors.base import ConnectorError
from ..connectors.events import RawEvent

_logger = logging.getLogger(__name__)

BATCH = 2000  # processed deliveries read at a time by the flagging
MANAGER = "social_crm.group_social_crm_manager"


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

    misplaced_event_id = fields.Many2one(
        "social.crm.event",
        string="Stored Delivery",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups=MANAGER,
    )
    misplaced_delivered_at = fields.Datetime(
        string="Delivered to Its Company",
        readonly=True,
        copy=False,
        help="When the stored delivery was given to the push source of its account.",
    )

    def _product_written_fields(self):
        return super()._product_written_fields() | {
            "misplaced_account", "misplaced_company", "misplaced_event_id",
            "misplaced_delivered_at"}

    def action_deliver_to_its_company(self):
        """*Deliver to Its Company*: the stored delivery of each flagged post goes to the
        active push source of the account it names, in that source's company, as a webhook
        delivery (processed by the cron, stored once: the source's delivery key); the post
        here stays, flagged."""
        self.check_access("write")
        # sudo: the push sources and deliveries of every company (the account names its owner)
        posts = self.sudo().filtered(lambda p: p.misplaced_account and p.misplaced_event_id)
        if not posts:
            raise UserError(self.env._("None of these posts was stored for another company's "
                                       "account with its delivery."))
        Source = self.env["social.crm.source"].sudo()
        Event = self.env["social.crm.event"].sudo()
        for post in posts:
            target = Source.search([
                ("intake_mode", "=", "push"), ("network_id", "=", post.network_id.id),
                ("company_id", "!=", post.company_id.id),
            ], order="id").filtered(lambda s, p=post: p.misplaced_account in s._webhook_accounts())
            if len(target.company_id) != 1:
                raise UserError(self.env._(
                    "No active push source of one other company has account %(account)s now: "
                    "the post stays here.", account=post.misplaced_account))
            event = post.misplaced_event_id
            Event._store_events(target[:1], [RawEvent(
                event.kind, event.delivery_key, json.loads(event.payload or "{}"))], "push")
        posts.write({"misplaced_delivered_at": fields.Datetime.now()})
        Event._trigger_processing()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Delivered"),
                "message": self.env._(
                    "%(count)s post(s) delivered to the source of their account; they stay "
                    "here, flagged: delete them here if they are none of this company's "
                    "business.", count=len(posts)),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _flag_misplaced_by_routing(self, batch_size=BATCH):
        """Flag the posts stored for another company's account (see the module); return
        them. Sources with flagged posts get a note in their chatter, the log a warning.
        Running it again flags nothing twice.

        A source's processed deliveries are read ``batch_size`` at a time, newest first (by
        id), and each batch's posts flagged before the next is read, the cache emptied: a
        table of millions of events is never in memory at once. A post named by several
        deliveries keeps the newest one (it is flagged by the first batch that names it)."""
        # sudo: every company's push sources and deliveries (a migration, a manager's check)
        Source = self.env["social.crm.source"].sudo().with_context(active_test=False)
        sources = Source.search([("intake_mode", "=", "push")], order="id")
        if len(sources.company_id) < 2:
            return self.browse()  # one company's push sources: nothing went astray
        owners = defaultdict(set)  # (network id, account) -> companies of its push sources
        company_names = {}
        for source in sources:
            company_names[source.company_id.id] = source.company_id.name
            for account in source._webhook_accounts():
                owners[(source.network_id.id, account)].add(source.company_id.id)
        flagged_ids = []
        for source in sources:
            accounts, count = set(), 0
            before_id = None
            while True:
                batch, before_id = self._flag_misplaced_batch(
                    source, owners, company_names, before_id, batch_size)
                if before_id is None:
                    break
                flagged_ids += batch
                count += len(batch)
                accounts |= {account for _id, account in batch}
            if not count:
                continue
            accounts = ", ".join(sorted(accounts))
            _logger.warning(
                "Social CRM: source %s (%s): %s post(s) stored before the webhook routing "
                "for accounts of another company (%s): flagged, not moved (Social Inbox, "
                "filter \"Stored for Another Company's Account\")", source.id, source.name,
                count, accounts)
            source._message_log(body=source.env._(
                "%(count)s post(s) of this source were stored before the webhook routing "
                "although the network addressed them to account %(accounts)s of another "
                "company's push source. They are flagged, not moved (their contact, "
                "identity and ticket belong to this company): Social Inbox, filter "
                "“Stored for Another Company's Account”.",
                count=count, accounts=accounts))
        return self.browse([post_id for post_id, _account in flagged_ids])

    def _flag_misplaced_batch(self, source, owners, company_names, before_id, batch_size):
        """Flag the posts of ``source``'s ``batch_size`` newest processed deliveries below
        id ``before_id`` (None: the newest); return ``([(post id, account)], lowest event
        id read)``, the id None when there was nothing left to read."""
        Event = self.env["social.crm.event"].sudo()
        domain = [("source_id", "=", source.id), ("channel", "=", "push"),
                  ("state", "=", "done")]
        if before_id is not None:
            domain.append(("id", "<", before_id))
        events = Event.search_fetch(domain, ["kind", "delivery_key", "payload"],
                                    order="id desc", limit=batch_size)
        if not events:
            return [], None
        own = source._webhook_accounts()
        host = source._intake_host()
        wanted = {}  # post external id -> (account, company id, event id), the newest event
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
                    wanted.setdefault(str(post.external_id),
                                      (account, next(iter(companies)), event.id))
        lowest = events[-1].id
        flagged = []
        if wanted:
            posts = self.sudo().search_fetch(
                [("source_id", "=", source.id), ("company_id", "=", source.company_id.id),
                 ("external_id", "in", sorted(wanted)), ("misplaced_account", "=", False)],
                ["external_id"])
            updates = []  # each post its own values, written in one statement per 100
            for post in posts:
                account, company_id, event_id = wanted[post.external_id]
                updates.append((post.id, {
                    "misplaced_account": account,
                    "misplaced_company": company_names.get(company_id) or str(company_id),
                    "misplaced_event_id": event_id,
                }))
                flagged.append((post.id, account))
            self.sudo()._ingest_upsert(updates=updates)
        # the batch's payloads and posts leave the cache (written: nothing to flush)
        self.env.invalidate_all()
        return flagged, lowest
