# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""GDPR rights on social data: export (Art. 15/20) and erasure (Art. 17).

Each addon erases and exports what it stores by extending ``_social_erase`` and
``_social_export_data``: social_crm the identities, posts and match suggestions; social_crm_scoring
the score history and mentions; social_crm_helpdesk the tickets' texts and replies.
"""

import csv
import datetime as dt
import io
import json
import zipfile

from markupsafe import Markup

from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..services import erasure

EXPORT_PREFIX = "social-data-"


def _plain(value):
    """A JSON/CSV friendly value."""
    if isinstance(value, models.BaseModel):
        return value.display_name or False
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- what belongs to a person ------------------------------------------------------------
    def _social_privacy_scope(self):
        """Domain on ``company_id`` of the rows a privacy request covers: every company's for
        the superuser (OCA's anonymisation, the retention cron), else those of the user's
        companies. A contact without company is shared: a manager of company B neither
        exports nor erases what company A holds about it (its record rules keep A's rows from
        B's users; each company answers for its own data)."""
        if self.env.su:
            return Domain.TRUE
        return Domain("company_id", "in", self.env.user.company_ids.ids)

    def _social_identities(self):
        return (
            self.env["social.crm.identity"]
            # sudo: the privacy request covers every identity of the contact in the companies of
            # the user (callers check the right first)
            .sudo()
            .with_context(active_test=False)
            .search(Domain("partner_id", "in", self.ids) & self._social_privacy_scope())
        )

    def _social_posts(self, identities=None):
        identities = self._social_identities() if identities is None else identities
        domain = Domain("partner_id", "in", self.ids)
        if identities:
            domain |= Domain("identity_id", "in", identities.ids)
        # sudo: every post of the contact, also those of teams the user cannot read (in the
        # user's companies)
        return self.env["social.crm.post"].sudo().with_context(active_test=False).search(
            domain & self._social_privacy_scope()
        )

    def _social_event_clauses(self, identities):
        """{identity: domain} of the received events whose payload names ``identity`` by its
        network id (as a JSON string, or a JSON number for the networks that send numeric
        user ids), in its company."""
        clauses = {}
        for identity in identities.filtered("external_id"):
            ext = identity.external_id
            patterns = [json.dumps(ext)]
            if ext.isdigit():
                patterns += [f'"id": {ext},', f'"id": {ext}}}']
            clauses[identity] = (
                Domain("company_id", "=", identity.company_id.id)
                & Domain.OR(Domain("payload", "like", pattern) for pattern in patterns)
            )
        return clauses

    def _social_events(self, identities=None):
        """Processed received events (webhook and stream items) that name one of these
        contacts' identities (:meth:`_social_event_clauses`): their payload still holds the
        person's words, name and profile after their posts are stored. Events not processed
        yet are :meth:`_social_pending_events`."""
        identities = self._social_identities() if identities is None else identities
        clauses = self._social_event_clauses(identities)
        if not clauses:
            return self.env["social.crm.event"]
        # sudo: payloads are manager-only; the request covers the user's companies
        return self.env["social.crm.event"].sudo().search(
            Domain("state", "=", "done") & Domain.OR(clauses.values())
            & self._social_privacy_scope()
        )

    def _social_pending_events(self, identities=None):
        """{event: network ids of these contacts' identities it names} of the received
        events not processed yet (to process, failed, quarantined). They may hold other
        people's items: marked (``erased_authors``), their posts of these people are refused
        when they are processed, and then their content is emptied as for the events
        processed before (one search per identity); the failed and quarantined ones lose
        these people's items at the erasure (``social.crm.event._erase_person``)."""
        identities = self._social_identities() if identities is None else identities
        named = {}
        for identity, clause in self._social_event_clauses(identities).items():
            # sudo: payloads are manager-only; the request covers the user's companies
            for event in self.env["social.crm.event"].sudo().search(
                Domain("state", "!=", "done") & clause & self._social_privacy_scope()
            ):
                named.setdefault(event, set()).add(identity.external_id)
        return named

    def _social_erased_person(self, identities, posts):
        """The :class:`~..services.erasure.Person` an erasure takes out of the raw items kept
        for a retry: the identities' network ids, handles and names, the contacts' names,
        the posts' texts (before and after an edit) and the imported bios."""
        return erasure.Person.of(
            ids=identities.mapped("external_id"),
            handles=identities.mapped("handle"),
            names=identities.mapped("display_name_on_network") + self.mapped("name"),
            texts=posts.mapped("text") + posts.mapped("previous_text")
            + identities.mapped("bio"),
        )

    def _social_posts_naming(self, person, posts):
        """Other people's posts (in the user's companies) whose raw copy or text may name the
        person: replies to the person's ``posts``, posts of their conversations, posts
        mentioning their identities (by network id or handle), posts whose text names one of
        their handles or names. One search."""
        domain = Domain.FALSE
        if posts:
            domain |= Domain("in_reply_to_external_id", "in", posts.mapped("external_id"))
            conversations = [c for c in posts.mapped("conversation_external_id") if c]
            if conversations:
                domain |= Domain("network_id", "in", posts.network_id.ids) & Domain(
                    "conversation_external_id", "in", conversations)
        for ext in sorted(person.ids):
            domain |= Domain("mentioned_external_ids", "ilike", ext)
        for handle in sorted(person.handles):
            domain |= Domain("mentioned_handles", "ilike", handle)
        # their texts naming the person without a mention the network recorded
        for needle in self._social_erased_needles(person):
            domain |= Domain("text", "ilike", needle) | Domain("previous_text", "ilike", needle)
        if domain.is_false():
            return self.env["social.crm.post"]
        # sudo: every post in the user's companies (raw copies are manager-only)
        return self.env["social.crm.post"].sudo().with_context(active_test=False).search(
            domain & Domain("id", "not in", posts.ids) & self._social_privacy_scope())

    @staticmethod
    def _social_erased_needles(person):
        """The person's handles and names that :func:`~..services.erasure.redact_text`
        replaces in other texts (the words searched for: ``ilike`` of each)."""
        return sorted(
            {h for h in person.handles if len(h) >= erasure.MIN_HANDLE}
            | {n for n in person.names if len(n) >= erasure.MIN_NAME})

    def _social_suggestions(self, identities=None):
        identities = self._social_identities() if identities is None else identities
        domain = Domain("partner_id", "in", self.ids)
        for identity in identities.filtered("external_id"):
            domain |= Domain("network_id", "=", identity.network_id.id) & Domain(
                "author_external_id", "=", identity.external_id
            )
        # sudo: the privacy request covers every suggestion about the contact (in the user's
        # companies)
        return self.env["social.crm.match.suggestion"].sudo().search(
            domain & self._social_privacy_scope()
        )

    def _social_privacy_lookup_sql(self):
        """[(model, SQL condition)]: rows of a person that Odoo's privacy lookup cannot find
        by itself (deleted with the contact, or reached through another record); the
        condition may use ``indirect_references``, the contacts found."""
        return [
            ("social.crm.identity", SQL("partner_id IN (SELECT id FROM indirect_references)")),
        ]

    # --- export ------------------------------------------------------------------------------
    def _social_export_data(self):
        """{section: [row dict]} of this contact's social data (one contact)."""
        self.ensure_one()
        identities = self._social_identities()
        posts = self._social_posts(identities)
        return {
            "contact": [{"id": self.id, "name": self.name, "email": self.email or False}],
            "identities": [
                {
                    "network": identity.network_id.name,
                    "external_id": identity.external_id,
                    "handle": identity.handle,
                    "name_on_network": identity.display_name_on_network,
                    "profile_url": identity.profile_url,
                    "bio": identity.bio,
                    "followers": identity.followers_count,
                    "following": identity.following_count,
                    "posts_on_network": identity.posts_count,
                    "verified": identity.verified,
                    "origin": identity.origin,
                    "last_synced_at": _plain(identity.last_synced_at),
                }
                for identity in identities
            ],
            "posts": [
                {
                    "network": post.network_id.name,
                    "external_id": post.external_id,
                    "posted_at": _plain(post.posted_at),
                    "author_handle": post.author_handle,
                    "text": post.text,
                    # an edited post: when, and the text it had before (personal data too)
                    "edited_at": _plain(post.edited_at),
                    "text_before_edit": post.previous_text or None,
                    "url": post.url,
                    "language": post.lang,
                    "likes": post.like_count,
                    "reposts": post.repost_count,
                    "replies": post.reply_count,
                    "state": post.state,
                }
                for post in posts
            ],
            "match_suggestions": [
                {
                    "network": suggestion.network_id.name,
                    "author_handle": suggestion.author_handle,
                    "author_name": suggestion.author_name,
                    "confidence": suggestion.confidence,
                    "state": suggestion.state,
                }
                for suggestion in self._social_suggestions(identities)
            ],
        }

    def _social_export_zip(self):
        """The export as a zip: ``social-data.json`` plus one CSV per section."""
        self.ensure_one()
        data = self._social_export_data()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "social-data.json",
                json.dumps(data, ensure_ascii=False, indent=2, default=str),
            )
            for section, rows in data.items():
                if not rows or not isinstance(rows, list):
                    continue
                text = io.StringIO()
                columns = list(dict.fromkeys(key for row in rows for key in row))
                writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                for row in rows:
                    writer.writerow(
                        {
                            key: json.dumps(value, ensure_ascii=False, default=str)
                            if isinstance(value, (dict, list))
                            else value
                            for key, value in row.items()
                        }
                    )
                archive.writestr(f"{section}.csv", text.getvalue())
        return buffer.getvalue()

    def action_social_export(self):
        """Export social data (Art. 15/20): a zip downloaded at once, readable by its maker only."""
        self.ensure_one()
        self.check_access("read")
        self._social_check_privacy_rights()
        content = self._social_export_zip()
        # sudo: the export is the product's file, made after the rights check above. Not
        # attached to the contact (an attachment of a record is readable by whoever reads the
        # record: salespeople, agents, other companies' users): without a record, only its
        # creator (and administrators) may read it; the name ties it to the contact
        attachment = self.env["ir.attachment"].sudo().create(
            {
                "name": f"{EXPORT_PREFIX}{self.id}-{fields.Date.today()}.zip",
                "raw": content,
                "mimetype": "application/zip",
                "res_model": "res.partner",
                "res_id": False,
                "company_id": self.env.company.id,
            }
        )
        self.message_post(
            body=Markup("<p>%s</p>") % self.env._(
                "Social data exported (GDPR Art. 15/20) by %(user)s.", user=self.env.user.name
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _social_exports(self, scope=Domain.TRUE):
        """The GDPR exports of these contacts (within ``scope``, a domain on ``company_id``),
        in one search. Found by name: an export is attached to no record (earlier ones were
        attached to the contact). sudo: they are product files the user may not read."""
        if not self.ids:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].sudo().search(
            Domain("res_model", "=", "res.partner")
            & Domain.OR(Domain("name", "=like", f"{EXPORT_PREFIX}{pid}-%") for pid in self.ids)
            & scope
        )

    def unlink(self):
        """A deleted contact's exports go with it, of every company (the contact is gone for
        all; the file would name a contact that no longer exists).

        Its identities are deleted first, in a statement of their own: PostgreSQL would
        delete them by cascade in the contact's own DELETE, which also empties the contact of
        their posts and tickets; for a row written in the same transaction, that update
        checks every foreign key of the row again, and the author's identity, deleted by the
        same statement, fails it (a post stored and its contact deleted in one transaction).
        Deleted first, the posts lose their author, and then their contact, as across
        transactions."""
        exports = self._social_exports()
        # sudo: the cascade deletes them whatever the user's rights (every company's)
        self.env["social.crm.identity"].sudo().with_context(active_test=False).search(
            Domain("partner_id", "in", self.ids)
        ).unlink()
        result = super().unlink()
        exports.unlink()
        return result

    # --- erasure -----------------------------------------------------------------------------
    def _social_check_privacy_rights(self):
        if not (
            self.env.is_superuser()
            or self.env.user.has_group("social_crm.group_social_crm_manager")
        ):
            from odoo.exceptions import AccessError

            raise AccessError(
                self.env._("Only Social CRM managers may export or erase a person's social data.")
            )

    def _social_erase(self):
        """Erase these contacts' social data; return {what: count} (never the content).

        Addons extend it for what they store (and call super last for identities and posts).
        """
        counts = {}
        identities = self._social_identities()
        suggestions = self._social_suggestions(identities)
        posts = self._social_posts(identities)
        # earlier exports (of the user's companies), erased with the contact
        exports = self._social_exports(self._social_privacy_scope())
        events = self._social_events(identities)
        pending = self._social_pending_events(identities)
        counts["match suggestions"] = len(suggestions)
        counts["posts"] = len(posts)
        counts["identities"] = len(identities)
        counts["earlier exports"] = len(exports)
        counts["received events"] = len(events)
        counts["received events to process"] = len(pending)
        person = self._social_erased_person(identities, posts)
        suggestions.unlink()
        # the deliveries stay (a redelivery is still known), without what they said
        events.write({"payload": False})
        waiting = self.env["social.crm.event"].sudo()  # sudo: see _social_pending_events
        for event, external_ids in pending.items():
            known = set(json.loads(event.erased_authors or "[]"))
            event.erased_authors = json.dumps(sorted(known | external_ids))
            waiting |= event
        # failed and quarantined ones wait for a manager's retry, maybe for good: at once,
        # the person's own items emptied, the others' kept retryable without the person
        # (those to process are processed by the next run: the person's posts refused, then
        # emptied, the detection seeing the others' items as they came)
        waiting.filtered(lambda e: e.state in ("failed", "quarantined"))._erase_person(person)
        kept, _scrubbed = self.env["social.crm.quarantine"]._erase_person(
            person, self._social_privacy_scope())
        counts["items kept in quarantine"] = len(kept)
        # other people's posts keep their words without the person: their text (and the
        # text before an edit) has her handles, names and quoted words replaced by
        # "[erased]"; their raw copy (the network's JSON, kept for managers) loses the
        # person's profile, handle, name and words. One write per post changed
        scrubbed = self.env["social.crm.post"]
        for post in self._social_posts_naming(person, posts):
            vals = {}
            raw, changed = erasure.scrub(post.raw_payload, person)
            if changed:
                vals["raw_payload"] = raw
            for name in ("text", "previous_text"):
                text, changed = erasure.redact_text(post[name], person)
                if changed:
                    vals[name] = text
            # nor the mentions it records (as a post retried after the erasure: see
            # social.crm.event._refuse_erased_authors)
            for name, kept in (
                    ("mentioned_external_ids", lambda values: erasure.without_mentions_of(
                        person.ids, values)),
                    ("mentioned_handles", lambda values: erasure.without_handles_of(
                        person, values))):
                values = (post[name] or "").split()
                left = kept(values)
                if len(left) != len(values):
                    vals[name] = " ".join(left) or False
            if vals:
                post.write(vals)
                scrubbed |= post
        counts["raw copies of other people's posts"] = len(scrubbed)
        # remembered as erased before ``unlink`` remembers them as a user's delete
        self.env["social.crm.post.deleted"]._remember(posts, reason="erasure")
        posts.unlink()
        identities.unlink()
        exports.unlink()
        # sudo: the imported bio is erased even where the user may not write the contact
        self.sudo().filtered("social_origin").write({"comment": False})
        return counts

    def _social_erase_labels(self):
        """{what: words} of the counts :meth:`_social_erase` returns, for the note in the
        contact's chatter (extended by the addons that erase more)."""
        return {
            "match suggestions": self.env._("match suggestions"),
            "posts": self.env._("posts"),
            "identities": self.env._("identities"),
            "earlier exports": self.env._("earlier exports"),
            "received events": self.env._("received events (their content)"),
            "received events to process": self.env._(
                "received events still to process or kept for a retry (the person's items "
                "in them removed, the others' kept without the person)"
            ),
            "items kept in quarantine": self.env._("the person's items kept in quarantine"),
            "raw copies of other people's posts": self.env._(
                "other people's posts naming the person (their text and raw copy)"),
        }

    def action_social_erase(self):
        """Erase social data (Art. 17), logged on each contact without the erased content."""
        self.check_access("write")
        self._social_check_privacy_rights()
        for partner in self:
            counts = partner._social_erase()
            labels = partner._social_erase_labels()
            summary = ", ".join(
                f"{labels.get(what, what)}: {count}" for what, count in counts.items() if count
            )
            partner.message_post(
                body=Markup("<p>%s</p>") % self.env._(
                    "Social data erased on request (GDPR Art. 17) by %(user)s. Removed: "
                    "%(summary)s.",
                    user=self.env.user.name,
                    summary=summary or self.env._("nothing was stored"),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True
