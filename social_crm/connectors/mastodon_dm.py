"""Mastodon private mentions (statuses of visibility ``direct``), plain Python.

Mastodon has no separate direct messages: a "private mention" is a status of visibility
``direct`` that only the accounts it mentions can see. Reading (a source of kind ``direct``,
polled on its schedule): the mention notifications of our account,
``GET /api/v1/notifications?types[]=mention`` (needs the scope ``read:notifications``),
keeping the statuses of visibility ``direct`` (public listening leaves them out, see
:func:`.mastodon.parse_notifications`). Paging and cursor are those of the mentions timeline:
``since_id`` with the newest notification id, ``Link: rel="next"`` kept on the instance.

Each private mention becomes a :class:`~.base.Post`: the status id, the author read as on
public posts (``user@instance``: the same account is the same identity), conversation
``dm:<user@instance>``: one private conversation, hence one ticket, per customer account
(Mastodon's own conversation ids are not on statuses, and a customer's later private
mentions, replies or not, belong to the same chat). Images, videos and other files of
``media_attachments`` are listed in ``raw["media"]`` with their URL.

Answering: ``POST /api/v1/statuses`` with ``visibility=direct``, ``in_reply_to_id`` the
customer's last status and the text starting with ``@user@instance`` (a direct status
reaches the accounts it mentions only; scope ``write:statuses``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import http, mastodon
from .base import (
    DEFAULT_TIMEOUT,
    ConfigurationError,
    Page,
    Post,
    ReplyResult,
    SourceConfig,
)
from .util import max_id, text_of

NETWORK = mastodon.NETWORK
MEDIA_TYPES = {"image": "image", "unknown": "file"}


def conversation_key(acct: str) -> str:
    return f"dm:{(acct or '').lower()}"


def account_of_key(key: str | None) -> str | None:
    """The ``user@instance`` of a ``dm:<user@instance>`` conversation key (None else)."""
    if not key or not key.startswith("dm:") or "@" not in key:
        return None
    return key[3:] or None


def _media(status: Mapping[str, Any]) -> list[dict]:
    media = []
    for attachment in status.get("media_attachments") or []:
        if not isinstance(attachment, dict) or attachment.get("type") not in MEDIA_TYPES:
            continue  # videos and audio are left on the network
        url = attachment.get("url") or attachment.get("remote_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            continue
        name = urlsplit(url).path.rsplit("/", 1)[-1] or "file"
        media.append({"url": url, "type": MEDIA_TYPES[attachment["type"]], "file_name": name})
    return media


def as_private(post: Post) -> Post:
    """A parsed direct status as a private message of its author's conversation."""
    status = post.raw or {}
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    return dataclasses.replace(
        post,
        conversation_external_id=conversation_key(post.author.external_id) if post.author
        else None,
        raw={"status_id": post.external_id, "visibility": "direct",
             "account_id": text_of(account.get("id")),
             "in_reply_to_id": status.get("in_reply_to_id"), "media": _media(status)},
    )


def parse_direct_notifications(items: Any, host: str):
    """``(posts, newest notification id, rejected)`` of the private mentions of a page of
    notifications (statuses without author cannot be answered: left out)."""
    posts, newest, rejected = mastodon.parse_notifications(items, host, direct=True)
    return [as_private(p) for p in posts if p.author], newest, rejected


class MastodonDmConnector(mastodon.MastodonConnector):
    """Private mentions of our account (not in the REGISTRY: the source of kind ``direct``
    builds it; ``mastodon`` stays the public connector)."""

    kinds = ("direct",)

    def __init__(self, config: SourceConfig, session=None):
        super().__init__(config, session)
        if not self.token:
            raise ConfigurationError(
                "mastodon: private mentions need our account's access token (scopes "
                "read:notifications and write:statuses)")

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        url = f"{self.base}/api/v1/notifications"
        params: Any = [("types[]", "mention"), ("limit", self.limit)]
        if cursor:
            params.append(("since_id", cursor))
        newest = cursor or None
        for number in range(1, max(1, self.config.max_pages) + 1):
            body, response = self._get(url, params)
            posts, page_newest, rejected = parse_direct_notifications(body, self.host)
            newest = max_id(newest, page_newest)
            next_url = (response.links.get("next") or {}).get("url")
            is_last = not body or not next_url or number >= self.config.max_pages
            yield Page(posts=posts, cursor=newest if is_last else None, is_last=is_last,
                       rejected=rejected)
            if is_last:
                return
            url, params = http.check_same_host(next_url, self.base, NETWORK), None


def send_message(credentials: Mapping[str, str], in_reply_to_id: str, acct: str, text: str,
                 timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                 session=None) -> ReplyResult:
    """Answer the customer ``acct`` (``user@instance``) privately: a ``direct`` status
    replying to their status ``in_reply_to_id`` and mentioning them (else they would not
    see it)."""
    acct = (acct or "").lstrip("@")
    if "@" not in acct:
        raise ConfigurationError("mastodon: the customer's account address is unknown")
    if not (text or "").strip():
        raise ConfigurationError("mastodon: a private message needs some text")
    mention = f"@{acct}"
    if not text.lstrip().lower().startswith(mention.lower()):
        text = f"{mention} {text.strip()}"
    return mastodon.reply(credentials, in_reply_to_id, text, timeout, base_url=base_url,
                          session=session, visibility="direct")
